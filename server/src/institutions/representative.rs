//! An institution's legal representative (法定代表人): checked on an application or a profile
//! edit, refused while barred (处理), kept as the name, the ID number's keyed hash and its mask.

use chrono::NaiveDate;
use ltci_shared::api::institutions::{LegalRepresentative, LegalRepresentativeShown};
use ltci_shared::id_number::IdNumber;
use ltci_shared::messages as m;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::entities::institution;
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::pii::PiiCipher;
use crate::registry::persons::id_number_rule;
use crate::supervision::sanctions;

/// A representative whose fields read, not yet checked against the region's sanctions.
#[derive(Debug)]
pub struct Checked {
    name: String,
    id_number: IdNumber,
}

/// Checks the representative's fields into `errors`, under `legal_representative.*`.
pub fn check(errors: &mut FieldErrors, rep: &LegalRepresentative, today: NaiveDate) -> Option<Checked> {
    let name = errors.take("legal_representative.name", check_text(&rep.name, 50));
    let id_number = errors.take("legal_representative.id_number", id_number_rule(&rep.id_number, today));
    Some(Checked { name: name?, id_number: id_number? })
}

/// The stored form: (name, keyed hash, mask); 422 `person_barred` on the ID number while a
/// sanction of the region bars the person.
pub async fn admit<C: ConnectionTrait>(
    db: &C,
    pii: &PiiCipher,
    region_id: Uuid,
    rep: Checked,
    today: NaiveDate,
) -> ApiResult<(String, String, String)> {
    let hash = pii.index(rep.id_number.as_str());
    if let Some(ban) = sanctions::barring(db, region_id, &hash, today).await? {
        return Err(ApiError::invalid_field(
            "legal_representative.id_number",
            "person_barred",
            m::legal_representative_barred(sanctions::last_day(&ban)),
        ));
    }
    Ok((rep.name, hash, rep.id_number.masked()))
}

/// The representative as the API shows them, if one is on record.
pub fn shown(m: &institution::Model) -> Option<LegalRepresentativeShown> {
    Some(LegalRepresentativeShown { name: m.legal_rep_name.clone()?, id_number_masked: m.legal_rep_id_masked.clone()? })
}

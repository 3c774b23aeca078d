//! The console's names for the API's enums that have none of their own in the catalogue.

use ltci_shared::Sex;
use ltci_shared::api::users::Role;
use ltci_shared::messages as m;
use ltci_shared::text::Text;

pub fn role(r: Role) -> Text {
    match r {
        Role::Admin => m::ui_role_admin(),
        Role::Assessor => m::ui_role_assessor(),
        Role::Institution => m::ui_role_institution(),
        Role::Caregiver => m::ui_role_caregiver(),
        Role::Auditor => m::ui_role_auditor(),
    }
}

pub fn sex(s: Sex) -> Text {
    match s {
        Sex::Male => m::ui_male(),
        Sex::Female => m::ui_female(),
    }
}

//! Institution documents (licences, certificates): PDF, JPEG or PNG up to a configured size,
//! stored in the storage directory under their SHA-256 (never in the database), listed and
//! downloaded within scope.
//!
//! The type and size are checked before anything is written. A file is written to a temporary
//! name and renamed into place, so a stored file is always whole; the database row follows in
//! one transaction. Uploading the same content again for the same institution answers with the
//! existing attachment.

use ltci_shared::messages as m;
use ltci_shared::text::Text;
use std::path::{Path, PathBuf};

use axum::body::Body;
use chrono::Utc;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use ltci_shared::api::institutions::{Attachment, AttachmentUpload};
use ltci_shared::error::codes;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use uuid::Uuid;

use super::designation::find_in_scope;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::{enum_from_db, enum_to_db, institution_attachment as att};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The accepted types and the bytes each file of the type starts with.
const TYPES: [(&str, &[u8], &str); 3] = [
    ("application/pdf", b"%PDF-", "PDF"),
    ("image/jpeg", &[0xFF, 0xD8, 0xFF], "JPEG"),
    ("image/png", &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A], "PNG"),
];

fn view(m: att::Model) -> ApiResult<Attachment> {
    Ok(Attachment {
        id: m.id,
        institution_id: m.institution_id,
        kind: enum_from_db(&m.kind)?,
        file_name: m.file_name,
        content_type: m.content_type,
        size_bytes: u64::try_from(m.size_bytes).unwrap_or(0),
        sha256: m.sha256,
        uploaded_by: m.uploaded_by,
        uploaded_at: m.uploaded_at,
    })
}

/// Where content with this digest lives: `<storage>/<first two hex digits>/<digest>`.
fn stored_path(root: &Path, sha256: &str) -> PathBuf {
    root.join(&sha256[..2]).join(sha256)
}

fn too_large(max: u64) -> ApiError {
    ApiError::other(axum::http::StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE, m::file_too_large())
        .with_field("file", "too_large", m::at_most_bytes(max))
}

fn wrong_type(code: &str, message: Text) -> ApiError {
    ApiError::other(axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::UNSUPPORTED_MEDIA_TYPE, m::document_types())
        .with_field("file", code, message)
}

/// A file name without directories or control characters, 1–200 characters.
fn clean_file_name(name: &str) -> ApiResult<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if base.is_empty() || base.chars().count() > 200 || base.chars().any(char::is_control) {
        return Err(ApiError::invalid_field("file_name", "invalid_file_name", m::file_name_rule(200)));
    }
    Ok(base.to_string())
}

/// Checks and stores an upload; answers with the attachment and whether it is new.
pub async fn upload(
    state: &AppState,
    actor: &Actor,
    institution_id: Uuid,
    meta: AttachmentUpload,
    content_type: Option<&str>,
    content_length: Option<u64>,
    body: Body,
) -> ApiResult<(bool, Attachment)> {
    actor.require(Permission::UploadInstitutionDocuments)?;
    let inst = find_in_scope(&state.db, actor, institution_id).await?;
    let file_name = clean_file_name(&meta.file_name)?;
    let declared = content_type.and_then(|c| c.split(';').next()).map(|c| c.trim().to_ascii_lowercase());
    let Some((mime, magic, label)) = TYPES.iter().find(|(m, _, _)| Some(*m) == declared.as_deref()) else {
        return Err(wrong_type("unsupported_type", m::document_content_type()));
    };
    let max = state.config.attachment_max_bytes;
    if content_length.is_some_and(|l| l > max) {
        return Err(too_large(max));
    }
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large(max)),
        Err(_) => {
            return Err(ApiError::bad_request("upload_interrupted", m::upload_interrupted()));
        }
    };
    if bytes.is_empty() {
        return Err(ApiError::invalid_field("file", "empty", m::file_empty()));
    }
    if !bytes.starts_with(magic) {
        return Err(wrong_type("content_mismatch", m::content_mismatch(label)));
    }
    let sha256 = crate::digest::sha256_hex(&bytes);

    let existing = att::Entity::find()
        .filter(att::Column::InstitutionId.eq(inst.id))
        .filter(att::Column::Sha256.eq(&sha256))
        .one(&state.db)
        .await?;
    if let Some(m) = existing {
        return Ok((false, view(m)?));
    }
    store(&state.config.storage_dir(), &sha256, &bytes).await?;
    let txn = state.db.begin().await?;
    let m = att::ActiveModel {
        id: Set(Uuid::now_v7()),
        institution_id: Set(inst.id),
        kind: Set(enum_to_db(&meta.kind)),
        file_name: Set(file_name),
        content_type: Set((*mime).to_string()),
        size_bytes: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(sha256.clone()),
        uploaded_by: Set(actor.user_id),
        uploaded_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await;
    let m = match m {
        Ok(m) => m,
        // Someone stored the same content at the same moment: theirs is the attachment.
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            drop(txn);
            let m = att::Entity::find()
                .filter(att::Column::InstitutionId.eq(inst.id))
                .filter(att::Column::Sha256.eq(&sha256))
                .one(&state.db)
                .await?
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("attachment vanished")))?;
            return Ok((false, view(m)?));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(&txn, &AuditActor::from(actor), "institution.attachment", "institution", inst.id, &["attachments"])
        .await?;
    audit::commit(txn).await?;
    tracing::info!(institution_id = %inst.id, attachment_id = %m.id, size = bytes.len(), "document stored");
    Ok((true, view(m)?))
}

/// Writes content under its digest unless it is already there: to a temporary file first, synced,
/// then renamed into place.
async fn store(root: &Path, sha256: &str, bytes: &[u8]) -> ApiResult<()> {
    let path = stored_path(root, sha256);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    let dir = path.parent().ok_or_else(|| ApiError::internal(anyhow::anyhow!("storage path has no parent")))?;
    let io = |e: std::io::Error| ApiError::internal(anyhow::Error::from(e).context("writing to the storage directory"));
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(".{}.tmp", Uuid::now_v7()));
    let write = async {
        let mut f = tokio::fs::File::create(&tmp).await?;
        tokio::io::AsyncWriteExt::write_all(&mut f, bytes).await?;
        f.sync_all().await?;
        tokio::fs::rename(&tmp, &path).await
    };
    if let Err(e) = write.await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(io(e));
    }
    Ok(())
}

/// The institution's documents, latest first.
pub async fn list(state: &AppState, actor: &Actor, institution_id: Uuid) -> ApiResult<Vec<Attachment>> {
    actor.require(Permission::ReadInstitutions)?;
    let inst = find_in_scope(&state.db, actor, institution_id).await?;
    att::Entity::find()
        .filter(att::Column::InstitutionId.eq(inst.id))
        .order_by_desc(att::Column::UploadedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// The attachment and its content, checked against the stored digest.
pub async fn download(
    state: &AppState,
    actor: &Actor,
    institution_id: Uuid,
    id: Uuid,
) -> ApiResult<(Attachment, Vec<u8>)> {
    actor.require(Permission::ReadInstitutions)?;
    let inst = find_in_scope(&state.db, actor, institution_id).await?;
    let m = att::Entity::find_by_id(id)
        .filter(att::Column::InstitutionId.eq(inst.id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_attachment()))?;
    let path = stored_path(&state.config.storage_dir(), &m.sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| ApiError::internal(anyhow::Error::from(e).context(format!("reading attachment {}", m.id))))?;
    if crate::digest::sha256_hex(&bytes) != m.sha256 {
        return Err(ApiError::internal(anyhow::anyhow!("attachment {} does not match its SHA-256", m.id)));
    }
    Ok((view(m)?, bytes))
}

/// `Content-Disposition` for a download, with the UTF-8 file name percent-encoded (RFC 6266).
pub fn content_disposition(file_name: &str) -> String {
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_directories_and_are_encoded_for_download() {
        assert_eq!(clean_file_name("C:\\docs\\营业执照.pdf").expect("ok"), "营业执照.pdf");
        assert_eq!(clean_file_name("../../etc/passwd").expect("ok"), "passwd");
        assert!(clean_file_name("dir/").is_err());
        assert!(clean_file_name("a\nb.pdf").is_err());
        assert_eq!(content_disposition("a b.pdf"), "attachment; filename*=UTF-8''a%20b.pdf");
    }
}

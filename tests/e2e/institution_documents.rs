//! Institution documents (type and size checked before anything is stored, content-addressed,
//! downloadable within scope) and the profile an institution keeps up to date itself.

use ltci_e2e::{Backend, TestApp, field_code, on_both_backends, on_both_databases};
use ltci_shared::api::institutions::{AttachmentKind, AttachmentUpload, StaffCounts, UpdateInstitutionProfile};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

on_both_backends!(documents_are_checked_stored_and_downloaded);
on_both_databases!(institutions_keep_their_own_profile);

const MAX: u64 = 4096;

fn pdf(body: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {body}\n%%EOF\n").into_bytes()
}

fn meta(name: &str) -> AttachmentUpload {
    AttachmentUpload { kind: AttachmentKind::BusinessLicence, file_name: name.into() }
}

/// Every file under the storage directory.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let root = app.data_dir().join("attachments");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            out.push(f.path());
        }
    }
    out
}

async fn documents_are_checked_stored_and_downloaded(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.attachment_max_bytes = MAX).await else { return };
    let world = app.world().await;
    let a1 = world.institution("a1");
    let staff = world.as_user("inst_a1");

    let content = pdf("营业执照 副本");
    let stored =
        staff.upload_attachment(a1, &meta("营业执照.pdf"), "application/pdf", content.clone()).await.expect("upload");
    let digest: String = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!((stored.sha256.as_str(), stored.size_bytes), (digest.as_str(), content.len() as u64));
    assert_eq!(stored.file_name, "营业执照.pdf");
    let files = stored_files(&app);
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with(format!("{}/{}", &digest[..2], digest)), "{files:?}");
    assert_eq!(std::fs::read(&files[0]).expect("read"), content);

    // The same content again is the same attachment, stored once.
    let again = world
        .as_user("admin_a")
        .upload_attachment(a1, &meta("copy.pdf"), "application/pdf", content.clone())
        .await
        .expect("again");
    assert_eq!(again.id, stored.id);

    // Wrong type, content that is not what it claims, too large, empty: nothing stored.
    let err = staff.upload_attachment(a1, &meta("a.txt"), "text/plain", b"hello".to_vec()).await.expect_err("type");
    assert_eq!(
        (err.status(), field_code(&err, "file").as_str()),
        (Some(StatusCode::UNSUPPORTED_MEDIA_TYPE), "unsupported_type")
    );
    let err =
        staff.upload_attachment(a1, &meta("fake.png"), "image/png", pdf("not a png")).await.expect_err("mismatch");
    assert_eq!(field_code(&err, "file"), "content_mismatch");
    let big = pdf(&"x".repeat(usize::try_from(MAX).expect("small")));
    let err = staff.upload_attachment(a1, &meta("big.pdf"), "application/pdf", big).await.expect_err("too large");
    assert_eq!(
        (err.status(), err.code(), field_code(&err, "file").as_str()),
        (Some(StatusCode::PAYLOAD_TOO_LARGE), Some("payload_too_large"), "too_large")
    );
    assert_eq!(
        field_code(
            &staff.upload_attachment(a1, &meta("e.pdf"), "application/pdf", Vec::new()).await.expect_err("empty"),
            "file"
        ),
        "empty"
    );
    assert_eq!(
        field_code(
            &staff.upload_attachment(a1, &meta("  "), "application/pdf", content.clone()).await.expect_err("name"),
            "file_name"
        ),
        "invalid_file_name"
    );
    assert_eq!(stored_files(&app).len(), 1, "rejected uploads leave nothing behind");
    assert_eq!(world.as_user("admin_a").list_attachments(a1, ltci_e2e::all()).await.expect("list").items.len(), 1);

    // A PNG is accepted too.
    let png = [&[0x89u8, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..], b"fake image data"].concat();
    world.as_user("admin_a").upload_attachment(a1, &meta("消防.png"), "image/png", png).await.expect("png");

    // The agency and auditors download it; another institution cannot even see it.
    assert_eq!(world.as_user("admin_a").download_attachment(a1, stored.id).await.expect("download"), content);
    assert_eq!(world.as_user("auditor_a").download_attachment(a1, stored.id).await.expect("download"), content);
    let other = world.as_user("inst_a2");
    assert_eq!(other.download_attachment(a1, stored.id).await.expect_err("other").code(), Some("not_found"));
    assert_eq!(
        other.upload_attachment(a1, &meta("x.pdf"), "application/pdf", pdf("x")).await.expect_err("other").code(),
        Some("not_found")
    );
    assert_eq!(
        world
            .as_user("carer_a1")
            .upload_attachment(a1, &meta("x.pdf"), "application/pdf", pdf("x"))
            .await
            .expect_err("role")
            .code(),
        Some("forbidden")
    );
}

async fn institutions_keep_their_own_profile(app: TestApp) {
    let world = app.world().await;
    let a1 = world.institution("a1");
    let staff = world.as_user("inst_a1");
    let current = staff.institution(a1).await.expect("own institution");
    let change = UpdateInstitutionProfile {
        version: current.version,
        contact_phone: Some("0532-88886666".into()),
        staff: Some(StaffCounts { doctors: 2, nurses: 9, certified_caregivers: 31 }),
        ..Default::default()
    };
    let updated = staff.update_institution_profile(a1, &change).await.expect("update");
    assert_eq!(updated.contact_phone.as_deref(), Some("0532-88886666"));
    assert_eq!(updated.staff, Some(StaffCounts { doctors: 2, nurses: 9, certified_caregivers: 31 }));
    assert_eq!(updated.version, current.version + 1);
    assert_eq!(updated.status, current.status, "designation is untouched");
    let err = staff.update_institution_profile(a1, &change).await.expect_err("stale");
    assert_eq!((err.status(), field_code(&err, "version").as_str()), (Some(StatusCode::CONFLICT), "conflict"));
    let bad = UpdateInstitutionProfile {
        version: updated.version,
        contact_phone: Some("call me".into()),
        ..Default::default()
    };
    assert_eq!(
        field_code(&staff.update_institution_profile(a1, &bad).await.expect_err("phone"), "contact_phone"),
        "invalid_phone"
    );
    let theirs = UpdateInstitutionProfile { version: 1, contact_name: Some("冒名".into()), ..Default::default() };
    let err = staff.update_institution_profile(world.institution("a2"), &theirs).await.expect_err("other");
    assert_eq!(err.code(), Some("not_found"));
    assert_eq!(world.as_user("inst_a2").institution(world.institution("a2")).await.expect("own").contact_name, None);
}

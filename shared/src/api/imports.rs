//! Bringing a city's existing registers in (存量数据导入): what an import of one CSV file answers.
//! The formats are in `docs/imports.md`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The registers a city brings in, in the order they depend on each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// 参保人: insured persons.
    Persons,
    /// 存量失能等级证书: certificates issued before this system (needs the persons).
    Certificates,
    /// 定点机构: institutions already designated, with their agreement.
    Institutions,
    /// 护理人员: caregivers with their qualifications (needs the institutions).
    Caregivers,
    /// 服务关系: who serves whom (needs persons, certificates and institutions).
    Relations,
    /// 护理人员分派: which caregiver cares for whom (needs caregivers and relations).
    Assignments,
}

impl ImportKind {
    pub const ALL: [ImportKind; 6] = [
        ImportKind::Persons,
        ImportKind::Certificates,
        ImportKind::Institutions,
        ImportKind::Caregivers,
        ImportKind::Relations,
        ImportKind::Assignments,
    ];

    /// The name on the command line and in the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Persons => "persons",
            ImportKind::Certificates => "certificates",
            ImportKind::Institutions => "institutions",
            ImportKind::Caregivers => "caregivers",
            ImportKind::Relations => "relations",
            ImportKind::Assignments => "assignments",
        }
    }

    /// The register's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            ImportKind::Persons => m::kind_persons(),
            ImportKind::Certificates => m::kind_certificates(),
            ImportKind::Institutions => m::kind_institutions(),
            ImportKind::Caregivers => m::kind_caregivers(),
            ImportKind::Relations => m::kind_relations(),
            ImportKind::Assignments => m::kind_assignments(),
        }
    }

    pub fn from_name(s: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The path (under `/api/v1`) a register file of `kind` is posted to.
pub fn path_of(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Persons => "/insured-persons/import",
        ImportKind::Certificates => "/certificates/import",
        ImportKind::Institutions => "/institutions/import",
        ImportKind::Caregivers => "/caregivers/import",
        ImportKind::Relations => "/service-relations/import",
        ImportKind::Assignments => "/caregiver-assignments/import",
    }
}

/// What an import did. Importing the same file again creates nothing (`created: 0`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportSummary {
    pub kind: ImportKind,
    /// Data lines in the file.
    pub lines: u32,
    /// Records created.
    pub created: u32,
    /// Lines whose record was there already, the same.
    pub unchanged: u32,
    /// The file's SHA-256 (the audit trail names it).
    pub file_sha256: String,
}

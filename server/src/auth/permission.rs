//! What each role may do: one table, deny by default.
//!
//! A permission says whether a role may attempt an action at all; *which* records it may touch is
//! the job of [`super::scope`].

use ltci_shared::api::users::Role;

/// An action guarded by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the list of pooling regions.
    ReadRegions,
    /// Create pooling regions.
    ManageRegions,
    /// List and view user accounts (within scope).
    ReadUsers,
    /// Create, deactivate and reset user accounts (within scope).
    ManageUsers,
    /// View insured persons (within scope).
    ReadInsuredPersons,
    /// Register and update insured persons.
    WriteInsuredPersons,
    /// See full ID numbers rather than masked ones.
    SeeFullIdNumbers,
    /// Read the audit trail.
    ReadAuditTrail,
    /// Read assessment instruments and grade answers.
    UseAssessmentInstruments,
    /// Apply for an assessment (at the agency's window, or by an institution for a person).
    ApplyForAssessment,
    /// Run the assessment workflow: settings, assessor profiles, assignment, objections,
    /// certificates, appeals.
    ManageAssessments,
    /// View assessment cases, certificates and settings (within scope).
    ReadAssessmentCases,
    /// Submit, confirm or return an on-site assessment (as an assessor assigned to it).
    PerformAssessments,
    /// Run designation: record applications, review, inspect, decide, sign, suspend, terminate;
    /// transfer beneficiaries between institutions.
    ManageInstitutions,
    /// View institutions and service relations (within scope).
    ReadInstitutions,
    /// Start and end service relations (officers; institution staff for their own institution,
    /// where the beneficiary chose it).
    ManageServiceRelations,
    /// Record and withdraw beneficiaries' choices of institution (选择定点机构).
    RecordProviderChoices,
    /// Read beneficiaries' choices of institution.
    ReadProviderChoices,
    /// Find a person by the full ID number, with only what opening a service relation needs.
    LookUpPersons,
    /// Bring a city's existing registers in (存量数据导入).
    ImportRegisters,
    /// Keep an institution's own profile (address, contact, staff counts) up to date.
    EditInstitutionProfile,
    /// Upload an institution's documents (licences, certificates).
    UploadInstitutionDocuments,
    /// Set evaluation sheets, record evaluations (评鉴) and confirmed violations.
    EvaluateInstitutions,
    /// View caregivers (within scope: a caregiver sees their own record).
    ReadCaregivers,
    /// Register caregivers, keep their records and training, create their app accounts.
    ManageCaregivers,
    /// Assign caregivers to beneficiaries of their institution, and end assignments.
    ManageCaregiverAssignments,
    /// Read the agency's workforce reports (training programme).
    ReadWorkforceReports,
    /// Read the funding ledger: accounts, balances, entries, settings.
    ReadFunding,
    /// Post contributions, receipts and reversals; change funding settings.
    PostFunding,
    /// Read the benefit policy in force and its versions.
    ReadPolicy,
    /// Import policy versions.
    ManagePolicy,
    /// View care plans and visits (within scope: a caregiver sees their own visits).
    ReadCare,
    /// Keep care plans and schedule visits (officers; institution staff for their own).
    ManageCarePlans,
    /// Send visit events from the phone (check-in, tasks, notes, check-out) and sync.
    RecordVisits,
    /// Correct visits and resolve their review exceptions.
    ReviewVisits,
    /// Admit and discharge beneficiaries, report stays' daily charges (officers; institution
    /// staff for their own institution).
    ManageStays,
    /// Record hospital admissions, discharges and deaths reported by partner systems.
    ImportPartnerEvents,
    /// Read what partner systems reported: hospital stays (health data: agency only).
    ReadPartnerEvents,
    /// Read monthly bills and institution statements (within scope: institution staff their own).
    ReadBills,
    /// Compute and submit a month's bill (officers; institution staff for their own institution).
    PrepareBills,
    /// Return, approve and pay bills: post payables and payments to the ledger; answer
    /// institutions' disputes of bill lines.
    SettleBills,
    /// Comment on lines of one's own draft bill and dispute deductions and rejections (申诉).
    RaiseDisputes,
    /// Bar people from long-term care work and lift bans (处理).
    ManageSanctions,
    /// Read sanctions (within scope: institution staff those on their own caregivers).
    ReadSanctions,
    /// Read monitoring findings (within scope: institution staff those about their own institution).
    ReadFindings,
    /// Answer a finding about one's own institution, once, before the decision.
    AnswerFindings,
    /// Confirm or dismiss findings (the confirmation deducts, recovers and records a violation).
    DecideFindings,
    /// Run the monthly analysis (事后分析) and follow its runs.
    RunMonitoring,
    /// Declare inspectors' links, draw inspections and record their results (双随机).
    ManageInspections,
    /// Read what is drawn before it is carried out — inspection draws, follow-up samples — and
    /// inspectors' declared links (the agency).
    ReadSupervisionPlans,
    /// Read inspections (within scope: institution staff their own, once recorded).
    ReadInspections,
    /// Draw the month's follow-up sample, ask for one on demand and record the answers (回访).
    ManageFollowUps,
    /// Read follow-ups and their averages (within scope: institution staff their own, once recorded).
    ReadFollowUps,
}

/// Whether `role` may perform `permission`. Anything not listed is denied.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match (role, permission) {
        (_, ReadRegions) => true,
        (Admin, ManageRegions) => true,
        // Auditors read who holds which role (supervision of the agency's own accounts).
        (Admin | Auditor | Institution, ReadUsers) => true,
        (Admin | Institution, ManageUsers) => true,
        (Admin | Auditor | Assessor | Institution | Caregiver, ReadInsuredPersons) => true,
        (Admin, WriteInsuredPersons) => true,
        // Agency officers handle applications and certificates, which need the full number;
        // everyone else identifies people by name, birth date and the masked number.
        (Admin, SeeFullIdNumbers) => true,
        (Admin | Auditor, ReadAuditTrail) => true,
        (Admin | Assessor | Auditor, UseAssessmentInstruments) => true,
        (Admin | Institution, ApplyForAssessment) => true,
        (Admin, ManageAssessments) => true,
        (Admin | Auditor | Assessor | Institution, ReadAssessmentCases) => true,
        (Assessor, PerformAssessments) => true,
        (Admin, ManageInstitutions) => true,
        (Admin | Auditor | Institution, ReadInstitutions) => true,
        (Admin | Institution, ManageServiceRelations) => true,
        (Admin, RecordProviderChoices) => true,
        (Admin | Auditor, ReadProviderChoices) => true,
        (Admin | Institution, LookUpPersons) => true,
        (Admin, ImportRegisters) => true,
        (Admin | Institution, EditInstitutionProfile | UploadInstitutionDocuments) => true,
        (Admin, EvaluateInstitutions) => true,
        (Admin | Auditor | Institution | Caregiver, ReadCaregivers) => true,
        (Admin | Institution, ManageCaregivers | ManageCaregiverAssignments) => true,
        (Admin | Auditor, ReadWorkforceReports) => true,
        (Admin | Auditor, ReadFunding) => true,
        (Admin, PostFunding) => true,
        // A city's benefit policy is public: every role reads it (caregivers need the catalogue).
        (_, ReadPolicy) => true,
        (Admin, ManagePolicy) => true,
        (Admin | Auditor | Institution | Caregiver, ReadCare) => true,
        (Admin | Institution, ManageCarePlans | ReviewVisits) => true,
        (Caregiver, RecordVisits) => true,
        (Admin | Institution, ManageStays) => true,
        (Admin, ImportPartnerEvents) => true,
        (Admin | Auditor, ReadPartnerEvents) => true,
        (Admin | Auditor | Institution, ReadBills) => true,
        (Admin | Institution, PrepareBills) => true,
        (Admin, SettleBills) => true,
        (Institution, RaiseDisputes) => true,
        (Admin, ManageSanctions) => true,
        (Admin | Auditor | Institution, ReadSanctions) => true,
        (Admin | Auditor | Institution, ReadFindings) => true,
        (Institution, AnswerFindings) => true,
        (Admin, DecideFindings | RunMonitoring) => true,
        (Admin, ManageInspections | ManageFollowUps) => true,
        (Admin | Auditor, ReadSupervisionPlans) => true,
        (Admin | Auditor | Institution, ReadInspections | ReadFollowUps) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditors_never_write() {
        for p in [Permission::ManageRegions, Permission::ManageUsers, Permission::WriteInsuredPersons] {
            assert!(!allows(Role::Auditor, p), "{p:?}");
        }
    }

    #[test]
    fn only_agency_officers_see_full_id_numbers() {
        for role in Role::ALL {
            assert_eq!(allows(role, Permission::SeeFullIdNumbers), role == Role::Admin, "{role:?}");
        }
    }
}

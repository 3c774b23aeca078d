//! The console's left menu: each page, the permission that opens it, in the order officers work.

use ltci_shared::messages as m;
use ltci_shared::text::Text;

use crate::auth::{Actor, Permission};

/// One entry of the menu.
#[derive(Debug)]
pub struct Item {
    pub path: &'static str,
    pub label: Text,
}

/// The pages of the menu and what opens each: a role sees the entries its permissions open.
fn all() -> [(&'static str, Text, Option<Permission>); 20] {
    [
        ("/", m::ui_home(), None),
        ("/persons", m::ui_persons(), Some(Permission::ReadInsuredPersons)),
        ("/cases", m::ui_cases(), Some(Permission::ReadAssessmentCases)),
        ("/institutions", m::ui_institutions(), Some(Permission::ReadInstitutions)),
        ("/caregivers", m::ui_caregivers(), Some(Permission::ReadCaregivers)),
        ("/beneficiaries", m::ui_beneficiaries(), Some(Permission::ReadInstitutions)),
        ("/visits", m::ui_visits(), Some(Permission::ReadCare)),
        ("/stays", m::ui_stays_page(), Some(Permission::ReadCare)),
        ("/settlements", m::ui_settlements(), Some(Permission::ReadBills)),
        ("/policies", m::ui_policies(), Some(Permission::ReadPolicy)),
        ("/funds", m::ui_funds_page(), Some(Permission::ReadFunding)),
        ("/imports", m::ui_imports(), Some(Permission::ImportRegisters)),
        ("/partner-events", m::ui_partner_events(), Some(Permission::ReadPartnerEvents)),
        ("/supervision", m::ui_supervision_dashboard(), Some(Permission::ReadFindings)),
        ("/findings", m::ui_monitor_findings(), Some(Permission::ReadFindings)),
        ("/sanctions", m::ui_sanctions(), Some(Permission::ReadSanctions)),
        ("/inspections", m::ui_inspections(), Some(Permission::ReadInspections)),
        ("/follow-ups", m::ui_follow_ups(), Some(Permission::ReadFollowUps)),
        ("/users", m::ui_users(), Some(Permission::ReadUsers)),
        ("/audit", m::ui_audit_trail(), Some(Permission::ReadAuditTrail)),
    ]
}

/// The order institution staff work in: the day's care first, the register last.
const INSTITUTION_ORDER: [&str; 16] = [
    "/",
    "/visits",
    "/beneficiaries",
    "/caregivers",
    "/stays",
    "/settlements",
    "/findings",
    "/supervision",
    "/institutions",
    "/persons",
    "/cases",
    "/policies",
    "/sanctions",
    "/inspections",
    "/follow-ups",
    "/users",
];

/// The menu `actor` sees.
pub fn for_actor(actor: &Actor) -> Vec<Item> {
    let mut items: Vec<Item> = all()
        .into_iter()
        .filter(|(_, _, p)| p.is_none_or(|p| actor.can(p)))
        .map(|(path, label, _)| Item { path, label })
        .collect();
    if actor.role == ltci_shared::api::users::Role::Institution {
        items.sort_by_key(|i| INSTITUTION_ORDER.iter().position(|p| *p == i.path).unwrap_or(usize::MAX));
        // Their own institution's page is what the entry opens for them.
        for item in items.iter_mut().filter(|i| i.path == "/institutions") {
            item.label = m::ui_institution_info();
        }
    }
    items
}

//! The OpenAPI document's frame; the paths come from the route modules themselves. Bodies that
//! are not JSON (documents, policy files) are described here as what they are.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LTCI management API (长期护理保险经办管理)",
        description = "Long-term care insurance: registry, assessment, institutions, care, settlement. \
                       Errors use one envelope: {\"error\": {\"code\", \"message\", \"details\"}}. See docs/api.md."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign in, tokens, who am I"),
        (name = "users", description = "User accounts"),
        (name = "registry", description = "Regions (统筹区), counties (区县) and insured persons (参保人)"),
        (name = "assessment", description = "Disability assessment (失能等级评估): instruments and grading"),
        (name = "institutions", description = "Care institutions (定点机构): designation, agreements, documents, service relations"),
        (name = "evaluation", description = "Annual evaluation of institutions (评鉴, 千分制), credit class, violations"),
        (name = "policy", description = "Benefit policy (待遇政策) as effective-dated versions: eligibility, rates, catalogue"),
        (name = "funding", description = "Multi-source funding (多渠道筹资) on a double-entry ledger"),
        (name = "workforce", description = "Caregivers (护理员): qualifications, training, accounts, assignments"),
        (name = "care", description = "Care plans (护理计划) and verified home visits (居家上门服务)"),
        (name = "sync", description = "The caregiver phone's offline sync: visit events up, changes down"),
        (name = "stays", description = "Stays in wards and institutions (入住/出院) and their daily charges"),
        (name = "partners", description = "Hospital stays and deaths reported by medical insurance (医保) and civil affairs (民政)"),
        (name = "settlement", description = "Monthly settlement (月度结算): bills, approval, payment, institution statements"),
        (name = "imports", description = "Bringing a city's existing registers in (存量数据导入): CSV files, checked whole"),
        (name = "audit", description = "Audit trail"),
        (name = "ops", description = "Health and metrics"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// Describes the request bodies that are files rather than JSON: a document upload is a binary
/// PDF, JPEG or PNG; a policy is TOML text or the same document as JSON.
pub fn describe_raw_bodies(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use serde_json::json;
    let Ok(mut v) = serde_json::to_value(&doc) else { return doc };
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    let bodies = [
        (
            "/api/v1/institutions/{id}/attachments",
            json!({"application/pdf": binary, "image/jpeg": binary, "image/png": binary}),
        ),
        (
            "/api/v1/policies",
            json!({
                "application/toml": {"schema": {"type": "string", "description": "a policy document in TOML (docs/policy.md)"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/PolicyDocument"}},
            }),
        ),
    ];
    for (path, content) in bodies {
        if let Some(body) =
            v.pointer_mut(&format!("/paths/{}/post/requestBody", path.replace('~', "~0").replace('/', "~1")))
        {
            body["content"] = content;
        }
    }
    serde_json::from_value(v).unwrap_or(doc)
}

//! The OpenAPI document's frame; the paths come from the route modules themselves. Bodies that
//! are not JSON (documents, policy files) are described here as what they are, and so are the
//! errors every operation may answer whatever it does (a missing token, a malformed body).

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
        (name = "supervision", description = "Fund supervision (基金监管): monitoring findings, sanctions against people (处理) and random inspections (双随机), published per region"),
        (name = "audit", description = "Audit trail and its tamper-evident chain (防篡改审计链)"),
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

/// The document as served: the generated one with what the annotations cannot say added (the
/// bodies that are files, the errors of the common layers), in one pass over its JSON form.
pub fn complete(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let Ok(mut v) = serde_json::to_value(&doc) else { return doc };
    describe_raw_bodies(&mut v);
    describe_common_errors(&mut v);
    serde_json::from_value(v).unwrap_or(doc)
}

/// Describes the request bodies that are files rather than JSON: a document upload is a binary
/// PDF, JPEG or PNG; a policy (imported, or a draft of a what-if) is TOML text or the same
/// document as JSON.
fn describe_raw_bodies(v: &mut serde_json::Value) {
    use serde_json::json;
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    let policy = json!({
        "application/toml": {"schema": {"type": "string", "description": "a policy document in TOML (docs/policy.md)"}},
        "application/json": {"schema": {"$ref": "#/components/schemas/PolicyDocument"}},
    });
    let bodies = [
        (
            "/api/v1/institutions/{id}/attachments",
            json!({"application/pdf": binary, "image/jpeg": binary, "image/png": binary}),
        ),
        ("/api/v1/policies", policy.clone()),
        ("/api/v1/policies/what-if", policy.clone()),
        ("/api/v1/policies/what-if/csv", policy),
    ];
    for (path, content) in bodies {
        if let Some(body) =
            v.pointer_mut(&format!("/paths/{}/post/requestBody", path.replace('~', "~0").replace('/', "~1")))
        {
            body["content"] = content;
        }
    }
}

/// Adds to every operation the errors the API's common layers answer before its own code runs
/// (docs/api.md), each in the error envelope: 401 and 403 where a token is required (no valid
/// token; a role the permission table refuses), 404 where the path names an object (none in the
/// actor's scope), 422 where there are parameters or a body (a parameter or field out of its
/// range), 400 and 415 where there is a body (not well-formed; another content type). What an
/// operation documents itself is kept.
fn describe_common_errors(v: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let error = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        })
    };
    let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let path_has_id = path.contains('{');
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
            let has_body = op.get("requestBody").is_some();
            let has_params = op.get("parameters").and_then(Value::as_array).is_some_and(|p| !p.is_empty());
            let mut add = Vec::new();
            if secured {
                add.push(("401", "unauthenticated: no valid access token"));
                add.push(("403", "forbidden: the actor's role may not do this"));
            }
            if path_has_id {
                add.push(("404", "not_found: no such object in the actor's scope"));
            }
            if has_body || has_params {
                add.push(("422", "validation_failed: the fields named in details are wrong"));
            }
            if has_body {
                add.push(("400", "malformed_json: the body is not well-formed"));
                add.push(("415", "unsupported_media_type: the body is not of a documented type"));
            }
            let responses = op.as_object_mut().and_then(|o| o.get_mut("responses")).and_then(Value::as_object_mut);
            let Some(responses) = responses else { continue };
            for (status, description) in add {
                responses.entry(status).or_insert_with(|| error(description));
            }
        }
    }
}

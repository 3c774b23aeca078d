//! The typed HTTP client for the LTCI API: the phone app and the end-to-end tests both use it.

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

use crate::api::API_PREFIX;
use crate::api::assessment::{
    ApplyRequest, AssessmentCase, AssessmentSettings, AssessorProfile, AssessorProfileRequest, AssignRequest,
    CaseFilter, Certificate, CertificateFilter, ReasonRequest, SubmitAssessmentRequest,
};
use crate::api::auth::{LoginRequest, Me, RefreshRequest, TokenPair};
use crate::api::care::{
    BatchOutcome, CarePlan, CarePlanFilter, Changes, ChangesQuery, CorrectionRequest, CreateCarePlan, EndCarePlan,
    EventBatch, ExceptionQueue, QueueQuery, RecordedEvent, ScheduleOutcome, ScheduleRequest, Visit, VisitFilter,
};
use crate::api::evaluation::{
    Evaluation, EvaluationRequest, EvaluationScheme, SchemeInForce, Violation, ViolationRequest,
};
use crate::api::follow_ups::{
    AveragesQuery, FollowUp, FollowUpAnswer, FollowUpAverages, FollowUpFilter, FollowUpSample, FollowUpSampleRequest,
    RequestFollowUp,
};
use crate::api::funding::{
    Account, ChartLinkRequest, ContributionRequest, DrawRejection, EntryFilter, FundHealth, FundingSettings,
    HealthQuery, ImportOutcome, JournalEntry, MonthPoint, OnDateQuery, PeriodQuery, PersonContribution, Posted,
    ReceiptRequest, ReserveDraw, ReserveDrawRequest, ReversalRequest, SeriesQuery, SignedLink,
};
use crate::api::inspections::{
    DeclareConflict, DrawRequest, Inspection, InspectionConflict, InspectionDraw, InspectionFilter, InspectionResult,
    PublicDraw,
};
use crate::api::institutions::{
    AgreementRequest, Attachment, AttachmentUpload, ChoiceWithdrawal, CreateServiceRelation, DesignationDecision,
    DocumentReview, EndServiceRelation, InspectionReport, Institution, InstitutionApplication, InstitutionFilter,
    ProviderChoice, ProviderChoiceRequest, ServiceRelation, ServiceRelationFilter, StatusChange, TerminationOutcome,
    TransferRequest, UpdateInstitutionProfile,
};
use crate::api::partners::{
    DismissRequest, Hospitalisation, HospitalisationFilter, PartnerBatch, PartnerEventFilter, PartnerImportOutcome,
    RecordedPartnerEvent,
};
use crate::api::policy::{InForceQuery, PolicySummary, PolicyVersion};
use crate::api::registry::{
    County, CreateCountyRequest, CreateInsuredPersonRequest, CreateRegionRequest, InsuredPerson, InsuredPersonFilter,
    PersonLookup, PersonLookupRequest, Region, UpdateInsuredPersonRequest,
};
use crate::api::settlement::{
    AnswerDispute, Bill, BillDispute, BillFilter, BillLine, ComputeBill, Deduction, DepositRelease,
    DepositReleaseRequest, DisputeFilter, LinesQuery, MonthEndReport, MonthEndRequest, MonthEndRun, MonthEndRunFilter,
    PayBill, PersonBillLine, RaiseDispute, ReturnBill, SampleRequest, Statement, WhatIfQuery, WhatIfReport,
};
use crate::api::stays::{
    AdmitRequest, ChargeReport, ChargeReportOutcome, ChargeSheetQuery, ChargesQuery, DischargeRequest, Stay,
    StayCharge, StayFilter,
};
use crate::api::supervision::{
    AnswerFinding, CreateSanction, DashboardQuery, DashboardVisitsQuery, DecideFinding, Finding, FindingFilter,
    FindingsReport, LiftSanction, MonitorRequest, MonitorRun, PublicSanction, ReportFilter, Sanction, SanctionFilter,
    SupervisionDashboard,
};
use crate::api::users::{CreateUserRequest, ResetPasswordRequest, UserFilter, UserView};
use crate::api::workforce::{
    Assignment, AssignmentFilter, Caregiver, CaregiverAccount, CaregiverAccountRequest, CaregiverDeparture,
    CaregiverFilter, CreateAssignment, CreateCaregiverRequest, EndAssignment, Training, TrainingReport,
    TrainingReportQuery, TrainingRequest, UpdateCaregiverRequest,
};
use crate::{ErrorBody, Page, PageQuery};

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with its error envelope.
    #[error("{status}: {} ({})", body.error.code, body.error.message)]
    Api { status: StatusCode, body: ErrorBody },
    /// The server could not be reached, or the connection broke.
    #[error("network error: {0}")]
    Transport(#[from] reqwest::Error),
    /// The server answered something that is not the expected JSON.
    #[error("unexpected response ({status}): {text}")]
    Unexpected { status: StatusCode, text: String },
}

impl ClientError {
    /// The stable error code, when the server answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error.code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => Some(*status),
            ClientError::Transport(e) => e.status(),
        }
    }
}

/// A client bound to one server, optionally signed in with an access token.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base_url: String,
    access_token: Option<String>,
    /// The language the server's messages are asked in (`Accept-Language`); the server's
    /// default, Chinese, when not set.
    language: Option<crate::text::Lang>,
}

impl ApiClient {
    /// `base_url` is the server's root, e.g. `http://127.0.0.1:8080`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.into().trim_end_matches('/').to_string(),
            access_token: None,
            language: None,
        }
    }

    /// A copy of this client that asks for the server's messages in `lang`.
    pub fn with_language(&self, lang: crate::text::Lang) -> Self {
        Self { language: Some(lang), ..self.clone() }
    }

    /// A copy of this client that sends `token` as its bearer token.
    pub fn with_token(&self, token: impl Into<String>) -> Self {
        Self { access_token: Some(token.into()), ..self.clone() }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn access_token(&self) -> Option<&str> {
        self.access_token.as_deref()
    }

    /// A request to `path` (relative to the server root) carrying the bearer token, for calls
    /// that have no typed method.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut req = self.http.request(method, format!("{}{path}", self.base_url));
        if let Some(lang) = self.language {
            req = req.header(reqwest::header::ACCEPT_LANGUAGE, lang.code());
        }
        match &self.access_token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    fn api(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, &format!("{API_PREFIX}{path}"))
    }

    /// Sends a request and decodes a JSON success body or the error envelope.
    pub async fn send<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, ClientError> {
        let resp = req.send().await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if status.is_success() {
            let body: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            return serde_json::from_slice(body)
                .map_err(|_| ClientError::Unexpected { status, text: String::from_utf8_lossy(&bytes).into_owned() });
        }
        Err(Self::error(status, &bytes))
    }

    /// The error of a failed response: its envelope, or the raw text if it has none.
    fn error(status: StatusCode, bytes: &[u8]) -> ClientError {
        match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(body) => ClientError::Api { status, body },
            Err(_) => ClientError::Unexpected { status, text: String::from_utf8_lossy(bytes).into_owned() },
        }
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let mut req = self.api(method, path);
        if let Some(b) = body {
            req = req.json(b);
        }
        Self::send(req).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, query: &impl Serialize) -> Result<T, ClientError> {
        Self::send(self.api(Method::GET, path).query(query)).await
    }

    // ---- auth ----

    pub async fn login(&self, username: &str, password: &str) -> Result<TokenPair, ClientError> {
        let body = LoginRequest { username: username.into(), password: password.into() };
        self.call(Method::POST, "/auth/login", Some(&body)).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, ClientError> {
        let body = RefreshRequest { refresh_token: refresh_token.into() };
        self.call(Method::POST, "/auth/refresh", Some(&body)).await
    }

    pub async fn logout(&self, refresh_token: &str) -> Result<(), ClientError> {
        let body = RefreshRequest { refresh_token: refresh_token.into() };
        self.call(Method::POST, "/auth/logout", Some(&body)).await
    }

    /// Logs in and returns a client carrying the new access token, plus the token pair.
    pub async fn signed_in(&self, username: &str, password: &str) -> Result<(Self, TokenPair), ClientError> {
        let pair = self.login(username, password).await?;
        Ok((self.with_token(pair.access_token.clone()), pair))
    }

    pub async fn me(&self) -> Result<Me, ClientError> {
        self.get("/me", &()).await
    }

    // ---- users ----

    pub async fn create_user(&self, req: &CreateUserRequest) -> Result<UserView, ClientError> {
        self.call(Method::POST, "/users", Some(req)).await
    }

    pub async fn list_users(&self, filter: &UserFilter, page: PageQuery) -> Result<Page<UserView>, ClientError> {
        Self::send(self.api(Method::GET, "/users").query(filter).query(&page)).await
    }

    pub async fn get_user(&self, id: Uuid) -> Result<UserView, ClientError> {
        self.get(&format!("/users/{id}"), &()).await
    }

    pub async fn deactivate_user(&self, id: Uuid) -> Result<UserView, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/users/{id}/deactivate"), None).await
    }

    pub async fn reset_password(&self, id: Uuid, new_password: &str) -> Result<(), ClientError> {
        let body = ResetPasswordRequest { new_password: new_password.into() };
        self.call(Method::POST, &format!("/users/{id}/password"), Some(&body)).await
    }

    // ---- registry ----

    pub async fn list_regions(&self, page: PageQuery) -> Result<Page<Region>, ClientError> {
        self.get("/regions", &page).await
    }

    pub async fn create_region(&self, req: &CreateRegionRequest) -> Result<Region, ClientError> {
        self.call(Method::POST, "/regions", Some(req)).await
    }

    pub async fn create_insured_person(&self, req: &CreateInsuredPersonRequest) -> Result<InsuredPerson, ClientError> {
        self.call(Method::POST, "/insured-persons", Some(req)).await
    }

    /// `POST /insured-persons/lookup`: a person by the full ID number, as institution staff find
    /// the person they are to serve.
    pub async fn look_up_person(&self, id_number: &str) -> Result<PersonLookup, ClientError> {
        let body = PersonLookupRequest { id_number: id_number.into() };
        self.call(Method::POST, "/insured-persons/lookup", Some(&body)).await
    }

    pub async fn record_provider_choice(
        &self,
        person_id: Uuid,
        req: &ProviderChoiceRequest,
    ) -> Result<ProviderChoice, ClientError> {
        self.call(Method::POST, &format!("/insured-persons/{person_id}/provider-choices"), Some(req)).await
    }

    pub async fn provider_choices(
        &self,
        person_id: Uuid,
        page: PageQuery,
    ) -> Result<Page<ProviderChoice>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/insured-persons/{person_id}/provider-choices")).query(&page)).await
    }

    pub async fn withdraw_provider_choice(&self, id: Uuid, reason: &str) -> Result<ProviderChoice, ClientError> {
        let body = ChoiceWithdrawal { reason: reason.into() };
        self.call(Method::POST, &format!("/provider-choices/{id}/withdrawal"), Some(&body)).await
    }

    pub async fn get_insured_person(&self, id: Uuid) -> Result<InsuredPerson, ClientError> {
        self.get(&format!("/insured-persons/{id}"), &()).await
    }

    pub async fn update_insured_person(
        &self,
        id: Uuid,
        req: &UpdateInsuredPersonRequest,
    ) -> Result<InsuredPerson, ClientError> {
        self.call(Method::PATCH, &format!("/insured-persons/{id}"), Some(req)).await
    }

    pub async fn list_insured_persons(
        &self,
        filter: &InsuredPersonFilter,
        page: PageQuery,
    ) -> Result<Page<InsuredPerson>, ClientError> {
        Self::send(self.api(Method::GET, "/insured-persons").query(filter).query(&page)).await
    }

    // ---- assessment ----

    pub async fn assessment_settings(&self) -> Result<AssessmentSettings, ClientError> {
        self.get("/assessment/settings", &()).await
    }

    pub async fn put_assessment_settings(&self, s: &AssessmentSettings) -> Result<AssessmentSettings, ClientError> {
        self.call(Method::PUT, "/assessment/settings", Some(s)).await
    }

    pub async fn put_assessor_profile(
        &self,
        user_id: Uuid,
        req: &AssessorProfileRequest,
    ) -> Result<AssessorProfile, ClientError> {
        self.call(Method::PUT, &format!("/assessors/{user_id}/profile"), Some(req)).await
    }

    pub async fn list_assessors(&self, page: PageQuery) -> Result<Page<AssessorProfile>, ClientError> {
        Self::send(self.api(Method::GET, "/assessors").query(&page)).await
    }

    pub async fn apply_for_assessment(&self, req: &ApplyRequest) -> Result<AssessmentCase, ClientError> {
        self.call(Method::POST, "/assessment/cases", Some(req)).await
    }

    pub async fn assessment_case(&self, id: Uuid) -> Result<AssessmentCase, ClientError> {
        self.get(&format!("/assessment/cases/{id}"), &()).await
    }

    pub async fn list_assessment_cases(
        &self,
        filter: &CaseFilter,
        page: PageQuery,
    ) -> Result<Page<AssessmentCase>, ClientError> {
        Self::send(self.api(Method::GET, "/assessment/cases").query(filter).query(&page)).await
    }

    pub async fn assign_assessors(&self, id: Uuid, req: &AssignRequest) -> Result<AssessmentCase, ClientError> {
        self.call(Method::POST, &format!("/assessment/cases/{id}/assignment"), Some(req)).await
    }

    pub async fn submit_assessment(
        &self,
        id: Uuid,
        req: &SubmitAssessmentRequest,
    ) -> Result<AssessmentCase, ClientError> {
        self.call(Method::POST, &format!("/assessment/cases/{id}/assessment"), Some(req)).await
    }

    pub async fn confirm_assessment(&self, id: Uuid) -> Result<AssessmentCase, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/assessment/cases/{id}/confirmation"), None).await
    }

    pub async fn return_assessment(&self, id: Uuid, reason: &str) -> Result<AssessmentCase, ClientError> {
        let body = ReasonRequest { reason: reason.into() };
        self.call(Method::POST, &format!("/assessment/cases/{id}/return"), Some(&body)).await
    }

    pub async fn object_to_assessment(&self, id: Uuid, reason: &str) -> Result<AssessmentCase, ClientError> {
        let body = ReasonRequest { reason: reason.into() };
        self.call(Method::POST, &format!("/assessment/cases/{id}/objection"), Some(&body)).await
    }

    pub async fn certify_assessment(&self, id: Uuid) -> Result<AssessmentCase, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/assessment/cases/{id}/certificate"), None).await
    }

    pub async fn appeal_assessment(&self, id: Uuid, reason: &str) -> Result<AssessmentCase, ClientError> {
        let body = ReasonRequest { reason: reason.into() };
        self.call(Method::POST, &format!("/assessment/cases/{id}/appeal"), Some(&body)).await
    }

    pub async fn list_certificates(
        &self,
        filter: &CertificateFilter,
        page: PageQuery,
    ) -> Result<Page<Certificate>, ClientError> {
        Self::send(self.api(Method::GET, "/certificates").query(filter).query(&page)).await
    }

    /// Active certificates expiring within `within_days` (the server's default, 60, when `None`).
    pub async fn expiring_certificates(
        &self,
        within_days: Option<u32>,
        page: PageQuery,
    ) -> Result<Page<Certificate>, ClientError> {
        let q = crate::api::assessment::ExpiringQuery { within_days };
        Self::send(self.api(Method::GET, "/certificates/expiring").query(&q).query(&page)).await
    }

    pub async fn certificate(&self, id: Uuid) -> Result<Certificate, ClientError> {
        self.get(&format!("/certificates/{id}"), &()).await
    }

    // ---- institutions ----

    pub async fn apply_for_designation(&self, req: &InstitutionApplication) -> Result<Institution, ClientError> {
        self.call(Method::POST, "/institutions", Some(req)).await
    }

    pub async fn institution(&self, id: Uuid) -> Result<Institution, ClientError> {
        self.get(&format!("/institutions/{id}"), &()).await
    }

    pub async fn list_institutions(
        &self,
        filter: &InstitutionFilter,
        page: PageQuery,
    ) -> Result<Page<Institution>, ClientError> {
        Self::send(self.api(Method::GET, "/institutions").query(filter).query(&page)).await
    }

    pub async fn review_documents(&self, id: Uuid, req: &DocumentReview) -> Result<Institution, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/document-review"), Some(req)).await
    }

    pub async fn record_inspection(&self, id: Uuid, req: &InspectionReport) -> Result<Institution, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/inspection"), Some(req)).await
    }

    pub async fn decide_designation(&self, id: Uuid, req: &DesignationDecision) -> Result<Institution, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/decision"), Some(req)).await
    }

    pub async fn sign_agreement(&self, id: Uuid, req: &AgreementRequest) -> Result<Institution, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/agreement"), Some(req)).await
    }

    pub async fn renew_agreement(&self, id: Uuid, req: &AgreementRequest) -> Result<Institution, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/renewal"), Some(req)).await
    }

    pub async fn suspend_institution(&self, id: Uuid, req: &StatusChange) -> Result<Institution, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/suspension"), Some(req)).await
    }

    pub async fn resume_institution(&self, id: Uuid, req: &StatusChange) -> Result<Institution, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/resumption"), Some(req)).await
    }

    pub async fn terminate_institution(&self, id: Uuid, req: &StatusChange) -> Result<TerminationOutcome, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/termination"), Some(req)).await
    }

    pub async fn start_service_relation(&self, req: &CreateServiceRelation) -> Result<ServiceRelation, ClientError> {
        self.call(Method::POST, "/service-relations", Some(req)).await
    }

    pub async fn end_service_relation(
        &self,
        id: Uuid,
        req: &EndServiceRelation,
    ) -> Result<ServiceRelation, ClientError> {
        self.call(Method::POST, &format!("/service-relations/{id}/end"), Some(req)).await
    }

    pub async fn transfer_service_relation(
        &self,
        id: Uuid,
        req: &TransferRequest,
    ) -> Result<ServiceRelation, ClientError> {
        self.call(Method::POST, &format!("/service-relations/{id}/transfer"), Some(req)).await
    }

    pub async fn list_service_relations(
        &self,
        filter: &ServiceRelationFilter,
        page: PageQuery,
    ) -> Result<Page<ServiceRelation>, ClientError> {
        Self::send(self.api(Method::GET, "/service-relations").query(filter).query(&page)).await
    }

    pub async fn update_institution_profile(
        &self,
        id: Uuid,
        req: &UpdateInstitutionProfile,
    ) -> Result<Institution, ClientError> {
        self.call(Method::PATCH, &format!("/institutions/{id}"), Some(req)).await
    }

    // ---- institution documents ----

    /// Uploads a document (`content_type`: `application/pdf`, `image/jpeg` or `image/png`).
    pub async fn upload_attachment(
        &self,
        institution_id: Uuid,
        meta: &AttachmentUpload,
        content_type: &str,
        content: Vec<u8>,
    ) -> Result<Attachment, ClientError> {
        let req = self
            .api(Method::POST, &format!("/institutions/{institution_id}/attachments"))
            .query(meta)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(content);
        Self::send(req).await
    }

    pub async fn list_attachments(
        &self,
        institution_id: Uuid,
        page: PageQuery,
    ) -> Result<Page<Attachment>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/institutions/{institution_id}/attachments")).query(&page)).await
    }

    /// The content of a document.
    pub async fn download_attachment(&self, institution_id: Uuid, id: Uuid) -> Result<Vec<u8>, ClientError> {
        self.get_bytes(&format!("/institutions/{institution_id}/attachments/{id}"), &()).await
    }

    // ---- evaluation ----

    pub async fn evaluation_scheme(&self, year: i32) -> Result<SchemeInForce, ClientError> {
        self.get(&format!("/evaluation-schemes/{year}"), &()).await
    }

    pub async fn put_evaluation_scheme(&self, year: i32, s: &EvaluationScheme) -> Result<SchemeInForce, ClientError> {
        self.call(Method::PUT, &format!("/evaluation-schemes/{year}"), Some(s)).await
    }

    pub async fn evaluate_institution(&self, id: Uuid, req: &EvaluationRequest) -> Result<Evaluation, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/evaluations"), Some(req)).await
    }

    pub async fn list_evaluations(&self, id: Uuid, page: PageQuery) -> Result<Page<Evaluation>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/institutions/{id}/evaluations")).query(&page)).await
    }

    pub async fn record_violation(&self, id: Uuid, req: &ViolationRequest) -> Result<Violation, ClientError> {
        self.call(Method::POST, &format!("/institutions/{id}/violations"), Some(req)).await
    }

    pub async fn list_violations(&self, id: Uuid, page: PageQuery) -> Result<Page<Violation>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/institutions/{id}/violations")).query(&page)).await
    }

    // ---- counties and workforce ----

    pub async fn list_counties(&self, page: PageQuery) -> Result<Page<County>, ClientError> {
        Self::send(self.api(Method::GET, "/counties").query(&page)).await
    }

    pub async fn create_county(&self, req: &CreateCountyRequest) -> Result<County, ClientError> {
        self.call(Method::POST, "/counties", Some(req)).await
    }

    pub async fn register_caregiver(&self, req: &CreateCaregiverRequest) -> Result<Caregiver, ClientError> {
        self.call(Method::POST, "/caregivers", Some(req)).await
    }

    pub async fn caregiver(&self, id: Uuid) -> Result<Caregiver, ClientError> {
        self.get(&format!("/caregivers/{id}"), &()).await
    }

    pub async fn list_caregivers(
        &self,
        filter: &CaregiverFilter,
        page: PageQuery,
    ) -> Result<Page<Caregiver>, ClientError> {
        Self::send(self.api(Method::GET, "/caregivers").query(filter).query(&page)).await
    }

    pub async fn update_caregiver(&self, id: Uuid, req: &UpdateCaregiverRequest) -> Result<Caregiver, ClientError> {
        self.call(Method::PATCH, &format!("/caregivers/{id}"), Some(req)).await
    }

    // ---- supervision ----

    pub async fn create_sanction(&self, req: &CreateSanction) -> Result<Sanction, ClientError> {
        self.call(Method::POST, "/sanctions", Some(req)).await
    }

    pub async fn sanctions(&self, filter: &SanctionFilter, page: PageQuery) -> Result<Page<Sanction>, ClientError> {
        Self::send(self.api(Method::GET, "/sanctions").query(filter).query(&page)).await
    }

    pub async fn findings(&self, filter: &FindingFilter, page: PageQuery) -> Result<Page<Finding>, ClientError> {
        Self::send(self.api(Method::GET, "/findings").query(filter).query(&page)).await
    }

    pub async fn finding(&self, id: Uuid) -> Result<Finding, ClientError> {
        self.call::<(), _>(Method::GET, &format!("/findings/{id}"), None).await
    }

    pub async fn answer_finding(&self, id: Uuid, req: &AnswerFinding) -> Result<Finding, ClientError> {
        self.call(Method::POST, &format!("/findings/{id}/answer"), Some(req)).await
    }

    pub async fn decide_finding(&self, id: Uuid, req: &DecideFinding) -> Result<Finding, ClientError> {
        self.call(Method::POST, &format!("/findings/{id}/decide"), Some(req)).await
    }

    pub async fn findings_report(&self, filter: &ReportFilter) -> Result<FindingsReport, ClientError> {
        Self::send(self.api(Method::GET, "/findings-report").query(filter)).await
    }

    /// Starts the monthly analysis; follow it with [`ApiClient::monitor_run`].
    pub async fn start_monitor_run(&self, req: &MonitorRequest) -> Result<MonitorRun, ClientError> {
        self.call(Method::POST, "/monitor-runs", Some(req)).await
    }

    pub async fn monitor_run(&self, id: Uuid) -> Result<MonitorRun, ClientError> {
        self.call::<(), _>(Method::GET, &format!("/monitor-runs/{id}"), None).await
    }

    pub async fn lift_sanction(&self, id: Uuid, req: &LiftSanction) -> Result<Sanction, ClientError> {
        self.call(Method::POST, &format!("/sanctions/{id}/lift"), Some(req)).await
    }

    /// The region's published sanctions (no sign-in needed).
    pub async fn public_sanctions(
        &self,
        region_code: &str,
        page: PageQuery,
    ) -> Result<Page<PublicSanction>, ClientError> {
        self.get(&format!("/public/regions/{region_code}/sanctions"), &page).await
    }

    pub async fn supervision_dashboard(&self, month: &str) -> Result<SupervisionDashboard, ClientError> {
        Self::send(self.api(Method::GET, "/supervision-dashboard").query(&DashboardQuery { month: month.into() })).await
    }

    pub async fn dashboard_visits(
        &self,
        q: &DashboardVisitsQuery,
        page: PageQuery,
    ) -> Result<Page<Visit>, ClientError> {
        Self::send(self.api(Method::GET, "/supervision-dashboard/visits").query(q).query(&page)).await
    }

    // ---- random inspections ----

    pub async fn declare_inspection_conflict(&self, req: &DeclareConflict) -> Result<InspectionConflict, ClientError> {
        self.call(Method::POST, "/inspection-conflicts", Some(req)).await
    }

    pub async fn inspection_conflicts(&self, page: PageQuery) -> Result<Page<InspectionConflict>, ClientError> {
        self.get("/inspection-conflicts", &page).await
    }

    pub async fn draw_inspections(&self, req: &DrawRequest) -> Result<InspectionDraw, ClientError> {
        self.call(Method::POST, "/inspection-draws", Some(req)).await
    }

    pub async fn inspection_draw(&self, id: Uuid) -> Result<InspectionDraw, ClientError> {
        self.call::<(), _>(Method::GET, &format!("/inspection-draws/{id}"), None).await
    }

    pub async fn inspections(
        &self,
        filter: &InspectionFilter,
        page: PageQuery,
    ) -> Result<Page<Inspection>, ClientError> {
        Self::send(self.api(Method::GET, "/inspections").query(filter).query(&page)).await
    }

    pub async fn record_inspection_result(&self, id: Uuid, req: &InspectionResult) -> Result<Inspection, ClientError> {
        self.call(Method::POST, &format!("/inspections/{id}/result"), Some(req)).await
    }

    /// The region's published draws and their outcomes (no sign-in needed).
    pub async fn public_inspections(
        &self,
        region_code: &str,
        page: PageQuery,
    ) -> Result<Page<PublicDraw>, ClientError> {
        self.get(&format!("/public/regions/{region_code}/inspections"), &page).await
    }

    // ---- follow-up ----

    pub async fn draw_follow_up_sample(&self, req: &FollowUpSampleRequest) -> Result<FollowUpSample, ClientError> {
        self.call(Method::POST, "/follow-up-samples", Some(req)).await
    }

    pub async fn follow_up_sample(&self, month: &str) -> Result<FollowUpSample, ClientError> {
        self.call::<(), _>(Method::GET, &format!("/follow-up-samples/{month}"), None).await
    }

    pub async fn request_follow_up(&self, req: &RequestFollowUp) -> Result<FollowUp, ClientError> {
        self.call(Method::POST, "/follow-ups", Some(req)).await
    }

    pub async fn follow_ups(&self, filter: &FollowUpFilter, page: PageQuery) -> Result<Page<FollowUp>, ClientError> {
        Self::send(self.api(Method::GET, "/follow-ups").query(filter).query(&page)).await
    }

    pub async fn answer_follow_up(&self, id: Uuid, req: &FollowUpAnswer) -> Result<FollowUp, ClientError> {
        self.call(Method::POST, &format!("/follow-ups/{id}/answer"), Some(req)).await
    }

    pub async fn follow_up_averages(&self, year: i32) -> Result<FollowUpAverages, ClientError> {
        Self::send(self.api(Method::GET, "/follow-up-averages").query(&AveragesQuery { year })).await
    }

    pub async fn caregiver_departure(&self, id: Uuid, req: &CaregiverDeparture) -> Result<Caregiver, ClientError> {
        self.call(Method::POST, &format!("/caregivers/{id}/departure"), Some(req)).await
    }

    pub async fn create_caregiver_account(
        &self,
        id: Uuid,
        req: &CaregiverAccountRequest,
    ) -> Result<CaregiverAccount, ClientError> {
        self.call(Method::POST, &format!("/caregivers/{id}/account"), Some(req)).await
    }

    pub async fn add_training(&self, caregiver_id: Uuid, req: &TrainingRequest) -> Result<Training, ClientError> {
        self.call(Method::POST, &format!("/caregivers/{caregiver_id}/trainings"), Some(req)).await
    }

    pub async fn list_trainings(&self, caregiver_id: Uuid, page: PageQuery) -> Result<Page<Training>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/caregivers/{caregiver_id}/trainings")).query(&page)).await
    }

    pub async fn training_report(&self, q: &TrainingReportQuery) -> Result<TrainingReport, ClientError> {
        self.get("/reports/caregiver-training", q).await
    }

    pub async fn assign_caregiver(&self, req: &CreateAssignment) -> Result<Assignment, ClientError> {
        self.call(Method::POST, "/caregiver-assignments", Some(req)).await
    }

    pub async fn end_assignment(&self, id: Uuid, req: &EndAssignment) -> Result<Assignment, ClientError> {
        self.call(Method::POST, &format!("/caregiver-assignments/{id}/end"), Some(req)).await
    }

    pub async fn list_assignments(
        &self,
        filter: &AssignmentFilter,
        page: PageQuery,
    ) -> Result<Page<Assignment>, ClientError> {
        Self::send(self.api(Method::GET, "/caregiver-assignments").query(filter).query(&page)).await
    }

    // ---- funding ----

    pub async fn funding_accounts(&self, page: PageQuery) -> Result<Page<Account>, ClientError> {
        Self::send(self.api(Method::GET, "/funding/accounts").query(&page)).await
    }

    pub async fn post_contribution(&self, req: &ContributionRequest) -> Result<Posted, ClientError> {
        self.call(Method::POST, "/funding/contributions", Some(req)).await
    }

    pub async fn post_receipt(&self, req: &ReceiptRequest) -> Result<Posted, ClientError> {
        self.call(Method::POST, "/funding/receipts", Some(req)).await
    }

    pub async fn reverse_entry(&self, id: Uuid, req: &ReversalRequest) -> Result<Posted, ClientError> {
        self.call(Method::POST, &format!("/ledger/entries/{id}/reversal"), Some(req)).await
    }

    pub async fn journal_entry(&self, id: Uuid) -> Result<JournalEntry, ClientError> {
        self.get(&format!("/ledger/entries/{id}"), &()).await
    }

    pub async fn journal_entries(
        &self,
        filter: &EntryFilter,
        page: PageQuery,
    ) -> Result<Page<JournalEntry>, ClientError> {
        Self::send(self.api(Method::GET, "/ledger/entries").query(filter).query(&page)).await
    }

    pub async fn funding_settings(&self) -> Result<FundingSettings, ClientError> {
        self.get("/funding/settings", &()).await
    }

    pub async fn put_funding_settings(&self, s: &FundingSettings) -> Result<FundingSettings, ClientError> {
        self.call(Method::PUT, "/funding/settings", Some(s)).await
    }

    /// Imports a contributions CSV file (the whole file, checked before anything is posted).
    pub async fn import_contributions(&self, csv: String) -> Result<ImportOutcome, ClientError> {
        let req = self
            .api(Method::POST, "/funding/contributions/import")
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv);
        Self::send(req).await
    }

    /// Imports a register file (docs/imports.md): the summary, `created` 0 when every line was
    /// there already.
    pub async fn import_register(
        &self,
        kind: crate::api::imports::ImportKind,
        csv: String,
    ) -> Result<crate::api::imports::ImportSummary, ClientError> {
        let req = self
            .api(Method::POST, crate::api::imports::path_of(kind))
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv);
        Self::send(req).await
    }

    pub async fn request_reserve_draw(&self, req: &ReserveDrawRequest) -> Result<ReserveDraw, ClientError> {
        self.call(Method::POST, "/funding/reserve-draws", Some(req)).await
    }

    pub async fn approve_reserve_draw(&self, id: Uuid) -> Result<ReserveDraw, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/funding/reserve-draws/{id}/approval"), None).await
    }

    pub async fn reject_reserve_draw(&self, id: Uuid, req: &DrawRejection) -> Result<ReserveDraw, ClientError> {
        self.call(Method::POST, &format!("/funding/reserve-draws/{id}/rejection"), Some(req)).await
    }

    pub async fn reserve_draws(&self, page: PageQuery) -> Result<Page<ReserveDraw>, ClientError> {
        Self::send(self.api(Method::GET, "/funding/reserve-draws").query(&page)).await
    }

    /// The body of a non-JSON download (a document, CSV, SVG).
    async fn get_bytes(&self, path: &str, query: &impl Serialize) -> Result<Vec<u8>, ClientError> {
        Self::bytes(self.api(Method::GET, path).query(query)).await
    }

    /// A successful non-JSON body as text.
    fn text(bytes: Vec<u8>) -> Result<String, ClientError> {
        String::from_utf8(bytes).map_err(|e| ClientError::Unexpected { status: StatusCode::OK, text: e.to_string() })
    }

    /// Sends a request and answers a non-JSON success body or the error envelope.
    async fn bytes(req: RequestBuilder) -> Result<Vec<u8>, ClientError> {
        let resp = req.send().await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if status.is_success() { Ok(bytes.to_vec()) } else { Err(Self::error(status, &bytes)) }
    }

    /// The body of a non-JSON download as text.
    async fn get_text(&self, path: &str, query: &impl Serialize) -> Result<String, ClientError> {
        Self::text(self.get_bytes(path, query).await?)
    }

    pub async fn income_report_csv(&self, q: &PeriodQuery) -> Result<String, ClientError> {
        self.get_text("/funding/reports/income.csv", q).await
    }

    pub async fn trial_balance_csv(&self, q: &OnDateQuery) -> Result<String, ClientError> {
        self.get_text("/funding/reports/trial-balance.csv", q).await
    }

    pub async fn fund_health(&self, q: &HealthQuery) -> Result<FundHealth, ClientError> {
        self.get("/funding/health", q).await
    }

    pub async fn fund_health_series(&self, q: &SeriesQuery) -> Result<Vec<MonthPoint>, ClientError> {
        self.get("/funding/health/series", q).await
    }

    /// The fund's series as an SVG document.
    pub async fn fund_health_chart(&self, q: &SeriesQuery) -> Result<String, ClientError> {
        self.get_text("/funding/health/chart.svg", q).await
    }

    /// Imports a policy document; `content_type` is `application/toml` or `application/json`.
    pub async fn import_policy(&self, document: String, content_type: &str) -> Result<PolicyVersion, ClientError> {
        Self::send(
            self.api(Method::POST, "/policies").header(reqwest::header::CONTENT_TYPE, content_type).body(document),
        )
        .await
    }

    /// The policy what-if of a draft document (`application/toml` or `application/json`).
    pub async fn policy_what_if(
        &self,
        document: String,
        content_type: &str,
        q: &WhatIfQuery,
    ) -> Result<WhatIfReport, ClientError> {
        let req = self.api(Method::POST, "/policies/what-if").query(q);
        Self::send(req.header(reqwest::header::CONTENT_TYPE, content_type).body(document)).await
    }

    /// The policy what-if's rows as CSV.
    pub async fn policy_what_if_csv(
        &self,
        document: String,
        content_type: &str,
        q: &WhatIfQuery,
    ) -> Result<String, ClientError> {
        let req = self.api(Method::POST, "/policies/what-if/csv").query(q);
        Self::text(Self::bytes(req.header(reqwest::header::CONTENT_TYPE, content_type).body(document)).await?)
    }

    pub async fn policies(&self, page: PageQuery) -> Result<Page<PolicySummary>, ClientError> {
        Self::send(self.api(Method::GET, "/policies").query(&page)).await
    }

    pub async fn policy(&self, id: Uuid) -> Result<PolicyVersion, ClientError> {
        self.get(&format!("/policies/{id}"), &()).await
    }

    pub async fn policy_in_force(&self, q: &InForceQuery) -> Result<PolicyVersion, ClientError> {
        self.get("/policies/in-force", q).await
    }

    /// A five-minute signed link to the fund chart, for a browser.
    pub async fn create_chart_link(&self, req: &ChartLinkRequest) -> Result<SignedLink, ClientError> {
        self.call(Method::POST, "/funding/health/chart-links", Some(req)).await
    }

    /// Opens a signed link's `url` as a browser would: without a bearer token.
    pub async fn open_link(&self, url: &str) -> Result<String, ClientError> {
        Self::text(Self::bytes(self.http.get(format!("{}{url}", self.base_url))).await?)
    }

    // ---- care delivery ----

    pub async fn create_care_plan(&self, req: &CreateCarePlan) -> Result<CarePlan, ClientError> {
        self.call(Method::POST, "/care-plans", Some(req)).await
    }

    pub async fn care_plan(&self, id: Uuid) -> Result<CarePlan, ClientError> {
        self.get(&format!("/care-plans/{id}"), &()).await
    }

    pub async fn care_plans(&self, filter: &CarePlanFilter, page: PageQuery) -> Result<Page<CarePlan>, ClientError> {
        Self::send(self.api(Method::GET, "/care-plans").query(filter).query(&page)).await
    }

    pub async fn end_care_plan(&self, id: Uuid, req: &EndCarePlan) -> Result<CarePlan, ClientError> {
        self.call(Method::POST, &format!("/care-plans/{id}/end"), Some(req)).await
    }

    pub async fn schedule_visits(&self, req: &ScheduleRequest) -> Result<ScheduleOutcome, ClientError> {
        self.call(Method::POST, "/visits/schedule", Some(req)).await
    }

    pub async fn visits(&self, filter: &VisitFilter, page: PageQuery) -> Result<Page<Visit>, ClientError> {
        Self::send(self.api(Method::GET, "/visits").query(filter).query(&page)).await
    }

    /// Comments on or disputes a bill line (申诉).
    pub async fn raise_dispute(
        &self,
        bill: Uuid,
        line_no: u32,
        req: &RaiseDispute,
    ) -> Result<BillDispute, ClientError> {
        self.call(Method::POST, &format!("/settlements/{bill}/lines/{line_no}/disputes"), Some(req)).await
    }

    pub async fn disputes(&self, f: &DisputeFilter, page: PageQuery) -> Result<Page<BillDispute>, ClientError> {
        Self::send(self.api(Method::GET, "/disputes").query(f).query(&page)).await
    }

    pub async fn answer_dispute(&self, id: Uuid, req: &AnswerDispute) -> Result<BillDispute, ClientError> {
        self.call(Method::POST, &format!("/disputes/{id}/answer"), Some(req)).await
    }

    /// The exception queue of home visits as of now (`GET /visits/exceptions`).
    pub async fn visit_exceptions(&self, q: &QueueQuery, page: PageQuery) -> Result<ExceptionQueue, ClientError> {
        Self::send(self.api(Method::GET, "/visits/exceptions").query(q).query(&page)).await
    }

    pub async fn visit(&self, id: Uuid) -> Result<Visit, ClientError> {
        self.get(&format!("/visits/{id}"), &()).await
    }

    pub async fn visit_events(&self, id: Uuid, page: PageQuery) -> Result<Page<RecordedEvent>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/visits/{id}/events")).query(&page)).await
    }

    pub async fn correct_visit(&self, id: Uuid, req: &CorrectionRequest) -> Result<Visit, ClientError> {
        self.call(Method::POST, &format!("/visits/{id}/corrections"), Some(req)).await
    }

    /// Uploads a batch of visit events (the phone's outbox); safe to send again.
    pub async fn sync_events(&self, batch: &EventBatch) -> Result<BatchOutcome, ClientError> {
        self.call(Method::POST, "/sync/events", Some(batch)).await
    }

    /// What the caregiver needs offline, changed since `since`'s cursor.
    pub async fn sync_changes(&self, q: &ChangesQuery) -> Result<Changes, ClientError> {
        self.get("/sync/changes", q).await
    }

    pub async fn admit(&self, req: &AdmitRequest) -> Result<Stay, ClientError> {
        self.call(Method::POST, "/stays", Some(req)).await
    }

    pub async fn stay(&self, id: Uuid) -> Result<Stay, ClientError> {
        self.get(&format!("/stays/{id}"), &()).await
    }

    pub async fn stays(&self, filter: &StayFilter, page: PageQuery) -> Result<Page<Stay>, ClientError> {
        Self::send(self.api(Method::GET, "/stays").query(filter).query(&page)).await
    }

    pub async fn discharge(&self, id: Uuid, req: &DischargeRequest) -> Result<Stay, ClientError> {
        self.call(Method::POST, &format!("/stays/{id}/discharge"), Some(req)).await
    }

    pub async fn report_stay_charges(&self, req: &ChargeReport) -> Result<ChargeReportOutcome, ClientError> {
        self.call(Method::PUT, "/stays/charges", Some(req)).await
    }

    /// A month's charges as a sheet to fill in (CSV).
    pub async fn charge_sheet(&self, q: &ChargeSheetQuery) -> Result<String, ClientError> {
        self.get_text("/stays/charges/sheet", q).await
    }

    /// Reports a month's charges from a filled-in sheet (CSV).
    pub async fn report_charge_sheet(
        &self,
        q: &ChargeSheetQuery,
        csv: String,
    ) -> Result<ChargeReportOutcome, ClientError> {
        let req = self
            .api(Method::PUT, "/stays/charges/sheet")
            .query(q)
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv);
        Self::send(req).await
    }

    pub async fn stay_charges(
        &self,
        id: Uuid,
        q: &ChargesQuery,
        page: PageQuery,
    ) -> Result<Page<StayCharge>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/stays/{id}/charges")).query(q).query(&page)).await
    }

    /// Computes (or computes again) a draft bill.
    pub async fn compute_bill(&self, req: &ComputeBill) -> Result<Bill, ClientError> {
        self.call(Method::POST, "/settlements", Some(req)).await
    }

    pub async fn bills(&self, filter: &BillFilter, page: PageQuery) -> Result<Page<Bill>, ClientError> {
        Self::send(self.api(Method::GET, "/settlements").query(filter).query(&page)).await
    }

    pub async fn bill(&self, id: Uuid) -> Result<Bill, ClientError> {
        self.get(&format!("/settlements/{id}"), &()).await
    }

    pub async fn bill_lines(&self, id: Uuid, q: &LinesQuery, page: PageQuery) -> Result<Page<BillLine>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/settlements/{id}/lines")).query(q).query(&page)).await
    }

    /// Draws (once per submission) lines for the agency's review; answers the sample.
    pub async fn sample_bill(&self, id: Uuid, req: &SampleRequest) -> Result<Vec<BillLine>, ClientError> {
        self.call(Method::POST, &format!("/settlements/{id}/sample"), Some(req)).await
    }

    pub async fn deduct(&self, id: Uuid, line_no: u32, req: &Deduction) -> Result<BillLine, ClientError> {
        self.call(Method::PUT, &format!("/settlements/{id}/lines/{line_no}/deduction"), Some(req)).await
    }

    /// The bill's lines as CSV (for the institution's own reconciliation).
    pub async fn bill_lines_csv(&self, id: Uuid) -> Result<String, ClientError> {
        self.get_text(&format!("/settlements/{id}/lines.csv"), &()).await
    }

    pub async fn submit_bill(&self, id: Uuid) -> Result<Bill, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/settlements/{id}/submission"), None).await
    }

    pub async fn return_bill(&self, id: Uuid, req: &ReturnBill) -> Result<Bill, ClientError> {
        self.call(Method::POST, &format!("/settlements/{id}/return"), Some(req)).await
    }

    pub async fn approve_bill(&self, id: Uuid) -> Result<Bill, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/settlements/{id}/approval"), None).await
    }

    pub async fn pay_bill(&self, id: Uuid, req: &PayBill) -> Result<Bill, ClientError> {
        self.call(Method::POST, &format!("/settlements/{id}/payment"), Some(req)).await
    }

    pub async fn release_deposit(
        &self,
        institution_id: Uuid,
        req: &DepositReleaseRequest,
    ) -> Result<DepositRelease, ClientError> {
        self.call(Method::POST, &format!("/institutions/{institution_id}/deposit-releases"), Some(req)).await
    }

    pub async fn month_end(&self, req: &MonthEndRequest) -> Result<MonthEndReport, ClientError> {
        self.call(Method::POST, "/settlements/month-end", Some(req)).await
    }

    pub async fn person_bill_lines(&self, person: Uuid, page: PageQuery) -> Result<Page<PersonBillLine>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/insured-persons/{person}/bill-lines")).query(&page)).await
    }

    pub async fn person_contributions(
        &self,
        person: Uuid,
        page: PageQuery,
    ) -> Result<Page<PersonContribution>, ClientError> {
        Self::send(self.api(Method::GET, &format!("/insured-persons/{person}/contributions")).query(&page)).await
    }

    /// Starts the month-end run in the background; answers the run as recorded.
    pub async fn start_month_end(&self, req: &MonthEndRequest) -> Result<MonthEndRun, ClientError> {
        self.call(Method::POST, "/settlements/month-end-runs", Some(req)).await
    }

    pub async fn month_end_run(&self, id: Uuid) -> Result<MonthEndRun, ClientError> {
        self.get(&format!("/settlements/month-end-runs/{id}"), &()).await
    }

    pub async fn month_end_runs(
        &self,
        f: &MonthEndRunFilter,
        page: PageQuery,
    ) -> Result<Page<MonthEndRun>, ClientError> {
        Self::send(self.api(Method::GET, "/settlements/month-end-runs").query(f).query(&page)).await
    }

    pub async fn institution_statement(&self, institution_id: Uuid) -> Result<Statement, ClientError> {
        self.get(&format!("/institutions/{institution_id}/statement"), &()).await
    }

    pub async fn record_partner_events(&self, batch: &PartnerBatch) -> Result<PartnerImportOutcome, ClientError> {
        self.call(Method::POST, "/partner-events", Some(batch)).await
    }

    pub async fn import_partner_events(&self, csv: String) -> Result<PartnerImportOutcome, ClientError> {
        let req = self
            .api(Method::POST, "/partner-events/import")
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv);
        Self::send(req).await
    }

    pub async fn partner_events(
        &self,
        filter: &PartnerEventFilter,
        page: PageQuery,
    ) -> Result<Page<RecordedPartnerEvent>, ClientError> {
        Self::send(self.api(Method::GET, "/partner-events").query(filter).query(&page)).await
    }

    pub async fn rematch_partner_events(&self) -> Result<PartnerImportOutcome, ClientError> {
        self.call::<(), _>(Method::POST, "/partner-events/rematch", None).await
    }

    pub async fn dismiss_partner_event(
        &self,
        id: Uuid,
        req: &DismissRequest,
    ) -> Result<RecordedPartnerEvent, ClientError> {
        self.call(Method::POST, &format!("/partner-events/{id}/dismiss"), Some(req)).await
    }

    pub async fn hospitalisations(
        &self,
        filter: &HospitalisationFilter,
        page: PageQuery,
    ) -> Result<Page<Hospitalisation>, ClientError> {
        Self::send(self.api(Method::GET, "/hospitalisations").query(filter).query(&page)).await
    }
}

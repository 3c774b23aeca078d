//! The web console (经办工作台) at `/`: pages rendered on the server whose handlers call the same
//! capability functions as the JSON API, behind a session cookie bound to the API's login.

pub mod error;
pub mod format;
pub mod html;
pub mod labels;
pub mod menu;
mod pages;
pub mod session;
mod statics;
pub mod upload;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// Every console route, in one place.
pub fn router(state: AppState) -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(pages::home::show))
        .route("/login", get(pages::sign_in::form).post(pages::sign_in::submit))
        .route("/logout", post(pages::sign_in::sign_out))
        .route("/language", post(pages::sign_in::language))
        .route("/persons", get(pages::persons::list))
        .route("/persons/find", post(pages::persons::find))
        .route("/persons/{id}", get(pages::persons::show))
        .route("/persons/{id}/id-number", post(pages::persons::reveal))
        .route("/persons/{id}/apply", post(pages::persons::apply))
        .route("/cases", get(pages::cases::list))
        .route("/cases/{id}", get(pages::cases::show))
        .route("/cases/{id}/{step}", post(pages::cases::step))
        .route("/institutions", get(pages::institutions::list))
        .route("/institutions/{id}", get(pages::institutions::show))
        .route("/institutions/{id}/documents/{doc}", get(pages::institutions::document))
        .route("/institutions/{id}/documents", post(pages::institution_info::upload).layer(upload::limit()))
        .route("/institutions/{id}/statement", get(pages::statement::show))
        .route("/institutions/{id}/statement.csv", get(pages::statement::csv))
        .route("/institutions/{id}/{step}", post(pages::institutions::step))
        .route("/settlements", get(pages::bills::list).post(pages::bills::compute))
        .route("/settlements/month-end", post(pages::bills::start_month_end))
        .route("/settlements/runs/{id}", get(pages::bills::run))
        .route("/settlements/{id}", get(pages::bills::show))
        .route("/settlements/{id}/lines.csv", get(pages::bills::lines_csv))
        .route("/settlements/{id}/{step}", post(pages::bills::step))
        .route("/settlements/{id}/lines/{line_no}/dispute", post(pages::disputes::raise).layer(upload::limit()))
        .route("/disputes", get(pages::disputes::queue))
        .route("/disputes/{id}/answer", post(pages::disputes::answer))
        .route("/policies", get(pages::policies::list).post(pages::policies::import).layer(upload::limit()))
        .route("/policies/compare", get(pages::policies::compare))
        .route("/policies/what-if", get(pages::what_if::form).post(pages::what_if::run).layer(upload::limit()))
        .route("/policies/{id}", get(pages::policies::show))
        .route("/imports", get(pages::imports::show))
        .route("/imports/{kind}", post(pages::imports::upload).layer(upload::limit()))
        .route("/partner-events", get(pages::partner_events::list))
        .route("/partner-events/rematch", post(pages::partner_events::rematch))
        .route("/partner-events/{id}/dismiss", post(pages::partner_events::dismiss))
        .route("/funds", get(pages::funds::show))
        .route("/funds/chart.svg", get(pages::funds::chart_svg))
        .route("/funds/income.csv", get(pages::funds::income_csv))
        .route("/funds/trial-balance.csv", get(pages::funds::trial_balance_csv))
        .route("/funds/draws", post(pages::funds::request_draw))
        .route("/funds/draws/{id}/{step}", post(pages::funds::decide_draw))
        .route("/funds/entries", get(pages::funds::entries))
        .route("/funds/entries/{id}/reverse", post(pages::funds::reverse))
        .route("/users", get(pages::users::list).post(pages::users::create))
        .route("/users/{id}", get(pages::users::show))
        .route("/users/{id}/{step}", post(pages::users::step))
        .route("/caregivers", get(pages::caregivers::list).post(pages::caregivers::register))
        .route("/caregivers/{id}", get(pages::caregivers::show))
        .route("/caregivers/{id}/{step}", post(pages::caregivers::step))
        .route("/beneficiaries", get(pages::beneficiaries::list).post(pages::beneficiaries::open))
        .route("/beneficiaries/find", post(pages::beneficiaries::find))
        .route("/beneficiaries/{id}/{step}", post(pages::beneficiaries::step))
        .route("/plans", post(pages::plans::create))
        .route("/plans/new", get(pages::plans::new))
        .route("/plans/{id}", get(pages::plans::show))
        .route("/plans/{id}/{step}", post(pages::plans::step))
        .route("/visits", get(pages::visits::list))
        .route("/visits/exceptions", get(pages::visits::queue))
        .route("/visits/{id}", get(pages::visits::show))
        .route("/visits/{id}/correct", post(pages::visits::correct))
        .route("/stays", get(pages::stays::list).post(pages::stays::admit))
        .route("/stays/{id}/discharge", post(pages::stays::discharge))
        .route("/stays/charges", get(pages::stays::grid).post(pages::stays::save_grid))
        .route("/stays/charges.csv", get(pages::stays::template))
        .route("/stays/charges/upload", post(pages::stays::upload).layer(upload::limit()))
        .route("/audit", get(pages::audit::list))
        .route("/audit/chain", get(pages::audit::chain))
        .route("/findings", get(pages::findings::list))
        .route("/findings/analyse", post(pages::findings::analyse))
        .route("/findings/report", get(pages::findings::report_page))
        .route("/findings/report.csv", get(pages::findings::report_csv))
        .route("/findings/runs/{id}", get(pages::findings::run))
        .route("/findings/{id}", get(pages::findings::show))
        .route("/findings/{id}/answer", post(pages::findings::answer))
        .route("/findings/{id}/decide", post(pages::findings::decide))
        .route("/supervision", get(pages::dashboard::show))
        .route("/supervision/visits", get(pages::dashboard::visits))
        .route("/inspections", get(pages::inspections::list))
        .route("/inspections/draw", post(pages::inspections::draw))
        .route("/inspections/conflicts", post(pages::inspections::declare))
        .route("/inspections/draws/{id}", get(pages::inspections::draw_page))
        .route("/inspections/{id}/result", post(pages::inspections::record))
        .route("/follow-ups", get(pages::follow_ups::list))
        .route("/follow-ups/sample", post(pages::follow_ups::sample))
        .route("/follow-ups/request", post(pages::follow_ups::request))
        .route("/follow-ups/{id}/answer", post(pages::follow_ups::answer))
        .route("/sanctions", get(pages::sanctions::list))
        .route("/sanctions/{id}/lift", post(pages::sanctions::lift))
        .layer(axum::middleware::from_fn_with_state(state, session::resume));
    Router::new().merge(pages).merge(statics::router())
}

//! Operations endpoints for load balancers and orchestrators.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, routes, Route, State};

use crate::web::views::frame::Health;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![healthz, readyz]
}

/// The process is up and answering.
#[get("/healthz")]
fn healthz() -> Json<Health> {
    Json(Health { status: "ok", database: None })
}

/// The process can do useful work: the database answers.
#[get("/readyz")]
async fn readyz(state: &State<AppState>) -> (Status, Json<Health>) {
    match crate::db::ping(&state.db).await {
        Ok(()) => (Status::Ok, Json(Health { status: "ready", database: Some("ok") })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (Status::ServiceUnavailable, Json(Health { status: "unavailable", database: Some("unreachable") }))
        }
    }
}

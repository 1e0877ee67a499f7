//! Operations endpoints for load balancers and orchestrators.

use rocket::http::Status;
use rocket::serde::json::{json, Json, Value};
use rocket::{get, routes, Route, State};

use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![healthz, readyz]
}

/// The process is up and answering.
#[get("/healthz")]
fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The process can do useful work: the database answers.
#[get("/readyz")]
async fn readyz(state: &State<AppState>) -> (Status, Json<Value>) {
    match crate::db::ping(&state.db).await {
        Ok(()) => (Status::Ok, Json(json!({"status": "ready", "database": "ok"}))),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (Status::ServiceUnavailable, Json(json!({"status": "unavailable", "database": "unreachable"})))
        }
    }
}

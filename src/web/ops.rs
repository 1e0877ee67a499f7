//! Operations endpoints for load balancers, orchestrators and Prometheus.

use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{get, routes, Responder, Route, State};
use subtle::ConstantTimeEq;

use crate::domain::secrets::hash_token;
use crate::error::AppResult;
use crate::web::views::frame::Health;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![healthz, readyz, metrics]
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

/// Who asks for the metrics, by the bearer token they send.
enum Scraper {
    /// The service has no metrics token: the address does not exist.
    NotConfigured,
    /// The configured token.
    Known,
    /// No token, or another one.
    Unknown,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Scraper {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(expected) = req.rocket().state::<AppState>().and_then(|s| s.config.metrics_token.as_deref()) else {
            return Outcome::Success(Scraper::NotConfigured);
        };
        let given = req.headers().get_one("Authorization").and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
        // Compared as hashes: equal lengths, and no early exit on the first
        // differing byte.
        let known = bool::from(hash_token(given.trim()).as_bytes().ct_eq(hash_token(expected).as_bytes()));
        Outcome::Success(if known { Scraper::Known } else { Scraper::Unknown })
    }
}

#[derive(Responder)]
enum MetricsAnswer {
    Text(String, ContentType, Header<'static>),
    #[response(status = 401, content_type = "text")]
    Unauthorized(&'static str, Header<'static>),
    NotFound(Status),
}

/// Prometheus's scrape: see `web::metrics` for what is in it.
#[get("/metrics")]
async fn metrics(scraper: Scraper, state: &State<AppState>) -> AppResult<MetricsAnswer> {
    match scraper {
        Scraper::NotConfigured => Ok(MetricsAnswer::NotFound(Status::NotFound)),
        Scraper::Unknown => Ok(MetricsAnswer::Unauthorized(
            "The metrics need the bearer token configured as TRIBE_METRICS_TOKEN.\n",
            Header::new("WWW-Authenticate", "Bearer realm=\"tribe metrics\""),
        )),
        Scraper::Known => {
            let counts = crate::domain::operations::counts(&state.db).await?;
            let text = state.metrics.encode(&counts, &state.chat.rooms_read(), (state.pages.len(), state.pages.bytes()));
            let content_type = ContentType::parse_flexible(crate::web::metrics::CONTENT_TYPE).unwrap_or(ContentType::Plain);
            Ok(MetricsAnswer::Text(text, content_type, Header::new("Cache-Control", "no-store")))
        }
    }
}

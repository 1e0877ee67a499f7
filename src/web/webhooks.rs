//! `POST /webhooks/stripe`: Stripe's events about checkouts. The signature
//! is checked before anything is read; a forged, stale or missing one is a
//! 400 that changes nothing.

use rocket::data::{Data, ToByteUnit};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{post, routes, Route, State};

use crate::domain::registration::payments;
use crate::domain::registration::use_cases;
use crate::error::{AppError, AppResult};
use crate::web::views::frame::WebhookAck;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![stripe_webhook]
}

pub struct StripeSignature(String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for StripeSignature {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(StripeSignature(req.headers().get_one("Stripe-Signature").unwrap_or_default().to_owned()))
    }
}

#[post("/stripe", data = "<body>")]
async fn stripe_webhook(signature: StripeSignature, body: Data<'_>, state: &State<AppState>) -> AppResult<Json<WebhookAck>> {
    let stripe = state.config.stripe.as_ref().ok_or(AppError::NotFound)?;
    let payload = body.open(1.mebibytes()).into_string().await.map_err(|_| AppError::BadRequest("the body could not be read".into()))?;
    if !payload.is_complete() {
        return Err(AppError::BadRequest("the body is too large".into()));
    }
    let payload = payload.into_inner();
    payments::verify_signature(payload.as_bytes(), &signature.0, &stripe.webhook_secret, crate::domain::now())
        .map_err(|reason| AppError::BadRequest(format!("Stripe-Signature refused: {reason}")))?;
    let outcome = use_cases::settle_payment_event(state.context(), &payload).await?;
    Ok(Json(WebhookAck { received: true, duplicate: outcome.duplicate }))
}

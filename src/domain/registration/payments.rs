//! Paid registration through Stripe Checkout. A seat is held while the
//! buyer pays; Stripe's webhooks (verified with Stripe's signature scheme,
//! processed once each, in any order) confirm or release it; cancelling a
//! paid registration refunds it through Stripe's Refund API.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::Sha256;
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData, ProductData,
};

use crate::config::StripeConfig;
use crate::db::entities::registration::{RefundStatus, RegistrationStatus};
use crate::db::entities::{event, registration, stripe_event, ticket_type, user};
use crate::domain::now;
use crate::domain::registration::{
    first_refund_retry_at, record_change, release_seats, take_and_record, take_seats, Cancellation, CheckedRequest, Taking,
};
use crate::error::{AppError, AppResult};

/// How long a seat is held for a buyer at checkout.
pub const HOLD_MINUTES: i64 = 15;
/// Stripe's shortest Checkout Session lifetime is 30 minutes.
const CHECKOUT_MINUTES: i64 = 30;
/// Webhook signatures older than this are refused (Stripe's default tolerance).
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

pub fn client(config: &StripeConfig) -> AppResult<stripe::Client> {
    stripe::ClientBuilder::new(config.secret_key.clone())
        .url(format!("{}/", config.api_base))
        .build()
        .map_err(|e| AppError::Internal(format!("Stripe client: {e}")))
}

fn unavailable(detail: impl std::fmt::Display) -> AppError {
    tracing::error!(%detail, "Stripe request failed");
    AppError::Conflict("Payments are unavailable right now. Nothing was charged and your seat was released; please try again in a moment.".into())
}

/// A checkout that was started: where to send the buyer.
pub struct Checkout {
    pub registration: registration::Model,
    pub url: String,
}

/// Holds the seats and opens a Stripe Checkout Session for them.
pub async fn start_checkout(
    db: &DatabaseConnection,
    config: &StripeConfig,
    base_url: &str,
    event: &event::Model,
    buyer: &user::Model,
    request: &CheckedRequest,
) -> AppResult<Checkout> {
    let ticket = &request.ticket;
    let outcome = Taking {
        status: RegistrationStatus::Held,
        amount_minor: request.amount_minor(),
        hold_expires_at: Some(now() + Duration::minutes(HOLD_MINUTES)),
        actor: Some(buyer.id),
        reason: "checkout started",
    };
    let held = take_and_record(db, event, buyer, request, outcome).await?;

    let session = create_session(config, base_url, event, ticket, buyer, &held).await;
    match session {
        Ok((id, url)) => {
            let mut model: registration::ActiveModel = held.clone().into();
            model.stripe_checkout_session_id = Set(Some(id));
            let registration = model.update(db).await?;
            Ok(Checkout { registration, url })
        }
        Err(error) => {
            expire(db, &held, "checkout could not be opened").await?;
            Err(error)
        }
    }
}

async fn create_session(
    config: &StripeConfig,
    base_url: &str,
    event: &event::Model,
    ticket: &ticket_type::Model,
    buyer: &user::Model,
    held: &registration::Model,
) -> AppResult<(String, String)> {
    let currency = stripe_types::Currency::from_str(&ticket.currency.to_lowercase())
        .map_err(|_| AppError::BadRequest(format!("unsupported currency {}", ticket.currency)))?;
    let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
    // The unit price after any discount: the registration holds the total.
    price.unit_amount = Some(held.amount_minor / i64::from(held.quantity.max(1)));
    price.product_data = Some(ProductData {
        description: None,
        images: None,
        metadata: None,
        name: format!("{} · {}", event.title, ticket.name),
        tax_code: None,
        tax_details: None,
        unit_label: None,
    });
    let mut line = CreateCheckoutSessionLineItems::new();
    line.price_data = Some(price);
    line.quantity = Some(held.quantity as u64);
    let metadata = std::collections::HashMap::from([("registration_id".to_owned(), held.id.to_string()), ("event".to_owned(), event.slug.clone())]);
    let key = IdempotencyKey::new(format!("tribe-checkout-{}", held.id)).map_err(|e| AppError::Internal(e.to_string()))?;
    let session = CreateCheckoutSession::new()
        .mode(stripe_shared::CheckoutSessionMode::Payment)
        .line_items(vec![line])
        .client_reference_id(held.id.to_string())
        .metadata(metadata)
        .customer_email(buyer.email.clone())
        .success_url(format!("{base_url}/registrations/{}?checkout=done", held.id))
        .cancel_url(format!("{base_url}/events/{}", event.slug))
        .expires_at((now() + Duration::minutes(CHECKOUT_MINUTES)).timestamp())
        .customize()
        .request_strategy(RequestStrategy::Idempotent(key))
        .send(&client(config)?)
        .await
        .map_err(unavailable)?;
    let url = session.url.clone().ok_or_else(|| unavailable("Checkout Session without a URL"))?;
    Ok((session.id.to_string(), url))
}

/// A waitlist offer of a paid ticket: the held seat goes to checkout, with
/// the hold extended to the checkout's time.
pub async fn checkout_for_held(
    db: &DatabaseConnection,
    config: &StripeConfig,
    base_url: &str,
    buyer: &user::Model,
    held: &registration::Model,
) -> AppResult<String> {
    if held.user_id != buyer.id || held.status != RegistrationStatus::Held {
        return Err(AppError::Conflict("This offer is no longer open.".into()));
    }
    let ticket = ticket_type::Entity::find_by_id(held.ticket_type_id).one(db).await?.ok_or(AppError::NotFound)?;
    let event = event::Entity::find_by_id(held.event_id).one(db).await?.ok_or(AppError::NotFound)?;
    let mut model: registration::ActiveModel = held.clone().into();
    model.amount_minor = Set(ticket.price_minor * i64::from(held.quantity));
    model.hold_expires_at = Set(Some(now() + Duration::minutes(HOLD_MINUTES)));
    let held = model.update(db).await?;
    let (id, url) = create_session(config, base_url, &event, &ticket, buyer, &held).await?;
    let mut model: registration::ActiveModel = held.into();
    model.stripe_checkout_session_id = Set(Some(id));
    model.update(db).await?;
    Ok(url)
}

/// What a cancellation did about the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Nothing was paid, so nothing is owed.
    NotPaid,
    /// Stripe confirmed the refund.
    Refunded,
    /// The refund is owed and Stripe has not confirmed it yet; it is retried
    /// in the background until it does.
    Pending,
    /// Stripe refused it every time: the organizer refunds by hand.
    Failed,
}

impl RefundOutcome {
    /// The sentence an attendee or organizer reads after cancelling.
    pub fn message(self) -> &'static str {
        match self {
            RefundOutcome::NotPaid => "",
            RefundOutcome::Refunded => " The payment was refunded.",
            RefundOutcome::Pending => " The refund could not be sent to Stripe yet; it is retried automatically until Stripe confirms it.",
            RefundOutcome::Failed => " Stripe refused the refund; the organizer sees this on the attendee list and refunds by hand.",
        }
    }

    fn of(registration: &registration::Model) -> RefundOutcome {
        match registration.refund_status {
            Some(RefundStatus::Refunded) => RefundOutcome::Refunded,
            Some(RefundStatus::Failed) => RefundOutcome::Failed,
            Some(RefundStatus::Pending) => RefundOutcome::Pending,
            None => RefundOutcome::NotPaid,
        }
    }
}

/// After this many refused attempts a refund is marked failed for the
/// organizer to settle by hand.
pub const MAX_REFUND_ATTEMPTS: i32 = 8;

/// Cancels a registration and refunds a paid one. The decision comes
/// first: a cancellation the rules refuse (past the organizer's cut-off,
/// someone else's registration) sends nothing to Stripe. Then the
/// cancellation and the refund it owes are written in one transaction
/// (`registration::cancel`), and only after that is the refund sent, by
/// the request that cancelled (keyed per registration and payment, so
/// Stripe refunds once however often it is asked); one Stripe does not
/// confirm is retried by the background loop until it does. At no point is
/// a seat given up without its refund owed, or a refund sent without the
/// cancellation.
pub async fn cancel_with_refund(
    db: &DatabaseConnection,
    config: Option<&StripeConfig>,
    event: &event::Model,
    found: &registration::Model,
    by: crate::domain::registration::CancelledBy,
    reason: &str,
) -> AppResult<(Cancellation, RefundOutcome)> {
    if crate::domain::registration::owes_refund(found) && config.is_none() {
        return Err(AppError::Conflict(
            "Payments are not configured, so this paid registration cannot be refunded here; nothing was cancelled.".into(),
        ));
    }
    let mut cancellation = crate::domain::registration::cancel(db, event, found, by, reason).await?;
    match (config, cancellation.registration.refund_status) {
        // Asking again (a second click) leaves the retrying to the loop.
        (Some(config), Some(RefundStatus::Pending)) if cancellation.cancelled_now => {
            let outcome = attempt_refund(db, config, &cancellation.registration).await?;
            cancellation.registration = crate::domain::registration::find(db, cancellation.registration.id).await?;
            Ok((cancellation, outcome))
        }
        _ => {
            let outcome = RefundOutcome::of(&cancellation.registration);
            Ok((cancellation, outcome))
        }
    }
}

/// Sends one owed refund to Stripe and records what happened: refunded,
/// or pending with a later retry (failed after `MAX_REFUND_ATTEMPTS`).
async fn attempt_refund(db: &DatabaseConnection, config: &StripeConfig, owed: &registration::Model) -> AppResult<RefundOutcome> {
    use sea_orm::ExprTrait;
    let Some(intent) = owed.stripe_payment_intent_id.as_deref() else { return Ok(RefundOutcome::NotPaid) };
    let at = now();
    match refund(config, intent, owed.id).await {
        Ok(()) => {
            let txn = crate::db::begin(db).await?;
            let marked = registration::Entity::update_many()
                .col_expr(registration::Column::RefundStatus, Expr::value(RefundStatus::Refunded))
                .col_expr(registration::Column::RefundAttempts, Expr::col(registration::Column::RefundAttempts).add(1))
                .col_expr(registration::Column::RefundRetryAt, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(registration::Column::RefundError, Expr::value(""))
                .filter(registration::Column::Id.eq(owed.id))
                .filter(registration::Column::RefundStatus.eq(RefundStatus::Pending))
                .exec(&txn)
                .await?;
            if marked.rows_affected == 1 {
                record_change(&txn, owed.id, Some(owed.status), owed.status, None, "refunded").await?;
            }
            txn.commit().await?;
            Ok(RefundOutcome::Refunded)
        }
        Err(error) => {
            // The count this attempt makes (the row's count may be a
            // little stale; the pause and the limit only need it roughly).
            let attempts = owed.refund_attempts + 1;
            let status = if attempts >= MAX_REFUND_ATTEMPTS { RefundStatus::Failed } else { RefundStatus::Pending };
            registration::Entity::update_many()
                .col_expr(registration::Column::RefundStatus, Expr::value(status))
                .col_expr(registration::Column::RefundAttempts, Expr::col(registration::Column::RefundAttempts).add(1))
                .col_expr(registration::Column::RefundRetryAt, Expr::value(Some(at + crate::domain::jobs::retry_pause(attempts))))
                .col_expr(registration::Column::RefundError, Expr::value(error))
                .filter(registration::Column::Id.eq(owed.id))
                .filter(registration::Column::RefundStatus.eq(RefundStatus::Pending))
                .exec(db)
                .await?;
            Ok(if status == RefundStatus::Failed { RefundOutcome::Failed } else { RefundOutcome::Pending })
        }
    }
}

/// Retries the refunds Stripe has not confirmed whose pause is over. Each
/// is claimed with a conditional update (moving its retry time on), so
/// instances running this loop at once do not send the same one together;
/// Stripe's idempotency key would make a double send harmless anyway.
pub async fn retry_owed_refunds(db: &DatabaseConnection, config: Option<&StripeConfig>, at: DateTime<Utc>) -> AppResult<usize> {
    let Some(config) = config else { return Ok(0) };
    let due = registration::Entity::find()
        .filter(registration::Column::RefundStatus.eq(RefundStatus::Pending))
        .filter(registration::Column::RefundRetryAt.lte(at))
        .all(db)
        .await?;
    let mut sent = 0;
    for owed in due {
        let claimed = registration::Entity::update_many()
            .col_expr(registration::Column::RefundRetryAt, Expr::value(Some(at + Duration::minutes(2))))
            .filter(registration::Column::Id.eq(owed.id))
            .filter(registration::Column::RefundStatus.eq(RefundStatus::Pending))
            .filter(registration::Column::RefundRetryAt.lte(at))
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            attempt_refund(db, config, &owed).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Ends a hold: the seats go back (and to the waitlist, by the caller).
async fn expire(db: &DatabaseConnection, held: &registration::Model, reason: &str) -> AppResult<bool> {
    let txn = crate::db::begin(db).await?;
    let expired = registration::Entity::update_many()
        .col_expr(registration::Column::Status, Expr::value(RegistrationStatus::Expired))
        .col_expr(registration::Column::UpdatedAt, Expr::value(now()))
        .filter(registration::Column::Id.eq(held.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Held))
        .exec(&txn)
        .await?;
    if expired.rows_affected == 0 {
        return Ok(false);
    }
    release_seats(&txn, held).await?;
    record_change(&txn, held.id, Some(RegistrationStatus::Held), RegistrationStatus::Expired, None, reason).await?;
    txn.commit().await?;
    Ok(true)
}

/// Checks a `Stripe-Signature` header exactly as Stripe specifies: HMAC-SHA256
/// of `timestamp.payload` with the endpoint secret; any `v1` entry may match;
/// the timestamp must be within the tolerance of now.
pub fn verify_signature(payload: &[u8], header: &str, secret: &str, at: DateTime<Utc>) -> Result<(), &'static str> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value.to_owned()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("no timestamp in the signature header")?;
    if signatures.is_empty() {
        return Err("no v1 signature in the header");
    }
    // abs_diff: a timestamp near i64::MIN must not overflow the subtraction.
    if at.timestamp().abs_diff(timestamp) > SIGNATURE_TOLERANCE_SECS.unsigned_abs() {
        return Err("the signature is too old (or from the future)");
    }
    for candidate in signatures {
        let Some(expected) = (0..candidate.len())
            .step_by(2)
            .map(|i| candidate.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<Vec<u8>>>()
        else {
            continue;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "bad secret")?;
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(payload);
        if mac.verify_slice(&expected).is_ok() {
            return Ok(());
        }
    }
    Err("no signature matches")
}

/// Signs a payload as Stripe does (for tests and tools).
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length works");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// What a webhook did, for the caller to follow up (emails, waitlist).
#[derive(Debug, Default)]
pub struct WebhookOutcome {
    pub confirmed: Option<registration::Model>,
    pub released_ticket: Option<i32>,
    pub duplicate: bool,
}

fn registration_id_of(object: &serde_json::Value) -> Option<i32> {
    object["client_reference_id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| object["metadata"]["registration_id"].as_str().and_then(|s| s.parse().ok()))
}

/// Processes one verified webhook event, once: its id is recorded in the
/// same transaction as its effect, so a repeat changes nothing.
pub async fn handle_event(db: &DatabaseConnection, config: &StripeConfig, payload: &str) -> AppResult<WebhookOutcome> {
    let event: serde_json::Value = serde_json::from_str(payload).map_err(|e| AppError::BadRequest(format!("not a Stripe event: {e}")))?;
    let (Some(event_id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(AppError::BadRequest("not a Stripe event: no id or type".into()));
    };
    let object = &event["data"]["object"];
    let txn = crate::db::begin(db).await?;
    let first_time = stripe_event::ActiveModel {
        event_id: Set(event_id.to_owned()),
        event_type: Set(kind.to_owned()),
        received_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    if first_time.is_err() {
        return Ok(WebhookOutcome { duplicate: true, ..Default::default() });
    }
    let mut outcome = WebhookOutcome::default();
    let found = match registration_id_of(object) {
        Some(id) => registration::Entity::find_by_id(id).one(&txn).await?,
        None => None,
    };
    match (kind, found) {
        ("checkout.session.completed" | "checkout.session.async_payment_succeeded", Some(found)) if object["payment_status"] == "paid" => {
            let payment_intent = object["payment_intent"].as_str().map(str::to_owned);
            let confirmed = registration::Entity::update_many()
                .col_expr(registration::Column::Status, Expr::value(RegistrationStatus::Confirmed))
                .col_expr(registration::Column::StripePaymentIntentId, Expr::value(payment_intent.clone()))
                .col_expr(registration::Column::HoldExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(registration::Column::UpdatedAt, Expr::value(now()))
                .filter(registration::Column::Id.eq(found.id))
                .filter(registration::Column::Status.eq(RegistrationStatus::Held))
                .exec(&txn)
                .await?;
            if confirmed.rows_affected == 1 {
                // Confirmed attendees show in the event's directory.
                crate::domain::events::touch_pages(&txn, found.event_id).await?;
                record_change(&txn, found.id, Some(RegistrationStatus::Held), RegistrationStatus::Confirmed, None, "paid (Stripe Checkout)").await?;
                outcome.confirmed = registration::Entity::find_by_id(found.id).one(&txn).await?;
            } else if found.status != RegistrationStatus::Confirmed {
                // Paid after the hold ran out: take the seat again if one is
                // free; otherwise the money goes back.
                let ticket = ticket_type::Entity::find_by_id(found.ticket_type_id).one(&txn).await?.ok_or(AppError::NotFound)?;
                let event = event::Entity::find_by_id(found.event_id).one(&txn).await?.ok_or(AppError::NotFound)?;
                let mut model: registration::ActiveModel = found.clone().into();
                model.stripe_payment_intent_id = Set(payment_intent.clone());
                model.updated_at = Set(now());
                // Only a lapsed hold is confirmed again: never a registration
                // that was cancelled, or whose payment is already owed back.
                if found.status == RegistrationStatus::Expired
                    && found.refund_status.is_none()
                    && take_seats(&txn, &ticket, &event, found.quantity).await.is_ok()
                {
                    model.status = Set(RegistrationStatus::Confirmed);
                    let updated = model.update(&txn).await?;
                    record_change(
                        &txn,
                        found.id,
                        Some(found.status),
                        RegistrationStatus::Confirmed,
                        None,
                        "paid after the hold ran out; a seat was still free",
                    )
                    .await?;
                    outcome.confirmed = Some(updated);
                } else {
                    // The refund is owed in the same write that records the
                    // payment, then sent (and retried until Stripe confirms).
                    if payment_intent.is_some() && found.refund_status.is_none() {
                        model.refund_status = Set(Some(RefundStatus::Pending));
                        model.refund_retry_at = Set(Some(first_refund_retry_at(now())));
                    }
                    let owed = model.update(&txn).await?;
                    record_change(&txn, found.id, Some(found.status), found.status, None, "paid after the seat was gone; a refund is owed").await?;
                    txn.commit().await?;
                    if owed.refund_status == Some(RefundStatus::Pending) {
                        attempt_refund(db, config, &owed).await?;
                    }
                    return Ok(outcome);
                }
            }
        }
        ("checkout.session.expired" | "checkout.session.async_payment_failed", Some(found)) if found.status == RegistrationStatus::Held => {
            txn.commit().await?;
            if expire(db, &found, "checkout expired").await? {
                outcome.released_ticket = Some(found.ticket_type_id);
            }
            return Ok(outcome);
        }
        _ => {}
    }
    txn.commit().await?;
    Ok(outcome)
}

/// Refunds a payment in full, once: the idempotency key names the
/// registration and its payment, so however often it is asked (and from
/// however many deployments sharing a Stripe account) Stripe refunds one
/// payment once. A payment already refunded (by hand, in Stripe's
/// dashboard) counts as refunded.
pub async fn refund(config: &StripeConfig, payment_intent: &str, registration_id: i32) -> Result<(), String> {
    let key = IdempotencyKey::new(format!("tribe-refund-{registration_id}-{payment_intent}")).map_err(|e| e.to_string())?;
    let sent = stripe_core::refund::CreateRefund::new()
        .payment_intent(payment_intent.to_owned())
        .customize()
        .request_strategy(RequestStrategy::Idempotent(key))
        .send(&client(config).map_err(|e| e.to_string())?)
        .await;
    match sent {
        Ok(_) => Ok(()),
        Err(stripe::StripeError::Stripe(errors, _)) if errors.code == Some(stripe_shared::ApiErrorsCode::ChargeAlreadyRefunded) => Ok(()),
        Err(error) => {
            tracing::error!(%error, registration_id, "refund failed");
            Err(error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_property";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// A header nobody signed never verifies, whatever it holds; the
        /// genuine one does; any change to the payload or the time breaks it.
        #[test]
        fn only_the_genuine_signature_verifies(
            payload in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            header in "(t=-?[0-9]{0,20}|v1=[0-9a-f]{0,70}|v0=[0-9a-f]{64}|\\PC{0,20}|,| ){0,8}",
            flip in 0usize..300,
            drift in -1000i64..1000,
        ) {
            let at = Utc::now();
            proptest::prop_assert!(verify_signature(&payload, &header, SECRET, at).is_err());
            let genuine = sign(&payload, SECRET, at.timestamp());
            proptest::prop_assert!(verify_signature(&payload, &genuine, SECRET, at).is_ok());
            proptest::prop_assert!(verify_signature(&payload, &genuine, "whsec_other", at).is_err());
            if !payload.is_empty() {
                let mut altered = payload.clone();
                altered[flip % payload.len()] ^= 0x01;
                proptest::prop_assert!(verify_signature(&altered, &genuine, SECRET, at).is_err());
            }
            let late = at + chrono::Duration::seconds(SIGNATURE_TOLERANCE_SECS + 1 + drift.abs());
            proptest::prop_assert!(verify_signature(&payload, &genuine, SECRET, late).is_err());
        }
    }

    #[test]
    fn extreme_timestamps_are_refused_not_overflowed() {
        for t in [i64::MIN, i64::MIN + 1, i64::MAX] {
            let header = format!("t={t},v1={}", "0".repeat(64));
            assert!(verify_signature(b"{}", &header, SECRET, Utc::now()).is_err());
        }
    }
}

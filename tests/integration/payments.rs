use rocket::http::{ContentType, Header, Status};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use tribe::db::entities::{registration, ticket_type};

use crate::fake_stripe::FakeStripe;
use crate::support::*;

const WEBHOOK_SECRET: &str = "whsec_test_tribe";

async fn paid_app(capacity: &str) -> (TestApp, FakeStripe, String) {
    let fake = FakeStripe::start().await;
    let app = TestApp::with(&fake.settings(WEBHOOK_SECRET)).await;
    organizer_with_event(&app.client, "org@example.org", "paid", "conference").await;
    post_form(&app.client, "/events/paid/manage/tickets", &[("name", "Full pass"), ("price", "25"), ("currency", "USD"), ("capacity", capacity)])
        .await;
    post_form(&app.client, "/events/paid/manage/publish", &[("published", "true")]).await;
    let ticket = ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap();
    (app, fake, ticket.id.to_string())
}

async fn buyer(app: &TestApp, email: &str) -> rocket::local::asynchronous::Client {
    let browser = app.another_instance().await;
    sign_up(&browser, email, "Buyer", "a long password").await;
    browser
}

fn event_json(id: &str, kind: &str, registration_id: i32, paid: bool) -> String {
    json!({
        "id": id, "object": "event", "type": kind, "created": 1, "livemode": false,
        "data": {"object": {
            "id": "cs_test_0001", "object": "checkout.session", "client_reference_id": registration_id.to_string(),
            "metadata": {"registration_id": registration_id.to_string()},
            "payment_status": if paid { "paid" } else { "unpaid" }, "payment_intent": if paid { Some("pi_test_42") } else { None },
        }}
    })
    .to_string()
}

async fn deliver(app: &TestApp, payload: &str, signature: Option<String>) -> (Status, Value) {
    let mut request = app.client.post("/webhooks/stripe").header(ContentType::JSON).body(payload.to_owned());
    if let Some(signature) = signature {
        request = request.header(Header::new("Stripe-Signature", signature));
    }
    let response = request.dispatch().await;
    let status = response.status();
    (status, serde_json::from_str(&response.into_string().await.unwrap_or_default()).unwrap_or(Value::Null))
}

fn signed(payload: &str) -> Option<String> {
    Some(tribe::domain::registration::payments::sign(payload.as_bytes(), WEBHOOK_SECRET, chrono::Utc::now().timestamp()))
}

async fn held_registration(app: &TestApp) -> registration::Model {
    registration::Entity::find().one(app.db()).await.unwrap().expect("a registration")
}

#[rocket::async_test]
async fn a_paid_ticket_holds_a_seat_goes_to_checkout_and_is_confirmed_once_by_the_webhook() {
    let (app, fake, ticket_id) = paid_app("2").await;
    let browser = buyer(&app, "pay@example.org").await;
    let response = post_form(&browser, "/events/paid/register", &[("ticket_type_id", &ticket_id)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert!(location.starts_with("https://checkout.stripe.com/c/pay/cs_test_"), "{location}");

    let held = held_registration(&app).await;
    assert_eq!((held.status.to_string().as_str(), held.amount_minor, held.currency.as_str()), ("held", 2500, "USD"));
    assert!(held.hold_expires_at.is_some() && held.stripe_checkout_session_id.is_some());
    let sessions = fake.requests("/v1/checkout/sessions");
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].idempotency_key.as_deref(), Some(format!("tribe-checkout-{}", held.id).as_str()));
    assert_eq!(sessions[0].form["line_items[0][price_data][unit_amount]"], "2500");
    assert_eq!(sessions[0].form["line_items[0][price_data][currency]"], "usd");
    assert_eq!(sessions[0].form["client_reference_id"], held.id.to_string());
    assert_eq!(sessions[0].form["mode"], "payment");
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1, "the seat is held meanwhile");
    let page = browser.get(format!("/registrations/{}?checkout=done", held.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("held"), "the success page shows the state it is really in");

    let payload = event_json("evt_completed_1", "checkout.session.completed", held.id, true);
    for attempt in 0..10 {
        let (status, body) = deliver(&app, &payload, signed(&payload)).await;
        assert_eq!(status, Status::Ok);
        assert_eq!(body["duplicate"], attempt > 0);
    }
    let paid = held_registration(&app).await;
    assert_eq!(paid.status.to_string(), "confirmed");
    assert_eq!(paid.stripe_payment_intent_id.as_deref(), Some("pi_test_42"));
    assert_eq!(tribe::domain::registration::changes(app.db(), paid.id).await.unwrap().len(), 2, "held, then confirmed: once");
    assert_eq!(sent_emails(&app).iter().filter(|m| m.contains("Subject: You are registered")).count(), 1);
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1);
}

#[rocket::async_test]
async fn forged_stale_or_missing_signatures_are_refused_and_change_nothing() {
    let (app, _fake, ticket_id) = paid_app("").await;
    let browser = buyer(&app, "pay@example.org").await;
    post_form(&browser, "/events/paid/register", &[("ticket_type_id", &ticket_id)]).await;
    let held = held_registration(&app).await;
    let payload = event_json("evt_forged", "checkout.session.completed", held.id, true);
    let now = chrono::Utc::now().timestamp();
    let cases = [
        None,
        Some(tribe::domain::registration::payments::sign(payload.as_bytes(), "whsec_someone_else", now)),
        Some(tribe::domain::registration::payments::sign(payload.as_bytes(), WEBHOOK_SECRET, now - 301)),
        Some(tribe::domain::registration::payments::sign(b"{\"tampered\":true}", WEBHOOK_SECRET, now)),
        Some(format!("t={now},v1=zz")),
        Some("garbage".into()),
    ];
    for signature in cases {
        let (status, problem) = deliver(&app, &payload, signature.clone()).await;
        assert_eq!(status, Status::BadRequest, "{signature:?}");
        assert_eq!(problem["status"], 400);
        assert!(problem["detail"].as_str().unwrap().contains("Stripe-Signature refused"));
    }
    assert_eq!(held_registration(&app).await.status.to_string(), "held");
    assert_eq!(tribe::db::entities::stripe_event::Entity::find().count(app.db()).await.unwrap(), 0);
    // Any of several v1 signatures may match (Stripe sends one per secret while rotating).
    let good = tribe::domain::registration::payments::sign(payload.as_bytes(), WEBHOOK_SECRET, now);
    let v1 = good.split("v1=").nth(1).unwrap();
    let (status, _) = deliver(&app, &payload, Some(format!("t={now},v1=00ff,v1={v1},v0=legacy"))).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(held_registration(&app).await.status.to_string(), "confirmed");
}

#[rocket::async_test]
async fn an_expired_checkout_releases_the_seat_and_a_late_payment_is_honoured_or_refunded() {
    let (app, fake, ticket_id) = paid_app("1").await;
    let first = buyer(&app, "first@example.org").await;
    post_form(&first, "/events/paid/register", &[("ticket_type_id", &ticket_id)]).await;
    let held = held_registration(&app).await;
    let expired = event_json("evt_expired_1", "checkout.session.expired", held.id, false);
    assert_eq!(deliver(&app, &expired, signed(&expired)).await.0, Status::Ok);
    assert_eq!(held_registration(&app).await.status.to_string(), "expired");
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 0);

    // Out of order: the payment arrives after the expiry; the seat is still free, so it is theirs.
    let completed = event_json("evt_completed_late", "checkout.session.completed", held.id, true);
    assert_eq!(deliver(&app, &completed, signed(&completed)).await.0, Status::Ok);
    assert_eq!(held_registration(&app).await.status.to_string(), "confirmed");
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1);
    // And an expiry arriving after the payment changes nothing.
    let stale = event_json("evt_expired_stale", "checkout.session.expired", held.id, false);
    assert_eq!(deliver(&app, &stale, signed(&stale)).await.0, Status::Ok);
    assert_eq!(held_registration(&app).await.status.to_string(), "confirmed");

    // The first cancels (refunded); a second buyer's hold runs out (the job), a third takes
    // the seat, then the second's payment arrives: no seat is left, so it is refunded.
    post_form(&first, "/events/paid/registration/cancel", &[]).await;
    let second = buyer(&app, "second@example.org").await;
    post_form(&second, "/events/paid/register", &[("ticket_type_id", &ticket_id)]).await;
    let second_user = tribe::domain::accounts::find_by_email(app.db(), "second@example.org").await.unwrap().unwrap();
    let seconds = registration::Entity::find().all(app.db()).await.unwrap().into_iter().find(|r| r.user_id == second_user.id).unwrap();
    assert_eq!(seconds.status.to_string(), "held");
    tribe::domain::registration::waitlist::expire_holds(app.db(), tribe::domain::now() + chrono::Duration::minutes(16)).await.unwrap();
    assert_eq!(registration::Entity::find_by_id(seconds.id).one(app.db()).await.unwrap().unwrap().status.to_string(), "expired");
    let third = buyer(&app, "third@example.org").await;
    post_form(&third, "/events/paid/register", &[("ticket_type_id", &ticket_id)]).await;
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1);
    let refunds_before = fake.requests("/v1/refunds").len();
    let late = event_json("evt_completed_too_late", "checkout.session.completed", seconds.id, true);
    assert_eq!(deliver(&app, &late, signed(&late)).await.0, Status::Ok);
    assert_eq!(registration::Entity::find_by_id(seconds.id).one(app.db()).await.unwrap().unwrap().status.to_string(), "expired");
    let refunds = fake.requests("/v1/refunds");
    assert_eq!(refunds.len(), refunds_before + 1);
    assert_eq!(refunds.last().unwrap().idempotency_key.as_deref(), Some(format!("tribe-refund-{}-pi_test_42", seconds.id).as_str()));
    let story = tribe::domain::registration::changes(app.db(), seconds.id).await.unwrap();
    assert!(story.last().unwrap().reason.contains("refunded"));
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1, "never oversold");
}

async fn confirmed_paid_registration(app: &TestApp, email: &str, ticket_id: &str) -> (rocket::local::asynchronous::Client, registration::Model) {
    let browser = buyer(app, email).await;
    post_form(&browser, "/events/paid/register", &[("ticket_type_id", ticket_id)]).await;
    let held = held_registration(app).await;
    let completed = event_json("evt_paid", "checkout.session.completed", held.id, true);
    deliver(app, &completed, signed(&completed)).await;
    assert_eq!(held_registration(app).await.status.to_string(), "confirmed");
    (browser, held)
}

fn stripe_config(app: &TestApp) -> tribe::config::StripeConfig {
    app.client.rocket().state::<tribe::web::AppState>().unwrap().config.stripe.clone().expect("Stripe is configured")
}

#[rocket::async_test]
async fn cancelling_a_paid_registration_refunds_it_and_a_refund_stripe_refuses_is_retried_until_confirmed() {
    let (app, fake, ticket_id) = paid_app("").await;
    let (browser, held) = confirmed_paid_registration(&app, "refund@example.org", &ticket_id).await;

    fake.set_failing(true);
    post_form(&browser, "/events/paid/registration/cancel", &[]).await;
    let page = browser.get("/events/paid").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("retried automatically"), "{page}");
    let owed = held_registration(&app).await;
    assert_eq!(
        (owed.status.to_string().as_str(), owed.refund_status.map(|s| s.to_string()).as_deref()),
        ("cancelled", Some("pending")),
        "the cancellation and its debt stand together"
    );
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 0);

    fake.set_failing(false);
    let config = stripe_config(&app);
    let now = chrono::Utc::now();
    assert_eq!(
        tribe::domain::registration::payments::retry_owed_refunds(app.db(), Some(&config), now).await.unwrap(),
        0,
        "not before its pause is over"
    );
    let later = now + chrono::Duration::hours(1);
    assert_eq!(tribe::domain::registration::payments::retry_owed_refunds(app.db(), Some(&config), later).await.unwrap(), 1);
    assert_eq!(
        tribe::domain::registration::payments::retry_owed_refunds(app.db(), Some(&config), later).await.unwrap(),
        0,
        "a confirmed refund is done"
    );
    let refunded = held_registration(&app).await;
    assert_eq!(refunded.refund_status.map(|s| s.to_string()).as_deref(), Some("refunded"));
    let refunds = fake.requests("/v1/refunds");
    assert_eq!(refunds.len(), 1, "the double records the attempt it answered");
    for refund in &refunds {
        assert_eq!(refund.form["payment_intent"], "pi_test_42");
        assert_eq!(
            refund.idempotency_key.as_deref(),
            Some(format!("tribe-refund-{}-pi_test_42", held.id).as_str()),
            "Stripe refunds once, however often asked"
        );
    }
    let changes = tribe::domain::registration::changes(app.db(), held.id).await.unwrap();
    assert_eq!(changes.last().unwrap().reason, "refunded");

    // Cancelling again asks nothing more of Stripe.
    post_form(&browser, "/events/paid/registration/cancel", &[]).await;
    assert_eq!(fake.requests("/v1/refunds").len(), 1);
}

#[rocket::async_test]
async fn a_cancellation_refused_after_the_cut_off_refunds_nothing_and_keeps_the_seat() {
    use sea_orm::{ActiveModelTrait, Set};
    let (app, fake, ticket_id) = paid_app("").await;
    let (browser, held) = confirmed_paid_registration(&app, "late@example.org", &ticket_id).await;
    let event = tribe::domain::events::find_by_slug(app.db(), "paid").await.unwrap().unwrap();
    let mut model: tribe::db::entities::event::ActiveModel = event.into();
    model.cancel_until = Set(Some(chrono::Utc::now() - chrono::Duration::hours(1)));
    model.update(app.db()).await.unwrap();

    post_form(&browser, "/events/paid/registration/cancel", &[]).await;
    let page = browser.get("/events/paid").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("no longer accepts cancellations"), "{page}");
    let token = api_token(&browser, "late@example.org", "a long password").await;
    for _ in 0..3 {
        let response = browser.delete(format!("/api/registrations/{}", held.id)).header(bearer(&token)).dispatch().await;
        assert_eq!(response.status(), Status::Conflict);
    }
    assert!(fake.requests("/v1/refunds").is_empty(), "no refund without a cancellation");
    let kept = held_registration(&app).await;
    assert_eq!((kept.status.to_string().as_str(), kept.refund_status.map(|s| s.to_string()).as_deref()), ("confirmed", None));
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1);

    // The organizer may still cancel, and then the refund goes out.
    let cancel_path = format!("/events/paid/manage/attendees/{}/cancel", held.id);
    let response = post_form(&app.client, &cancel_path, &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(held_registration(&app).await.refund_status.map(|s| s.to_string()).as_deref(), Some("refunded"));
    assert_eq!(fake.requests("/v1/refunds").len(), 1);
}

#[rocket::async_test]
async fn when_stripe_is_down_the_buyer_is_told_and_the_seat_is_released() {
    let (app, fake, ticket_id) = paid_app("3").await;
    fake.set_failing(true);
    let browser = buyer(&app, "down@example.org").await;
    let response = post_form(&browser, "/events/paid/register", &[("ticket_type_id", &ticket_id)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/events/paid"));
    let page = browser.get("/events/paid").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Payments are unavailable right now"));
    assert_eq!(held_registration(&app).await.status.to_string(), "expired");
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 0);

    // Through the API the same, as problem JSON.
    let token = api_token(&browser, "down@example.org", "a long password").await;
    let response = app
        .client
        .post("/api/events/paid/registrations")
        .header(bearer(&token))
        .header(ContentType::JSON)
        .body(json!({"ticket_type_id": ticket_id}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);
    fake.set_failing(false);
    let response = app
        .client
        .post("/api/events/paid/registrations")
        .header(bearer(&token))
        .header(ContentType::JSON)
        .body(json!({"ticket_type_id": ticket_id}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
    let body: Value = response.into_json().await.unwrap();
    assert_eq!(body["status"], "held");
    assert!(body["checkout_url"].as_str().unwrap().starts_with("https://checkout.stripe.com/"));
}

#[rocket::async_test]
async fn discount_codes_lower_the_price_run_out_and_can_make_a_ticket_free() {
    let (app, fake, ticket_id) = paid_app("").await;
    for (code, kind, amount, uses) in [("EARLY20", "percent", "20", ""), ("SPEAKER", "percent", "100", "1"), ("FIVE", "fixed", "5", "")] {
        let response =
            post_form(&app.client, "/events/paid/manage/discounts", &[("code", code), ("kind", kind), ("amount", amount), ("max_uses", uses)]).await;
        assert_eq!(response.status(), Status::SeeOther, "{code}");
    }
    let response = post_form(&app.client, "/events/paid/manage/discounts", &[("code", "x"), ("kind", "percent"), ("amount", "150")]).await;
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Use 3 to 40 letters") && page.contains("from 1 to 100"));

    let early = buyer(&app, "early@example.org").await;
    post_form(&early, "/events/paid/register", &[("ticket_type_id", &ticket_id), ("discount_code", "early20")]).await;
    assert_eq!(fake.requests("/v1/checkout/sessions").last().unwrap().form["line_items[0][price_data][unit_amount]"], "2000");
    let speaker = buyer(&app, "speaker@example.org").await;
    let response = post_form(&speaker, "/events/paid/register", &[("ticket_type_id", &ticket_id), ("discount_code", "SPEAKER")]).await;
    assert_eq!(response.headers().get_one("Location"), Some("/events/paid"), "a fully discounted ticket needs no checkout");
    let speaker_user = tribe::domain::accounts::find_by_email(app.db(), "speaker@example.org").await.unwrap().unwrap();
    let theirs = registration::Entity::find().all(app.db()).await.unwrap().into_iter().find(|r| r.user_id == speaker_user.id).unwrap();
    assert_eq!((theirs.status.to_string().as_str(), theirs.amount_minor), ("confirmed", 0));
    let again = buyer(&app, "again@example.org").await;
    post_form(&again, "/events/paid/register", &[("ticket_type_id", &ticket_id), ("discount_code", "SPEAKER")]).await;
    let page = again.get("/events/paid").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("has been used up"));
    post_form(&again, "/events/paid/register", &[("ticket_type_id", &ticket_id), ("discount_code", "NOPE")]).await;
    let page = again.get("/events/paid").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("does not exist for this event"));
    post_form(&again, "/events/paid/register", &[("ticket_type_id", &ticket_id), ("discount_code", "five")]).await;
    assert_eq!(fake.requests("/v1/checkout/sessions").last().unwrap().form["line_items[0][price_data][unit_amount]"], "2000");
    let summary = app.client.get("/events/paid/manage/attendees").dispatch().await.into_string().await.unwrap();
    assert!(summary.contains("Full pass"));
}

#[rocket::async_test]
async fn a_payment_confirmed_while_the_cancellation_was_being_asked_is_refunded() {
    let (app, fake, ticket_id) = paid_app("").await;
    let browser = buyer(&app, "race@example.org").await;
    post_form(&browser, "/events/paid/register", &[("ticket_type_id", &ticket_id)]).await;
    // What the cancelling request read: the seat still held, nothing paid yet.
    let read_before = held_registration(&app).await;
    assert_eq!(read_before.status.to_string(), "held");
    // Meanwhile the payment goes through.
    let completed = event_json("evt_race", "checkout.session.completed", read_before.id, true);
    deliver(&app, &completed, signed(&completed)).await;
    assert_eq!(held_registration(&app).await.status.to_string(), "confirmed");

    let event = tribe::domain::events::find_by_slug(app.db(), "paid").await.unwrap().unwrap();
    let organizer = tribe::domain::accounts::find_by_email(app.db(), "org@example.org").await.unwrap().unwrap();
    let config = stripe_config(&app);
    let (cancellation, outcome) = tribe::domain::registration::payments::cancel_with_refund(
        app.db(),
        Some(&config),
        &event,
        &read_before,
        tribe::domain::registration::CancelledBy::Organizer(organizer.id),
        "changed plans",
    )
    .await
    .unwrap();
    assert!(cancellation.cancelled_now);
    assert_eq!(outcome, tribe::domain::registration::payments::RefundOutcome::Refunded, "decided on the row as it was when cancelled");
    assert_eq!(held_registration(&app).await.refund_status.map(|s| s.to_string()).as_deref(), Some("refunded"));
    assert_eq!(fake.requests("/v1/refunds").len(), 1);
    let changes = tribe::domain::registration::changes(app.db(), read_before.id).await.unwrap();
    assert!(
        changes.iter().any(|c| c.from_status.map(|s| s.to_string()).as_deref() == Some("confirmed") && c.to_status.to_string() == "cancelled"),
        "recorded as cancelled from confirmed"
    );
}

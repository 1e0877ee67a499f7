//! Hostile input from outside: schemathesis against the published API
//! schema on a running server, and generated Stripe webhook payloads and
//! form fields through the real app. (The frab importer, calendar text,
//! badge tokens and chat text have property tests beside their code.)

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tribe::db::entities::{registration, ticket_type, user};

use crate::support::*;

/// Draws `cases` values from `strategy` with a fixed seed (the same cases
/// on every run, so a failure reproduces).
fn samples<S: Strategy>(strategy: S, cases: usize) -> Vec<S::Value> {
    let mut runner =
        TestRunner::new_with_rng(Config::default(), proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha));
    (0..cases).map(|_| strategy.new_tree(&mut runner).expect("a value").current()).collect()
}

/// Text people might type or paste: empty, very long, any Unicode, markup,
/// control characters, right-to-left marks.
fn typed_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("\"><img src=x onerror=alert(1)>".to_owned()),
        Just("\u{202E}gnp.exe\u{0000}\u{FEFF}".to_owned()),
        "\\PC{0,80}",
        ".{0,40}",
        (1usize..6000).prop_map(|n| "é".repeat(n)),
        "[a-z0-9-]{0,60}",
    ]
}

/// As the templates escape (Handlebars' rules).
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('`', "&#x60;")
        .replace('=', "&#x3D;")
}

#[rocket::async_test]
async fn schemathesis_finds_no_server_error_and_every_answer_matches_the_api_schema() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let organizer = user::Entity::find().filter(user::Column::Email.eq("organizer@example.org")).one(app.db()).await.unwrap().unwrap();
    let token = tribe::domain::accounts::api_tokens::create(app.db(), organizer.id, "schemathesis").await.unwrap().1;
    let server = app.spawn_server().await;
    let schema = format!("{}/api/openapi.json", server.base);
    let authorization = format!("Authorization: Bearer {token}");
    let (passed, output) = tokio::task::spawn_blocking(move || {
        schemathesis(&[
            "run",
            &schema,
            "-H",
            &authorization,
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            "25",
            "--seed",
            "20261126",
            "--generation-database",
            "none",
            "-w",
            "2",
        ])
    })
    .await
    .unwrap();
    assert!(passed, "schemathesis found problems:\n{output}");
    let tested = regex::Regex::new(r"Tested: (\d+)").unwrap().captures(&output).map(|c| c[1].parse::<u32>().unwrap()).unwrap_or(0);
    assert!(tested >= 30, "schemathesis reached every operation:\n{output}");
}

/// Webhook payloads signed with the right secret but otherwise anything:
/// never a 5xx, and none that does not name the held registration changes it.
#[rocket::async_test]
async fn generated_stripe_webhooks_never_fail_the_server_or_touch_a_registration_they_do_not_name() {
    const SECRET: &str = "whsec_hostile";
    let fake = crate::fake_stripe::FakeStripe::start().await;
    let app = TestApp::with(&fake.settings(SECRET)).await;
    organizer_with_event(&app.client, "hostile-pay@example.org", "hostile-pay", "conference").await;
    post_form(&app.client, "/events/hostile-pay/manage/tickets", &[("name", "Pass"), ("price", "25"), ("currency", "USD")]).await;
    post_form(&app.client, "/events/hostile-pay/manage/publish", &[("published", "true")]).await;
    let ticket = ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap();
    let buyer = app.another_instance().await;
    sign_up(&buyer, "held@example.org", "Held Buyer", "a long password").await;
    post_form(&buyer, "/events/hostile-pay/register", &[("ticket_type_id", &ticket.id.to_string())]).await;
    let held = registration::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(held.status.to_string(), "held");

    let kinds = prop_oneof![
        Just("checkout.session.completed".to_owned()),
        Just("checkout.session.expired".to_owned()),
        Just("checkout.session.async_payment_succeeded".to_owned()),
        Just("charge.refunded".to_owned()),
        "\\PC{0,30}",
    ];
    let reference = prop_oneof![
        Just(Value::Null),
        (1000i64..i64::MAX).prop_map(|n| json!(n.to_string())),
        (i64::MIN..0i64).prop_map(|n| json!(n)),
        "\\PC{0,20}".prop_map(Value::from),
        Just(json!({"nested": [1, 2]})),
    ];
    let leaf =
        prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from), any::<f64>().prop_map(|f| json!(f)), "\\PC{0,12}".prop_map(Value::from)];
    let anything = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4).prop_map(|m| json!(m))
        ]
    });
    let event = (kinds, reference.clone(), reference, "(paid|unpaid|no_payment_required|\\PC{0,8})", anything.clone(), any::<bool>()).prop_map(
        |(kind, client_reference, metadata_reference, payment_status, extra, with_id)| {
            let mut event = json!({
                "object": "event", "type": kind, "created": 1,
                "data": {"object": {"object": "checkout.session", "client_reference_id": client_reference,
                    "metadata": {"registration_id": metadata_reference}, "payment_status": payment_status, "payment_intent": "pi_x", "extra": extra}},
            });
            if with_id {
                event["id"] = json!(format!("evt_{}", rand::random::<u64>()));
            }
            event.to_string()
        },
    );
    let payloads = prop_oneof![3 => event, 1 => anything.prop_map(|v| v.to_string()), 1 => "\\PC{0,200}"];
    for payload in samples(payloads, 300) {
        let signature = tribe::domain::registration::payments::sign(payload.as_bytes(), SECRET, chrono::Utc::now().timestamp());
        let response = app
            .client
            .post("/webhooks/stripe")
            .header(ContentType::JSON)
            .header(Header::new("Stripe-Signature", signature))
            .body(payload.clone())
            .dispatch()
            .await;
        let status = response.status();
        assert!(status == Status::Ok || (400..500).contains(&status.code), "{status} for {payload}");
    }
    let after = registration::Entity::find_by_id(held.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(after.status.to_string(), "held", "no generated payload named the held registration");
    assert_eq!(ticket_type::Entity::find_by_id(ticket.id).one(app.db()).await.unwrap().unwrap().taken, 1);
}

/// Generated text in the event and profile forms: a clear answer (saved,
/// or re-shown with a message and what was typed), never a 5xx, and what is
/// shown back is escaped.
#[rocket::async_test]
async fn generated_form_fields_are_saved_or_refused_clearly_and_shown_escaped() {
    let app = TestApp::new().await;
    sign_up(&app.client, "forms@example.org", "Form Filler", "a long password").await;
    let token = csrf(&app.client).await;
    let cases = samples((typed_text(), typed_text(), typed_text(), typed_text()), 60);
    let mut saved_events = 0;
    for (index, (title, slug, description, headline)) in cases.into_iter().enumerate() {
        let body = form_body(&[
            ("_csrf", &token),
            ("title", &title),
            ("slug", &slug),
            ("kind", "conference"),
            ("time_zone", "Europe/Berlin"),
            ("starts_at", "2027-05-01T09:00"),
            ("ends_at", "2027-05-02T17:00"),
            ("description", &description),
        ]);
        let response = app.client.post("/events").header(ContentType::Form).body(body).dispatch().await;
        let status = response.status();
        let location = response.headers().get_one("Location").map(str::to_owned);
        let page = response.into_string().await.unwrap_or_default();
        match status.code {
            303 => {
                saved_events += 1;
                let manage = location.expect("a redirect");
                let slug = manage.trim_start_matches("/events/").trim_end_matches("/manage").to_owned();
                let shown = app.client.get(format!("/events/{slug}")).dispatch().await.into_string().await.unwrap();
                assert!(shown.contains(&html_escaped(title.trim())), "case {index}: the saved title is shown escaped");
                assert!(!shown.contains("<script>alert(1)"), "case {index}");
            }
            422 => {
                assert!(page.contains("field-error"), "case {index}: the form says what is wrong");
                if title.chars().count() <= 200 && !title.is_empty() && !title.contains('\0') {
                    assert!(page.contains(&html_escaped(&title)), "case {index}: the typed title is kept, escaped: {title:?}");
                }
                assert!(!page.contains("<script>alert(1)"), "case {index}");
            }
            other => panic!("case {index}: {other} for title {title:?} slug {slug:?}"),
        }

        let body = form_body(&[
            ("_csrf", &token),
            ("display_name", "Form Filler"),
            ("headline", &headline),
            ("bio", &description),
            ("visibility", "public"),
        ]);
        let response = app.client.post("/account/profile").header(ContentType::Form).body(body).dispatch().await;
        let status = response.status().code;
        let page = response.into_string().await.unwrap_or_default();
        assert!(status == 303 || status == 422, "case {index}: profile answered {status}");
        assert!(!page.contains("<script>alert(1)"), "case {index}");
        if status == 303 {
            let shown = app.client.get("/account/profile").dispatch().await.into_string().await.unwrap();
            assert!(!shown.contains("<script>alert(1)"), "case {index}");
        }
    }
    assert!(saved_events > 0, "some generated events were valid and saved");
}

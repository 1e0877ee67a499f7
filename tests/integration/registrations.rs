use std::sync::Arc;

use rocket::http::{ContentType, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use tribe::db::entities::{event, registration, ticket_type};

use crate::support::*;

async fn event_row(app: &TestApp, slug: &str) -> event::Model {
    event::Entity::find().filter(event::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap()
}

/// A published event with one free ticket type of `capacity` seats; returns the ticket's id.
pub(crate) async fn event_with_ticket(app: &TestApp, slug: &str, capacity: &str) -> i32 {
    organizer_with_event(&app.client, &format!("org-{slug}@example.org"), slug, "conference").await;
    let path = format!("/events/{slug}/manage/tickets");
    let response = post_form(&app.client, &path, &[("name", "General admission"), ("price", "0"), ("capacity", capacity)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    post_form(&app.client, &format!("/events/{slug}/manage/publish"), &[("published", "true")]).await;
    let found = event_row(app, slug).await;
    ticket_type::Entity::find().filter(ticket_type::Column::EventId.eq(found.id)).one(app.db()).await.unwrap().unwrap().id
}

/// `count` accounts with API tokens, made directly (hashing 200 passwords would dominate the test).
pub(crate) async fn attendees_with_tokens(app: &TestApp, count: usize) -> Vec<String> {
    let hash = tribe::domain::accounts::passwords::hash_blocking("a long password").unwrap();
    let mut tokens = Vec::with_capacity(count);
    for i in 0..count {
        let account = tribe::domain::accounts::insert_user(app.db(), &format!("buyer{i}@example.org"), &format!("Buyer {i}"), hash.clone(), false)
            .await
            .unwrap();
        tokens.push(tribe::domain::accounts::api_tokens::create(app.db(), account.id, "test").await.unwrap().1);
    }
    tokens
}

async fn live_count(app: &TestApp, ticket_id: i32) -> u64 {
    registration::Entity::find()
        .filter(registration::Column::TicketTypeId.eq(ticket_id))
        .filter(registration::Column::Status.eq(tribe::db::entities::registration::RegistrationStatus::Confirmed))
        .count(app.db())
        .await
        .unwrap()
}

#[rocket::async_test]
async fn two_hundred_simultaneous_buyers_for_the_last_ten_seats_get_ten_seats_and_190_clean_409s() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "last-seats", "10").await;
    let tokens = attendees_with_tokens(&app, 200).await;
    let client = Arc::new(app.another_instance().await);
    let mut tasks = Vec::new();
    for token in tokens {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let response = client
                .post("/api/events/last-seats/registrations")
                .header(bearer(&token))
                .header(ContentType::JSON)
                .body(json!({"ticket_type_id": ticket_id}).to_string())
                .dispatch()
                .await;
            let status = response.status();
            let body = response.into_string().await.unwrap_or_default();
            (status, body)
        }));
    }
    let mut created = 0;
    let mut conflicts = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status.code {
            201 => created += 1,
            409 => {
                conflicts += 1;
                let problem: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(problem["status"], 409);
                assert!(problem["detail"].as_str().unwrap().contains("sold out"), "{body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, conflicts), (10, 190));
    assert_eq!(live_count(&app, ticket_id).await, 10);
    let ticket = ticket_type::Entity::find_by_id(ticket_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(ticket.taken, 10);
    assert_eq!(event_row(&app, "last-seats").await.seats_taken, 10);
}

#[rocket::async_test]
async fn a_person_registers_from_the_event_page_and_sees_it_everywhere() {
    let app = TestApp::new().await;
    event_with_ticket(&app, "page-reg", "5").await;
    let attendee = app.another_instance().await;
    sign_up(&attendee, "ana@example.org", "Ana", "a long password").await;
    let page = attendee.get("/events/page-reg").dispatch().await.into_string().await.unwrap();
    let ticket_id = regex::Regex::new(r#"name="ticket_type_id" value="(\d+)" checked>\s*<span class="choice-text"><span><strong>General admission"#)
        .unwrap()
        .captures(&page)
        .expect("the ticket is offered, chosen already")[1]
        .to_owned();
    let panel = &page[page.find(r#"id="register-title""#).unwrap()..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    assert_eq!(panel.matches("General admission").count(), 1, "the ticket is listed once, as the form's choice");
    let response = post_form(&attendee, "/events/page-reg/register", &[("ticket_type_id", &ticket_id)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = attendee.get("/events/page-reg").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("You are registered for Test Conference"), "flash");
    assert!(page.contains("You&#x27;re going · General admission") || page.contains("You're going · General admission"), "{page}");
    let account = attendee.get("/account").dispatch().await.into_string().await.unwrap();
    assert!(
        account.contains("Test Conference") && (account.contains("You&#x27;re going: your ticket") || account.contains("You're going: your ticket"))
    );

    // Twice is refused, and says so on the page; nothing more is taken.
    let response = post_form(&attendee, "/events/page-reg/register", &[("ticket_type_id", &ticket_id)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = attendee.get("/events/page-reg").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("already registered"), "{page}");
    assert_eq!(event_row(&app, "page-reg").await.seats_taken, 1);

    // Anonymous visitors are offered to sign up or log in instead of a form,
    // and either brings them back to the event.
    let anonymous = app.another_instance().await;
    let page = anonymous.get("/events/page-reg").dispatch().await.into_string().await.unwrap();
    assert!(page.contains(r#"href="/signup?next=%2Fevents%2Fpage-reg">Sign up to register</a>"#), "{page}");
    assert!(page.contains(r#"href="/login?next=%2Fevents%2Fpage-reg">Log in</a>"#));
    assert!(!page.contains(r#"action="/events/page-reg/register""#));
    let response = post_form(
        &anonymous,
        "/signup",
        &[("email", "new@example.org"), ("display_name", "New"), ("password", "a long password"), ("next", "/events/page-reg")],
    )
    .await;
    assert_eq!(response.headers().get_one("Location"), Some("/events/page-reg"));
}

#[rocket::async_test]
async fn cancelling_gives_the_seat_back_once_and_is_recorded() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "cancels", "1").await;
    let tokens = attendees_with_tokens(&app, 2).await;
    let register = |token: String| {
        let client = &app.client;
        async move {
            client
                .post("/api/events/cancels/registrations")
                .header(bearer(&token))
                .header(ContentType::JSON)
                .body(json!({"ticket_type_id": ticket_id.to_string()}).to_string())
                .dispatch()
                .await
        }
    };
    let first = register(tokens[0].clone()).await;
    assert_eq!(first.status(), Status::Created);
    let id = first.into_json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(register(tokens[1].clone()).await.status(), Status::Conflict, "sold out");

    // Someone else cannot cancel it.
    assert_eq!(app.client.delete(format!("/api/registrations/{id}")).header(bearer(&tokens[1])).dispatch().await.status(), Status::NotFound);
    let cancelled = app.client.delete(format!("/api/registrations/{id}")).header(bearer(&tokens[0])).dispatch().await;
    assert_eq!(cancelled.status(), Status::Ok);
    assert_eq!(cancelled.into_json::<Value>().await.unwrap()["status"], "cancelled");
    let again = app.client.delete(format!("/api/registrations/{id}")).header(bearer(&tokens[0])).dispatch().await;
    assert_eq!(again.status(), Status::Ok);
    let ticket = ticket_type::Entity::find_by_id(ticket_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(ticket.taken, 0, "released once, not twice");

    assert_eq!(register(tokens[1].clone()).await.status(), Status::Created, "the freed seat can be taken");
    let changes = tribe::domain::registration::changes(app.db(), id as i32).await.unwrap();
    let story: Vec<(Option<String>, String)> = changes.iter().map(|c| (c.from_status.map(|s| s.to_string()), c.to_status.to_string())).collect();
    assert_eq!(story, [(None, "confirmed".to_owned()), (Some("confirmed".to_owned()), "cancelled".to_owned())]);
    assert!(changes.iter().all(|c| c.actor_user_id.is_some()));
    assert_eq!(changes[1].reason, "cancelled through the API");
}

#[rocket::async_test]
async fn after_the_cut_off_attendees_cannot_cancel_but_organizers_can() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::new().await;
    event_with_ticket(&app, "cutoff", "").await;
    let attendee = app.another_instance().await;
    sign_up(&attendee, "late@example.org", "Late", "a long password").await;
    let ticket = ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap();
    post_form(&attendee, "/events/cutoff/register", &[("ticket_type_id", &ticket.id.to_string())]).await;
    let mine = registration::Entity::find().one(app.db()).await.unwrap().unwrap();
    let ticket_page = format!("/registrations/{}", mine.id);
    let page = attendee.get(ticket_page.clone()).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Cancel my registration"), "the ticket offers cancelling before the cut-off");
    let mut past: event::ActiveModel = event_row(&app, "cutoff").await.into();
    past.cancel_until = Set(Some(tribe::domain::now() - chrono::Duration::hours(1)));
    past.update(app.db()).await.unwrap();
    let page = attendee.get(ticket_page).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("Cancel my registration"), "no cancel button after the cut-off");
    let response = post_form(&attendee, "/events/cutoff/registration/cancel", &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = attendee.get("/events/cutoff").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("no longer accepts cancellations"));

    let found = registration::Entity::find().one(app.db()).await.unwrap().unwrap();
    let organizer_token = api_token(&app.client, "org-cutoff@example.org", "a long password").await;
    let response = app.client.delete(format!("/api/registrations/{}", found.id)).header(bearer(&organizer_token)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let changes = tribe::domain::registration::changes(app.db(), found.id).await.unwrap();
    let organizer = tribe::domain::accounts::find_by_email(app.db(), "org-cutoff@example.org").await.unwrap().unwrap();
    assert_eq!(changes.last().unwrap().actor_user_id, Some(organizer.id));
}

#[rocket::async_test]
async fn the_event_wide_capacity_holds_across_ticket_types() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "small-room", "meetup").await;
    let mut form = tribe::domain::events::editing::EventForm::from_event(&event_row(&app, "small-room").await);
    form.capacity = "2".into();
    tribe::domain::events::editing::update(app.db(), &event_row(&app, "small-room").await, &form).await.unwrap();
    for name in ["Early", "Regular"] {
        post_form(&app.client, "/events/small-room/manage/tickets", &[("name", name), ("price", "0")]).await;
    }
    post_form(&app.client, "/events/small-room/manage/publish", &[("published", "true")]).await;
    let tickets: Vec<Value> = app.client.get("/api/events/small-room/ticket-types").dispatch().await.into_json().await.unwrap();
    assert_eq!(tickets.len(), 2);
    let tokens = attendees_with_tokens(&app, 3).await;
    let mut statuses = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let body = json!({"ticket_type_id": tickets[i % 2]["id"]}).to_string();
        statuses.push(
            app.client
                .post("/api/events/small-room/registrations")
                .header(bearer(token))
                .header(ContentType::JSON)
                .body(body)
                .dispatch()
                .await
                .status(),
        );
    }
    assert_eq!(statuses, [Status::Created, Status::Created, Status::Conflict]);
}

#[rocket::async_test]
async fn tickets_off_sale_paid_without_payments_or_of_a_hidden_event_are_refused_clearly() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "rules-reg", "conference").await;
    post_form(&app.client, "/events/rules-reg/manage/tickets", &[("name", "Later"), ("price", "0"), ("sales_start", "2099-01-01T09:00")]).await;
    post_form(&app.client, "/events/rules-reg/manage/tickets", &[("name", "VIP"), ("price", "250"), ("currency", "usd")]).await;
    let response = post_form(&app.client, "/events/rules-reg/manage/tickets", &[("name", ""), ("price", "twelve")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Enter a price like 25"));
    let token = api_token(&app.client, "org@example.org", "a long password").await;
    let other = app.another_instance().await;
    let attendee = attendees_with_tokens(&app, 1).await.remove(0);
    // Not published yet: the event does not exist for outsiders.
    assert_eq!(other.get("/api/events/rules-reg/ticket-types").dispatch().await.status(), Status::NotFound);
    let listed: Vec<Value> = other.get("/api/events/rules-reg/ticket-types").header(bearer(&token)).dispatch().await.into_json().await.unwrap();
    assert_eq!(listed.len(), 2);
    post_form(&app.client, "/events/rules-reg/manage/publish", &[("published", "true")]).await;
    let listed: Vec<Value> = other.get("/api/events/rules-reg/ticket-types").dispatch().await.into_json().await.unwrap();
    assert_eq!(listed[0]["availability"], "not_yet");
    assert_eq!(listed[1]["availability"], "payments_unavailable");
    assert_eq!(listed[1]["price_minor"], 25000);
    assert_eq!(listed[1]["currency"], "USD");
    for ticket in &listed {
        let response = other
            .post("/api/events/rules-reg/registrations")
            .header(bearer(&attendee))
            .header(ContentType::JSON)
            .body(json!({"ticket_type_id": ticket["id"]}).to_string())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let problem: Value = serde_json::from_str(&response.into_string().await.unwrap()).unwrap();
        assert_eq!(problem["errors"][0]["field"], "ticket_type_id");
    }
    let page = other.get("/events/rules-reg").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Not on sale yet") && page.contains("no payment provider configured"));
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 0);
}

#[rocket::async_test]
async fn questions_are_asked_checked_stored_and_exported_with_the_attendee_list() {
    let app = TestApp::new().await;
    event_with_ticket(&app, "asks", "").await;
    for (label, kind, options, required) in [
        ("Dietary needs", "text", "", "false"),
        ("T-shirt size", "single", "S\nM\nL", "true"),
        ("Interested in", "multiple", "Workshops\nTribe meetup\nDinner", "false"),
        ("I accept the code of conduct", "checkbox", "", "true"),
    ] {
        let response = post_form(
            &app.client,
            "/events/asks/manage/questions",
            &[("label", label), ("kind", kind), ("options", options), ("required", required)],
        )
        .await;
        assert_eq!(response.status(), Status::SeeOther, "{label}");
    }
    let response = post_form(&app.client, "/events/asks/manage/questions", &[("label", "Pick"), ("kind", "single"), ("options", "only one")]).await;
    assert!(response.into_string().await.unwrap().contains("Give at least two choices"));
    let questions = tribe::domain::registration::questions::list(app.db(), event_row(&app, "asks").await.id).await.unwrap();
    let ticket = ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap();

    let ana = app.another_instance().await;
    sign_up(&ana, "ana@example.org", "Ana, \"the\" Organizer", "a long password").await;
    let page = ana.get("/events/asks").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("T-shirt size (required)") && page.contains(&format!("name=\"q_{}_1\"", questions[2].id)));
    // Missing required answers: refused, nothing taken.
    let ticket_id = ticket.id.to_string();
    post_form(&ana, "/events/asks/register", &[("ticket_type_id", &ticket_id)]).await;
    let page = ana.get("/events/asks").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Please answer “T-shirt size”.") && page.contains("must be ticked"), "{page}");
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 0);

    let q = |i: usize| format!("q_{}", questions[i].id);
    let (q0, q1, q2a, q2b, q3) = (q(0), q(1), format!("{}_0", q(2)), format!("{}_2", q(2)), q(3));
    let response = post_form(
        &ana,
        "/events/asks/register",
        &[("ticket_type_id", &ticket_id), (&q0, "=cmd|' /C calc'!A0"), (&q1, "M"), (&q2a, "on"), (&q2b, "on"), (&q3, "yes")],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 1);

    // Through the API, answers are keyed by question id; a wrong choice is explained.
    let token = attendees_with_tokens(&app, 1).await.remove(0);
    let bad = json!({"ticket_type_id": ticket.id, "answers": {questions[1].id.to_string(): "XXL", questions[3].id.to_string(): true}});
    let response =
        app.client.post("/api/events/asks/registrations").header(bearer(&token)).header(ContentType::JSON).body(bad.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("“XXL” is not one of the choices"));
    let good = json!({"ticket_type_id": ticket.id, "answers": {questions[1].id.to_string(): "S", questions[2].id.to_string(): ["Dinner"], questions[3].id.to_string(): true}});
    let response =
        app.client.post("/api/events/asks/registrations").header(bearer(&token)).header(ContentType::JSON).body(good.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::Created);

    let list = app.client.get("/events/asks/manage/attendees?q=ana").dispatch().await.into_string().await.unwrap();
    assert!(list.contains("ana@example.org") && !list.contains("buyer0@example.org"), "search by name/email");
    let csv = app.client.get("/events/asks/manage/attendees.csv").dispatch().await;
    assert_eq!(csv.status(), Status::Ok);
    assert!(csv.headers().get_one("Content-Disposition").unwrap().contains("asks-attendees.csv"));
    let csv = csv.into_string().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].ends_with("Dietary needs,T-shirt size,Interested in,I accept the code of conduct"));
    assert!(lines[1].contains("\"Ana, \"\"the\"\" Organizer\""), "{}", lines[1]);
    assert!(lines[1].contains("'=cmd|"), "formulas are defused: {}", lines[1]);
    assert!(csv.contains("\"Workshops\nDinner\"") && lines[1].ends_with(",M,\"Workshops") == false);
    assert!(csv.contains(",S,Dinner,yes"));
}

#[rocket::async_test]
async fn staff_see_the_list_organizers_invite_people_and_outsiders_see_nothing() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "by-hand", "conference").await;
    post_form(&app.client, "/events/by-hand/manage/tickets", &[("name", "Speaker pass"), ("price", "300"), ("capacity", "1"), ("visible", "false")])
        .await;
    post_form(&app.client, "/events/by-hand/manage/publish", &[("published", "true")]).await;
    let staff = app.another_instance().await;
    sign_up(&staff, "staff@example.org", "Staff", "a long password").await;
    join_team(&app, &app.client, "by-hand", "staff@example.org", "staff").await;
    let guest = app.another_instance().await;
    sign_up(&guest, "guest@example.org", "Guest Speaker", "a long password").await;
    let ticket = ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap();

    let response = post_form(
        &app.client,
        "/events/by-hand/manage/attendees",
        &[("attendee_email", "guest@example.org"), ("attendee_ticket", &ticket.id.to_string())],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 0, "nobody is registered before they accept");
    let link = invitation_link(&app, "guest@example.org");
    let invitation = guest.get(link.clone()).dispatch().await.into_string().await.unwrap();
    assert!(invitation.contains("Speaker pass") && invitation.contains("Accept and register"), "{invitation}");
    // Someone else logged in cannot take it.
    let page = staff.get(link.clone()).dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("Accept and register") && page.contains("guest@example.org"));
    let not_theirs = format!("{link}/accept");
    assert_eq!(post_form(&staff, &not_theirs, &[]).await.status(), Status::Forbidden);
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 0);

    let accept_path = format!("{link}/accept");
    let response = post_form(&guest, &accept_path, &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let found = registration::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(
        (found.status.to_string().as_str(), found.amount_minor, found.user_id != 0),
        ("confirmed", 0, true),
        "a paid ticket given by invitation is complimentary"
    );
    assert_eq!(
        tribe::domain::registration::changes(app.db(), found.id).await.unwrap()[0].reason,
        "accepted an organizer's invitation (complimentary)"
    );
    assert!(sent_emails(&app).iter().any(|m| m.contains("Subject: You are registered")));
    // Spent: a second click registers nothing more.
    post_form(&guest, &format!("{link}/accept"), &[]).await;
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 1);

    // The capacity still holds: the next invitation's acceptance is refused and stays open.
    post_form(
        &app.client,
        "/events/by-hand/manage/attendees",
        &[("attendee_email", "staff@example.org"), ("attendee_ticket", &ticket.id.to_string())],
    )
    .await;
    let second = invitation_link(&app, "staff@example.org");
    post_form(&staff, &format!("{second}/accept"), &[]).await;
    let page = staff.get(second.clone()).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("sold out") && page.contains("Accept and register"), "{page}");
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 1);

    let list = staff.get("/events/by-hand/manage/attendees").dispatch().await;
    assert_eq!(list.status(), Status::Ok);
    let list = list.into_string().await.unwrap();
    assert!(list.contains("Guest Speaker") && list.contains("Free") && !list.contains("Invite someone"));
    assert_eq!(post_form(&staff, "/events/by-hand/manage/attendees", &[("attendee_email", "staff@example.org")]).await.status(), Status::Forbidden);
    assert_eq!(staff.get("/events/by-hand/manage/attendees.csv").dispatch().await.status(), Status::Ok);
    assert_eq!(guest.get("/events/by-hand/manage/attendees").dispatch().await.status(), Status::Forbidden);
    assert_eq!(guest.get("/events/by-hand/manage/attendees.csv").dispatch().await.status(), Status::Forbidden);

    let path = format!("/events/by-hand/manage/attendees/{}/cancel", found.id);
    assert_eq!(post_form(&staff, &path, &[]).await.status(), Status::Forbidden);
    assert_eq!(post_form(&app.client, &path, &[("reason", "speaker withdrew")]).await.status(), Status::SeeOther);
    let changes = tribe::domain::registration::changes(app.db(), found.id).await.unwrap();
    assert_eq!(changes.last().unwrap().reason, "speaker withdrew");
}

async fn browser_for(app: &TestApp, email: &str) -> rocket::local::asynchronous::Client {
    let browser = app.another_instance().await;
    sign_up(&browser, email, email.split('@').next().unwrap(), "a long password").await;
    browser
}

#[rocket::async_test]
async fn a_freed_seat_goes_to_the_waitlist_in_order_and_an_unclaimed_offer_passes_on() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "popular", "1").await.to_string();
    let (first, second, third) =
        (browser_for(&app, "first@example.org").await, browser_for(&app, "second@example.org").await, browser_for(&app, "third@example.org").await);
    post_form(&first, "/events/popular/register", &[("ticket_type_id", &ticket_id)]).await;
    let page = second.get("/events/popular").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Join the waitlist for General admission"));
    for browser in [&second, &third] {
        assert_eq!(post_form(browser, "/events/popular/waitlist", &[("ticket_type_id", &ticket_id)]).await.status(), Status::SeeOther);
    }
    let page = third.get("/events/popular").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("You are number 2 on the waitlist."), "{page}");

    // The first attendee cancels: the seat is held for the second, who is told.
    post_form(&first, "/events/popular/registration/cancel", &[]).await;
    let held = registration::Entity::find()
        .filter(registration::Column::Status.eq(tribe::db::entities::registration::RegistrationStatus::Held))
        .one(app.db())
        .await
        .unwrap()
        .expect("a held seat");
    let second_user = tribe::domain::accounts::find_by_email(app.db(), "second@example.org").await.unwrap().unwrap();
    assert_eq!(held.user_id, second_user.id);
    let emails = sent_emails(&app);
    let offer = emails.iter().find(|m| m.contains("Subject: A seat is free")).expect("an offer email");
    assert!(offer.contains("To: second") && offer.contains(&format!("/registrations/{}", held.id)));
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1, "the held seat counts");
    // Nobody else can take it meanwhile.
    let token = attendees_with_tokens(&app, 1).await.remove(0);
    let response = app
        .client
        .post("/api/events/popular/registrations")
        .header(bearer(&token))
        .header(ContentType::JSON)
        .body(json!({"ticket_type_id": ticket_id}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);

    // The second does not claim in time: it passes to the third, who claims.
    let later = tribe::domain::now() + chrono::Duration::hours(25);
    let offers = tribe::domain::registration::waitlist::expire_holds(app.db(), later).await.unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(registration::Entity::find_by_id(held.id).one(app.db()).await.unwrap().unwrap().status.to_string(), "expired");
    let page = third.get(format!("/registrations/{}", offers[0].id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Claim my seat"));
    assert_eq!(
        second.get(format!("/registrations/{}", offers[0].id)).dispatch().await.status(),
        Status::NotFound,
        "someone else's registration is not found"
    );
    let claim_path = format!("/registrations/{}/claim", offers[0].id);
    let response = post_form(&third, &claim_path, &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let claimed = registration::Entity::find_by_id(offers[0].id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(claimed.status.to_string(), "confirmed");
    let story: Vec<String> =
        tribe::domain::registration::changes(app.db(), claimed.id).await.unwrap().into_iter().map(|c| c.to_status.to_string()).collect();
    assert_eq!(story, ["held", "confirmed"]);
    // Running the expiry again (another instance, say) changes nothing.
    assert!(tribe::domain::registration::waitlist::expire_holds(app.db(), later).await.unwrap().is_empty());
    assert_eq!(ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().taken, 1);
}

#[rocket::async_test]
async fn the_confirmation_email_carries_the_event_as_a_calendar_file_and_a_link_to_the_registration() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "mailed", "").await.to_string();
    let attendee = browser_for(&app, "mail@example.org").await;
    post_form(&attendee, "/events/mailed/register", &[("ticket_type_id", &ticket_id)]).await;
    let found = registration::Entity::find().one(app.db()).await.unwrap().unwrap();
    let emails = sent_emails(&app);
    assert_eq!(emails.len(), 1);
    let raw = &emails[0];
    assert!(raw.contains("Subject: You are registered: Test Conference"));
    assert!(raw.contains("To: mail <mail@example.org>") || raw.contains("To: \"mail\" <mail@example.org>"), "{raw}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mail.eml");
    std::fs::write(&file, raw).unwrap();
    // Python's email package takes the message apart the way a mail client would.
    let script = "import email,sys,json; m=email.message_from_binary_file(open(sys.argv[1],'rb'))\n\
                  parts=[(p.get_content_type(), p.get_filename(), p.get_payload(decode=True).decode()) for p in m.walk() if not p.is_multipart()]\n\
                  print(json.dumps(parts))";
    let output = std::process::Command::new("python3").args(["-c", script]).arg(&file).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let parts: Vec<(String, Option<String>, String)> = serde_json::from_slice(&output.stdout).unwrap();
    let text = &parts.iter().find(|p| p.0 == "text/plain").unwrap().2;
    assert!(text.contains(&format!("http://127.0.0.1:8000/registrations/{}", found.id)));
    let (_, name, ics) = parts.iter().find(|p| p.0 == "text/calendar").expect("a calendar attachment");
    assert_eq!(name.as_deref(), Some("test-conference.ics"));
    assert_well_formed_ics(ics);
    let parsed = calendar_check(ics, "2027-03-01", "2027-04-01");
    assert_eq!(parsed["events"][0]["summary"], "Test Conference");
    assert_eq!(parsed["events"][0]["dtstart"], "2027-03-13T14:00:00Z");

    // Cancelling sends its own note.
    post_form(&attendee, "/events/mailed/registration/cancel", &[]).await;
    assert!(sent_emails(&app).iter().any(|m| m.contains("Subject: Cancelled: Test Conference")));
}

#[rocket::async_test]
async fn staff_check_people_in_once_however_often_it_is_asked_and_the_list_filters_by_it() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "door", "").await.to_string();
    let staff = browser_for(&app, "door-staff@example.org").await;
    join_team(&app, &app.client, "door", "door-staff@example.org", "staff").await;
    for email in ["in@example.org", "out@example.org"] {
        let attendee = browser_for(&app, email).await;
        post_form(&attendee, "/events/door/register", &[("ticket_type_id", &ticket_id)]).await;
    }
    let in_user = tribe::domain::accounts::find_by_email(app.db(), "in@example.org").await.unwrap().unwrap();
    let found = registration::Entity::find().all(app.db()).await.unwrap().into_iter().find(|r| r.user_id == in_user.id).unwrap();
    let staff_user = tribe::domain::accounts::find_by_email(app.db(), "door-staff@example.org").await.unwrap().unwrap();

    // Twenty phones at once: one check-in.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (db, staff_user) = (app.db().clone(), staff_user.clone());
        tasks.push(tokio::spawn(async move { tribe::domain::registration::checkin::check_in(&db, found.id, &staff_user).await.unwrap() }));
    }
    let mut firsts = 0;
    for task in tasks {
        if matches!(task.await.unwrap(), tribe::domain::registration::checkin::CheckIn::First { .. }) {
            firsts += 1;
        }
    }
    assert_eq!(firsts, 1);
    let checked = registration::Entity::find_by_id(found.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(checked.checked_in_by, Some(staff_user.id));

    let path = format!("/events/door/manage/attendees/{}/check-in", found.id);
    assert_eq!(post_form(&staff, &path, &[]).await.status(), Status::SeeOther);
    let page = staff.get("/events/door/manage/attendees?checked_in=no").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Already checked in at"), "a repeat says when");
    assert!(page.contains("out@example.org") && !page.contains("in@example.org"));
    let page = staff.get("/events/door/manage/attendees?checked_in=yes").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("in@example.org") && !page.contains("out@example.org"));
    // The time in the one form: the event's clock, with its place named.
    let event = event_row(&app, "door").await;
    let zone: chrono_tz::Tz = event.time_zone.parse().unwrap();
    let at = checked.checked_in_at.unwrap().with_timezone(&zone);
    let city = tribe::domain::times::city(zone);
    assert!(
        page.contains(&format!("{} {city} time", at.format("%H:%M"))) || page.contains(&format!("{} {city} time", at.format("%a %-d %b, %H:%M"))),
        "{page}"
    );
    // Staff get the team's navigation, not the organizer's.
    assert!(page.contains(r#"aria-label="Event team""#) && page.contains("/events/door/manage/check-in"));
    assert!(!page.contains("/events/door/manage/tickets"), "staff are not shown organizer pages");
    let csv = staff.get("/events/door/manage/attendees.csv?checked_in=yes").dispatch().await.into_string().await.unwrap();
    assert!(csv.lines().next().unwrap().contains("checked in at") && csv.contains("in@example.org"));
    assert!(csv.contains(&checked.checked_in_at.unwrap().format("%Y-%m-%d %H:%M UTC").to_string()), "spreadsheets get one sortable zone");

    // Outsiders cannot check anyone in; a cancelled registration cannot be.
    let outsider = browser_for(&app, "nosy@example.org").await;
    assert_eq!(post_form(&outsider, &path, &[]).await.status(), Status::Forbidden);
    let out_user = tribe::domain::accounts::find_by_email(app.db(), "out@example.org").await.unwrap().unwrap();
    let other = registration::Entity::find().all(app.db()).await.unwrap().into_iter().find(|r| r.user_id == out_user.id).unwrap();
    tribe::domain::registration::cancel(app.db(), &event_row(&app, "door").await, &other, tribe::domain::registration::CancelledBy::System, "test")
        .await
        .unwrap();
    let result = tribe::domain::registration::checkin::check_in(app.db(), other.id, &staff_user).await;
    assert!(matches!(result, Err(tribe::error::AppError::Conflict(_))));
}

#[rocket::async_test]
async fn the_badge_carries_a_signed_code_that_opens_check_in_for_staff_and_a_public_card_for_others() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "badged", "").await.to_string();
    let holder = browser_for(&app, "holder@example.org").await;
    post_form(&holder, "/events/badged/register", &[("ticket_type_id", &ticket_id)]).await;
    let found = registration::Entity::find().one(app.db()).await.unwrap().unwrap();

    let page = holder.get(format!("/registrations/{}", found.id)).dispatch().await.into_string().await.unwrap();
    assert!(page.contains(&format!("/registrations/{}/badge.svg", found.id)), "the registration page (linked from the email) shows the badge");
    let svg = holder.get(format!("/registrations/{}/badge.svg", found.id)).dispatch().await;
    assert_eq!(svg.status(), Status::Ok);
    assert_eq!(svg.content_type(), Some(ContentType::SVG));
    let svg = svg.into_string().await.unwrap();
    assert!(svg.contains(">holder<") && svg.matches("h1v1h-1z").count() > 100, "the name and the QR modules");
    let outsider = browser_for(&app, "outsider@example.org").await;
    assert_eq!(outsider.get(format!("/registrations/{}/badge.svg", found.id)).dispatch().await.status(), Status::NotFound);

    let token = crate::tribe::badge_token(&app, found.id, found.event_id).await;
    // The organizer scans: the check-in screen, then checked in once.
    let scan = app.client.get(format!("/b/{token}")).dispatch().await.into_string().await.unwrap();
    assert!(scan.contains("holder") && scan.contains("Check in"), "{scan}");
    post_form(&app.client, &format!("/events/badged/manage/attendees/{}/check-in", found.id), &[]).await;
    let scan = app.client.get(format!("/b/{token}")).dispatch().await.into_string().await.unwrap();
    assert!(scan.contains("Already checked in"));
    // Anyone else sees no private data (the holder has no public profile).
    let scan = outsider.get(format!("/b/{token}")).dispatch().await;
    assert_eq!(scan.status(), Status::Ok);
    let scan = scan.into_string().await.unwrap();
    assert!(scan.contains("Their profile is not public") && !scan.contains("holder@example.org") && !scan.contains(">holder<"));
    // A forged or altered code is refused; a cancelled registration's is gone.
    assert_eq!(outsider.get(format!("/b/{}", token.replacen(&format!("r{}", found.id), "r999", 1))).dispatch().await.status(), Status::NotFound);
    assert_eq!(outsider.get("/b/r1e1.AAAAAAAAAAAAAAAAAAAAAA").dispatch().await.status(), Status::NotFound);
    tribe::domain::registration::cancel(app.db(), &event_row(&app, "badged").await, &found, tribe::domain::registration::CancelledBy::System, "test")
        .await
        .unwrap();
    assert_eq!(app.client.get(format!("/b/{token}")).dispatch().await.status(), Status::Gone);
}

#[rocket::async_test]
async fn the_attendee_list_comes_in_pages_that_keep_the_filters() {
    let app = TestApp::new().await;
    let ticket_id = event_with_ticket(&app, "paged", "").await;
    for token in attendees_with_tokens(&app, 30).await {
        let response = app
            .client
            .post("/api/events/paged/registrations")
            .header(bearer(&token))
            .header(ContentType::JSON)
            .body(json!({"ticket_type_id": ticket_id}).to_string())
            .dispatch()
            .await;
        assert!(response.status().code < 300, "{:?}", response.status());
    }
    let first = app.client.get("/events/paged/manage/attendees?q=buyer").dispatch().await.into_string().await.unwrap();
    assert!(first.contains("1–25 of 30 registrations"), "{first}");
    assert_eq!(first.matches(r#"<th scope="row" class="attendee-name">"#).count(), 25);
    let next = regex::Regex::new(r#"href="([^"]+)" rel="next""#).unwrap().captures(&first).expect("a next page")[1]
        .replace("&amp;", "&")
        .replace("&#x3D;", "=");
    assert!(next.contains("q=buyer") && next.ends_with("page=2"), "{next}");
    let second = app.client.get(next).dispatch().await.into_string().await.unwrap();
    assert!(second.contains("26–30 of 30 registrations"));
    assert_eq!(second.matches(r#"<th scope="row" class="attendee-name">"#).count(), 5);
    assert!(second.contains(r#"rel="prev""#) && !second.contains(r#"rel="next""#));
    // A page past the end shows the last one; the CSV always has everyone.
    let far = app.client.get("/events/paged/manage/attendees?page=99").dispatch().await.into_string().await.unwrap();
    assert!(far.contains("26–30 of 30 registrations"));
    let csv = app.client.get("/events/paged/manage/attendees.csv").dispatch().await.into_string().await.unwrap();
    assert_eq!(csv.lines().count(), 31);
}

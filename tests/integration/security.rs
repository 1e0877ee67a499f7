use rocket::http::{ContentType, Header, Status};

use crate::support::*;

#[rocket::async_test]
async fn a_form_without_its_csrf_token_is_refused_with_a_403_page_and_changes_nothing() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = TestApp::new().await;
    app.client.get("/signup").dispatch().await; // the browser has a token cookie
    let body = form_body(&[("email", "ivy@example.org"), ("display_name", "Ivy"), ("password", "a long password")]);
    let missing = app.client.post("/signup").header(ContentType::Form).body(&body).dispatch().await;
    assert_eq!(missing.status(), Status::Forbidden);
    assert_eq!(missing.content_type(), Some(ContentType::HTML));
    assert!(missing.into_string().await.unwrap().contains("Reload the page and try again"));

    let forged = form_body(&[("_csrf", "forged"), ("email", "ivy@example.org"), ("display_name", "Ivy"), ("password", "a long password")]);
    let response = app.client.post("/signup").header(ContentType::Form).body(&forged).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);

    // A token from another browser does not fit this browser's cookie.
    let other = app.another_instance().await;
    let foreign = csrf(&other).await;
    let body = form_body(&[("_csrf", &foreign), ("email", "ivy@example.org"), ("display_name", "Ivy"), ("password", "a long password")]);
    assert_eq!(app.client.post("/signup").header(ContentType::Form).body(&body).dispatch().await.status(), Status::Forbidden);

    let users = tribe::db::entities::user::Entity::find().count(app.db()).await.unwrap();
    assert_eq!(users, 0);
}

#[rocket::async_test]
async fn logout_and_password_forms_need_the_token_too() {
    let app = TestApp::new().await;
    sign_up(&app.client, "jo@example.org", "Jo", "a long password").await;
    let response = app.client.post("/logout").header(ContentType::Form).body("").dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::Ok, "still logged in");
    let body = form_body(&[("current_password", "a long password"), ("new_password", "hijacked!!"), ("confirm_password", "hijacked!!")]);
    let response = app.client.post("/account/password").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn repeated_failures_lock_the_account_for_a_while_even_with_the_right_password() {
    let app = TestApp::new().await;
    sign_up(&app.client, "kai@example.org", "Kai", "a long password").await;
    post_form(&app.client, "/logout", &[]).await;
    for _ in 0..5 {
        assert_eq!(log_in(&app.client, "kai@example.org", "wrong guess").await.status(), Status::Unauthorized);
    }
    let locked = log_in(&app.client, "kai@example.org", "a long password").await;
    assert_eq!(locked.status(), Status::TooManyRequests);
    assert!(locked.into_string().await.unwrap().contains("Too many log-in attempts"));
    // The API token exchange shares the same limit.
    let response =
        app.client.post("/api/tokens").header(ContentType::JSON).body(r#"{"email":"kai@example.org","password":"a long password"}"#).dispatch().await;
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response.headers().get_one("Retry-After").is_some());
}

#[rocket::async_test]
async fn one_address_trying_many_accounts_is_slowed_down() {
    let app = TestApp::with(&[("login_max_per_ip", "3".into())]).await;
    let remote: std::net::SocketAddr = "203.0.113.7:5555".parse().unwrap();
    let token = csrf(&app.client).await;
    for (i, expected) in [Status::Unauthorized, Status::Unauthorized, Status::Unauthorized, Status::TooManyRequests].into_iter().enumerate() {
        let email = format!("user{i}@example.org");
        let body = form_body(&[("_csrf", &token), ("email", &email), ("password", "guess guess")]);
        let response = app.client.post("/login").remote(remote).header(ContentType::Form).body(body).dispatch().await;
        assert_eq!(response.status(), expected, "attempt {i}");
    }
    // Another address is unaffected.
    let body = form_body(&[("_csrf", &token), ("email", "user9@example.org"), ("password", "guess guess")]);
    let response = app.client.post("/login").remote("198.51.100.2:1".parse().unwrap()).header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
}

fn assert_security_headers(response: &rocket::local::asynchronous::LocalResponse<'_>, what: &str) {
    let headers = response.headers();
    let csp = headers.get_one("Content-Security-Policy").unwrap_or_else(|| panic!("{what}: CSP"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(headers.get_one("X-Content-Type-Options"), Some("nosniff"), "{what}");
    assert!(headers.get_one("Referrer-Policy").is_some(), "{what}");
}

#[rocket::async_test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in ["/", "/login", "/static/css/tribe.css", "/healthz", "/api/openapi.json", "/no/such/page", "/api/no/such/route", "/account"] {
        let response = app.client.get(path).dispatch().await;
        assert_security_headers(&response, path);
    }
    let response = app.client.post("/signup").header(ContentType::Form).body("").dispatch().await;
    assert_security_headers(&response, "403");
}

#[rocket::async_test]
async fn unknown_pages_are_404_html_and_unknown_api_routes_are_404_problem_json() {
    let app = TestApp::new().await;
    let page = app.client.get("/no/such/page").dispatch().await;
    assert_eq!(page.status(), Status::NotFound);
    assert_eq!(page.content_type(), Some(ContentType::HTML));
    let html = page.into_string().await.unwrap();
    assert!(html.contains("There is nothing here"));
    assert!(html.contains("<nav"), "the error page has the site's navigation");

    let api = app.client.get("/api/no/such/route").dispatch().await;
    assert_eq!(api.status(), Status::NotFound);
    assert_eq!(api.content_type().map(|c| c.to_string()), Some("application/problem+json".to_owned()));
    let problem: serde_json::Value = serde_json::from_str(&api.into_string().await.unwrap()).unwrap();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "Not Found");
    assert_eq!(problem["instance"], "/api/no/such/route");
    assert!(problem["type"].is_string() && problem["detail"].is_string());

    let event = app.client.get("/events/nope").dispatch().await;
    assert_eq!(event.status(), Status::NotFound);
}

#[rocket::async_test]
async fn what_people_type_is_escaped_wherever_it_is_shown() {
    let app = TestApp::new().await;
    sign_up(&app.client, "lee@example.org", "<script>alert('x')</script>", "a long password").await;
    let page = app.client.get("/account").dispatch().await.into_string().await.unwrap();
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;"));
    let page = post_form(&app.client, "/signup", &[("email", "\"><img src=x onerror=alert(1)>"), ("display_name", "x"), ("password", "x")]).await;
    let page = page.into_string().await.unwrap_or_default();
    assert!(!page.contains("<img src=x"));
}

#[rocket::async_test]
async fn hostile_bodies_get_clear_4xx_answers_not_500s() {
    let app = TestApp::new().await;
    let token = csrf(&app.client).await;
    let cases: Vec<(&str, ContentType, String)> = vec![
        ("/signup", ContentType::Form, format!("_csrf={token}&email=%FF%FE&display_name=%00&password={}", "x".repeat(5000))),
        ("/signup", ContentType::JSON, "{}".into()),
        ("/login", ContentType::Form, format!("_csrf={token}&email[]=1&email[]=2")),
        ("/signup", ContentType::Form, format!("_csrf={token}&{}", "a=b&".repeat(40_000))),
        ("/api/tokens", ContentType::JSON, "{not json".into()),
        ("/api/tokens", ContentType::Form, "email=a".into()),
        ("/api/tokens", ContentType::JSON, "[]".into()),
    ];
    for (path, content_type, body) in cases {
        let response = app.client.post(path).header(content_type.clone()).body(body).dispatch().await;
        let status = response.status();
        assert!(status.code >= 400 && status.code < 500, "{path} {content_type}: {status}");
    }
    let response = app.client.get("/api/me").header(Header::new("Authorization", "Bearer \u{1F600}")).dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
}

/// Every form the pages post to, found from the mounted routes (so a new
/// form cannot be forgotten): without the CSRF token, an organizer logged in
/// on the event gets 403 and nothing happens. The table of routes and
/// answers is printed when it fails.
#[rocket::async_test]
async fn every_form_route_refuses_a_post_without_the_csrf_token() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "csrf-org@example.org", "csrf-all", "online_chat").await;
    // A real week of the chat, so that the hosts' routes find their room and
    // only the missing token can refuse them.
    let event = tribe::domain::events::find_by_slug(app.db(), "csrf-all").await.unwrap().unwrap();
    let week = tribe::domain::chats::occurrences(app.db(), &event).await.unwrap().remove(0);
    let key = tribe::domain::chats::room::key_of(week.scheduled_start);
    let routes: Vec<String> = app
        .client
        .rocket()
        .routes()
        .filter(|r| r.method == rocket::http::Method::Post)
        .map(|r| r.uri.path().to_string())
        .filter(|p| !p.starts_with("/api") && !p.starts_with("/webhooks"))
        .collect();
    assert!(routes.len() > 40, "only {} form routes found", routes.len());
    let mut table = Vec::new();
    for pattern in &routes {
        let path: Vec<String> = pattern
            .split('/')
            .map(|segment| match segment.trim_start_matches('<').trim_end_matches('>').trim_start_matches('_') {
                s if s == segment => s.to_owned(),
                "slug" => "csrf-all".to_owned(),
                "key" => key.clone(),
                "token" => "r1e1.AAAA".to_owned(),
                "action" => "accept".to_owned(),
                _ => "1".to_owned(),
            })
            .collect();
        let path = path.join("/");
        let status = app.client.post(path.clone()).header(ContentType::Form).body("note=x&body=x&reason=x").dispatch().await.status();
        table.push((status.code, pattern.clone(), path));
    }
    // The two schedule imports take a multipart upload: a urlencoded body is
    // refused before its token is read; a multipart one without the token is 403.
    let other_refusals = [("/events/<_slug>/manage/import", 422), ("/events/import", 422)];
    let boundary = "XBOUNDARYX";
    let upload = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.xml\"\r\nContent-Type: application/xml\r\n\r\n<schedule/>\r\n--{boundary}--\r\n");
    for path in ["/events/csrf-all/manage/import", "/events/import"] {
        let response = app
            .client
            .post(path)
            .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
            .body(upload.clone())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Forbidden, "{path} without its token");
    }
    let wrong: Vec<_> =
        table.iter().filter(|(code, pattern, _)| *code != other_refusals.iter().find(|(p, _)| p == pattern).map_or(403, |(_, c)| *c)).collect();
    assert!(wrong.is_empty(), "expected 403 without a CSRF token: {wrong:#?}");
}

/// A multipart body for the schedule import form.
fn import_upload(token: &str, content: &str) -> (ContentType, String) {
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"schedule.xml\"\r\nContent-Type: application/xml\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (ContentType::new("multipart", "form-data").with_params(("boundary", boundary)), body)
}

fn deeply_nested_schedule(levels: usize) -> String {
    format!("<?xml version=\"1.0\"?><schedule>{}{}</schedule>", "<a>".repeat(levels), "</a>".repeat(levels))
}

#[rocket::async_test]
async fn a_deeply_nested_schedule_is_refused_and_the_server_keeps_serving() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "deep", "conference").await;
    // Over real HTTP, on Rocket's worker threads: a stack overflow there
    // aborts the whole process (and this test with it).
    let server = app.serve().await;
    let http = reqwest::Client::new();
    let cookies: Vec<String> = app.client.cookies().iter().map(|c| format!("{}={}", c.name(), c.value())).collect();
    let cookie_header = cookies.join("; ");
    let page = http.get(format!("{}/events/deep/manage", server.base)).header("Cookie", &cookie_header).send().await.unwrap().text().await.unwrap();
    let token = csrf_in(&page);
    let (content_type, body) = import_upload(&token, &deeply_nested_schedule(100_000));
    let response = http
        .post(format!("{}/events/deep/manage/import", server.base))
        .header("Cookie", &cookie_header)
        .header("Content-Type", content_type.to_string())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let text = response.text().await.unwrap();
    assert!(text.contains("nested more than 100 levels"), "the page says why");
    let health = http.get(format!("{}/healthz", server.base)).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200, "the server still serves");
}

#[rocket::async_test]
async fn the_import_command_refuses_a_deeply_nested_file_with_a_message() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "deep-cli", "conference").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deep.xml");
    std::fs::write(&file, deeply_nested_schedule(100_000)).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tribe"))
        .args(["import", "frab"])
        .arg(&file)
        .args(["--event", "deep-cli"])
        .env("TRIBE_DATABASE_URL", &app.database_url)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "a refusal, not an abort: {:?}", output.status);
    assert!(String::from_utf8_lossy(&output.stderr).contains("nested more than 100 levels"));
}

/// A frab schedule of `talks` sessions with long abstracts, the size of a
/// real congress's file.
fn large_schedule(talks: usize) -> String {
    let abstract_text = "Patients and clinicians discuss shared decisions. ".repeat(48);
    let mut events = String::new();
    for n in 0..talks {
        let (hour, minute) = (9 + (n % 9), 0);
        let day = 13 + (n / 9) % 3;
        events.push_str(&format!(
            "<event guid=\"00000000-0000-4000-8000-{n:012}\" id=\"{n}\"><date>2027-03-{day}T{hour:02}:{minute:02}:00-04:00</date><start>{hour:02}:00</start><duration>00:30</duration><room>Room {}</room><slug>t{n}</slug><title>Talk {n}</title><track>Care</track><type>talk</type><language>en</language><abstract>{abstract_text}</abstract><persons><person id=\"{n}\">Speaker {n}</person></persons></event>",
            n % 40
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><schedule><conference><acronym>large</acronym><title>Large</title><time_zone_name>America/New_York</time_zone_name></conference><day index=\"1\" date=\"2027-03-13\"><room name=\"Room 0\">{events}</room></day></schedule>"
    )
}

#[rocket::async_test]
async fn a_five_mebibyte_schedule_uploads_and_one_over_the_limit_gets_a_message() {
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "large", "conference").await;
    let xml = large_schedule(2100);
    assert!(xml.len() > 5 * 1024 * 1024, "{} bytes", xml.len());
    let token = csrf(&app.client).await;
    let (content_type, body) = import_upload(&token, &xml);
    let response = app.client.post("/events/large/manage/import").header(content_type).body(body).dispatch().await;
    assert_eq!(
        response.status(),
        Status::Ok,
        "{}",
        response.into_string().await.unwrap_or_default().split("field-error").nth(1).unwrap_or_default().chars().take(300).collect::<String>()
    );
    assert!(response.into_string().await.unwrap().contains("Imported: 2100 new"));

    // Just over the import's limit: the form's own message, not a bare 413.
    let padding = format!("<!-- {} -->", "x".repeat(20 * 1024 * 1024 + 512 * 1024 - xml.len()));
    let (content_type, body) = import_upload(&token, &format!("{xml}{padding}"));
    let response = app.client.post("/events/large/manage/import").header(content_type).body(body).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("larger than 20 MiB"));
}

#[rocket::async_test]
async fn an_organizer_cannot_add_an_account_to_their_event_or_learn_whether_it_exists() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = TestApp::new().await;
    // The victim keeps a hidden profile and belongs to no event.
    let victim = app.another_instance().await;
    sign_up(&victim, "victim@example.org", "Vic Tim", "a long password").await;
    let token = api_token(&victim, "victim@example.org", "a long password").await;
    let response = victim
        .put("/api/me/profile")
        .header(ContentType::JSON)
        .header(bearer(&token))
        .body(serde_json::json!({"visibility": "hidden", "handle_x": "vic"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let victim_id = tribe::domain::accounts::find_by_email(app.db(), "victim@example.org").await.unwrap().unwrap().id;

    // Anyone can make an event, unpublished, with a ticket.
    let attacker = &app.client;
    organizer_with_event(attacker, "attacker@example.org", "trap", "conference").await;
    post_form(attacker, "/events/trap/manage/tickets", &[("name", "Pass"), ("price", "0")]).await;
    let ticket = tribe::db::entities::ticket_type::Entity::find().one(app.db()).await.unwrap().unwrap().id.to_string();

    let mut answers = Vec::new();
    for email in ["victim@example.org", "nobody-here@example.org"] {
        let response = post_form(attacker, "/events/trap/manage/attendees", &[("attendee_email", email), ("attendee_ticket", &ticket)]).await;
        let status = response.status();
        let location = response.headers().get_one("Location").map(str::to_owned);
        let page = attacker.get("/events/trap/manage/attendees").dispatch().await.into_string().await.unwrap();
        answers.push((status, location, page.contains(&format!("Invitation sent to {email}"))));
    }
    assert_eq!(answers[0], answers[1], "the same answer whether the account exists or not");
    assert_eq!(answers[0].0, Status::SeeOther);

    assert_eq!(tribe::db::entities::registration::Entity::find().count(app.db()).await.unwrap(), 0, "nobody is added");
    assert_eq!(attacker.get(format!("/people/{victim_id}")).dispatch().await.status(), Status::NotFound, "the hidden profile stays hidden");
    let list = attacker.get("/events/trap/manage/attendees").dispatch().await.into_string().await.unwrap();
    assert!(!list.contains("Vic Tim"));
    let offline = attacker.get("/events/trap/manage/badges/offline-list.json").dispatch().await.into_string().await.unwrap_or_default();
    assert!(!offline.contains("Vic Tim"));

    // A role of another event is refused by name.
    organizer_with_event(&app.another_instance().await, "other@example.org", "other-roles", "conference").await;
    let response = post_form(
        attacker,
        "/events/trap/manage/attendees",
        &[("attendee_email", "x@example.org"), ("attendee_ticket", &ticket), ("attendee_role", "999999")],
    )
    .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("Choose one of this event"));
}

#[rocket::async_test]
async fn a_hidden_ticket_is_sold_only_through_its_secret_link() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use tribe::db::entities::{registration, ticket_type};
    let app = TestApp::new().await;
    organizer_with_event(&app.client, "org@example.org", "secret", "conference").await;
    post_form(&app.client, "/events/secret/manage/tickets", &[("name", "Open pass"), ("price", "0")]).await;
    post_form(&app.client, "/events/secret/manage/tickets", &[("name", "Speaker pass"), ("price", "0"), ("visible", "false")]).await;
    post_form(&app.client, "/events/secret/manage/publish", &[("published", "true")]).await;
    let hidden = ticket_type::Entity::find().filter(ticket_type::Column::Name.eq("Speaker pass")).one(app.db()).await.unwrap().unwrap();
    let code = hidden.access_code.clone().expect("a hidden type gets a secret code");
    let dashboard = app.client.get("/events/secret/manage/tickets").dispatch().await.into_string().await.unwrap();
    // (Handlebars writes the `=` of an attribute as `&#x3D;`.)
    assert!(dashboard.contains(&format!("/events/secret?access&#x3D;{code}")), "the organizer sees the link to give out");

    let buyer = app.another_instance().await;
    sign_up(&buyer, "buyer@example.org", "Buyer", "a long password").await;
    let token = api_token(&buyer, "buyer@example.org", "a long password").await;
    assert!(!buyer.get("/events/secret").dispatch().await.into_string().await.unwrap().contains("Speaker pass"));
    let listed = buyer.get("/api/events/secret/ticket-types").dispatch().await.into_string().await.unwrap();
    assert!(!listed.contains("Speaker pass") && !listed.contains(&code));

    // By id, without the code (or with a wrong one): as if it did not exist.
    for body in [serde_json::json!({"ticket_type_id": hidden.id}), serde_json::json!({"ticket_type_id": hidden.id, "access_code": "guess"})] {
        let response =
            buyer.post("/api/events/secret/registrations").header(ContentType::JSON).header(bearer(&token)).body(body.to_string()).dispatch().await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
    }
    post_form(&buyer, "/events/secret/register", &[("ticket_type_id", &hidden.id.to_string())]).await;
    assert_eq!(registration::Entity::find().count(app.db()).await.unwrap(), 0);

    // With the link: shown, and taken.
    let page = buyer.get(format!("/events/secret?access={code}")).dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Speaker pass") && page.contains(&format!("name=\"access_code\" value=\"{code}\"")));
    let listed = buyer.get(format!("/api/events/secret/ticket-types?access={code}")).dispatch().await.into_string().await.unwrap();
    assert!(listed.contains("Speaker pass"));
    let response = post_form(&buyer, "/events/secret/register", &[("ticket_type_id", &hidden.id.to_string()), ("access_code", &code)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let taken = registration::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(taken.ticket_type_id, hidden.id);

    // The waitlist of a hidden type does not open (or name it) without the code either.
    let waiting = app.another_instance().await;
    sign_up(&waiting, "waiting@example.org", "Waiting", "a long password").await;
    let response = post_form(&waiting, "/events/secret/waitlist", &[("ticket_type_id", &hidden.id.to_string())]).await;
    assert_eq!(response.status(), Status::NotFound);
    assert!(!response.into_string().await.unwrap().contains("Speaker pass"));

    // A new link retires the old one.
    post_form(&app.client, &format!("/events/secret/manage/tickets/{}/link", hidden.id), &[]).await;
    let renewed = ticket_type::Entity::find_by_id(hidden.id).one(app.db()).await.unwrap().unwrap().access_code.unwrap();
    assert_ne!(renewed, code);
    let anonymous = app.another_instance().await;
    assert!(!anonymous.get(format!("/events/secret?access={code}")).dispatch().await.into_string().await.unwrap().contains("Speaker pass"));
    assert!(anonymous.get(format!("/events/secret?access={renewed}")).dispatch().await.into_string().await.unwrap().contains("Speaker pass"));
}

#[rocket::async_test]
async fn a_hundred_parallel_guesses_get_exactly_the_limit_of_password_checks() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    // The per-address limit is out of the way: each guess comes from its own address.
    let app = TestApp::new().await;
    sign_up(&app.client, "target@example.org", "Target", "a long password").await;
    let guesses = (0..100).map(|i| {
        let client = &app.client;
        async move {
            let remote: std::net::SocketAddr = format!("203.0.113.{}:4000", i % 250 + 1).parse().unwrap();
            let body = serde_json::json!({"email": "target@example.org", "password": format!("guess {i}")}).to_string();
            client.post("/api/tokens").remote(remote).header(ContentType::JSON).body(body).dispatch().await.status()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == Status::Unauthorized).count();
    assert_eq!(checked, 5, "exactly the limit was checked against the password: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == Status::TooManyRequests).count(), 95);
    let failures = tribe::db::entities::login_attempt::Entity::find()
        .filter(tribe::db::entities::login_attempt::Column::ThrottleKey.eq("account:target@example.org"))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(failures, 5, "refused attempts leave no row");
}

#[rocket::async_test]
async fn an_unusable_next_address_falls_back_home_and_the_log_in_still_works() {
    for next in ["/ x", "/\tx", "/\u{0}x", "/\u{2028}", "/\u{3000}", "//evil.example/", "https://evil.example/"] {
        let app = TestApp::new().await;
        sign_up(&app.client, "nia@example.org", "Nia", "a long password").await;
        post_form(&app.client, "/logout", &[]).await;
        let response = post_form(&app.client, "/login", &[("email", "nia@example.org"), ("password", "a long password"), ("next", next)]).await;
        assert_eq!(response.status(), Status::SeeOther, "{next:?}");
        assert_eq!(response.headers().get_one("Location"), Some("/"), "{next:?}");
        assert_eq!(app.client.get("/account").dispatch().await.status(), Status::Ok, "the session started: {next:?}");
        // Sign-up too.
        let fresh = app.another_instance().await;
        let response =
            post_form(&fresh, "/signup", &[("email", "new@example.org"), ("display_name", "New"), ("password", "a long password"), ("next", next)])
                .await;
        assert_eq!(response.status(), Status::SeeOther, "{next:?}");
        assert_eq!(response.headers().get_one("Location"), Some("/"));
    }
}

#[rocket::async_test]
async fn a_profile_with_a_hundred_thousand_interests_is_refused_with_the_limit() {
    let app = TestApp::new().await;
    sign_up(&app.client, "tag@example.org", "Tag", "a long password").await;
    let token = api_token(&app.client, "tag@example.org", "a long password").await;
    let interests: Vec<String> = (0..100_000).map(|n| format!("i{n}")).collect();
    let response = app
        .client
        .put("/api/me/profile")
        .header(ContentType::JSON)
        .header(bearer(&token))
        .body(serde_json::json!({"interests": interests}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("Keep it to 20 tags"));
    let response = app
        .client
        .put("/api/me/profile")
        .header(ContentType::JSON)
        .header(bearer(&token))
        .body(serde_json::json!({"interests": ["x".repeat(41)]}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("40 characters"));
    assert_eq!(app.client.get("/healthz").dispatch().await.status(), Status::Ok);
}

#[rocket::async_test]
async fn a_client_dribbling_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::with(&[("header_read_timeout", "2".into())]).await;
    let server = app.serve().await;
    let address = server.base.trim_start_matches("http://").to_owned();

    // A prompt client is served.
    let mut prompt = tokio::net::TcpStream::connect(&address).await.unwrap();
    prompt.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    prompt.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // One header line a second, never finishing: the server hangs up.
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut closed = false;
    for line in 0..10 {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let mut byte = [0u8; 1];
        let ended = matches!(tokio::time::timeout(std::time::Duration::from_millis(10), slow.read(&mut byte)).await, Ok(Ok(0)) | Ok(Err(_)));
        if ended || slow.write_all(format!("X-Slow-{line}: 1\r\n").as_bytes()).await.is_err() {
            closed = true;
            break;
        }
    }
    assert!(closed, "the connection was still open after 10 header lines over 10 seconds");
}

#[rocket::async_test]
async fn team_and_speaker_forms_neither_add_an_account_nor_tell_whether_it_exists() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = TestApp::new().await;
    let victim = app.another_instance().await;
    sign_up(&victim, "quiet@example.org", "Quentin Quiet", "a long password").await;
    organizer_with_event(&app.client, "org@example.org", "lure", "conference").await;
    let team_before = tribe::db::entities::event_member::Entity::find().count(app.db()).await.unwrap();

    // The team form invites; the answer is the same for an account and for no account.
    let mut answers = Vec::new();
    for email in ["quiet@example.org", "no-such-person@example.org"] {
        let response = post_form(&app.client, "/events/lure/manage/team", &[("email", email), ("role", "organizer")]).await;
        let status = response.status();
        let page = app.client.get("/events/lure/manage/team").dispatch().await.into_string().await.unwrap();
        answers.push((status, page.contains(&format!("Invitation sent to {email}"))));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(tribe::db::entities::event_member::Entity::find().count(app.db()).await.unwrap(), team_before, "nobody joined");
    assert_eq!(victim.get("/events/lure/manage").dispatch().await.status(), Status::NotFound, "the victim is not on the team");

    // Speakers: an email links only someone at the event; others get the same refusal as no account.
    let mut refusals = Vec::new();
    for email in ["quiet@example.org", "no-such-person@example.org"] {
        let (status, page) = add_session(
            &app.client,
            "lure",
            &[("title", "Bait"), ("starts_at", "2027-03-13T10:00"), ("ends_at", "2027-03-13T11:00"), ("status", "published"), ("speakers", email)],
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(!page.contains("Quentin"), "the account's name is not shown");
        refusals.push(page.contains("linked by email once they are registered"));
    }
    assert_eq!(refusals, [true, true]);

    // Invitations are capped per address and day, so the form mails nobody in bulk.
    for _ in 0..2 {
        post_form(&app.client, "/events/lure/manage/team", &[("email", "quiet@example.org"), ("role", "staff")]).await;
    }
    let response = post_form(&app.client, "/events/lure/manage/team", &[("email", "quiet@example.org"), ("role", "staff")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().await.unwrap().contains("invited 3 times in the last day"));
    let to_victim = sent_emails(&app).iter().filter(|m| m.contains("To: quiet@example.org")).count();
    assert_eq!(to_victim, 3);
}

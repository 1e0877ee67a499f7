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
                "key" => "20270101T0000Z".to_owned(),
                "token" => "r1e1.AAAA".to_owned(),
                "action" => "accept".to_owned(),
                _ => "1".to_owned(),
            })
            .collect();
        let path = path.join("/");
        let status = app.client.post(path.clone()).header(ContentType::Form).body("note=x&body=x&reason=x").dispatch().await.status();
        table.push((status.code, pattern.clone(), path));
    }
    // The frab import takes a multipart upload: a urlencoded body is refused
    // before its token is read; a multipart one without the token is 403.
    let other_refusals = [("/events/<_slug>/manage/import", 422)];
    let boundary = "XBOUNDARYX";
    let upload = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.xml\"\r\nContent-Type: application/xml\r\n\r\n<schedule/>\r\n--{boundary}--\r\n");
    let response = app
        .client
        .post("/events/csrf-all/manage/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(upload)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden, "the import without its token");
    let wrong: Vec<_> =
        table.iter().filter(|(code, pattern, _)| *code != other_refusals.iter().find(|(p, _)| p == pattern).map_or(403, |(_, c)| *c)).collect();
    assert!(wrong.is_empty(), "expected 403 without a CSRF token: {wrong:#?}");
}

use rocket::http::{ContentType, Header, Status};
use serde_json::Value;

use crate::support::*;

#[rocket::async_test]
async fn a_personal_token_from_email_and_password_authenticates_api_calls() {
    let app = TestApp::new().await;
    sign_up(&app.client, "mo@example.org", "Mo", "a long password").await;
    let api = app.another_instance().await; // no cookies: the API is bearer-only
    let token = api_token(&api, "mo@example.org", "a long password").await;
    assert!(token.starts_with("tribe_"));
    let response = api.get("/api/me").header(bearer(&token)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let me: Value = response.into_json().await.unwrap();
    assert_eq!(me["email"], "mo@example.org");
    assert_eq!(me["display_name"], "Mo");
    assert!(me.get("password_hash").is_none());
}

#[rocket::async_test]
async fn tokens_are_stored_hashed_and_revoking_one_stops_it() {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    sign_up(&app.client, "ned@example.org", "Ned", "a long password").await;
    let response = post_form(&app.client, "/account/tokens", &[("name", "badge printer")]).await;
    assert_eq!(response.status(), Status::Created);
    let page = response.into_string().await.unwrap();
    let token = regex::Regex::new(r"(tribe_[A-Za-z0-9_-]+)").unwrap().captures(&page).expect("token shown once")[1].to_owned();
    let stored = tribe::db::entities::api_token::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, token);
    assert!(!stored[0].token_hash.contains(&token[6..]));

    assert_eq!(app.client.get("/api/me").header(bearer(&token)).dispatch().await.status(), Status::Ok);
    let again = app.client.get("/account").dispatch().await.into_string().await.unwrap();
    assert!(!again.contains(&token), "the token is shown only once");

    let path = format!("/account/tokens/{}/revoke", stored[0].id);
    assert_eq!(post_form(&app.client, &path, &[]).await.status(), Status::SeeOther);
    assert_eq!(app.client.get("/api/me").header(bearer(&token)).dispatch().await.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn someone_elses_token_cannot_be_revoked() {
    let app = TestApp::new().await;
    sign_up(&app.client, "ola@example.org", "Ola", "a long password").await;
    post_form(&app.client, "/account/tokens", &[("name", "mine")]).await;
    let other = app.another_instance().await;
    sign_up(&other, "pia@example.org", "Pia", "a long password").await;
    let response = post_form(&other, "/account/tokens/1/revoke", &[]).await;
    assert_eq!(response.status(), Status::NotFound);
}

#[rocket::async_test]
async fn missing_or_wrong_credentials_get_401_problem_json_with_a_bearer_challenge() {
    let app = TestApp::new().await;
    sign_up(&app.client, "quin@example.org", "Quin", "a long password").await;
    for header in [None, Some("Bearer tribe_not_a_real_token"), Some("Basic dXNlcjpwYXNz")] {
        let mut request = app.client.get("/api/me");
        if let Some(value) = header {
            request = request.header(Header::new("Authorization", value));
        }
        let response = request.dispatch().await;
        assert_eq!(response.status(), Status::Unauthorized, "{header:?}");
        assert_eq!(response.headers().get_one("WWW-Authenticate"), Some("Bearer realm=\"tribe\""));
        assert_eq!(response.content_type().map(|c| c.to_string()).as_deref(), Some("application/problem+json"));
    }
    // The API ignores the browser session: cookies alone do not authenticate it.
    assert_eq!(app.client.get("/api/me").dispatch().await.status(), Status::Unauthorized);

    let wrong =
        app.client.post("/api/tokens").header(ContentType::JSON).body(r#"{"email":"quin@example.org","password":"wrong password"}"#).dispatch().await;
    assert_eq!(wrong.status(), Status::Unauthorized);
    let problem: Value = serde_json::from_str(&wrong.into_string().await.unwrap()).unwrap();
    assert_eq!(problem["status"], 401);
}

#[rocket::async_test]
async fn a_malformed_body_gets_problem_json_that_says_what_is_wrong() {
    let app = TestApp::new().await;
    let response = app.client.post("/api/tokens").header(ContentType::JSON).body(r#"{"email": 5}"#).dispatch().await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(response.content_type().map(|c| c.to_string()).as_deref(), Some("application/problem+json"));
    let problem: Value = serde_json::from_str(&response.into_string().await.unwrap()).unwrap();
    assert_eq!(problem["type"], "about:blank");
    assert_eq!(problem["title"], "Unprocessable Entity");
    assert_eq!(problem["status"], 422);
    assert!(problem["detail"].as_str().unwrap().contains("invalid type"), "{problem}");
    assert_eq!(problem["instance"], "/api/tokens");

    let response = app.client.post("/api/tokens").header(ContentType::JSON).body("{").dispatch().await;
    assert_eq!(response.status(), Status::BadRequest);
}

/// `/api/...` routes as OpenAPI paths: `<slug>` becomes `{slug}`.
fn mounted_api_routes(client: &rocket::local::asynchronous::Client) -> std::collections::BTreeSet<(String, String)> {
    client
        .rocket()
        .routes()
        .filter(|r| r.uri.path().starts_with("/api/"))
        .map(|r| {
            let path = r.uri.path().to_string();
            let path = regex::Regex::new(r"<_?([a-z][a-z_]*)(\.\.)?>").unwrap().replace_all(&path, "{$1}").into_owned();
            (r.method.as_str().to_lowercase(), path)
        })
        .collect()
}

#[rocket::async_test]
async fn the_openapi_document_lists_exactly_the_mounted_api_routes() {
    let app = TestApp::new().await;
    let response = app.client.get("/api/openapi.json").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let document: Value = response.into_json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let documented: std::collections::BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone())))
        .collect();
    assert_eq!(documented, mounted_api_routes(&app.client));
    // Every reference points at something the document defines.
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut targets = Vec::new();
    refs(&document, &mut targets);
    assert!(targets.len() > 50, "{targets:?}");
    let dangling: Vec<&String> = targets.iter().filter(|t| document.pointer(t.trim_start_matches('#')).is_none()).collect();
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");
}

#[rocket::async_test]
async fn published_events_are_listed_in_the_api() {
    let app = TestApp::new().await;
    tribe::demo::load(app.db()).await.unwrap();
    let events: Value = app.client.get("/api/events").dispatch().await.into_json().await.unwrap();
    let slugs: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["slug"].as_str().unwrap()).collect();
    for slug in ["hitmc", "hcldr", "hcsm-boston"] {
        assert!(slugs.contains(&slug), "{slugs:?}");
    }
}

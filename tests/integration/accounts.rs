use rocket::http::Status;

use crate::support::*;

#[rocket::async_test]
async fn a_new_person_signs_up_and_is_logged_in() {
    let app = TestApp::new().await;
    let response =
        post_form(&app.client, "/signup", &[("email", "Ana@Example.org "), ("display_name", "Ana Alvarez"), ("password", "correct horse")]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/"));
    let set_cookie: Vec<_> = response.headers().get("Set-Cookie").collect();
    let session = set_cookie.iter().find(|c| c.starts_with("tribe_session=")).expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");

    let home = app.client.get("/").dispatch().await.into_string().await.unwrap();
    assert!(home.contains("Welcome to Tribe, Ana Alvarez!"), "flash shown once after sign-up");
    let account = app.client.get("/account").dispatch().await;
    assert_eq!(account.status(), Status::Ok);
    let page = account.into_string().await.unwrap();
    assert!(page.contains("ana@example.org"), "email stored normalised");
}

#[rocket::async_test]
async fn log_out_ends_the_session_and_log_in_restores_it() {
    let app = TestApp::new().await;
    sign_up(&app.client, "ben@example.org", "Ben", "a long password").await;
    let response = post_form(&app.client, "/logout", &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let account = app.client.get("/account").dispatch().await;
    assert_eq!(account.status(), Status::SeeOther);
    assert_eq!(account.headers().get_one("Location"), Some("/login?next=%2Faccount"));

    let response = log_in(&app.client, "BEN@example.org", "a long password").await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::Ok);
}

#[rocket::async_test]
async fn log_in_returns_to_the_page_that_asked_but_never_to_another_site() {
    let app = TestApp::new().await;
    sign_up(&app.client, "cy@example.org", "Cy", "a long password").await;
    post_form(&app.client, "/logout", &[]).await;
    let response = post_form(&app.client, "/login", &[("email", "cy@example.org"), ("password", "a long password"), ("next", "/account")]).await;
    assert_eq!(response.headers().get_one("Location"), Some("/account"));
    post_form(&app.client, "/logout", &[]).await;
    let response =
        post_form(&app.client, "/login", &[("email", "cy@example.org"), ("password", "a long password"), ("next", "//evil.example/")]).await;
    assert_eq!(response.headers().get_one("Location"), Some("/"));
}

#[rocket::async_test]
async fn a_wrong_password_is_refused_without_saying_whether_the_email_exists() {
    let app = TestApp::new().await;
    sign_up(&app.client, "dee@example.org", "Dee", "a long password").await;
    post_form(&app.client, "/logout", &[]).await;

    let wrong = log_in(&app.client, "dee@example.org", "not the password").await;
    assert_eq!(wrong.status(), Status::Unauthorized);
    let wrong_page = wrong.into_string().await.unwrap();
    let unknown = log_in(&app.client, "nobody@example.org", "not the password").await;
    assert_eq!(unknown.status(), Status::Unauthorized);
    let unknown_page = unknown.into_string().await.unwrap();
    let message = "That email and password do not match an account.";
    assert!(wrong_page.contains(message) && unknown_page.contains(message));
    assert!(wrong_page.contains(r#"value="dee@example.org""#), "the email typed is kept");
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::SeeOther, "still logged out");
}

#[rocket::async_test]
async fn a_second_account_with_the_same_email_is_refused_and_the_form_keeps_what_was_typed() {
    let app = TestApp::new().await;
    sign_up(&app.client, "eve@example.org", "Eve", "a long password").await;
    let other = app.another_instance().await;
    let response = post_form(&other, "/signup", &[("email", "EVE@example.org"), ("display_name", "Eve Two"), ("password", "another password")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("An account with this email already exists"));
    assert!(page.contains(r#"value="Eve Two""#), "the name typed is kept");
    assert!(!page.contains("another password"), "passwords are never echoed");
}

#[rocket::async_test]
async fn sign_up_explains_every_field_that_needs_attention() {
    let app = TestApp::new().await;
    let response = post_form(&app.client, "/signup", &[("email", "not-an-email"), ("display_name", ""), ("password", "short")]).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("That does not look like an email address."));
    assert!(page.contains("Enter the name people will see."));
    assert!(page.contains("Use at least 8 characters."));
}

#[rocket::async_test]
async fn changing_the_password_logs_out_other_sessions_but_not_this_one() {
    let app = TestApp::new().await;
    sign_up(&app.client, "fay@example.org", "Fay", "first password").await;
    let laptop = app.another_instance().await;
    assert_eq!(log_in(&laptop, "fay@example.org", "first password").await.status(), Status::SeeOther);
    assert_eq!(laptop.get("/account").dispatch().await.status(), Status::Ok);

    let wrong = post_form(
        &app.client,
        "/account/password",
        &[("current_password", "nope"), ("new_password", "second password"), ("confirm_password", "second password")],
    )
    .await;
    assert_eq!(wrong.status(), Status::UnprocessableEntity);
    assert!(wrong.into_string().await.unwrap().contains("That is not your current password."));

    let response = post_form(
        &app.client,
        "/account/password",
        &[("current_password", "first password"), ("new_password", "second password"), ("confirm_password", "second password")],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::Ok, "this session carries on");
    assert_eq!(laptop.get("/account").dispatch().await.status(), Status::SeeOther, "the other session is over");
    assert_eq!(log_in(&laptop, "fay@example.org", "first password").await.status(), Status::Unauthorized);
    assert_eq!(log_in(&laptop, "fay@example.org", "second password").await.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn a_session_works_on_any_instance_sharing_the_secret_key() {
    let app = TestApp::new().await;
    sign_up(&app.client, "gus@example.org", "Gus", "a long password").await;
    let cookie = app.client.cookies().get("tribe_session").expect("session cookie").clone();
    let other = app.another_instance().await;
    let response = other.get("/account").cookie(cookie).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert!(response.into_string().await.unwrap().contains("gus@example.org"));
}

#[rocket::async_test]
async fn passwords_are_stored_as_argon2id_hashes() {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    sign_up(&app.client, "hal@example.org", "Hal", "a long password").await;
    let users = tribe::db::entities::user::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(users.len(), 1);
    assert!(users[0].password_hash.starts_with("$argon2id$"), "{}", users[0].password_hash);
    assert!(!users[0].password_hash.contains("a long password"));
}

/// The session cookie this browser holds, as an attacker would copy it.
fn copied_session_cookie(client: &rocket::local::asynchronous::Client) -> rocket::http::Cookie<'static> {
    client.cookies().get("tribe_session").expect("a session cookie").clone().into_owned()
}

#[rocket::async_test]
async fn a_cookie_copied_before_log_out_opens_nothing_after_it() {
    let app = TestApp::new().await;
    sign_up(&app.client, "ivy@example.org", "Ivy", "a long password").await;
    let copied = copied_session_cookie(&app.client);
    let thief = app.another_instance().await;
    assert_eq!(thief.get("/account").cookie(copied.clone()).dispatch().await.status(), Status::Ok, "the copy works while the session lives");
    assert_eq!(post_form(&app.client, "/logout", &[]).await.status(), Status::SeeOther);
    let response = thief.get("/account").cookie(copied).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther, "log-out ended the session on the server");
}

#[rocket::async_test]
async fn a_password_change_ends_every_session_and_api_token() {
    let app = TestApp::new().await;
    sign_up(&app.client, "jo@example.org", "Jo", "first password").await;
    let token = api_token(&app.client, "jo@example.org", "first password").await;
    let copied = copied_session_cookie(&app.client);
    assert_eq!(app.client.get("/api/me").header(bearer(&token)).dispatch().await.status(), Status::Ok);
    let response = post_form(
        &app.client,
        "/account/password",
        &[("current_password", "first password"), ("new_password", "second password"), ("confirm_password", "second password")],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(app.client.get("/api/me").header(bearer(&token)).dispatch().await.status(), Status::Unauthorized, "the token is revoked");
    let thief = app.another_instance().await;
    assert_eq!(thief.get("/account").cookie(copied).dispatch().await.status(), Status::SeeOther, "the old session is over");
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::Ok, "this browser carries on in a new session");
}

#[rocket::async_test]
async fn people_see_their_sessions_and_end_one_or_all() {
    let app = TestApp::new().await;
    sign_up(&app.client, "kai@example.org", "Kai", "a long password").await;
    let phone = app.another_instance().await;
    let token = csrf(&phone).await;
    let response = phone
        .post("/login")
        .header(rocket::http::ContentType::Form)
        .header(rocket::http::Header::new(
            "User-Agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        ))
        .body(form_body(&[("_csrf", &token), ("email", "kai@example.org"), ("password", "a long password")]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = app.client.get("/account").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("Safari on iPhone") && page.contains("this device"), "{page}");
    let sessions = tribe::domain::accounts::login_sessions::list(
        app.db(),
        &tribe::config::SessionTimeouts::default(),
        &tribe::domain::accounts::find_by_email(app.db(), "kai@example.org").await.unwrap().unwrap(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(sessions.len(), 2);
    let phone_session = sessions.iter().find(|s| s.device == "Safari on iPhone").unwrap().id;

    // Somebody else cannot end it.
    let other = app.another_instance().await;
    sign_up(&other, "lea@example.org", "Lea", "a long password").await;
    assert_eq!(post_form(&other, &format!("/account/sessions/{phone_session}/end"), &[]).await.status(), Status::NotFound);
    assert_eq!(phone.get("/account").dispatch().await.status(), Status::Ok);

    assert_eq!(post_form(&app.client, &format!("/account/sessions/{phone_session}/end"), &[]).await.status(), Status::SeeOther);
    assert_eq!(phone.get("/account").dispatch().await.status(), Status::SeeOther, "the phone is logged out");
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::Ok);

    assert_eq!(log_in(&phone, "kai@example.org", "a long password").await.status(), Status::SeeOther);
    assert_eq!(post_form(&app.client, "/account/sessions/end-all", &[]).await.status(), Status::SeeOther);
    assert_eq!(phone.get("/account").dispatch().await.status(), Status::SeeOther);
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::SeeOther, "everywhere includes here");
}

#[rocket::async_test]
async fn a_session_ends_when_idle_too_long_and_at_its_absolute_end() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    use tribe::db::entities::login_session;
    let app = TestApp::new().await;
    sign_up(&app.client, "max@example.org", "Max", "a long password").await;
    let session = login_session::Entity::find().one(app.db()).await.unwrap().unwrap();
    let mut idle: login_session::ActiveModel = session.clone().into();
    idle.last_seen_at = Set(chrono::Utc::now() - chrono::Duration::hours(12) - chrono::Duration::minutes(1));
    idle.update(app.db()).await.unwrap();
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::SeeOther, "unused for 12 hours");
    assert!(login_session::Entity::find_by_id(session.id).one(app.db()).await.unwrap().is_none(), "and deleted");

    log_in(&app.client, "max@example.org", "a long password").await;
    let session = login_session::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((session.expires_at - session.created_at).num_days(), 14);
    let mut old: login_session::ActiveModel = session.into();
    old.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    old.update(app.db()).await.unwrap();
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::SeeOther, "past its absolute end");
}

#[rocket::async_test]
async fn timed_out_sessions_are_pruned_and_live_ones_kept() {
    use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
    use tribe::db::entities::login_session;
    let app = TestApp::new().await;
    sign_up(&app.client, "pat@example.org", "Pat", "a long password").await;
    let laptop = app.another_instance().await;
    log_in(&laptop, "pat@example.org", "a long password").await;
    let abandoned = login_session::Entity::find().one(app.db()).await.unwrap().unwrap();
    let mut idle: login_session::ActiveModel = abandoned.into();
    idle.last_seen_at = Set(chrono::Utc::now() - chrono::Duration::days(2));
    idle.update(app.db()).await.unwrap();
    let timeouts = tribe::config::SessionTimeouts::default();
    assert_eq!(tribe::domain::accounts::login_sessions::prune(app.db(), &timeouts, chrono::Utc::now()).await.unwrap(), 1);
    assert_eq!(login_session::Entity::find().count(app.db()).await.unwrap(), 1);
}

/// Waits (up to 10 s) until the outbox holds `count` emails: reset links
/// are sent after the answer. Returns how many it holds.
async fn emails_after(app: &TestApp, count: usize) -> usize {
    for _ in 0..100 {
        if sent_emails(app).len() >= count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Anything more would come about now.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sent_emails(app).len()
}

/// The reset link in the newest email to `to`, as a path.
fn reset_link(app: &TestApp, to: &str) -> String {
    let mail = sent_emails(app).into_iter().rev().find(|m| m.contains(to)).expect("an email");
    let unfolded = mail.replace("=\r\n", "");
    let re = regex::Regex::new(r"http://127\.0\.0\.1:8000(/password-reset/[A-Za-z0-9_-]+)").expect("regex");
    re.captures(&unfolded).map(|c| c[1].to_owned()).unwrap_or_else(|| panic!("no reset link in {mail}"))
}

#[rocket::async_test]
async fn a_forgotten_password_is_reset_by_a_single_use_emailed_link_that_logs_out_everywhere() {
    let app = TestApp::new().await;
    sign_up(&app.client, "rita@example.org", "Rita Reset", "the old password").await;
    let laptop = app.another_instance().await;
    log_in(&laptop, "rita@example.org", "the old password").await;
    let token = api_token(&laptop, "rita@example.org", "the old password").await;

    // Someone who forgot: the same answer for an address with or without an
    // account, and an email only for the one with.
    let phone = app.another_instance().await;
    let before = sent_emails(&app).len();
    for email in ["nobody@example.org", "rita@example.org"] {
        let response = post_form(&phone, "/password-reset", &[("email", email)]).await;
        assert_eq!((response.status(), response.headers().get_one("Location")), (Status::SeeOther, Some("/password-reset")));
        let page = phone.get("/password-reset").dispatch().await.into_string().await.unwrap();
        assert!(page.contains(&format!("If an account uses {email}, we have emailed it a link")), "{page}");
    }
    assert_eq!(emails_after(&app, before + 1).await, before + 1, "one email, to the account that exists");
    let link = reset_link(&app, "rita@example.org");

    let form = phone.get(&link).dispatch().await;
    assert_eq!(form.status(), Status::Ok);
    assert_eq!(form.headers().get_one("Referrer-Policy"), Some("no-referrer"), "the link's secret goes nowhere");
    assert!(form.into_string().await.unwrap().contains("rita@example.org"));
    // A refused form keeps the link working.
    let mismatched = post_form(&phone, &link, &[("new_password", "a brand new one"), ("confirm_password", "something else")]).await;
    assert_eq!(mismatched.status(), Status::UnprocessableEntity);
    assert!(mismatched.into_string().await.unwrap().contains("The two passwords differ."));
    let done = post_form(&phone, &link, &[("new_password", "a brand new one"), ("confirm_password", "a brand new one")]).await;
    assert_eq!((done.status(), done.headers().get_one("Location")), (Status::SeeOther, Some("/")));

    // This browser is logged in; every other session and the API token ended.
    assert_eq!(phone.get("/account").dispatch().await.status(), Status::Ok);
    assert_eq!(app.client.get("/account").dispatch().await.status(), Status::SeeOther);
    assert_eq!(laptop.get("/account").dispatch().await.status(), Status::SeeOther);
    assert_eq!(app.client.get("/api/me").header(bearer(&token)).dispatch().await.status(), Status::Unauthorized);
    let fresh = app.another_instance().await;
    assert_eq!(log_in(&fresh, "rita@example.org", "the old password").await.status(), Status::Unauthorized);
    assert_eq!(log_in(&fresh, "rita@example.org", "a brand new one").await.status(), Status::SeeOther);

    // Used once, the link is gone; so is one replaced by a newer link, and
    // one past its hour.
    assert_eq!(phone.get(&link).dispatch().await.status(), Status::Gone);
    let again = post_form(&phone, &link, &[("new_password", "a third password"), ("confirm_password", "a third password")]).await;
    assert_eq!(again.status(), Status::Gone);
    let sent = sent_emails(&app).len();
    post_form(&phone, "/password-reset", &[("email", "rita@example.org")]).await;
    emails_after(&app, sent + 1).await;
    let older = reset_link(&app, "rita@example.org");
    post_form(&phone, "/password-reset", &[("email", "rita@example.org")]).await;
    emails_after(&app, sent + 2).await;
    let newer = reset_link(&app, "rita@example.org");
    assert_ne!(older, newer);
    assert_eq!(phone.get(&older).dispatch().await.status(), Status::Gone);
    assert_eq!(phone.get(&newer).dispatch().await.status(), Status::Ok);
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use tribe::db::entities::password_reset;
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::ExpiresAt, sea_orm::sea_query::Expr::value(tribe::domain::now() - chrono::Duration::minutes(1)))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(app.db())
        .await
        .unwrap();
    let expired = phone.get(&newer).dispatch().await;
    assert_eq!(expired.status(), Status::Gone);
    assert!(expired.into_string().await.unwrap().contains("Ask for a new link"));

    // Three links an hour per account; asking more sends nothing (and says the same).
    let sent = sent_emails(&app).len();
    post_form(&phone, "/password-reset", &[("email", "rita@example.org")]).await;
    assert_eq!(emails_after(&app, sent + 1).await, sent, "a fourth link within the hour is not sent");
}

#[rocket::async_test]
async fn changing_the_password_cancels_reset_links_asked_for_before() {
    let app = TestApp::new().await;
    sign_up(&app.client, "paula@example.org", "Paula Password", "the first password").await;
    let stranger = app.another_instance().await;
    let before = sent_emails(&app).len();
    post_form(&stranger, "/password-reset", &[("email", "paula@example.org")]).await;
    emails_after(&app, before + 1).await;
    let link = reset_link(&app, "paula@example.org");
    assert_eq!(stranger.get(&link).dispatch().await.status(), Status::Ok);
    let changed = post_form(
        &app.client,
        "/account/password",
        &[("current_password", "the first password"), ("new_password", "the second password"), ("confirm_password", "the second password")],
    )
    .await;
    assert_eq!(changed.status(), Status::SeeOther);
    assert_eq!(stranger.get(&link).dispatch().await.status(), Status::Gone, "a link from before the change no longer works");
}

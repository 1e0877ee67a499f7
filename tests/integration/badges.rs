//! Badges on paper and at the door: the PNG's QR code read by zxing-cpp,
//! PDF sheets read by poppler (and their QR codes by zxing-cpp again), the
//! staff check-in page, and the offline kit checked with the public key alone.

use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tribe::db::entities::registration;
use tribe::domain::badges;

use crate::support::*;
use crate::tribe::{attendee, badge_token, browser_for, conference, get_json, Person};

async fn registration_of(app: &TestApp, person: &Person) -> registration::Model {
    registration::Entity::find().filter(registration::Column::UserId.eq(person.id)).one(app.db()).await.unwrap().unwrap()
}

fn scan_url(token: &str) -> String {
    format!("http://127.0.0.1:8000/b/{token}")
}

#[rocket::async_test]
async fn the_png_badge_decodes_to_its_scan_url_and_staff_who_follow_it_check_in_once() {
    let app = TestApp::new().await;
    let conf = conference(&app, "png", &["Clinician"]).await;
    let profile = json!({"organization": "Saint Elsewhere General Hospital and Research Institute of the North", "handle_x": "@zoe"});
    let holder = attendee(&app, &conf, "Zoe Longname", Some("Clinician"), profile).await;
    let found = registration_of(&app, &holder).await;
    let token = badge_token(&app, found.id, found.event_id).await;

    let response = app.client.get(format!("/registrations/{}/badge.png", found.id)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::PNG));
    let png = response.into_bytes().await.unwrap();
    assert_eq!(qr_decode(&png), vec![scan_url(&token)], "zxing-cpp reads the scan URL off the PNG");
    // The holder has it too; someone else does not.
    let mine = browser_for(&app, "zoe.longname@example.org").await;
    assert_eq!(mine.get(format!("/registrations/{}/badge.png", found.id)).dispatch().await.status(), Status::Ok);
    attendee(&app, &conf, "Otto Other", Some("Clinician"), json!({})).await;
    let other = browser_for(&app, "otto.other@example.org").await;
    assert_eq!(other.get(format!("/registrations/{}/badge.png", found.id)).dispatch().await.status(), Status::NotFound);

    // Staff follow the URL the camera read: the check-in screen, then one check-in.
    let path = format!("/b/{token}");
    let screen = app.client.get(path.clone()).dispatch().await.into_string().await.unwrap();
    assert!(screen.contains("Zoe Longname") && screen.contains("Check in"), "{screen}");
    let first = post_form(&app.client, "/events/png/manage/check-in", &[("token", &scan_url(&token))]).await.into_string().await.unwrap();
    assert!(first.contains("Zoe Longname is checked in."), "{first}");
    let again = post_form(&app.client, "/events/png/manage/check-in", &[("token", &token)]).await.into_string().await.unwrap();
    assert!(again.contains("Already checked in at") && again.contains("scan-warn"), "{again}");
    let screen = app.client.get(path).dispatch().await.into_string().await.unwrap();
    assert!(screen.contains("Already checked in"), "the badge now shows the earlier check-in");
}

#[test]
fn badges_with_non_latin_and_very_long_names_still_scan() {
    for name in [
        "渡辺 麻由美",
        "Ελευθερία Παπαδοπούλου-Καραγιαννοπούλου",
        "محمد عبد الرحمن",
        "Maximiliana Wolfeschlegelsteinhausen-Bergerdorff von Habsburg-Lothringen",
    ] {
        let url = "http://127.0.0.1:8000/b/r12345e678.Q0FGRUJBQkVDQUZFQkFCRUNBRkVCQUJFQ0FGRUJBQkVDQUZFQkFCRUNBRkVCQUJFQ0FGRUJBQkVDQUZFQkFCRQ";
        let face = badges::BadgeFace {
            name,
            organization: "Ørsted Ålborg",
            role: Some(("Patient/Advocate", "#862e9c")),
            handle: "@someone",
            event: "HITMC 2027",
            url,
        };
        let svg = badges::svg(&face).unwrap();
        let png = badges::render::png(&svg, 3.0).unwrap();
        assert_eq!(qr_decode(&png), vec![url.to_owned()], "{name}");
    }
    // CJK comes from a system font (DejaVu has none): two different names
    // drawn as the font's "missing glyph" boxes would give the same image.
    let draw = |name: &str| {
        let face = badges::BadgeFace { name, organization: "", role: None, handle: "", event: "HITMC", url: "http://127.0.0.1:8000/b/x" };
        badges::render::png(&badges::svg(&face).unwrap(), 1.0).unwrap()
    };
    assert_ne!(draw("渡辺"), draw("麻由"), "no CJK font found: install one (Debian: fonts-droid-fallback or fonts-noto-cjk)");
}

/// Polls a print's page until it is no longer running.
async fn finished_print(client: &Client, path: &str) -> String {
    for _ in 0..600 {
        let page = client.get(path.to_owned()).dispatch().await.into_string().await.unwrap();
        if !page.contains("Drawing badges") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the print did not finish in 30 s");
}

async fn start_print(client: &Client, slug: &str, fields: &[(&str, &str)]) -> String {
    let path = format!("/events/{slug}/manage/badges/prints");
    let response = post_form(client, &path, fields).await;
    assert_eq!(response.status(), Status::SeeOther);
    response.headers().get_one("Location").unwrap().to_owned()
}

/// The texts of the QR codes on page `page` of a PDF, rasterised by poppler.
fn qr_codes_on_page(pdf: &[u8], page: u32) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("badges.pdf");
    std::fs::write(&file, pdf).unwrap();
    let prefix = dir.path().join("page");
    let n = page.to_string();
    let status =
        std::process::Command::new("pdftoppm").args(["-r", "200", "-png", "-singlefile", "-f", &n, "-l", &n]).arg(&file).arg(&prefix).status();
    assert!(status.expect("pdftoppm is installed (poppler-utils)").success());
    let mut found = qr_decode(&std::fs::read(dir.path().join("page.png")).unwrap());
    found.sort();
    found
}

#[rocket::async_test]
async fn organizers_print_badge_sheets_as_a_pdf_with_progress_and_crop_marks() {
    let app = TestApp::new().await;
    let conf = conference(&app, "print", &["Clinician", "Patient"]).await;
    let mut tokens = Vec::new();
    for (i, name) in ["Ann Ames", "Ben Bell", "Cal Cole", "Dee Dunn", "Eve Eads", "Fay Fox", "Gil Gray", "Hal Hunt", "Ida Ives"].iter().enumerate() {
        let person = attendee(&app, &conf, name, Some(if i < 7 { "Clinician" } else { "Patient" }), json!({})).await;
        let found = registration_of(&app, &person).await;
        tokens.push(scan_url(&badge_token(&app, found.id, found.event_id).await));
    }
    // Attendees cannot print.
    let ann = browser_for(&app, "ann.ames@example.org").await;
    let refused = post_form(&ann, "/events/print/manage/badges/prints", &[("paper", "a4")]).await.status();
    assert_eq!(refused, Status::Forbidden);

    let page = app.client.get("/events/print/manage/badges").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("9 confirmed registrations"), "{page}");
    let progress = start_print(&app.client, "print", &[("paper", "a4")]).await;
    let done = finished_print(&app.client, &progress).await;
    assert!(done.contains("Download the PDF") && done.contains("9 badges") && done.contains("(2 pages)"), "{done}");
    let response = app.client.get(format!("{progress}/badges.pdf")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::PDF));
    assert!(response.headers().get_one("Content-Disposition").unwrap().starts_with("attachment"));
    let pdf = response.into_bytes().await.unwrap();
    let info = pdf_info(&pdf);
    assert_eq!(info["Pages"], "2");
    assert!(info["Page size"].contains("(A4)"), "{info:?}");
    assert_eq!(info["Title"], "Badges · Test Conference");
    // Eight badges on the first sheet, alphabetical, each one scannable off the paper.
    let mut first_eight = tokens[..8].to_vec();
    first_eight.sort();
    assert_eq!(qr_codes_on_page(&pdf, 1), first_eight);
    assert_eq!(qr_codes_on_page(&pdf, 2), vec![tokens[8].clone()]);

    // A filtered set on US Letter.
    let patient = conf.role("Patient").to_string();
    let progress = start_print(&app.client, "print", &[("paper", "letter"), ("role", &patient)]).await;
    let done = finished_print(&app.client, &progress).await;
    assert!(done.contains("Role: Patient") && done.contains("2 badges"), "{done}");
    let pdf = app.client.get(format!("{progress}/badges.pdf")).dispatch().await.into_bytes().await.unwrap();
    let info = pdf_info(&pdf);
    assert_eq!(info["Pages"], "1");
    assert!(info["Page size"].starts_with("612 x 792 pts"), "{info:?}");

    // Nothing to print says so; unknown paper too.
    let empty = post_form(&app.client, "/events/print/manage/badges/prints", &[("paper", "a4"), ("q", "nobody-at-all")]).await;
    assert_eq!(empty.headers().get_one("Location"), Some("/events/print/manage/badges"));
    let page = app.client.get("/events/print/manage/badges").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("no badge to print"), "{page}");
    // Another event's organizer cannot read these prints.
    let rival = app.another_instance().await;
    organizer_with_event(&rival, "rival@example.org", "rival", "conference").await;
    assert_eq!(rival.get(format!("{progress}/badges.pdf")).dispatch().await.status(), Status::Forbidden);
    assert_eq!(rival.get(progress.replace("/print/", "/rival/")).dispatch().await.status(), Status::NotFound);
}

#[rocket::async_test]
async fn the_door_page_checks_in_by_camera_scan_typed_code_and_name() {
    let app = TestApp::new().await;
    let conf = conference(&app, "doorway", &["Nurse"]).await;
    let dora = attendee(&app, &conf, "Dora Door", Some("Nurse"), json!({})).await;
    attendee(&app, &conf, "Nora Name", Some("Nurse"), json!({})).await;
    let found = registration_of(&app, &dora).await;
    let token = badge_token(&app, found.id, found.event_id).await;

    let page = app.client.get("/events/doorway/manage/check-in").dispatch().await.into_string().await.unwrap();
    assert!(
        page.contains("data-door") && page.contains("/static/js/door.js") && page.contains(">0</span> of <span data-stat=\"registered\">2</span>"),
        "{page}"
    );
    let attendee_browser = browser_for(&app, "nora.name@example.org").await;
    assert_eq!(attendee_browser.get("/events/doorway/manage/check-in").dispatch().await.status(), Status::Forbidden);

    // What the camera scanner posts.
    let scan = |text: String| {
        let client = &app.client;
        async move {
            let response = post_form(client, "/events/doorway/manage/check-in/scan", &[("token", &text)]).await;
            assert_eq!(response.status(), Status::Ok);
            response.into_json::<Value>().await.unwrap()
        }
    };
    let first = scan(scan_url(&token)).await;
    assert_eq!((first["outcome"].as_str(), first["name"].as_str(), first["role"].as_str()), (Some("checked_in"), Some("Dora Door"), Some("Nurse")));
    let again = scan(token.clone()).await;
    assert_eq!(again["outcome"], "already");
    assert_eq!(again["checked_in_at"], first["checked_in_at"]);
    assert_eq!(again["checked_in_by"], "Org Anizer");
    assert_eq!(scan("http://127.0.0.1:8000/b/r1e1.forged".into()).await["outcome"], "invalid");
    let typed = post_form(&app.client, "/events/doorway/manage/check-in", &[("token", "not a badge")]).await.into_string().await.unwrap();
    assert!(typed.contains("Not a valid badge for this event") && typed.contains("scan-bad"));

    // No badge: find them by name, check in, and come back to the search.
    let results = app.client.get("/events/doorway/manage/check-in?q=nora").dispatch().await.into_string().await.unwrap();
    assert!(results.contains("aria-label=\"Check in Nora Name\"") && !results.contains("Dora Door</strong>"), "{results}");
    let nora = tribe::domain::accounts::find_by_email(app.db(), "nora.name@example.org").await.unwrap().unwrap();
    let nora_registration = registration::Entity::find().filter(registration::Column::UserId.eq(nora.id)).one(app.db()).await.unwrap().unwrap();
    let check_in = format!("/events/doorway/manage/attendees/{}/check-in", nora_registration.id);
    let response = post_form(&app.client, &check_in, &[("return_to", "/events/doorway/manage/check-in?q=nora")]).await;
    assert_eq!(response.headers().get_one("Location"), Some("/events/doorway/manage/check-in?q=nora"));
    let response = post_form(&app.client, &check_in, &[("return_to", "https://elsewhere.example/")]).await;
    assert_eq!(response.headers().get_one("Location"), Some("/events/doorway/manage/attendees?checked_in=no"), "no open redirect");
    let stats: Value = app.client.get("/events/doorway/manage/check-in/stats").dispatch().await.into_json().await.unwrap();
    assert_eq!((stats["checked_in"].as_i64(), stats["registered"].as_i64()), (Some(2), Some(2)));

    // The decoder for browsers without BarcodeDetector, from npm via the build.
    let response = app.client.get("/vendor/jsqr.js").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::JavaScript));
    assert!(response.into_string().await.unwrap().contains("jsQR"));
}

#[rocket::async_test]
async fn offline_scanners_check_badges_with_the_public_key_and_a_signed_list() {
    use base64::Engine;
    let app = TestApp::new().await;
    let conf = conference(&app, "offline", &["Designer"]).await;
    let kept = attendee(&app, &conf, "Kim Kept", Some("Designer"), json!({})).await;
    let gone = attendee(&app, &conf, "Gus Gone", Some("Designer"), json!({})).await;
    let kept_registration = registration_of(&app, &kept).await;
    let gone_registration = registration_of(&app, &gone).await;
    let response = app.client.delete(format!("/api/registrations/{}", gone_registration.id)).header(bearer(&gone.token)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let kept_token = badge_token(&app, kept_registration.id, kept_registration.event_id).await;

    let key: Value = app.client.get("/events/offline/manage/badges/key.json").dispatch().await.into_json().await.unwrap();
    assert_eq!(key["algorithm"], "Ed25519");
    let public = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(key["public_key"].as_str().unwrap()).unwrap();
    // The PEM carries the same 32 bytes.
    let pem = app.client.get("/events/offline/manage/badges/key.pem").dispatch().await.into_string().await.unwrap();
    let der = base64::engine::general_purpose::STANDARD.decode(pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>()).unwrap();
    assert_eq!(&der[der.len() - 32..], &public[..]);
    // With ring directly, as a scanner would: the signed message is as documented.
    let verify = |token: &str| {
        let (body, signature) = token.split_once('.').unwrap();
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature).unwrap();
        let message = key["signed_message"].as_str().unwrap().replace("r<registration>e<event>", body);
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public).verify(message.as_bytes(), &signature).is_ok()
    };
    assert!(verify(&kept_token));
    assert!(!verify(&kept_token.replacen(&format!("r{}", kept_registration.id), &format!("r{}", gone_registration.id + 100), 1)));

    let list: Value = app.client.get("/events/offline/manage/badges/offline-list.json").dispatch().await.into_json().await.unwrap();
    assert_eq!(list["format"], "tribe-badge-list/1");
    assert_eq!(list["public_key"], key["public_key"]);
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(list["signature"].as_str().unwrap()).unwrap();
    let payload = list["payload"].as_str().unwrap();
    let ed25519 = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public);
    assert!(ed25519.verify(payload.as_bytes(), &signature).is_ok(), "the list is signed with the event's key");
    assert!(ed25519.verify(payload.replace("Kim Kept", "Kim Kapt").as_bytes(), &signature).is_err());
    let payload: Value = serde_json::from_str(payload).unwrap();
    let valid: Vec<&str> = payload["valid"].as_array().unwrap().iter().map(|v| v["token"].as_str().unwrap()).collect();
    assert_eq!(valid, vec![kept_token.as_str()]);
    assert_eq!(payload["valid"][0]["name"], "Kim Kept");
    assert_eq!(payload["revoked"][0]["registration"], gone_registration.id);
    assert!(verify(payload["revoked"][0]["token"].as_str().unwrap()), "a cancelled badge is genuine, and listed as revoked");

    // The same over the API for the team; attendees are refused.
    let organizer = api_token(&app.client, "org-offline@example.org", "a long password").await;
    let (status, api_key) = get_json(&app.client, "/api/events/offline/badges/key", &organizer).await;
    assert_eq!((status, &api_key["public_key"]), (Status::Ok, &key["public_key"]));
    let (status, api_list) = get_json(&app.client, "/api/events/offline/badges/offline-list", &organizer).await;
    assert_eq!((status, api_list["format"].as_str()), (Status::Ok, Some("tribe-badge-list/1")));
    assert_eq!(get_json(&app.client, "/api/events/offline/badges/offline-list", &kept.token).await.0, Status::Forbidden);
    let kim = browser_for(&app, "kim.kept@example.org").await;
    assert_eq!(kim.get("/events/offline/manage/badges/key.json").dispatch().await.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn twenty_phones_scanning_one_badge_at_once_record_one_check_in() {
    let app = TestApp::new().await;
    let conf = conference(&app, "rush", &["Clinician"]).await;
    let guest = attendee(&app, &conf, "Rita Rush", Some("Clinician"), json!({})).await;
    let found = registration_of(&app, &guest).await;
    let token = badge_token(&app, found.id, found.event_id).await;
    let organizer = api_token(&app.client, "org-rush@example.org", "a long password").await;
    let body = json!({"token": scan_url(&token)}).to_string();
    let scans =
        (0..20).map(|_| app.client.post("/api/events/rush/checkins").header(ContentType::JSON).header(bearer(&organizer)).body(&body).dispatch());
    let mut answers = Vec::new();
    for response in futures::future::join_all(scans).await {
        let status = response.status();
        answers.push((status, response.into_json::<Value>().await.unwrap()));
    }
    assert_eq!(answers.iter().filter(|(s, _)| *s == Status::Created).count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|(s, _)| *s == Status::Ok).count(), 19);
    let first = &answers.iter().find(|(s, _)| *s == Status::Created).unwrap().1["checked_in_at"];
    assert!(answers.iter().all(|(_, a)| &a["checked_in_at"] == first), "every phone shows the one check-in time");
}

#[rocket::async_test]
async fn badge_keys_are_random_sealed_and_independent_of_the_cookie_key_and_rotate_without_voiding_printed_badges() {
    use base64::Engine;
    let app = TestApp::new().await;
    let conf = conference(&app, "keys", &["Clinician"]).await;
    let holder = attendee(&app, &conf, "Kay Keys", Some("Clinician"), json!({})).await;
    let found = registration_of(&app, &holder).await;
    let printed = badge_token(&app, found.id, found.event_id).await;

    // Stored sealed: the row holds the public key and a ciphertext, and the
    // seed does not open with another key-encryption key.
    let row = tribe::db::entities::event_signing_key::Entity::find().one(app.db()).await.unwrap().unwrap();
    let sealed = base64::engine::general_purpose::STANDARD.decode(&row.sealed_seed).unwrap();
    assert_eq!(sealed.len(), 12 + 32 + 16, "nonce, seed, tag");
    assert!(badges::keys::signing_key(app.db(), &[0u8; 32], found.event_id).await.is_err());

    // Another instance with a different cookie key (ROCKET_SECRET_KEY rotated) still accepts the badge.
    let mut other_secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut other_secret);
    let overrides = [
        ("database_url", app.database_url.clone()),
        ("secret_key", base64::engine::general_purpose::STANDARD.encode(other_secret)),
        ("log_level", "off".to_owned()),
        ("job_interval_secs", "0".to_owned()),
        ("outbox_dir", app.outbox.display().to_string()),
    ];
    let rotated_cookies = Client::tracked(tribe::prepare(tribe::config::Config::figment_with(&overrides)).await.unwrap()).await.unwrap();
    sign_up(&rotated_cookies, "scanner@example.org", "Scanner", "a long password").await;
    let page = rotated_cookies.get(format!("/b/{printed}")).dispatch().await;
    assert_eq!(page.status(), Status::Ok, "a badge does not hang on the cookie key");

    // Rotation: new badges carry the new key, printed ones still scan.
    assert_eq!(post_form(&app.client, "/events/keys/manage/badges/keys", &[]).await.status(), Status::SeeOther);
    let reprinted = badge_token(&app, found.id, found.event_id).await;
    assert_ne!(reprinted, printed);
    let organizer = api_token(&app.client, "org-keys@example.org", "a long password").await;
    let (_, kit) = get_json(&app.client, "/api/events/keys/badges/key", &organizer).await;
    assert_eq!(kit["public_keys"].as_array().unwrap().len(), 2, "the offline kit carries both keys");
    for token in [&printed, &reprinted] {
        assert_eq!(app.client.get(format!("/b/{token}")).dispatch().await.status(), Status::Ok);
    }
    // The signing key cannot be revoked; the old one can, and its badges stop scanning.
    let keys = badges::keys::list(app.db(), found.event_id).await.unwrap();
    let (signing, old) = (keys.iter().find(|k| k.is_signing).unwrap().id, keys.iter().find(|k| !k.is_signing).unwrap().id);
    post_form(&app.client, &format!("/events/keys/manage/badges/keys/{signing}/revoke"), &[]).await;
    assert_eq!(app.client.get(format!("/b/{reprinted}")).dispatch().await.status(), Status::Ok);
    post_form(&app.client, &format!("/events/keys/manage/badges/keys/{old}/revoke"), &[]).await;
    assert_eq!(app.client.get(format!("/b/{printed}")).dispatch().await.status(), Status::NotFound);
    assert_eq!(app.client.get(format!("/b/{reprinted}")).dispatch().await.status(), Status::Ok);
    let (_, kit) = get_json(&app.client, "/api/events/keys/badges/key", &organizer).await;
    assert_eq!(kit["public_keys"].as_array().unwrap().len(), 1);
    // Only the organizer manages keys.
    let attendee_browser = browser_for(&app, "kay.keys@example.org").await;
    assert_eq!(post_form(&attendee_browser, "/events/keys/manage/badges/keys", &[]).await.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn badges_printed_with_the_old_derived_key_keep_scanning_until_that_key_is_revoked() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::new().await;
    let conf = conference(&app, "legacy", &["Clinician"]).await;
    let holder = attendee(&app, &conf, "Lee Legacy", Some("Clinician"), json!({})).await;
    let found = registration_of(&app, &holder).await;
    // The event predates random keys, and its badges were printed then.
    let event = tribe::domain::events::find_by_id(app.db(), found.event_id).await.unwrap().unwrap();
    let mut older: tribe::db::entities::event::ActiveModel = event.into();
    older.created_at = Set(chrono::Utc::now() - chrono::Duration::days(400));
    older.update(app.db()).await.unwrap();
    let secret = "the cookie key of an earlier release";
    let printed = badges::keys::derived_key(secret, found.event_id).token(found.id, found.event_id);
    assert_eq!(app.client.get(format!("/b/{printed}")).dispatch().await.status(), Status::NotFound, "unknown before the import");

    assert_eq!(badges::keys::import_derived_keys(app.db(), secret).await.unwrap(), 1);
    assert_eq!(badges::keys::import_derived_keys(app.db(), secret).await.unwrap(), 0, "once");
    assert_eq!(app.client.get(format!("/b/{printed}")).dispatch().await.status(), Status::Ok, "the printed badge scans");
    let reprinted = badge_token(&app, found.id, found.event_id).await;
    assert_ne!(reprinted, printed, "new badges carry a random key");
    let page = app.client.get("/events/legacy/manage/badges").dispatch().await.into_string().await.unwrap();
    assert!(page.contains("before keys were random"));

    let derived = badges::keys::list(app.db(), found.event_id).await.unwrap().into_iter().find(|k| k.derived).unwrap();
    post_form(&app.client, &format!("/events/legacy/manage/badges/keys/{}/revoke", derived.id), &[]).await;
    assert_eq!(app.client.get(format!("/b/{printed}")).dispatch().await.status(), Status::NotFound);
    assert_eq!(app.client.get(format!("/b/{reprinted}")).dispatch().await.status(), Status::Ok);

    // An event made since random keys gets no derived key.
    conference(&app, "newer", &["Clinician"]).await;
    assert_eq!(badges::keys::import_derived_keys(app.db(), secret).await.unwrap(), 0);
}

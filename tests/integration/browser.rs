//! Pages in a real browser: headless Chromium driven by playwright-core.

use resvg::tiny_skia::Pixmap;
use rocket::http::ContentType;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tribe::db::entities::registration;

use crate::support::*;
use crate::tribe::{attendee, conference};

/// A few seconds of video (YUV4MPEG2, 4:2:0) of `image` on a white
/// background, which Chromium plays as its fake camera.
fn y4m_of(image: &Pixmap, width: u32, height: u32) -> Vec<u8> {
    let (left, top) = ((width - image.width()) / 2, (height - image.height()) / 2);
    let rgb = |x: u32, y: u32| -> (f32, f32, f32) {
        if x < left || y < top || x >= left + image.width() || y >= top + image.height() {
            return (255.0, 255.0, 255.0);
        }
        let p = image.pixel(x - left, y - top).expect("inside").demultiply();
        (f32::from(p.red()), f32::from(p.green()), f32::from(p.blue()))
    };
    let mut frame = Vec::with_capacity((width * height * 3 / 2) as usize);
    for y in 0..height {
        for x in 0..width {
            let (r, g, b) = rgb(x, y);
            frame.push((0.299 * r + 0.587 * g + 0.114 * b).round().clamp(0.0, 255.0) as u8);
        }
    }
    for (cr, cg, cb) in [(-0.169, -0.331, 0.5), (0.5, -0.419, -0.081)] {
        for y in (0..height).step_by(2) {
            for x in (0..width).step_by(2) {
                let (r, g, b) = rgb(x, y);
                frame.push((cr * r + cg * g + cb * b + 128.0).round().clamp(0.0, 255.0) as u8);
            }
        }
    }
    let mut video = format!("YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..5 {
        video.extend_from_slice(b"FRAME\n");
        video.extend_from_slice(&frame);
    }
    video
}

#[rocket::async_test]
async fn staff_check_in_by_pointing_the_door_pages_camera_at_a_badge() {
    let app = TestApp::new().await;
    let conf = conference(&app, "camera", &["Clinician"]).await;
    let guest = attendee(&app, &conf, "Carla Camera", Some("Clinician"), json!({})).await;
    let found = registration::Entity::find().filter(registration::Column::UserId.eq(guest.id)).one(app.db()).await.unwrap().unwrap();
    let png = app.client.get(format!("/registrations/{}/badge.png", found.id)).dispatch().await.into_bytes().await.unwrap();
    let badge = Pixmap::decode_png(&png).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("badge.y4m");
    std::fs::write(&video, y4m_of(&badge, 1280, 720)).unwrap();

    let server = app.serve().await;
    let base = server.base.clone();
    let video_path = video.display().to_string();
    let page = tokio::task::spawn_blocking(move || {
        browser_script("door_camera", &[&base, "org-camera@example.org", "a long password", "camera", &video_path])
    })
    .await
    .unwrap();
    assert_eq!(page["errors"], json!([]), "no script errors: {page}");
    assert!(page["result"].as_str().unwrap().contains("Carla Camera is checked in."), "{page}");
    assert!(page["tone"].as_str().unwrap().contains("scan-good"));
    assert_eq!(page["checked_in"], "1", "the numbers follow");
    // Headless Chromium on Linux has no BarcodeDetector: the npm decoder did the reading.
    if page["barcode_detector"] == false {
        assert_eq!(page["jsqr_loaded"], true);
    }
    let found = registration::Entity::find_by_id(found.id).one(app.db()).await.unwrap().unwrap();
    assert!(found.checked_in_at.is_some());
}

#[rocket::async_test]
async fn a_chat_message_reaches_another_readers_page_live_as_text() {
    let app = TestApp::new().await;
    let chat = crate::chats::chat(&app, "live-browser").await;
    crate::chats::person(&app, "Wren Writer", json!({})).await;
    // Enough said already that the room's messages scroll.
    let api = format!("/api/events/{}/chats/{}/messages", chat.slug, chat.live);
    for name in ["Ada Early", "Ben Early", "Cy Early", "Di Early"] {
        let (_, token) = crate::chats::person(&app, name, json!({})).await;
        for n in 0..3 {
            let body = json!({"body": format!("{name} says something long enough to take two lines on a phone, number {n}."), "topic": "none"});
            let response = app.client.post(&api).header(ContentType::JSON).header(bearer(&token)).body(body.to_string()).dispatch().await;
            assert_eq!(response.status(), rocket::http::Status::Created);
        }
    }
    let server = app.serve().await;
    let base = server.base.clone();
    let room = chat.room(&chat.live);
    let text = r#"T1: <img src=x onerror="window.__xss=1"> see https://example.org/x"#;
    let page = tokio::task::spawn_blocking(move || browser_script("chat_room", &[&base, &room, "wren.writer@example.org", "a long password", text]))
        .await
        .unwrap();
    assert_eq!(page["errors"], json!([]), "no script errors: {page}");
    assert_eq!(page["reloaded"], false, "the reader's page did not reload");
    assert_eq!(page["script_ran"], false, "what people write is text");
    assert_eq!(page["author"], "Wren Writer");
    assert_eq!(page["links"], json!(["https://example.org/x"]));
    // A phone shows the newest messages and the composer together.
    let screen = &page["writer_screen"];
    assert!(
        screen["list_top"].as_f64().unwrap() >= 0.0 && screen["send_bottom"].as_f64().unwrap() <= screen["height"].as_f64().unwrap() + 1.0,
        "{screen}"
    );
    assert_eq!(screen["at_newest"], true, "the room opens at the newest message");
    // A reader scrolled back is not moved by a new message; a button says it came.
    assert_eq!(page["reader_after"]["scrollable"], true, "the test room has enough messages to scroll: {page}");
    assert_eq!(page["reader_after"]["box"], page["reader_before"]["box"], "{page}");
    assert_eq!(page["reader_after"]["page"], page["reader_before"]["page"], "{page}");
    let notice = page["reader_after"]["notice"].as_str().unwrap_or_default();
    assert!(notice.ends_with(" new message ↓") || notice.ends_with(" new messages ↓"), "{page}");
    assert_eq!(page["reader_caught_up"], true);
}

/// The journeys of #8 on the demo data set, in Chromium: a newcomer signs
/// up, registers, builds a clashing agenda, takes its calendar feed, finds
/// their tribe and opens their badge; an organizer creates and publishes an
/// event and checks someone in from their badge URL; a buyer pays through
/// Stripe's checkout. axe-core checks every page on the way.
#[rocket::async_test]
async fn journeys_through_the_site_work_in_chromium_and_every_page_passes_axe() {
    use sea_orm::QueryOrder;
    use tribe::db::entities::{event, event_role, session, ticket_type};

    let fake = crate::fake_stripe::FakeStripe::start().await;
    let app = TestApp::with(&fake.settings("whsec_browser")).await;
    tribe::demo::load(app.db()).await.unwrap();
    let hitmc = event::Entity::find().filter(event::Column::Slug.eq("hitmc")).one(app.db()).await.unwrap().unwrap();
    log_in(&app.client, "organizer@example.org", "tribe-demo").await;
    let added = post_form(&app.client, "/events/hitmc/manage/tickets", &[("name", "Supporter"), ("price", "25"), ("currency", "USD")]).await;
    assert_eq!(added.status(), rocket::http::Status::SeeOther);
    let paid_ticket = ticket_type::Entity::find().filter(ticket_type::Column::Name.eq("Supporter")).one(app.db()).await.unwrap().unwrap();

    // Two sessions at the same time and one after them, none with a seat limit.
    let sessions = session::Entity::find()
        .filter(session::Column::EventId.eq(hitmc.id))
        .filter(session::Column::Capacity.is_null())
        .filter(session::Column::Status.ne(tribe::db::entities::session::SessionStatus::Cancelled))
        .order_by_asc(session::Column::StartsAt)
        .all(app.db())
        .await
        .unwrap();
    let pair = sessions.windows(2).find(|w| w[0].starts_at == w[1].starts_at).expect("parallel sessions in the demo");
    let later = sessions.iter().find(|s| s.starts_at >= pair[0].ends_at.max(pair[1].ends_at)).expect("a later session");
    let chosen = [pair[0].id, pair[1].id, later.id];
    // The role most demo attendees share, so the newcomer has matches.
    let roles = event_role::Entity::find().filter(event_role::Column::EventId.eq(hitmc.id)).all(app.db()).await.unwrap();
    let mut best = (0, String::new());
    for role in roles {
        let holders = registration::Entity::find().filter(registration::Column::RoleId.eq(role.id)).all(app.db()).await.unwrap().len();
        if holders > best.0 {
            best = (holders, role.name);
        }
    }
    let guest = registration::Entity::find()
        .filter(registration::Column::EventId.eq(hitmc.id))
        .filter(registration::Column::Status.eq(tribe::db::entities::registration::RegistrationStatus::Confirmed))
        .filter(registration::Column::CheckedInAt.is_null())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let badge_path = format!("/b/{}", crate::tribe::badge_token(&app, guest.id, hitmc.id).await);
    // Two emails about hitmc the mail server did not take: one refused for
    // good, one waiting for another try (the attendee list shows both).
    for (to, failed, error) in [
        ("no.such.person@example.org", true, "SMTP: permanent error (550): 5.1.1 No such user here"),
        ("busy.inbox@example.org", false, "SMTP: transient error (451): 4.3.0 Mailbox busy, try again later"),
    ] {
        let mail = tribe::domain::mail::Mail {
            to_name: String::new(),
            to_email: to.into(),
            subject: format!("You are registered: {}", hitmc.title),
            text: String::new(),
            calendar: None,
            event_id: Some(hitmc.id),
        };
        let at = tribe::domain::now();
        let id = tribe::domain::jobs::enqueue(app.db(), &tribe::domain::jobs::Job::Email(mail), at + chrono::Duration::minutes(8)).await.unwrap();
        let mut row: tribe::db::entities::job::ActiveModel =
            tribe::db::entities::job::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap().into();
        row.attempts = sea_orm::Set(1);
        row.last_error = sea_orm::Set(error.into());
        row.failed_at = sea_orm::Set(failed.then_some(at));
        sea_orm::ActiveModelTrait::update(row, app.db()).await.unwrap();
    }

    // What the next weekly chat must read in Berlin and in Tokyo, by the server's own code.
    let hcldr = event::Entity::find().filter(event::Column::Slug.eq("hcldr")).one(app.db()).await.unwrap().unwrap();
    let next = tribe::domain::chats::next_occurrence(app.db(), &hcldr, tribe::domain::now()).await.unwrap().expect("a next chat");
    let expected_line = |zone: chrono_tz::Tz| {
        let zones = tribe::domain::times::Zones::for_viewer(chrono_tz::America::New_York, Some((zone, tribe::domain::times::ZoneSource::Chosen)));
        tribe::domain::times::range(next.starts_at, next.ends_at, zones).line()
    };
    let zone_check = json!({"path": "/events/hcldr", "expected": {
        "Europe/Berlin": expected_line(chrono_tz::Europe::Berlin), "Asia/Tokyo": expected_line(chrono_tz::Asia::Tokyo),
    }});

    let server = app.serve().await;
    // A CCC-shaped schedule the organizer starts a new event from.
    let import_dir = tempfile::tempdir().unwrap();
    let import_file = import_dir.path().join("congress.xml");
    std::fs::write(&import_file, crate::imports::CONGRESS).unwrap();
    let config = json!({
        "import_file": import_file,
        "zone_check": zone_check,
        "base": server.base, "stripe": fake.base, "webhook_secret": "whsec_browser", "slug": "hitmc", "role": best.1,
        "sessions": chosen, "organizer": {"email": "organizer@example.org", "password": "tribe-demo"},
        "badge_path": badge_path, "paid_ticket": paid_ticket.id, "chats_path": "/events/hcldr/chats",
    })
    .to_string();
    let seen = tokio::task::spawn_blocking(move || browser_script("journeys", &[&config])).await.unwrap();

    for name in ["attendee", "organizer", "paid", "anonymous", "abroad Europe/Berlin", "abroad Asia/Tokyo"] {
        assert_eq!(seen["journeys"][name]["ok"], true, "the {name} journey failed (screenshots listed): {:#}", seen["journeys"][name]);
    }
    assert_eq!(seen["errors"], json!([]), "no script errors or failed requests");
    let attendee = &seen["journeys"]["attendee"]["seen"];
    assert!(attendee["registered"].as_str().unwrap().contains("You're going"), "{attendee}");
    // The button hierarchy by computed colour: the primary action is filled
    // in the accent colour; a destructive one is red on white until its
    // confirmation, whose button is filled red; never the primary's blue.
    let accent = json!({"color": "rgb(255, 255, 255)", "background": "rgb(11, 92, 173)"});
    assert_eq!(attendee["primary_style"], accent, "{attendee}");
    assert_eq!(attendee["cancel_opener_style"], json!({"color": "rgb(179, 38, 30)", "background": "rgb(255, 255, 255)"}), "{attendee}");
    assert_eq!(attendee["cancel_confirm_style"], json!({"color": "rgb(255, 255, 255)", "background": "rgb(179, 38, 30)"}), "{attendee}");
    assert_eq!(attendee["cancel_hidden_first"], true, "cancelling asks first");
    assert!(attendee["cancel_says"].as_str().unwrap().contains("is freed for someone else"), "{attendee}");
    assert!(attendee["cancelled_flash"].as_str().unwrap().contains("Your registration is cancelled"), "{attendee}");
    assert_eq!(attendee["ticket_status"], "You're going");
    assert_eq!(attendee["qr_phone"]["loaded"], true, "{attendee}");
    assert!(attendee["qr_phone"]["width"].as_f64().unwrap() >= 240.0, "the code is at least 240 px wide on a 360 px phone: {attendee}");
    assert_eq!(attendee["ticket_phone_overflow"], 0, "the ticket fits a 360 px phone");
    assert!(attendee["clash_warning"].as_str().unwrap().contains("2 sessions overlap"), "{attendee}");
    assert_eq!(attendee["kept_scroll"], true, "adding to the agenda keeps the scroll position: {attendee}");
    assert_eq!(attendee["in_agenda_label"].as_str().map(str::trim), Some("✓ In my agenda"));
    assert!(attendee["toast"].as_str().unwrap().contains("is in your agenda"), "{attendee}");
    assert_eq!(attendee["clashing_cards"], 2);
    assert!(attendee["ics_type"].as_str().unwrap().starts_with("text/calendar"));
    assert_eq!((attendee["ics_events"].as_u64(), attendee["ics_starts"].as_str()), (Some(3), Some("BEGIN:VCALENDAR")));
    assert!(attendee["matches"].as_u64().unwrap() > 0, "{attendee}");
    assert!(attendee["badge_width"].as_u64().unwrap() > 0, "the badge image loads");
    assert_eq!(attendee["badge_type"], "image/png");
    let organizer = &seen["journeys"]["organizer"]["seen"];
    assert_eq!(organizer["after_create"], "/events/browser-summit/manage");
    // The create form shows the fields of the chosen kind only, and takes a city for the zone.
    assert_eq!((organizer["chat_fields_hidden"].as_bool(), organizer["chat_fields_shown"].as_bool()), (Some(true), Some(true)), "{organizer}");
    let summit = event::Entity::find().filter(event::Column::Slug.eq("browser-summit")).one(app.db()).await.unwrap().unwrap();
    assert_eq!(summit.time_zone, "America/New_York", "the city typed became its zone");
    assert_eq!(organizer["published_sessions"], 2);
    assert!(organizer["check_in"].as_str().unwrap().starts_with("Checked in"), "{organizer}");
    assert!(organizer["import_report"].as_str().unwrap().contains("Imported:"), "{organizer}");
    assert!(registration::Entity::find_by_id(guest.id).one(app.db()).await.unwrap().unwrap().checked_in_at.is_some());
    let paid = &seen["journeys"]["paid"]["seen"];
    assert_eq!(paid["checkout_host"], "checkout.stripe.com");
    assert_eq!(paid["webhook_status"], 200);
    assert!(paid["registered"].as_str().unwrap().contains("Supporter"), "{paid}");

    // Read abroad, a New York chat names the reader's own day first ("Wed 2
    // Dec, 02:30 your time (Berlin) · Tue 20:30 New York").
    for (zone, city) in [("Europe/Berlin", "Berlin"), ("Asia/Tokyo", "Tokyo")] {
        let abroad = &seen["journeys"][format!("abroad {zone}")]["seen"];
        assert_eq!(abroad["next_chat"], zone_check["expected"][zone], "{abroad}");
        assert!(abroad["next_chat"].as_str().unwrap().contains(&format!("your time ({city}) · ")), "{abroad}");
        assert_eq!(abroad["note"].as_str().unwrap(), format!("Times are in your time ({city}), the zone this device is set to."));
    }
    // No page scrolls sideways on a 360 px phone.
    let overflow = seen["overflow"].as_object().unwrap();
    let wide: Vec<_> = overflow.iter().filter(|(name, px)| !name.starts_with("control") && px.as_i64() != Some(0)).collect();
    assert!(overflow.len() >= 20 && wide.is_empty(), "pages wider than a 360 px phone: {wide:?}");

    let mut accessibility = seen["accessibility"].as_object().unwrap().clone();
    let control = accessibility.remove("control (made to fail)").unwrap();
    let rules: Vec<&str> = control.as_array().unwrap().iter().filter_map(|v| v["id"].as_str()).collect();
    assert!(rules.contains(&"image-alt") && rules.contains(&"label"), "axe finds what is wrong with a broken page: {control}");
    assert!(accessibility.len() >= 20, "axe ran on every page: {:?}", accessibility.keys().collect::<Vec<_>>());
    let failing: Vec<_> = accessibility.iter().filter(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty())).collect();
    assert!(failing.is_empty(), "serious or critical accessibility violations: {failing:#?}");
}

//! Pages in a real browser: headless Chromium driven by playwright-core.

use resvg::tiny_skia::Pixmap;
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
}

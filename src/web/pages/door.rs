//! The door: staff scan badges with the phone's camera (or type a token),
//! search by name when a badge was left at home, and watch the numbers.

use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};

use crate::db::entities::event_member::TeamRole;
use crate::db::entities::registration::RegistrationStatus;
use crate::domain::events;
use crate::domain::registration::attendees::{self, AttendeeFilter};
use crate::domain::registration::checkin::{self, DoorScan};
use crate::error::AppResult;
use crate::web::csrf::CsrfForm;
use crate::web::event_guards::TeamEvent;
use crate::web::render::{Html, Page};
use crate::web::views::badges::DoorPage;
use crate::web::views::registration::AttendeeLine;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![door_page, scan_form, scan_json, door_stats, qr_decoder]
}

async fn door_context(state: &AppState, team: &TeamEvent, q: Option<&str>, scan: Option<&DoorScan>) -> AppResult<DoorPage> {
    let search = q.map(str::trim).filter(|s| !s.is_empty());
    let found = match search {
        Some(needle) => {
            let filter = AttendeeFilter {
                search: Some(needle.to_owned()),
                status: Some(RegistrationStatus::Confirmed.to_string()),
                ..AttendeeFilter::default()
            };
            let mut rows = attendees::list(&state.db, &team.event, &filter).await?;
            rows.truncate(50);
            rows.into_iter().map(|row| AttendeeLine::new(row, events::zone_of(&team.event))).collect()
        }
        None => Vec::new(),
    };
    let tone = scan.map(|s| match s.outcome {
        "checked_in" => "scan-good",
        "already" => "scan-warn",
        _ => "scan-bad",
    });
    Ok(DoorPage {
        event: events::summarize(&team.event),
        team_page: "Check-in",
        is_organizer: team.role == TeamRole::Organizer,
        stats: checkin::stats(&state.db, team.event.id).await?,
        q: search.map(str::to_owned),
        searched: search.is_some(),
        found,
        scan: scan.cloned(),
        tone,
        return_to: format!(
            "/events/{}/manage/check-in?q={}",
            team.event.slug,
            url::form_urlencoded::byte_serialize(search.unwrap_or("").as_bytes()).collect::<String>()
        ),
    })
}

#[get("/events/<_slug>/manage/check-in?<q>")]
async fn door_page(_slug: &str, q: Option<&str>, team: TeamEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let context = door_context(state, &team, q, None).await?;
    Ok(page.ok("organize/door", &format!("Check-in · {}", team.event.title), context))
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ScanForm {
    token: String,
}

/// A token typed or pasted at the door (the scanner without JavaScript).
#[post("/events/<_slug>/manage/check-in", data = "<form>")]
async fn scan_form(_slug: &str, team: TeamEvent, form: CsrfForm<ScanForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let scan = checkin::at_the_door(&state.db, team.event.id, &form.0.token, &team.member).await?;
    let context = door_context(state, &team, None, Some(&scan)).await?;
    Ok(page.ok("organize/door", &format!("Check-in · {}", team.event.title), context))
}

/// What the camera scanner posts: the same check-in, answered as JSON.
#[post("/events/<_slug>/manage/check-in/scan", data = "<form>")]
async fn scan_json(_slug: &str, team: TeamEvent, form: CsrfForm<ScanForm>, state: &State<AppState>) -> AppResult<Json<DoorScan>> {
    Ok(Json(checkin::at_the_door(&state.db, team.event.id, &form.0.token, &team.member).await?))
}

#[get("/events/<_slug>/manage/check-in/stats")]
async fn door_stats(_slug: &str, team: TeamEvent, state: &State<AppState>) -> AppResult<Json<checkin::Stats>> {
    Ok(Json(checkin::stats(&state.db, team.event.id).await?))
}

/// The QR decoder for browsers without BarcodeDetector: the npm package
/// `jsqr`, installed by the build (see build.rs), not kept in the repository.
#[get("/vendor/jsqr.js")]
fn qr_decoder() -> Option<(rocket::http::ContentType, &'static [u8])> {
    let script: &'static [u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jsqr.js"));
    (!script.is_empty()).then_some((rocket::http::ContentType::JavaScript, script))
}

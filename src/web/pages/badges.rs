//! A registration's badge (SVG with a QR code of `<base>/b/<token>`) and
//! what opening that URL shows: the check-in screen for the event's team,
//! a public card (never private data) for anyone else.

use rocket::http::{ContentType, Status};
use rocket::response::status::Custom;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde_json::json;

use crate::db::entities::{event, registration as registration_row};
use crate::domain::checkin::{self, Scanned};
use crate::domain::tribe::connections::{self, Standing};
use crate::domain::tribe::profiles;
use crate::domain::{accounts, badges, events, registration, tickets};
use crate::error::{AppError, AppResult};
use crate::web::csrf::CsrfForm;
use crate::web::guards::CurrentUser;
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![badge_svg, scanned, connect_by_scan]
}

pub fn badge_url(state: &AppState, found: &registration_row::Model) -> String {
    format!("{}/b/{}", state.config.base_url, badges::token(&state.config.badge_key, found.id, found.event_id))
}

async fn role_of(state: &AppState, found: &registration_row::Model) -> AppResult<Option<(String, String)>> {
    let roles = events::places::roles(&state.db, found.event_id).await?;
    Ok(found.role_id.and_then(|id| roles.into_iter().find(|r| r.id == id)).map(|r| (r.name, r.color)))
}

/// The badge of a confirmed registration, for its holder and the event's team.
#[get("/registrations/<id>/badge.svg")]
async fn badge_svg(id: i32, user: CurrentUser, state: &State<AppState>) -> AppResult<(ContentType, String)> {
    let found = registration::find(&state.db, id).await?;
    let event = events::find_by_id(&state.db, found.event_id).await?.ok_or(AppError::NotFound)?;
    if found.user_id != user.0.id && events::effective_role(&state.db, &event, &user.0).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if found.status != "confirmed" {
        return Err(AppError::Conflict("Only a confirmed registration has a badge.".into()));
    }
    let holder = accounts::find_by_id(&state.db, found.user_id).await?.ok_or(AppError::NotFound)?;
    let profile = crate::db::entities::profile::Entity::find_by_user(&state.db, holder.id).await?;
    let role = role_of(state, &found).await?;
    let url = badge_url(state, &found);
    let face = badges::BadgeFace {
        name: &holder.display_name,
        organization: profile.as_ref().map(|p| p.organization.as_str()).unwrap_or(""),
        role: role.as_ref().map(|(n, c)| (n.as_str(), c.as_str())),
        handle: profile.as_ref().map(|p| p.handle_x.as_str()).unwrap_or(""),
        event: &event.title,
        url: &url,
    };
    Ok((ContentType::SVG, badges::svg(&face)?))
}

fn refused(page: &Page, status: Status, title: &str, detail: &str) -> Html {
    Html::WithStatus(Custom(status, page.render("badges/scanned", title, json!({"refused": {"title": title, "detail": detail}}))))
}

/// A scanned badge. Staff and organizers get the check-in screen; anyone
/// else the public card or a prompt to log in.
#[get("/b/<token>")]
async fn scanned(token: &str, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let found = match checkin::resolve_token(&state.db, &state.config.badge_key, token, None).await? {
        Scanned::Valid(found) => found,
        Scanned::Invalid => return Ok(refused(&page, Status::NotFound, "Not a valid badge", "This code was not made by Tribe, or it was changed.")),
        Scanned::NoLongerValid(found) => {
            return Ok(refused(&page, Status::Gone, "This badge is no longer valid", &format!("The registration is {}.", found.status)))
        }
    };
    let event: event::Model = events::find_by_id(&state.db, found.event_id).await?.ok_or(AppError::NotFound)?;
    let team = match &page.user {
        Some(viewer) => events::effective_role(&state.db, &event, viewer).await?,
        None => None,
    };
    let holder = accounts::find_by_id(&state.db, found.user_id).await?.ok_or(AppError::NotFound)?;
    let summary = events::summarize(&event);
    if team.is_some() {
        let ticket = tickets::find(&state.db, event.id, found.ticket_type_id).await?;
        let checked_by = match found.checked_in_by {
            Some(id) => accounts::find_by_id(&state.db, id).await?.map(|u| u.display_name),
            None => None,
        };
        let role = role_of(state, &found).await?.map(|(name, _)| name);
        return Ok(page.ok(
            "badges/scanned",
            &format!("Check in · {}", holder.display_name),
            json!({
                "event": summary,
                "staff": {
                    "registration_id": found.id, "name": holder.display_name, "ticket": ticket.name, "role": role,
                    "checked_in_at": found.checked_in_at.map(|t| t.format("%H:%M UTC, %b %-d").to_string()), "checked_in_by": checked_by,
                },
            }),
        ));
    }
    // Another attendee of the event: connect with the holder.
    if let Some(viewer) = page.user.as_ref().filter(|v| v.id != holder.id) {
        if registration::is_registered(&state.db, event.id, viewer.id).await? {
            let holder_profile = profiles::load(&state.db, holder.id).await?;
            let standing = connections::standing(&state.db, viewer.id, holder.id).await?;
            return Ok(page.ok(
                "badges/scanned",
                &format!("Connect with {}", holder.display_name),
                json!({
                    "event": summary,
                    "connect": {
                        "token": token, "name": holder.display_name, "user_id": holder.id,
                        "instant": holder_profile.share_on_scan,
                        "can_ask": standing == Standing::None,
                        "connected": standing == Standing::Connected,
                        "pending": standing == Standing::RequestSent,
                    },
                }),
            ));
        }
    }
    // Anyone else: only what the holder made public.
    let public = accounts::public_profile(&state.db, holder.id).await?;
    Ok(page.ok(
        "badges/scanned",
        "A Tribe badge",
        json!({"event": summary, "card": {"name": public.as_ref().map(|_| holder.display_name.clone()), "profile": public}}),
    ))
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ScanConnectForm {
    note: String,
}

/// Connecting by scanning: the token proves the two met. A holder who
/// opted into share-on-scan is connected at once; otherwise a request goes.
#[post("/b/<token>/connect", data = "<form>")]
async fn connect_by_scan(token: &str, user: CurrentUser, form: CsrfForm<ScanConnectForm>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let found = match checkin::resolve_token(&state.db, &state.config.badge_key, token, None).await? {
        Scanned::Valid(found) => found,
        Scanned::Invalid => return Err(AppError::NotFound),
        Scanned::NoLongerValid(_) => return Err(AppError::Gone("This badge is no longer valid.".into())),
    };
    if !registration::is_registered(&state.db, found.event_id, user.0.id).await? {
        return Err(AppError::Forbidden("Only attendees of the same event connect by scanning a badge.".into()));
    }
    let instant = profiles::load(&state.db, found.user_id).await?.share_on_scan;
    // Back to the scan: it says where things stand, and the holder's profile
    // page may not be open to the scanner.
    let back = Redirect::to(format!("/b/{token}"));
    crate::web::pages::profiles::requested_flash(
        back,
        connections::request(&state.db, &user.0, found.user_id, Some(found.event_id), &form.0.note, instant).await,
    )
}

//! A registration's badge (SVG with a QR code of `<base>/b/<token>`) and
//! what opening that URL shows: the check-in screen for the event's team,
//! a public card (never private data) for anyone else.

use rocket::http::{ContentType, Status};
use rocket::response::status::Custom;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};

use crate::db::entities::badge_print::PrintStatus;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{event, registration as registration_row};
use crate::domain::accounts;
use crate::domain::badges;
use crate::domain::badges::{prints, render};
use crate::domain::community::connections::{self, Standing};
use crate::domain::community::profiles;
use crate::domain::events;
use crate::domain::registration;
use crate::domain::registration::attendees::AttendeeFilter;
use crate::domain::registration::checkin::{self, Scanned};
use crate::domain::registration::tickets;
use crate::error::{AppError, AppResult};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::{OrganizedEvent, TeamEvent};
use crate::web::guards::CurrentUser;
use crate::web::render::{Download, Html, Page};
use crate::web::views::badges::{BadgesPage, ConnectCard, DoorCard, KeyRow, NamedId, PrintPage, PublicCard, Refusal, ScannedPage};
use crate::web::views::Choice;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        badge_svg,
        ticket_qr,
        badge_png,
        scanned,
        connect_by_scan,
        badges_page,
        start_print,
        print_page,
        print_pdf,
        key_json,
        key_pem,
        rotate_key,
        revoke_key,
        offline_list
    ]
}

async fn role_of(state: &AppState, found: &registration_row::Model) -> AppResult<Option<(String, String)>> {
    let roles = events::places::roles(&state.db, found.event_id).await?;
    Ok(found.role_id.and_then(|id| roles.into_iter().find(|r| r.id == id)).map(|r| (r.name, r.color)))
}

/// What a confirmed registration's badge shows, for its holder and the
/// event's team: the holder, the event, and the signed address its code holds.
async fn badge_of(id: i32, user: &CurrentUser, state: &AppState) -> AppResult<(prints::Holder, crate::db::entities::event::Model, String)> {
    let found = registration::find(&state.db, id).await?;
    let event = events::find_by_id(&state.db, found.event_id).await?.ok_or(AppError::NotFound)?;
    if found.user_id != user.0.id && events::effective_role(&state.db, &event, &user.0).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if found.status != RegistrationStatus::Confirmed {
        return Err(AppError::Conflict("Only a confirmed registration has a badge.".into()));
    }
    let holder = prints::holders(&state.db, &event, &[id]).await?.pop().ok_or(AppError::NotFound)?;
    let key = badges::keys::signing_key(&state.db, &state.config.key_encryption_key, found.event_id).await?;
    let url = prints::badge_url(&state.config.base_url, &key, found.id, found.event_id);
    Ok((holder, event, url))
}

async fn badge_svg_of(id: i32, user: &CurrentUser, state: &AppState) -> AppResult<String> {
    let (holder, event, url) = badge_of(id, user, state).await?;
    badges::svg(&holder.face(&event.title, &url))
}

#[get("/registrations/<id>/badge.svg")]
async fn badge_svg(id: i32, user: CurrentUser, state: &State<AppState>) -> AppResult<(ContentType, String)> {
    Ok((ContentType::SVG, badge_svg_of(id, &user, state).await?))
}

/// The badge's code alone, for the ticket screen (shown large on a phone).
#[get("/registrations/<id>/qr.svg")]
async fn ticket_qr(id: i32, user: CurrentUser, state: &State<AppState>) -> AppResult<(ContentType, String)> {
    let (_, _, url) = badge_of(id, &user, state).await?;
    Ok((ContentType::SVG, badges::qr_svg(&url)?))
}

/// The same badge as a PNG at about 300 dpi.
#[get("/registrations/<id>/badge.png")]
async fn badge_png(id: i32, user: CurrentUser, state: &State<AppState>) -> AppResult<(ContentType, Vec<u8>)> {
    let svg = badge_svg_of(id, &user, state).await?;
    let png = tokio::task::spawn_blocking(move || render::png(&svg, 3.0)).await.map_err(|e| AppError::Internal(format!("badge PNG: {e}")))??;
    Ok((ContentType::PNG, png))
}

fn refused(page: &Page, status: Status, title: &str, detail: &str) -> Html {
    let view = ScannedPage { refused: Some(Refusal { title: title.to_owned(), detail: detail.to_owned() }), ..ScannedPage::default() };
    Html::WithStatus(Custom(status, page.render("badges/scanned", title, view)))
}

/// A scanned badge. Staff and organizers get the check-in screen; anyone
/// else the public card or a prompt to log in.
#[get("/b/<token>")]
async fn scanned(token: &str, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let found = match checkin::resolve_token(&state.db, token, None).await? {
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
            ScannedPage {
                event: Some(summary),
                staff: Some(DoorCard {
                    registration_id: found.id,
                    name: holder.display_name.clone(),
                    ticket: ticket.name,
                    role,
                    checked_in_at: found.checked_in_at.map(|t| crate::domain::times::moment(t, events::zone_of(&event))),
                    checked_in_by: checked_by,
                }),
                ..ScannedPage::default()
            },
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
                ScannedPage {
                    event: Some(summary),
                    connect: Some(ConnectCard {
                        token: token.to_owned(),
                        name: holder.display_name.clone(),
                        user_id: holder.id,
                        instant: holder_profile.share_on_scan,
                        can_ask: standing == Standing::None,
                        connected: standing == Standing::Connected,
                        pending: standing == Standing::RequestSent,
                    }),
                    ..ScannedPage::default()
                },
            ));
        }
    }
    // Anyone else: only what the holder made public.
    let public = accounts::public_profile(&state.db, holder.id).await?;
    Ok(page.ok(
        "badges/scanned",
        "A Tribe badge",
        ScannedPage {
            event: Some(summary),
            card: Some(PublicCard { name: public.as_ref().map(|_| holder.display_name.clone()), profile: public }),
            ..ScannedPage::default()
        },
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
    let found = match checkin::resolve_token(&state.db, token, None).await? {
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

fn badges_url(event: &event::Model) -> String {
    format!("/events/{}/manage/badges", event.slug)
}

/// Printing badges and the offline kit for door scanners.
#[get("/events/<_slug>/manage/badges")]
async fn badges_page(_slug: &str, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let event = &organized.event;
    let ticket_types = tickets::list(&state.db, event.id).await?;
    let roles = events::places::roles(&state.db, event.id).await?;
    let confirmed = prints::select(&state.db, event, &AttendeeFilter::default()).await?.len();
    Ok(page.ok(
        "organize/badges",
        &format!("Badges · {}", event.title),
        BadgesPage {
            event: events::summarize(event),
            confirmed,
            tickets: ticket_types.into_iter().map(|t| NamedId { id: t.id, name: t.name }).collect(),
            roles: Choice::roles(&roles, None),
            prints: prints::recent(&state.db, &event).await?,
            keys: key_rows(state, event).await?,
        },
    ))
}

/// The event's badge keys for the offline kit section (made on first look,
/// so the page always shows the key that signs).
async fn key_rows(state: &AppState, event: &event::Model) -> AppResult<Vec<KeyRow>> {
    badges::keys::signing_key(&state.db, &state.config.key_encryption_key, event.id).await?;
    let zone = events::zone_of(event);
    Ok(badges::keys::list(&state.db, event.id).await?.into_iter().map(|k| KeyRow::new(k, zone)).collect())
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct PrintForm {
    paper: String,
    ticket: String,
    role: String,
    q: String,
}

/// Starts drawing a PDF of the chosen badges and shows its progress.
#[post("/events/<_slug>/manage/badges/prints", data = "<form>")]
async fn start_print(_slug: &str, organized: OrganizedEvent, form: CsrfForm<PrintForm>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let form = form.0;
    let event = &organized.event;
    let back = Redirect::to(badges_url(event));
    let Some(paper) = render::Paper::parse(&form.paper) else {
        return Ok(Flash::error(back, "Choose A4 or US Letter."));
    };
    let ticket_types = tickets::list(&state.db, event.id).await?;
    let roles = events::places::roles(&state.db, event.id).await?;
    let ticket = ticket_types.iter().find(|t| t.id.to_string() == form.ticket.trim());
    let role = roles.iter().find(|r| r.id.to_string() == form.role.trim());
    let search = form.q.trim();
    let filter = AttendeeFilter {
        search: (!search.is_empty()).then(|| search.to_owned()),
        ticket_type_id: ticket.map(|t| t.id),
        role_id: role.map(|r| r.id),
        ..AttendeeFilter::default()
    };
    let mut selection: Vec<String> = Vec::new();
    if let Some(t) = ticket {
        selection.push(format!("Ticket: {}", t.name));
    }
    if let Some(r) = role {
        selection.push(format!("Role: {}", r.name));
    }
    if !search.is_empty() {
        selection.push(format!("Matching “{search}”"));
    }
    let selection = if selection.is_empty() { "Everyone confirmed".to_owned() } else { selection.join(" · ") };
    let ids = prints::select(&state.db, event, &filter).await?;
    let print = match prints::start(&state.db, event, &organized.organizer, paper, &selection, &ids).await {
        Ok(print) => print,
        Err(AppError::Conflict(message)) => return Ok(Flash::error(back, message)),
        Err(other) => return Err(other),
    };
    state.jobs.submit(crate::domain::jobs::Job::BadgePrint { print_id: print.id }).await?;
    Ok(Flash::success(Redirect::to(format!("{}/prints/{}", badges_url(event), print.id)), "Drawing the badges."))
}

/// A print's progress; the page refreshes itself until the PDF is ready.
#[get("/events/<_slug>/manage/badges/prints/<id>")]
async fn print_page(_slug: &str, id: i32, organized: OrganizedEvent, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let print = prints::find(&state.db, &organized.event, id).await?;
    Ok(page.ok(
        "organize/badge_print",
        &format!("Badges · {}", organized.event.title),
        PrintPage {
            event: events::summarize(&organized.event),
            running: print.status == PrintStatus::Running,
            refresh_seconds: (print.status == PrintStatus::Running).then_some(2),
            print,
        },
    ))
}

#[get("/events/<_slug>/manage/badges/prints/<id>/badges.pdf")]
async fn print_pdf(_slug: &str, id: i32, organized: OrganizedEvent, state: &State<AppState>) -> AppResult<Download<Vec<u8>>> {
    let pdf = prints::pdf(&state.db, organized.event.id, id).await?;
    Ok(Download { kind: ContentType::PDF, file_name: format!("{}-badges-{id}.pdf", organized.event.slug), body: pdf, private: true })
}

/// The event's public key, for a scanner that checks badges without a network.
#[get("/events/<_slug>/manage/badges/key.json")]
async fn key_json(_slug: &str, team: TeamEvent, state: &State<AppState>) -> AppResult<Json<badges::offline::BadgeKey>> {
    Ok(Json(badges::offline::public_key(&state.db, &state.config.key_encryption_key, &team.event).await?))
}

#[get("/events/<_slug>/manage/badges/key.pem")]
async fn key_pem(_slug: &str, team: TeamEvent, state: &State<AppState>) -> AppResult<(ContentType, String)> {
    let key = badges::keys::signing_key(&state.db, &state.config.key_encryption_key, team.event.id).await?;
    Ok((ContentType::new("application", "x-pem-file"), key.public_key_pem()))
}

/// A new signing key: badges printed from now on carry it; the old key
/// keeps verifying the badges already printed until it is revoked.
#[post("/events/<_slug>/manage/badges/keys", data = "<_form>")]
async fn rotate_key(_slug: &str, organized: OrganizedEvent, _form: CsrfForm<CsrfOnly>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    badges::keys::rotate(&state.db, &state.config.key_encryption_key, organized.event.id).await?;
    Ok(Flash::success(
        Redirect::to(format!("/events/{}/manage/badges#keys", organized.event.slug)),
        "A new badge key signs from now on. Badges printed before still scan until you revoke the old key. Download the offline kit again for your scanners.",
    ))
}

/// Revokes an older key: the badges it signed stop scanning.
#[post("/events/<_slug>/manage/badges/keys/<id>/revoke", data = "<_form>")]
async fn revoke_key(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let back = Redirect::to(format!("/events/{}/manage/badges#keys", organized.event.slug));
    match badges::keys::revoke(&state.db, organized.event.id, id).await {
        Ok(()) => Ok(Flash::success(back, "The key is revoked: badges printed with it no longer scan.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(back, message)),
        Err(other) => Err(other),
    }
}

/// Every badge of the event as of now, signed with the event's key.
#[get("/events/<_slug>/manage/badges/offline-list.json")]
async fn offline_list(_slug: &str, team: TeamEvent, state: &State<AppState>) -> AppResult<Json<badges::SignedDocument>> {
    Ok(Json(badges::offline::signed_list(&state.db, &state.config.key_encryption_key, &team.event).await?))
}

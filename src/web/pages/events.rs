//! The public side of an event: its home, schedule (list and grid), session
//! and speaker pages, and the frab exports.

use rocket::http::ContentType;
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::Metadata;

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::event::EventKind;
use crate::db::entities::event_member::TeamRole;
use crate::domain::accounts;
use crate::domain::chats;
use crate::domain::events;
use crate::domain::markdown;
use crate::domain::now;
use crate::domain::schedule::exports::ExportKind;
use crate::domain::schedule::{ScheduledSession, Scope};
use crate::domain::times::{self, Zones};
use crate::error::{AppError, AppResult};
use crate::web::conditional::Conditional;
use crate::web::csrf::CsrfToken;
use crate::web::event_guards::VisibleEvent;
use crate::web::guards::{MaybeUser, ViewerZone};
use crate::web::kept_sessions::KeptState;
use crate::web::render::{Html, Page, Private};
use crate::web::views::events::{
    EventFrame, EventHomePage, NextOccurrence, ScheduleFilters, SchedulePage, ScheduleQuery, SessionPage, SpeakerPage, SpeakerView, UpcomingWeek,
    VisitorState,
};
use crate::web::views::frame::ZoneNote;
use crate::web::views::registration::RegistrationPanel;
use crate::web::views::schedule::{days_list, grid, now_and_next, session_card, speaker_matches, AgendaOffer, Viewer};
use crate::web::views::seo;
use crate::web::AppState;
use rocket::response::content::RawJson;

pub fn routes() -> Vec<Route> {
    routes![event_home, schedule_page, session_page, speaker_page, visitor_state, schedule_xml, schedule_json, schedule_ics, session_ics]
}

async fn viewer_of(state: &AppState, visible: &VisibleEvent, zone: &ViewerZone, page: &Page) -> AppResult<Viewer> {
    if page.for_members() {
        // The copy for every member: each agenda button can be offered;
        // the script shows each member's own (`me.json`).
        return Ok(Viewer { zone: None, agenda_offer: AgendaOffer::Toggle, ..Viewer::default() });
    }
    own_viewer(state, visible, zone).await
}

/// What this visitor's own page shows them: their zone, whether they can
/// save sessions, and the sessions they saved.
async fn own_viewer(state: &AppState, visible: &VisibleEvent, zone: &ViewerZone) -> AppResult<Viewer> {
    let Some(user) = &visible.viewer else { return Ok(Viewer { zone: zone.0, agenda_offer: AgendaOffer::LogIn, ..Viewer::default() }) };
    let registered = crate::domain::registration::is_registered(&state.db, visible.event.id, user.id).await?;
    Ok(Viewer {
        zone: zone.0,
        agenda_offer: if registered { AgendaOffer::Toggle } else { AgendaOffer::Register },
        agenda: crate::domain::schedule::agenda::session_ids(&state.db, user.id).await?.into_iter().collect(),
    })
}

/// The team sees drafts in place; everyone else the published schedule.
fn scope_for(visible: &VisibleEvent) -> Scope {
    if visible.role.is_some() {
        Scope::All
    } else {
        Scope::Published
    }
}

fn event_frame(visible: &VisibleEvent, viewer: &Viewer) -> EventFrame {
    let event = &visible.event;
    EventFrame {
        zone_note: ZoneNote::new(Zones::for_viewer(events::zone_of(event), viewer.zone)),
        event: events::summarize(event),
        is_published: event.is_published,
        can_manage: visible.role == Some(TeamRole::Organizer),
        zone: event.time_zone.clone(),
    }
}

#[get("/events/<_slug>?<access>", rank = 2)]
async fn event_home(
    _slug: &str,
    access: Option<&str>,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    page: Page,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    let event = &visible.event;
    let zone = events::zone_of(event);
    let viewer = viewer_of(state, &visible, &viewer_zone, &page).await?;
    // The ticket types, loaded once for the search engines' offers and the panel.
    let listed = crate::domain::registration::tickets::list(&state.db, event.id).await?;
    let meta = seo::event_meta(&state.config.base_url, event, &listed, now());
    let registration = RegistrationPanel::load(
        &state.db,
        state.config.stripe.is_some(),
        event,
        visible.viewer.as_ref(),
        access.unwrap_or(""),
        listed,
        Zones::for_viewer(zone, viewer.zone),
    )
    .await?;
    let mut view = EventHomePage {
        frame: event_frame(&visible, &viewer),
        meta,
        description_html: markdown::to_safe_html(&event.description),
        venue_address: event.venue_address.clone(),
        venue_map_url: event.venue_map_url.clone(),
        online_url: event.online_url.clone(),
        host_name: event.host_name.clone(),
        registration,
        next_occurrence: None,
        upcoming: None,
        session_count: None,
        now_and_next: None,
    };
    if event.kind == EventKind::OnlineChat {
        if let Some(next) = chats::next_occurrence(&state.db, event, now()).await? {
            view.next_occurrence = Some(NextOccurrence {
                when: times::range(next.starts_at, next.ends_at, Zones::for_viewer(zone, viewer.zone)),
                moved: next.status == OccurrenceStatus::Moved,
                room: format!("/events/{}/chats/{}", event.slug, crate::domain::chats::room::key_of(next.scheduled_start)),
                topics: next.public_topics().to_vec(),
            });
        }
        let upcoming = chats::occurrences(&state.db, event).await?.into_iter().filter(|o| o.ends_at > now()).take(6);
        view.upcoming = Some(upcoming.map(|o| UpcomingWeek::new(&o, zone, viewer.zone)).collect());
    } else {
        let loaded = state.schedules.load(&state.db, event, Scope::Published).await?;
        view.session_count = Some(loaded.sessions.len());
        view.now_and_next = now_and_next(&loaded, now(), &viewer);
    }
    page.public(&templates, "events/show", &event.title, view).await
}

#[get("/events/<_slug>/schedule?<track>&<tag>&<view>&<day>&<q>")]
#[allow(clippy::too_many_arguments)]
async fn schedule_page(
    _slug: &str,
    track: Option<i32>,
    tag: Option<&str>,
    view: Option<&str>,
    day: Option<&str>,
    q: Option<&str>,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    mut page: Page,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    // Only what everyone (every member) may see is kept.
    page.keep_only_if(visible.role.is_none());
    let viewer = viewer_of(state, &visible, &viewer_zone, &page).await?;
    let loaded = state.schedules.load(&state.db, &visible.event, scope_for(&visible)).await?;
    let query = ScheduleQuery {
        track,
        tag: tag.map(|t| t.trim().trim_start_matches('#').to_lowercase()).filter(|t| !t.is_empty()),
        q: q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
    };
    let keep = |s: &ScheduledSession| {
        query.track.is_none_or(|t| s.session.track_id == Some(t))
            && query.tag.as_ref().is_none_or(|t| s.tags().contains(t))
            && query.q.as_ref().is_none_or(|q| s.matches(q))
    };
    let as_grid = view == Some("grid");
    let days = loaded.days();
    let filters = ScheduleFilters::new(&loaded, &days, &query, as_grid, day, now());
    let shown_days: Vec<_> = days.into_iter().filter(|d| filters.shows(d.date)).collect();
    let view = SchedulePage {
        frame: event_frame(&visible, &viewer),
        meta: seo::plain_meta(
            &state.config.base_url,
            &format!("/events/{}/schedule", visible.event.slug),
            &format!("Schedule · {}", visible.event.title),
            format!("The schedule of {}: {} sessions, with rooms, tracks and speakers.", visible.event.title, loaded.sessions.len()),
        ),
        grids: as_grid.then(|| shown_days.iter().filter_map(|day| grid(&loaded, day, &keep, &viewer)).collect()),
        days: (!as_grid).then(|| days_list(&loaded, &shown_days, &keep, &viewer)),
        now_and_next: now_and_next(&loaded, now(), &viewer),
        agenda_offer: viewer.agenda_offer,
        back: page.here.clone(),
        filters,
        query,
    };
    page.public(&templates, "events/schedule", &format!("Schedule · {}", visible.event.title), view).await
}

#[get("/events/<_slug>/sessions/<id>", rank = 2)]
async fn session_page(
    _slug: &str,
    id: i32,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    mut page: Page,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    // Only what everyone (every member) may see is kept.
    page.keep_only_if(visible.role.is_none());
    let viewer = viewer_of(state, &visible, &viewer_zone, &page).await?;
    let loaded =
        state.schedules.load(&state.db, &visible.event, if visible.role.is_some() { Scope::All } else { Scope::PublishedAndCancelled }).await?;
    let found = loaded.sessions.iter().find(|s| s.session.id == id).ok_or(AppError::NotFound)?;
    let view = SessionPage {
        frame: event_frame(&visible, &viewer),
        meta: seo::session_meta(&state.config.base_url, &visible.event, found),
        session: session_card(&loaded, found, &viewer),
        abstract_html: markdown::to_safe_html(&found.session.r#abstract),
        back: format!("/events/{}/sessions/{}", visible.event.slug, found.session.id),
        language: crate::web::views::events::language_name(&found.session.language),
    };
    page.public(&templates, "events/session", &found.session.title, view).await
}

#[get("/events/<_slug>/speakers/<key>")]
async fn speaker_page(
    _slug: &str,
    key: &str,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    mut page: Page,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    // Only what everyone (every member) may see is kept.
    page.keep_only_if(visible.role.is_none());
    let viewer = viewer_of(state, &visible, &viewer_zone, &page).await?;
    let loaded = state.schedules.load(&state.db, &visible.event, scope_for(&visible)).await?;
    let theirs: Vec<&ScheduledSession> = loaded.sessions.iter().filter(|s| s.speakers.iter().any(|p| speaker_matches(p, key))).collect();
    let speaker = theirs.first().and_then(|s| s.speakers.iter().find(|p| speaker_matches(p, key))).ok_or(AppError::NotFound)?;
    // A speaker's name is public with the schedule; the rest of their
    // profile only when they made it public.
    let profile = match speaker.user_id {
        Some(user_id) => accounts::public_profile(&state.db, user_id).await?,
        None => None,
    };
    let view = SpeakerPage {
        frame: event_frame(&visible, &viewer),
        meta: seo::plain_meta(
            &state.config.base_url,
            &format!("/events/{}/speakers/{key}", visible.event.slug),
            &speaker.name,
            format!("{} speaks at {}: {} session{}.", speaker.name, visible.event.title, theirs.len(), if theirs.len() == 1 { "" } else { "s" }),
        ),
        speaker: SpeakerView { name: speaker.name.clone(), profile },
        sessions: theirs.iter().map(|s| session_card(&loaded, s, &viewer)).collect(),
    };
    page.public(&templates, "events/speaker", &speaker.name, view).await
}

/// `me.json`: what the page kept for every logged-in visitor leaves out,
/// for this one (their name, form token, zone, and agenda), which the
/// page's script fills in. Never kept by browsers or caches on the way; this
/// instance keeps it for the fast path, for a second at most
/// (`kept_sessions`), and forgets it at the account's next write.
#[get("/events/<_slug>/me.json")]
async fn visitor_state(
    _slug: &str,
    visible: VisibleEvent,
    viewer_zone: ViewerZone,
    csrf: CsrfToken,
    cookies: &rocket::http::CookieJar<'_>,
    state: &State<AppState>,
) -> AppResult<Private<RawJson<String>>> {
    let Some(person) = &visible.viewer else { return Ok(Private(RawJson(state_json(&VisitorState::signed_out())?))) };
    let viewer = own_viewer(state, &visible, &viewer_zone).await?;
    let body = state_json(&VisitorState {
        signed_in: true,
        name: Some(person.display_name.clone()),
        csrf: Some(csrf.0.clone()),
        zone: viewer.zone.map(|(zone, _)| zone.name().to_owned()),
        zone_source: viewer.zone.map(|(_, source)| source),
        offer: viewer.agenda_offer,
        agenda: viewer.agenda.iter().copied().collect(),
    })?;
    // Kept for the fast path under the event version it compares with (the
    // published event's row it holds, at most a second old): a newer
    // version there asks Rocket's path again.
    if let (Some(token_hash), Some(published)) =
        (crate::web::guards::session_token_hash(cookies), state.exports.published_event(&state.db, &visible.event.slug).await?)
    {
        state.sessions.note_team(&token_hash, visible.event.id, visible.role.is_some());
        let kept = KeptState {
            version: crate::web::page_store::Version::of(&published),
            csrf: csrf.0,
            zone_cookie: cookies.get(crate::web::guards::ZONE_COOKIE).map(|c| c.value().to_owned()),
            body: bytes::Bytes::from(body.clone()),
        };
        state.sessions.keep_state(&token_hash, visible.event.id, kept);
    }
    Ok(Private(RawJson(body)))
}

fn state_json(state: &VisitorState) -> AppResult<String> {
    serde_json::to_string(state).map_err(|error| AppError::Internal(format!("visitor state not written: {error}")))
}

/// Exports are polled hard by apps: a published event's row comes from a
/// short-lived cache; drafts go the careful way (team members only).
async fn export(slug: &str, viewer: MaybeUser, state: &AppState, kind: ExportKind) -> AppResult<Conditional> {
    let event = match state.exports.published_event(&state.db, slug).await? {
        Some(found) => found,
        None => {
            let found = events::find_by_slug(&state.db, slug).await?.ok_or(AppError::NotFound)?;
            if !events::can_see(&state.db, &found, viewer.0.as_ref()).await? {
                return Err(AppError::NotFound);
            }
            found
        }
    };
    let rendered = state.exports.get_or_render(&state.db, &event, kind, &state.config.base_url).await?;
    Ok(export_answer(rendered, &event, kind))
}

/// How an export goes out (here and from the fast path).
pub fn export_answer(
    rendered: std::sync::Arc<crate::domain::schedule::exports::Rendered>,
    event: &crate::db::entities::event::Model,
    kind: ExportKind,
) -> Conditional {
    let (content_type, extension) = match kind {
        ExportKind::FrabXml => (ContentType::new("application", "xml").with_params(("charset", "utf-8")), "xml"),
        ExportKind::FrabJson => (ContentType::JSON, "json"),
        ExportKind::Calendar => (calendar_content_type(), "ics"),
    };
    Conditional {
        rendered,
        content_type,
        filename: Some(format!("{}-schedule.{extension}", event.slug)),
        cache_control: if event.is_published { "public" } else { "private" },
        vary_cookie: false,
    }
}

/// The export at this file name under an event.
pub fn export_kind(file: &str) -> Option<ExportKind> {
    match file {
        "schedule.xml" => Some(ExportKind::FrabXml),
        "schedule.json" => Some(ExportKind::FrabJson),
        "schedule.ics" => Some(ExportKind::Calendar),
        _ => None,
    }
}

#[get("/events/<slug>/schedule.xml")]
async fn schedule_xml(slug: &str, viewer: MaybeUser, state: &State<AppState>) -> AppResult<Conditional> {
    export(slug, viewer, state, ExportKind::FrabXml).await
}

#[get("/events/<slug>/schedule.json")]
async fn schedule_json(slug: &str, viewer: MaybeUser, state: &State<AppState>) -> AppResult<Conditional> {
    export(slug, viewer, state, ExportKind::FrabJson).await
}

pub fn calendar_content_type() -> ContentType {
    ContentType::new("text", "calendar").with_params(("charset", "utf-8"))
}

#[get("/events/<slug>/schedule.ics")]
async fn schedule_ics(slug: &str, viewer: MaybeUser, state: &State<AppState>) -> AppResult<Conditional> {
    export(slug, viewer, state, ExportKind::Calendar).await
}

/// `/events/<slug>/sessions/<id>.ics`: one session (cancelled ones too, so
/// that a calendar holding it learns of the cancellation).
#[get("/events/<_slug>/sessions/<file>", rank = 3)]
async fn session_ics(_slug: &str, file: &str, visible: VisibleEvent, state: &State<AppState>) -> AppResult<Conditional> {
    let id: i32 = file.strip_suffix(".ics").and_then(|id| id.parse().ok()).ok_or(AppError::NotFound)?;
    let loaded =
        state.schedules.load(&state.db, &visible.event, if visible.role.is_some() { Scope::All } else { Scope::PublishedAndCancelled }).await?;
    let found = loaded.sessions.iter().find(|s| s.session.id == id).ok_or(AppError::NotFound)?;
    let body = crate::domain::schedule::calendar::sessions_calendar(&found.session.title, &[(&visible.event, found)], &state.config.base_url);
    Ok(Conditional {
        rendered: std::sync::Arc::new(crate::domain::schedule::exports::Rendered::new(body, found.session.updated_at)),
        content_type: calendar_content_type(),
        filename: Some(crate::domain::schedule::calendar::file_name(&found.session.title)),
        cache_control: if visible.event.is_published { "public" } else { "private" },
        vary_cookie: false,
    })
}

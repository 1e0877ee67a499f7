//! The schedule as pages show it (cards for sessions, days for the list, a
//! room × time table for the grid, what is on now) and a person's agenda
//! over the API.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::entities::session::{self, SessionStatus};
use crate::db::entities::session_speaker;
use crate::domain::input::slugify;
use crate::domain::schedule::agenda::{Added, AgendaEntry};
use crate::domain::schedule::{Day, Schedule, ScheduledSession};
use crate::domain::times::{self, When, ZoneSource, Zones};
use crate::web::views::frame::ZoneNote;

/// One session of the agenda, with the sessions it overlaps.
#[derive(Serialize, ToSchema)]
#[schema(as = AgendaEntry)]
pub struct AgendaEntryView {
    pub session_id: i32,
    /// The event's slug.
    pub event: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The event's zone, to show the times as the event does.
    pub time_zone: String,
    pub room: Option<String>,
    pub status: SessionStatus,
    pub clashes_with: Vec<String>,
}

impl From<&AgendaEntry> for AgendaEntryView {
    fn from(e: &AgendaEntry) -> AgendaEntryView {
        AgendaEntryView {
            session_id: e.session.session.id,
            event: e.event.slug.clone(),
            title: e.session.session.title.clone(),
            starts_at: e.session.session.starts_at,
            ends_at: e.session.session.ends_at,
            time_zone: e.event.time_zone.clone(),
            room: e.session.room.as_ref().map(|r| r.name.clone()),
            status: e.session.session.status,
            clashes_with: e.clashes_with.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Clash {
    pub session_id: i32,
    pub title: String,
}

/// A session's place in the agenda after the page's button was pressed:
/// the flash message for the redirect, or the JSON the page's script
/// applies in place.
#[derive(Serialize)]
pub struct AgendaToggle {
    pub session_id: i32,
    pub in_agenda: bool,
    pub message: String,
    /// Titles of the sessions it overlaps in the agenda.
    pub clashes: Vec<String>,
    /// Nothing changed (a full session, a session not open to the agenda).
    pub refused: bool,
}

impl AgendaToggle {
    pub fn added(session_id: i32, added: &Added) -> AgendaToggle {
        let clashes: Vec<String> = added.clashes.iter().map(|s| s.title.clone()).collect();
        let message = if clashes.is_empty() {
            format!("“{}” is in your agenda.", added.session.title)
        } else {
            let others = clashes.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join(", ");
            format!("“{}” is in your agenda, but it clashes with {others}.", added.session.title)
        };
        AgendaToggle { session_id, in_agenda: true, message, clashes, refused: false }
    }

    pub fn removed(session_id: i32) -> AgendaToggle {
        AgendaToggle { session_id, in_agenda: false, message: "Removed from your agenda.".into(), clashes: Vec::new(), refused: false }
    }

    pub fn refused(session_id: i32, in_agenda: bool, message: String) -> AgendaToggle {
        AgendaToggle { session_id, in_agenda, message, clashes: Vec::new(), refused: true }
    }
}

/// What adding a session did, and what it overlaps.
#[derive(Serialize, ToSchema)]
pub struct AgendaChange {
    pub session_id: i32,
    pub clashes: Vec<Clash>,
}

impl AgendaChange {
    pub fn new(session_id: i32, added: &Added) -> AgendaChange {
        let clash = |s: &session::Model| Clash { session_id: s.id, title: s.title.clone() };
        AgendaChange { session_id, clashes: added.clashes.iter().map(clash).collect() }
    }
}

/// Who is looking: their zone, and their agenda if they are registered.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// Their own zone and where it came from, when known.
    pub zone: Option<(Tz, ZoneSource)>,
    pub agenda: std::collections::HashSet<i32>,
    /// What each card offers for the agenda (nothing on organizer lists);
    /// `Toggle` exactly when the viewer is registered.
    pub agenda_offer: AgendaOffer,
}

/// What a session card offers this viewer for their agenda.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgendaOffer {
    /// Organizer lists: no agenda button.
    #[default]
    Nothing,
    /// Logged out: "Log in to save".
    LogIn,
    /// Logged in, not registered: "Register to save".
    Register,
    /// Registered: add or remove.
    Toggle,
}

/// The key in a speaker page's URL: an account id, or the printed name.
pub fn speaker_key(speaker: &session_speaker::Model) -> String {
    match speaker.user_id {
        Some(id) => format!("u{id}"),
        None => {
            let slug = slugify(&speaker.name);
            format!("n-{}", if slug.is_empty() { "speaker".to_owned() } else { slug })
        }
    }
}

pub fn speaker_matches(speaker: &session_speaker::Model, key: &str) -> bool {
    speaker_key(speaker) == key
}

/// A session as the schedule pages show it, for this viewer.
#[derive(Debug, Clone, Serialize)]
pub struct SessionCard {
    /// Carries the `s<id>` anchor that agenda buttons come back to (not in
    /// the "now and next" box, which repeats cards of the list).
    pub anchored: bool,
    /// Shown under its start time (the list's time slots, the grid's rows):
    /// the card says how long it lasts instead of repeating the time, and
    /// the page says once how to save sessions.
    pub in_slot: bool,
    pub in_agenda: bool,
    pub agenda_offer: AgendaOffer,
    /// Registered, not yet in the agenda, and on the schedule.
    pub can_add: bool,
    pub seats_left: Option<i32>,
    pub id: i32,
    pub title: String,
    pub url: String,
    pub when: When,
    pub minutes: i64,
    pub room: Option<String>,
    pub track: Option<TrackBadge>,
    pub speakers: Vec<SpeakerLink>,
    pub tags: Vec<String>,
    pub status: SessionStatus,
    pub is_cancelled: bool,
    pub is_draft: bool,
    pub capacity: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackBadge {
    pub id: i32,
    pub name: String,
    /// One of the CSS palette classes (see `color_class`).
    pub color_class: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerLink {
    pub name: String,
    pub url: String,
}

pub fn session_card(schedule: &Schedule, s: &ScheduledSession, viewer: &Viewer) -> SessionCard {
    let slug = &schedule.event.slug;
    let zones = Zones::for_viewer(schedule.zone, viewer.zone);
    let in_agenda = viewer.agenda.contains(&s.session.id);
    SessionCard {
        anchored: true,
        in_slot: false,
        in_agenda,
        agenda_offer: if s.session.status == SessionStatus::Published { viewer.agenda_offer } else { AgendaOffer::Nothing },
        can_add: viewer.agenda_offer == AgendaOffer::Toggle && !in_agenda && s.session.status == SessionStatus::Published,
        seats_left: s.session.capacity.map(|c| (c - s.session.seats_taken).max(0)),
        id: s.session.id,
        title: s.session.title.clone(),
        url: format!("/events/{slug}/sessions/{}", s.session.id),
        when: times::range(s.session.starts_at, s.session.ends_at, zones),
        minutes: (s.session.ends_at - s.session.starts_at).num_minutes(),
        room: s.room.as_ref().map(|r| r.name.clone()),
        track: s.track.as_ref().map(|t| TrackBadge { id: t.id, name: t.name.clone(), color_class: color_class(&t.color) }),
        speakers: s
            .speakers
            .iter()
            .map(|p| SpeakerLink { name: p.name.clone(), url: format!("/events/{slug}/speakers/{}", speaker_key(p)) })
            .collect(),
        tags: s.tags(),
        status: s.session.status,
        is_cancelled: s.session.status == SessionStatus::Cancelled,
        is_draft: s.session.status == SessionStatus::Draft,
        capacity: s.session.capacity,
    }
}

/// Track colours are shown as one of a fixed set of CSS classes (the page's
/// Content-Security-Policy forbids inline styles): the nearest palette entry.
pub fn color_class(color: &str) -> String {
    let hex = color.trim_start_matches('#');
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128) as i32;
    let (r, g, b) = (channel(0), channel(2), channel(4));
    let palette = [
        ("blue", (25, 113, 194)),
        ("green", (47, 158, 68)),
        ("orange", (217, 72, 15)),
        ("violet", (95, 61, 196)),
        ("pink", (194, 37, 92)),
        ("teal", (12, 133, 153)),
        ("yellow", (230, 119, 0)),
        ("gray", (73, 80, 87)),
        ("indigo", (54, 79, 199)),
        ("grape", (156, 54, 181)),
        ("red", (179, 38, 30)),
    ];
    let nearest =
        palette.iter().min_by_key(|(_, (pr, pg, pb))| (pr - r).pow(2) + (pg - g).pow(2) + (pb - b).pow(2)).map(|(name, _)| *name).unwrap_or("gray");
    format!("track-{nearest}")
}

fn day_label(day: &Day) -> String {
    day.date.format("%A %-d %B").to_string()
}

/// One day of the list.
#[derive(Debug, Clone, Serialize)]
pub struct DayList {
    pub index: usize,
    pub label: String,
    pub date: String,
    pub slots: Vec<TimeSlot>,
}

/// The sessions that start at one time: parallel talks side by side under
/// the time, as a printed programme groups them.
#[derive(Debug, Clone, Serialize)]
pub struct TimeSlot {
    pub when: When,
    pub sessions: Vec<SessionCard>,
}

/// The day-by-day list (days with nothing kept are left out).
pub fn days_list(schedule: &Schedule, days: &[Day], keep: &dyn Fn(&ScheduledSession) -> bool, viewer: &Viewer) -> Vec<DayList> {
    let zones = Zones::for_viewer(schedule.zone, viewer.zone);
    days.iter()
        .map(|day| {
            let mut slots: Vec<TimeSlot> = Vec::new();
            for s in schedule.sessions_on(day).filter(|s| keep(s)) {
                let card = SessionCard { in_slot: true, ..session_card(schedule, s, viewer) };
                match slots.last_mut() {
                    Some(slot) if slot.sessions.first().is_some_and(|first| first.when.iso == card.when.iso) => slot.sessions.push(card),
                    _ => slots.push(TimeSlot { when: times::show(s.session.starts_at, zones), sessions: vec![card] }),
                }
            }
            DayList { index: day.index, label: day_label(day), date: day.date.to_string(), slots }
        })
        .filter(|d| !d.slots.is_empty())
        .collect()
}

fn floor_to(instant: DateTime<Utc>, zone: Tz, step: i64) -> DateTime<Utc> {
    let local = instant.with_timezone(&zone);
    let minutes = i64::from(local.minute()) % step;
    instant - Duration::minutes(minutes) - Duration::seconds(i64::from(local.second()))
}

/// The room × time table of one day.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    pub label: String,
    pub rooms: Vec<String>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    /// "10:15", on the viewer's clock when their zone is known (the page's
    /// script rewrites it for a browser in another zone), else the event's.
    pub time: String,
    /// The row's instant, RFC 3339, for that script.
    pub iso: String,
    pub cells: Vec<GridCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridCell {
    pub rowspan: usize,
    pub sessions: Vec<SessionCard>,
    pub empty: bool,
}

/// The room × time table for one day: one row per time step, one column per
/// room; a session spans the rows it covers (`rowspan`).
pub fn grid(schedule: &Schedule, day: &Day, keep: &dyn Fn(&ScheduledSession) -> bool, viewer: &Viewer) -> Option<Grid> {
    let sessions: Vec<&ScheduledSession> = schedule.sessions_on(day).filter(|s| keep(s)).collect();
    if sessions.is_empty() {
        return None;
    }
    let step = schedule.timeslot_minutes();
    let mut columns: Vec<(Option<i32>, String)> = schedule.rooms.iter().map(|r| (Some(r.id), r.name.clone())).collect();
    if sessions.iter().any(|s| s.room.is_none()) {
        columns.push((None, crate::domain::schedule::frab::export::UNASSIGNED_ROOM.to_owned()));
    }
    let first = floor_to(sessions.iter().map(|s| s.session.starts_at).min().unwrap_or(day.starts_at), schedule.zone, step);
    let last = sessions.iter().map(|s| s.session.ends_at).max().unwrap_or(day.ends_at);
    let row_count = (((last - first).num_minutes() + step - 1) / step).clamp(1, 24 * 60 / 5) as usize;
    let row_of = |instant: DateTime<Utc>| (((instant - first).num_minutes()) / step).clamp(0, row_count as i64) as usize;
    // cells[row][column]: Some(list) starts a cell, None is covered by a cell above.
    let mut cells: Vec<Vec<Option<(usize, Vec<SessionCard>)>>> =
        (0..row_count).map(|_| columns.iter().map(|_| Some((1, Vec::new()))).collect()).collect();
    let mut covered_by: Vec<Vec<Option<usize>>> = vec![vec![None; columns.len()]; row_count];
    for s in sessions {
        let Some(column) = columns.iter().position(|(id, _)| *id == s.session.room_id) else {
            continue;
        };
        let start = row_of(s.session.starts_at).min(row_count - 1);
        let end = row_of(s.session.ends_at + Duration::minutes(step - 1)).clamp(start + 1, row_count);
        let anchor = covered_by[start][column].unwrap_or(start);
        if let Some(Some((span, list))) = cells.get_mut(anchor).map(|r| &mut r[column]) {
            // The column names the room.
            list.push(SessionCard { in_slot: true, room: None, ..session_card(schedule, s, viewer) });
            *span = (*span).max(end - anchor);
        }
        let span = match &cells[anchor][column] {
            Some((span, _)) => *span,
            None => 1,
        };
        for row in anchor + 1..anchor + span {
            cells[row][column] = None;
            covered_by[row][column] = Some(anchor);
        }
    }
    let rows: Vec<GridRow> = cells
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let at = first + Duration::minutes(step * i as i64);
            let cells = row.into_iter().flatten().map(|(rowspan, sessions)| GridCell { rowspan, empty: sessions.is_empty(), sessions }).collect();
            let clock = viewer.zone.map_or(schedule.zone, |(zone, _)| zone);
            GridRow { time: at.with_timezone(&clock).format("%H:%M").to_string(), iso: at.to_rfc3339(), cells }
        })
        .collect();
    Some(Grid { label: day_label(day), rooms: columns.iter().map(|(_, name)| name.clone()).collect(), rows })
}

/// Sessions running now, and the next ones to start.
#[derive(Debug, Clone, Serialize)]
pub struct NowAndNext {
    pub now: Vec<SessionCard>,
    pub next: Vec<SessionCard>,
}

/// Sessions running now, and the next ones to start, while the event is on.
pub fn now_and_next(schedule: &Schedule, at: DateTime<Utc>, viewer: &Viewer) -> Option<NowAndNext> {
    if at < schedule.event.starts_at - Duration::hours(1) || at > schedule.event.ends_at {
        return None;
    }
    let card = |s: &ScheduledSession| SessionCard { anchored: false, ..session_card(schedule, s, viewer) };
    let now: Vec<SessionCard> = schedule.sessions.iter().filter(|s| s.session.starts_at <= at && s.session.ends_at > at).map(card).collect();
    let next_start = schedule.sessions.iter().map(|s| s.session.starts_at).filter(|t| *t > at).min();
    let next: Vec<SessionCard> = match next_start {
        Some(start) => schedule.sessions.iter().filter(|s| s.session.starts_at == start).map(card).collect(),
        None => Vec::new(),
    };
    (!now.is_empty() || !next.is_empty()).then_some(NowAndNext { now, next })
}

/// The agenda page: the person's sessions by day, clashes, the calendar feed.
#[derive(Serialize)]
pub struct AgendaPage {
    pub days: Vec<AgendaDay>,
    /// The feed's address, shown once after it is made.
    pub feed: Option<FeedLinks>,
    pub feed_made: Option<When>,
    pub clash_count: usize,
    /// Set when the viewer's zone is known; otherwise each session is shown
    /// in its event's zone.
    pub zone_note: Option<ZoneNote>,
}

#[derive(Serialize)]
pub struct AgendaDay {
    pub label: String,
    pub sessions: Vec<AgendaCard>,
}

#[derive(Serialize)]
pub struct AgendaCard {
    pub title: String,
    pub url: String,
    pub event: String,
    pub event_slug: String,
    pub id: i32,
    pub when: When,
    pub room: Option<String>,
    pub is_cancelled: bool,
    pub clashes_with: Vec<String>,
}

#[derive(Serialize)]
pub struct FeedLinks {
    pub https: String,
    /// The same for calendar apps that subscribe by link.
    pub webcal: String,
}

impl FeedLinks {
    pub fn new(base_url: &str, token: &str) -> FeedLinks {
        let https = format!("{base_url}/feeds/{token}.ics");
        let webcal = https.replacen("https://", "webcal://", 1).replacen("http://", "webcal://", 1);
        FeedLinks { https, webcal }
    }
}

impl AgendaPage {
    /// The sessions grouped by day in the viewer's zone (their event's when
    /// the viewer's is not known).
    pub fn new(
        entries: &[AgendaEntry],
        viewer_zone: Option<(Tz, ZoneSource)>,
        feed: Option<FeedLinks>,
        feed_made: Option<DateTime<Utc>>,
    ) -> AgendaPage {
        let mut days: Vec<AgendaDay> = Vec::new();
        for entry in entries {
            let zone = crate::domain::events::zone_of(&entry.event);
            let session = &entry.session.session;
            let day_zone = viewer_zone.map_or(zone, |(z, _)| z);
            let label = session.starts_at.with_timezone(&day_zone).format("%A %-d %B %Y").to_string();
            let card = AgendaCard {
                title: session.title.clone(),
                url: format!("/events/{}/sessions/{}", entry.event.slug, session.id),
                event: entry.event.title.clone(),
                event_slug: entry.event.slug.clone(),
                id: session.id,
                when: times::range(session.starts_at, session.ends_at, Zones::for_viewer(zone, viewer_zone)),
                room: entry.session.room.as_ref().map(|r| r.name.clone()),
                is_cancelled: session.status == SessionStatus::Cancelled,
                clashes_with: entry.clashes_with.clone(),
            };
            match days.last_mut() {
                Some(day) if day.label == label => day.sessions.push(card),
                _ => days.push(AgendaDay { label, sessions: vec![card] }),
            }
        }
        AgendaPage {
            days,
            feed,
            feed_made: feed_made.map(|at| times::show(at, Zones::for_viewer(viewer_zone.map_or(chrono_tz::UTC, |(z, _)| z), viewer_zone))),
            clash_count: entries.iter().filter(|e| !e.clashes_with.is_empty()).count(),
            zone_note: match viewer_zone {
                Some((zone, _)) => Some(ZoneNote::new(Zones::for_viewer(zone, viewer_zone))),
                // Nothing known of the viewer: each time is on its event's
                // clock, and the page's script moves them all to this device's.
                None => entries.first().map(|first| {
                    let zone = crate::domain::events::zone_of(&first.event);
                    let each_event = entries.iter().any(|e| crate::domain::events::zone_of(&e.event) != zone);
                    ZoneNote { each_event, ..ZoneNote::new(Zones::of_event(zone)) }
                }),
            },
        }
    }
}

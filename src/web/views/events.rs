//! Events and their sessions: the API's resources, and the public pages of
//! an event (its home, schedule, session and speaker pages).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use chrono_tz::Tz;

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::session::SessionStatus;
use crate::db::entities::{event, room, track};
use crate::domain::chats::Occurrence;
use crate::domain::events::{self, EventSummary};
use crate::domain::markdown;
use crate::domain::schedule::frab::export::session_url;
use crate::domain::schedule::{Day, Schedule, ScheduledSession};
use crate::domain::times::{self, When, ZoneSource, Zones};
use crate::web::views::frame::ZoneNote;
use crate::web::views::schedule::{DayList, Grid, NowAndNext, SessionCard};
use crate::web::views::seo::PageMeta;
use crate::web::views::Choice;

/// One event with its rooms and tracks.
#[derive(Serialize, ToSchema)]
pub struct EventDetail {
    pub event: EventSummary,
    /// Markdown.
    pub description: String,
    pub description_html: String,
    pub venue_address: Option<String>,
    pub online_url: Option<String>,
    /// For a weekly chat: its RRULE.
    pub recurrence_rule: Option<String>,
    pub is_published: bool,
    pub revision: i32,
    pub rooms: Vec<RoomView>,
    pub tracks: Vec<TrackView>,
}

#[derive(Serialize, ToSchema)]
pub struct RoomView {
    pub id: i32,
    pub name: String,
    pub capacity: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct TrackView {
    pub id: i32,
    pub name: String,
    pub color: String,
}

impl EventDetail {
    pub fn new(found: &event::Model, rooms: &[room::Model], tracks: &[track::Model]) -> EventDetail {
        EventDetail {
            event: events::summarize(found),
            description: found.description.clone(),
            description_html: markdown::to_safe_html(&found.description),
            venue_address: found.venue_address.clone(),
            online_url: found.online_url.clone(),
            recurrence_rule: found.recurrence_rule.clone(),
            is_published: found.is_published,
            revision: found.revision,
            rooms: rooms.iter().map(|r| RoomView { id: r.id, name: r.name.clone(), capacity: r.capacity }).collect(),
            tracks: tracks.iter().map(|t| TrackView { id: t.id, name: t.name.clone(), color: t.color.clone() }).collect(),
        }
    }
}

/// A room or track a session is in.
#[derive(Serialize, ToSchema)]
pub struct PlaceRef {
    pub id: i32,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Session)]
pub struct SessionView {
    pub id: i32,
    pub guid: String,
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room: Option<PlaceRef>,
    pub track: Option<PlaceRef>,
    pub speakers: Vec<String>,
    pub status: SessionStatus,
    pub language: String,
    pub tags: Vec<String>,
    pub capacity: Option<i32>,
    /// Goes up with every change (calendar clients read it as SEQUENCE).
    pub revision: i32,
    /// The session's page.
    pub url: String,
}

impl SessionView {
    pub fn new(base_url: &str, event_slug: &str, s: &ScheduledSession) -> SessionView {
        SessionView {
            id: s.session.id,
            guid: s.session.guid.clone(),
            title: s.session.title.clone(),
            abstract_text: s.session.r#abstract.clone(),
            starts_at: s.session.starts_at,
            ends_at: s.session.ends_at,
            room: s.room.as_ref().map(|r| PlaceRef { id: r.id, name: r.name.clone() }),
            track: s.track.as_ref().map(|t| PlaceRef { id: t.id, name: t.name.clone() }),
            speakers: s.speakers.iter().map(|p| p.name.clone()).collect(),
            status: s.session.status,
            language: s.session.language.clone(),
            tags: s.tags(),
            capacity: s.session.capacity,
            revision: s.session.revision,
            url: session_url(base_url, event_slug, s.session.id),
        }
    }
}

/// What every public page of an event shows at its top.
#[derive(Serialize)]
pub struct EventFrame {
    pub event: EventSummary,
    pub is_published: bool,
    /// The viewer organizes it: links to the organizer's screens.
    pub can_manage: bool,
    pub zone: String,
    /// Which zone the page's times are in.
    pub zone_note: ZoneNote,
}

/// The event's home page.
#[derive(Serialize)]
pub struct EventHomePage {
    #[serde(flatten)]
    pub frame: EventFrame,
    pub meta: PageMeta,
    pub description_html: String,
    pub venue_address: Option<String>,
    pub venue_map_url: Option<String>,
    pub online_url: Option<String>,
    pub host_name: Option<String>,
    pub registration: crate::web::views::registration::RegistrationPanel,
    /// Weekly chats: the next week and the six after it.
    pub next_occurrence: Option<NextOccurrence>,
    pub upcoming: Option<Vec<UpcomingWeek>>,
    /// Conferences and meetups.
    pub session_count: Option<usize>,
    pub now_and_next: Option<NowAndNext>,
}

#[derive(Serialize)]
pub struct NextOccurrence {
    pub when: When,
    pub moved: bool,
    pub topics: Vec<crate::domain::chats::Topic>,
    /// The live room's address.
    pub room: String,
}

#[derive(Serialize)]
pub struct UpcomingWeek {
    pub when: When,
    pub status: OccurrenceStatus,
    pub skipped: bool,
    pub moved: bool,
    pub topic_count: usize,
}

impl UpcomingWeek {
    pub fn new(o: &Occurrence, zone: Tz, viewer_zone: Option<(Tz, ZoneSource)>) -> UpcomingWeek {
        UpcomingWeek {
            when: times::range(o.starts_at, o.ends_at, Zones::for_viewer(zone, viewer_zone)),
            status: o.status,
            skipped: o.status == OccurrenceStatus::Skipped,
            moved: o.status == OccurrenceStatus::Moved,
            topic_count: o.public_topics().len(),
        }
    }
}

/// The schedule page: the list by day or the grid by room, with filters.
#[derive(Serialize)]
pub struct SchedulePage {
    #[serde(flatten)]
    pub frame: EventFrame,
    pub meta: PageMeta,
    pub filters: ScheduleFilters,
    pub grids: Option<Vec<Grid>>,
    pub days: Option<Vec<DayList>>,
    pub now_and_next: Option<NowAndNext>,
    /// Said once above the list: how this viewer can save sessions.
    pub agenda_offer: crate::web::views::schedule::AgendaOffer,
    pub query: ScheduleQuery,
    /// Where adding to or removing from the agenda comes back to.
    pub back: String,
}

#[derive(Serialize)]
pub struct ScheduleFilters {
    pub tracks: Vec<Choice<i32>>,
    pub tags: Vec<Choice<String>>,
    /// `list` or `grid`.
    pub view: &'static str,
    /// A track, tag or search narrows the sessions.
    pub active: bool,
    /// The day tabs (one per day, then "All days"), keeping the filters.
    pub days: Vec<DayTab>,
    /// The chosen day (`YYYY-MM-DD`) or `all`, for the form to keep.
    pub day: String,
    /// The same sessions as a list or as a grid.
    pub list_url: String,
    pub grid_url: String,
    pub clear_url: String,
}

impl ScheduleFilters {
    /// The filters and tabs of a schedule page. A conference of several
    /// days opens on one day (today during the event, else the first), so a
    /// phone is not handed every session at once; `day=all` shows them all.
    /// `days`: the schedule's days, as `Schedule::days` gives them.
    pub fn new(schedule: &Schedule, days: &[Day], query: &ScheduleQuery, as_grid: bool, day: Option<&str>, at: DateTime<Utc>) -> ScheduleFilters {
        let today = schedule.conference_date(at);
        let default = if days.len() > 1 { days.iter().find(|d| d.date == today).or(days.first()).map(|d| d.date.to_string()) } else { None };
        let chosen = match day {
            Some("all") => "all".to_owned(),
            Some(d) if days.iter().any(|x| x.date.to_string() == d) => d.to_owned(),
            _ => default.unwrap_or_else(|| "all".to_owned()),
        };
        let slug = &schedule.event.slug;
        let url = |view_grid: bool, day: &str, filters: bool| {
            let mut params = url::form_urlencoded::Serializer::new(String::new());
            if view_grid {
                params.append_pair("view", "grid");
            }
            params.append_pair("day", day);
            if filters {
                if let Some(t) = query.track {
                    params.append_pair("track", &t.to_string());
                }
                if let Some(t) = &query.tag {
                    params.append_pair("tag", t);
                }
                if let Some(q) = &query.q {
                    params.append_pair("q", q);
                }
            }
            format!("/events/{slug}/schedule?{}", params.finish())
        };
        let mut tabs: Vec<DayTab> = if days.len() > 1 {
            days.iter()
                .map(|d| DayTab {
                    label: d.date.format("%a %-d %b").to_string(),
                    url: url(as_grid, &d.date.to_string(), true),
                    selected: chosen == d.date.to_string(),
                })
                .collect()
        } else {
            Vec::new()
        };
        if !tabs.is_empty() {
            tabs.push(DayTab { label: "All days".into(), url: url(as_grid, "all", true), selected: chosen == "all" });
        }
        let mut all_tags: Vec<String> = schedule.sessions.iter().flat_map(|s| s.tags()).collect();
        all_tags.sort();
        all_tags.dedup();
        ScheduleFilters {
            tracks: schedule.tracks.iter().map(|t| Choice { id: t.id, name: t.name.clone(), selected: Some(t.id) == query.track }).collect(),
            tags: all_tags.iter().map(|t| Choice { id: t.clone(), name: t.clone(), selected: Some(t) == query.tag.as_ref() }).collect(),
            view: if as_grid { "grid" } else { "list" },
            active: query.track.is_some() || query.tag.is_some() || query.q.is_some(),
            list_url: url(false, &chosen, true),
            grid_url: url(true, &chosen, true),
            clear_url: url(as_grid, &chosen, false),
            days: tabs,
            day: chosen,
        }
    }

    /// Whether the chosen tab shows this day.
    pub fn shows(&self, date: chrono::NaiveDate) -> bool {
        self.day == "all" || self.day == date.to_string()
    }
}

#[derive(Serialize)]
pub struct DayTab {
    /// "Mon 25 Jan", or "All days".
    pub label: String,
    pub url: String,
    pub selected: bool,
}

#[derive(Serialize)]
pub struct ScheduleQuery {
    pub track: Option<i32>,
    pub tag: Option<String>,
    pub q: Option<String>,
}

/// One session's page.
#[derive(Serialize)]
pub struct SessionPage {
    #[serde(flatten)]
    pub frame: EventFrame,
    pub meta: PageMeta,
    pub session: SessionCard,
    pub abstract_html: String,
    pub back: String,
    /// The language's name ("English", "Deutsch" read as "German"), as
    /// people say it rather than its code.
    pub language: String,
}

/// A language code as people read it: "en" is "English"; a code no list
/// knows is shown as given.
pub fn language_name(code: &str) -> String {
    let code = code.trim();
    let primary = code.split(['-', '_']).next().unwrap_or(code).to_lowercase();
    isolang::Language::from_639_1(&primary)
        .or_else(|| isolang::Language::from_639_3(&primary))
        .map(|l| l.to_name().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// A speaker's page: their name, their public profile if they have one,
/// and their sessions.
#[derive(Serialize)]
pub struct SpeakerPage {
    #[serde(flatten)]
    pub frame: EventFrame,
    pub meta: PageMeta,
    pub speaker: SpeakerView,
    pub sessions: Vec<SessionCard>,
}

#[derive(Serialize)]
pub struct SpeakerView {
    pub name: String,
    pub profile: Option<crate::domain::accounts::PublicProfile>,
}

/// The home page: the published events.
#[derive(Serialize)]
pub struct HomePage {
    /// Happening now or later, soonest first.
    pub events: Vec<EventCard>,
    /// Over, most recent first, listed after the others.
    pub past: Vec<EventSummary>,
    pub meta: PageMeta,
    /// Which zone the cards' times are in.
    pub zone_note: Option<ZoneNote>,
}

/// An event on the home page: a weekly chat also says when its next chat
/// is, on the viewer's clock.
#[derive(Serialize)]
pub struct EventCard {
    #[serde(flatten)]
    pub summary: EventSummary,
    pub next: Option<When>,
}

/// A logged-in visitor's own state on an event's pages (`me.json`), for the
/// page kept for every member; `signed_in: false` when the session ended.
#[derive(Serialize)]
pub struct VisitorState {
    pub signed_in: bool,
    pub name: Option<String>,
    /// Their form token, for the page's forms.
    pub csrf: Option<String>,
    /// Their zone (profile, or chosen), when known, and where it comes from.
    pub zone: Option<String>,
    pub zone_source: Option<crate::domain::times::ZoneSource>,
    /// What the agenda buttons offer them.
    pub offer: crate::web::views::schedule::AgendaOffer,
    /// The sessions in their agenda.
    pub agenda: Vec<i32>,
}

impl VisitorState {
    pub fn signed_out() -> VisitorState {
        VisitorState {
            signed_in: false,
            name: None,
            csrf: None,
            zone: None,
            zone_source: None,
            offer: crate::web::views::schedule::AgendaOffer::LogIn,
            agenda: Vec::new(),
        }
    }
}

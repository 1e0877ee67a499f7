//! The organizer's screens: the event form, the dashboard and the session
//! form.

use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::discount_code::DiscountKind;
use crate::db::entities::event::EventKind;
use crate::db::entities::registration_question::QuestionKind;
use crate::db::entities::{event, room};
use crate::domain::chats;
use crate::domain::events::editing::EventForm;
use crate::domain::events::team::{self, TeamMember};
use crate::domain::events::{self, places, EventSummary};
use crate::domain::input::local_input_value;
use crate::domain::now;
use crate::domain::registration::invitations::{self, OpenInvitation};
use crate::domain::registration::{discounts, questions, tickets};
use crate::domain::schedule::frab::import::ImportReport;
use crate::domain::schedule::sessions::SessionForm;
use crate::domain::schedule::{self, Scope};
use crate::domain::times::{self, When, Zones};
use crate::error::AppResult;
use crate::web::views::schedule::{session_card, SessionCard};
use crate::web::views::Choice;

/// One `<option>` of a `<select>`: what is sent, what is shown, whether chosen.
#[derive(Serialize)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    /// A line saying what the choice means.
    pub hint: &'static str,
    pub selected: bool,
}

/// The event form (new event, and the details on the dashboard).
#[derive(Serialize)]
pub struct EventFormView {
    pub form: EventForm,
    pub kinds: Vec<SelectOption>,
    /// Every zone by city, for the picker.
    pub zones: Vec<crate::domain::times::ZoneOption>,
    /// The event's zone as the picker shows it: "New York (America)".
    pub zone_label: String,
    pub is_chat: bool,
    /// "New event from a schedule file": the zone typed for a file that names none.
    pub import_time_zone: String,
}

impl EventFormView {
    pub fn new(form: &EventForm) -> EventFormView {
        let kinds = [EventKind::Conference, EventKind::Meetup, EventKind::OnlineChat]
            .iter()
            .map(|k| SelectOption {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
                hint: match k {
                    EventKind::Conference => "days of sessions in rooms, with a schedule",
                    EventKind::Meetup => "one gathering in one place",
                    EventKind::OnlineChat => "an hour online every week, with numbered topics (T1, T2…)",
                },
                selected: form.kind == k.as_str(),
            })
            .collect();
        EventFormView {
            kinds,
            zones: crate::domain::times::zone_options(),
            zone_label: crate::domain::times::zone_label(&form.time_zone),
            is_chat: form.kind == EventKind::OnlineChat.as_str(),
            import_time_zone: String::new(),
            form: form.clone(),
        }
    }
}

/// The organizer's dashboard of one event.
/// One page of the organizer's area: a list first, then its "Add" form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Tickets,
    Questions,
    Sessions,
    Chats,
    Places,
    Team,
    Import,
    Details,
}

impl Section {
    pub fn url(self, event: &event::Model) -> String {
        let part = match self {
            Section::Tickets => "tickets",
            Section::Questions => "questions",
            Section::Sessions => "sessions",
            Section::Chats => "chats",
            Section::Places => "places",
            Section::Team => "team",
            Section::Import => "import",
            Section::Details => "details",
        };
        format!("/events/{}/manage/{part}", event.slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::Tickets => "Tickets",
            Section::Questions => "Questions",
            Section::Sessions => "Sessions",
            Section::Chats => "Weekly chats",
            Section::Places => "Rooms & tracks",
            Section::Team => "Team",
            Section::Import => "Import",
            Section::Details => "Event details",
        }
    }
}

/// A track in the organizer's list, with a dot in its colour.
#[derive(Serialize)]
pub struct TrackRow {
    pub id: i32,
    pub name: String,
    pub dot: String,
}

#[derive(Serialize)]
pub struct DashboardPage {
    /// Which of the organizer's pages this is.
    pub section: Section,
    pub section_title: &'static str,
    pub event: EventSummary,
    pub is_published: bool,
    /// What this page shows, and only that: each section loads its own.
    #[serde(flatten)]
    pub content: SectionContent,
}

/// The contents of one organizer page.
#[derive(Serialize)]
#[serde(untagged)]
pub enum SectionContent {
    Tickets {
        ticket_types: Vec<TicketTypeRow>,
        seats_taken: i32,
        discounts: Vec<DiscountRow>,
        payments_configured: bool,
    },
    Questions {
        questions: Vec<QuestionRow>,
    },
    Sessions {
        sessions: Vec<SessionCard>,
    },
    Chats {
        /// Weekly chats: the next eight weeks, each with its own small form.
        occurrences: Vec<WeekForm>,
        /// "New York": the clock the forms' times are on.
        zone_city: String,
    },
    Places {
        rooms: Vec<room::Model>,
        tracks: Vec<TrackRow>,
        /// The colour the track form starts with: the palette's next.
        next_track_color: &'static str,
    },
    Team {
        team: Vec<TeamMember>,
        team_invitations: Vec<OpenInvitation>,
    },
    Import {
        /// What a frab import just did.
        import_report: Option<ImportReport>,
    },
    Details(EventFormView),
}

#[derive(Serialize)]
pub struct TicketTypeRow {
    pub id: i32,
    pub name: String,
    pub price: String,
    pub taken: i32,
    pub capacity: Option<i32>,
    pub is_visible: bool,
    pub availability: &'static str,
    /// A hidden type's secret link.
    pub secret_link: Option<String>,
}

#[derive(Serialize)]
pub struct DiscountRow {
    pub id: i32,
    pub code: String,
    pub used: i32,
    pub max_uses: Option<i32>,
    /// "10%" or "$5.00".
    pub off: String,
}

#[derive(Serialize)]
pub struct QuestionRow {
    pub id: i32,
    pub label: String,
    pub kind: QuestionKind,
    /// How it is answered, in words: "a text", "one choice"…
    pub kind_label: &'static str,
    pub is_required: bool,
    pub options: String,
}

#[derive(Serialize)]
pub struct WeekForm {
    /// RFC 3339: which week (its scheduled start).
    pub key: String,
    pub start: When,
    pub scheduled: When,
    pub starts_at_input: String,
    pub status: OccurrenceStatus,
    pub is_skipped: bool,
    pub is_moved: bool,
    /// One topic per line, "Title | question".
    pub topics_text: String,
    /// Topics appear only as they are posted in the room.
    pub topics_live: bool,
}

impl DashboardPage {
    /// `form`: the event form as typed, when it is shown again with errors.
    pub async fn load(
        db: &DatabaseConnection,
        base_url: &str,
        payments_configured: bool,
        event: &event::Model,
        form: Option<&EventForm>,
        section: Section,
    ) -> AppResult<DashboardPage> {
        let content = match section {
            Section::Tickets => tickets_section(db, base_url, payments_configured, event).await?,
            Section::Questions => SectionContent::Questions {
                questions: questions::list(db, event.id)
                    .await?
                    .into_iter()
                    .map(|q| QuestionRow {
                        options: q.options.replace('\n', " · "),
                        id: q.id,
                        label: q.label,
                        kind_label: match q.kind {
                            QuestionKind::Text => "a text",
                            QuestionKind::Single => "one choice",
                            QuestionKind::Multiple => "several choices",
                            QuestionKind::Checkbox => "a checkbox",
                        },
                        kind: q.kind,
                        is_required: q.is_required,
                    })
                    .collect(),
            },
            Section::Sessions => {
                let loaded = schedule::load(db, event, Scope::All).await?;
                SectionContent::Sessions { sessions: loaded.sessions.iter().map(|s| session_card(&loaded, s, &Default::default())).collect() }
            }
            Section::Chats => SectionContent::Chats { occurrences: weeks(db, event).await?, zone_city: times::city(events::zone_of(event)) },
            Section::Places => {
                let tracks = places::tracks(db, event.id).await?;
                SectionContent::Places {
                    rooms: places::rooms(db, event.id).await?,
                    next_track_color: places::TRACK_PALETTE[tracks.len() % places::TRACK_PALETTE.len()],
                    tracks: tracks
                        .into_iter()
                        .map(|t| TrackRow { dot: crate::domain::community::profiles::color_dot(&t.color), id: t.id, name: t.name })
                        .collect(),
                }
            }
            Section::Team => SectionContent::Team {
                team: team::list(db, event).await?,
                team_invitations: invitations::open_for_event(db, event, invitations::Kind::Team).await?,
            },
            Section::Import => SectionContent::Import { import_report: None },
            Section::Details => SectionContent::Details(EventFormView::new(form.unwrap_or(&EventForm::from_event(event)))),
        };
        Ok(DashboardPage { section, section_title: section.title(), event: events::summarize(event), is_published: event.is_published, content })
    }
}

async fn tickets_section(db: &DatabaseConnection, base_url: &str, payments_configured: bool, event: &event::Model) -> AppResult<SectionContent> {
    let at = now();
    let ticket_types = tickets::list(db, event.id)
        .await?
        .into_iter()
        .map(|t| TicketTypeRow {
            id: t.id,
            price: tickets::format_price(t.price_minor, &t.currency),
            taken: t.taken,
            capacity: t.capacity,
            is_visible: t.is_visible,
            availability: tickets::availability(&t, at, payments_configured).message(),
            secret_link: t.access_code.as_ref().filter(|_| !t.is_visible).map(|code| format!("{base_url}/events/{}?access={code}", event.slug)),
            name: t.name,
        })
        .collect();
    let discounts = discounts::list(db, event.id)
        .await?
        .into_iter()
        .map(|d| DiscountRow {
            off: if d.kind == DiscountKind::Percent { format!("{}%", d.amount) } else { tickets::format_price(d.amount, "USD") },
            id: d.id,
            code: d.code,
            used: d.used,
            max_uses: d.max_uses,
        })
        .collect();
    Ok(SectionContent::Tickets { ticket_types, seats_taken: event.seats_taken, discounts, payments_configured })
}

/// A weekly chat's next eight weeks, each with its own small form (times
/// in the event's zone, which the form's inputs are in).
async fn weeks(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<WeekForm>> {
    let zone = events::zone_of(event);
    let at = now();
    Ok(chats::occurrences(db, event)
        .await?
        .into_iter()
        .filter(|o| o.ends_at > at)
        .take(8)
        .map(|o| WeekForm {
            key: o.scheduled_start.to_rfc3339(),
            start: times::show(o.starts_at, Zones::of_event(zone)),
            scheduled: times::show(o.scheduled_start, Zones::of_event(zone)),
            starts_at_input: local_input_value(zone, o.starts_at),
            status: o.status,
            is_skipped: o.status == OccurrenceStatus::Skipped,
            is_moved: o.status == OccurrenceStatus::Moved,
            topics_live: !o.topics_public,
            topics_text: o
                .topics
                .iter()
                .map(|t| if t.question.is_empty() { t.title.clone() } else { format!("{} | {}", t.title, t.question) })
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect())
}

/// The form to add or edit a session.
#[derive(Serialize)]
pub struct SessionFormPage {
    pub event: EventSummary,
    pub form: SessionForm,
    pub session_id: Option<i32>,
    pub rooms: Vec<Choice>,
    pub tracks: Vec<Choice>,
    pub statuses: Vec<StatusOption>,
    pub languages: Vec<Choice<String>>,
    /// "New York": the zone the form's times are in.
    pub zone_city: String,
}

#[derive(Serialize)]
pub struct StatusOption {
    pub value: &'static str,
    /// What the status means, in the organizer's words.
    pub label: &'static str,
    pub selected: bool,
}

/// The languages the session form offers by name; a session imported in
/// another language keeps it as an extra choice.
const SESSION_LANGUAGES: &[&str] =
    &["en", "es", "fr", "de", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "uk", "ru", "tr", "ar", "he", "hi", "zh", "ja", "ko"];

impl SessionFormPage {
    pub async fn load(db: &DatabaseConnection, event: &event::Model, form: &SessionForm, session_id: Option<i32>) -> AppResult<SessionFormPage> {
        let rooms = places::rooms(db, event.id).await?;
        let tracks = places::tracks(db, event.id).await?;
        // A room or track is chosen by id (the form) or by name (the API's habit).
        let selected = |text: &str, id: i32, name: &str| text.trim() == id.to_string() || text.trim().eq_ignore_ascii_case(name);
        Ok(SessionFormPage {
            event: events::summarize(event),
            rooms: rooms.into_iter().map(|r| Choice { selected: selected(&form.room, r.id, &r.name), id: r.id, name: r.name }).collect(),
            tracks: tracks.into_iter().map(|t| Choice { selected: selected(&form.track, t.id, &t.name), id: t.id, name: t.name }).collect(),
            statuses: [("draft", "Draft (team only)"), ("published", "On the schedule"), ("cancelled", "Cancelled (kept, marked)")]
                .into_iter()
                .map(|(value, label)| StatusOption { value, label, selected: form.status == value })
                .collect(),
            languages: {
                let chosen = form.language.trim().to_lowercase();
                let mut codes: Vec<String> = SESSION_LANGUAGES.iter().map(|c| (*c).to_owned()).collect();
                if !chosen.is_empty() && !codes.contains(&chosen) {
                    codes.push(chosen.clone());
                }
                codes
                    .into_iter()
                    .map(|code| Choice { name: crate::web::views::events::language_name(&code), selected: code == chosen, id: code })
                    .collect()
            },
            zone_city: times::city(events::zone_of(event)),
            form: form.clone(),
            session_id,
        })
    }
}

/// The organizer's overview: numbers and pictures first; the forms live on
/// their own pages.
#[derive(Serialize)]
pub struct OverviewPage {
    pub event: EventSummary,
    pub is_published: bool,
    /// Big numbers: (label, value, detail).
    pub numbers: Vec<Figure>,
    pub charts: Vec<crate::web::views::charts::Chart>,
    /// Sessions more people want than their room holds.
    pub overflowing: Vec<String>,
    /// Nothing to show yet: what to do first.
    pub first_steps: Vec<FirstStep>,
    pub is_chat: bool,
    /// Without a ticket type nobody can register, so publishing is not yet
    /// the main action.
    pub has_tickets: bool,
}

#[derive(Serialize)]
pub struct Figure {
    pub label: &'static str,
    pub value: String,
    pub detail: String,
}

#[derive(Serialize)]
pub struct FirstStep {
    pub text: &'static str,
    pub url: String,
}

impl OverviewPage {
    pub async fn load(db: &DatabaseConnection, event: &event::Model, at: chrono::DateTime<chrono::Utc>) -> AppResult<OverviewPage> {
        use crate::domain::insights;
        use crate::web::views::charts::bars;
        let found = insights::load(db, event).await?;
        let mut numbers = vec![
            Figure {
                label: "Registered",
                value: found.confirmed.to_string(),
                detail: match found.capacity {
                    Some(c) => format!("{} of {c} seats taken", found.seats_taken),
                    None => format!("{} seats taken, no limit", found.seats_taken),
                },
            },
            Figure {
                label: "Revenue",
                value: if found.revenue.is_empty() { "Free".into() } else { found.revenue.join(" + ") },
                detail: format!("{} cancelled", found.cancelled),
            },
        ];
        let is_chat = event.kind == crate::db::entities::event::EventKind::OnlineChat;
        if !is_chat {
            // Nobody checks in to an online chat.
            numbers.push(Figure {
                label: "Checked in",
                value: found.checked_in.to_string(),
                detail: if found.confirmed == 0 {
                    "nobody registered yet".into()
                } else {
                    format!("{}% of those registered", found.checked_in * 100 / found.confirmed)
                },
            });
            numbers.push(Figure {
                label: "In a tribe",
                value: found.in_tribes.to_string(),
                detail: if found.confirmed == 0 {
                    String::new()
                } else {
                    format!("{}% of those registered", found.in_tribes * 100 / found.confirmed)
                },
            });
        }
        let mut charts = Vec::new();
        let total: usize = found.per_day.iter().map(|(_, n)| n).sum();
        charts.extend(bars(
            "Registrations per day",
            format!(
                "{total} registrations over {} day{}; the busiest day had {}.",
                found.per_day.len(),
                if found.per_day.len() == 1 { "" } else { "s" },
                found.per_day.iter().map(|(_, n)| *n).max().unwrap_or(0)
            ),
            found.per_day.iter().map(|(d, _)| d.format("%-d %b").to_string()).collect(),
            found.per_day.iter().map(|(_, n)| *n as f32).collect(),
            false,
        ));
        if let Some(day) = found.check_in_day {
            charts.extend(bars(
                "Check-ins per 15 minutes",
                format!(
                    "{} check-ins on {}, busiest quarter hour {}.",
                    found.checked_in,
                    day.format("%a %-d %b"),
                    found.check_ins.iter().max_by_key(|(_, n)| *n).map(|(t, n)| format!("{t} ({n})")).unwrap_or_default()
                ),
                found.check_ins.iter().map(|(t, _)| t.clone()).collect(),
                found.check_ins.iter().map(|(_, n)| *n as f32).collect(),
                false,
            ));
        }
        charts.extend(bars(
            "Agenda demand: most wanted sessions",
            match found.demand.first() {
                Some(top) => format!("“{}” is in the most agendas: {}.", top.title, top.wanted),
                None => String::new(),
            },
            found.demand.iter().map(|d| crate::domain::markdown::shorten(&d.title, 40)).collect(),
            found.demand.iter().map(|d| d.wanted as f32).collect(),
            true,
        ));
        if is_chat {
            let last = crate::domain::chats::room::past_rooms(db, event, at).await?.into_iter().next();
            if let Some(week) = last {
                let activity = insights::chat_week(db, week.id).await?;
                numbers.push(Figure { label: "Last chat", value: activity.participants.to_string(), detail: "people took part".into() });
                let messages: usize = activity.per_topic.iter().map(|(_, n)| n).sum();
                charts.extend(bars(
                    "Last chat: messages per topic",
                    format!("{messages} messages from {} people.", activity.participants),
                    activity.per_topic.iter().map(|(t, _)| t.clone()).collect(),
                    activity.per_topic.iter().map(|(_, n)| *n as f32).collect(),
                    false,
                ));
            }
        }
        let overflowing = found
            .demand
            .iter()
            .filter(|d| d.overflows())
            .map(|d| format!("“{}”: {} want it, {} seats", d.title, d.wanted, d.seats.unwrap_or(0)))
            .collect();
        let mut first_steps = Vec::new();
        let has_tickets = !crate::domain::registration::tickets::list(db, event.id).await?.is_empty();
        if !has_tickets {
            first_steps.push(FirstStep { text: "Add a ticket type so people can register", url: Section::Tickets.url(event) });
        }
        if !is_chat && found.sessions == 0 {
            first_steps.push(FirstStep { text: "Add the first session, or import a schedule", url: Section::Sessions.url(event) });
        }
        if !event.is_published {
            first_steps.push(FirstStep { text: "Check the event details, then publish it", url: Section::Details.url(event) });
        }
        Ok(OverviewPage {
            event: events::summarize(event),
            is_published: event.is_published,
            has_tickets,
            numbers,
            charts,
            overflowing,
            first_steps,
            is_chat,
        })
    }
}

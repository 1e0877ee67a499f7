//! `tribe demo`: a populated site to try Tribe on. A 3-day conference
//! (`hitmc`), a weekly online chat (`hcldr`), an evening meetup and 200
//! attendees with varied roles, interests and organizations. Deterministic
//! (seeded) and idempotent: an event that exists already is left as it is.
//!
//! Everything is made through the domain's own functions, as an organizer
//! and attendees would make it (sign-up, the event form, invitations the
//! staff member accepts, registrations, the session form, chat messages),
//! so the demo obeys every rule the site does. An event is published once
//! its schedule is in; a run stopped half-way leaves that event unpublished
//! (delete it to load it again).

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::DatabaseConnection;

use crate::db::entities::event::EventKind;
use crate::db::entities::{event, event_role, ticket_type, user};
use crate::domain::accounts::{self, passwords};
use crate::domain::chats::room::hub::ChatHub;
use crate::domain::chats::room::messages::{self, NewMessage};
use crate::domain::chats::room::{self as chat_room, topics};
use crate::domain::chats::{self, OccurrenceForm};
use crate::domain::community::profiles::{self, ProfileInput};
use crate::domain::community::{tables, tribes};
use crate::domain::events::editing::{self, EventForm};
use crate::domain::events::{self, places};
use crate::domain::input::local_input_value;
use crate::domain::now;
use crate::domain::registration::invitations::{self, TeamChange};
use crate::domain::registration::tickets::{self, TicketTypeForm};
use crate::domain::registration::{self, RegistrationForm};
use crate::domain::schedule::sessions::{self, SessionForm};
use crate::domain::times::local_to_utc;
use crate::error::{AppError, AppResult};

/// Every demo account logs in with this password.
pub const DEMO_PASSWORD: &str = "tribe-demo";
pub const ORGANIZER_EMAIL: &str = "organizer@example.org";
pub const STAFF_EMAIL: &str = "staff@example.org";
pub const ATTENDEE_COUNT: usize = 200;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub users_created: usize,
    pub events_created: Vec<String>,
    pub sessions_created: usize,
}

const FIRST_NAMES: &[&str] = &[
    "Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Imani", "Jonas", "Kavya", "Liam", "Maya", "Nikhil", "Olu", "Priya", "Quinn",
    "Rosa", "Sam", "Tomasz", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amara", "Björn", "Chiara", "Dmitri",
];
const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Nguyen",
    "García",
    "Smith",
    "Kowalski",
    "Haddad",
    "Johansson",
    "Patel",
    "Müller",
    "Rossi",
    "Tanaka",
    "O'Brien",
    "Silva",
    "Mensah",
    "Cohen",
    "Dubois",
    "Kim",
    "Novak",
    "Ferreira",
    "Walsh",
];
const ORGANIZATIONS: &[&str] = &[
    "Mercy Regional Health",
    "Lakeside Children's Hospital",
    "Northwind Health System",
    "Summit Cancer Center",
    "BrightPath Clinics",
    "Harbor Medical Group",
    "Patients Together Network",
    "CareSignal Analytics",
    "Pulse Communications",
    "Meridian University Hospital",
    "Riverbend Community Health",
    "Evergreen Pharma",
    "OpenChart Labs",
    "Heartland Nursing Association",
    "Independent",
];
const ROLES: &[(&str, &str)] = &[
    ("Marketing", "#d9480f"),
    ("PR/Communications", "#c2255c"),
    ("Clinician", "#1971c2"),
    ("Nurse", "#0c8599"),
    ("Patient/Advocate", "#2f9e44"),
    ("Administrator", "#5f3dc4"),
    ("Researcher", "#e67700"),
    ("Designer", "#9c36b5"),
    ("Developer", "#364fc7"),
    ("Other", "#495057"),
];
const HEADLINES: &[&str] = &[
    "Director of Digital Marketing",
    "Social Media Manager",
    "Chief Communications Officer",
    "Emergency physician",
    "Oncology nurse",
    "Patient advocate and blogger",
    "VP Patient Experience",
    "Health services researcher",
    "UX designer",
    "Full-stack developer",
    "Content strategist",
    "Practice administrator",
];
const INTERESTS: &[&str] = &[
    "patientengagement",
    "socialmedia",
    "contentmarketing",
    "seo",
    "analytics",
    "crisiscomms",
    "employeeadvocacy",
    "telehealth",
    "ai",
    "accessibility",
    "healthequity",
    "physicianrelations",
    "brand",
    "video",
    "podcasting",
    "reputation",
    "privacy",
    "ux",
    "research",
    "storytelling",
    "nursing",
    "mentalhealth",
    "cancer",
    "rarediseases",
    "leadership",
    "communitybuilding",
    "hcsm",
    "hcldr",
    "hitmc",
    "digitalhealth",
];
const OFFERS: &[&str] = &["media training", "seo audits", "patient voice", "data viz", "mentoring", "speaking", "video production", "survey design"];

const TOPICS: &[&str] = &[
    "Patient stories that respect privacy",
    "Measuring what social media is worth",
    "Physicians on social: a practical playbook",
    "Crisis communication in the first hour",
    "Content strategy for service lines",
    "Accessibility is marketing",
    "Employee advocacy without the cringe",
];
const ANGLES: &[&str] = &[
    "a case study",
    "what we learned",
    "panel",
    "hands-on workshop",
    "lightning talks",
    "lessons from 2026",
    "a roundtable",
    "the data",
    "beyond the hype",
];

fn conference_start(today: NaiveDate) -> NaiveDate {
    // The Monday at least eight weeks away, so the demo is always upcoming.
    let mut date = today + Duration::weeks(8);
    while date.weekday() != Weekday::Mon {
        date += Duration::days(1);
    }
    date
}

fn at(zone: Tz, date: NaiveDate, hour: u32, minute: u32) -> chrono::DateTime<chrono::Utc> {
    local_to_utc(zone, date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default()))
}

const ZONE: Tz = chrono_tz::America::New_York;

/// A time as the event form takes it: local, in the demo's zone.
fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    local_input_value(ZONE, t)
}

/// Loads the demo data set; returns what was created this time.
pub async fn load(db: &DatabaseConnection) -> AppResult<DemoReport> {
    load_sized(db, ATTENDEE_COUNT).await
}

/// The demo with `attendee_count` attendees (the benchmarks use 2,000):
/// the conference's capacity grows to hold them all.
pub async fn load_sized(db: &DatabaseConnection, attendee_count: usize) -> AppResult<DemoReport> {
    let password_hash = passwords::hash(DEMO_PASSWORD.to_owned()).await?;
    let mut report = DemoReport::default();
    let mut rng = StdRng::seed_from_u64(2026);

    let organizer = ensure_user(db, &mut report, ORGANIZER_EMAIL, "Olivia Organizer", &password_hash).await?;
    let staff = ensure_user(db, &mut report, STAFF_EMAIL, "Sam Staff", &password_hash).await?;
    let mut attendees = Vec::with_capacity(attendee_count);
    for i in 0..attendee_count {
        let name = format!("{} {}", FIRST_NAMES[i % FIRST_NAMES.len()], LAST_NAMES[(i * 7 + i / FIRST_NAMES.len()) % LAST_NAMES.len()]);
        let attendee = ensure_user(db, &mut report, &format!("attendee{:03}@example.org", i + 1), &name, &password_hash).await?;
        ensure_profile(db, &attendee, i, &mut rng).await?;
        attendees.push(attendee);
    }
    let team = Team { organizer: &organizer, staff: &staff };

    let today = now().with_timezone(&ZONE).date_naive();
    if let Some(hitmc) = create_event(db, &mut report, &team, hitmc_form(today, attendee_count)).await? {
        seed_conference(db, &mut report, &hitmc, &attendees, &mut rng).await?;
        editing::set_published(db, &hitmc, true).await?;
        seed_community(db, &hitmc, today).await?;
    }
    if let Some(hcldr) = create_event(db, &mut report, &team, hcldr_form(today)).await? {
        let hcldr = editing::set_published(db, &hcldr, true).await?;
        seed_chat(db, &hcldr, &attendees, today).await?;
    }
    if let Some(meetup) = create_event(db, &mut report, &team, meetup_form(today)).await? {
        let meetup = editing::set_published(db, &meetup, true).await?;
        let roles = seed_roles(db, &meetup).await?;
        let going: Vec<(&user::Model, Option<i32>)> =
            attendees.iter().enumerate().filter(|(i, _)| i % 6 == 0).map(|(i, a)| (a, Some(roles[i % roles.len()].id))).take(30).collect();
        register_all(db, &meetup, Some(40), &going).await?;
    }
    Ok(report)
}

/// Tribe meetups at lunch and after the sessions each day, tribes formed,
/// and a mixed-stakeholder roundtable: what an organizer would set up.
async fn seed_community(db: &DatabaseConnection, hitmc: &event::Model, today: NaiveDate) -> AppResult<()> {
    let first = conference_start(today);
    for day in 0..3 {
        let date = first + Duration::days(day);
        let input = |h: u32, m: u32| local(at(ZONE, date, h, m));
        tribes::add_slot(db, hitmc, &input(12, 15), &input(12, 55), "Lunch terrace, tribe tables", "6").await?;
        tribes::add_slot(db, hitmc, &input(17, 45), &input(18, 30), "Lobby bar", "4").await?;
    }
    tribes::form(db, hitmc, false).await?;
    let roles = places::roles(db, hitmc.id).await?;
    let wanted: Vec<i32> =
        roles.iter().filter(|r| ["Patient/Advocate", "Clinician", "Administrator"].contains(&r.name.as_str())).map(|r| r.id).collect();
    tables::create(
        db,
        hitmc,
        &tables::PlanRequest { title: "Roundtable: every voice at the table".into(), session_id: None, table_size: "8".into(), role_ids: wanted },
    )
    .await?;
    Ok(())
}

async fn ensure_user(db: &DatabaseConnection, report: &mut DemoReport, email: &str, name: &str, hash: &str) -> AppResult<user::Model> {
    if let Some(existing) = accounts::find_by_email(db, email).await? {
        return Ok(existing);
    }
    report.users_created += 1;
    accounts::insert_user(db, email, name, hash.to_owned(), false).await
}

async fn ensure_profile(db: &DatabaseConnection, owner: &user::Model, index: usize, rng: &mut StdRng) -> AppResult<()> {
    if profiles::is_saved(db, owner.id).await? {
        return Ok(());
    }
    let count = rng.gen_range(3..=6);
    let mut interests: Vec<&str> = INTERESTS.choose_multiple(rng, count).copied().collect();
    interests.sort_unstable();
    let visibility = match index % 20 {
        0 => "hidden",
        1..=6 => "public",
        _ => "attendees",
    };
    let handle = owner.display_name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "");
    let form = ProfileInput {
        display_name: owner.display_name.clone(),
        pronouns: ["she/her", "he/him", "they/them", ""][index % 4].to_owned(),
        headline: HEADLINES[index % HEADLINES.len()].to_owned(),
        organization: ORGANIZATIONS[rng.gen_range(0..ORGANIZATIONS.len())].to_owned(),
        bio: format!("Working on **{}** and always happy to talk about #{}.", HEADLINES[index % HEADLINES.len()].to_lowercase(), interests[0]),
        interests: interests.join(","),
        looking_for: OFFERS[rng.gen_range(0..OFFERS.len())].to_owned(),
        can_offer: OFFERS[rng.gen_range(0..OFFERS.len())].to_owned(),
        // X allows 15 characters after the @.
        handle_x: if index % 3 == 0 {
            format!("@{}{index}", handle.chars().take(15 - index.to_string().len()).collect::<String>())
        } else {
            String::new()
        },
        handle_mastodon: if index % 5 == 0 { format!("@{handle}@med-mastodon.example") } else { String::new() },
        handle_bluesky: if index % 4 == 1 { format!("{handle}.bsky.social") } else { String::new() },
        handle_linkedin: String::new(),
        website: String::new(),
        time_zone: ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London"][index % 4].to_owned(),
        visibility: visibility.to_owned(),
        matching_enabled: index % 10 != 3,
        share_on_scan: false,
    };
    profiles::save(db, owner, &form).await?;
    Ok(())
}

/// Who runs every demo event: the organizer creates it, the staff member
/// joins by accepting the organizer's invitation.
struct Team<'a> {
    organizer: &'a user::Model,
    staff: &'a user::Model,
}

fn hitmc_form(today: NaiveDate, attendee_count: usize) -> EventForm {
    let first = conference_start(today);
    EventForm {
        slug: "hitmc".into(),
        title: "HITMC: Healthcare Internet, Technology & Marketing Conference".into(),
        description: "Three days for the people who market, communicate and build for healthcare: \
            marketers, PR and communications teams, clinicians, patients and advocates.\n\n\
            * Keynotes every morning\n* Four rooms of sessions and workshops\n* Tribe meetups by role at lunch\n\n\
            Come find your tribe."
            .into(),
        kind: "conference".into(),
        time_zone: ZONE.name().into(),
        starts_at: local(at(ZONE, first, 8, 30)),
        ends_at: local(at(ZONE, first + Duration::days(2), 17, 30)),
        venue_name: "Lakeside Convention Center".into(),
        venue_address: "1 Convention Way, Orlando, FL 32830".into(),
        venue_map_url: "https://www.openstreetmap.org/search?query=Orlando%20FL".into(),
        hashtag: "#HITMC".into(),
        capacity: (attendee_count * 2).max(400).to_string(),
        ..EventForm::default()
    }
}

fn hcldr_form(today: NaiveDate) -> EventForm {
    // The series began eight Tuesdays ago and runs for a year.
    let mut first = today - Duration::weeks(8);
    while first.weekday() != Weekday::Tue {
        first += Duration::days(1);
    }
    EventForm {
        slug: "hcldr".into(),
        title: "#hcldr — Healthcare Leadership Chat".into(),
        description: "A weekly one-hour chat on leading in healthcare. Four topics, T1 to T4; answer with \"T1: ...\". \
            Lurkers welcome.\n\nWe will assume all posts during the hour are your own and not those of your employers."
            .into(),
        kind: "online_chat".into(),
        time_zone: ZONE.name().into(),
        starts_at: local(at(ZONE, first, 20, 30)),
        ends_at: local(at(ZONE, first + Duration::weeks(60), 21, 30)),
        hashtag: "#hcldr".into(),
        recurrence_minutes: "60".into(),
        host_name: "Olivia Organizer".into(),
        chat_opening_message: "Welcome to #hcldr! We will assume all posts during the hour are your own and not those of your employers.".into(),
        ..EventForm::default()
    }
}

fn meetup_form(today: NaiveDate) -> EventForm {
    let mut date = today + Duration::weeks(3);
    while date.weekday() != Weekday::Thu {
        date += Duration::days(1);
    }
    EventForm {
        slug: "hcsm-boston".into(),
        title: "#hcsm Boston meetup".into(),
        description: "An evening for the #hcsm community in Boston: short talks, then conversation.".into(),
        kind: "meetup".into(),
        time_zone: ZONE.name().into(),
        starts_at: local(at(ZONE, date, 18, 0)),
        ends_at: local(at(ZONE, date, 20, 30)),
        venue_name: "Harborview Community Room".into(),
        venue_address: "100 Harbor St, Boston, MA 02110".into(),
        hashtag: "#hcsm".into(),
        capacity: "40".into(),
        ..EventForm::default()
    }
}

/// Creates the event (unpublished) with its team, unless its address is
/// taken already: then `None`, and nothing is added to it.
async fn create_event(db: &DatabaseConnection, report: &mut DemoReport, team: &Team<'_>, form: EventForm) -> AppResult<Option<event::Model>> {
    if events::find_by_slug(db, &form.slug).await?.is_some() {
        return Ok(None);
    }
    let created = editing::create(db, team.organizer, &form).await?;
    if let TeamChange::Invited(sent) = invitations::invite_to_team(db, "", &created, team.organizer, &team.staff.email, "staff").await? {
        invitations::accept(db, &sent.token, team.staff).await?;
    }
    report.events_created.push(created.slug.clone());
    Ok(Some(created))
}

async fn seed_roles(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<event_role::Model>> {
    let mut roles = Vec::new();
    for (name, color) in ROLES {
        roles.push(places::add_role(db, event, name, color).await?);
    }
    Ok(roles)
}

/// The event's free general-admission ticket type.
async fn free_ticket(db: &DatabaseConnection, event: &event::Model, capacity: Option<i32>) -> AppResult<ticket_type::Model> {
    let form = TicketTypeForm {
        name: "General admission".into(),
        description: match event.kind {
            EventKind::Conference => "Everything: sessions, meetups and the tribe tables.",
            EventKind::Meetup => "A place at the meetup.",
            EventKind::OnlineChat => "Every week's chat: post, reply and find your tribe. Reading needs no ticket.",
        }
        .into(),
        price: "0".into(),
        currency: "USD".into(),
        capacity: capacity.map(|c| c.to_string()).unwrap_or_default(),
        max_per_person: "1".into(),
        visible: "true".into(),
        ..TicketTypeForm::default()
    };
    tickets::create(db, event, &form).await
}

/// Registers demo attendees for the event's free ticket, each as they would
/// through the registration form.
async fn register_all(
    db: &DatabaseConnection,
    event: &event::Model,
    capacity: Option<i32>,
    attendees: &[(&user::Model, Option<i32>)],
) -> AppResult<()> {
    let ticket = free_ticket(db, event, capacity).await?;
    let event = events::find_by_id(db, event.id).await?.ok_or(AppError::NotFound)?;
    for (attendee, role_id) in attendees {
        let form = RegistrationForm {
            ticket_type_id: ticket.id.to_string(),
            role: role_id.map(|id| id.to_string()).unwrap_or_default(),
            ..RegistrationForm::default()
        };
        let request = registration::check_request(db, &event, &form, None, false).await?;
        registration::register_free(db, &event, attendee, &request).await?;
    }
    Ok(())
}

async fn seed_conference(
    db: &DatabaseConnection,
    report: &mut DemoReport,
    hitmc: &event::Model,
    attendees: &[user::Model],
    rng: &mut StdRng,
) -> AppResult<()> {
    let roles = seed_roles(db, hitmc).await?;
    // Registering needs the event published; its schedule follows at once.
    let hitmc = &editing::set_published(db, hitmc, true).await?;
    // Roles are uneven on purpose, as at a real conference: more marketers than designers.
    let going: Vec<(&user::Model, Option<i32>)> =
        attendees.iter().enumerate().map(|(i, a)| (a, Some(roles[[0, 0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 9][i % 15]].id))).collect();
    let seats = hitmc.capacity.unwrap_or(400);
    register_all(db, hitmc, Some(seats), &going).await?;
    for (name, capacity) in [("Grand Ballroom", "400"), ("Salon A", "80"), ("Salon B", "80"), ("Workshop Room", "30")] {
        places::add_room(db, hitmc, name, capacity).await?;
    }
    for (name, color) in [
        ("Marketing & Brand", "#d9480f"),
        ("Patient Engagement", "#2f9e44"),
        ("Social Media", "#1971c2"),
        ("Data & Analytics", "#5f3dc4"),
        ("Leadership", "#495057"),
    ] {
        places::add_track(db, hitmc, name, color).await?;
    }
    let rooms = places::rooms(db, hitmc.id).await?;
    let tracks = places::tracks(db, hitmc.id).await?;
    let slots = [(10, 15), (11, 15), (13, 30), (14, 30), (15, 45)];
    let first_day = hitmc.starts_at.with_timezone(&ZONE).date_naive();
    let mut title_index = 0usize;
    for day in 0..3 {
        let date = first_day + Duration::days(day);
        let keynote = format!(
            "Day {} keynote: {}",
            day + 1,
            ["Finding your tribe in healthcare", "Trust is the new reach", "The patient is the channel"][day as usize]
        );
        let slot = Slot { room: &rooms[0], track: &tracks[4], starts_at: at(ZONE, date, 9, 0), minutes: 60, capacity: None };
        add_session(db, report, hitmc, &keynote, slot, attendees, rng).await?;
        for (hour, minute) in slots {
            for (room_index, room) in rooms.iter().enumerate() {
                let title = format!("{}: {}", TOPICS[title_index % TOPICS.len()], ANGLES[title_index / TOPICS.len() % ANGLES.len()]);
                title_index += 1;
                let track = &tracks[(title_index + room_index) % tracks.len()];
                let slot = Slot { room, track, starts_at: at(ZONE, date, hour, minute), minutes: 45, capacity: (room_index == 3).then_some(30) };
                add_session(db, report, hitmc, &title, slot, attendees, rng).await?;
            }
        }
    }
    seed_agendas(db, hitmc, attendees, rng).await
}

/// Some attendees build an agenda, as they would in the weeks before: a
/// few sessions, the first day's most often, so the organizer's
/// demand chart has something to say. A full workshop refuses, as it would.
async fn seed_agendas(db: &DatabaseConnection, hitmc: &event::Model, attendees: &[user::Model], rng: &mut StdRng) -> AppResult<()> {
    let sessions = crate::domain::schedule::load(db, hitmc, crate::domain::schedule::Scope::Published).await?.sessions;
    for attendee in attendees.iter().step_by(3) {
        for _ in 0..4 {
            // Squaring favours the earliest sessions (in time order), so
            // some draw more people than their room holds.
            let pick = (rng.gen::<f64>().powi(2) * sessions.len() as f64) as usize;
            let Some(session) = sessions.get(pick) else { continue };
            match crate::domain::schedule::agenda::add(db, attendee, hitmc, session.session.id).await {
                Ok(_) | Err(crate::error::AppError::Conflict(_)) => {}
                Err(other) => return Err(other),
            }
        }
    }
    Ok(())
}

/// Where and when a session is.
struct Slot<'a> {
    room: &'a crate::db::entities::room::Model,
    track: &'a crate::db::entities::track::Model,
    starts_at: chrono::DateTime<chrono::Utc>,
    minutes: i64,
    capacity: Option<i32>,
}

async fn add_session(
    db: &DatabaseConnection,
    report: &mut DemoReport,
    hitmc: &event::Model,
    title: &str,
    slot: Slot<'_>,
    attendees: &[user::Model],
    rng: &mut StdRng,
) -> AppResult<()> {
    // Speakers are distinct attendees per slot: nobody is in two places at
    // once. Their emails link their accounts (they are registered).
    let speaker_count = rng.gen_range(1..=2);
    let speakers: Vec<String> =
        (0..speaker_count).map(|position| attendees[((report.sessions_created + 1) * 3 + position) % attendees.len()].email.clone()).collect();
    let form = SessionForm {
        title: title.to_owned(),
        abstract_text: format!("{title}. Practical ideas you can take home on Monday, with time for questions."),
        track: slot.track.id.to_string(),
        room: slot.room.id.to_string(),
        starts_at: local(slot.starts_at),
        ends_at: local(slot.starts_at + Duration::minutes(slot.minutes)),
        capacity: slot.capacity.map(|c| c.to_string()).unwrap_or_default(),
        status: "published".into(),
        language: "en".into(),
        tags: INTERESTS.choose_multiple(rng, 2).copied().collect::<Vec<_>>().join(", "),
        speakers: speakers.join("\n"),
    };
    sessions::create(db, hitmc, &form).await?;
    report.sessions_created += 1;
    Ok(())
}

const CHAT_TOPICS: &[[&str; 4]] = &[
    [
        "How do you lead through burnout?",
        "What does psychological safety look like on a unit?",
        "Which meeting would you cancel tomorrow?",
        "Who taught you to lead?",
    ],
    [
        "Where should patients sit in governance?",
        "What makes a patient advisory council real?",
        "How do you close the loop on feedback?",
        "One thing you changed because a patient asked.",
    ],
    [
        "AI in the front office: help or hype?",
        "What should never be automated?",
        "How do you explain AI to your board?",
        "Your favourite small automation.",
    ],
    [
        "Recruiting the next generation of nurses",
        "Mentoring across generations",
        "What keeps people in healthcare?",
        "Your advice to your first-year self.",
    ],
    ["Health equity beyond the strategy deck", "Measuring equity honestly", "Partnering with community groups", "A small win worth sharing."],
    [
        "Telling your organization's story on social",
        "When should leaders post?",
        "Handling criticism in public",
        "The best healthcare account you follow.",
    ],
];

async fn seed_chat(db: &DatabaseConnection, hcldr: &event::Model, attendees: &[user::Model], today: NaiveDate) -> AppResult<()> {
    let roles = seed_roles(db, hcldr).await?;
    let going: Vec<(&user::Model, Option<i32>)> =
        attendees.iter().enumerate().filter(|(i, _)| i % 5 != 4).map(|(i, a)| (a, Some(roles[i % roles.len()].id))).collect();
    register_all(db, hcldr, None, &going).await?;
    let hcldr = events::find_by_id(db, hcldr.id).await?.ok_or(AppError::NotFound)?;
    let hub = ChatHub::new(db);
    // Two past chats and the next four carry topics; the fifth upcoming week
    // is skipped (a holiday) and the sixth moved an hour earlier.
    let mut tuesday = today - Duration::weeks(2);
    while tuesday.weekday() != Weekday::Tue {
        tuesday += Duration::days(1);
    }
    for week in 0..8i64 {
        let date = tuesday + Duration::weeks(week);
        let scheduled = at(ZONE, date, 20, 30);
        let (status, starts_at) = match week {
            6 => ("skipped", scheduled),
            7 => ("moved", at(ZONE, date, 19, 30)),
            _ => ("scheduled", scheduled),
        };
        let topics = CHAT_TOPICS[week as usize % CHAT_TOPICS.len()];
        let form = OccurrenceForm {
            scheduled_start: scheduled.to_rfc3339(),
            status: status.into(),
            starts_at: local(starts_at),
            topics: if status == "skipped" { String::new() } else { topics.join("\n") },
            // One week keeps its topics for the hour, to show both ways.
            topics_shown: if week == 4 { "live" } else { "before" }.into(),
        };
        chats::save_occurrence(db, &hcldr, &form).await?;
        if starts_at + Duration::minutes(60) < now() {
            hold_past_chat(db, &hub, &hcldr, scheduled, attendees, week as usize).await?;
        }
    }
    Ok(())
}

/// What was said in a past chat, for its transcript, posted at the times it
/// was said: the opening and each topic when due, a few answers to each
/// with a reply and a quote.
async fn hold_past_chat(
    db: &DatabaseConnection,
    hub: &Arc<ChatHub>,
    hcldr: &event::Model,
    scheduled: chrono::DateTime<chrono::Utc>,
    attendees: &[user::Model],
    week: usize,
) -> AppResult<()> {
    const ANSWERS: &[&str] = &[
        "We started by asking frontline staff what gets in their way. The list was short and humbling.",
        "Agree. Psychological safety first, dashboards second.",
        "Our patient advisory council changed how we write discharge instructions: https://example.org/plain-language",
        "Lurking tonight, but this is gold.",
        "Leaders who round weekly hear things no survey tells them.",
    ];
    let key = chat_room::key_of(scheduled);
    let room = chat_room::find(db, hcldr, &key).await?;
    let start = room.occurrence.starts_at;
    let topic_times: Vec<(i32, i64)> = room.topics.iter().map(|t| (t.position, i64::from(t.offset_minutes))).collect();
    topics::post_due_in(db, hub, &room, start).await?;
    for (position, offset) in topic_times {
        topics::post_due_in(db, hub, &chat_room::find(db, hcldr, &key).await?, start + Duration::minutes(offset)).await?;
        let room = chat_room::find(db, hcldr, &key).await?;
        let i = position as usize - 1;
        let speaker = |n: usize| &attendees[(week * 11 + i * 5 + n * 3) % attendees.len()];
        let at_minute = |m: i64| start + Duration::minutes(offset + m);
        let say = |body: String, reply_to: Option<i32>, quote_of: Option<i32>| NewMessage { body, topic: format!("T{position}"), reply_to, quote_of };
        let first = messages::post(
            db,
            hub,
            &room,
            speaker(0),
            &say(format!("T{position}: {}", ANSWERS[(week + i) % ANSWERS.len()]), None, None),
            at_minute(1),
        )
        .await?;
        messages::post(db, hub, &room, speaker(1), &say(ANSWERS[(week + i + 1) % ANSWERS.len()].to_owned(), Some(first.id), None), at_minute(2))
            .await?;
        messages::post(db, hub, &room, speaker(2), &say(format!("MT T{position}: so true"), None, Some(first.id)), at_minute(3)).await?;
        messages::post(
            db,
            hub,
            &room,
            speaker(3),
            &say(format!("T{position}: {}", ANSWERS[(week + i + 2) % ANSWERS.len()]), None, None),
            at_minute(4),
        )
        .await?;
    }
    Ok(())
}

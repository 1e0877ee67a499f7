//! `tribe demo`: a populated site to try Tribe on. A 3-day conference
//! (`hitmc`), a weekly online chat (`hcldr`), an evening meetup and 200
//! attendees with varied roles, interests and organizations. Deterministic
//! (seeded) and idempotent: what exists already is left as it is.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use crate::db::entities::chat_event::RoomEventKind;
use crate::db::entities::chat_message::MessageKind;
use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::event::EventKind;
use crate::db::entities::event_member::TeamRole;
use crate::db::entities::profile::Visibility;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::session::SessionStatus;
use crate::db::entities::{
    chat_occurrence, chat_topic, event, event_member, event_role, profile, registration, registration_change, room, session, session_speaker,
    ticket_type, track, user,
};
use crate::domain::accounts;
use crate::domain::accounts::passwords;
use crate::domain::now;
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

/// Loads the demo data set; returns what was created this time.
pub async fn load(db: &DatabaseConnection) -> AppResult<DemoReport> {
    let password_hash = passwords::hash(DEMO_PASSWORD.to_owned()).await?;
    let txn = crate::db::begin(db).await?;
    let mut report = DemoReport::default();
    let mut rng = StdRng::seed_from_u64(2026);

    let organizer = ensure_user(&txn, &mut report, ORGANIZER_EMAIL, "Olivia Organizer", &password_hash).await?;
    let staff = ensure_user(&txn, &mut report, STAFF_EMAIL, "Sam Staff", &password_hash).await?;
    let mut attendees = Vec::with_capacity(ATTENDEE_COUNT);
    for i in 0..ATTENDEE_COUNT {
        let name = format!("{} {}", FIRST_NAMES[i % FIRST_NAMES.len()], LAST_NAMES[(i * 7 + i / FIRST_NAMES.len()) % LAST_NAMES.len()]);
        let attendee = ensure_user(&txn, &mut report, &format!("attendee{:03}@example.org", i + 1), &name, &password_hash).await?;
        ensure_profile(&txn, &attendee, i, &mut rng).await?;
        attendees.push(attendee);
    }

    let today = now().with_timezone(&chrono_tz::America::New_York).date_naive();
    let new_hitmc = create_event_if_missing(&txn, &mut report, hitmc_event(today), &organizer, &staff).await?;
    if let Some(hitmc) = &new_hitmc {
        seed_conference(&txn, &mut report, hitmc, &attendees, &mut rng).await?;
    }
    if let Some(hcldr) = create_event_if_missing(&txn, &mut report, hcldr_event(today), &organizer, &staff).await? {
        seed_chat(&txn, &hcldr, &attendees, today).await?;
    }
    if let Some(meetup) = create_event_if_missing(&txn, &mut report, meetup_event(today), &organizer, &staff).await? {
        let roles = seed_roles(&txn, &meetup).await?;
        let going: Vec<(&user::Model, Option<i32>)> =
            attendees.iter().enumerate().filter(|(i, _)| i % 6 == 0).map(|(i, a)| (a, Some(roles[i % roles.len()].id))).take(30).collect();
        register_all(&txn, &meetup, Some(40), &going).await?;
    }
    txn.commit().await?;
    if let Some(hitmc) = new_hitmc {
        seed_community(db, &hitmc, today).await?;
    }
    Ok(report)
}

/// Tribe meetups at lunch and after the sessions each day, tribes formed,
/// and a mixed-stakeholder roundtable: what an organizer would set up.
async fn seed_community(db: &DatabaseConnection, hitmc: &event::Model, today: NaiveDate) -> AppResult<()> {
    use crate::domain::community::{tables, tribes};
    let zone = chrono_tz::America::New_York;
    let first = conference_start(today);
    for day in 0..3 {
        let date = first + Duration::days(day);
        let input = |h: u32, m: u32| crate::domain::input::local_input_value(zone, at(zone, date, h, m));
        tribes::add_slot(db, hitmc, &input(12, 15), &input(12, 55), "Lunch terrace, tribe tables", "6").await?;
        tribes::add_slot(db, hitmc, &input(17, 45), &input(18, 30), "Lobby bar", "4").await?;
    }
    tribes::form(db, hitmc, false).await?;
    let roles = crate::domain::events::places::roles(db, hitmc.id).await?;
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

async fn ensure_user(txn: &DatabaseTransaction, report: &mut DemoReport, email: &str, name: &str, hash: &str) -> AppResult<user::Model> {
    if let Some(existing) = user::Entity::find().filter(user::Column::Email.eq(email)).one(txn).await? {
        return Ok(existing);
    }
    report.users_created += 1;
    accounts::insert_user(txn, email, name, hash.to_owned(), false).await
}

async fn ensure_profile(txn: &DatabaseTransaction, owner: &user::Model, index: usize, rng: &mut StdRng) -> AppResult<()> {
    if profile::Entity::find().filter(profile::Column::UserId.eq(owner.id)).one(txn).await?.is_some() {
        return Ok(());
    }
    let count = rng.gen_range(3..=6);
    let mut interests: Vec<&str> = INTERESTS.choose_multiple(rng, count).copied().collect();
    interests.sort_unstable();
    let visibility = match index % 20 {
        0 => Visibility::Hidden,
        1..=6 => Visibility::Public,
        _ => Visibility::Attendees,
    };
    let handle = owner.display_name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "");
    let at = now();
    profile::ActiveModel {
        user_id: Set(owner.id),
        pronouns: Set(["she/her", "he/him", "they/them", ""][index % 4].to_owned()),
        headline: Set(HEADLINES[index % HEADLINES.len()].to_owned()),
        organization: Set(ORGANIZATIONS[rng.gen_range(0..ORGANIZATIONS.len())].to_owned()),
        bio: Set(format!("Working on **{}** and always happy to talk about #{}.", HEADLINES[index % HEADLINES.len()].to_lowercase(), interests[0])),
        interests: Set(interests.join(",")),
        looking_for: Set(OFFERS[rng.gen_range(0..OFFERS.len())].to_owned()),
        can_offer: Set(OFFERS[rng.gen_range(0..OFFERS.len())].to_owned()),
        handle_x: Set(if index % 3 == 0 { format!("@{handle}{index}") } else { String::new() }),
        handle_mastodon: Set(if index % 5 == 0 { format!("@{handle}@med-mastodon.example") } else { String::new() }),
        handle_bluesky: Set(if index % 4 == 1 { format!("{handle}.bsky.social") } else { String::new() }),
        handle_linkedin: Set(String::new()),
        website: Set(String::new()),
        time_zone: Set(Some(["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London"][index % 4].to_owned())),
        visibility: Set(visibility),
        matching_enabled: Set(index % 10 != 3),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

fn base_event(
    slug: &str,
    title: &str,
    kind: EventKind,
    zone: &str,
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
) -> event::ActiveModel {
    let at = now();
    event::ActiveModel {
        slug: Set(slug.to_owned()),
        title: Set(title.to_owned()),
        description: Set(String::new()),
        kind: Set(kind),
        time_zone: Set(zone.to_owned()),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        venue_name: Set(None),
        venue_address: Set(None),
        venue_map_url: Set(None),
        online_url: Set(None),
        hashtag: Set(None),
        capacity: Set(None),
        is_published: Set(true),
        recurrence_rule: Set(None),
        recurrence_local_time: Set(None),
        recurrence_minutes: Set(None),
        host_name: Set(None),
        revision: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
}

fn hitmc_event(today: NaiveDate) -> event::ActiveModel {
    let zone = chrono_tz::America::New_York;
    let first = conference_start(today);
    let mut model = base_event(
        "hitmc",
        "HITMC: Healthcare Internet, Technology & Marketing Conference",
        EventKind::Conference,
        "America/New_York",
        at(zone, first, 8, 30),
        at(zone, first + Duration::days(2), 17, 30),
    );
    model.description = Set("Three days for the people who market, communicate and build for healthcare: \
        marketers, PR and communications teams, clinicians, patients and advocates.\n\n\
        * Keynotes every morning\n* Four rooms of sessions and workshops\n* Tribe meetups by role at lunch\n\n\
        Come find your tribe."
        .to_owned());
    model.venue_name = Set(Some("Lakeside Convention Center".to_owned()));
    model.venue_address = Set(Some("1 Convention Way, Orlando, FL 32830".to_owned()));
    model.venue_map_url = Set(Some("https://www.openstreetmap.org/search?query=Orlando%20FL".to_owned()));
    model.hashtag = Set(Some("#HITMC".to_owned()));
    model.capacity = Set(Some(400));
    model
}

fn hcldr_event(today: NaiveDate) -> event::ActiveModel {
    let zone = chrono_tz::America::New_York;
    // The series began eight Tuesdays ago and runs for a year.
    let mut first = today - Duration::weeks(8);
    while first.weekday() != Weekday::Tue {
        first += Duration::days(1);
    }
    let mut model = base_event(
        "hcldr",
        "#hcldr — Healthcare Leadership Chat",
        EventKind::OnlineChat,
        "America/New_York",
        at(zone, first, 20, 30),
        at(zone, first + Duration::weeks(60), 21, 30),
    );
    model.description = Set("A weekly one-hour chat on leading in healthcare. Four topics, T1 to T4; answer with \"T1: ...\". \
        Lurkers welcome.\n\nWe will assume all posts during the hour are your own and not those of your employers."
        .to_owned());
    model.hashtag = Set(Some("#hcldr".to_owned()));
    model.recurrence_rule = Set(Some("FREQ=WEEKLY;BYDAY=TU".to_owned()));
    model.recurrence_local_time = Set(Some("20:30".to_owned()));
    model.recurrence_minutes = Set(Some(60));
    model.host_name = Set(Some("Olivia Organizer".to_owned()));
    model.chat_opening_message =
        Set("Welcome to #hcldr! We will assume all posts during the hour are your own and not those of your employers.".to_owned());
    model
}

fn meetup_event(today: NaiveDate) -> event::ActiveModel {
    let zone = chrono_tz::America::New_York;
    let mut date = today + Duration::weeks(3);
    while date.weekday() != Weekday::Thu {
        date += Duration::days(1);
    }
    let mut model =
        base_event("hcsm-boston", "#hcsm Boston meetup", EventKind::Meetup, "America/New_York", at(zone, date, 18, 0), at(zone, date, 20, 30));
    model.description = Set("An evening for the #hcsm community in Boston: short talks, then conversation.".to_owned());
    model.venue_name = Set(Some("Harborview Community Room".to_owned()));
    model.venue_address = Set(Some("100 Harbor St, Boston, MA 02110".to_owned()));
    model.hashtag = Set(Some("#hcsm".to_owned()));
    model.capacity = Set(Some(40));
    model
}

async fn create_event_if_missing(
    txn: &DatabaseTransaction,
    report: &mut DemoReport,
    model: event::ActiveModel,
    organizer: &user::Model,
    staff: &user::Model,
) -> AppResult<Option<event::Model>> {
    let slug = model.slug.clone().unwrap();
    if event::Entity::find().filter(event::Column::Slug.eq(slug.as_str())).one(txn).await?.is_some() {
        return Ok(None);
    }
    let created = model.insert(txn).await?;
    for (member, role) in [(organizer, TeamRole::Organizer), (staff, TeamRole::Staff)] {
        event_member::ActiveModel {
            event_id: Set(created.id),
            user_id: Set(member.id),
            role: Set(role),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    report.events_created.push(slug);
    Ok(Some(created))
}

async fn seed_roles(txn: &DatabaseTransaction, event: &event::Model) -> AppResult<Vec<event_role::Model>> {
    let mut roles = Vec::new();
    for (position, (name, color)) in ROLES.iter().enumerate() {
        roles.push(
            event_role::ActiveModel {
                event_id: Set(event.id),
                name: Set((*name).to_owned()),
                color: Set((*color).to_owned()),
                position: Set(position as i32),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    Ok(roles)
}

/// The event's free general-admission ticket type.
async fn free_ticket(txn: &impl ConnectionTrait, event: &event::Model, capacity: Option<i32>) -> AppResult<ticket_type::Model> {
    let at = now();
    Ok(ticket_type::ActiveModel {
        event_id: Set(event.id),
        name: Set("General admission".to_owned()),
        description: Set("Everything: sessions, meetups and the tribe tables.".to_owned()),
        price_minor: Set(0),
        currency: Set("USD".to_owned()),
        capacity: Set(capacity),
        taken: Set(0),
        sales_start: Set(None),
        sales_end: Set(None),
        is_visible: Set(true),
        max_per_person: Set(1),
        position: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Registers demo attendees for the event's free ticket, counting their seats.
async fn register_all(
    txn: &impl ConnectionTrait,
    event: &event::Model,
    capacity: Option<i32>,
    attendees: &[(&user::Model, Option<i32>)],
) -> AppResult<()> {
    let ticket = free_ticket(txn, event, capacity).await?;
    let at = now();
    for (attendee, role_id) in attendees {
        let created = registration::ActiveModel {
            event_id: Set(event.id),
            user_id: Set(attendee.id),
            ticket_type_id: Set(ticket.id),
            role_id: Set(*role_id),
            quantity: Set(1),
            status: Set(RegistrationStatus::Confirmed),
            amount_minor: Set(0),
            currency: Set("USD".to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        registration_change::ActiveModel {
            registration_id: Set(created.id),
            from_status: Set(None),
            to_status: Set(RegistrationStatus::Confirmed),
            actor_user_id: Set(Some(attendee.id)),
            reason: Set("demo data".to_owned()),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let count = attendees.len() as i32;
    let mut seats: ticket_type::ActiveModel = ticket.into();
    seats.taken = Set(count);
    seats.update(txn).await?;
    let mut counted: event::ActiveModel = event.clone().into();
    counted.seats_taken = Set(count);
    counted.update(txn).await?;
    Ok(())
}

async fn seed_conference(
    txn: &DatabaseTransaction,
    report: &mut DemoReport,
    hitmc: &event::Model,
    attendees: &[user::Model],
    rng: &mut StdRng,
) -> AppResult<()> {
    let zone = chrono_tz::America::New_York;
    let roles = seed_roles(txn, hitmc).await?;
    // Roles are uneven on purpose, as at a real conference: more marketers than designers.
    let going: Vec<(&user::Model, Option<i32>)> =
        attendees.iter().enumerate().map(|(i, a)| (a, Some(roles[[0, 0, 0, 1, 1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 9][i % 15]].id))).collect();
    register_all(txn, hitmc, Some(400), &going).await?;
    let mut rooms = Vec::new();
    for (position, (name, capacity)) in [("Grand Ballroom", 400), ("Salon A", 80), ("Salon B", 80), ("Workshop Room", 30)].iter().enumerate() {
        rooms.push(
            room::ActiveModel {
                event_id: Set(hitmc.id),
                name: Set((*name).to_owned()),
                position: Set(position as i32),
                capacity: Set(Some(*capacity)),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    let mut tracks = Vec::new();
    for (position, (name, color)) in [
        ("Marketing & Brand", "#d9480f"),
        ("Patient Engagement", "#2f9e44"),
        ("Social Media", "#1971c2"),
        ("Data & Analytics", "#5f3dc4"),
        ("Leadership", "#495057"),
    ]
    .iter()
    .enumerate()
    {
        tracks.push(
            track::ActiveModel {
                event_id: Set(hitmc.id),
                name: Set((*name).to_owned()),
                color: Set((*color).to_owned()),
                position: Set(position as i32),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    let slots = [(10, 15), (11, 15), (13, 30), (14, 30), (15, 45)];
    let first_day = hitmc.starts_at.with_timezone(&zone).date_naive();
    let mut title_index = 0usize;
    for day in 0..3 {
        let date = first_day + Duration::days(day);
        let keynote = format!(
            "Day {} keynote: {}",
            day + 1,
            ["Finding your tribe in healthcare", "Trust is the new reach", "The patient is the channel"][day as usize]
        );
        insert_session(txn, report, hitmc, &keynote, &rooms[0], &tracks[4], at(zone, date, 9, 0), at(zone, date, 10, 0), None, attendees, rng)
            .await?;
        for (hour, minute) in slots {
            for (room_index, room) in rooms.iter().enumerate() {
                let title = format!("{}: {}", TOPICS[title_index % TOPICS.len()], ANGLES[title_index / TOPICS.len() % ANGLES.len()]);
                title_index += 1;
                let track = &tracks[(title_index + room_index) % tracks.len()];
                let start = at(zone, date, hour, minute);
                let capacity = (room_index == 3).then_some(30);
                insert_session(txn, report, hitmc, &title, room, track, start, start + Duration::minutes(45), capacity, attendees, rng).await?;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_session(
    txn: &DatabaseTransaction,
    report: &mut DemoReport,
    hitmc: &event::Model,
    title: &str,
    room: &room::Model,
    track: &track::Model,
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
    capacity: Option<i32>,
    attendees: &[user::Model],
    rng: &mut StdRng,
) -> AppResult<()> {
    let at = now();
    let created = session::ActiveModel {
        event_id: Set(hitmc.id),
        guid: Set(deterministic_guid(&hitmc.slug, report.sessions_created)),
        title: Set(title.to_owned()),
        r#abstract: Set(format!("{title}. Practical ideas you can take home on Monday, with time for questions.")),
        track_id: Set(Some(track.id)),
        room_id: Set(Some(room.id)),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        capacity: Set(capacity),
        status: Set(SessionStatus::Published),
        language: Set("en".to_owned()),
        tags: Set(INTERESTS.choose_multiple(rng, 2).copied().collect::<Vec<_>>().join(",")),
        revision: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    report.sessions_created += 1;
    // Speakers are distinct attendees per slot: nobody is in two places at once.
    let speaker_count = rng.gen_range(1..=2);
    for position in 0..speaker_count {
        let speaker = &attendees[(report.sessions_created * 3 + position) % attendees.len()];
        session_speaker::ActiveModel {
            session_id: Set(created.id),
            user_id: Set(Some(speaker.id)),
            name: Set(speaker.display_name.clone()),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// A UUID-shaped identifier derived from the event and an index, so that the
/// demo's sessions keep their identity when the demo is rebuilt.
fn deterministic_guid(slug: &str, index: usize) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("tribe-demo:{slug}:{index}").as_bytes());
    let h: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-5{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
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

async fn seed_chat(txn: &DatabaseTransaction, hcldr: &event::Model, attendees: &[user::Model], today: NaiveDate) -> AppResult<()> {
    let zone = chrono_tz::America::New_York;
    let roles = seed_roles(txn, hcldr).await?;
    let going: Vec<(&user::Model, Option<i32>)> =
        attendees.iter().enumerate().filter(|(i, _)| i % 5 != 4).map(|(i, a)| (a, Some(roles[i % roles.len()].id))).collect();
    register_all(txn, hcldr, None, &going).await?;
    // Two past chats and the next four carry topics; the fifth upcoming week
    // is skipped (a holiday) and the sixth moved an hour earlier.
    let mut tuesday = today - Duration::weeks(2);
    while tuesday.weekday() != Weekday::Tue {
        tuesday += Duration::days(1);
    }
    for week in 0..8i64 {
        let date = tuesday + Duration::weeks(week);
        let scheduled = at(zone, date, 20, 30);
        let (status, starts_at) = match week {
            6 => (OccurrenceStatus::Skipped, scheduled),
            7 => (OccurrenceStatus::Moved, at(zone, date, 19, 30)),
            _ => (OccurrenceStatus::Scheduled, scheduled),
        };
        let at_now = now();
        let occurrence = chat_occurrence::ActiveModel {
            event_id: Set(hcldr.id),
            scheduled_start: Set(scheduled),
            starts_at: Set(starts_at),
            ends_at: Set(starts_at + Duration::minutes(60)),
            status: Set(status),
            revision: Set(1),
            created_at: Set(at_now),
            updated_at: Set(at_now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        if status == OccurrenceStatus::Skipped {
            continue;
        }
        let topics = CHAT_TOPICS[week as usize % CHAT_TOPICS.len()];
        let held = starts_at + Duration::minutes(60) < now();
        for (i, title) in topics.iter().enumerate() {
            let offset = 5 + 13 * i as i32;
            chat_topic::ActiveModel {
                occurrence_id: Set(occurrence.id),
                position: Set(i as i32 + 1),
                title: Set((*title).to_owned()),
                question: Set(String::new()),
                offset_minutes: Set(offset),
                posted_at: Set(held.then(|| starts_at + Duration::minutes(i64::from(offset)))),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        if held {
            seed_conversation(txn, hcldr, &occurrence, &topics, attendees, week as usize).await?;
        }
    }
    Ok(())
}

/// What was said in a past chat, for its transcript: the opening, each
/// topic, a few answers to each with a reply and a quote.
async fn seed_conversation(
    txn: &DatabaseTransaction,
    hcldr: &event::Model,
    occurrence: &chat_occurrence::Model,
    topics: &[&str],
    attendees: &[user::Model],
    week: usize,
) -> AppResult<()> {
    use crate::db::entities::{chat_event, chat_message};
    const ANSWERS: &[&str] = &[
        "We started by asking frontline staff what gets in their way. The list was short and humbling.",
        "Agree. Psychological safety first, dashboards second.",
        "Our patient advisory council changed how we write discharge instructions: https://example.org/plain-language",
        "Lurking tonight, but this is gold.",
        "Leaders who round weekly hear things no survey tells them.",
    ];
    let post =
        |author: Option<i32>, kind: MessageKind, topic: Option<i32>, body: String, reply_to: Option<i32>, quote_of: Option<i32>, minute: i64| {
            let message = chat_message::ActiveModel {
                occurrence_id: Set(occurrence.id),
                author_id: Set(author),
                kind: Set(kind),
                topic_position: Set(topic),
                reply_to: Set(reply_to),
                quote_of: Set(quote_of),
                body: Set(body),
                hidden_reason: Set(String::new()),
                created_at: Set(occurrence.starts_at + Duration::minutes(minute)),
                ..Default::default()
            };
            async move {
                let saved = message.insert(txn).await?;
                chat_event::ActiveModel {
                    occurrence_id: Set(saved.occurrence_id),
                    message_id: Set(saved.id),
                    kind: Set(RoomEventKind::Posted),
                    created_at: Set(saved.created_at),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                Ok::<i32, AppError>(saved.id)
            }
        };
    post(None, MessageKind::Opening, None, hcldr.chat_opening_message.clone(), None, None, 0).await?;
    for (i, title) in topics.iter().enumerate() {
        let position = i as i32 + 1;
        let minute = 5 + 13 * i as i64;
        post(None, MessageKind::Topic, Some(position), format!("T{position}: {title}"), None, None, minute).await?;
        let speaker = |n: usize| attendees[(week * 11 + i * 5 + n * 3) % attendees.len()].id;
        let first = post(
            Some(speaker(0)),
            MessageKind::Message,
            Some(position),
            format!("T{position}: {}", ANSWERS[(week + i) % ANSWERS.len()]),
            None,
            None,
            minute + 1,
        )
        .await?;
        post(
            Some(speaker(1)),
            MessageKind::Message,
            Some(position),
            ANSWERS[(week + i + 1) % ANSWERS.len()].to_owned(),
            Some(first),
            None,
            minute + 2,
        )
        .await?;
        post(Some(speaker(2)), MessageKind::Message, Some(position), format!("MT T{position}: so true"), None, Some(first), minute + 3).await?;
        post(
            Some(speaker(3)),
            MessageKind::Message,
            Some(position),
            format!("T{position}: {}", ANSWERS[(week + i + 2) % ANSWERS.len()]),
            None,
            None,
            minute + 4,
        )
        .await?;
    }
    Ok(())
}

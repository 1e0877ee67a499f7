//! The organizer's numbers for one event: registrations and revenue against
//! capacity, registrations per day, check-ins per quarter hour, agenda
//! demand against room capacity, tribe coverage, and a weekly chat's
//! participants and messages per topic.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::db::entities::chat_message::MessageKind;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{agenda_item, chat_message, event, registration, session, tribe_member};
use crate::domain::events::zone_of;
use crate::domain::registration::tickets::format_price;
use crate::error::AppResult;

#[derive(Debug, Clone)]
pub struct Insights {
    /// People registered (confirmed), and seats they hold.
    pub confirmed: usize,
    pub seats_taken: i32,
    pub capacity: Option<i32>,
    pub cancelled: usize,
    /// "$1,250.00" per currency, confirmed registrations only.
    pub revenue: Vec<String>,
    pub checked_in: usize,
    /// New registrations per day (in the event's zone), oldest first.
    pub per_day: Vec<(NaiveDate, usize)>,
    /// Check-ins per quarter hour ("09:15"), on the busiest day.
    pub check_ins: Vec<(String, usize)>,
    pub check_in_day: Option<NaiveDate>,
    /// Sessions in any state (drafts too).
    pub sessions: usize,
    /// Sessions by how many people put them in their agenda, most first.
    pub demand: Vec<Demand>,
    /// Confirmed attendees in a tribe.
    pub in_tribes: usize,
}

#[derive(Debug, Clone)]
pub struct Demand {
    pub title: String,
    pub wanted: usize,
    /// The session's seat limit, or its room's.
    pub seats: Option<i32>,
}

impl Demand {
    /// More people want it than its room holds.
    pub fn overflows(&self) -> bool {
        self.seats.is_some_and(|s| self.wanted > s.max(0) as usize)
    }
}

/// Sessions shown in the demand chart.
const DEMAND_SHOWN: usize = 12;

pub async fn load(db: &DatabaseConnection, event: &event::Model) -> AppResult<Insights> {
    let zone = zone_of(event);
    let rows = registration::Entity::find().filter(registration::Column::EventId.eq(event.id)).all(db).await?;
    let confirmed: Vec<&registration::Model> = rows.iter().filter(|r| r.status == RegistrationStatus::Confirmed).collect();
    let mut revenue: BTreeMap<String, i64> = BTreeMap::new();
    for r in &confirmed {
        if r.amount_minor > 0 {
            *revenue.entry(r.currency.clone()).or_default() += r.amount_minor;
        }
    }
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for r in &rows {
        *per_day.entry(r.created_at.with_timezone(&zone).date_naive()).or_default() += 1;
    }
    let checked: Vec<DateTime<Utc>> = confirmed.iter().filter_map(|r| r.checked_in_at).collect();
    let mut by_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for at in &checked {
        *by_day.entry(at.with_timezone(&zone).date_naive()).or_default() += 1;
    }
    let check_in_day = by_day.iter().max_by_key(|(_, n)| **n).map(|(d, _)| *d);
    let mut quarters: BTreeMap<String, usize> = BTreeMap::new();
    for at in checked.iter().map(|t| t.with_timezone(&zone)).filter(|t| Some(t.date_naive()) == check_in_day) {
        *quarters.entry(format!("{:02}:{:02}", at.hour(), at.minute() / 15 * 15)).or_default() += 1;
    }

    let sessions = session::Entity::find().filter(session::Column::EventId.eq(event.id)).all(db).await?;
    let rooms = crate::domain::events::places::rooms(db, event.id).await?;
    let ids: Vec<i32> = sessions.iter().map(|s| s.id).collect();
    let wanted: Vec<i32> = if ids.is_empty() {
        Vec::new()
    } else {
        agenda_item::Entity::find()
            .select_only()
            .column(agenda_item::Column::SessionId)
            .filter(agenda_item::Column::SessionId.is_in(ids))
            .into_tuple()
            .all(db)
            .await?
    };
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for id in wanted {
        *counts.entry(id).or_default() += 1;
    }
    let mut demand: Vec<Demand> = sessions
        .iter()
        .filter_map(|s| {
            let n = *counts.get(&s.id)?;
            let room_seats = s.room_id.and_then(|id| rooms.iter().find(|r| r.id == id)).and_then(|r| r.capacity);
            Some(Demand { title: s.title.clone(), wanted: n, seats: s.capacity.or(room_seats) })
        })
        .collect();
    demand.sort_by(|a, b| b.wanted.cmp(&a.wanted).then_with(|| a.title.cmp(&b.title)));
    demand.truncate(DEMAND_SHOWN);

    let members: std::collections::HashSet<i32> = tribe_member::Entity::find()
        .select_only()
        .column(tribe_member::Column::UserId)
        .filter(tribe_member::Column::EventId.eq(event.id))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let in_tribes = confirmed.iter().filter(|r| members.contains(&r.user_id)).count();

    Ok(Insights {
        confirmed: confirmed.len(),
        seats_taken: event.seats_taken,
        capacity: event.capacity,
        cancelled: rows.iter().filter(|r| r.status == RegistrationStatus::Cancelled).count(),
        revenue: revenue.into_iter().map(|(currency, minor)| format_price(minor, &currency)).collect(),
        checked_in: checked.len(),
        per_day: per_day.into_iter().collect(),
        check_ins: quarters.into_iter().collect(),
        check_in_day,
        sessions: sessions.len(),
        demand,
        in_tribes,
    })
}

/// A weekly chat's last week: who took part and how much each topic drew.
#[derive(Debug, Clone)]
pub struct ChatWeek {
    pub participants: usize,
    /// ("T1", messages), in topic order; "Before T1" for messages before.
    pub per_topic: Vec<(String, usize)>,
}

pub async fn chat_week(db: &DatabaseConnection, occurrence_id: i32) -> AppResult<ChatWeek> {
    let messages = chat_message::Entity::find()
        .filter(chat_message::Column::OccurrenceId.eq(occurrence_id))
        .filter(chat_message::Column::Kind.eq(MessageKind::Message))
        .all(db)
        .await?;
    let mut people: Vec<i32> = messages.iter().filter_map(|m| m.author_id).collect();
    people.sort_unstable();
    people.dedup();
    let mut per_topic: BTreeMap<i32, usize> = BTreeMap::new();
    for m in &messages {
        *per_topic.entry(m.topic_position.unwrap_or(0)).or_default() += 1;
    }
    Ok(ChatWeek {
        participants: people.len(),
        per_topic: per_topic.into_iter().map(|(t, n)| (if t == 0 { "Before T1".to_owned() } else { format!("T{t}") }, n)).collect(),
    })
}

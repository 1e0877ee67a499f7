//! Tribes: small groups of people in the same role, formed by the organizer,
//! each with a meetup slot. Re-forming after late registrations keeps the
//! existing tribes and only places the newcomers.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::db::entities::{event, meetup_slot, tribe, tribe_member};
use crate::domain::community::algorithm::{self, Similarity, SlotOption};
use crate::domain::community::matches;
use crate::domain::community::people::{self, Attendee, PersonCard};
use crate::domain::events;
use crate::domain::input;
use crate::domain::now;
use crate::domain::schedule::calendar;
use crate::error::{AppError, AppResult, FieldError};

pub const MIN_SIZE: i32 = 3;
pub const MAX_SIZE: i32 = 20;

pub async fn set_size(db: &DatabaseConnection, event: &event::Model, size: &str) -> AppResult<()> {
    let size: i32 = size
        .trim()
        .parse()
        .ok()
        .filter(|n| (MIN_SIZE..=MAX_SIZE).contains(n))
        .ok_or_else(|| AppError::Validation(vec![FieldError::new("tribe_size", format!("Enter a size from {MIN_SIZE} to {MAX_SIZE}."))]))?;
    let mut changed: event::ActiveModel = event.clone().into();
    changed.tribe_size = Set(size);
    changed.update(db).await?;
    Ok(())
}

pub async fn slots(db: &DatabaseConnection, event_id: i32) -> AppResult<Vec<meetup_slot::Model>> {
    Ok(meetup_slot::Entity::find()
        .filter(meetup_slot::Column::EventId.eq(event_id))
        .order_by_asc(meetup_slot::Column::StartsAt)
        .order_by_asc(meetup_slot::Column::Id)
        .all(db)
        .await?)
}

/// Adds a meetup slot; times are read in the event's zone.
pub async fn add_slot(
    db: &DatabaseConnection,
    event: &event::Model,
    starts: &str,
    ends: &str,
    place: &str,
    capacity: &str,
) -> AppResult<meetup_slot::Model> {
    let zone = events::zone_of(event);
    let mut errors = Vec::new();
    let starts_at = input::parse_time(zone, starts).map_err(|m| errors.push(FieldError::new("slot_starts", m))).ok();
    let ends_at = input::parse_time(zone, ends).map_err(|m| errors.push(FieldError::new("slot_ends", m))).ok();
    let place = input::required_text(place, "the place", 120).map_err(|m| errors.push(FieldError::new("slot_place", m))).ok();
    let capacity = match input::parse_optional_count(capacity, 1000) {
        Ok(found) => found.unwrap_or(1),
        Err(m) => {
            errors.push(FieldError::new("slot_capacity", m));
            1
        }
    };
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            errors.push(FieldError::new("slot_ends", "The meetup must end after it starts."));
        }
    }
    match (starts_at, ends_at, place) {
        (Some(starts_at), Some(ends_at), Some(place)) if errors.is_empty() => Ok(meetup_slot::ActiveModel {
            event_id: Set(event.id),
            starts_at: Set(starts_at),
            ends_at: Set(ends_at),
            place: Set(place),
            capacity: Set(capacity),
            ..Default::default()
        }
        .insert(db)
        .await?),
        _ => Err(AppError::Validation(errors)),
    }
}

pub async fn delete_slot(db: &DatabaseConnection, event: &event::Model, slot_id: i32) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    let gone = meetup_slot::Entity::delete_many()
        .filter(meetup_slot::Column::Id.eq(slot_id))
        .filter(meetup_slot::Column::EventId.eq(event.id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    // Tribes that met there have no meetup now; their calendars must hear of it.
    for t in tribe::Entity::find().filter(tribe::Column::SlotId.eq(slot_id)).all(&txn).await? {
        let sequence = t.sequence;
        let mut changed: tribe::ActiveModel = t.into();
        changed.slot_id = Set(None);
        changed.sequence = Set(sequence + 1);
        changed.updated_at = Set(now());
        changed.update(&txn).await?;
    }
    // The kept tribes (`snapshot`) go with the event's version.
    events::touch_pages(&txn, event.id).await?;
    txn.commit().await?;
    Ok(())
}

/// What forming did, for the organizer's message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormReport {
    pub tribes: usize,
    pub people: usize,
    /// People placed into tribes this time (everyone on a fresh start).
    pub placed: usize,
    pub without_slot: usize,
}

/// Forms tribes for every role. `keep_existing`: existing members stay in
/// their tribes (minus people no longer matchable) and only newcomers are
/// placed; otherwise everything is formed afresh.
pub async fn form(db: &DatabaseConnection, event: &event::Model, keep_existing: bool) -> AppResult<FormReport> {
    let pool = matches::pool(db, event).await?;
    let existing = tribe::Entity::find().filter(tribe::Column::EventId.eq(event.id)).order_by_asc(tribe::Column::Id).all(db).await?;
    let members = tribe_member::Entity::find().filter(tribe_member::Column::EventId.eq(event.id)).all(db).await?;
    let size = event.tribe_size.clamp(MIN_SIZE, MAX_SIZE) as usize;
    let mut by_role: HashMap<i32, Vec<usize>> = HashMap::new();
    for (i, person) in pool.people.iter().enumerate() {
        by_role.entry(person.role).or_default().push(i);
    }
    let mut roles: Vec<i32> = by_role.keys().copied().collect();
    roles.sort_unstable();

    // Each planned tribe: Some(existing id) or None (new), role, members (pool indices).
    let mut planned: Vec<(Option<i32>, i32, Vec<usize>)> = Vec::new();
    let mut placed = 0;
    for role in roles {
        let indices = &by_role[&role];
        let refs: Vec<&algorithm::Person> = indices.iter().map(|&i| &pool.people[i]).collect();
        let sim = Similarity::of(&refs);
        let local_of: HashMap<i32, usize> = indices.iter().enumerate().map(|(local, &i)| (pool.people[i].id, local)).collect();
        let role_tribes: Vec<&tribe::Model> = existing.iter().filter(|t| t.role_id == role).collect();
        // Each group with the existing tribe it continues, if any.
        let groups: Vec<(Option<i32>, Vec<usize>)> = if keep_existing && !role_tribes.is_empty() {
            let current: Vec<Vec<usize>> = role_tribes
                .iter()
                .map(|t| members.iter().filter(|m| m.tribe_id == t.id).filter_map(|m| local_of.get(&m.user_id).copied()).collect())
                .collect();
            let seated: HashSet<usize> = current.iter().flatten().copied().collect();
            let newcomers: Vec<usize> = (0..indices.len()).filter(|l| !seated.contains(l)).collect();
            placed += newcomers.len();
            let extended = algorithm::extend_groups(&sim, &current, &newcomers, size);
            extended.into_iter().enumerate().map(|(g, group)| (role_tribes.get(g).map(|t| t.id), group)).collect()
        } else {
            placed += indices.len();
            algorithm::form_groups(&sim, size, (event.id as u64) ^ ((role as u64) << 32)).into_iter().map(|group| (None, group)).collect()
        };
        for (id, group) in groups {
            planned.push((id, role, group.into_iter().map(|l| indices[l]).collect()));
        }
    }
    planned.retain(|(_, _, group)| !group.is_empty());

    let slot_rows = slots(db, event.id).await?;
    let options: Vec<SlotOption> = slot_rows
        .iter()
        .map(|s| SlotOption { starts_at: s.starts_at.timestamp(), ends_at: s.ends_at.timestamp(), capacity: s.capacity.max(0) as usize })
        .collect();
    let current_slots: Vec<Option<usize>> = planned
        .iter()
        .map(|(id, _, _)| {
            id.and_then(|id| existing.iter().find(|t| t.id == id)).and_then(|t| t.slot_id).and_then(|s| slot_rows.iter().position(|r| r.id == s))
        })
        .collect();
    let groups: Vec<Vec<usize>> = planned.iter().map(|(_, _, g)| g.clone()).collect();
    let chosen = algorithm::assign_slots(&groups, &pool.busy, &options, &current_slots);

    let txn = crate::db::begin(db).await?;
    let kept: HashSet<i32> = planned.iter().filter_map(|(id, _, _)| *id).collect();
    let dropped: Vec<i32> = existing.iter().map(|t| t.id).filter(|id| !kept.contains(id)).collect();
    if !dropped.is_empty() {
        tribe::Entity::delete_many().filter(tribe::Column::Id.is_in(dropped)).exec(&txn).await?;
    }
    tribe_member::Entity::delete_many().filter(tribe_member::Column::EventId.eq(event.id)).exec(&txn).await?;
    let at = now();
    let mut numbers: HashMap<i32, i32> = HashMap::new();
    for ((id, role, group), slot) in planned.iter().zip(&chosen) {
        let number = numbers.entry(*role).or_insert(0);
        *number += 1;
        let slot_id = slot.map(|s| slot_rows[s].id);
        let saved = match id.and_then(|id| existing.iter().find(|t| t.id == id)) {
            Some(old) => {
                let moved = old.slot_id != slot_id;
                let sequence = old.sequence + i32::from(moved);
                let mut row: tribe::ActiveModel = old.clone().into();
                row.number = Set(*number);
                row.slot_id = Set(slot_id);
                row.sequence = Set(sequence);
                if moved {
                    row.updated_at = Set(at);
                }
                row.update(&txn).await?
            }
            None => {
                tribe::ActiveModel {
                    event_id: Set(event.id),
                    role_id: Set(*role),
                    number: Set(*number),
                    slot_id: Set(slot_id),
                    sequence: Set(0),
                    created_at: Set(at),
                    updated_at: Set(at),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        for &p in group {
            tribe_member::ActiveModel { tribe_id: Set(saved.id), event_id: Set(event.id), user_id: Set(pool.people[p].id), ..Default::default() }
                .insert(&txn)
                .await?;
        }
    }
    events::touch_pages(&txn, event.id).await?;
    txn.commit().await?;
    Ok(FormReport { tribes: planned.len(), people: pool.people.len(), placed, without_slot: chosen.iter().filter(|c| c.is_none()).count() })
}

/// A tribe as shown: its members are only people who are still matchable
/// (someone who hid their profile since disappears at once).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Tribe)]
pub struct TribeView {
    pub id: i32,
    pub name: String,
    pub role: String,
    pub role_color: String,
    pub members: Vec<PersonCard>,
    pub slot: Option<SlotView>,
    pub sequence: i32,
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TribeSlot)]
pub struct SlotView {
    pub id: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
}

/// Every tribe of the event with its members (for the organizer).
pub async fn all(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<TribeView>> {
    views(db, event, &people::attendees(db, event).await?).await
}

/// The attendee with this id if they may be shown as a tribe member
/// (matchable; agendas are not needed to show a tribe, only to form one).
/// `everyone` is in id order, as `people::attendees` gives it.
fn matchable(everyone: &[Attendee], user_id: i32) -> Option<&Attendee> {
    people::find(everyone, user_id).filter(|a| a.is_matchable())
}

/// The event's tribes with their members among `everyone`.
pub(super) async fn views(db: &DatabaseConnection, event: &event::Model, everyone: &[Attendee]) -> AppResult<Vec<TribeView>> {
    let tribes = tribe::Entity::find()
        .filter(tribe::Column::EventId.eq(event.id))
        .order_by_asc(tribe::Column::RoleId)
        .order_by_asc(tribe::Column::Number)
        .all(db)
        .await?;
    let members = tribe_member::Entity::find().filter(tribe_member::Column::EventId.eq(event.id)).all(db).await?;
    let slot_rows: HashMap<i32, meetup_slot::Model> = slots(db, event.id).await?.into_iter().map(|s| (s.id, s)).collect();
    let roles: HashMap<i32, crate::db::entities::event_role::Model> =
        events::places::roles(db, event.id).await?.into_iter().map(|r| (r.id, r)).collect();
    Ok(tribes
        .into_iter()
        .map(|t| {
            let role = roles.get(&t.role_id);
            let mut cards: Vec<PersonCard> =
                members.iter().filter(|m| m.tribe_id == t.id).filter_map(|m| matchable(everyone, m.user_id)).map(|a| a.card()).collect();
            cards.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
            let role_name = role.map(|r| r.name.clone()).unwrap_or_default();
            TribeView {
                id: t.id,
                name: format!("{role_name} tribe {}", t.number),
                role: role_name,
                role_color: role.map(|r| r.color.clone()).unwrap_or_else(|| "#495057".into()),
                members: cards,
                slot: t.slot_id.and_then(|s| slot_rows.get(&s)).map(|s| SlotView {
                    id: s.id,
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    place: s.place.clone(),
                }),
                sequence: t.sequence,
                updated_at: t.updated_at,
            }
        })
        .collect())
}

/// The meetup of a tribe as an .ics file; `None` when it has no slot.
pub fn meetup_ics(event: &event::Model, view: &TribeView, base_url: &str) -> Option<String> {
    let slot = view.slot.as_ref()?;
    let names = view.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ");
    Some(calendar::meetup_calendar(
        &calendar::Meetup {
            event,
            tribe_id: view.id,
            summary: format!("{} meetup · {}", view.name, event.title),
            description: format!("Your tribe at {}: {names}.", event.title),
            place: slot.place.clone(),
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            sequence: view.sequence,
            updated_at: view.updated_at,
        },
        base_url,
    ))
}

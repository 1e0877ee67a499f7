//! Checking attendees in at the door: once per registration however many
//! times (or from however many phones) it is asked, by one conditional
//! update.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{registration, user};
use crate::domain::now;
use crate::error::{AppError, AppResult};

/// The result of a check-in: the first one, or the earlier one it repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIn {
    First { at: DateTime<Utc> },
    Already { at: DateTime<Utc>, by: Option<i32> },
}

pub async fn check_in(db: &DatabaseConnection, registration_id: i32, staff: &user::Model) -> AppResult<CheckIn> {
    let at = now();
    let first = registration::Entity::update_many()
        .col_expr(registration::Column::CheckedInAt, Expr::value(at))
        .col_expr(registration::Column::CheckedInBy, Expr::value(staff.id))
        .filter(registration::Column::Id.eq(registration_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .filter(registration::Column::CheckedInAt.is_null())
        .exec(db)
        .await?;
    let found = registration::Entity::find_by_id(registration_id).one(db).await?.ok_or(AppError::NotFound)?;
    if first.rows_affected == 1 {
        return Ok(CheckIn::First { at });
    }
    match found.checked_in_at {
        Some(earlier) => Ok(CheckIn::Already { at: earlier, by: found.checked_in_by }),
        None => Err(AppError::Conflict(format!("This registration is {}, not confirmed: no check-in.", found.status))),
    }
}

/// What a scanned token names, after its signature and the registration's
/// state were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    Valid(registration::Model),
    /// Forged, altered, or naming no registration of this event.
    Invalid,
    /// The registration exists but is cancelled or expired.
    NoLongerValid(registration::Model),
}

pub async fn resolve_token(db: &DatabaseConnection, token: &str, event_id: Option<i32>) -> AppResult<Scanned> {
    let Some((registration_id, token_event)) = crate::domain::badges::verify(db, token).await? else {
        return Ok(Scanned::Invalid);
    };
    if event_id.is_some_and(|e| e != token_event) {
        return Ok(Scanned::Invalid);
    }
    match registration::Entity::find_by_id(registration_id).one(db).await? {
        Some(found) if found.event_id == token_event && found.status == RegistrationStatus::Confirmed => Ok(Scanned::Valid(found)),
        Some(found) if found.event_id == token_event => Ok(Scanned::NoLongerValid(found)),
        _ => Ok(Scanned::Invalid),
    }
}

/// What the door sees after scanning a badge (or typing its token).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DoorScan {
    /// `checked_in` (just now), `already`, `invalid` or `cancelled`.
    pub outcome: &'static str,
    pub registration_id: Option<i32>,
    pub name: Option<String>,
    pub ticket: Option<String>,
    pub role: Option<String>,
    /// This check-in, or the earlier one it repeats.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Who did the earlier check-in.
    pub checked_in_by: Option<String>,
    /// One sentence for the person at the door.
    pub message: String,
}

/// Checks in the badge `scanned` (a token or its whole URL) for `event_id`.
pub async fn at_the_door(db: &DatabaseConnection, event_id: i32, scanned: &str, staff: &user::Model) -> AppResult<DoorScan> {
    let token = crate::domain::badges::token_from_scan(scanned);
    let found = match resolve_token(db, token, Some(event_id)).await? {
        Scanned::Valid(found) => found,
        Scanned::Invalid => {
            return Ok(DoorScan {
                outcome: "invalid",
                registration_id: None,
                name: None,
                ticket: None,
                role: None,
                checked_in_at: None,
                checked_in_by: None,
                message: "Not a valid badge for this event: made elsewhere, or changed.".into(),
            })
        }
        Scanned::NoLongerValid(found) => {
            let name = crate::domain::accounts::find_by_id(db, found.user_id).await?.map(|u| u.display_name);
            return Ok(DoorScan {
                outcome: "cancelled",
                registration_id: Some(found.id),
                message: format!("The registration is {}; this badge is no longer valid.", found.status),
                name,
                ticket: None,
                role: None,
                checked_in_at: None,
                checked_in_by: None,
            });
        }
    };
    let result = check_in(db, found.id, staff).await?;
    let holder = crate::domain::accounts::find_by_id(db, found.user_id).await?.ok_or(AppError::NotFound)?;
    let ticket = crate::domain::registration::tickets::find(db, event_id, found.ticket_type_id).await.ok().map(|t| t.name);
    let role = match found.role_id {
        Some(id) => crate::domain::events::places::roles(db, event_id).await?.into_iter().find(|r| r.id == id).map(|r| r.name),
        None => None,
    };
    let (outcome, at, by, message) = match result {
        CheckIn::First { at } => ("checked_in", at, None, format!("{} is checked in.", holder.display_name)),
        CheckIn::Already { at, by } => {
            let by = match by {
                Some(id) => crate::domain::accounts::find_by_id(db, id).await?.map(|u| u.display_name),
                None => None,
            };
            let zone = crate::domain::events::find_by_id(db, event_id).await?.map(|e| crate::domain::events::zone_of(&e)).unwrap_or(chrono_tz::UTC);
            let when = crate::domain::times::moment(at, zone);
            let message = format!("Already checked in at {when}{}.", by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default());
            ("already", at, by, message)
        }
    };
    Ok(DoorScan {
        outcome,
        registration_id: Some(found.id),
        name: Some(holder.display_name),
        ticket,
        role,
        checked_in_at: Some(at),
        checked_in_by: by,
        message,
    })
}

/// Live numbers for the door: checked in out of confirmed, in total and
/// by ticket type and by role.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CheckInStats)]
pub struct Stats {
    pub checked_in: usize,
    pub registered: usize,
    pub by_ticket: Vec<StatRow>,
    pub by_role: Vec<StatRow>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CheckInStatRow)]
pub struct StatRow {
    pub name: String,
    pub checked_in: usize,
    pub registered: usize,
}

pub async fn stats(db: &DatabaseConnection, event_id: i32) -> AppResult<Stats> {
    use std::collections::BTreeMap;
    let confirmed = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .all(db)
        .await?;
    let tickets: std::collections::HashMap<i32, String> =
        crate::domain::registration::tickets::list(db, event_id).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let roles: std::collections::HashMap<i32, String> =
        crate::domain::events::places::roles(db, event_id).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let mut by_ticket: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_role: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in &confirmed {
        let inside = usize::from(r.checked_in_at.is_some());
        let ticket = tickets.get(&r.ticket_type_id).cloned().unwrap_or_default();
        let role = r.role_id.and_then(|id| roles.get(&id).cloned()).unwrap_or_else(|| "No role".into());
        for (map, key) in [(&mut by_ticket, ticket), (&mut by_role, role)] {
            let entry = map.entry(key).or_default();
            entry.0 += inside;
            entry.1 += 1;
        }
    }
    let rows = |map: BTreeMap<String, (usize, usize)>| {
        map.into_iter().map(|(name, (checked_in, registered))| StatRow { name, checked_in, registered }).collect()
    };
    Ok(Stats {
        checked_in: confirmed.iter().filter(|r| r.checked_in_at.is_some()).count(),
        registered: confirmed.len(),
        by_ticket: rows(by_ticket),
        by_role: rows(by_role),
    })
}

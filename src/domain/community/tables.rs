//! Mixed-stakeholder tables for discussion sessions: the organizer asks for
//! tables of N where every table has one person of each chosen role
//! (patients, clinicians, administrators, ...) as far as numbers allow.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::db::entities::{agenda_item, event, session, table_plan, table_seat};
use crate::domain::community::algorithm;
use crate::domain::community::people::{self, Attendee, PersonCard};
use crate::domain::events;
use crate::domain::input;
use crate::domain::now;
use crate::error::{AppError, AppResult, FieldError};

/// What the organizer asks for.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    pub title: String,
    /// Seat only the people with this session in their agenda.
    pub session_id: Option<i32>,
    pub table_size: String,
    pub role_ids: Vec<i32>,
}

/// Who sits at tables: confirmed attendees whose profile is not hidden (a
/// hidden person must not appear in a list of tablemates), and for a
/// session only those who put it in their agenda.
async fn seatable(db: &DatabaseConnection, event: &event::Model, session_id: Option<i32>) -> AppResult<Vec<Attendee>> {
    let everyone: Vec<Attendee> =
        people::attendees(db, event).await?.into_iter().filter(|a| people::visible_to(&a.profile, people::Access::Attendee)).collect();
    let Some(session_id) = session_id else { return Ok(everyone) };
    let chose: std::collections::HashSet<i32> =
        agenda_item::Entity::find().filter(agenda_item::Column::SessionId.eq(session_id)).all(db).await?.into_iter().map(|i| i.user_id).collect();
    Ok(everyone.into_iter().filter(|a| chose.contains(&a.user.id)).collect())
}

pub async fn create(db: &DatabaseConnection, event: &event::Model, request: &PlanRequest) -> AppResult<table_plan::Model> {
    let mut errors = Vec::new();
    let title = input::required_text(&request.title, "a title", 120).map_err(|m| errors.push(FieldError::new("plan_title", m))).ok();
    let size: Option<i32> = request.table_size.trim().parse().ok().filter(|n| (2..=50).contains(n));
    if size.is_none() {
        errors.push(FieldError::new("table_size", "Enter a table size from 2 to 50."));
    }
    if let Some(id) = request.session_id {
        let found = session::Entity::find_by_id(id).one(db).await?;
        if found.is_none_or(|s| s.event_id != event.id) {
            errors.push(FieldError::new("plan_session", "Pick one of this event's sessions."));
        }
    }
    let roles = events::places::roles(db, event.id).await?;
    if request.role_ids.iter().any(|id| !roles.iter().any(|r| r.id == *id)) {
        errors.push(FieldError::new("plan_roles", "Pick roles of this event."));
    }
    if let Some(size) = size {
        if request.role_ids.len() > size as usize {
            errors.push(FieldError::new("plan_roles", format!("A table of {size} cannot seat {} different roles.", request.role_ids.len())));
        }
    }
    let (Some(title), Some(size)) = (title, size) else { return Err(AppError::Validation(errors)) };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let plan = table_plan::ActiveModel {
        event_id: Set(event.id),
        session_id: Set(request.session_id),
        title: Set(title),
        table_size: Set(size),
        role_ids: Set(request.role_ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    seat(db, event, &plan).await?;
    Ok(plan)
}

fn role_ids(plan: &table_plan::Model) -> Vec<i32> {
    plan.role_ids.split(',').filter_map(|id| id.trim().parse().ok()).collect()
}

/// (Re)seats everyone for a plan, replacing the previous seating.
pub async fn seat(db: &DatabaseConnection, event: &event::Model, plan: &table_plan::Model) -> AppResult<usize> {
    let people = seatable(db, event, plan.session_id).await?;
    // Role 0 stands for "no role chosen"; they fill seats like everyone else.
    let entries: Vec<(i32, i32)> = people.iter().map(|a| (a.user.id, a.role.as_ref().map(|r| r.id).unwrap_or(0))).collect();
    let tables = algorithm::seat_tables(&entries, &role_ids(plan), plan.table_size as usize);
    let txn = crate::db::begin(db).await?;
    table_seat::Entity::delete_many().filter(table_seat::Column::PlanId.eq(plan.id)).exec(&txn).await?;
    for (number, table) in tables.iter().enumerate() {
        for &i in table {
            table_seat::ActiveModel { plan_id: Set(plan.id), table_number: Set(number as i32 + 1), user_id: Set(entries[i].0), ..Default::default() }
                .insert(&txn)
                .await?;
        }
    }
    // The kept snapshot of plans (`snapshot`) goes with the event's version.
    events::touch_pages(&txn, event.id).await?;
    txn.commit().await?;
    Ok(tables.len())
}

pub async fn find(db: &DatabaseConnection, event: &event::Model, plan_id: i32) -> AppResult<table_plan::Model> {
    table_plan::Entity::find_by_id(plan_id).one(db).await?.filter(|p| p.event_id == event.id).ok_or(AppError::NotFound)
}

pub async fn delete(db: &DatabaseConnection, event: &event::Model, plan_id: i32) -> AppResult<()> {
    let plan = find(db, event, plan_id).await?;
    table_plan::Entity::delete_by_id(plan.id).exec(db).await?;
    events::touch_pages(db, event.id).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Table)]
pub struct TableView {
    pub number: i32,
    pub people: Vec<PersonCard>,
    /// Wanted roles that this table has none of.
    pub missing_roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub id: i32,
    pub title: String,
    pub session: Option<String>,
    pub table_size: i32,
    pub roles: Vec<String>,
    pub tables: Vec<TableView>,
}

/// Every plan of the event with its tables. Seats of people who since hid
/// their profile or cancelled are left out.
pub async fn plans(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<PlanView>> {
    plans_among(db, event, &people::attendees(db, event).await?).await
}

/// As `plans`, with the event's attendees already at hand.
pub(super) async fn plans_among(db: &DatabaseConnection, event: &event::Model, everyone: &[Attendee]) -> AppResult<Vec<PlanView>> {
    let rows = table_plan::Entity::find().filter(table_plan::Column::EventId.eq(event.id)).order_by_asc(table_plan::Column::Id).all(db).await?;
    // `everyone` is in id order: one person's table looks up its few seats
    // instead of mapping all 2,000 attendees on every tribe page.
    let visible = |user_id: i32| people::find(everyone, user_id).filter(|a| people::visible_to(&a.profile, people::Access::Attendee));
    let roles: HashMap<i32, String> = events::places::roles(db, event.id).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let mut out = Vec::new();
    for plan in rows {
        let seats =
            table_seat::Entity::find().filter(table_seat::Column::PlanId.eq(plan.id)).order_by_asc(table_seat::Column::TableNumber).all(db).await?;
        let wanted = role_ids(&plan);
        let mut tables: Vec<TableView> = Vec::new();
        for seat in seats {
            let Some(person) = visible(seat.user_id) else { continue };
            if tables.last().is_none_or(|t| t.number != seat.table_number) {
                tables.push(TableView { number: seat.table_number, people: Vec::new(), missing_roles: Vec::new() });
            }
            if let Some(table) = tables.last_mut() {
                table.people.push(person.card());
            }
        }
        for table in &mut tables {
            table.missing_roles = wanted
                .iter()
                .filter_map(|id| roles.get(id))
                .filter(|name| !table.people.iter().any(|p| p.role.as_deref() == Some(name.as_str())))
                .cloned()
                .collect();
        }
        let session = match plan.session_id {
            Some(id) => session::Entity::find_by_id(id).one(db).await?.map(|s| s.title),
            None => None,
        };
        out.push(PlanView {
            id: plan.id,
            title: plan.title.clone(),
            session,
            table_size: plan.table_size,
            roles: wanted.iter().filter_map(|id| roles.get(id).cloned()).collect(),
            tables,
        });
    }
    Ok(out)
}

/// The tables a person sits at, one per plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyTable {
    pub plan_id: i32,
    pub title: String,
    pub session: Option<String>,
    pub table: TableView,
}

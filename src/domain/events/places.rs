//! Rooms (where sessions happen) and tracks (what they are about).

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::db::entities::{event, event_role, room, track};
use crate::domain::events::bump_revision;
use crate::domain::input;
use crate::error::{AppError, AppResult, FieldError};

/// A palette for tracks created without a colour (imports, quick adds).
pub const TRACK_PALETTE: &[&str] = &["#1971c2", "#2f9e44", "#d9480f", "#5f3dc4", "#c2255c", "#0c8599", "#e67700", "#495057"];

pub async fn rooms(db: &impl ConnectionTrait, event_id: i32) -> AppResult<Vec<room::Model>> {
    Ok(room::Entity::find()
        .filter(room::Column::EventId.eq(event_id))
        .order_by_asc(room::Column::Position)
        .order_by_asc(room::Column::Id)
        .all(db)
        .await?)
}

pub async fn tracks(db: &impl ConnectionTrait, event_id: i32) -> AppResult<Vec<track::Model>> {
    Ok(track::Entity::find()
        .filter(track::Column::EventId.eq(event_id))
        .order_by_asc(track::Column::Position)
        .order_by_asc(track::Column::Id)
        .all(db)
        .await?)
}

pub async fn add_room(db: &impl ConnectionTrait, event: &event::Model, name: &str, capacity: &str) -> AppResult<room::Model> {
    let name = input::required_text(name, "the room's name", 100).map_err(|m| AppError::Validation(vec![FieldError::new("room_name", m)]))?;
    let capacity = input::parse_optional_count(capacity, 100_000).map_err(|m| AppError::Validation(vec![FieldError::new("room_capacity", m)]))?;
    let existing = rooms(db, event.id).await?;
    if existing.iter().any(|r| r.name.eq_ignore_ascii_case(&name)) {
        return Err(AppError::Validation(vec![FieldError::new("room_name", "This event already has a room with that name.")]));
    }
    let created = room::ActiveModel {
        event_id: Set(event.id),
        name: Set(name),
        position: Set(existing.len() as i32),
        capacity: Set(capacity),
        ..Default::default()
    }
    .insert(db)
    .await?;
    bump_revision(db, event.id).await?;
    Ok(created)
}

/// Removes a room; its sessions keep their times and lose their room.
pub async fn delete_room(db: &DatabaseConnection, event: &event::Model, room_id: i32) -> AppResult<()> {
    let result = room::Entity::delete_many().filter(room::Column::Id.eq(room_id)).filter(room::Column::EventId.eq(event.id)).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    bump_revision(db, event.id).await
}

pub async fn add_track(db: &impl ConnectionTrait, event: &event::Model, name: &str, color: &str) -> AppResult<track::Model> {
    let name = input::required_text(name, "the track's name", 100).map_err(|m| AppError::Validation(vec![FieldError::new("track_name", m)]))?;
    let existing = tracks(db, event.id).await?;
    let color = if color.trim().is_empty() {
        TRACK_PALETTE[existing.len() % TRACK_PALETTE.len()].to_owned()
    } else {
        input::parse_color(color).map_err(|m| AppError::Validation(vec![FieldError::new("track_color", m)]))?
    };
    if existing.iter().any(|t| t.name.eq_ignore_ascii_case(&name)) {
        return Err(AppError::Validation(vec![FieldError::new("track_name", "This event already has a track with that name.")]));
    }
    let created = track::ActiveModel {
        event_id: Set(event.id),
        name: Set(name),
        color: Set(color),
        position: Set(existing.len() as i32),
        ..Default::default()
    }
    .insert(db)
    .await?;
    bump_revision(db, event.id).await?;
    Ok(created)
}

pub async fn delete_track(db: &DatabaseConnection, event: &event::Model, track_id: i32) -> AppResult<()> {
    let result = track::Entity::delete_many().filter(track::Column::Id.eq(track_id)).filter(track::Column::EventId.eq(event.id)).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    bump_revision(db, event.id).await
}

/// The roles the event's attendees pick from (Marketing, Clinician, ...).
pub async fn roles(db: &impl ConnectionTrait, event_id: i32) -> AppResult<Vec<event_role::Model>> {
    Ok(event_role::Entity::find().filter(event_role::Column::EventId.eq(event_id)).order_by_asc(event_role::Column::Position).all(db).await?)
}

/// A palette for roles, distinct enough to tell badges apart across a room.
pub const ROLE_PALETTE: &[&str] = &["#c92a2a", "#1864ab", "#2b8a3e", "#e67700", "#862e9c", "#0b7285", "#a61e4d", "#5c940d", "#364fc7", "#495057"];

pub async fn add_role(db: &impl ConnectionTrait, event: &event::Model, name: &str, color: &str) -> AppResult<event_role::Model> {
    let name = input::required_text(name, "the role's name", 60).map_err(|m| AppError::Validation(vec![FieldError::new("role_name", m)]))?;
    let existing = roles(db, event.id).await?;
    let color = if color.trim().is_empty() {
        ROLE_PALETTE[existing.len() % ROLE_PALETTE.len()].to_owned()
    } else {
        input::parse_color(color).map_err(|m| AppError::Validation(vec![FieldError::new("role_color", m)]))?
    };
    if existing.iter().any(|r| r.name.eq_ignore_ascii_case(&name)) {
        return Err(AppError::Validation(vec![FieldError::new("role_name", "This event already has a role with that name.")]));
    }
    let added = event_role::ActiveModel {
        event_id: Set(event.id),
        name: Set(name),
        color: Set(color),
        position: Set(existing.iter().map(|r| r.position + 1).max().unwrap_or(0)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Pages and the kept tribes and tables name roles.
    crate::domain::events::touch_pages(db, event.id).await?;
    Ok(added)
}

/// Removes a role; attendees who had it keep their registration without a role.
pub async fn delete_role(db: &DatabaseConnection, event: &event::Model, role_id: i32) -> AppResult<()> {
    use crate::db::entities::registration;
    let found = event_role::Entity::find_by_id(role_id).one(db).await?.filter(|r| r.event_id == event.id).ok_or(AppError::NotFound)?;
    registration::Entity::update_many()
        .col_expr(registration::Column::RoleId, sea_orm::sea_query::Expr::value(Option::<i32>::None))
        .filter(registration::Column::RoleId.eq(found.id))
        .exec(db)
        .await?;
    event_role::Entity::delete_by_id(found.id).exec(db).await?;
    crate::domain::events::touch_pages(db, event.id).await
}

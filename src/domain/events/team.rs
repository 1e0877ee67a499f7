//! An event's team: organizers (everything) and staff (check-in and the
//! attendee list). An event always keeps at least one organizer.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::db::entities::event_member::TeamRole;
use crate::db::entities::{event, event_member, user};
use crate::domain::accounts;
use crate::domain::now;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Serialize)]
pub struct TeamMember {
    pub user_id: i32,
    pub display_name: String,
    pub email: String,
    pub role: TeamRole,
}

pub async fn list(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<TeamMember>> {
    let members =
        event_member::Entity::find().filter(event_member::Column::EventId.eq(event.id)).order_by_asc(event_member::Column::CreatedAt).all(db).await?;
    let mut team = Vec::with_capacity(members.len());
    for member in members {
        if let Some(account) = user::Entity::find_by_id(member.user_id).one(db).await? {
            team.push(TeamMember { user_id: account.id, display_name: account.display_name, email: account.email, role: member.role });
        }
    }
    Ok(team)
}

/// Puts a person on the team with `role`, or changes the role of one who
/// is on it. Only two ways lead here: the person accepting an invitation
/// (`invitations`), and an organizer changing the role of a member.
pub(crate) async fn set_role(db: &impl ConnectionTrait, event: &event::Model, account: &user::Model, role: TeamRole) -> AppResult<TeamMember> {
    let existing = membership(db, event.id, account.id).await?;
    match existing {
        Some(member) if member.role == role => {}
        Some(member) => {
            if member.role == TeamRole::Organizer {
                ensure_another_organizer(db, event, account.id).await?;
            }
            let mut model: event_member::ActiveModel = member.into();
            model.role = Set(role);
            model.update(db).await?;
        }
        None => {
            event_member::ActiveModel {
                event_id: Set(event.id),
                user_id: Set(account.id),
                role: Set(role),
                created_at: Set(now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(TeamMember { user_id: account.id, display_name: account.display_name.clone(), email: account.email.clone(), role })
}

/// The person's place on the event's team, if they have one.
pub async fn membership(db: &impl ConnectionTrait, event_id: i32, user_id: i32) -> AppResult<Option<event_member::Model>> {
    Ok(event_member::Entity::find()
        .filter(event_member::Column::EventId.eq(event_id))
        .filter(event_member::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// The team member with this email, if one is on the team (organizers see
/// the team, so this tells them nothing new).
pub async fn member_by_email(db: &DatabaseConnection, event: &event::Model, email: &str) -> AppResult<Option<user::Model>> {
    let Some(account) = accounts::find_by_email(db, email).await? else { return Ok(None) };
    Ok(membership(db, event.id, account.id).await?.map(|_| account))
}

async fn ensure_another_organizer(db: &impl ConnectionTrait, event: &event::Model, leaving_user_id: i32) -> AppResult<()> {
    let others = event_member::Entity::find()
        .filter(event_member::Column::EventId.eq(event.id))
        .filter(event_member::Column::Role.eq(TeamRole::Organizer))
        .filter(event_member::Column::UserId.ne(leaving_user_id))
        .all(db)
        .await?;
    if others.is_empty() {
        return Err(AppError::Conflict("An event needs at least one organizer: add another before this one steps down.".into()));
    }
    Ok(())
}

pub async fn remove(db: &DatabaseConnection, event: &event::Model, user_id: i32) -> AppResult<()> {
    let member = event_member::Entity::find()
        .filter(event_member::Column::EventId.eq(event.id))
        .filter(event_member::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.role == TeamRole::Organizer {
        ensure_another_organizer(db, event, user_id).await?;
    }
    event_member::Entity::delete_by_id(member.id).exec(db).await?;
    Ok(())
}

/// Events this person is on the team of, for their dashboard.
pub async fn events_of(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<(event::Model, TeamRole)>> {
    let members = event_member::Entity::find().filter(event_member::Column::UserId.eq(user_id)).all(db).await?;
    let mut events = Vec::new();
    for member in members {
        if let Some(found) = event::Entity::find_by_id(member.event_id).one(db).await? {
            events.push((found, member.role));
        }
    }
    events.sort_by_key(|(e, _)| std::cmp::Reverse(e.starts_at));
    Ok(events)
}

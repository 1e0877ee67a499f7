//! Connect requests and blocks. Contact handles are shared only once both
//! people agreed; a block ends everything between two people and stops new
//! requests either way.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::db::entities::connection::ConnectionStatus;
use crate::db::entities::{block, connection, user};
use crate::domain::community::{people, profiles};
use crate::domain::now;
use crate::error::{AppError, AppResult, FieldError};

const NOTE_LIMIT: usize = 280;

/// How two people stand, from `me`'s side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    None,
    /// I asked; they have not answered.
    RequestSent,
    /// They asked me.
    RequestReceived,
    Connected,
    /// One of us declined the other.
    Declined,
    Blocked,
}

fn between(a: i32, b: i32) -> Condition {
    Condition::any()
        .add(Condition::all().add(connection::Column::RequesterId.eq(a)).add(connection::Column::AddresseeId.eq(b)))
        .add(Condition::all().add(connection::Column::RequesterId.eq(b)).add(connection::Column::AddresseeId.eq(a)))
}

pub async fn is_blocked_either_way(db: &impl ConnectionTrait, a: i32, b: i32) -> AppResult<bool> {
    Ok(block::Entity::find()
        .filter(
            Condition::any()
                .add(Condition::all().add(block::Column::BlockerId.eq(a)).add(block::Column::BlockedId.eq(b)))
                .add(Condition::all().add(block::Column::BlockerId.eq(b)).add(block::Column::BlockedId.eq(a))),
        )
        .one(db)
        .await?
        .is_some())
}

pub async fn standing(db: &impl ConnectionTrait, me: i32, other: i32) -> AppResult<Standing> {
    if is_blocked_either_way(db, me, other).await? {
        return Ok(Standing::Blocked);
    }
    let rows = connection::Entity::find().filter(between(me, other)).all(db).await?;
    Ok(standing_from(me, &rows))
}

fn standing_from(me: i32, rows: &[connection::Model]) -> Standing {
    if rows.iter().any(|r| r.status == ConnectionStatus::Accepted) {
        Standing::Connected
    } else if rows.iter().any(|r| r.status == ConnectionStatus::Declined) {
        Standing::Declined
    } else if let Some(pending) = rows.iter().find(|r| r.status == ConnectionStatus::Pending) {
        if pending.requester_id == me {
            Standing::RequestSent
        } else {
            Standing::RequestReceived
        }
    } else {
        Standing::None
    }
}

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// A new request waits for the other person.
    Sent,
    /// They had asked me already: we are now connected.
    Connected,
}

/// Sends a connect request, or accepts theirs if they asked first. `instant`
/// connects at once (badge scan of someone who opted into share-on-scan).
pub async fn request(
    db: &DatabaseConnection,
    me: &user::Model,
    other_id: i32,
    event_id: Option<i32>,
    note: &str,
    instant: bool,
) -> AppResult<Requested> {
    if other_id == me.id {
        return Err(AppError::Validation(vec![FieldError::new("user_id", "You cannot connect with yourself.")]));
    }
    let note = note.trim();
    if note.chars().count() > NOTE_LIMIT {
        return Err(AppError::Validation(vec![FieldError::new("note", format!("Keep the note under {NOTE_LIMIT} characters."))]));
    }
    if note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::Validation(vec![FieldError::new("note", "The note contains characters that cannot be shown.")]));
    }
    let txn = crate::db::begin(db).await?;
    if is_blocked_either_way(&txn, me.id, other_id).await? {
        // The same answer as for someone who does not exist: a block is not announced.
        return Err(AppError::NotFound);
    }
    let rows = connection::Entity::find().filter(between(me.id, other_id)).all(&txn).await?;
    let at = now();
    let outcome = match standing_from(me.id, &rows) {
        Standing::Connected => return Err(AppError::Conflict("You are already connected.".into())),
        Standing::RequestSent => return Err(AppError::Conflict("Your request is waiting for an answer.".into())),
        Standing::Declined => return Err(AppError::Conflict("This connection was declined; it cannot be requested again.".into())),
        Standing::RequestReceived => {
            let theirs = rows.iter().find(|r| r.status == ConnectionStatus::Pending).cloned().ok_or(AppError::NotFound)?;
            let mut accepted: connection::ActiveModel = theirs.into();
            accepted.status = Set(ConnectionStatus::Accepted.into());
            accepted.responded_at = Set(Some(at));
            accepted.update(&txn).await?;
            Requested::Connected
        }
        Standing::None | Standing::Blocked => {
            let status = if instant { ConnectionStatus::Accepted } else { ConnectionStatus::Pending };
            let mine = rows.iter().find(|r| r.requester_id == me.id).cloned();
            let mut row: connection::ActiveModel = match mine {
                // A withdrawn request of mine is asked again in the same row.
                Some(old) => old.into(),
                None => connection::ActiveModel { requester_id: Set(me.id), addressee_id: Set(other_id), ..Default::default() },
            };
            row.event_id = Set(event_id);
            row.note = Set(note.to_owned());
            row.status = Set(status);
            row.created_at = Set(at);
            row.responded_at = Set(instant.then_some(at));
            row.save(&txn).await?;
            if instant {
                Requested::Connected
            } else {
                Requested::Sent
            }
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// A request made from a profile page, the directory or the API: only to
/// someone the asker may see (anyone else does not exist for them, 404) and
/// shares a confirmed registration with. Scanning a badge proves a meeting
/// and uses [`request`] directly.
pub async fn ask(db: &DatabaseConnection, me: &user::Model, other_id: i32, note: &str) -> AppResult<Requested> {
    user::Entity::find_by_id(other_id).one(db).await?.ok_or(AppError::NotFound)?;
    let their_profile = profiles::load(db, other_id).await?;
    if !people::can_see_profile(db, Some(me), other_id, &their_profile).await? {
        return Err(AppError::NotFound);
    }
    let Some(event_id) = people::share_an_event(db, me.id, other_id).await? else {
        return Err(AppError::Validation(vec![FieldError::new(
            "user_id",
            "You can ask people to connect when you are both registered for the same event.",
        )]));
    };
    request(db, me, other_id, Some(event_id), note, false).await
}

/// The addressee answers (`accept`/`decline`), or the requester takes it back (`withdraw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
    Withdraw,
}

pub async fn answer(db: &DatabaseConnection, me: &user::Model, connection_id: i32, answer: Answer) -> AppResult<connection::Model> {
    let found = connection::Entity::find_by_id(connection_id).one(db).await?.ok_or(AppError::NotFound)?;
    let mine_to_answer = found.addressee_id == me.id;
    let mine_to_withdraw = found.requester_id == me.id;
    let allowed = match answer {
        Answer::Accept | Answer::Decline => mine_to_answer,
        Answer::Withdraw => mine_to_withdraw,
    };
    if !(mine_to_answer || mine_to_withdraw) {
        return Err(AppError::NotFound);
    }
    if !allowed {
        return Err(AppError::Forbidden("Only the person asked can answer a request, and only its sender can withdraw it.".into()));
    }
    let new_status = match answer {
        Answer::Accept => ConnectionStatus::Accepted,
        Answer::Decline => ConnectionStatus::Declined,
        Answer::Withdraw => ConnectionStatus::Withdrawn,
    };
    // Conditional update: two answers at once cannot both apply.
    let updated = connection::Entity::update_many()
        .col_expr(connection::Column::Status, sea_orm::sea_query::Expr::value(new_status.as_str()))
        .col_expr(connection::Column::RespondedAt, sea_orm::sea_query::Expr::value(now()))
        .filter(connection::Column::Id.eq(found.id))
        .filter(connection::Column::Status.eq(crate::db::entities::connection::ConnectionStatus::Pending))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::Conflict(format!("This request is already {}.", found.status)));
    }
    Ok(connection::Entity::find_by_id(found.id).one(db).await?.ok_or(AppError::NotFound)?)
}

/// Ends any connection and stops requests between the two, either way.
pub async fn block(db: &DatabaseConnection, me: &user::Model, other_id: i32) -> AppResult<()> {
    if other_id == me.id {
        return Err(AppError::BadRequest("You cannot block yourself.".into()));
    }
    user::Entity::find_by_id(other_id).one(db).await?.ok_or(AppError::NotFound)?;
    let txn = crate::db::begin(db).await?;
    let exists = block::Entity::find().filter(block::Column::BlockerId.eq(me.id)).filter(block::Column::BlockedId.eq(other_id)).one(&txn).await?;
    if exists.is_none() {
        block::ActiveModel { blocker_id: Set(me.id), blocked_id: Set(other_id), created_at: Set(now()), ..Default::default() }.insert(&txn).await?;
    }
    connection::Entity::delete_many().filter(between(me.id, other_id)).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn unblock(db: &DatabaseConnection, me: &user::Model, other_id: i32) -> AppResult<()> {
    block::Entity::delete_many().filter(block::Column::BlockerId.eq(me.id)).filter(block::Column::BlockedId.eq(other_id)).exec(db).await?;
    Ok(())
}

/// Everyone a person's connections and requests involve.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub incoming: Vec<connection::Model>,
    pub outgoing: Vec<connection::Model>,
    pub connected: Vec<connection::Model>,
    pub blocked: Vec<i32>,
}

pub async fn overview(db: &DatabaseConnection, me: i32) -> AppResult<Overview> {
    let rows = connection::Entity::find()
        .filter(Condition::any().add(connection::Column::RequesterId.eq(me)).add(connection::Column::AddresseeId.eq(me)))
        .order_by_desc(connection::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Overview::default();
    for row in rows {
        match (row.status.as_str(), row.requester_id == me) {
            ("pending", true) => out.outgoing.push(row),
            ("pending", false) => out.incoming.push(row),
            ("accepted", _) => out.connected.push(row),
            _ => {}
        }
    }
    out.blocked = block::Entity::find().filter(block::Column::BlockerId.eq(me)).all(db).await?.into_iter().map(|b| b.blocked_id).collect();
    Ok(out)
}

/// For matching: how `me` stands with each of `others` in one query each
/// for connections and blocks (people with no row are absent).
pub async fn standings(db: &DatabaseConnection, me: i32) -> AppResult<HashMap<i32, Standing>> {
    let rows = connection::Entity::find()
        .filter(Condition::any().add(connection::Column::RequesterId.eq(me)).add(connection::Column::AddresseeId.eq(me)))
        .all(db)
        .await?;
    let mut by_other: HashMap<i32, Vec<connection::Model>> = HashMap::new();
    for row in rows {
        let other = if row.requester_id == me { row.addressee_id } else { row.requester_id };
        by_other.entry(other).or_default().push(row);
    }
    let mut out: HashMap<i32, Standing> = by_other.into_iter().map(|(other, rows)| (other, standing_from(me, &rows))).collect();
    let blocks =
        block::Entity::find().filter(Condition::any().add(block::Column::BlockerId.eq(me)).add(block::Column::BlockedId.eq(me))).all(db).await?;
    for b in blocks {
        out.insert(if b.blocker_id == me { b.blocked_id } else { b.blocker_id }, Standing::Blocked);
    }
    Ok(out)
}

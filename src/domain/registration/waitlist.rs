//! The waitlist: when a ticket type is sold out, people queue; a freed seat
//! is offered to the first in line as a held registration (the seat is
//! taken for them), which they claim before it expires or which passes on.
//! Every step is a conditional update, so any number of instances (and the
//! expiry job on each of them) can run it at once without offering a seat
//! twice.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::waitlist_entry::WaitlistStatus;
use crate::db::entities::{event, registration, ticket_type, user, waitlist_entry};
use crate::domain::now;
use crate::domain::registration::tickets::{self, Availability};
use crate::domain::registration::{record_change, release_seats, take_seats};
use crate::error::{AppError, AppResult};

/// How long an offered seat waits for its claim.
pub const OFFER_HOURS: i64 = 24;

/// Joins the waitlist of a sold-out ticket type. A hidden type's waitlist
/// needs its secret link's code like its tickets do (without it, the type
/// is not found, so its name is not given away either).
pub async fn join(
    db: &DatabaseConnection,
    event: &event::Model,
    attendee: &user::Model,
    ticket_type_id: i32,
    access_code: &str,
) -> AppResult<waitlist_entry::Model> {
    let ticket = tickets::find(db, event.id, ticket_type_id).await?;
    if !tickets::is_offered_to(&ticket, access_code) {
        return Err(AppError::NotFound);
    }
    if tickets::availability(&ticket, now(), true) != Availability::SoldOut {
        return Err(AppError::Conflict(format!("“{}” is not sold out: register instead.", ticket.name)));
    }
    if crate::domain::registration::live_registration(db, event.id, attendee.id).await?.is_some() {
        return Err(crate::domain::registration::already_registered());
    }
    waitlist_entry::ActiveModel {
        event_id: Set(event.id),
        ticket_type_id: Set(ticket.id),
        user_id: Set(attendee.id),
        status: Set(WaitlistStatus::Waiting),
        registration_id: Set(None),
        created_at: Set(now()),
        offered_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict("You are already on the waitlist.".into()),
        other => other,
    })
}

pub async fn leave(db: &DatabaseConnection, event: &event::Model, attendee: &user::Model) -> AppResult<()> {
    waitlist_entry::Entity::update_many()
        .col_expr(waitlist_entry::Column::Status, Expr::value(crate::db::entities::waitlist_entry::WaitlistStatus::Left))
        .filter(waitlist_entry::Column::EventId.eq(event.id))
        .filter(waitlist_entry::Column::UserId.eq(attendee.id))
        .filter(waitlist_entry::Column::Status.eq(crate::db::entities::waitlist_entry::WaitlistStatus::Waiting))
        .exec(db)
        .await?;
    Ok(())
}

/// The person's place: (position in line, entry), or None.
pub async fn position(db: &DatabaseConnection, event_id: i32, user_id: i32) -> AppResult<Option<(usize, waitlist_entry::Model)>> {
    let Some(mine) = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::EventId.eq(event_id))
        .filter(waitlist_entry::Column::UserId.eq(user_id))
        .filter(
            waitlist_entry::Column::Status
                .is_in([crate::db::entities::waitlist_entry::WaitlistStatus::Waiting, crate::db::entities::waitlist_entry::WaitlistStatus::Offered]),
        )
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let ahead = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::TicketTypeId.eq(mine.ticket_type_id))
        .filter(waitlist_entry::Column::Status.eq(crate::db::entities::waitlist_entry::WaitlistStatus::Waiting))
        .filter(waitlist_entry::Column::CreatedAt.lt(mine.created_at))
        .all(db)
        .await?
        .len();
    Ok(Some((ahead + 1, mine)))
}

/// Offers free seats of this ticket type to the people waiting longest,
/// one held registration each; returns the offers made (to email).
pub async fn offer_free_seats(db: &DatabaseConnection, ticket_type_id: i32, at: DateTime<Utc>) -> AppResult<Vec<registration::Model>> {
    let mut offers = Vec::new();
    loop {
        let Some(ticket) = ticket_type::Entity::find_by_id(ticket_type_id).one(db).await? else { break };
        let Some(event) = event::Entity::find_by_id(ticket.event_id).one(db).await? else { break };
        let Some(next) = waitlist_entry::Entity::find()
            .filter(waitlist_entry::Column::TicketTypeId.eq(ticket.id))
            .filter(waitlist_entry::Column::Status.eq(crate::db::entities::waitlist_entry::WaitlistStatus::Waiting))
            .order_by_asc(waitlist_entry::Column::CreatedAt)
            .order_by_asc(waitlist_entry::Column::Id)
            .one(db)
            .await?
        else {
            break;
        };
        let txn = crate::db::begin(db).await?;
        if take_seats(&txn, &ticket, &event, 1).await.is_err() {
            break; // no seat free: the rest keep waiting
        }
        let claimed = waitlist_entry::Entity::update_many()
            .col_expr(waitlist_entry::Column::Status, Expr::value(crate::db::entities::waitlist_entry::WaitlistStatus::Offered))
            .col_expr(waitlist_entry::Column::OfferedAt, Expr::value(at))
            .filter(waitlist_entry::Column::Id.eq(next.id))
            .filter(waitlist_entry::Column::Status.eq(crate::db::entities::waitlist_entry::WaitlistStatus::Waiting))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            continue; // another instance offered to them first; the rollback returns our seat
        }
        let held = registration::ActiveModel {
            event_id: Set(event.id),
            user_id: Set(next.user_id),
            ticket_type_id: Set(ticket.id),
            role_id: Set(None),
            quantity: Set(1),
            status: Set(RegistrationStatus::Held),
            amount_minor: Set(0),
            currency: Set(ticket.currency.clone()),
            hold_expires_at: Set(Some(at + Duration::hours(OFFER_HOURS))),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await;
        let held = match held {
            Ok(held) => held,
            Err(_) => {
                // They hold a live registration already (registered another way): skip them.
                drop(txn);
                waitlist_entry::Entity::update_many()
                    .col_expr(waitlist_entry::Column::Status, Expr::value(crate::db::entities::waitlist_entry::WaitlistStatus::Left))
                    .filter(waitlist_entry::Column::Id.eq(next.id))
                    .exec(db)
                    .await?;
                continue;
            }
        };
        waitlist_entry::Entity::update_many()
            .col_expr(waitlist_entry::Column::RegistrationId, Expr::value(held.id))
            .filter(waitlist_entry::Column::Id.eq(next.id))
            .exec(&txn)
            .await?;
        record_change(&txn, held.id, None, RegistrationStatus::Held, None, "a seat from the waitlist, held for the claim").await?;
        txn.commit().await?;
        offers.push(held);
    }
    Ok(offers)
}

/// Claims an offered seat: the held registration is confirmed (free tickets;
/// paid ones go to checkout).
pub async fn claim(db: &DatabaseConnection, attendee: &user::Model, registration_id: i32) -> AppResult<registration::Model> {
    let found = crate::domain::registration::find(db, registration_id).await?;
    if found.user_id != attendee.id {
        return Err(AppError::NotFound);
    }
    if found.status != RegistrationStatus::Held || found.hold_expires_at.is_some_and(|t| t <= now()) {
        return Err(AppError::Conflict("This offer is no longer open.".into()));
    }
    let ticket = ticket_type::Entity::find_by_id(found.ticket_type_id).one(db).await?.ok_or(AppError::NotFound)?;
    if ticket.price_minor > 0 {
        return Err(AppError::Conflict("This ticket is paid; payment is not available on this server yet.".into()));
    }
    let txn = crate::db::begin(db).await?;
    let confirmed = registration::Entity::update_many()
        .col_expr(registration::Column::Status, Expr::value(RegistrationStatus::Confirmed))
        .col_expr(registration::Column::HoldExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(registration::Column::UpdatedAt, Expr::value(now()))
        .filter(registration::Column::Id.eq(found.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Held))
        .exec(&txn)
        .await?;
    if confirmed.rows_affected == 0 {
        return Err(AppError::Conflict("This offer is no longer open.".into()));
    }
    // Confirmed attendees show in the event's directory.
    crate::domain::events::touch_pages(&txn, found.event_id).await?;
    waitlist_entry::Entity::update_many()
        .col_expr(waitlist_entry::Column::Status, Expr::value(crate::db::entities::waitlist_entry::WaitlistStatus::Claimed))
        .filter(waitlist_entry::Column::RegistrationId.eq(found.id))
        .exec(&txn)
        .await?;
    record_change(&txn, found.id, Some(RegistrationStatus::Held), RegistrationStatus::Confirmed, Some(attendee.id), "claimed from the waitlist")
        .await?;
    txn.commit().await?;
    crate::domain::registration::find(db, found.id).await
}

/// Expires held seats whose time is up, gives the seats back and offers them
/// on; returns the new offers. Safe to run on every instance at once: each
/// hold expires by one conditional update, so exactly one run wins it.
pub async fn expire_holds(db: &DatabaseConnection, at: DateTime<Utc>) -> AppResult<Vec<registration::Model>> {
    let due = registration::Entity::find()
        .filter(registration::Column::Status.eq(RegistrationStatus::Held))
        .filter(registration::Column::HoldExpiresAt.lte(at))
        .all(db)
        .await?;
    let mut tickets_freed = Vec::new();
    for held in due {
        let txn = crate::db::begin(db).await?;
        let expired = registration::Entity::update_many()
            .col_expr(registration::Column::Status, Expr::value(RegistrationStatus::Expired))
            .col_expr(registration::Column::UpdatedAt, Expr::value(at))
            .filter(registration::Column::Id.eq(held.id))
            .filter(registration::Column::Status.eq(RegistrationStatus::Held))
            .exec(&txn)
            .await?;
        if expired.rows_affected == 0 {
            continue;
        }
        release_seats(&txn, &held).await?;
        waitlist_entry::Entity::update_many()
            .col_expr(waitlist_entry::Column::Status, Expr::value(crate::db::entities::waitlist_entry::WaitlistStatus::Expired))
            .filter(waitlist_entry::Column::RegistrationId.eq(held.id))
            .exec(&txn)
            .await?;
        record_change(&txn, held.id, Some(RegistrationStatus::Held), RegistrationStatus::Expired, None, "the hold ran out").await?;
        txn.commit().await?;
        if !tickets_freed.contains(&held.ticket_type_id) {
            tickets_freed.push(held.ticket_type_id);
        }
    }
    let mut offers = Vec::new();
    for ticket in tickets_freed {
        offers.extend(offer_free_seats(db, ticket, at).await?);
    }
    Ok(offers)
}

//! The registration area: who comes, on which ticket, and what they paid.
//! Beside this module are ticket types (`tickets`), waitlists, discounts,
//! registration questions, Stripe payments and refunds, check-in, attendee
//! lists, invitations and the emails these send (`notify`).
//!
//! Registration itself: a person takes seats of a ticket type. The capacity check
//! and the seat-taking are one conditional UPDATE inside the transaction
//! that records the registration, on the ticket type and on the event, so
//! no interleaving of buyers (threads, processes, instances) can oversell.

pub mod attendees;
pub mod checkin;
pub mod discounts;
pub mod invitations;
pub mod notify;
pub mod payments;
pub mod questions;
pub mod tickets;
pub mod use_cases;
pub mod waitlist;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::db::entities::registration::{RefundStatus, RegistrationStatus};
use crate::db::entities::{event, event_role, registration, registration_change, ticket_type, user};
use crate::domain::input;
use crate::domain::now;
use crate::domain::registration::tickets::Availability;
use crate::error::{AppError, AppResult, FieldError};

/// When the background loop may first retry a refund just owed: the
/// request that made it owed sends it first.
pub(crate) fn first_refund_retry_at(owed_at: DateTime<Utc>) -> DateTime<Utc> {
    owed_at + chrono::Duration::seconds(120)
}

/// What a person asks for, from the form or the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = RegistrationInput)]
pub struct RegistrationForm {
    #[serde(deserialize_with = "input::lenient_text")]
    #[schema(schema_with = input::lenient_text_schema)]
    pub ticket_type_id: String,
    #[serde(deserialize_with = "input::lenient_text")]
    #[schema(schema_with = input::lenient_text_schema)]
    pub quantity: String,
    /// A role id or name of the event's roles.
    #[serde(deserialize_with = "input::lenient_text")]
    #[schema(schema_with = input::lenient_text_schema)]
    pub role: String,
    /// Answers to the event's questions: `{"<question id>": "text" | ["a", "b"] | true}`.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// A discount code, for paid tickets.
    pub discount_code: String,
    /// The code of a hidden ticket type's secret link.
    pub access_code: String,
}

/// An attendee changes their own role for the event.
pub async fn choose_role(db: &DatabaseConnection, event: &event::Model, user_id: i32, role_id: Option<i32>) -> AppResult<()> {
    if let Some(id) = role_id {
        event_role::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|r| r.event_id == event.id)
            .ok_or_else(|| AppError::Validation(vec![FieldError::new("role", "Pick one of this event's roles.")]))?;
    }
    let live = live_registration(db, event.id, user_id).await?.ok_or(AppError::NotFound)?;
    registration::Entity::update_many()
        .col_expr(registration::Column::RoleId, sea_orm::sea_query::Expr::value(role_id))
        .filter(registration::Column::Id.eq(live.id))
        .exec(db)
        .await?;
    // The directory and tribes show roles (whichever way the change came).
    crate::domain::events::touch_pages(db, event.id).await?;
    Ok(())
}

/// Why nothing was taken: sold out, or already registered. Both are 409s.
pub fn sold_out(name: &str) -> AppError {
    AppError::Conflict(format!("“{name}” is sold out."))
}

pub fn already_registered() -> AppError {
    AppError::Conflict("You are already registered for this event.".into())
}

pub(crate) async fn record_change(
    db: &impl ConnectionTrait,
    registration_id: i32,
    from: Option<RegistrationStatus>,
    to: RegistrationStatus,
    actor: Option<i32>,
    reason: &str,
) -> AppResult<()> {
    registration_change::ActiveModel {
        registration_id: Set(registration_id),
        from_status: Set(from),
        to_status: Set(to),
        actor_user_id: Set(actor),
        reason: Set(reason.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes `quantity` seats of the ticket type and of the event, or none.
/// Each UPDATE checks the capacity in its own WHERE clause; zero rows
/// changed means there was no room.
pub(crate) async fn take_seats(txn: &DatabaseTransaction, ticket: &ticket_type::Model, event: &event::Model, quantity: i32) -> AppResult<()> {
    // The event's row changes (seats, revisions): this instance's pages
    // read it again rather than go by the copy of the last second.
    crate::domain::events::note_local_change();
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        return take_seats_in_one_statement(txn, ticket, event, quantity).await;
    }
    let taken = ticket_type::Entity::update_many()
        .col_expr(ticket_type::Column::Taken, Expr::col(ticket_type::Column::Taken).add(quantity))
        .filter(ticket_type::Column::Id.eq(ticket.id))
        .filter(
            Expr::col(ticket_type::Column::Capacity)
                .is_null()
                .or(Expr::col(ticket_type::Column::Taken).add(quantity).lte(Expr::col(ticket_type::Column::Capacity))),
        )
        .exec(txn)
        .await?;
    if taken.rows_affected == 0 {
        return Err(sold_out(&ticket.name));
    }
    let event_taken = event::Entity::update_many()
        .col_expr(event::Column::SeatsTaken, Expr::col(event::Column::SeatsTaken).add(quantity))
        // The event page shows seats left, the directory its attendees: their
        // cached copies go (no extra statement).
        .col_expr(event::Column::PageRevision, Expr::col(event::Column::PageRevision).add(1))
        .col_expr(event::Column::PeopleRevision, Expr::col(event::Column::PeopleRevision).add(1))
        .filter(event::Column::Id.eq(event.id))
        .filter(
            Expr::col(event::Column::Capacity)
                .is_null()
                .or(Expr::col(event::Column::SeatsTaken).add(quantity).lte(Expr::col(event::Column::Capacity))),
        )
        .exec(txn)
        .await?;
    if event_taken.rows_affected == 0 {
        return Err(event_full(txn, ticket, event, quantity).await);
    }
    Ok(())
}

/// The event had no room although the ticket type had: the ticket's seats
/// go back at once, so that a caller who goes on with its transaction after
/// the refusal (a late payment, a waitlist offer) keeps the counts right.
async fn event_full(txn: &DatabaseTransaction, ticket: &ticket_type::Model, event: &event::Model, quantity: i32) -> AppError {
    let given_back = ticket_type::Entity::update_many()
        .col_expr(ticket_type::Column::Taken, Expr::col(ticket_type::Column::Taken).sub(quantity))
        .filter(ticket_type::Column::Id.eq(ticket.id))
        .exec(txn)
        .await;
    match given_back {
        Ok(_) => AppError::Conflict(format!("{} is full.", event.title)),
        Err(error) => error.into(),
    }
}

/// PostgreSQL's seat counts taken in one statement's two CTEs, `seat` and
/// `event_seat` (one row each when taken): `$1` seats of ticket type `$2`
/// and of event `$3`, the event's only if the ticket's were.
macro_rules! seat_updates {
    () => {
        "WITH seat AS (
            UPDATE ticket_types SET taken = taken + $1
            WHERE id = $2 AND (capacity IS NULL OR taken + $1 <= capacity)
            RETURNING id
        ), event_seat AS (
            UPDATE events SET seats_taken = seats_taken + $1, page_revision = page_revision + 1, people_revision = people_revision + 1
            WHERE id = $3 AND EXISTS (SELECT 1 FROM seat) AND (capacity IS NULL OR seats_taken + $1 <= capacity)
            RETURNING id
        )"
    };
}

/// PostgreSQL: both UPDATEs in one statement, so that the two rows every
/// registration locks are held for one round trip to the server less (the
/// lock lasts until the commit; under load the round trips are what the
/// next registration waits for). The event's update runs only if the
/// ticket's took the seats; one that took the ticket's seats but found the
/// event full is rolled back with the transaction.
async fn take_seats_in_one_statement(txn: &DatabaseTransaction, ticket: &ticket_type::Model, event: &event::Model, quantity: i32) -> AppResult<()> {
    const SQL: &str =
        concat!(seat_updates!(), " SELECT (SELECT count(*) FROM seat) AS ticket_seats, (SELECT count(*) FROM event_seat) AS event_seats");
    let statement = sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, SQL, [quantity.into(), ticket.id.into(), event.id.into()]);
    let row = txn.query_one_raw(statement).await?.ok_or_else(|| AppError::Internal("taking seats returned no row".into()))?;
    let (ticket_seats, event_seats): (i64, i64) = (row.try_get("", "ticket_seats")?, row.try_get("", "event_seats")?);
    match (ticket_seats, event_seats) {
        (0, _) => Err(sold_out(&ticket.name)),
        (_, 0) => Err(event_full(txn, ticket, event, quantity).await),
        _ => Ok(()),
    }
}

/// Gives seats back (cancellation, expired hold).
pub(crate) async fn release_seats(txn: &DatabaseTransaction, found: &registration::Model) -> AppResult<()> {
    crate::domain::events::note_local_change();
    ticket_type::Entity::update_many()
        .col_expr(ticket_type::Column::Taken, Expr::col(ticket_type::Column::Taken).sub(found.quantity))
        .filter(ticket_type::Column::Id.eq(found.ticket_type_id))
        .exec(txn)
        .await?;
    event::Entity::update_many()
        .col_expr(event::Column::SeatsTaken, Expr::col(event::Column::SeatsTaken).sub(found.quantity))
        .col_expr(event::Column::PageRevision, Expr::col(event::Column::PageRevision).add(1))
        .col_expr(event::Column::PeopleRevision, Expr::col(event::Column::PeopleRevision).add(1))
        .filter(event::Column::Id.eq(found.event_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// What was asked, checked against the event: ticket, quantity, role.
pub struct CheckedRequest {
    pub ticket: ticket_type::Model,
    pub quantity: i32,
    pub role_id: Option<i32>,
    /// Checked answers to the event's questions, to store with the registration.
    pub answers: Vec<(i32, String)>,
    /// A usable discount code (used up in the registration's transaction).
    pub discount: Option<crate::db::entities::discount_code::Model>,
}

impl CheckedRequest {
    /// What the buyer pays in all, after any discount.
    pub fn amount_minor(&self) -> i64 {
        let unit = match &self.discount {
            Some(code) => crate::domain::registration::discounts::discounted(self.ticket.price_minor, code),
            None => self.ticket.price_minor,
        };
        unit * i64::from(self.quantity)
    }
}

/// An HTML form's fields by name: the answers are `q_<id>` and, for each
/// ticked choice, `q_<id>_<n>`, which depend on the event's questions.
pub type FormFields = std::collections::HashMap<String, String>;

/// Checks a request; answers come from the API body unless the HTML form's
/// fields are given.
pub async fn check_request(
    db: &DatabaseConnection,
    event: &event::Model,
    form: &RegistrationForm,
    form_fields: Option<&FormFields>,
    payments_configured: bool,
) -> AppResult<CheckedRequest> {
    let ticket_id =
        form.ticket_type_id.trim().parse::<i32>().map_err(|_| AppError::Validation(vec![FieldError::new("ticket_type_id", "Choose a ticket.")]))?;
    // A hidden type without its link's code is refused exactly like an id
    // that does not exist, so its existence is not given away either.
    let ticket = tickets::find(db, event.id, ticket_id)
        .await
        .ok()
        .filter(|t| tickets::is_offered_to(t, &form.access_code))
        .ok_or_else(|| AppError::Validation(vec![FieldError::new("ticket_type_id", "Choose one of this event's tickets.")]))?;
    let quantity =
        match form.quantity.trim() {
            "" => 1,
            text => text.parse::<i32>().ok().filter(|q| (1..=ticket.max_per_person).contains(q)).ok_or_else(|| {
                AppError::Validation(vec![FieldError::new("quantity", format!("Choose from 1 to {} seats.", ticket.max_per_person))])
            })?,
        };
    match tickets::availability(&ticket, now(), payments_configured) {
        Availability::OnSale => {}
        Availability::SoldOut => return Err(sold_out(&ticket.name)),
        other => return Err(AppError::Validation(vec![FieldError::new("ticket_type_id", other.message())])),
    }
    let role_id = match form.role.trim() {
        "" => None,
        text => {
            let roles = event_role::Entity::find().filter(event_role::Column::EventId.eq(event.id)).all(db).await?;
            let found = roles.iter().find(|r| text.parse::<i32>().ok() == Some(r.id) || r.name.eq_ignore_ascii_case(text));
            Some(found.ok_or_else(|| AppError::Validation(vec![FieldError::new("role", "Choose one of this event's roles.")]))?.id)
        }
    };
    let questions = crate::domain::registration::questions::list(db, event.id).await?;
    let raw = match form_fields {
        Some(fields) => crate::domain::registration::questions::from_form_fields(fields, &questions),
        None => crate::domain::registration::questions::from_json(&form.answers),
    };
    let answers = crate::domain::registration::questions::check(&questions, &raw).map_err(AppError::Validation)?;
    let discount = match form.discount_code.trim() {
        "" => None,
        code => Some(crate::domain::registration::discounts::find_usable(db, event.id, code, now()).await?),
    };
    Ok(CheckedRequest { ticket, quantity, role_id, answers, discount })
}

/// Registers for a free ticket: confirmed at once, or refused with 409.
pub async fn register_free(
    db: &DatabaseConnection,
    event: &event::Model,
    attendee: &user::Model,
    request: &CheckedRequest,
) -> AppResult<registration::Model> {
    if request.amount_minor() != 0 {
        return Err(AppError::BadRequest("this ticket is paid; it goes through checkout".into()));
    }
    if !event.is_published {
        return Err(AppError::NotFound);
    }
    let outcome =
        Taking { status: RegistrationStatus::Confirmed, amount_minor: 0, hold_expires_at: None, actor: Some(attendee.id), reason: "registered" };
    take_and_record(db, event, attendee, request, outcome).await
}

/// What a new registration becomes once its seats are taken.
pub(crate) struct Taking<'a> {
    pub status: RegistrationStatus,
    pub amount_minor: i64,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub actor: Option<i32>,
    pub reason: &'a str,
}

/// The one write behind every new registration (free, or held for
/// checkout): seats, the discount code's use, the row, its answers and its
/// history, all in one transaction.
pub(crate) async fn take_and_record(
    db: &DatabaseConnection,
    event: &event::Model,
    attendee: &user::Model,
    request: &CheckedRequest,
    outcome: Taking<'_>,
) -> AppResult<registration::Model> {
    // PostgreSQL: a few registrations of this instance at a time contend
    // for the two rows they all update (SQLite's write gate already lets one
    // in). Dozens waiting on one row lock are all woken at every commit, and
    // the waking costs more than the waiting: measured, 32 at once made 365
    // registrations a second where two at a time made more (bench/RESULTS.md).
    let _turn = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => Some(SEAT_TAKERS.acquire().await.map_err(|_| AppError::Internal("the seat queue closed".into()))?),
        _ => None,
    };
    let txn = crate::db::begin(db).await?;
    let created = take_and_record_in(&txn, event, attendee, request, outcome).await?;
    txn.commit().await?;
    Ok(created)
}

/// How many registrations of this instance take seats at once on PostgreSQL.
static SEAT_TAKERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// As `take_and_record`, inside the caller's transaction (an invitation
/// accepted and its registration made are one write).
async fn take_and_record_in(
    txn: &DatabaseTransaction,
    event: &event::Model,
    attendee: &user::Model,
    request: &CheckedRequest,
    outcome: Taking<'_>,
) -> AppResult<registration::Model> {
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        if let Some(code) = &request.discount {
            crate::domain::registration::discounts::use_once(txn, code).await?;
        }
        return record_with_seats(txn, event, attendee, request, &outcome).await;
    }
    // SQLite: the seats first, so that the transaction takes the write lock
    // at once.
    take_seats(txn, &request.ticket, event, request.quantity).await?;
    if let Some(code) = &request.discount {
        crate::domain::registration::discounts::use_once(txn, code).await?;
    }
    // A second live registration of the same person is refused by the
    // partial unique index (one live registration per person and event).
    let at = now();
    let created = registration::ActiveModel {
        event_id: Set(event.id),
        user_id: Set(attendee.id),
        ticket_type_id: Set(request.ticket.id),
        role_id: Set(request.role_id),
        quantity: Set(request.quantity),
        status: Set(outcome.status),
        amount_minor: Set(outcome.amount_minor),
        currency: Set(request.ticket.currency.clone()),
        hold_expires_at: Set(outcome.hold_expires_at),
        discount_code_id: Set(request.discount.as_ref().map(|d| d.id)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => already_registered(),
        other => other,
    })?;
    crate::domain::registration::questions::save(txn, created.id, &request.answers).await?;
    record_change(txn, created.id, None, outcome.status, outcome.actor, outcome.reason).await?;
    Ok(created)
}

/// PostgreSQL: the seats, the registration, its answers and its history in
/// one statement. The two rows every registration updates (the ticket
/// type's and the event's) stay locked from this statement to the commit
/// that follows, with no round trip between; under load those round trips
/// are what the next registration waits for, and each costs both servers
/// CPU (bench/RESULTS.md, registrations on PostgreSQL). The registration
/// is written only if both seat counts took it; a second live registration
/// of the same person fails the whole statement on the partial unique
/// index, seats included.
async fn record_with_seats(
    txn: &DatabaseTransaction,
    event: &event::Model,
    attendee: &user::Model,
    request: &CheckedRequest,
    outcome: &Taking<'_>,
) -> AppResult<registration::Model> {
    const SQL: &str = concat!(
        seat_updates!(),
        ", created AS (
            INSERT INTO registrations (event_id, user_id, ticket_type_id, role_id, quantity, status, amount_minor, currency, hold_expires_at, discount_code_id, created_at, updated_at)
            SELECT $3, $4, $2, $5, $1, $6, $7, $8, $9, $10, $11, $11 WHERE EXISTS (SELECT 1 FROM event_seat)
            RETURNING *
        ), answers AS (
            INSERT INTO registration_answers (registration_id, question_id, value)
            SELECT created.id, answer.question_id, answer.value FROM created, jsonb_to_recordset($12::jsonb) AS answer(question_id integer, value text)
        ), change AS (
            INSERT INTO registration_changes (registration_id, from_status, to_status, actor_user_id, reason, created_at)
            SELECT created.id, NULL, $6, $13, $14, $11 FROM created
        )
        SELECT (SELECT count(*) FROM seat) AS ticket_seats, (SELECT count(*) FROM event_seat) AS event_seats, created.*
        FROM (SELECT 1) AS one LEFT JOIN created ON true"
    );
    // The event's row changes (seats, revisions): this instance's pages
    // read it again rather than go by the copy of the last second.
    crate::domain::events::note_local_change();
    let answers: Vec<serde_json::Value> =
        request.answers.iter().map(|(question_id, value)| serde_json::json!({ "question_id": question_id, "value": value })).collect();
    let values: [sea_orm::Value; 14] = [
        request.quantity.into(),
        request.ticket.id.into(),
        event.id.into(),
        attendee.id.into(),
        request.role_id.into(),
        sea_orm::ActiveEnum::to_value(&outcome.status).into(),
        outcome.amount_minor.into(),
        request.ticket.currency.clone().into(),
        outcome.hold_expires_at.into(),
        request.discount.as_ref().map(|d| d.id).into(),
        now().into(),
        serde_json::Value::Array(answers).to_string().into(),
        outcome.actor.into(),
        outcome.reason.to_owned().into(),
    ];
    let statement = sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, SQL, values);
    let row = txn
        .query_one_raw(statement)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => already_registered(),
            other => other,
        })?
        .ok_or_else(|| AppError::Internal("registering returned no row".into()))?;
    let (ticket_seats, event_seats): (i64, i64) = (row.try_get("", "ticket_seats")?, row.try_get("", "event_seats")?);
    match (ticket_seats, event_seats) {
        (0, _) => Err(sold_out(&request.ticket.name)),
        (_, 0) => Err(event_full(txn, &request.ticket, event, request.quantity).await),
        _ => Ok(<registration::Model as sea_orm::FromQueryResult>::from_query_result(&row, "")?),
    }
}

/// Who is cancelling, which decides the rules that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelledBy {
    Attendee(i32),
    Organizer(i32),
    System,
}

/// The last moment an attendee may cancel themselves.
pub fn attendee_cancel_deadline(event: &event::Model) -> DateTime<Utc> {
    event.cancel_until.unwrap_or(event.starts_at)
}

/// Whether `by` may cancel this registration now. Decided before anything
/// is written or sent: a refused cancellation changes nothing and refunds
/// nothing.
pub fn check_cancellable(event: &event::Model, found: &registration::Model, by: CancelledBy) -> AppResult<()> {
    if let CancelledBy::Attendee(user_id) = by {
        if user_id != found.user_id {
            return Err(AppError::NotFound);
        }
        if now() >= attendee_cancel_deadline(event) {
            return Err(AppError::Conflict("The organizer no longer accepts cancellations for this event; please contact them.".into()));
        }
    }
    Ok(())
}

/// Whether cancelling this registration (as it stands) owes its buyer a
/// refund: it was paid for through Stripe and confirmed.
pub fn owes_refund(found: &registration::Model) -> bool {
    found.status == RegistrationStatus::Confirmed && found.amount_minor > 0 && found.stripe_payment_intent_id.is_some()
}

/// What a cancellation did.
#[derive(Debug, Clone)]
pub struct Cancellation {
    /// The registration as it is now.
    pub registration: registration::Model,
    /// This call cancelled it (false: it was no longer live).
    pub cancelled_now: bool,
}

/// Cancels a live registration and gives its seats back; one paid for
/// records in the same transaction the refund it owes (`payments` sends
/// it). Whether a refund is owed is decided on the row as it is inside the
/// transaction, not as the caller last read it: a payment confirmed a
/// moment before is refunded. Cancelling twice changes nothing the second
/// time (and releases nothing twice).
pub async fn cancel(
    db: &DatabaseConnection,
    event: &event::Model,
    found: &registration::Model,
    by: CancelledBy,
    reason: &str,
) -> AppResult<Cancellation> {
    check_cancellable(event, found, by)?;
    let txn = crate::db::begin(db).await?;
    let at = now();
    // The write comes first: it takes SQLite's write lock and PostgreSQL's
    // row lock, so the row read next is the one that gets cancelled.
    let live = registration::Entity::update_many()
        .col_expr(registration::Column::UpdatedAt, Expr::value(at))
        .filter(registration::Column::Id.eq(found.id))
        .filter(registration::Column::Status.is_in(RegistrationStatus::LIVE))
        .exec(&txn)
        .await?;
    if live.rows_affected == 0 {
        txn.rollback().await?;
        let registration = registration::Entity::find_by_id(found.id).one(db).await?.ok_or(AppError::NotFound)?;
        return Ok(Cancellation { registration, cancelled_now: false });
    }
    let current = registration::Entity::find_by_id(found.id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let mut update = registration::Entity::update_many()
        .col_expr(registration::Column::Status, Expr::value(RegistrationStatus::Cancelled))
        .col_expr(registration::Column::CancelledAt, Expr::value(at));
    if owes_refund(&current) {
        update = update
            .col_expr(registration::Column::RefundStatus, Expr::value(RefundStatus::Pending))
            .col_expr(registration::Column::RefundRetryAt, Expr::value(Some(first_refund_retry_at(at))));
    }
    update.filter(registration::Column::Id.eq(found.id)).exec(&txn).await?;
    release_seats(&txn, &current).await?;
    crate::domain::schedule::agenda::release_event_agenda(&txn, current.user_id, current.event_id).await?;
    let actor = match by {
        CancelledBy::Attendee(id) | CancelledBy::Organizer(id) => Some(id),
        CancelledBy::System => None,
    };
    let reason = if reason.trim().is_empty() { "cancelled" } else { reason.trim() };
    record_change(&txn, found.id, Some(current.status), RegistrationStatus::Cancelled, actor, reason).await?;
    txn.commit().await?;
    let registration = registration::Entity::find_by_id(found.id).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(Cancellation { registration, cancelled_now: true })
}

/// The person's live registration for the event, if any.
pub async fn live_registration(db: &DatabaseConnection, event_id: i32, user_id: i32) -> AppResult<Option<registration::Model>> {
    Ok(registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::UserId.eq(user_id))
        .filter(registration::Column::Status.is_in(RegistrationStatus::LIVE))
        .one(db)
        .await?)
}

pub async fn is_registered(db: &DatabaseConnection, event_id: i32, user_id: i32) -> AppResult<bool> {
    Ok(live_registration(db, event_id, user_id).await?.is_some_and(|r| r.status == RegistrationStatus::Confirmed))
}

pub async fn find(db: &DatabaseConnection, id: i32) -> AppResult<registration::Model> {
    registration::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// A person's registrations, newest first.
pub async fn of_user(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<registration::Model>> {
    Ok(registration::Entity::find().filter(registration::Column::UserId.eq(user_id)).order_by_desc(registration::Column::CreatedAt).all(db).await?)
}

pub async fn changes(db: &DatabaseConnection, registration_id: i32) -> AppResult<Vec<registration_change::Model>> {
    Ok(registration_change::Entity::find()
        .filter(registration_change::Column::RegistrationId.eq(registration_id))
        .order_by_asc(registration_change::Column::Id)
        .all(db)
        .await?)
}

/// A person accepts an organizer's invitation: any of the event's ticket
/// types (paid ones free of charge), listed or hidden, on sale or not, but
/// never beyond a capacity. Only `invitations::accept` calls this, so the
/// person's own action is behind every registration an organizer offers.
pub(crate) async fn register_invited(
    txn: &DatabaseTransaction,
    event: &event::Model,
    person: &user::Model,
    request: &CheckedRequest,
    invited_by: i32,
) -> AppResult<registration::Model> {
    let reason =
        if request.ticket.price_minor == 0 { "accepted an organizer's invitation" } else { "accepted an organizer's invitation (complimentary)" };
    let outcome = Taking { status: RegistrationStatus::Confirmed, amount_minor: 0, hold_expires_at: None, actor: Some(invited_by), reason };
    take_and_record_in(txn, event, person, request, outcome).await
}

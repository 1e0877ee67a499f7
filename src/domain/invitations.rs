//! Organizers' invitations: a ticket offered to an email address, which
//! becomes a registration only when the person who reads that mailbox
//! accepts it while logged in with that address. Until then nobody is
//! added to the event, so no hidden profile opens to its team and no badge
//! exists to connect through. Inviting answers the same whether the address
//! has an account or not, so the form cannot be used to find out who uses
//! Tribe.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::db::entities::{event, event_role, registration, registration_invitation, ticket_type, user};
use crate::domain::api_tokens::{hash_token, random_token};
use crate::domain::mail::Mail;
use crate::domain::registration::CheckedRequest;
use crate::domain::{accounts, events, now, tickets};
use crate::error::{AppError, AppResult, FieldError};

/// How long an invitation stays open at most (and never past the event's end).
const OPEN_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Declined => "declined",
            InvitationStatus::Withdrawn => "withdrawn",
        }
    }
}

/// What an organizer asks for in the "Invite someone" form.
pub struct InvitationRequest<'a> {
    pub email: &'a str,
    pub ticket_type_id: &'a str,
    pub role: &'a str,
}

/// A new invitation and the email that carries its only link.
pub struct Invitation {
    pub invitation: registration_invitation::Model,
    pub mail: Mail,
}

/// Invites an address to the event with a ticket (any of the event's ticket
/// types, hidden or not; a paid one is complimentary). Inviting the same
/// address again replaces its open invitation.
pub async fn invite(
    db: &DatabaseConnection,
    base_url: &str,
    event: &event::Model,
    organizer: &user::Model,
    request: InvitationRequest<'_>,
) -> AppResult<Invitation> {
    let mut errors = Vec::new();
    if let Some(message) = accounts::validate_email(request.email) {
        errors.push(FieldError::new("attendee_email", message));
    }
    let ticket = match request.ticket_type_id.trim().parse::<i32>() {
        Ok(id) => tickets::find(db, event.id, id).await.ok(),
        Err(_) => None,
    };
    if ticket.is_none() {
        errors.push(FieldError::new("attendee_ticket", "Choose one of this event's tickets."));
    }
    let role_id = match request.role.trim() {
        "" => None,
        text => {
            let found = match text.parse::<i32>() {
                Ok(id) => event_role::Entity::find_by_id(id).filter(event_role::Column::EventId.eq(event.id)).one(db).await?,
                Err(_) => None,
            };
            if found.is_none() {
                errors.push(FieldError::new("attendee_role", "Choose one of this event's roles."));
            }
            found.map(|r| r.id)
        }
    };
    let Some(ticket) = ticket.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let email = accounts::normalize_email(request.email);
    let at = now();
    let token = random_token(32);
    let txn = crate::db::begin(db).await?;
    registration_invitation::Entity::update_many()
        .col_expr(registration_invitation::Column::Status, Expr::value(InvitationStatus::Withdrawn.as_str()))
        .col_expr(registration_invitation::Column::AnsweredAt, Expr::value(Some(at)))
        .filter(registration_invitation::Column::EventId.eq(event.id))
        .filter(registration_invitation::Column::Email.eq(email.as_str()))
        .filter(registration_invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
        .exec(&txn)
        .await?;
    let invitation = registration_invitation::ActiveModel {
        event_id: Set(event.id),
        email: Set(email),
        ticket_type_id: Set(ticket.id),
        role_id: Set(role_id),
        invited_by: Set(organizer.id),
        token_hash: Set(hash_token(&token)),
        status: Set(InvitationStatus::Pending.as_str().to_owned()),
        registration_id: Set(None),
        created_at: Set(at),
        expires_at: Set(closes_at(event, at)),
        answered_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let mail = invitation_mail(base_url, event, organizer, &ticket, &invitation, &token);
    Ok(Invitation { invitation, mail })
}

fn closes_at(event: &event::Model, at: DateTime<Utc>) -> DateTime<Utc> {
    (at + Duration::days(OPEN_DAYS)).min(event.ends_at.max(at + Duration::hours(1)))
}

fn invitation_mail(
    base_url: &str,
    event: &event::Model,
    organizer: &user::Model,
    ticket: &ticket_type::Model,
    invitation: &registration_invitation::Model,
    token: &str,
) -> Mail {
    let closes = crate::domain::times::show(invitation.expires_at, events::zone_of(event), None);
    let text = format!(
        "Hello,\n\n{organizer} invites you to {title} ({when}) with a \"{ticket}\" ticket{free}.\n\n\
         Nothing happens unless you accept: you are not registered, and nobody at the event sees your profile, until you do.\n\n\
         Accept or decline here: {base_url}/invitations/{token}\n\n\
         The invitation is open until {date}, {time} {zone}. If you do not know this event, ignore this email.\n",
        organizer = organizer.display_name,
        title = event.title,
        when = events::summarize(event).when,
        ticket = ticket.name,
        free = if ticket.price_minor > 0 { ", free of charge" } else { "" },
        date = closes.date,
        time = closes.time,
        zone = closes.zone,
    );
    Mail { to_name: String::new(), to_email: invitation.email.clone(), subject: format!("Invitation: {}", event.title), text, calendar: None }
}

/// The invitation a link's token names, in whatever state it is.
pub async fn find_by_token(db: &DatabaseConnection, token: &str) -> AppResult<registration_invitation::Model> {
    if token.len() > 100 {
        return Err(AppError::NotFound);
    }
    registration_invitation::Entity::find()
        .filter(registration_invitation::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether the invitation can still be answered at `at`.
pub fn is_open(invitation: &registration_invitation::Model, at: DateTime<Utc>) -> bool {
    invitation.status == InvitationStatus::Pending.as_str() && at < invitation.expires_at
}

/// Only the invited address answers (403 for anyone else); an invitation
/// already answered, withdrawn or past its date is a 409.
fn check_answerable(invitation: &registration_invitation::Model, person: &user::Model) -> AppResult<()> {
    if accounts::normalize_email(&person.email) != invitation.email {
        return Err(AppError::Forbidden(format!("This invitation was sent to {}. Log in with that address to answer it.", invitation.email)));
    }
    if !is_open(invitation, now()) {
        return Err(AppError::Conflict("This invitation is no longer open.".into()));
    }
    Ok(())
}

/// The person accepts: they are registered (complimentary for a paid
/// ticket, within the capacity), and the invitation is spent.
pub async fn accept(db: &DatabaseConnection, token: &str, person: &user::Model) -> AppResult<registration::Model> {
    let invitation = find_by_token(db, token).await?;
    check_answerable(&invitation, person)?;
    let event = events::find_by_id(db, invitation.event_id).await?.ok_or(AppError::NotFound)?;
    let ticket = tickets::find(db, event.id, invitation.ticket_type_id).await?;
    // Spent first, so two clicks cannot both register; given back if the
    // registration is refused (sold out, already registered).
    if !answer(db, &invitation, InvitationStatus::Accepted).await? {
        return Err(AppError::Conflict("This invitation is no longer open.".into()));
    }
    let request = CheckedRequest { ticket, quantity: 1, role_id: invitation.role_id, answers: Vec::new(), discount: None };
    match crate::domain::registration::register_invited(db, &event, person, &request, invitation.invited_by).await {
        Ok(created) => {
            registration_invitation::Entity::update_many()
                .col_expr(registration_invitation::Column::RegistrationId, Expr::value(Some(created.id)))
                .filter(registration_invitation::Column::Id.eq(invitation.id))
                .exec(db)
                .await?;
            Ok(created)
        }
        Err(error) => {
            registration_invitation::Entity::update_many()
                .col_expr(registration_invitation::Column::Status, Expr::value(InvitationStatus::Pending.as_str()))
                .col_expr(registration_invitation::Column::AnsweredAt, Expr::value(Option::<DateTime<Utc>>::None))
                .filter(registration_invitation::Column::Id.eq(invitation.id))
                .exec(db)
                .await?;
            Err(error)
        }
    }
}

/// The person declines; the invitation is spent.
pub async fn decline(db: &DatabaseConnection, token: &str, person: &user::Model) -> AppResult<()> {
    let invitation = find_by_token(db, token).await?;
    check_answerable(&invitation, person)?;
    answer(db, &invitation, InvitationStatus::Declined).await?;
    Ok(())
}

/// The organizer takes an open invitation back.
pub async fn withdraw(db: &DatabaseConnection, event: &event::Model, id: i32) -> AppResult<()> {
    let invitation = registration_invitation::Entity::find_by_id(id)
        .filter(registration_invitation::Column::EventId.eq(event.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    answer(db, &invitation, InvitationStatus::Withdrawn).await?;
    Ok(())
}

/// Moves a pending invitation to `to`; false when it was no longer pending.
async fn answer(db: &DatabaseConnection, invitation: &registration_invitation::Model, to: InvitationStatus) -> AppResult<bool> {
    let changed = registration_invitation::Entity::update_many()
        .col_expr(registration_invitation::Column::Status, Expr::value(to.as_str()))
        .col_expr(registration_invitation::Column::AnsweredAt, Expr::value(Some(now())))
        .filter(registration_invitation::Column::Id.eq(invitation.id))
        .filter(registration_invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// An open invitation as the organizer's list shows it.
#[derive(Debug, Serialize)]
pub struct OpenInvitation {
    pub id: i32,
    pub email: String,
    pub ticket: String,
    pub sent: String,
}

/// The event's invitations still waiting for an answer, newest first.
pub async fn open_for_event(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<OpenInvitation>> {
    let at = now();
    let rows = registration_invitation::Entity::find()
        .filter(registration_invitation::Column::EventId.eq(event.id))
        .filter(registration_invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
        .filter(registration_invitation::Column::ExpiresAt.gt(at))
        .order_by_desc(registration_invitation::Column::Id)
        .all(db)
        .await?;
    let ticket_names: std::collections::HashMap<i32, String> = tickets::list(db, event.id).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let zone = events::zone_of(event);
    Ok(rows
        .into_iter()
        .map(|row| {
            let sent = crate::domain::times::show(row.created_at, zone, None);
            OpenInvitation {
                id: row.id,
                ticket: ticket_names.get(&row.ticket_type_id).cloned().unwrap_or_default(),
                email: row.email,
                sent: format!("{} {} {}", sent.date, sent.time, sent.zone),
            }
        })
        .collect())
}

//! Organizers' invitations: a ticket, or a place on the event's team,
//! offered to an email address. It takes effect only when the person who
//! reads that mailbox accepts it while logged in with that address. Until
//! then nobody is added to the event, so no hidden profile opens to its
//! team, no badge exists to connect through, and nobody is shown as staff.
//! Inviting answers the same whether the address has an account or not, so
//! the form cannot be used to find out who uses Tribe; and since anyone can
//! make an event, sending is capped so that invitations are no way to mail
//! strangers in bulk.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::db::entities::event_member::TeamRole;
use crate::db::entities::registration_invitation::InvitationStatus;
use crate::db::entities::{event, event_role, registration, registration_invitation, ticket_type, user};
use crate::domain::accounts;
use crate::domain::events;
use crate::domain::events::team;
use crate::domain::mail::Mail;
use crate::domain::now;
use crate::domain::registration::tickets;
use crate::domain::registration::CheckedRequest;
use crate::domain::secrets::{hash_token, random_token};
use crate::error::{AppError, AppResult, FieldError};

/// How long an invitation stays open at most (and never past the event's end).
const OPEN_DAYS: i64 = 30;
/// Invitations one organizer may send in a day, over all their events.
pub const DAILY_LIMIT_PER_SENDER: u64 = 300;
/// Invitations one address may get to one event in a day.
pub const DAILY_LIMIT_PER_ADDRESS: u64 = 3;

/// What an invitation offers.
#[derive(Debug, Clone)]
pub enum Offer {
    /// A ticket (complimentary when paid), with an attendee role.
    Ticket { ticket: ticket_type::Model, role_id: Option<i32> },
    /// A place on the team.
    Team(TeamRole),
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
    /// The link's secret (only its hash is stored): for the email, or for
    /// the demo loader, which accepts on its people's behalf.
    pub token: String,
}

/// Invites an address to the event with a ticket (any of the event's ticket
/// types, hidden or not; a paid one is complimentary).
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
    send(db, base_url, event, organizer, request.email, "attendee_email", Offer::Ticket { ticket, role_id }).await
}

/// What the team form did: invited someone, or changed a member's role.
pub enum TeamChange {
    Invited(Invitation),
    /// The address is already on the team: their role is changed at once
    /// (they agreed to be on the team when they accepted).
    RoleChanged(team::TeamMember),
}

/// Invites an address onto the team, or changes the role of a member.
pub async fn invite_to_team(
    db: &DatabaseConnection,
    base_url: &str,
    event: &event::Model,
    organizer: &user::Model,
    email: &str,
    role: &str,
) -> AppResult<TeamChange> {
    let role = TeamRole::parse(role.trim()).ok_or_else(|| AppError::Validation(vec![FieldError::new("role", "Choose organizer or staff.")]))?;
    if let Some(message) = accounts::validate_email(email) {
        return Err(AppError::Validation(vec![FieldError::new("email", message)]));
    }
    if let Some(member) = team::member_by_email(db, event, email).await? {
        return Ok(TeamChange::RoleChanged(team::set_role(db, event, &member, role).await?));
    }
    Ok(TeamChange::Invited(send(db, base_url, event, organizer, email, "email", Offer::Team(role)).await?))
}

/// Records an invitation (replacing the address's open one for the same
/// kind of offer) and writes its email, within the sending limits.
async fn send(
    db: &DatabaseConnection,
    base_url: &str,
    event: &event::Model,
    organizer: &user::Model,
    email: &str,
    field: &str,
    offer: Offer,
) -> AppResult<Invitation> {
    let email = accounts::normalize_email(email);
    let at = now();
    let day_ago = at - Duration::days(1);
    let txn = crate::db::begin(db).await?;
    let by_sender = registration_invitation::Entity::find()
        .filter(registration_invitation::Column::InvitedBy.eq(organizer.id))
        .filter(registration_invitation::Column::CreatedAt.gt(day_ago))
        .count(&*txn)
        .await?;
    if by_sender >= DAILY_LIMIT_PER_SENDER {
        return Err(AppError::Validation(vec![FieldError::new(
            field,
            format!("You have sent {DAILY_LIMIT_PER_SENDER} invitations in the last day; send more tomorrow."),
        )]));
    }
    let to_address = registration_invitation::Entity::find()
        .filter(registration_invitation::Column::EventId.eq(event.id))
        .filter(registration_invitation::Column::Email.eq(email.as_str()))
        .filter(registration_invitation::Column::CreatedAt.gt(day_ago))
        .count(&*txn)
        .await?;
    if to_address >= DAILY_LIMIT_PER_ADDRESS {
        return Err(AppError::Validation(vec![FieldError::new(
            field,
            format!("This address was invited {DAILY_LIMIT_PER_ADDRESS} times in the last day; wait a day before inviting it again."),
        )]));
    }
    let (ticket_type_id, role_id, team_role) = match &offer {
        Offer::Ticket { ticket, role_id } => (Some(ticket.id), *role_id, None),
        Offer::Team(role) => (None, None, Some(*role)),
    };
    let same_kind = match &offer {
        Offer::Ticket { .. } => registration_invitation::Column::TicketTypeId.is_not_null(),
        Offer::Team(_) => registration_invitation::Column::TeamRole.is_not_null(),
    };
    registration_invitation::Entity::update_many()
        .col_expr(registration_invitation::Column::Status, Expr::value(InvitationStatus::Withdrawn))
        .col_expr(registration_invitation::Column::AnsweredAt, Expr::value(Some(at)))
        .filter(registration_invitation::Column::EventId.eq(event.id))
        .filter(registration_invitation::Column::Email.eq(email.as_str()))
        .filter(registration_invitation::Column::Status.eq(InvitationStatus::Pending))
        .filter(same_kind)
        .exec(&*txn)
        .await?;
    let token = random_token(32);
    let invitation = registration_invitation::ActiveModel {
        event_id: Set(event.id),
        email: Set(email),
        ticket_type_id: Set(ticket_type_id),
        role_id: Set(role_id),
        team_role: Set(team_role),
        invited_by: Set(organizer.id),
        token_hash: Set(hash_token(&token)),
        status: Set(InvitationStatus::Pending),
        registration_id: Set(None),
        created_at: Set(at),
        expires_at: Set(closes_at(event, at)),
        answered_at: Set(None),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    let mail = invitation_mail(base_url, event, organizer, &offer, &invitation, &token);
    Ok(Invitation { invitation, mail, token })
}

fn closes_at(event: &event::Model, at: DateTime<Utc>) -> DateTime<Utc> {
    (at + Duration::days(OPEN_DAYS)).min(event.ends_at.max(at + Duration::hours(1)))
}

/// What the invitation offers, in words (the email and the page).
pub fn describe(offer: &Offer) -> String {
    match offer {
        Offer::Ticket { ticket, .. } => {
            format!("a \"{}\" ticket{}", ticket.name, if ticket.price_minor > 0 { ", free of charge" } else { "" })
        }
        Offer::Team(TeamRole::Organizer) => "a place on the team as an organizer (running the event with its other organizers)".to_owned(),
        Offer::Team(TeamRole::Staff) => "a place on the team as staff (checking people in at the door, seeing the attendee list)".to_owned(),
    }
}

fn invitation_mail(
    base_url: &str,
    event: &event::Model,
    organizer: &user::Model,
    offer: &Offer,
    invitation: &registration_invitation::Model,
    token: &str,
) -> Mail {
    let closes = crate::domain::times::show(invitation.expires_at, crate::domain::times::Zones::of_event(events::zone_of(event))).line();
    let (nothing_yet, subject) = match offer {
        Offer::Ticket { .. } => ("you are not registered, and nobody at the event sees your profile, until you do", "Invitation"),
        Offer::Team(_) => ("you are not on the team until you do", "Invitation to the team"),
    };
    let text = format!(
        "Hello,\n\n{organizer} invites you to {title} ({when}) with {offer}.\n\n\
         Nothing happens unless you accept: {nothing_yet}.\n\n\
         Accept or decline here: {base_url}/invitations/{token}\n\n\
         The invitation is open until {closes}. If you do not know this event, ignore this email.\n",
        organizer = organizer.display_name,
        title = event.title,
        when = events::summarize(event).when,
        offer = describe(offer),
    );
    Mail {
        to_name: String::new(),
        to_email: invitation.email.clone(),
        subject: format!("{subject}: {}", event.title),
        text,
        calendar: None,
        event_id: Some(event.id),
    }
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

/// What a stored invitation offers.
pub async fn offer_of(db: &DatabaseConnection, invitation: &registration_invitation::Model) -> AppResult<Offer> {
    match (invitation.ticket_type_id, invitation.team_role) {
        (Some(ticket_id), _) => Ok(Offer::Ticket { ticket: tickets::find(db, invitation.event_id, ticket_id).await?, role_id: invitation.role_id }),
        (None, Some(role)) => Ok(Offer::Team(role)),
        (None, None) => Err(AppError::NotFound),
    }
}

/// Whether the invitation can still be answered at `at`.
pub fn is_open(invitation: &registration_invitation::Model, at: DateTime<Utc>) -> bool {
    invitation.status == InvitationStatus::Pending && at < invitation.expires_at
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

/// What accepting did.
pub enum Accepted {
    Registered(registration::Model),
    JoinedTeam(TeamRole),
}

/// The person accepts: they are registered (complimentary for a paid
/// ticket, within the capacity) or join the team. The invitation is spent
/// and the registration or membership made in one transaction, so a
/// refusal (sold out, already registered) leaves the invitation open.
pub async fn accept(db: &DatabaseConnection, token: &str, person: &user::Model) -> AppResult<(registration_invitation::Model, Accepted)> {
    let invitation = find_by_token(db, token).await?;
    check_answerable(&invitation, person)?;
    let event = events::find_by_id(db, invitation.event_id).await?.ok_or(AppError::NotFound)?;
    let offer = offer_of(db, &invitation).await?;
    let txn = crate::db::begin(db).await?;
    let spent = spend(&txn, &invitation, InvitationStatus::Accepted).await?;
    if !spent {
        return Err(AppError::Conflict("This invitation is no longer open.".into()));
    }
    let accepted = match offer {
        Offer::Ticket { ticket, role_id } => {
            let request = CheckedRequest { ticket, quantity: 1, role_id, answers: Vec::new(), discount: None };
            let created = crate::domain::registration::register_invited(&txn, &event, person, &request, invitation.invited_by).await?;
            registration_invitation::Entity::update_many()
                .col_expr(registration_invitation::Column::RegistrationId, Expr::value(Some(created.id)))
                .filter(registration_invitation::Column::Id.eq(invitation.id))
                .exec(&*txn)
                .await?;
            Accepted::Registered(created)
        }
        Offer::Team(role) => {
            team::set_role(&*txn, &event, person, role).await?;
            Accepted::JoinedTeam(role)
        }
    };
    txn.commit().await?;
    Ok((invitation, accepted))
}

/// The person declines; the invitation is spent.
pub async fn decline(db: &DatabaseConnection, token: &str, person: &user::Model) -> AppResult<()> {
    let invitation = find_by_token(db, token).await?;
    check_answerable(&invitation, person)?;
    if !spend(db, &invitation, InvitationStatus::Declined).await? {
        return Err(AppError::Conflict("This invitation is no longer open.".into()));
    }
    Ok(())
}

/// The organizer takes an open invitation back; one already answered is a 409.
pub async fn withdraw(db: &DatabaseConnection, event: &event::Model, id: i32) -> AppResult<registration_invitation::Model> {
    let invitation = registration_invitation::Entity::find_by_id(id)
        .filter(registration_invitation::Column::EventId.eq(event.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !spend(db, &invitation, InvitationStatus::Withdrawn).await? {
        return Err(AppError::Conflict(format!("The invitation to {} was already answered; nothing was withdrawn.", invitation.email)));
    }
    Ok(invitation)
}

/// Moves a pending invitation to `to`; false when it was no longer pending.
async fn spend(db: &impl sea_orm::ConnectionTrait, invitation: &registration_invitation::Model, to: InvitationStatus) -> AppResult<bool> {
    let changed = registration_invitation::Entity::update_many()
        .col_expr(registration_invitation::Column::Status, Expr::value(to.as_str()))
        .col_expr(registration_invitation::Column::AnsweredAt, Expr::value(Some(now())))
        .filter(registration_invitation::Column::Id.eq(invitation.id))
        .filter(registration_invitation::Column::Status.eq(InvitationStatus::Pending))
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// An open invitation as the organizer's lists show it.
#[derive(Debug, Serialize)]
pub struct OpenInvitation {
    pub id: i32,
    pub email: String,
    /// The ticket's name, or the team role.
    pub offer: String,
    pub sent: String,
}

/// Which invitations a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ticket,
    Team,
}

/// The event's invitations of one kind still waiting for an answer, newest first.
pub async fn open_for_event(db: &DatabaseConnection, event: &event::Model, kind: Kind) -> AppResult<Vec<OpenInvitation>> {
    let at = now();
    let of_kind = match kind {
        Kind::Ticket => registration_invitation::Column::TicketTypeId.is_not_null(),
        Kind::Team => registration_invitation::Column::TeamRole.is_not_null(),
    };
    let rows = registration_invitation::Entity::find()
        .filter(registration_invitation::Column::EventId.eq(event.id))
        .filter(registration_invitation::Column::Status.eq(InvitationStatus::Pending))
        .filter(registration_invitation::Column::ExpiresAt.gt(at))
        .filter(of_kind)
        .order_by_desc(registration_invitation::Column::Id)
        .all(db)
        .await?;
    let ticket_names: std::collections::HashMap<i32, String> = tickets::list(db, event.id).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let zone = events::zone_of(event);
    Ok(rows
        .into_iter()
        .map(|row| {
            let sent = crate::domain::times::show(row.created_at, crate::domain::times::Zones::of_event(zone)).line();
            let offer = match (row.ticket_type_id, &row.team_role) {
                (Some(id), _) => ticket_names.get(&id).cloned().unwrap_or_default(),
                (None, Some(role)) => role.to_string(),
                (None, None) => String::new(),
            };
            OpenInvitation { id: row.id, offer, email: row.email, sent }
        })
        .collect())
}

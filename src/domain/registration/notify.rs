//! The emails Tribe sends about registrations: what each says, built from
//! the database; sending is `mail::Mailer`'s job.

use sea_orm::DatabaseConnection;

use crate::db::entities::event::EventKind;
use crate::db::entities::{event, registration, user};
use crate::domain::chats;
use crate::domain::events;
use crate::domain::mail::Mail;
use crate::domain::registration::tickets;
use crate::domain::schedule::calendar;
use crate::domain::times;
use crate::error::{AppError, AppResult};

async fn people(db: &DatabaseConnection, found: &registration::Model) -> AppResult<(user::Model, event::Model)> {
    let attendee = crate::domain::accounts::find_by_id(db, found.user_id).await?.ok_or(AppError::NotFound)?;
    let event = events::find_by_id(db, found.event_id).await?.ok_or(AppError::NotFound)?;
    Ok((attendee, event))
}

fn when(event: &event::Model) -> String {
    let start = times::show(event.starts_at, times::Zones::of_event(events::zone_of(event)));
    format!("{} ({})", events::summarize(event).when, start.line())
}

/// "You are registered", with the event's calendar file and the link to the
/// registration (where the badge lives).
pub async fn registration_confirmed(db: &DatabaseConnection, base_url: &str, found: &registration::Model) -> AppResult<Mail> {
    let (attendee, event) = people(db, found).await?;
    let ticket = tickets::find(db, event.id, found.ticket_type_id).await?;
    confirmation(db, base_url, found, &attendee, &event, &ticket).await
}

/// The same, when the caller has the attendee, event and ticket at hand.
pub async fn confirmation(
    db: &DatabaseConnection,
    base_url: &str,
    found: &registration::Model,
    attendee: &user::Model,
    event: &event::Model,
    ticket: &crate::db::entities::ticket_type::Model,
) -> AppResult<Mail> {
    let (attendee, event) = (attendee.clone(), event.clone());
    let occurrences = if event.kind == EventKind::OnlineChat { chats::occurrences(db, &event).await? } else { Vec::new() };
    let ics = calendar::event_calendar(&event, &occurrences, base_url);
    let venue = [event.venue_name.clone(), event.venue_address.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    let text = format!(
        "Hello {name},\n\nyou are registered for {title}.\n\nWhen: {when}\n{venue_line}Ticket: {ticket}{quantity}\n\n\
         Your registration: {base_url}/registrations/{id}\n\
         Your badge (show its code at the door): {base_url}/registrations/{id}/badge.svg\n\
         The schedule: {base_url}/events/{slug}/schedule\n\n\
         The event is attached as a calendar file.\n\nSee you there!\n",
        name = attendee.display_name,
        title = event.title,
        when = when(&event),
        venue_line = if venue.is_empty() { String::new() } else { format!("Where: {venue}\n") },
        ticket = ticket.name,
        quantity = if found.quantity > 1 { format!(" × {}", found.quantity) } else { String::new() },
        id = found.id,
        slug = event.slug,
    );
    Ok(Mail {
        to_name: attendee.display_name,
        to_email: attendee.email,
        subject: format!("You are registered: {}", event.title),
        text,
        calendar: Some((calendar::file_name(&event.title), ics)),
        event_id: Some(event.id),
    })
}

pub async fn registration_cancelled(db: &DatabaseConnection, base_url: &str, found: &registration::Model, reason: &str) -> AppResult<Mail> {
    let (attendee, event) = people(db, found).await?;
    let text = format!(
        "Hello {},\n\nyour registration for {} ({}) is cancelled{}.\n\nThe event: {base_url}/events/{}\n",
        attendee.display_name,
        event.title,
        when(&event),
        if reason.is_empty() { String::new() } else { format!(": {reason}") },
        event.slug
    );
    Ok(Mail {
        to_name: attendee.display_name,
        to_email: attendee.email,
        subject: format!("Cancelled: {}", event.title),
        text,
        calendar: None,
        event_id: Some(event.id),
    })
}

pub async fn waitlist_offer(db: &DatabaseConnection, base_url: &str, found: &registration::Model) -> AppResult<Mail> {
    let (attendee, event) = people(db, found).await?;
    let zones = times::Zones::of_event(events::zone_of(&event));
    let until = found.hold_expires_at.map(|t| times::show(t, zones).line()).unwrap_or_default();
    let text = format!(
        "Hello {},\n\na seat at {} is free, and it is yours if you claim it before {until}.\n\nClaim it: {base_url}/registrations/{}\n\n\
         If you do nothing, it passes to the next person on the waitlist.\n",
        attendee.display_name, event.title, found.id
    );
    Ok(Mail {
        to_name: attendee.display_name,
        to_email: attendee.email,
        subject: format!("A seat is free: {}", event.title),
        text,
        calendar: None,
        event_id: Some(event.id),
    })
}

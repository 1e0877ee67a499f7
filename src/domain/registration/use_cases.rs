//! The things people ask of registration, each whole: register, cancel,
//! claim a seat from the waitlist, accept an invitation, and what a Stripe
//! payment event settles. Each checks, writes in its transactions, and
//! sends its own emails and waitlist offers, so the page, the API and the
//! webhook share one path and a test calls it without HTTP.

use crate::db::entities::event_member::TeamRole;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{event, registration, registration_invitation, ticket_type, user};
use crate::domain::context::Context;
use crate::domain::events;
use crate::domain::registration::payments::{self, RefundOutcome};
use crate::domain::registration::{
    self as registrations, invitations, notify, tickets, waitlist, Cancellation, CancelledBy, FormFields, RegistrationForm,
};
use crate::error::{AppError, AppResult};

/// What registering led to.
pub enum Registered {
    /// A free ticket: confirmed, and the confirmation sent.
    Confirmed { registration: registration::Model, ticket: ticket_type::Model },
    /// A paid ticket: the seat is held while the buyer pays at `url`; the
    /// webhook confirms it.
    CheckoutStarted { registration: registration::Model, url: String },
}

/// A person registers for an event. Answers come from the HTML form's
/// fields or, over the API, from `form.answers`.
pub async fn register(
    ctx: Context<'_>,
    event: &event::Model,
    attendee: &user::Model,
    form: &RegistrationForm,
    form_fields: Option<&FormFields>,
) -> AppResult<Registered> {
    let request = registrations::check_request(ctx.db, event, form, form_fields, ctx.stripe.is_some()).await?;
    if request.amount_minor() > 0 {
        let stripe = ctx.stripe.ok_or_else(|| AppError::Conflict("Payments are not configured.".into()))?;
        let checkout = payments::start_checkout(ctx.db, stripe, ctx.base_url, event, attendee, &request).await?;
        return Ok(Registered::CheckoutStarted { registration: checkout.registration, url: checkout.url });
    }
    let created = registrations::register_free(ctx.db, event, attendee, &request).await?;
    ctx.notify(notify::confirmation(ctx.db, ctx.base_url, &created, attendee, event, &request.ticket).await).await;
    Ok(Registered::Confirmed { registration: created, ticket: request.ticket })
}

/// Why a registration is cancelled: `recorded` goes into its history,
/// `told` (often nothing) into the attendee's email.
pub struct CancelReason<'a> {
    pub recorded: &'a str,
    pub told: &'a str,
}

/// Cancels a registration, owes and sends its refund, tells the attendee
/// and offers the freed seats to the waitlist. Asking again changes nothing
/// and sends nothing.
pub async fn cancel(
    ctx: Context<'_>,
    event: &event::Model,
    found: &registration::Model,
    by: CancelledBy,
    reason: CancelReason<'_>,
) -> AppResult<(Cancellation, RefundOutcome)> {
    let (cancellation, refund) = payments::cancel_with_refund(ctx.db, ctx.stripe, event, found, by, reason.recorded).await?;
    if cancellation.cancelled_now {
        let cancelled = &cancellation.registration;
        ctx.notify(notify::registration_cancelled(ctx.db, ctx.base_url, cancelled, reason.told).await).await;
        seat_freed(ctx, cancelled.ticket_type_id).await;
    }
    Ok((cancellation, refund))
}

/// Cancels registration `id` for `person`: their own, or anyone's at an
/// event they organize. Anyone else is told it does not exist.
pub async fn cancel_as(ctx: Context<'_>, person: &user::Model, id: i32, reason: CancelReason<'_>) -> AppResult<(Cancellation, RefundOutcome)> {
    let found = registrations::find(ctx.db, id).await?;
    let event = events::find_by_id(ctx.db, found.event_id).await?.ok_or(AppError::NotFound)?;
    let by = if found.user_id == person.id {
        CancelledBy::Attendee(person.id)
    } else if events::effective_role(ctx.db, &event, person).await? == Some(TeamRole::Organizer) {
        CancelledBy::Organizer(person.id)
    } else {
        return Err(AppError::NotFound);
    };
    cancel(ctx, &event, &found, by, reason).await
}

/// What claiming an offered seat led to.
pub enum Claimed {
    Confirmed(registration::Model),
    /// A paid seat: the buyer pays at this address first.
    CheckoutStarted(String),
}

/// A person claims the seat the waitlist offered them.
pub async fn claim(ctx: Context<'_>, person: &user::Model, id: i32) -> AppResult<Claimed> {
    let found = registrations::find(ctx.db, id).await?;
    if found.user_id == person.id && found.status == RegistrationStatus::Held {
        let ticket = tickets::find(ctx.db, found.event_id, found.ticket_type_id).await?;
        if let (true, Some(stripe)) = (ticket.price_minor > 0, ctx.stripe) {
            return payments::checkout_for_held(ctx.db, stripe, ctx.base_url, person, &found).await.map(Claimed::CheckoutStarted);
        }
    }
    let confirmed = waitlist::claim(ctx.db, person, id).await?;
    ctx.notify(notify::registration_confirmed(ctx.db, ctx.base_url, &confirmed).await).await;
    Ok(Claimed::Confirmed(confirmed))
}

/// An organizer invites an address with a ticket; the email carries the
/// only link. Nobody is registered until they accept.
pub async fn invite(
    ctx: Context<'_>,
    event: &event::Model,
    organizer: &user::Model,
    request: invitations::InvitationRequest<'_>,
) -> AppResult<registration_invitation::Model> {
    let sent = invitations::invite(ctx.db, ctx.base_url, event, organizer, request).await?;
    ctx.notify(Ok(sent.mail)).await;
    Ok(sent.invitation)
}

/// An organizer invites an address onto the team (the email carries the
/// link), or changes the role of someone already on it.
pub async fn invite_to_team(ctx: Context<'_>, event: &event::Model, organizer: &user::Model, email: &str, role: &str) -> AppResult<TeamInvited> {
    match invitations::invite_to_team(ctx.db, ctx.base_url, event, organizer, email, role).await? {
        invitations::TeamChange::Invited(sent) => {
            ctx.notify(Ok(sent.mail)).await;
            Ok(TeamInvited::Invited(sent.invitation))
        }
        invitations::TeamChange::RoleChanged(member) => Ok(TeamInvited::RoleChanged(member)),
    }
}

/// What the team form did.
pub enum TeamInvited {
    Invited(registration_invitation::Model),
    /// Already on the team: the role changed at once.
    RoleChanged(crate::domain::events::team::TeamMember),
}

/// A person accepts an invitation: registered (and told so) or on the team.
pub async fn accept_invitation(
    ctx: Context<'_>,
    token: &str,
    person: &user::Model,
) -> AppResult<(registration_invitation::Model, invitations::Accepted)> {
    let (invitation, accepted) = invitations::accept(ctx.db, token, person).await?;
    if let invitations::Accepted::Registered(created) = &accepted {
        ctx.notify(notify::registration_confirmed(ctx.db, ctx.base_url, created).await).await;
    }
    Ok((invitation, accepted))
}

/// Settles a verified Stripe event: a payment confirms its registration
/// (and says so), a lapsed checkout frees its seat for the waitlist.
pub async fn settle_payment_event(ctx: Context<'_>, payload: &str) -> AppResult<payments::WebhookOutcome> {
    let stripe = ctx.stripe.ok_or(AppError::NotFound)?;
    let outcome = payments::handle_event(ctx.db, stripe, payload).await?;
    if let Some(confirmed) = &outcome.confirmed {
        ctx.notify(notify::registration_confirmed(ctx.db, ctx.base_url, confirmed).await).await;
    }
    if let Some(ticket) = outcome.released_ticket {
        seat_freed(ctx, ticket).await;
    }
    Ok(outcome)
}

/// A seat of this ticket type came free: offer it to the waitlist and tell
/// whoever gets it. A failure is logged and does not undo what freed the
/// seat, which stays free for the next buyer.
pub async fn seat_freed(ctx: Context<'_>, ticket_type_id: i32) {
    match waitlist::offer_free_seats(ctx.db, ticket_type_id, crate::domain::now()).await {
        Ok(offers) => send_offers(ctx, offers).await,
        Err(error) => tracing::error!(%error, "offering a freed seat failed"),
    }
}

/// Tells each person a seat is held for them.
pub async fn send_offers(ctx: Context<'_>, offers: Vec<registration::Model>) {
    for offer in offers {
        ctx.notify(notify::waitlist_offer(ctx.db, ctx.base_url, &offer).await).await;
    }
}

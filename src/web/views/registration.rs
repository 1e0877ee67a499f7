//! Ticket types and registrations, as the API (and the registration page)
//! show them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::entities::registration::{RefundStatus, RegistrationStatus};
use crate::db::entities::{event, registration, ticket_type};
use crate::domain::registration::tickets::{self, Availability};

#[derive(Serialize, ToSchema)]
#[schema(as = TicketType)]
pub struct TicketTypeView {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub capacity: Option<i32>,
    /// Seats left, when the type has a capacity.
    pub available: Option<i32>,
    pub sales_start: Option<DateTime<Utc>>,
    pub sales_end: Option<DateTime<Utc>>,
    pub max_per_person: i32,
    pub availability: Availability,
    #[schema(value_type = String)]
    pub availability_message: &'static str,
}

impl TicketTypeView {
    pub fn new(t: &ticket_type::Model, at: DateTime<Utc>, payments_configured: bool) -> TicketTypeView {
        let availability = tickets::availability(t, at, payments_configured);
        TicketTypeView {
            id: t.id,
            name: t.name.clone(),
            description: t.description.clone(),
            price_minor: t.price_minor,
            currency: t.currency.clone(),
            capacity: t.capacity,
            available: t.capacity.map(|c| (c - t.taken).max(0)),
            sales_start: t.sales_start,
            sales_end: t.sales_end,
            max_per_person: t.max_per_person,
            availability_message: availability.message(),
            availability,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TicketRef {
    pub id: i32,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Registration)]
pub struct RegistrationView {
    pub id: i32,
    /// The event's slug.
    pub event: String,
    pub ticket_type: TicketRef,
    pub quantity: i32,
    pub status: RegistrationStatus,
    pub amount_minor: i64,
    pub currency: String,
    pub role_id: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// For a cancelled paid registration: the refund it owes is pending
    /// (retried until Stripe confirms), refunded, or failed (the organizer
    /// refunds by hand).
    pub refund_status: Option<RefundStatus>,
    /// For a paid ticket just registered: where the buyer pays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
}

impl RegistrationView {
    pub fn new(found: &registration::Model, event: &event::Model, ticket: &ticket_type::Model) -> RegistrationView {
        RegistrationView {
            id: found.id,
            event: event.slug.clone(),
            ticket_type: TicketRef { id: ticket.id, name: ticket.name.clone() },
            quantity: found.quantity,
            status: found.status,
            amount_minor: found.amount_minor,
            currency: found.currency.clone(),
            role_id: found.role_id,
            created_at: found.created_at,
            cancelled_at: found.cancelled_at,
            refund_status: found.refund_status,
            checkout_url: None,
        }
    }
}

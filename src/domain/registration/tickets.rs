//! Ticket types: what an event sells or gives away, at what price, how many,
//! and when. Seats are counted in `taken`, which only conditional updates
//! raise (see `registration`).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::db::entities::{event, ticket_type};
use crate::domain::events::zone_of;
use crate::domain::input;
use crate::domain::now;
use crate::error::{AppError, AppResult, FieldError};

/// The ticket-type form, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketTypeForm {
    pub name: String,
    pub description: String,
    /// "0", "25", "25.00": in the currency's major unit.
    #[serde(deserialize_with = "input::lenient_text")]
    pub price: String,
    pub currency: String,
    #[serde(deserialize_with = "input::lenient_text")]
    pub capacity: String,
    pub sales_start: String,
    pub sales_end: String,
    #[serde(deserialize_with = "input::lenient_text")]
    pub max_per_person: String,
    /// "false" to keep it off the public page: on sale only through its
    /// secret link, and given by invitation; listed otherwise.
    #[serde(deserialize_with = "input::lenient_text")]
    pub visible: String,
}

/// Why a ticket type cannot be bought right now, in words for the buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    OnSale,
    NotYet,
    Ended,
    SoldOut,
    /// Paid tickets need Stripe keys on this server.
    PaymentsUnavailable,
}

impl Availability {
    pub fn message(&self) -> &'static str {
        match self {
            Availability::OnSale => "On sale",
            Availability::NotYet => "Not on sale yet",
            Availability::Ended => "Sales have ended",
            Availability::SoldOut => "Sold out",
            Availability::PaymentsUnavailable => {
                "Paid tickets cannot be sold: this server has no payment provider configured (TRIBE_STRIPE_SECRET_KEY)"
            }
        }
    }
}

pub fn availability(ticket: &ticket_type::Model, at: DateTime<Utc>, payments_configured: bool) -> Availability {
    if ticket.sales_start.is_some_and(|s| at < s) {
        Availability::NotYet
    } else if ticket.sales_end.is_some_and(|e| at >= e) {
        Availability::Ended
    } else if ticket.capacity.is_some_and(|c| ticket.taken >= c) {
        Availability::SoldOut
    } else if ticket.price_minor > 0 && !payments_configured {
        Availability::PaymentsUnavailable
    } else {
        Availability::OnSale
    }
}

/// "Free", "$25.00", "€12.50".
pub fn format_price(minor: i64, currency: &str) -> String {
    if minor == 0 {
        return "Free".into();
    }
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "CAD" => "CA$",
        "AUD" => "A$",
        _ => "",
    };
    let amount = format!("{}.{:02}", minor / 100, minor % 100);
    if symbol.is_empty() {
        format!("{amount} {currency}")
    } else {
        format!("{symbol}{amount}")
    }
}

/// Major units as typed ("25", "25.5", "25.00") to minor units.
pub fn parse_price(text: &str) -> Result<i64, String> {
    let text = text.trim().trim_start_matches(['$', '€', '£']);
    if text.is_empty() {
        return Ok(0);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let valid = !whole.is_empty() && whole.chars().all(|c| c.is_ascii_digit()) && fraction.len() <= 2 && fraction.chars().all(|c| c.is_ascii_digit());
    if !valid || whole.len() > 7 {
        return Err("Enter a price like 25 or 25.00 (0 for free).".into());
    }
    let cents = format!("{fraction:0<2}").parse::<i64>().unwrap_or(0);
    Ok(whole.parse::<i64>().unwrap_or(0) * 100 + cents)
}

pub async fn list(db: &impl ConnectionTrait, event_id: i32) -> AppResult<Vec<ticket_type::Model>> {
    Ok(ticket_type::Entity::find()
        .filter(ticket_type::Column::EventId.eq(event_id))
        .order_by_asc(ticket_type::Column::Position)
        .order_by_asc(ticket_type::Column::Id)
        .all(db)
        .await?)
}

pub async fn find(db: &impl ConnectionTrait, event_id: i32, id: i32) -> AppResult<ticket_type::Model> {
    ticket_type::Entity::find_by_id(id).filter(ticket_type::Column::EventId.eq(event_id)).one(db).await?.ok_or(AppError::NotFound)
}

/// Adds a ticket type. A paid one can be created without payments
/// configured, but not put on sale (see `availability`).
pub async fn create(db: &DatabaseConnection, event: &event::Model, form: &TicketTypeForm) -> AppResult<ticket_type::Model> {
    let zone = zone_of(event);
    let mut errors = Vec::new();
    let name = input::required_text(&form.name, "the ticket's name", 100).map_err(|m| errors.push(FieldError::new("ticket_name", m))).ok();
    let price = parse_price(&form.price).map_err(|m| errors.push(FieldError::new("price", m))).ok();
    let currency = match form.currency.trim().to_uppercase() {
        c if c.is_empty() => "USD".to_owned(),
        c if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) => c,
        _ => {
            errors.push(FieldError::new("currency", "Use a three-letter currency code such as USD or EUR."));
            String::new()
        }
    };
    let capacity =
        input::parse_optional_count(&form.capacity, 1_000_000).map_err(|m| errors.push(FieldError::new("ticket_capacity", m))).ok().flatten();
    let optional_time = |text: &str| if text.trim().is_empty() { Ok(None) } else { input::parse_time(zone, text).map(Some) };
    let sales_start = optional_time(&form.sales_start).map_err(|m| errors.push(FieldError::new("sales_start", m))).ok().flatten();
    let sales_end = optional_time(&form.sales_end).map_err(|m| errors.push(FieldError::new("sales_end", m))).ok().flatten();
    if let (Some(start), Some(end)) = (sales_start, sales_end) {
        if end <= start {
            errors.push(FieldError::new("sales_end", "Sales must end after they start."));
        }
    }
    let max_per_person =
        input::parse_optional_count(&form.max_per_person, 100).map_err(|m| errors.push(FieldError::new("max_per_person", m))).ok().flatten();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let position = list(db, event.id).await?.len() as i32;
    let at = now();
    let is_visible = !matches!(form.visible.trim(), "false" | "0" | "off" | "no");
    Ok(ticket_type::ActiveModel {
        event_id: Set(event.id),
        name: Set(name.unwrap_or_default()),
        description: Set(form.description.trim().chars().take(2000).collect()),
        price_minor: Set(price.unwrap_or(0)),
        currency: Set(currency),
        capacity: Set(capacity),
        taken: Set(0),
        sales_start: Set(sales_start),
        sales_end: Set(sales_end),
        is_visible: Set(is_visible),
        access_code: Set((!is_visible).then(new_access_code)),
        max_per_person: Set(max_per_person.unwrap_or(1)),
        position: Set(position),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn set_visible(db: &DatabaseConnection, event: &event::Model, id: i32, visible: bool) -> AppResult<ticket_type::Model> {
    let found = find(db, event.id, id).await?;
    let needs_code = !visible && found.access_code.is_none();
    let mut model: ticket_type::ActiveModel = found.into();
    model.is_visible = Set(visible);
    if needs_code {
        model.access_code = Set(Some(new_access_code()));
    }
    model.updated_at = Set(now());
    Ok(model.update(db).await?)
}

fn new_access_code() -> String {
    crate::domain::secrets::random_token(12)
}

/// Makes a new secret link for a hidden ticket type; the old link stops
/// working (for a link that went further than it should).
pub async fn renew_access_code(db: &DatabaseConnection, event: &event::Model, id: i32) -> AppResult<ticket_type::Model> {
    let found = find(db, event.id, id).await?;
    let mut model: ticket_type::ActiveModel = found.into();
    model.access_code = Set(Some(new_access_code()));
    model.updated_at = Set(now());
    Ok(model.update(db).await?)
}

/// Whether a buyer may see and take this ticket type: a listed one, or a
/// hidden one whose secret link they came with.
pub fn is_offered_to(ticket: &ticket_type::Model, access_code: &str) -> bool {
    use subtle::ConstantTimeEq;
    ticket.is_visible
        || ticket
            .access_code
            .as_deref()
            .is_some_and(|code| !access_code.is_empty() && bool::from(code.as_bytes().ct_eq(access_code.trim().as_bytes())))
}

/// Removes a ticket type nobody holds; one with registrations can only be hidden.
pub async fn delete(db: &DatabaseConnection, event: &event::Model, id: i32) -> AppResult<()> {
    let found = find(db, event.id, id).await?;
    use crate::db::entities::registration;
    use sea_orm::PaginatorTrait;
    let used = registration::Entity::find().filter(registration::Column::TicketTypeId.eq(found.id)).count(db).await?;
    if used > 0 {
        return Err(AppError::Conflict(format!("“{}” has registrations; hide it instead of deleting it.", found.name)));
    }
    ticket_type::Entity::delete_by_id(found.id).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_in_major_units_and_shown_with_their_currency() {
        assert_eq!(parse_price("25"), Ok(2500));
        assert_eq!(parse_price("25.5"), Ok(2550));
        assert_eq!(parse_price("$0.99"), Ok(99));
        assert_eq!(parse_price(""), Ok(0));
        assert!(parse_price("25.999").is_err() && parse_price("-3").is_err() && parse_price("abc").is_err());
        assert_eq!(format_price(2500, "USD"), "$25.00");
        assert_eq!(format_price(1250, "SEK"), "12.50 SEK");
        assert_eq!(format_price(0, "EUR"), "Free");
    }
}

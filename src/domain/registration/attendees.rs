//! The organizer's view of who is coming: a searchable, filterable list,
//! its CSV export with every answer, and the numbers per ticket type.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::db::entities::registration::RefundStatus;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{event, event_role, profile, registration, user};
use crate::domain::registration::questions;
use crate::domain::registration::tickets;
use crate::error::AppResult;

#[derive(Debug, Clone, Default)]
pub struct AttendeeFilter {
    /// Matches name, email or organization, case-insensitively.
    pub search: Option<String>,
    pub ticket_type_id: Option<i32>,
    pub status: Option<String>,
    pub role_id: Option<i32>,
    /// Some(true): only those checked in; Some(false): only those not yet.
    pub checked_in: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendeeRow {
    pub registration_id: i32,
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub organization: String,
    pub role: String,
    pub ticket: String,
    pub quantity: i32,
    pub status: RegistrationStatus,
    /// For a cancelled paid registration: "refund pending", "refunded" or
    /// "refund failed: refund by hand" (with Stripe's last answer).
    pub refund: String,
    pub amount: String,
    pub registered_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Answers in the order of the event's questions.
    pub answers: Vec<String>,
}

pub async fn list(db: &DatabaseConnection, event: &event::Model, filter: &AttendeeFilter) -> AppResult<Vec<AttendeeRow>> {
    let mut query = registration::Entity::find().filter(registration::Column::EventId.eq(event.id));
    if let Some(ticket) = filter.ticket_type_id {
        query = query.filter(registration::Column::TicketTypeId.eq(ticket));
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        query = query.filter(registration::Column::Status.eq(status));
    }
    if let Some(role) = filter.role_id {
        query = query.filter(registration::Column::RoleId.eq(role));
    }
    match filter.checked_in {
        Some(true) => query = query.filter(registration::Column::CheckedInAt.is_not_null()),
        Some(false) => query = query.filter(registration::Column::CheckedInAt.is_null()),
        None => {}
    }
    let registrations = query.order_by_asc(registration::Column::CreatedAt).all(db).await?;
    let user_ids: Vec<i32> = registrations.iter().map(|r| r.user_id).collect();
    let mut users: HashMap<i32, user::Model> = HashMap::new();
    let mut profiles: HashMap<i32, profile::Model> = HashMap::new();
    for chunk in user_ids.chunks(500) {
        users.extend(user::Entity::find().filter(user::Column::Id.is_in(chunk.to_vec())).all(db).await?.into_iter().map(|u| (u.id, u)));
        profiles
            .extend(profile::Entity::find().filter(profile::Column::UserId.is_in(chunk.to_vec())).all(db).await?.into_iter().map(|p| (p.user_id, p)));
    }
    let roles: HashMap<i32, String> =
        event_role::Entity::find().filter(event_role::Column::EventId.eq(event.id)).all(db).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let ticket_names: HashMap<i32, String> = tickets::list(db, event.id).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let event_questions = questions::list(db, event.id).await?;
    let answers = questions::answers_for(db, &registrations.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    let needle = filter.search.as_deref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    let rows = registrations
        .into_iter()
        .filter_map(|r| {
            let account = users.get(&r.user_id)?;
            let organization = profiles.get(&r.user_id).map(|p| p.organization.clone()).unwrap_or_default();
            if let Some(needle) = &needle {
                let haystack = format!("{} {} {}", account.display_name, account.email, organization).to_lowercase();
                if !haystack.contains(needle.as_str()) {
                    return None;
                }
            }
            Some(AttendeeRow {
                registration_id: r.id,
                user_id: r.user_id,
                name: account.display_name.clone(),
                email: account.email.clone(),
                organization,
                role: r.role_id.and_then(|id| roles.get(&id).cloned()).unwrap_or_default(),
                ticket: ticket_names.get(&r.ticket_type_id).cloned().unwrap_or_default(),
                quantity: r.quantity,
                status: r.status,
                refund: match r.refund_status {
                    Some(RefundStatus::Pending) => "refund pending".to_owned(),
                    Some(RefundStatus::Refunded) => "refunded".to_owned(),
                    Some(RefundStatus::Failed) => format!("refund failed: refund by hand in Stripe ({})", r.refund_error),
                    None => String::new(),
                },
                amount: tickets::format_price(r.amount_minor, &r.currency),
                registered_at: r.created_at,
                checked_in_at: r.checked_in_at,
                answers: event_questions.iter().map(|q| answers.get(&(r.id, q.id)).cloned().unwrap_or_default()).collect(),
            })
        })
        .collect();
    Ok(rows)
}

/// One CSV cell (RFC 4180). Cells that a spreadsheet would run as a
/// formula are prefixed with an apostrophe.
pub(crate) fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// "2027-01-25 08:41 UTC": a time a spreadsheet sorts, in one zone for
/// every row.
fn spreadsheet_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Every registration with its answers, as CSV with a header row.
pub async fn csv(db: &DatabaseConnection, event: &event::Model, filter: &AttendeeFilter) -> AppResult<String> {
    let rows = list(db, event, filter).await?;
    let event_questions = questions::list(db, event.id).await?;
    let mut header: Vec<String> =
        ["registration", "name", "email", "organization", "role", "ticket", "quantity", "status", "amount", "registered at", "checked in at"]
            .iter()
            .map(|h| h.to_string())
            .collect();
    header.extend(event_questions.iter().map(|q| q.label.clone()));
    let mut out = header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(",") + "\r\n";
    for row in rows {
        let mut cells = vec![
            row.registration_id.to_string(),
            row.name,
            row.email,
            row.organization,
            row.role,
            row.ticket,
            row.quantity.to_string(),
            row.status.to_string(),
            row.amount,
            spreadsheet_time(row.registered_at),
            row.checked_in_at.map(spreadsheet_time).unwrap_or_default(),
        ];
        cells.extend(row.answers);
        out.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct TicketSummary {
    pub name: String,
    pub price: String,
    pub capacity: Option<i32>,
    pub taken: i32,
    pub confirmed: i64,
    pub cancelled: i64,
    pub revenue: String,
}

/// Seats, registrations and money per ticket type.
pub async fn summary(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<TicketSummary>> {
    let registrations = registration::Entity::find().filter(registration::Column::EventId.eq(event.id)).all(db).await?;
    Ok(tickets::list(db, event.id)
        .await?
        .into_iter()
        .map(|t| {
            let mine: Vec<&registration::Model> = registrations.iter().filter(|r| r.ticket_type_id == t.id).collect();
            let confirmed: Vec<&&registration::Model> = mine.iter().filter(|r| r.status == RegistrationStatus::Confirmed).collect();
            TicketSummary {
                price: tickets::format_price(t.price_minor, &t.currency),
                capacity: t.capacity,
                taken: t.taken,
                confirmed: confirmed.iter().map(|r| i64::from(r.quantity)).sum(),
                cancelled: mine.iter().filter(|r| r.status == RegistrationStatus::Cancelled).count() as i64,
                revenue: tickets::format_price(confirmed.iter().map(|r| r.amount_minor).sum(), &t.currency),
                name: t.name,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
    }
}

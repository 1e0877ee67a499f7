//! Ticket types and registrations: the API's resources, the registration
//! panel on an event's page and a registration's own page.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::entities::registration::{RefundStatus, RegistrationStatus};
use crate::db::entities::registration_question::QuestionKind;
use crate::db::entities::{event, registration, ticket_type, user};
use crate::domain::events::{self, EventSummary};
use crate::domain::now;
use crate::domain::registration::attendees::{self, AttendeeFilter, AttendeeRow, TicketSummary};
use crate::domain::registration::checkin::{self, Stats};
use crate::domain::registration::invitations::{self, OpenInvitation};
use crate::domain::registration::tickets::{self, Availability};
use crate::domain::registration::{self as registrations, questions, waitlist};
use crate::domain::times::{self, When, Zones};
use crate::error::AppResult;
use crate::web::views::{Choice, Paging};

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

/// The registration panel on an event's page: tickets on offer, or the
/// viewer's registration.
#[derive(Serialize)]
pub struct RegistrationPanel {
    pub tickets: Vec<TicketOffer>,
    pub any_on_sale: bool,
    pub has_paid: bool,
    pub roles: Vec<RoleOption>,
    pub questions: Vec<QuestionField>,
    pub mine: Option<MyRegistration>,
    /// The viewer's place on the waitlist.
    pub waitlist_place: Option<usize>,
    pub full: bool,
    /// A hidden ticket type's secret code, when the page was opened with it.
    pub access_code: Option<String>,
}

#[derive(Serialize)]
pub struct TicketOffer {
    pub id: i32,
    pub name: String,
    pub description: String,
    /// "Free" or "$25.00".
    pub price: String,
    pub left: Option<i32>,
    pub on_sale: bool,
    /// Why it is not on sale, or "On sale".
    pub availability: &'static str,
    pub max_per_person: i32,
    pub several: bool,
    pub sold_out: bool,
    /// The ticket the form starts with: the first one on sale.
    pub preselected: bool,
}

#[derive(Serialize)]
pub struct RoleOption {
    pub id: i32,
    pub name: String,
}

#[derive(Serialize)]
pub struct QuestionField {
    pub id: i32,
    pub label: String,
    pub required: bool,
    pub is_text: bool,
    pub is_single: bool,
    pub is_multiple: bool,
    pub is_checkbox: bool,
    pub choices: Vec<QuestionChoice>,
}

#[derive(Serialize)]
pub struct QuestionChoice {
    pub index: usize,
    pub label: String,
}

#[derive(Serialize)]
pub struct MyRegistration {
    pub id: i32,
    pub status: RegistrationStatus,
    pub ticket: String,
    pub quantity: i32,
    pub is_held: bool,
    pub can_cancel: bool,
    pub cancel_until: When,
}

impl RegistrationPanel {
    /// `access` is the code of a hidden ticket type's secret link, if the
    /// visitor came with one: that type is offered to them too. `listed`:
    /// the event's ticket types, which the caller loaded for the page.
    pub async fn load(
        db: &DatabaseConnection,
        payments_configured: bool,
        event: &event::Model,
        viewer: Option<&user::Model>,
        access: &str,
        listed: Vec<ticket_type::Model>,
        zones: Zones,
    ) -> AppResult<RegistrationPanel> {
        let at = now();
        let mut tickets: Vec<TicketOffer> = listed
            .into_iter()
            .filter(|t| tickets::is_offered_to(t, access))
            .map(|t| {
                let availability = tickets::availability(&t, at, payments_configured);
                TicketOffer {
                    id: t.id,
                    price: tickets::format_price(t.price_minor, &t.currency),
                    left: t.capacity.map(|c| (c - t.taken).max(0)),
                    on_sale: availability == Availability::OnSale,
                    availability: availability.message(),
                    max_per_person: t.max_per_person,
                    several: t.max_per_person > 1,
                    sold_out: availability == Availability::SoldOut,
                    preselected: false,
                    name: t.name,
                    description: t.description,
                }
            })
            .collect();
        if let Some(first) = tickets.iter_mut().find(|t| t.on_sale) {
            first.preselected = true;
        }
        let roles = events::places::roles(db, event.id).await?.into_iter().map(|r| RoleOption { id: r.id, name: r.name }).collect();
        let questions = questions::list(db, event.id)
            .await?
            .iter()
            .map(|q| QuestionField {
                id: q.id,
                label: q.label.clone(),
                required: q.is_required,
                is_text: q.kind == QuestionKind::Text,
                is_single: q.kind == QuestionKind::Single,
                is_multiple: q.kind == QuestionKind::Multiple,
                is_checkbox: q.kind == QuestionKind::Checkbox,
                choices: questions::choices(q).iter().enumerate().map(|(index, c)| QuestionChoice { index, label: c.clone() }).collect(),
            })
            .collect();
        let mine = match viewer {
            Some(user) => registrations::live_registration(db, event.id, user.id).await?,
            None => None,
        };
        let waitlist_place = match viewer {
            Some(user) if mine.is_none() => waitlist::position(db, event.id, user.id).await?.map(|(place, _)| place),
            _ => None,
        };
        let mine = match mine {
            Some(found) => {
                let ticket = tickets::find(db, event.id, found.ticket_type_id).await?;
                let deadline = registrations::attendee_cancel_deadline(event);
                Some(MyRegistration {
                    id: found.id,
                    status: found.status,
                    ticket: ticket.name,
                    quantity: found.quantity,
                    is_held: found.status == RegistrationStatus::Held,
                    can_cancel: now() < deadline,
                    cancel_until: times::show(deadline, zones),
                })
            }
            None => None,
        };
        Ok(RegistrationPanel {
            any_on_sale: tickets.iter().any(|t| t.on_sale),
            has_paid: tickets.iter().any(|t| t.on_sale && t.price != "Free"),
            access_code: (!tickets.is_empty() && !access.is_empty()).then(|| access.to_owned()),
            tickets,
            roles,
            questions,
            mine,
            waitlist_place,
            full: event.capacity.is_some_and(|c| event.seats_taken >= c),
        })
    }
}

/// A registration's own page.
#[derive(Serialize)]
pub struct RegistrationPage {
    pub registration: RegistrationDetail,
    pub event: EventSummary,
    /// Confirmed: the badge is shown.
    pub badge: bool,
    pub is_owner: bool,
    /// The attendee's name, big on the ticket.
    pub holder: String,
    /// The state in the words people use: "You're going".
    pub headline: String,
    /// `good`, `warn` or `bad`, for the headline's colour.
    pub tone: &'static str,
    /// What cancelling does, said before it is done.
    pub cancel_consequence: String,
    pub history: Vec<HistoryLine>,
    pub zone_note: crate::web::views::frame::ZoneNote,
}

#[derive(Serialize)]
pub struct RegistrationDetail {
    pub id: i32,
    pub status: RegistrationStatus,
    pub ticket: String,
    pub quantity: i32,
    pub amount: String,
    pub hold_expires: Option<When>,
    pub is_held: bool,
    pub can_cancel: bool,
    /// What became of the refund, in words for the attendee.
    pub refund: Option<&'static str>,
}

#[derive(Serialize)]
pub struct HistoryLine {
    pub at: When,
    pub to: RegistrationStatus,
    pub reason: String,
}

impl RegistrationPage {
    pub async fn load(
        db: &DatabaseConnection,
        found: &registration::Model,
        event: &event::Model,
        is_owner: bool,
        zones: Zones,
    ) -> AppResult<RegistrationPage> {
        let ticket = tickets::find(db, event.id, found.ticket_type_id).await?;
        let holder = crate::domain::accounts::find_by_id(db, found.user_id).await?.map(|u| u.display_name).unwrap_or_default();
        let (headline, tone) = match (found.status, is_owner) {
            (RegistrationStatus::Confirmed, true) => ("You're going".to_owned(), "good"),
            (RegistrationStatus::Confirmed, false) => (format!("{holder} is going"), "good"),
            (RegistrationStatus::Held, true) => ("Your seat is held: pay to keep it".to_owned(), "warn"),
            (RegistrationStatus::Held, false) => (format!("A seat is held for {holder} while they pay"), "warn"),
            (RegistrationStatus::Cancelled, _) => ("Cancelled".to_owned(), "bad"),
            (RegistrationStatus::Expired, _) => ("The hold ran out before payment".to_owned(), "bad"),
        };
        let paid = found.amount_minor > 0;
        let cancel_consequence = format!(
            "Your {} is freed for someone else (people on the waitlist are offered it first){}. You can register again later only while seats are left.",
            if found.quantity > 1 { format!("{} seats", found.quantity) } else { "seat".to_owned() },
            if paid && found.status == RegistrationStatus::Confirmed {
                format!(", and the {} you paid is refunded to your card", tickets::format_price(found.amount_minor, &found.currency))
            } else {
                String::new()
            }
        );
        let history = registrations::changes(db, found.id)
            .await?
            .into_iter()
            .map(|c| HistoryLine { at: times::show(c.created_at, zones), to: c.to_status, reason: c.reason })
            .collect();
        Ok(RegistrationPage {
            registration: RegistrationDetail {
                id: found.id,
                status: found.status,
                ticket: ticket.name,
                quantity: found.quantity,
                amount: tickets::format_price(found.amount_minor, &found.currency),
                hold_expires: found.hold_expires_at.map(|t| times::show(t, zones)),
                is_held: found.status == RegistrationStatus::Held,
                can_cancel: is_owner && found.status.is_live() && now() < registrations::attendee_cancel_deadline(event),
                refund: found.refund_status.map(|refund| match refund {
                    RefundStatus::Pending => "Your refund is on its way: Stripe has not confirmed it yet, and it is retried automatically.",
                    RefundStatus::Refunded => "Refunded.",
                    RefundStatus::Failed => "Stripe refused the refund; the organizer has been shown this and refunds you by hand.",
                }),
            },
            event: events::summarize(event),
            badge: found.status == RegistrationStatus::Confirmed,
            is_owner,
            holder,
            headline,
            tone,
            cancel_consequence,
            history,
            zone_note: crate::web::views::frame::ZoneNote::new(zones),
        })
    }
}

/// The attendee list for the event's team: rows, filters, totals, check-in
/// numbers and (for organizers) open invitations.
#[derive(Serialize)]
pub struct AttendeesPage {
    pub event: EventSummary,
    /// The page's name in the team's navigation.
    pub team_page: &'static str,
    /// This page's registrations (`ATTENDEE_PAGE` at most).
    pub rows: Vec<AttendeeLine>,
    #[serde(flatten)]
    pub paging: Paging,
    pub summary: Vec<TicketSummary>,
    pub checkin: Stats,
    /// The registration questions, as the list's extra columns.
    pub questions: Vec<String>,
    pub is_organizer: bool,
    pub invitations: Vec<OpenInvitation>,
    /// Emails about the event that did not reach their recipient (organizers only).
    pub undelivered: Vec<UndeliveredEmailLine>,
    pub filter: AttendeeFilterView,
    /// The same filter for the CSV download.
    pub csv_query: String,
}

/// An email the mail server refused or has not taken yet, as the
/// organizer reads it.
#[derive(Serialize)]
pub struct UndeliveredEmailLine {
    pub to: String,
    pub subject: String,
    /// "Refused Tue 3 Mar, 10:42", "Gave up … after 8 attempts" or
    /// "Trying again Tue 3 Mar, 10:50 (2 attempts so far)".
    pub state: String,
    pub refused: bool,
    pub reason: String,
}

impl UndeliveredEmailLine {
    fn new(email: crate::domain::jobs::UndeliveredEmail, zones: Zones) -> UndeliveredEmailLine {
        let state = match email.failed_at {
            Some(at) if email.attempts >= crate::domain::jobs::MAX_ATTEMPTS => {
                format!("Gave up {} after {} attempts", times::show(at, zones).line(), email.attempts)
            }
            Some(at) => format!("Refused {}", times::show(at, zones).line()),
            None => format!(
                "Trying again {} ({} {} so far)",
                times::show(email.next_try, zones).line(),
                email.attempts,
                if email.attempts == 1 { "attempt" } else { "attempts" }
            ),
        };
        UndeliveredEmailLine { to: email.to, subject: email.subject, state, refused: email.failed_at.is_some(), reason: email.reason }
    }
}

#[derive(Serialize)]
pub struct AttendeeFilterView {
    pub q: Option<String>,
    pub tickets: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub statuses: Vec<StatusChoice>,
    pub checked_in_yes: bool,
    pub checked_in_no: bool,
}

#[derive(Serialize)]
pub struct StatusChoice {
    pub value: RegistrationStatus,
    pub selected: bool,
}

/// Registrations per page of the attendee list: a phone scrolls through a
/// page of cards, not through thousands.
pub const ATTENDEE_PAGE: usize = 25;

/// One registration as the attendee list shows it.
#[derive(Serialize)]
pub struct AttendeeLine {
    #[serde(flatten)]
    pub row: AttendeeRow,
    /// "08:41 New York time", with the day when it is not today there.
    pub checked_in: Option<String>,
}

impl AttendeeLine {
    pub fn new(row: AttendeeRow, zone: chrono_tz::Tz) -> AttendeeLine {
        AttendeeLine { checked_in: row.checked_in_at.map(|at| times::moment(at, zone)), row }
    }
}

impl AttendeesPage {
    /// Page `number` (from 1) of the registrations `chosen` finds.
    pub async fn load(
        db: &DatabaseConnection,
        event: &event::Model,
        is_organizer: bool,
        chosen: &AttendeeFilter,
        number: usize,
    ) -> AppResult<AttendeesPage> {
        let all = attendees::list(db, event, chosen).await?;
        let zone = events::zone_of(event);
        let ticket_types = tickets::list(db, event.id).await?;
        let roles = events::places::roles(db, event.id).await?;
        let statuses = [RegistrationStatus::Confirmed, RegistrationStatus::Held, RegistrationStatus::Cancelled, RegistrationStatus::Expired]
            .into_iter()
            .map(|value| StatusChoice { value, selected: chosen.status.as_deref() == Some(value.to_string().as_str()) })
            .collect();
        let csv_query = format!(
            "?q={}&ticket={}&status={}&role={}&checked_in={}",
            url::form_urlencoded::byte_serialize(chosen.search.as_deref().unwrap_or("").as_bytes()).collect::<String>(),
            chosen.ticket_type_id.map(|t| t.to_string()).unwrap_or_default(),
            chosen.status.as_deref().unwrap_or(""),
            chosen.role_id.map(|r| r.to_string()).unwrap_or_default(),
            match chosen.checked_in {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
        );
        let (rows, paging) = Paging::take(all, number, ATTENDEE_PAGE, |n| format!("/events/{}/manage/attendees{csv_query}&page={n}", event.slug));
        Ok(AttendeesPage {
            event: events::summarize(event),
            team_page: "Attendees",
            rows: rows.into_iter().map(|row| AttendeeLine::new(row, zone)).collect(),
            paging,
            summary: attendees::summary(db, event).await?,
            checkin: checkin::stats(db, event.id).await?,
            questions: questions::list(db, event.id).await?.into_iter().map(|q| q.label).collect(),
            is_organizer,
            invitations: if is_organizer { invitations::open_for_event(db, event, invitations::Kind::Ticket).await? } else { Vec::new() },
            undelivered: if is_organizer {
                let zones = Zones::of_event(zone);
                crate::domain::jobs::undelivered_emails(db, event.id, 50).await?.into_iter().map(|e| UndeliveredEmailLine::new(e, zones)).collect()
            } else {
                Vec::new()
            },
            filter: AttendeeFilterView {
                q: chosen.search.clone(),
                tickets: ticket_types.into_iter().map(|t| Choice { selected: Some(t.id) == chosen.ticket_type_id, id: t.id, name: t.name }).collect(),
                roles: Choice::roles(&roles, chosen.role_id),
                statuses,
                checked_in_yes: chosen.checked_in == Some(true),
                checked_in_no: chosen.checked_in == Some(false),
            },
            csv_query,
        })
    }
}

/// An invitation's page: what it offers, and accepting or declining it.
#[derive(Serialize)]
pub struct InvitationPage {
    pub event: EventSummary,
    /// What it offers, in words.
    pub offer: String,
    pub is_team: bool,
    pub inviter: String,
    pub email: String,
    pub token: String,
    pub is_open: bool,
    pub status: crate::db::entities::registration_invitation::InvitationStatus,
    pub registration_id: Option<i32>,
    pub logged_out: bool,
    /// The logged-in person is the one invited (same email).
    pub for_viewer: bool,
    pub for_someone_else: bool,
    /// This page's address, for the log-in link to come back to.
    pub next: String,
}

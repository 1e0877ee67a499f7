//! Badges: check-in at the door over the API, the page a scanned badge
//! opens, and the organizer's printing and offline-kit pages.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::accounts::PublicProfile;
use crate::domain::badges::keys::KeyListing;
use crate::domain::badges::prints::PrintView;
use crate::domain::events::EventSummary;
use crate::domain::registration::checkin::{DoorScan, Stats};
use crate::domain::times;
use crate::web::views::registration::AttendeeLine;
use crate::web::views::Choice;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// The badge token, or the whole `<base>/b/<token>` URL a camera read.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckIn {
    pub registration_id: Option<i32>,
    pub name: Option<String>,
    pub ticket: Option<String>,
    pub role: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_by: Option<String>,
    /// False when the badge had been scanned before (`checked_in_at` is then the first time).
    pub first_time: bool,
}

impl CheckIn {
    pub fn new(scan: DoorScan, first_time: bool) -> CheckIn {
        CheckIn {
            registration_id: scan.registration_id,
            name: scan.name,
            ticket: scan.ticket,
            role: scan.role,
            checked_in_at: scan.checked_in_at,
            checked_in_by: scan.checked_in_by,
            first_time,
        }
    }
}

/// What a scanned badge shows: to the event's team the check-in screen, to
/// another attendee a way to connect, to anyone else the public card; or
/// why the code is refused.
#[derive(Serialize, Default)]
pub struct ScannedPage {
    pub event: Option<EventSummary>,
    pub refused: Option<Refusal>,
    pub staff: Option<DoorCard>,
    pub connect: Option<ConnectCard>,
    pub card: Option<PublicCard>,
}

#[derive(Serialize)]
pub struct Refusal {
    pub title: String,
    pub detail: String,
}

#[derive(Serialize)]
pub struct DoorCard {
    pub registration_id: i32,
    pub name: String,
    pub ticket: String,
    pub role: Option<String>,
    pub checked_in_at: Option<String>,
    pub checked_in_by: Option<String>,
}

#[derive(Serialize)]
pub struct ConnectCard {
    pub token: String,
    pub name: String,
    pub user_id: i32,
    /// The holder shares on scan: connecting is immediate.
    pub instant: bool,
    pub can_ask: bool,
    pub connected: bool,
    pub pending: bool,
}

#[derive(Serialize)]
pub struct PublicCard {
    /// Only when the holder made their profile public.
    pub name: Option<String>,
    pub profile: Option<PublicProfile>,
}

/// The organizer's badges page: printing and the offline kit.
#[derive(Serialize)]
pub struct BadgesPage {
    pub event: EventSummary,
    pub confirmed: usize,
    pub tickets: Vec<NamedId>,
    pub roles: Vec<Choice>,
    pub prints: Vec<PrintView>,
    pub keys: Vec<KeyRow>,
}

/// An id and a name to choose from.
#[derive(Serialize)]
pub struct NamedId {
    pub id: i32,
    pub name: String,
}

#[derive(Serialize)]
pub struct KeyRow {
    pub id: i32,
    /// The public key's first characters, to tell keys apart.
    pub fingerprint: String,
    pub made: String,
    /// What the key does now, in words.
    pub state: &'static str,
    pub can_revoke: bool,
}

impl KeyRow {
    pub fn new(k: KeyListing, zone: Tz) -> KeyRow {
        let made = times::show(k.created_at, times::Zones::of_event(zone));
        KeyRow {
            id: k.id,
            fingerprint: k.public_key.chars().take(8).collect(),
            made: made.line(),
            state: match (k.is_signing, k.revoked_at.is_some(), k.derived) {
                (true, _, _) => "signs new badges",
                (_, true, _) => "revoked: its badges no longer scan",
                (_, false, true) => {
                    "the key of badges printed before keys were random (derived from the server's cookie key): revoke it once those badges are reprinted"
                }
                (_, false, false) => "older: its badges still scan",
            },
            can_revoke: k.can_revoke,
        }
    }
}

/// A print's progress page.
#[derive(Serialize)]
pub struct PrintPage {
    pub event: EventSummary,
    pub running: bool,
    /// The page reloads itself while the print runs.
    pub refresh_seconds: Option<u32>,
    pub print: PrintView,
}

/// The door: search attendees, scan badges, the live numbers.
#[derive(Serialize)]
pub struct DoorPage {
    pub event: EventSummary,
    /// The page's name in the team's navigation.
    pub team_page: &'static str,
    /// Organizers get the whole organizer navigation; other staff the door's.
    pub is_organizer: bool,
    pub stats: Stats,
    pub q: Option<String>,
    pub searched: bool,
    pub found: Vec<AttendeeLine>,
    /// The scan just made, and its colour on screen.
    pub scan: Option<DoorScan>,
    pub tone: Option<&'static str>,
    pub return_to: String,
}

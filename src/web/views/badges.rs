//! Check-in at the door over the API.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::registration::checkin::DoorScan;

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

//! What every page shows around its own content (the page title, who is
//! logged in, the form token, the flash message), the error page, and the
//! small JSON answers of the health checks and the webhook.

use serde::Serialize;

use crate::db::entities::user;
use crate::error::FieldError;

#[derive(Serialize)]
pub struct Frame<'a> {
    pub title: &'a str,
    pub csrf: &'a str,
    pub user: Option<FrameUser>,
    pub flash: Option<FlashView<'a>>,
    /// This page's address (path and query), for the navigation's
    /// `current` helper, and encoded for a `next=` parameter.
    pub here: &'a str,
    pub here_encoded: String,
    /// The copy kept for every logged-in visitor: the layout loads the
    /// script that fills in their own state (`personal.js`).
    pub for_members: bool,
}

/// Which zone a page's times are in, said beside them with a way to change
/// it; the layout also hands it to the page's script.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneNote {
    /// The zone the times are shown in, e.g. "Europe/Berlin".
    pub zone: String,
    pub city: String,
    pub source: crate::domain::times::ZoneSource,
    pub event_zone: String,
    pub event_city: String,
    /// The page lists several events' times, each on its own clock.
    pub each_event: bool,
}

impl ZoneNote {
    pub fn new(zones: crate::domain::times::Zones) -> ZoneNote {
        use crate::domain::times::city;
        ZoneNote {
            zone: zones.viewer.name().to_owned(),
            city: city(zones.viewer),
            source: zones.source,
            event_zone: zones.event.name().to_owned(),
            event_city: city(zones.event),
            each_event: false,
        }
    }
}

/// The logged-in person, for the header.
#[derive(Serialize)]
pub struct FrameUser {
    pub id: i32,
    pub display_name: String,
    pub email: String,
    pub is_site_admin: bool,
}

impl FrameUser {
    /// Stands for whoever is logged in, in the copy kept for all of them;
    /// their script puts their name in its place.
    pub fn member() -> FrameUser {
        FrameUser { id: 0, display_name: "Your account".into(), email: String::new(), is_site_admin: false }
    }
}

impl From<&user::Model> for FrameUser {
    fn from(u: &user::Model) -> FrameUser {
        FrameUser { id: u.id, display_name: u.display_name.clone(), email: u.email.clone(), is_site_admin: u.is_site_admin }
    }
}

/// A message carried across a redirect: `success` or `error`.
#[derive(Serialize)]
pub struct FlashView<'a> {
    pub kind: &'a str,
    pub message: &'a str,
}

/// The error page for browsers.
#[derive(Serialize)]
pub struct ErrorPage {
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub field_errors: Vec<FieldError>,
    pub user: Option<FrameUser>,
}

/// `/healthz` and `/readyz`.
#[derive(Serialize)]
pub struct Health {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

/// What Stripe is told about a webhook it sent.
#[derive(Serialize)]
pub struct WebhookAck {
    pub received: bool,
    /// An event already handled (Stripe sends some more than once).
    pub duplicate: bool,
}

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
}

/// The logged-in person, for the header.
#[derive(Serialize)]
pub struct FrameUser {
    pub id: i32,
    pub display_name: String,
    pub email: String,
    pub is_site_admin: bool,
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

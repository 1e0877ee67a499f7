//! HTTP only: guards, fairings, HTML pages and the JSON API. Handlers parse,
//! call one domain function and render; the rules live in `crate::domain`.

pub mod api;
pub mod catchers;
pub mod conditional;
pub mod csrf;
pub mod errors;
pub mod event_guards;
pub mod fairings;
pub mod guards;
pub mod jobs;
pub mod ops;
pub mod pages;
pub mod render;
pub mod webhooks;

use sea_orm::DatabaseConnection;

use crate::config::Config;

/// What every handler may reach through `&State<AppState>`. Nothing here is
/// per-process state that matters: instances are interchangeable.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Config,
    /// Rendered schedule exports, per event revision.
    pub exports: crate::domain::schedule::exports::ExportCache,
    /// Runs queued work (emails, badge PDFs) through the job table.
    pub jobs: crate::domain::jobs::Worker,
    /// Live chat rooms' fan-out to open pages.
    pub chat: std::sync::Arc<crate::domain::chats::room::hub::ChatHub>,
}

impl AppState {
    /// A seat of this ticket type came free: offer it to the waitlist and
    /// tell whoever gets it.
    pub async fn seat_freed(&self, ticket_type_id: i32) {
        match crate::domain::registration::waitlist::offer_free_seats(&self.db, ticket_type_id, crate::domain::now()).await {
            Ok(offers) => self.send_offers(offers).await,
            Err(error) => tracing::error!(%error, "offering a freed seat failed"),
        }
    }

    pub async fn send_offers(&self, offers: Vec<crate::db::entities::registration::Model>) {
        for offer in offers {
            self.notify(crate::domain::registration::notify::waitlist_offer(&self.db, &self.config.base_url, &offer).await).await;
        }
    }

    /// Sends a notification built from the database; a failure to build it
    /// is logged and does not undo what it reports, a failure to send it is
    /// retried by the job queue.
    pub async fn notify(&self, mail: crate::error::AppResult<crate::domain::mail::Mail>) {
        let queued = match mail {
            Ok(mail) => self.jobs.submit(crate::domain::jobs::Job::Email(mail)).await,
            Err(error) => Err(error),
        };
        if let Err(error) = queued {
            tracing::error!(%error, "email not queued");
        }
    }
}

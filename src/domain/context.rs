//! What a use case needs besides what the person asked for: the database,
//! the job queue that sends its emails, the site's address for the links in
//! them, and the payment settings. The web layer lends one per request from
//! its state; a test or the command line builds one without HTTP.

use sea_orm::DatabaseConnection;

use crate::config::StripeConfig;
use crate::domain::jobs::{Job, Worker};
use crate::domain::mail::Mail;
use crate::error::AppResult;

#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub db: &'a DatabaseConnection,
    pub jobs: &'a Worker,
    /// The site's public address, for links in emails and calendar files.
    pub base_url: &'a str,
    /// `None` when payments are not configured.
    pub stripe: Option<&'a StripeConfig>,
}

impl Context<'_> {
    /// Sends a notification built from the database; a failure to build it
    /// is logged and does not undo what it reports, a failure to send it is
    /// retried by the job queue.
    pub async fn notify(&self, mail: AppResult<Mail>) {
        let queued = match mail {
            Ok(mail) => self.jobs.submit(Job::Email(mail)).await,
            Err(error) => Err(error),
        };
        if let Err(error) = queued {
            tracing::error!(%error, "email not queued");
        }
    }
}

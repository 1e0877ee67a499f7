//! Outgoing email: through SMTP when `TRIBE_SMTP_URL` is set, otherwise
//! written to the outbox folder (one `.eml` file per message) and logged, so
//! that nothing is lost on a machine without a mail relay.

use std::path::PathBuf;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;
use crate::error::{AppError, AppResult};

/// A message to send. It waits in the job queue as JSON.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Mail {
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub text: String,
    /// A calendar file to attach: (file name, content).
    pub calendar: Option<(String, String)>,
    /// The event it is about, if any: its organizers see it when the mail
    /// server refuses it. (Absent in messages queued before it existed.)
    #[serde(default)]
    pub event_id: Option<i32>,
}

/// Why a message did not go out.
#[derive(Debug, Clone)]
pub struct MailFailure {
    /// The mail server refused it for good (5xx: no such mailbox, policy),
    /// or the message cannot be made (a malformed address): trying again
    /// changes nothing. Otherwise (4xx, no connection) it is worth a retry.
    pub permanent: bool,
    pub reason: String,
}

impl std::fmt::Display for MailFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Whether the mail server refused the recipient for good: a 5xx whose
/// enhanced status says the address or the mailbox (5.1.x, 5.2.x: "550
/// 5.1.1 No such user"), or, from a server without enhanced codes, 550,
/// 551 or 553. Any other 5xx (535 authentication, 530 TLS required, a
/// sender the relay rejects: 5.7.x) is the relay's set-up, the same for
/// every message: those are retried, so that fixing the relay delivers
/// what waited.
fn refused_for_good(error: &lettre::transport::smtp::Error) -> bool {
    if !error.is_permanent() {
        return false;
    }
    let text = error.to_string();
    let after_code = text.split_once("): ").map(|(_, rest)| rest.trim_start()).unwrap_or("");
    let enhanced = after_code.split_whitespace().next().filter(|word| word.starts_with("5.") && word.matches('.').count() == 2);
    match enhanced {
        Some(code) => code.starts_with("5.1.") || code.starts_with("5.2."),
        None => error.status().is_some_and(|code| matches!(code.to_string().as_str(), "550" | "551" | "553")),
    }
}

pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Outbox { dir: PathBuf, from: Mailbox },
}

impl Mailer {
    pub fn from_config(config: &MailConfig) -> AppResult<Mailer> {
        let from: Mailbox = config.from.parse().map_err(|e| AppError::Internal(format!("TRIBE_MAIL_FROM: {e}")))?;
        Ok(match &config.smtp_url {
            Some(url) => Mailer::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| AppError::Internal(format!("TRIBE_SMTP_URL: {e}")))?
                    .build(),
                from,
            },
            None => Mailer::Outbox { dir: config.outbox_dir.clone(), from },
        })
    }

    fn build(from: &Mailbox, mail: &Mail) -> Result<Message, MailFailure> {
        Self::message(from, mail).map_err(|e| MailFailure { permanent: true, reason: e.to_string() })
    }

    fn message(from: &Mailbox, mail: &Mail) -> AppResult<Message> {
        let to = Mailbox::new(
            (!mail.to_name.is_empty()).then(|| mail.to_name.clone()),
            mail.to_email.parse().map_err(|e| AppError::Internal(format!("bad recipient address: {e}")))?,
        );
        // lettre adds a Date but no Message-ID; without one, mail servers
        // make their own (or spam filters count it against the message).
        // It names the sender's domain, as RFC 5322 suggests.
        let message_id = format!("<{}@{}>", crate::domain::secrets::random_token(18), from.email.domain());
        let builder = Message::builder().from(from.clone()).to(to).subject(mail.subject.clone()).message_id(Some(message_id));
        let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone());
        let message = match &mail.calendar {
            Some((name, ics)) => {
                let calendar_type =
                    ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH").map_err(|e| AppError::Internal(e.to_string()))?;
                // Base64 keeps the file byte for byte (CRLF line ends included) through any relay.
                let body = Body::new_with_encoding(ics.clone().into_bytes(), ContentTransferEncoding::Base64)
                    .map_err(|_| AppError::Internal("cannot encode the calendar attachment".into()))?;
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(Attachment::new(name.clone()).body(body, calendar_type)))
            }
            None => builder.singlepart(text),
        };
        message.map_err(|e| AppError::Internal(format!("cannot build the email: {e}")))
    }

    /// Sends (or files) one message. Callers treat a failure as something to
    /// log or queue, not to undo what the mail reports.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailFailure> {
        match self {
            Mailer::Smtp { transport, from } => {
                transport
                    .send(Self::build(from, mail)?)
                    .await
                    .map_err(|e| MailFailure { permanent: refused_for_good(&e), reason: format!("SMTP: {e}") })?;
                tracing::info!(to = %mail.to_email, subject = %mail.subject, "email sent");
            }
            Mailer::Outbox { dir, from } => {
                let message = Self::build(from, mail)?;
                let failed =
                    |path: &std::path::Path, e: std::io::Error| MailFailure { permanent: false, reason: format!("outbox {}: {e}", path.display()) };
                tokio::fs::create_dir_all(dir).await.map_err(|e| failed(dir, e))?;
                let name = format!("{}-{}.eml", chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"), crate::domain::secrets::random_token(6));
                let path = dir.join(name);
                tokio::fs::write(&path, message.formatted()).await.map_err(|e| failed(&path, e))?;
                tracing::info!(to = %mail.to_email, subject = %mail.subject, file = %path.display(), "email written to the outbox");
            }
        }
        Ok(())
    }
}

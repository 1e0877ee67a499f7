//! The job queue: work that outlives the request that asked for it (emails
//! that could not be sent at once, badge PDFs). A job is a row; whichever instance takes it first holds a
//! lease (`locked_until`) while it works. Taking uses `SELECT … FOR UPDATE
//! SKIP LOCKED` on PostgreSQL, so instances polling together pick different
//! rows instead of queueing behind each other, and every take is also a
//! conditional update (still unleased, not done), which alone makes it
//! exactly-once on SQLite, where the clause does not exist. A job whose
//! instance died is taken again when its lease runs out; a failing job is
//! retried with growing pauses and given up after `MAX_ATTEMPTS`.
//!
//! The queue sends emails itself (mail is infrastructure below it); every
//! other kind of work is run by a handler registered at start-up by the area
//! that owns it, so the queue imports nothing it runs.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::db::entities::job;
use crate::domain::mail::{Mail, MailFailure, Mailer};
use crate::error::AppResult;

/// After this many failed attempts a job is marked failed and left alone.
pub const MAX_ATTEMPTS: i32 = 8;

/// Done jobs are kept this long (to look into what was sent), then deleted.
const KEEP_DONE_DAYS: i64 = 14;

/// One piece of work.
#[derive(Debug, Clone)]
pub enum Job {
    Email(Mail),
    BadgePrint { print_id: i32 },
}

#[derive(serde::Serialize, serde::Deserialize)]
struct BadgePrintPayload {
    print_id: i32,
}

impl Job {
    /// The event the job is about, for its organizers.
    fn event_id(&self) -> Option<i32> {
        match self {
            Job::Email(mail) => mail.event_id,
            Job::BadgePrint { .. } => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Job::Email(_) => "email",
            Job::BadgePrint { .. } => "badge_print",
        }
    }

    fn payload(&self) -> String {
        match self {
            Job::Email(mail) => serde_json::to_string(mail),
            Job::BadgePrint { print_id } => serde_json::to_string(&BadgePrintPayload { print_id: *print_id }),
        }
        .expect("a job serializes")
    }

    fn decode(row: &job::Model) -> Result<Job, String> {
        match row.kind.as_str() {
            "email" => serde_json::from_str(&row.payload).map(Job::Email).map_err(|e| format!("bad email payload: {e}")),
            "badge_print" => serde_json::from_str::<BadgePrintPayload>(&row.payload)
                .map(|p| Job::BadgePrint { print_id: p.print_id })
                .map_err(|e| format!("bad badge print payload: {e}")),
            other => Err(format!("unknown job kind {other:?}")),
        }
    }

    /// How long a lease lasts. A badge print renews its lease after every
    /// sheet, so this is the longest one sheet (or one email) may take.
    fn lease(kind: &str) -> Duration {
        match kind {
            "badge_print" => Duration::seconds(90),
            _ => Duration::minutes(2),
        }
    }
}

/// Puts a job in the queue, due at `at`. Returns its id.
pub async fn enqueue<C: ConnectionTrait>(db: &C, job: &Job, at: DateTime<Utc>) -> AppResult<i32> {
    insert(db, job, at, at, 0, None).await
}

/// How a job went wrong: worth another attempt, or not.
#[derive(Debug, Clone)]
pub struct Failure {
    pub reason: String,
    /// Trying again changes nothing (the mail server refused the address):
    /// failed at once.
    pub for_good: bool,
}

impl From<MailFailure> for Failure {
    fn from(failure: MailFailure) -> Failure {
        Failure { reason: failure.reason, for_good: failure.permanent }
    }
}

/// A new row: due at `run_at`, or (with a failure that is for good)
/// failed already.
async fn insert<C: ConnectionTrait>(
    db: &C,
    job: &Job,
    created_at: DateTime<Utc>,
    run_at: DateTime<Utc>,
    attempts: i32,
    failure: Option<Failure>,
) -> AppResult<i32> {
    let failed_at = failure.as_ref().filter(|f| f.for_good).map(|_| created_at);
    let row = job::ActiveModel {
        kind: Set(job.kind().to_owned()),
        payload: Set(job.payload()),
        run_at: Set(run_at),
        attempts: Set(attempts),
        locked_until: Set(None),
        locked_by: Set(String::new()),
        done_at: Set(None),
        failed_at: Set(failed_at),
        last_error: Set(failure.map(|f| f.reason).unwrap_or_default()),
        created_at: Set(created_at),
        event_id: Set(job.event_id()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// A job taken by one worker: only that worker may renew or finish it.
#[derive(Debug, Clone)]
pub struct Lease {
    pub job: job::Model,
    pub worker: String,
}

impl Lease {
    /// Extends the lease for long work; false when it was lost (another
    /// worker took the job after the lease ran out).
    pub async fn renew(&self, db: &DatabaseConnection, at: DateTime<Utc>) -> AppResult<bool> {
        let renewed = job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(at + Job::lease(&self.job.kind)))
            .filter(job::Column::Id.eq(self.job.id))
            .filter(job::Column::LockedBy.eq(self.worker.as_str()))
            .filter(job::Column::Attempts.eq(self.job.attempts))
            .filter(job::Column::DoneAt.is_null())
            .exec(db)
            .await?;
        Ok(renewed.rows_affected == 1)
    }
}

fn due(at: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(job::Column::DoneAt.is_null())
        .add(job::Column::FailedAt.is_null())
        .add(job::Column::RunAt.lte(at))
        .add(sea_orm::Condition::any().add(job::Column::LockedUntil.is_null()).add(job::Column::LockedUntil.lt(at)))
}

/// Leases the row if it is still due and unleased. The update's condition
/// is what makes a take exactly-once whatever the database.
async fn take<C: ConnectionTrait>(db: &C, row: job::Model, worker: &str, at: DateTime<Utc>) -> AppResult<Option<Lease>> {
    let attempts = row.attempts + 1;
    let taken = job::Entity::update_many()
        .col_expr(job::Column::LockedUntil, Expr::value(at + Job::lease(&row.kind)))
        .col_expr(job::Column::LockedBy, Expr::value(worker))
        .col_expr(job::Column::Attempts, Expr::value(attempts))
        .filter(job::Column::Id.eq(row.id))
        .filter(job::Column::Attempts.eq(row.attempts))
        .filter(due(at))
        .exec(db)
        .await?;
    Ok((taken.rows_affected == 1).then(|| Lease { job: job::Model { attempts, ..row }, worker: worker.to_owned() }))
}

/// Leases up to `limit` due jobs, oldest first.
pub async fn take_due(db: &DatabaseConnection, worker: &str, at: DateTime<Utc>, limit: u64) -> AppResult<Vec<Lease>> {
    let txn = crate::db::begin(db).await?;
    let candidates = job::Entity::find()
        .filter(due(at))
        .order_by_asc(job::Column::RunAt)
        .order_by_asc(job::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    let mut leases = Vec::with_capacity(candidates.len());
    for row in candidates {
        if let Some(lease) = take(&txn, row, worker, at).await? {
            leases.push(lease);
        }
    }
    txn.commit().await?;
    Ok(leases)
}

/// Leases one job by id, if it is due and nobody holds it.
pub async fn take_one(db: &DatabaseConnection, id: i32, worker: &str, at: DateTime<Utc>) -> AppResult<Option<Lease>> {
    let Some(row) = job::Entity::find_by_id(id).filter(due(at)).one(db).await? else { return Ok(None) };
    take(db, row, worker, at).await
}

/// Records how the leased job went: done, or due again after a pause that
/// grows with each attempt, or failed for good (after `MAX_ATTEMPTS`).
pub async fn finish(db: &DatabaseConnection, lease: &Lease, outcome: Result<(), String>, at: DateTime<Utc>) -> AppResult<()> {
    record(db, lease, outcome.map_err(|reason| Failure { reason, for_good: false }), at).await
}

/// `finish`, for a failure that may be final at once.
async fn record(db: &DatabaseConnection, lease: &Lease, outcome: Result<(), Failure>, at: DateTime<Utc>) -> AppResult<()> {
    let update = job::Entity::update_many()
        .filter(job::Column::Id.eq(lease.job.id))
        .filter(job::Column::LockedBy.eq(lease.worker.as_str()))
        .filter(job::Column::Attempts.eq(lease.job.attempts))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None));
    let update = match outcome {
        Ok(()) => update.col_expr(job::Column::DoneAt, Expr::value(at)),
        Err(Failure { reason: error, for_good }) if for_good || lease.job.attempts >= MAX_ATTEMPTS => {
            tracing::error!(job = lease.job.id, kind = %lease.job.kind, %error, "job failed for good");
            update.col_expr(job::Column::FailedAt, Expr::value(at)).col_expr(job::Column::LastError, Expr::value(error))
        }
        Err(Failure { reason: error, .. }) => {
            let pause = retry_pause(lease.job.attempts);
            tracing::warn!(job = lease.job.id, kind = %lease.job.kind, %error, retry_in_s = pause.num_seconds(), "job failed; will retry");
            update.col_expr(job::Column::RunAt, Expr::value(at + pause)).col_expr(job::Column::LastError, Expr::value(error))
        }
    };
    update.exec(db).await?;
    Ok(())
}

/// 30 s, 2 min, 8 min, … capped at 6 hours.
pub fn retry_pause(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 10) as u32 - 1;
    Duration::seconds(30 * 4_i64.pow(exponent)).min(Duration::hours(6))
}

/// Deletes done jobs older than the keeping period.
pub async fn prune(db: &DatabaseConnection, at: DateTime<Utc>) -> AppResult<u64> {
    let deleted = job::Entity::delete_many().filter(job::Column::DoneAt.lt(at - Duration::days(KEEP_DONE_DAYS))).exec(db).await?;
    Ok(deleted.rows_affected)
}

/// How many jobs wait, are done or failed (the tests read it; an operator can too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueCounts {
    pub waiting: u64,
    pub done: u64,
    pub failed: u64,
}

pub async fn counts(db: &DatabaseConnection) -> AppResult<QueueCounts> {
    use sea_orm::PaginatorTrait;
    Ok(QueueCounts {
        waiting: job::Entity::find().filter(job::Column::DoneAt.is_null()).filter(job::Column::FailedAt.is_null()).count(db).await?,
        done: job::Entity::find().filter(job::Column::DoneAt.is_not_null()).count(db).await?,
        failed: job::Entity::find().filter(job::Column::FailedAt.is_not_null()).count(db).await?,
    })
}

/// An email about an event that has not reached its recipient.
#[derive(Debug, Clone)]
pub struct UndeliveredEmail {
    pub to: String,
    pub subject: String,
    /// What the mail server (or the outbox) said last.
    pub reason: String,
    pub attempts: i32,
    /// Given up (the address refused, or the last attempt failed): when.
    pub failed_at: Option<DateTime<Utc>>,
    /// Otherwise, when it is tried again.
    pub next_try: DateTime<Utc>,
}

/// The event's emails the mail server refused for good or has not taken
/// yet (a 4xx, no connection), newest first; at most `limit`.
pub async fn undelivered_emails(db: &DatabaseConnection, event_id: i32, limit: u64) -> AppResult<Vec<UndeliveredEmail>> {
    let rows = job::Entity::find()
        .filter(job::Column::EventId.eq(event_id))
        .filter(job::Column::Kind.eq("email"))
        .filter(job::Column::DoneAt.is_null())
        .filter(job::Column::LastError.ne(""))
        .order_by_desc(job::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| match Job::decode(&row) {
            Ok(Job::Email(mail)) => Some(UndeliveredEmail {
                to: mail.to_email,
                subject: mail.subject,
                reason: row.last_error,
                attempts: row.attempts,
                failed_at: row.failed_at,
                next_try: row.run_at,
            }),
            _ => None,
        })
        .collect())
}

/// Runs one kind of queued work other than email. A handler records its
/// own failures where people see them (a print's error column); what it
/// returns only decides whether the queue retries.
pub trait JobHandler: Send + Sync {
    fn run<'a>(&'a self, db: &'a DatabaseConnection, job: &'a Job, lease: &'a Lease)
        -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// What running a job needs; one per instance.
#[derive(Clone)]
pub struct Worker {
    pub db: DatabaseConnection,
    pub mailer: Arc<Mailer>,
    /// This instance in the `locked_by` column: host name and process id.
    pub name: String,
    handlers: Arc<HashMap<&'static str, Arc<dyn JobHandler>>>,
}

impl Worker {
    pub fn new(db: DatabaseConnection, mailer: Arc<Mailer>, name: String) -> Worker {
        Worker { db, mailer, name, handlers: Arc::default() }
    }

    /// Adds the handler for one kind of job (`Job::kind`); done at start-up,
    /// before the worker is shared.
    pub fn with_handler(mut self, kind: &'static str, handler: impl JobHandler + 'static) -> Worker {
        Arc::make_mut(&mut self.handlers).insert(kind, Arc::new(handler));
        self
    }

    pub fn instance_name() -> String {
        let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_default();
        format!("{}:{}", if host.is_empty() { "tribe" } else { &host }, std::process::id())
    }

    /// Runs a job for the request that caused it. An email is sent at once
    /// and only one that could not be sent waits in the queue for a retry
    /// (queueing every email first cost three more writes per registration:
    /// half of SQLite's registrations per second). A badge print is queued
    /// and started here in the background; if this instance dies, another
    /// takes it when its lease runs out.
    pub async fn submit(&self, job: Job) -> AppResult<()> {
        match job {
            Job::Email(mail) => {
                if let Err(failure) = self.mailer.send(&mail).await {
                    let at = crate::domain::now();
                    if failure.permanent {
                        tracing::error!(%failure, to = %mail.to_email, "email refused for good; recorded for the organizers");
                    } else {
                        tracing::warn!(%failure, to = %mail.to_email, "email not sent; queued for a retry");
                    }
                    insert(&self.db, &Job::Email(mail), at, at + retry_pause(1), 1, Some(failure.into())).await?;
                }
            }
            job @ Job::BadgePrint { .. } => {
                let id = enqueue(&self.db, &job, crate::domain::now()).await?;
                let worker = self.clone();
                tokio::spawn(async move {
                    match take_one(&worker.db, id, &worker.name, crate::domain::now()).await {
                        Ok(Some(lease)) => worker.run(lease).await,
                        Ok(None) => {}
                        Err(error) => tracing::error!(%error, job = id, "taking a job failed"),
                    }
                });
            }
        }
        Ok(())
    }

    /// Takes and runs every due job; returns how many ran.
    pub async fn run_due(&self) -> AppResult<usize> {
        let mut ran = 0;
        loop {
            let leases = take_due(&self.db, &self.name, crate::domain::now(), 20).await?;
            if leases.is_empty() {
                return Ok(ran);
            }
            ran += leases.len();
            for lease in leases {
                self.run(lease).await;
            }
        }
    }

    async fn run(&self, lease: Lease) {
        let outcome = match Job::decode(&lease.job) {
            Ok(Job::Email(mail)) => self.mailer.send(&mail).await.map_err(Failure::from),
            Ok(job) => match self.handlers.get(job.kind()) {
                Some(handler) => handler.run(&self.db, &job, &lease).await.map_err(|reason| Failure { reason, for_good: false }),
                None => Err(Failure { reason: format!("no handler for {} jobs on this instance", job.kind()), for_good: false }),
            },
            Err(reason) => Err(Failure { reason, for_good: false }),
        };
        if let Err(error) = record(&self.db, &lease, outcome, crate::domain::now()).await {
            tracing::error!(%error, job = lease.job.id, "recording a job's outcome failed");
        }
    }
}

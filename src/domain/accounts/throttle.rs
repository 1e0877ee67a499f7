//! Login throttling, shared by every instance through the database: attempts
//! per client IP, and failures per account, each within a sliding window.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Set, Statement,
};

use crate::config::LoginThrottle;
use crate::db::entities::login_attempt;
use crate::domain::now;
use crate::error::{AppError, AppResult};

fn ip_key(ip: Option<std::net::IpAddr>) -> String {
    match ip {
        Some(ip) => format!("ip:{ip}"),
        None => "ip:unknown".to_owned(),
    }
}

fn account_key(email: &str) -> String {
    format!("account:{}", crate::domain::accounts::normalize_email(email))
}

fn since(window: Duration) -> chrono::DateTime<Utc> {
    now() - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::minutes(15))
}

/// An attempt that the limits let through, recorded as failed until the
/// password proves right (see [`succeeded`]).
pub struct Attempt {
    ids: Vec<i32>,
    email: String,
}

/// Records an attempt and decides in one step: refused with 429 when this
/// address or this account has had too many tries. Recording first and
/// counting after, with concurrent attempts for the same keys taken one at
/// a time (SQLite's write gate; a PostgreSQL advisory lock per key), makes
/// the limit exact: a hundred parallel guesses get exactly the limit's
/// worth of password checks. A refused attempt leaves no row, as before.
pub async fn attempt(db: &DatabaseConnection, limits: &LoginThrottle, ip: Option<std::net::IpAddr>, email: &str) -> AppResult<Attempt> {
    let keys = [account_key(email), ip_key(ip)];
    let txn = crate::db::begin(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Always in the same order (account, then address): no deadlocks.
        for key in &keys {
            txn.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_advisory_xact_lock(hashtext($1))", [key.clone().into()]))
                .await?;
        }
    }
    let at = now();
    let mut ids = Vec::new();
    for key in &keys {
        let row = login_attempt::ActiveModel { throttle_key: Set(key.clone()), attempted_at: Set(at), succeeded: Set(false), ..Default::default() }
            .insert(&txn)
            .await?;
        ids.push(row.id);
    }
    let from_ip = login_attempt::Entity::find()
        .filter(login_attempt::Column::ThrottleKey.eq(&keys[1]))
        .filter(login_attempt::Column::AttemptedAt.gt(since(limits.ip_window)))
        .count(&txn)
        .await?;
    if from_ip > u64::from(limits.max_per_ip) {
        txn.rollback().await?;
        return Err(AppError::RateLimited { retry_after_secs: limits.ip_window.as_secs() });
    }
    let failures = login_attempt::Entity::find()
        .filter(login_attempt::Column::ThrottleKey.eq(&keys[0]))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::AttemptedAt.gt(since(limits.account_window)))
        .count(&txn)
        .await?;
    if failures > u64::from(limits.max_failures_per_account) {
        txn.rollback().await?;
        return Err(AppError::RateLimited { retry_after_secs: limits.account_window.as_secs() });
    }
    // Old rows are useless; dropping them here keeps the table small without a job.
    let horizon = since(limits.ip_window.max(limits.account_window));
    login_attempt::Entity::delete_many().filter(login_attempt::Column::AttemptedAt.lt(horizon)).exec(&txn).await?;
    txn.commit().await?;
    Ok(Attempt { ids, email: email.to_owned() })
}

/// The password was right: the attempt counts as a success, and the
/// account's failures are forgotten, so that a person who finally
/// remembers their password is not locked out later.
pub async fn succeeded(db: &DatabaseConnection, attempt: Attempt) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    login_attempt::Entity::update_many()
        .col_expr(login_attempt::Column::Succeeded, sea_orm::sea_query::Expr::value(true))
        .filter(login_attempt::Column::Id.is_in(attempt.ids))
        .exec(&txn)
        .await?;
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::ThrottleKey.eq(account_key(&attempt.email)))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Runs a password check under the account's limit (and the address's):
/// the attempt counts as a failure unless `check` succeeds. Guards every
/// place a password is checked, so a stolen session cannot guess the
/// current password on the password form either.
pub async fn guarded<T>(
    db: &DatabaseConnection,
    limits: &LoginThrottle,
    ip: Option<std::net::IpAddr>,
    email: &str,
    check: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    let attempt = attempt(db, limits, ip, email).await?;
    let result = check.await;
    if result.is_ok() {
        succeeded(db, attempt).await?;
    }
    result
}

/// Checks a password under the throttle: `Ok(None)` for a wrong one,
/// `Err(RateLimited)` when there were too many tries.
pub async fn authenticate(
    db: &DatabaseConnection,
    limits: &LoginThrottle,
    ip: Option<std::net::IpAddr>,
    email: &str,
    password: &str,
) -> AppResult<Option<crate::db::entities::user::Model>> {
    let attempt = attempt(db, limits, ip, email).await?;
    let account = crate::domain::accounts::authenticate(db, email, password).await?;
    if account.is_some() {
        succeeded(db, attempt).await?;
    }
    Ok(account)
}

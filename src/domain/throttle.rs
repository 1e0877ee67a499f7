//! Login throttling, shared by every instance through the database: attempts
//! per client IP, and failures per account, each within a sliding window.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

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

/// Refuses with 429 when this IP or this account has had too many tries.
pub async fn check(db: &DatabaseConnection, limits: &LoginThrottle, ip: Option<std::net::IpAddr>, email: &str) -> AppResult<()> {
    let from_ip = login_attempt::Entity::find()
        .filter(login_attempt::Column::ThrottleKey.eq(ip_key(ip)))
        .filter(login_attempt::Column::AttemptedAt.gt(since(limits.ip_window)))
        .count(db)
        .await?;
    if from_ip >= u64::from(limits.max_per_ip) {
        return Err(AppError::RateLimited { retry_after_secs: limits.ip_window.as_secs() });
    }
    let failures = login_attempt::Entity::find()
        .filter(login_attempt::Column::ThrottleKey.eq(account_key(email)))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::AttemptedAt.gt(since(limits.account_window)))
        .count(db)
        .await?;
    if failures >= u64::from(limits.max_failures_per_account) {
        return Err(AppError::RateLimited { retry_after_secs: limits.account_window.as_secs() });
    }
    Ok(())
}

/// Records an attempt under both keys. A success clears the account's failures,
/// so that a person who finally remembers their password is not locked out later.
pub async fn record(db: &DatabaseConnection, limits: &LoginThrottle, ip: Option<std::net::IpAddr>, email: &str, succeeded: bool) -> AppResult<()> {
    let at = now();
    for key in [ip_key(ip), account_key(email)] {
        login_attempt::ActiveModel { throttle_key: Set(key), attempted_at: Set(at), succeeded: Set(succeeded), ..Default::default() }
            .insert(db)
            .await?;
    }
    if succeeded {
        login_attempt::Entity::delete_many().filter(login_attempt::Column::ThrottleKey.eq(account_key(email))).exec(db).await?;
    }
    // Old rows are useless; dropping them here keeps the table small without a job.
    let horizon = since(limits.ip_window.max(limits.account_window));
    login_attempt::Entity::delete_many().filter(login_attempt::Column::AttemptedAt.lt(horizon)).exec(db).await?;
    Ok(())
}

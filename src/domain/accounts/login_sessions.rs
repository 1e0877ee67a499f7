//! Log-in sessions kept on the server, as OWASP ASVS asks (V3 in 4.0, V7 in
//! 5.0): the browser's cookie carries a random token, and the session is
//! the row its SHA-256 names. Logging out deletes the row, so a copy of the
//! cookie taken before stops working too; a password change or reset ends
//! every session of the account; people see their sessions (device, last
//! seen) and end any of them. Each session has an idle timeout and an
//! absolute one (`SessionTimeouts`).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::config::SessionTimeouts;
use crate::db::entities::{login_session, user};
use crate::domain::now;
use crate::domain::secrets::{hash_token, random_token};
use crate::error::{AppError, AppResult};

/// `last_seen_at` moves on at most this often, so that reading pages is not
/// a write per request.
const TOUCH_EVERY_SECS: i64 = 60;

/// Where a log-in came from, as the account page shows it.
#[derive(Debug, Clone, Default)]
pub struct Device {
    pub user_agent: String,
    pub ip: Option<std::net::IpAddr>,
}

/// A session that is still valid, and whose account it is.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub session: login_session::Model,
    pub account: user::Model,
}

/// Starts a session; returns the token for the cookie (its only copy).
pub async fn start(db: &DatabaseConnection, timeouts: &SessionTimeouts, account: &user::Model, device: &Device) -> AppResult<String> {
    let token = random_token(32);
    let at = now();
    login_session::ActiveModel {
        user_id: Set(account.id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(at),
        last_seen_at: Set(at),
        expires_at: Set(at + timeouts.lifetime),
        user_agent: Set(device.user_agent.chars().take(300).collect()),
        ip_address: Set(device.ip.map(|ip| ip.to_string()).unwrap_or_default()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Whether a session has timed out at `at`: past its absolute end, or
/// unused for longer than the idle timeout.
pub fn has_expired(session: &login_session::Model, timeouts: &SessionTimeouts, at: DateTime<Utc>) -> bool {
    at >= session.expires_at || at - session.last_seen_at >= timeouts.idle
}

/// The session a cookie's token names, if it is still valid; a timed-out
/// one is deleted on the way.
pub async fn resolve(db: &DatabaseConnection, timeouts: &SessionTimeouts, token: &str) -> AppResult<Option<ActiveSession>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    // The session and its account in one query: every logged-in request makes it.
    let Some((session, account)) =
        login_session::Entity::find().filter(login_session::Column::TokenHash.eq(hash_token(token))).find_also_related(user::Entity).one(db).await?
    else {
        return Ok(None);
    };
    let at = now();
    if has_expired(&session, timeouts, at) {
        login_session::Entity::delete_by_id(session.id).exec(db).await?;
        return Ok(None);
    }
    let Some(account) = account else { return Ok(None) };
    if at - session.last_seen_at >= Duration::seconds(TOUCH_EVERY_SECS) {
        login_session::Entity::update_many()
            .col_expr(login_session::Column::LastSeenAt, Expr::value(at))
            .filter(login_session::Column::Id.eq(session.id))
            .exec(db)
            .await?;
    }
    Ok(Some(ActiveSession { session, account }))
}

/// Log-out: the session named by this token ends, for every copy of the cookie.
pub async fn end(db: &DatabaseConnection, token: &str) -> AppResult<()> {
    login_session::Entity::delete_many().filter(login_session::Column::TokenHash.eq(hash_token(token))).exec(db).await?;
    Ok(())
}

/// Ends one of the account's sessions (from the account page's list).
pub async fn end_one(db: &DatabaseConnection, account: &user::Model, session_id: i32) -> AppResult<()> {
    let ended = login_session::Entity::delete_many()
        .filter(login_session::Column::Id.eq(session_id))
        .filter(login_session::Column::UserId.eq(account.id))
        .exec(db)
        .await?;
    if ended.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Ends every session of the account ("sign out everywhere", a password
/// change or reset); returns how many ended.
pub async fn end_all(db: &impl sea_orm::ConnectionTrait, account_id: i32) -> AppResult<u64> {
    Ok(login_session::Entity::delete_many().filter(login_session::Column::UserId.eq(account_id)).exec(db).await?.rows_affected)
}

/// Deletes the sessions that timed out and were never used again (a used
/// one is deleted when it is next presented); returns how many.
pub async fn prune(db: &DatabaseConnection, timeouts: &SessionTimeouts, at: DateTime<Utc>) -> AppResult<u64> {
    Ok(login_session::Entity::delete_many()
        .filter(login_session::Column::ExpiresAt.lte(at).or(login_session::Column::LastSeenAt.lte(at - timeouts.idle)))
        .exec(db)
        .await?
        .rows_affected)
}

/// A session as the account page lists it.
#[derive(Debug, Serialize)]
pub struct SessionListing {
    pub id: i32,
    /// "Firefox on Linux", "Safari on iPhone".
    pub device: String,
    pub ip_address: String,
    pub started: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub is_current: bool,
}

/// The account's valid sessions, most recently used first.
pub async fn list(
    db: &DatabaseConnection,
    timeouts: &SessionTimeouts,
    account: &user::Model,
    current: Option<i32>,
) -> AppResult<Vec<SessionListing>> {
    let at = now();
    Ok(login_session::Entity::find()
        .filter(login_session::Column::UserId.eq(account.id))
        .order_by_desc(login_session::Column::LastSeenAt)
        .all(db)
        .await?
        .into_iter()
        .filter(|s| !has_expired(s, timeouts, at))
        .map(|s| SessionListing {
            id: s.id,
            device: describe_device(&s.user_agent),
            ip_address: s.ip_address,
            started: s.created_at,
            last_seen: s.last_seen_at,
            is_current: Some(s.id) == current,
        })
        .collect())
}

/// A browser and system in words, from a User-Agent header.
pub fn describe_device(user_agent: &str) -> String {
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(found) if found.name != "UNKNOWN" => {
            if found.os == "UNKNOWN" {
                found.name.to_owned()
            } else {
                format!("{} on {}", found.name, found.os)
            }
        }
        _ if user_agent.trim().is_empty() => "Unknown device".to_owned(),
        _ => user_agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created_ago: i64, seen_ago: i64) -> login_session::Model {
        let at = now();
        login_session::Model {
            id: 1,
            user_id: 1,
            token_hash: String::new(),
            created_at: at - Duration::hours(created_ago),
            last_seen_at: at - Duration::hours(seen_ago),
            expires_at: at - Duration::hours(created_ago) + Duration::days(14),
            user_agent: String::new(),
            ip_address: String::new(),
        }
    }

    #[test]
    fn sessions_time_out_when_idle_and_at_their_absolute_end() {
        let timeouts = SessionTimeouts { idle: Duration::hours(12), lifetime: Duration::days(14) };
        let at = now();
        assert!(!has_expired(&session(1, 0), &timeouts, at));
        assert!(!has_expired(&session(24 * 13, 11), &timeouts, at), "in use, within both limits");
        assert!(has_expired(&session(20, 13), &timeouts, at), "idle too long");
        assert!(has_expired(&session(24 * 14 + 1, 0), &timeouts, at), "past the absolute end, however active");
    }

    #[test]
    fn devices_are_named_in_words() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(describe_device(firefox), "Firefox on Linux");
        let iphone =
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_device(iphone), "Safari on iPhone");
        assert_eq!(describe_device(""), "Unknown device");
    }
}

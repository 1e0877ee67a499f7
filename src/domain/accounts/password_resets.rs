//! "Forgot your password?": a link by email that sets a new one. The link's
//! token is random (32 bytes) and stored only as its SHA-256; it works once
//! and for an hour, and asking again replaces the older links. Using it ends
//! every session and API token of the account, as a password change does.
//! Whether an address has an account is never said: the request is answered
//! the same either way, and only an existing account gets an email.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Set, Statement,
};

use crate::db::entities::{password_reset, user};
use crate::domain::accounts::{self, credentials, passwords, validate_password};
use crate::domain::mail::Mail;
use crate::domain::secrets::{hash_token, random_token};
use crate::error::{AppError, AppResult, FieldError};

/// How long an emailed link works.
pub const VALID_FOR_MINUTES: i64 = 60;
/// Links one account may be sent per hour; more requests are answered the
/// same way but send nothing (no mail-bombing someone through the form).
pub const LINKS_PER_HOUR: u64 = 3;

/// Asks for a link for `email`. Returns the email to send, if there is one
/// to send: an account exists and has not had its hourly share of links.
pub async fn request(db: &DatabaseConnection, base_url: &str, email: &str, at: DateTime<Utc>) -> AppResult<Option<Mail>> {
    let Some(account) = accounts::find_by_email(db, email).await? else { return Ok(None) };
    let txn = crate::db::begin(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Requests for one account are counted one at a time (SQLite's
        // write gate does this there), so the hourly limit is exact.
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [format!("reset:{}", account.id).into()],
        ))
        .await?;
    }
    let recent = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(account.id))
        .filter(password_reset::Column::CreatedAt.gt(at - Duration::hours(1)))
        .count(&txn)
        .await?;
    if recent >= LINKS_PER_HOUR {
        return Ok(None);
    }
    // Only the newest link works.
    credentials::cancel_open_resets(&txn, account.id, at).await?;
    let token = random_token(32);
    password_reset::ActiveModel {
        user_id: Set(account.id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(at),
        expires_at: Set(at + Duration::minutes(VALID_FOR_MINUTES)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(link_mail(base_url, &account, &token)))
}

fn link_mail(base_url: &str, account: &user::Model, token: &str) -> Mail {
    let text = format!(
        "Hello {name},\n\nsomeone (we hope you) asked to reset the password of your Tribe account.\n\n\
         Choose a new password here (the link works once, for the next {VALID_FOR_MINUTES} minutes):\n\
         {base_url}/password-reset/{token}\n\n\
         Using it logs out every device where your account is logged in.\n\n\
         If you did not ask, ignore this email: your password stays as it is.\n",
        name = account.display_name,
    );
    Mail {
        to_name: account.display_name.clone(),
        to_email: account.email.clone(),
        subject: "Reset your Tribe password".into(),
        text,
        calendar: None,
        event_id: None,
    }
}

/// The account whose link this is, while the link works.
pub async fn find_valid(db: &DatabaseConnection, token: &str, at: DateTime<Utc>) -> AppResult<Option<user::Model>> {
    let found = password_reset::Entity::find().filter(password_reset::Column::TokenHash.eq(hash_token(token))).one(db).await?;
    match found.filter(|r| r.used_at.is_none() && r.expires_at > at) {
        Some(reset) => accounts::find_by_id(db, reset.user_id).await,
        None => Ok(None),
    }
}

/// The message for a link that does not work (any more).
pub fn link_not_valid() -> AppError {
    AppError::Gone("This link has expired or was used already. Ask for a new one: it works for an hour.".into())
}

/// Sets the new password through the link: the link is used up and every
/// session and API token of the account ends, in one transaction. Only one
/// of two simultaneous uses gets through.
pub async fn complete(db: &DatabaseConnection, token: &str, new: &str, confirm: &str, at: DateTime<Utc>) -> AppResult<user::Model> {
    let account = find_valid(db, token, at).await?.ok_or_else(link_not_valid)?;
    if let Some(message) = validate_password(new) {
        return Err(AppError::Validation(vec![FieldError::new("new_password", message)]));
    }
    if new != confirm {
        return Err(AppError::Validation(vec![FieldError::new("confirm_password", "The two passwords differ.")]));
    }
    let hash = passwords::hash(new.to_owned()).await?;
    let txn = crate::db::begin(db).await?;
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(at)))
        .filter(password_reset::Column::TokenHash.eq(hash_token(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(at))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(link_not_valid());
    }
    let updated = credentials::store_password(&txn, &account, hash).await?;
    txn.commit().await?;
    Ok(updated)
}

//! The accounts area: a person's account and how they prove it is theirs.
//! This module holds sign-up, authentication, password changes and site
//! admins; beside it are password hashing (`passwords`), server-side log-in
//! sessions (`login_sessions`), API tokens (`api_tokens`) and the throttle on
//! guessing (`throttle`).

pub mod api_tokens;
pub mod credentials;
pub mod login_sessions;
pub mod password_resets;
pub mod passwords;
pub mod throttle;

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::db::entities::profile::Visibility;
use crate::db::entities::user;
use crate::domain::now;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Clone, Default)]
pub struct SignUp {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

/// Lower-cased and trimmed: emails compare case-insensitively in practice.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn validate_email(email: &str) -> Option<String> {
    let email = email.trim();
    if email.is_empty() {
        return Some("Enter your email address.".into());
    }
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("That does not look like an email address.".into());
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@') =>
        {
            None
        }
        _ => Some("That does not look like an email address.".into()),
    }
}

pub fn validate_display_name(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        Some("Enter the name people will see.".into())
    } else if name.chars().count() > 80 {
        Some("Keep the name under 80 characters.".into())
    } else if name.chars().any(|c| c.is_control()) {
        Some("The name contains characters that cannot be shown.".into())
    } else {
        None
    }
}

pub fn validate_password(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < passwords::MIN_LENGTH {
        Some(format!("Use at least {} characters.", passwords::MIN_LENGTH))
    } else if password.len() > passwords::MAX_LENGTH {
        Some(format!("Use at most {} characters.", passwords::MAX_LENGTH))
    } else {
        None
    }
}

pub async fn find_by_email(db: &DatabaseConnection, email: &str) -> AppResult<Option<user::Model>> {
    find_by_email_on(db, email).await
}

/// As `find_by_email`, inside a transaction or on any connection.
pub async fn find_by_email_on(db: &impl sea_orm::ConnectionTrait, email: &str) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(normalize_email(email))).one(db).await?)
}

pub async fn find_by_id(db: &DatabaseConnection, id: i32) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// Creates an account, or explains every field that needs attention.
pub async fn sign_up(db: &DatabaseConnection, input: SignUp) -> AppResult<user::Model> {
    let mut errors = Vec::new();
    if let Some(m) = validate_email(&input.email) {
        errors.push(FieldError::new("email", m));
    }
    if let Some(m) = validate_display_name(&input.display_name) {
        errors.push(FieldError::new("display_name", m));
    }
    if let Some(m) = validate_password(&input.password) {
        errors.push(FieldError::new("password", m));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let email = normalize_email(&input.email);
    if find_by_email(db, &email).await?.is_some() {
        return Err(AppError::Validation(vec![FieldError::new("email", "An account with this email already exists. Log in instead?")]));
    }
    let password_hash = passwords::hash(input.password).await?;
    insert_user(db, &email, input.display_name.trim(), password_hash, false).await.map_err(|e| match e {
        // Two sign-ups raced for the same address; the loser hears the same as above.
        AppError::Conflict(_) => AppError::Validation(vec![FieldError::new("email", "An account with this email already exists. Log in instead?")]),
        other => other,
    })
}

pub async fn insert_user(
    db: &impl sea_orm::ConnectionTrait,
    email: &str,
    display_name: &str,
    password_hash: String,
    is_site_admin: bool,
) -> AppResult<user::Model> {
    let at = now();
    let model = user::ActiveModel {
        email: Set(email.to_owned()),
        display_name: Set(display_name.to_owned()),
        password_hash: Set(password_hash),
        is_site_admin: Set(is_site_admin),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    Ok(model.insert(db).await?)
}

/// The account for these credentials, or `None`. Takes the same time whether
/// or not the email exists.
pub async fn authenticate(db: &DatabaseConnection, email: &str, password: &str) -> AppResult<Option<user::Model>> {
    let found = find_by_email(db, email).await?;
    let stored = found.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| passwords::decoy_hash().to_owned());
    let matches = passwords::verify(password.to_owned(), stored).await;
    Ok(found.filter(|_| matches))
}

/// Changes the password after checking the current one (see
/// `set_password`: every session and API token ends; the caller starts a
/// new session for this browser).
pub async fn change_password(db: &DatabaseConnection, account: &user::Model, current: &str, new: &str, confirm: &str) -> AppResult<user::Model> {
    let mut errors = Vec::new();
    if !passwords::verify(current.to_owned(), account.password_hash.clone()).await {
        errors.push(FieldError::new("current_password", "That is not your current password."));
    }
    if let Some(m) = validate_password(new) {
        errors.push(FieldError::new("new_password", m));
    } else if new != confirm {
        errors.push(FieldError::new("confirm_password", "The two new passwords differ."));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    set_password(db, account, new).await
}

/// Stores a new password and ends every session and API token of the
/// account, in one transaction: whoever knew the old password (or held a
/// session or token made with it) is out.
pub async fn set_password(db: &DatabaseConnection, account: &user::Model, new: &str) -> AppResult<user::Model> {
    let hash = passwords::hash(new.to_owned()).await?;
    let txn = crate::db::begin(db).await?;
    let updated = credentials::store_password(&txn, account, hash).await?;
    txn.commit().await?;
    Ok(updated)
}

/// `tribe admin create`: makes a new site admin, or promotes an existing
/// account (its password is then left alone unless one is given).
pub async fn create_or_promote_site_admin(
    db: &DatabaseConnection,
    email: &str,
    display_name: Option<&str>,
    password: Option<String>,
) -> AppResult<(user::Model, bool)> {
    if let Some(m) = validate_email(email) {
        return Err(AppError::Validation(vec![FieldError::new("email", m)]));
    }
    if let Some(m) = password.as_deref().and_then(validate_password) {
        return Err(AppError::Validation(vec![FieldError::new("password", m)]));
    }
    match find_by_email(db, email).await? {
        Some(existing) => {
            let mut model: user::ActiveModel = existing.into();
            model.is_site_admin = Set(true);
            model.updated_at = Set(now());
            let promoted = model.update(db).await?;
            // A new password (recovering an account) ends its sessions and tokens too.
            let promoted = match password {
                Some(password) => set_password(db, &promoted, &password).await?,
                None => promoted,
            };
            Ok((promoted, false))
        }
        None => {
            let password = password.ok_or_else(|| AppError::BadRequest("a new account needs a password".into()))?;
            let name = display_name.map(str::to_owned).unwrap_or_else(|| normalize_email(email).split('@').next().unwrap_or("admin").to_owned());
            if let Some(m) = validate_display_name(&name) {
                return Err(AppError::Validation(vec![FieldError::new("name", m)]));
            }
            let hash = passwords::hash(password).await?;
            Ok((insert_user(db, &normalize_email(email), name.trim(), hash, true).await?, true))
        }
    }
}

/// The zone a person chose in their profile, to show times in beside the event's.
pub async fn time_zone_of(db: &DatabaseConnection, user_id: i32) -> AppResult<Option<chrono_tz::Tz>> {
    use crate::db::entities::profile;
    Ok(profile::Entity::find().filter(profile::Column::UserId.eq(user_id)).one(db).await?.and_then(|p| p.time_zone).and_then(|z| z.parse().ok()))
}

/// The parts of a profile its owner made public, or `None` when they did not.
pub async fn public_profile(db: &DatabaseConnection, user_id: i32) -> AppResult<Option<PublicProfile>> {
    use crate::db::entities::profile;
    let found = profile::Entity::find().filter(profile::Column::UserId.eq(user_id)).one(db).await?;
    Ok(found.filter(|p| p.visibility == Visibility::Public).map(|p| PublicProfile {
        headline: p.headline,
        organization: p.organization,
        pronouns: p.pronouns,
        bio_html: crate::domain::markdown::to_safe_html(&p.bio),
    }))
}

/// What anyone may see of a person who made their profile public.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicProfile {
    pub headline: String,
    pub organization: String,
    pub pronouns: String,
    pub bio_html: String,
}

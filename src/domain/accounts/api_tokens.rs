//! Personal API tokens: shown once at creation, stored only as a SHA-256 hash,
//! presented as `Authorization: Bearer tribe_...`.

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::db::entities::{api_token, user};
use crate::domain::now;
use crate::domain::secrets::{hash_token, random_token};
use crate::error::{AppError, AppResult, FieldError};

const PREFIX: &str = "tribe_";

/// Creates a token and returns it with its only plaintext copy.
pub async fn create(db: &DatabaseConnection, user_id: i32, name: &str) -> AppResult<(api_token::Model, String)> {
    let name = name.trim();
    let name = if name.is_empty() { "API token" } else { name };
    if name.chars().count() > 100 {
        return Err(AppError::Validation(vec![FieldError::new("name", "Keep the token name under 100 characters.")]));
    }
    let plaintext = format!("{PREFIX}{}", random_token(32));
    let model = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        token_hash: Set(hash_token(&plaintext)),
        created_at: Set(now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((model, plaintext))
}

/// The account a bearer token belongs to, if the token is real.
pub async fn authenticate(db: &DatabaseConnection, token: &str) -> AppResult<Option<user::Model>> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    // The token and its account in one query: every API request asks this.
    let found = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash_token(token))).find_also_related(user::Entity).one(db).await?;
    let Some((found, Some(account))) = found else {
        return Ok(None);
    };
    // Recorded at most once a minute, so that reading the API is not a write per request.
    if found.last_used_at.is_none_or(|t| now() - t > chrono::Duration::minutes(1)) {
        let mut touch: api_token::ActiveModel = found.clone().into();
        touch.last_used_at = Set(Some(now()));
        touch.update(db).await?;
    }
    Ok(Some(account))
}

pub async fn list_for_user(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find().filter(api_token::Column::UserId.eq(user_id)).order_by_desc(api_token::Column::CreatedAt).all(db).await?)
}

/// Revokes one of the user's own tokens; another user's token is "not found".
pub async fn revoke(db: &DatabaseConnection, user_id: i32, token_id: i32) -> AppResult<()> {
    let result =
        api_token::Entity::delete_many().filter(api_token::Column::Id.eq(token_id)).filter(api_token::Column::UserId.eq(user_id)).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Revokes every token of the account (a password change or reset).
pub async fn revoke_all(db: &impl sea_orm::ConnectionTrait, user_id: i32) -> AppResult<u64> {
    Ok(api_token::Entity::delete_many().filter(api_token::Column::UserId.eq(user_id)).exec(db).await?.rows_affected)
}

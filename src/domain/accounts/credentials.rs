//! What a new password ends: every log-in session, every API token and every
//! reset link asked for before it. Kept apart from `password_resets`, which
//! both sets passwords through it and cancels older links with it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use crate::db::entities::{password_reset, user};
use crate::domain::accounts::{api_tokens, login_sessions};
use crate::domain::now;
use crate::error::AppResult;

/// Stores a password hash and ends what the old password opened, inside the
/// caller's transaction.
pub(crate) async fn store_password(txn: &DatabaseTransaction, account: &user::Model, hash: String) -> AppResult<user::Model> {
    let mut model: user::ActiveModel = account.clone().into();
    model.password_hash = Set(hash);
    model.updated_at = Set(now());
    let updated = model.update(txn).await?;
    login_sessions::end_all(txn, account.id).await?;
    api_tokens::revoke_all(txn, account.id).await?;
    // Links asked for before the change must not undo it.
    cancel_open_resets(txn, account.id, updated.updated_at).await?;
    Ok(updated)
}

/// Ends every reset link of the account not used yet.
pub(crate) async fn cancel_open_resets(txn: &DatabaseTransaction, user_id: i32, at: DateTime<Utc>) -> AppResult<()> {
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(at)))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

//! Checking attendees in at the door: once per registration however many
//! times (or from however many phones) it is asked, by one conditional
//! update.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::db::entities::{registration, user};
use crate::domain::now;
use crate::domain::registration::RegistrationStatus;
use crate::error::{AppError, AppResult};

/// The result of a check-in: the first one, or the earlier one it repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIn {
    First { at: DateTime<Utc> },
    Already { at: DateTime<Utc>, by: Option<i32> },
}

pub async fn check_in(db: &DatabaseConnection, registration_id: i32, staff: &user::Model) -> AppResult<CheckIn> {
    let at = now();
    let first = registration::Entity::update_many()
        .col_expr(registration::Column::CheckedInAt, Expr::value(at))
        .col_expr(registration::Column::CheckedInBy, Expr::value(staff.id))
        .filter(registration::Column::Id.eq(registration_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed.as_str()))
        .filter(registration::Column::CheckedInAt.is_null())
        .exec(db)
        .await?;
    let found = registration::Entity::find_by_id(registration_id).one(db).await?.ok_or(AppError::NotFound)?;
    if first.rows_affected == 1 {
        return Ok(CheckIn::First { at });
    }
    match found.checked_in_at {
        Some(earlier) => Ok(CheckIn::Already { at: earlier, by: found.checked_in_by }),
        None => Err(AppError::Conflict(format!("This registration is {}, not confirmed: no check-in.", found.status))),
    }
}

//! Discount codes: a percentage or a fixed amount off, with a use limit
//! (counted by a conditional update, like seats) and a validity window.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::db::entities::discount_code::DiscountKind;
use crate::db::entities::{discount_code, event};
use crate::domain::events::zone_of;
use crate::domain::input;
use crate::domain::now;
use crate::domain::registration::tickets;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscountForm {
    pub code: String,
    /// `percent` or `fixed`.
    pub kind: String,
    /// A percentage (1–100) or an amount in major units ("10", "7.50").
    #[serde(deserialize_with = "input::lenient_text")]
    pub amount: String,
    #[serde(deserialize_with = "input::lenient_text")]
    pub max_uses: String,
    pub valid_from: String,
    pub valid_until: String,
}

fn normalize(code: &str) -> String {
    code.trim().to_uppercase()
}

pub async fn list(db: &impl ConnectionTrait, event_id: i32) -> AppResult<Vec<discount_code::Model>> {
    Ok(discount_code::Entity::find().filter(discount_code::Column::EventId.eq(event_id)).order_by_asc(discount_code::Column::Code).all(db).await?)
}

pub async fn create(db: &DatabaseConnection, event: &event::Model, form: &DiscountForm) -> AppResult<discount_code::Model> {
    let zone = zone_of(event);
    let mut errors = Vec::new();
    let code = normalize(&form.code);
    if code.len() < 3 || code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        errors.push(FieldError::new("discount_code", "Use 3 to 40 letters, digits, hyphens or underscores."));
    }
    let kind = match form.kind.trim() {
        "" | "percent" => DiscountKind::Percent,
        "fixed" => DiscountKind::Fixed,
        _ => {
            errors.push(FieldError::new("discount_kind", "Choose a percentage or a fixed amount."));
            DiscountKind::Percent
        }
    };
    let amount = if kind == DiscountKind::Percent {
        match form.amount.trim().parse::<i64>() {
            Ok(p) if (1..=100).contains(&p) => p,
            _ => {
                errors.push(FieldError::new("discount_amount", "Enter a percentage from 1 to 100."));
                0
            }
        }
    } else {
        match tickets::parse_price(&form.amount) {
            Ok(minor) if minor > 0 => minor,
            _ => {
                errors.push(FieldError::new("discount_amount", "Enter the amount off, like 10 or 7.50."));
                0
            }
        }
    };
    let max_uses =
        input::parse_optional_count(&form.max_uses, 1_000_000).map_err(|m| errors.push(FieldError::new("discount_max_uses", m))).ok().flatten();
    let optional_time = |text: &str| if text.trim().is_empty() { Ok(None) } else { input::parse_time(zone, text).map(Some) };
    let valid_from = optional_time(&form.valid_from).map_err(|m| errors.push(FieldError::new("discount_valid_from", m))).ok().flatten();
    let valid_until = optional_time(&form.valid_until).map_err(|m| errors.push(FieldError::new("discount_valid_until", m))).ok().flatten();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    discount_code::ActiveModel {
        event_id: Set(event.id),
        code: Set(code),
        kind: Set(kind),
        amount: Set(amount),
        max_uses: Set(max_uses),
        used: Set(0),
        valid_from: Set(valid_from),
        valid_until: Set(valid_until),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Validation(vec![FieldError::new("discount_code", "This event already has that code.")]),
        other => other,
    })
}

pub async fn delete(db: &DatabaseConnection, event: &event::Model, id: i32) -> AppResult<()> {
    let removed = discount_code::Entity::delete_many()
        .filter(discount_code::Column::Id.eq(id))
        .filter(discount_code::Column::EventId.eq(event.id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The price after the code.
pub fn discounted(price_minor: i64, code: &discount_code::Model) -> i64 {
    match code.kind {
        DiscountKind::Percent => price_minor - (price_minor * code.amount + 50) / 100,
        DiscountKind::Fixed => std::cmp::max(price_minor - code.amount, 0),
    }
}

/// Finds a code that may be used now (without using it up).
pub async fn find_usable(db: &impl ConnectionTrait, event_id: i32, text: &str, at: DateTime<Utc>) -> AppResult<discount_code::Model> {
    let refuse = |message: &str| AppError::Validation(vec![FieldError::new("discount_code", message)]);
    let found = discount_code::Entity::find()
        .filter(discount_code::Column::EventId.eq(event_id))
        .filter(discount_code::Column::Code.eq(normalize(text)))
        .one(db)
        .await?
        .ok_or_else(|| refuse("That discount code does not exist for this event."))?;
    if found.valid_from.is_some_and(|t| at < t) || found.valid_until.is_some_and(|t| at >= t) {
        return Err(refuse("That discount code is not valid now."));
    }
    if found.max_uses.is_some_and(|m| found.used >= m) {
        return Err(refuse("That discount code has been used up."));
    }
    Ok(found)
}

/// Uses the code once, inside the registration's transaction; refuses when
/// a concurrent registration took its last use.
pub async fn use_once(txn: &impl ConnectionTrait, code: &discount_code::Model) -> AppResult<()> {
    let used = discount_code::Entity::update_many()
        .col_expr(discount_code::Column::Used, Expr::col(discount_code::Column::Used).add(1))
        .filter(discount_code::Column::Id.eq(code.id))
        .filter(
            Expr::col(discount_code::Column::MaxUses)
                .is_null()
                .or(Expr::col(discount_code::Column::Used).lt(Expr::col(discount_code::Column::MaxUses))),
        )
        .exec(txn)
        .await?;
    if used.rows_affected == 0 {
        return Err(AppError::Validation(vec![FieldError::new("discount_code", "That discount code has been used up.")]));
    }
    Ok(())
}

//! Each event's badge keys: Ed25519 key pairs made at random when the event
//! first needs one, stored with the private seed sealed under the
//! key-encryption key (`domain::secrets`), so neither the cookie key nor a
//! copy of the database is enough to forge a badge. One key signs; a
//! rotation makes a new signing key and keeps the old one verifying the
//! badges already printed with it until the organizer revokes it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use super::EventKey;
use crate::db::entities::event_signing_key;
use crate::domain::{now, secrets};
use crate::error::{AppError, AppResult};

/// What a sealed seed is bound to: its event and its public key.
fn context(event_id: i32, public_key: &str) -> String {
    format!("tribe-badge-key:v1:event:{event_id}:public:{public_key}")
}

/// The key that signs the event's badges now, made on first use.
pub async fn signing_key(db: &DatabaseConnection, kek: &[u8; 32], event_id: i32) -> AppResult<EventKey> {
    for _ in 0..2 {
        if let Some(active) = active(db, event_id).await? {
            return open(kek, &active);
        }
        // Two instances may make one at once: the unique index keeps one,
        // and the loser reads the winner's.
        match insert_new(db, kek, event_id).await {
            Ok(made) => return Ok(made),
            Err(AppError::Conflict(_)) => continue,
            Err(other) => return Err(other),
        }
    }
    Err(AppError::Internal("no signing key could be made".into()))
}

async fn active(db: &impl sea_orm::ConnectionTrait, event_id: i32) -> AppResult<Option<event_signing_key::Model>> {
    Ok(event_signing_key::Entity::find()
        .filter(event_signing_key::Column::EventId.eq(event_id))
        .filter(event_signing_key::Column::RetiredAt.is_null())
        .one(db)
        .await?)
}

fn open(kek: &[u8; 32], stored: &event_signing_key::Model) -> AppResult<EventKey> {
    let seed = secrets::open(kek, &stored.sealed_seed, &context(stored.event_id, &stored.public_key)).ok_or_else(|| {
        AppError::Internal(format!("the badge key of event {} does not open with TRIBE_KEY_ENCRYPTION_KEY (was the key changed?)", stored.event_id))
    })?;
    let seed: [u8; 32] = seed.try_into().map_err(|_| AppError::Internal("a stored badge key is not 32 bytes".into()))?;
    Ok(EventKey::from_seed(&seed))
}

async fn insert_new(db: &impl sea_orm::ConnectionTrait, kek: &[u8; 32], event_id: i32) -> AppResult<EventKey> {
    let seed = secrets::random_key()?;
    let key = EventKey::from_seed(&seed);
    let public_key = URL_SAFE_NO_PAD.encode(key.public_key());
    event_signing_key::ActiveModel {
        event_id: Set(event_id),
        sealed_seed: Set(secrets::seal(kek, &seed, &context(event_id, &public_key))?),
        public_key: Set(public_key),
        created_at: Set(now()),
        retired_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(key)
}

/// The public keys whose badges are accepted: the signing key and the
/// retired ones not revoked.
pub async fn verifying_keys(db: &DatabaseConnection, event_id: i32) -> AppResult<Vec<Vec<u8>>> {
    Ok(event_signing_key::Entity::find()
        .filter(event_signing_key::Column::EventId.eq(event_id))
        .filter(event_signing_key::Column::RevokedAt.is_null())
        .order_by_desc(event_signing_key::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|k| URL_SAFE_NO_PAD.decode(&k.public_key).ok())
        .collect())
}

/// A key as the organizer's badge page lists it.
#[derive(Debug, Serialize)]
pub struct KeyListing {
    pub id: i32,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub is_signing: bool,
    pub can_revoke: bool,
}

/// Every key the event has had, newest first.
pub async fn list(db: &DatabaseConnection, event_id: i32) -> AppResult<Vec<KeyListing>> {
    Ok(event_signing_key::Entity::find()
        .filter(event_signing_key::Column::EventId.eq(event_id))
        .order_by_desc(event_signing_key::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|k| KeyListing {
            id: k.id,
            is_signing: k.retired_at.is_none(),
            can_revoke: k.retired_at.is_some() && k.revoked_at.is_none(),
            public_key: k.public_key,
            created_at: k.created_at,
            retired_at: k.retired_at,
            revoked_at: k.revoked_at,
        })
        .collect())
}

/// A new signing key; the one it replaces keeps verifying its badges.
pub async fn rotate(db: &DatabaseConnection, kek: &[u8; 32], event_id: i32) -> AppResult<EventKey> {
    let txn = crate::db::begin(db).await?;
    event_signing_key::Entity::update_many()
        .col_expr(event_signing_key::Column::RetiredAt, Expr::value(Some(now())))
        .filter(event_signing_key::Column::EventId.eq(event_id))
        .filter(event_signing_key::Column::RetiredAt.is_null())
        .exec(&txn)
        .await?;
    let made = insert_new(&txn, kek, event_id).await?;
    txn.commit().await?;
    Ok(made)
}

/// Revokes a retired key: badges it signed no longer verify. The signing
/// key cannot be revoked (rotate first), so the event always has one.
pub async fn revoke(db: &DatabaseConnection, event_id: i32, key_id: i32) -> AppResult<()> {
    let found = event_signing_key::Entity::find_by_id(key_id)
        .filter(event_signing_key::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.retired_at.is_none() {
        return Err(AppError::Conflict("This key signs the badges printed now; make a new key first, then revoke this one.".into()));
    }
    event_signing_key::Entity::update_many()
        .col_expr(event_signing_key::Column::RevokedAt, Expr::value(Some(now())))
        .filter(event_signing_key::Column::Id.eq(found.id))
        .filter(event_signing_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

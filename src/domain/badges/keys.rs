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
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use super::EventKey;
use crate::db::entities::event_signing_key;
use crate::domain::now;
use crate::domain::secrets;
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
    /// Derived from the cookie key, as keys were before they were random.
    pub derived: bool,
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
            derived: k.sealed_seed.is_empty(),
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

/// The migration that made badge keys random; events created before it
/// may have badges signed with the old derived key.
const RANDOM_KEYS_MIGRATION: &str = "m20261130_000023_create_event_signing_keys";

/// Badges printed before keys were made at random were signed with a key
/// derived from the cookie key (`ROCKET_SECRET_KEY`). Each event that
/// existed before that change and has no key yet gets the old public key
/// as an older key: its printed badges keep scanning, new ones carry a
/// random key, and the organizer can revoke the old one (the badge page
/// says so). Only the public half is stored. Events made since never get
/// one, so a leaked cookie key forges nothing for them. Returns how many
/// events got one.
pub async fn import_derived_keys(db: &DatabaseConnection, cookie_secret: &str) -> AppResult<usize> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "SELECT applied_at FROM seaql_migrations WHERE version = $1",
        _ => "SELECT applied_at FROM seaql_migrations WHERE version = ?",
    };
    let Some(row) = db.query_one_raw(Statement::from_sql_and_values(backend, sql, [RANDOM_KEYS_MIGRATION.into()])).await? else { return Ok(0) };
    let applied_at: i64 = row.try_get("", "applied_at")?;
    let Some(cutoff) = DateTime::<Utc>::from_timestamp(applied_at, 0) else { return Ok(0) };
    let keyed: std::collections::HashSet<i32> = event_signing_key::Entity::find()
        .select_only()
        .column(event_signing_key::Column::EventId)
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let older = crate::db::entities::event::Entity::find().filter(crate::db::entities::event::Column::CreatedAt.lt(cutoff)).all(db).await?;
    let mut imported = 0;
    for event in older.into_iter().filter(|e| !keyed.contains(&e.id)) {
        event_signing_key::ActiveModel {
            event_id: Set(event.id),
            public_key: Set(URL_SAFE_NO_PAD.encode(derived_public_key(cookie_secret, event.id))),
            // Verify-only: there is no private half to open.
            sealed_seed: Set(String::new()),
            created_at: Set(event.created_at),
            retired_at: Set(Some(now())),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        imported += 1;
    }
    Ok(imported)
}

/// The public key of the key pair Tribe used to derive for an event from
/// the cookie key (before keys were made at random).
pub fn derived_public_key(cookie_secret: &str, event_id: i32) -> Vec<u8> {
    derived_key(cookie_secret, event_id).public_key()
}

/// The old derivation itself (tests sign legacy badges with it).
pub fn derived_key(cookie_secret: &str, event_id: i32) -> EventKey {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    let server_key: [u8; 32] = Sha256::digest(format!("tribe-badges:{cookie_secret}").as_bytes()).into();
    let mut mac = Hmac::<Sha256>::new_from_slice(&server_key).expect("any key length works");
    mac.update(b"tribe-badge-event-key:v2:");
    mac.update(event_id.to_string().as_bytes());
    let seed: [u8; 32] = mac.finalize().into_bytes().into();
    EventKey::from_seed(&seed)
}

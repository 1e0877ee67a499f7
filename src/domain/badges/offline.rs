//! What a door scanner without a network takes along: the event's public
//! key (to check that a badge is genuine) and a list of the badges valid
//! when it was made, signed with the event's key (to know who cancelled).

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

use super::{SignedDocument, SIGNED_PREFIX};
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{event, registration};
use crate::domain::now;
use crate::error::AppResult;

pub const LIST_FORMAT: &str = "tribe-badge-list/1";

fn event_part(event: &event::Model) -> Value {
    json!({"id": event.id, "slug": event.slug, "title": event.title})
}

fn encoded(public_key: &[u8]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, public_key)
}

/// Which event a key or list belongs to.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = BadgeEvent)]
pub struct EventPart {
    pub id: i32,
    pub slug: String,
    pub title: String,
}

/// The event's public keys and how its tokens are signed.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BadgeKey {
    pub event: EventPart,
    /// Always `Ed25519`.
    #[schema(value_type = String)]
    pub algorithm: &'static str,
    /// The key that signs badges now: the raw 32-byte key, base64url without padding.
    pub public_key: String,
    /// Every key whose badges are accepted (the signing key and older ones
    /// not revoked: badges printed before a rotation carry an older one).
    pub public_keys: Vec<String>,
    pub public_key_pem: String,
    #[schema(value_type = String)]
    pub token_format: &'static str,
    /// What each token's signature covers.
    pub signed_message: String,
}

pub async fn public_key(db: &DatabaseConnection, kek: &[u8; 32], event: &event::Model) -> AppResult<BadgeKey> {
    let key = super::keys::signing_key(db, kek, event.id).await?;
    let verifying: Vec<String> = super::keys::verifying_keys(db, event.id).await?.iter().map(|k| encoded(k)).collect();
    Ok(BadgeKey {
        event: EventPart { id: event.id, slug: event.slug.clone(), title: event.title.clone() },
        algorithm: "Ed25519",
        public_key: encoded(&key.public_key()),
        public_keys: verifying,
        public_key_pem: key.public_key_pem(),
        token_format: "r<registration>e<event>.<base64url(signature)>",
        signed_message: format!("{SIGNED_PREFIX}r<registration>e<event>"),
    })
}

/// Every badge of the event as of now, signed: `valid` for confirmed
/// registrations, `revoked` for cancelled ones (a hold that ran out never had a badge).
pub async fn signed_list(db: &DatabaseConnection, kek: &[u8; 32], event: &event::Model) -> AppResult<SignedDocument> {
    let key = super::keys::signing_key(db, kek, event.id).await?;
    let verifying: Vec<String> = super::keys::verifying_keys(db, event.id).await?.iter().map(|k| encoded(k)).collect();
    let registrations =
        registration::Entity::find().filter(registration::Column::EventId.eq(event.id)).order_by_asc(registration::Column::Id).all(db).await?;
    let confirmed: Vec<i32> = registrations.iter().filter(|r| r.status == RegistrationStatus::Confirmed).map(|r| r.id).collect();
    let holders = super::prints::holders(db, event, &confirmed).await?;
    let tickets: std::collections::HashMap<i32, String> =
        crate::domain::registration::tickets::list(db, event.id).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let by_id: std::collections::HashMap<i32, &registration::Model> = registrations.iter().map(|r| (r.id, r)).collect();
    let valid: Vec<Value> = holders
        .iter()
        .map(|h| {
            let found = by_id[&h.registration_id];
            json!({
                "token": key.token(h.registration_id, event.id),
                "registration": h.registration_id,
                "name": h.name,
                "ticket": tickets.get(&found.ticket_type_id),
                "role": h.role.as_ref().map(|(name, _)| name),
                "checked_in_at": found.checked_in_at.map(|t| t.to_rfc3339()),
            })
        })
        .collect();
    let revoked: Vec<Value> = registrations
        .iter()
        .filter(|r| r.status == RegistrationStatus::Cancelled)
        .map(|r| json!({"token": key.token(r.id, event.id), "registration": r.id, "status": r.status}))
        .collect();
    let payload =
        json!({"event": event_part(event), "generated_at": now().to_rfc3339(), "public_keys": verifying, "valid": valid, "revoked": revoked});
    Ok(SignedDocument::sign(&key, LIST_FORMAT, &payload))
}

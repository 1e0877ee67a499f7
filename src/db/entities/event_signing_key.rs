use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_signing_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    /// The raw 32-byte Ed25519 public key, base64url without padding.
    pub public_key: String,
    /// The seed sealed with the key-encryption key (see `domain::secrets`).
    pub sealed_seed: String,
    pub created_at: DateTimeUtc,
    /// Set when a newer key took over signing; the key still verifies.
    pub retired_at: Option<DateTimeUtc>,
    /// Set when the organizer revoked it: its badges no longer verify.
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

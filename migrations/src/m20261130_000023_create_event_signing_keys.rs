use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each event's Ed25519 badge keys, made at random (no longer derived from
/// the cookie key). The private half is stored sealed with the
/// key-encryption key from configuration. One key signs (`retired_at` is
/// null); keys it replaced still verify the badges they signed until the
/// organizer revokes them.
#[derive(DeriveIden)]
enum EventSigningKeys {
    Table,
    Id,
    EventId,
    /// The raw 32-byte public key, base64url.
    PublicKey,
    /// AES-256-GCM nonce and ciphertext of the 32-byte seed, base64.
    SealedSeed,
    CreatedAt,
    RetiredAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventSigningKeys::Table)
                    .col(pk_auto(EventSigningKeys::Id))
                    .col(integer(EventSigningKeys::EventId))
                    .col(string(EventSigningKeys::PublicKey))
                    .col(string(EventSigningKeys::SealedSeed))
                    .col(timestamp_with_time_zone(EventSigningKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(EventSigningKeys::RetiredAt))
                    .col(timestamp_with_time_zone_null(EventSigningKeys::RevokedAt))
                    .foreign_key(&mut crate::fk(
                        EventSigningKeys::Table,
                        EventSigningKeys::EventId,
                        Events::Table,
                        Events::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One signing key per event, however many instances make it at once.
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX idx_event_signing_keys_one_active ON event_signing_keys (event_id) WHERE retired_at IS NULL")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EventSigningKeys::Table).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Profiles {
    Table,
    Id,
    UserId,
    Pronouns,
    Headline,
    Organization,
    Bio,
    /// Normalised, comma-separated, lower-case tags.
    Interests,
    LookingFor,
    CanOffer,
    HandleX,
    HandleMastodon,
    HandleBluesky,
    HandleLinkedin,
    Website,
    TimeZone,
    /// `hidden`, `attendees` or `public`.
    Visibility,
    MatchingEnabled,
    CreatedAt,
    UpdatedAt,
}

/// The roles an organizer defines for an event (Marketing, Clinician, ...).
#[derive(DeriveIden)]
pub enum EventRoles {
    Table,
    Id,
    EventId,
    Name,
    Color,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Profiles::Table)
                    .col(pk_auto(Profiles::Id))
                    .col(integer_uniq(Profiles::UserId))
                    .col(string(Profiles::Pronouns).default(""))
                    .col(string(Profiles::Headline).default(""))
                    .col(string(Profiles::Organization).default(""))
                    .col(text(Profiles::Bio).default(""))
                    .col(text(Profiles::Interests).default(""))
                    .col(text(Profiles::LookingFor).default(""))
                    .col(text(Profiles::CanOffer).default(""))
                    .col(string(Profiles::HandleX).default(""))
                    .col(string(Profiles::HandleMastodon).default(""))
                    .col(string(Profiles::HandleBluesky).default(""))
                    .col(string(Profiles::HandleLinkedin).default(""))
                    .col(string(Profiles::Website).default(""))
                    .col(string_null(Profiles::TimeZone))
                    .col(string(Profiles::Visibility).default("attendees"))
                    .col(boolean(Profiles::MatchingEnabled).default(true))
                    .col(timestamp_with_time_zone(Profiles::CreatedAt))
                    .col(timestamp_with_time_zone(Profiles::UpdatedAt))
                    .foreign_key(&mut crate::fk(Profiles::Table, Profiles::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventRoles::Table)
                    .col(pk_auto(EventRoles::Id))
                    .col(integer(EventRoles::EventId))
                    .col(string(EventRoles::Name))
                    .col(string(EventRoles::Color))
                    .col(integer(EventRoles::Position).default(0))
                    .foreign_key(&mut crate::fk(EventRoles::Table, EventRoles::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_event_roles_event_name")
                    .table(EventRoles::Table)
                    .col(EventRoles::EventId)
                    .col(EventRoles::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EventRoles::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Profiles::Table).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rooms {
    Table,
    Id,
    EventId,
    Name,
    Position,
    Capacity,
}

#[derive(DeriveIden)]
enum Tracks {
    Table,
    Id,
    EventId,
    Name,
    Color,
    Position,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    EventId,
    /// Stable identity across exports, imports and calendar UIDs; unique
    /// within its event (an imported copy of another event keeps its guids).
    Guid,
    Title,
    Abstract,
    TrackId,
    RoomId,
    StartsAt,
    EndsAt,
    Capacity,
    /// `draft`, `published` or `cancelled`.
    Status,
    Language,
    /// Normalised, comma-separated, lower-case tags.
    Tags,
    /// Bumped on every change to a published session (calendar SEQUENCE).
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SessionSpeakers {
    Table,
    Id,
    SessionId,
    UserId,
    Name,
    Position,
}

fn unique_index(name: &str, table: impl IntoIden + 'static, cols: [impl IntoIden + 'static; 2]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).unique();
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Rooms::Table)
                    .col(pk_auto(Rooms::Id))
                    .col(integer(Rooms::EventId))
                    .col(string(Rooms::Name))
                    .col(integer(Rooms::Position).default(0))
                    .col(integer_null(Rooms::Capacity))
                    .foreign_key(&mut crate::fk(Rooms::Table, Rooms::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique_index("idx_rooms_event_name", Rooms::Table, [Rooms::EventId, Rooms::Name])).await?;
        manager
            .create_table(
                Table::create()
                    .table(Tracks::Table)
                    .col(pk_auto(Tracks::Id))
                    .col(integer(Tracks::EventId))
                    .col(string(Tracks::Name))
                    .col(string(Tracks::Color))
                    .col(integer(Tracks::Position).default(0))
                    .foreign_key(&mut crate::fk(Tracks::Table, Tracks::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique_index("idx_tracks_event_name", Tracks::Table, [Tracks::EventId, Tracks::Name])).await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_auto(Sessions::Id))
                    .col(integer(Sessions::EventId))
                    .col(string(Sessions::Guid))
                    .col(string(Sessions::Title))
                    .col(text(Sessions::Abstract).default(""))
                    .col(integer_null(Sessions::TrackId))
                    .col(integer_null(Sessions::RoomId))
                    .col(timestamp_with_time_zone(Sessions::StartsAt))
                    .col(timestamp_with_time_zone(Sessions::EndsAt))
                    .col(integer_null(Sessions::Capacity))
                    .col(string(Sessions::Status))
                    .col(string(Sessions::Language).default("en"))
                    .col(text(Sessions::Tags).default(""))
                    .col(integer(Sessions::Revision).default(1))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::UpdatedAt))
                    .foreign_key(&mut crate::fk(Sessions::Table, Sessions::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(Sessions::Table, Sessions::TrackId, Tracks::Table, Tracks::Id, ForeignKeyAction::SetNull))
                    .foreign_key(&mut crate::fk(Sessions::Table, Sessions::RoomId, Rooms::Table, Rooms::Id, ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique_index("idx_sessions_event_guid", Sessions::Table, [Sessions::EventId, Sessions::Guid])).await?;
        manager
            .create_index(
                Index::create().name("idx_sessions_event_start").table(Sessions::Table).col(Sessions::EventId).col(Sessions::StartsAt).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SessionSpeakers::Table)
                    .col(pk_auto(SessionSpeakers::Id))
                    .col(integer(SessionSpeakers::SessionId))
                    .col(integer_null(SessionSpeakers::UserId))
                    .col(string(SessionSpeakers::Name))
                    .col(integer(SessionSpeakers::Position).default(0))
                    .foreign_key(&mut crate::fk(
                        SessionSpeakers::Table,
                        SessionSpeakers::SessionId,
                        Sessions::Table,
                        Sessions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(SessionSpeakers::Table, SessionSpeakers::UserId, Users::Table, Users::Id, ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [SessionSpeakers::Table.into_iden(), Sessions::Table.into_iden(), Tracks::Table.into_iden(), Rooms::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

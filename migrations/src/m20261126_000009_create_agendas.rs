use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AgendaItems {
    Table,
    Id,
    UserId,
    SessionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    /// Seats taken in a session with a capacity (workshops); raised only by a
    /// conditional UPDATE, like ticket seats.
    SeatsTaken,
}

/// The secret behind a person's calendar feed URL. It only reads, and is
/// replaced (the old URL then 404s) when its owner asks.
#[derive(DeriveIden)]
enum FeedTokens {
    Table,
    Id,
    UserId,
    Token,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Sessions::Table).add_column(integer(Sessions::SeatsTaken).default(0)).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaItems::Table)
                    .col(pk_auto(AgendaItems::Id))
                    .col(integer(AgendaItems::UserId))
                    .col(integer(AgendaItems::SessionId))
                    .col(timestamp_with_time_zone(AgendaItems::CreatedAt))
                    .foreign_key(&mut crate::fk(AgendaItems::Table, AgendaItems::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(AgendaItems::Table, AgendaItems::SessionId, Sessions::Table, Sessions::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agenda_items_user_session")
                    .table(AgendaItems::Table)
                    .col(AgendaItems::UserId)
                    .col(AgendaItems::SessionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_agenda_items_session").table(AgendaItems::Table).col(AgendaItems::SessionId).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FeedTokens::Table)
                    .col(pk_auto(FeedTokens::Id))
                    .col(integer_uniq(FeedTokens::UserId))
                    .col(string_uniq(FeedTokens::Token))
                    .col(timestamp_with_time_zone(FeedTokens::CreatedAt))
                    .foreign_key(&mut crate::fk(FeedTokens::Table, FeedTokens::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FeedTokens::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AgendaItems::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Sessions::Table).drop_column(Sessions::SeatsTaken).to_owned()).await
    }
}

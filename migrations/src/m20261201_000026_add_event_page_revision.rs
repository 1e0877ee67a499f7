use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Public pages (event, schedule, sessions, speakers, chats, the people
/// directory) are rendered once and served from memory until something they
/// show changes. `revision` counts schedule changes (the exports follow it);
/// `page_revision` counts every change a public page shows: the schedule,
/// the event itself, seats taken, profiles, chat messages. Each instance
/// compares it with the one its cached pages were made for.
#[derive(DeriveIden)]
enum Events {
    Table,
    PageRevision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Events::Table).add_column(integer(Events::PageRevision).default(0)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Events::Table).drop_column(Events::PageRevision).to_owned()).await
    }
}

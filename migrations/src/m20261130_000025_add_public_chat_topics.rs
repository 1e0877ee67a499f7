use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A host can show a week's topics before the chat opens (on the event and
/// room pages and in calendar files) or keep them for the hour itself, where
/// each appears as it is posted. Weeks made before this showed them on the
/// event page and in calendars already, so they stay shown.
#[derive(DeriveIden)]
enum ChatOccurrences {
    Table,
    TopicsPublic,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(ChatOccurrences::Table).add_column(boolean(ChatOccurrences::TopicsPublic).default(true)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(ChatOccurrences::Table).drop_column(ChatOccurrences::TopicsPublic).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A hidden ticket type is on sale only to people who have its secret
/// link (`/events/<slug>?access=<code>`), which the organizer gives out.
/// Hidden types made before this have no code: they are given only by
/// invitation until the organizer makes a link.
#[derive(DeriveIden)]
enum TicketTypes {
    Table,
    AccessCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(TicketTypes::Table).add_column(string_null(TicketTypes::AccessCode)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(TicketTypes::Table).drop_column(TicketTypes::AccessCode).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When and by whom an attendee was checked in at the door.
#[derive(DeriveIden)]
enum Registrations {
    Table,
    CheckedInAt,
    CheckedInBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Registrations::Table).add_column(timestamp_with_time_zone_null(Registrations::CheckedInAt)).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(Registrations::Table).add_column(integer_null(Registrations::CheckedInBy)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Registrations::Table).drop_column(Registrations::CheckedInBy).to_owned()).await?;
        manager.alter_table(Table::alter().table(Registrations::Table).drop_column(Registrations::CheckedInAt).to_owned()).await
    }
}

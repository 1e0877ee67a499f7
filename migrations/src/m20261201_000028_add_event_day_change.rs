use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When one conference day ends and the next begins, in minutes after local
/// midnight. CCC's congress days run 10:00–04:00: a talk at 00:15 belongs to
/// the day before, by the programme and by frab's `day_change`. Zero keeps
/// calendar days.
#[derive(DeriveIden)]
enum Events {
    Table,
    DayChangeMinutes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Events::Table).add_column(integer(Events::DayChangeMinutes).default(0)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Events::Table).drop_column(Events::DayChangeMinutes).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each event's attendees (registrations, profiles, roles) are kept in
/// memory for the directory and "your tribe", read again when
/// `people_revision` moves. `page_revision` moves for them too, and also for
/// every seat taken in a workshop, which at a conference's morning is many
/// times a minute and says nothing new about who attends.
///
/// The two indexes serve one person's tribe and table: the members of one
/// tribe, the seats at one table (each read with every tribe page).
#[derive(DeriveIden)]
enum Events {
    Table,
    PeopleRevision,
}

#[derive(DeriveIden)]
enum TribeMembers {
    Table,
    TribeId,
}

#[derive(DeriveIden)]
enum TableSeats {
    Table,
    PlanId,
    TableNumber,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Events::Table).add_column(integer(Events::PeopleRevision).default(0)).to_owned()).await?;
        manager
            .create_index(Index::create().name("idx_tribe_members_tribe").table(TribeMembers::Table).col(TribeMembers::TribeId).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_table_seats_plan_table")
                    .table(TableSeats::Table)
                    .col(TableSeats::PlanId)
                    .col(TableSeats::TableNumber)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_table_seats_plan_table").table(TableSeats::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_tribe_members_tribe").table(TribeMembers::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Events::Table).drop_column(Events::PeopleRevision).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Stripe webhook events already processed: Stripe delivers at least once,
/// in any order; the id makes each one count once.
#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    Id,
    EventId,
    EventType,
    ReceivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .col(pk_auto(StripeEvents::Id))
                    .col(string_uniq(StripeEvents::EventId))
                    .col(string(StripeEvents::EventType))
                    .col(timestamp_with_time_zone(StripeEvents::ReceivedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StripeEvents::Table).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What an organizer asks at registration (dietary needs, T-shirt size...).
#[derive(DeriveIden)]
enum RegistrationQuestions {
    Table,
    Id,
    EventId,
    Label,
    /// `text`, `single`, `multiple` or `checkbox`.
    Kind,
    /// One choice per line, for `single` and `multiple`.
    Options,
    IsRequired,
    Position,
}

#[derive(DeriveIden)]
enum RegistrationAnswers {
    Table,
    Id,
    RegistrationId,
    QuestionId,
    /// Text as given; several choices joined by newlines; "yes"/"no" for a checkbox.
    Value,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    DiscountCodeId,
}

#[derive(DeriveIden)]
enum DiscountCodes {
    Table,
    Id,
    EventId,
    /// Stored upper case; matched case-insensitively.
    Code,
    /// `percent` or `fixed`.
    Kind,
    /// Percent (1–100) or minor units off.
    Amount,
    MaxUses,
    /// Raised by a conditional UPDATE, like seats.
    Used,
    ValidFrom,
    ValidUntil,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RegistrationQuestions::Table)
                    .col(pk_auto(RegistrationQuestions::Id))
                    .col(integer(RegistrationQuestions::EventId))
                    .col(string(RegistrationQuestions::Label))
                    .col(string(RegistrationQuestions::Kind))
                    .col(text(RegistrationQuestions::Options).default(""))
                    .col(boolean(RegistrationQuestions::IsRequired).default(false))
                    .col(integer(RegistrationQuestions::Position).default(0))
                    .foreign_key(&mut crate::fk(
                        RegistrationQuestions::Table,
                        RegistrationQuestions::EventId,
                        Events::Table,
                        Events::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegistrationAnswers::Table)
                    .col(pk_auto(RegistrationAnswers::Id))
                    .col(integer(RegistrationAnswers::RegistrationId))
                    .col(integer(RegistrationAnswers::QuestionId))
                    .col(text(RegistrationAnswers::Value))
                    .foreign_key(&mut crate::fk(
                        RegistrationAnswers::Table,
                        RegistrationAnswers::RegistrationId,
                        Registrations::Table,
                        Registrations::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(
                        RegistrationAnswers::Table,
                        RegistrationAnswers::QuestionId,
                        RegistrationQuestions::Table,
                        RegistrationQuestions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DiscountCodes::Table)
                    .col(pk_auto(DiscountCodes::Id))
                    .col(integer(DiscountCodes::EventId))
                    .col(string(DiscountCodes::Code))
                    .col(string(DiscountCodes::Kind))
                    .col(big_integer(DiscountCodes::Amount))
                    .col(integer_null(DiscountCodes::MaxUses))
                    .col(integer(DiscountCodes::Used).default(0))
                    .col(timestamp_with_time_zone_null(DiscountCodes::ValidFrom))
                    .col(timestamp_with_time_zone_null(DiscountCodes::ValidUntil))
                    .col(timestamp_with_time_zone(DiscountCodes::CreatedAt))
                    .foreign_key(&mut crate::fk(DiscountCodes::Table, DiscountCodes::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_discount_codes_event_code")
                    .table(DiscountCodes::Table)
                    .col(DiscountCodes::EventId)
                    .col(DiscountCodes::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table(Registrations::Table).add_column(integer_null(Registrations::DiscountCodeId)).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Registrations::Table).drop_column(Registrations::DiscountCodeId).to_owned()).await?;
        manager.drop_table(Table::drop().table(DiscountCodes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RegistrationAnswers::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RegistrationQuestions::Table).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users as UserTable;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// "Forgot your password?": each row is one emailed link. Only the SHA-256
/// of its token is stored; it works once (`used_at`) and for an hour
/// (`expires_at`), and a newer link replaces the older ones.
#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(pk_auto(PasswordResets::Id))
                    .col(integer(PasswordResets::UserId))
                    .col(string(PasswordResets::TokenHash).unique_key())
                    .col(timestamp_with_time_zone(PasswordResets::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordResets::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordResets::UsedAt))
                    .foreign_key(&mut crate::fk(
                        PasswordResets::Table,
                        PasswordResets::UserId,
                        UserTable::Table,
                        UserTable::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_password_resets_user")
                    .table(PasswordResets::Table)
                    .col(PasswordResets::UserId)
                    .col(PasswordResets::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PasswordResets::Table).to_owned()).await
    }
}

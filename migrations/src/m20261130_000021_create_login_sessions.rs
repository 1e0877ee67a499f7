use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users as UserTable;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Server-side log-in sessions (OWASP ASVS V3/V7): the cookie carries a
/// random token whose SHA-256 names a row here, so logging out, a password
/// change or "sign out everywhere" ends a session for every copy of its
/// cookie, and each session has an idle and an absolute timeout.
#[derive(DeriveIden)]
enum LoginSessions {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    UserAgent,
    IpAddress,
}

/// The password epoch that ended other sessions when sessions lived only
/// in the cookie; the session rows do that now.
#[derive(DeriveIden)]
enum Users {
    Table,
    SessionEpoch,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginSessions::Table)
                    .col(pk_auto(LoginSessions::Id))
                    .col(integer(LoginSessions::UserId))
                    .col(string(LoginSessions::TokenHash).unique_key())
                    .col(timestamp_with_time_zone(LoginSessions::CreatedAt))
                    .col(timestamp_with_time_zone(LoginSessions::LastSeenAt))
                    .col(timestamp_with_time_zone(LoginSessions::ExpiresAt))
                    .col(string(LoginSessions::UserAgent).default(""))
                    .col(string(LoginSessions::IpAddress).default(""))
                    .foreign_key(&mut crate::fk(
                        LoginSessions::Table,
                        LoginSessions::UserId,
                        UserTable::Table,
                        UserTable::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_login_sessions_user").table(LoginSessions::Table).col(LoginSessions::UserId).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(Users::Table).drop_column(Users::SessionEpoch).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Users::Table).add_column(integer(Users::SessionEpoch).default(0)).to_owned()).await?;
        manager.drop_table(Table::drop().table(LoginSessions::Table).to_owned()).await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Events {
    Table,
    Id,
    Slug,
    Title,
    /// Markdown; rendered through a sanitizer.
    Description,
    /// `conference`, `meetup` or `online_chat`.
    Kind,
    /// IANA zone name; instants are stored in UTC and converted at the edges.
    TimeZone,
    /// For an online chat: the window in which the series runs.
    StartsAt,
    EndsAt,
    VenueName,
    VenueAddress,
    VenueMapUrl,
    OnlineUrl,
    Hashtag,
    Capacity,
    IsPublished,
    /// For an online chat: RFC 5545 RRULE (e.g. `FREQ=WEEKLY;BYDAY=TU`),
    /// local start time (`20:30`) in `time_zone`, and length.
    RecurrenceRule,
    RecurrenceLocalTime,
    RecurrenceMinutes,
    HostName,
    /// Bumped whenever anything published about the event changes; exports
    /// are cached per revision.
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventMembers {
    Table,
    Id,
    EventId,
    UserId,
    /// `organizer` or `staff`.
    Role,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id))
                    .col(string_uniq(Events::Slug))
                    .col(string(Events::Title))
                    .col(text(Events::Description).default(""))
                    .col(string(Events::Kind))
                    .col(string(Events::TimeZone))
                    .col(timestamp_with_time_zone(Events::StartsAt))
                    .col(timestamp_with_time_zone(Events::EndsAt))
                    .col(string_null(Events::VenueName))
                    .col(string_null(Events::VenueAddress))
                    .col(string_null(Events::VenueMapUrl))
                    .col(string_null(Events::OnlineUrl))
                    .col(string_null(Events::Hashtag))
                    .col(integer_null(Events::Capacity))
                    .col(boolean(Events::IsPublished).default(false))
                    .col(string_null(Events::RecurrenceRule))
                    .col(string_null(Events::RecurrenceLocalTime))
                    .col(integer_null(Events::RecurrenceMinutes))
                    .col(string_null(Events::HostName))
                    .col(integer(Events::Revision).default(1))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventMembers::Table)
                    .col(pk_auto(EventMembers::Id))
                    .col(integer(EventMembers::EventId))
                    .col(integer(EventMembers::UserId))
                    .col(string(EventMembers::Role))
                    .col(timestamp_with_time_zone(EventMembers::CreatedAt))
                    .foreign_key(&mut crate::fk(EventMembers::Table, EventMembers::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(EventMembers::Table, EventMembers::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_event_members_event_user")
                    .table(EventMembers::Table)
                    .col(EventMembers::EventId)
                    .col(EventMembers::UserId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EventMembers::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Events::Table).to_owned()).await
    }
}

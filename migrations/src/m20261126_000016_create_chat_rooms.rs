use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_users::Users;
use crate::m20261126_000004_create_events::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// How an online chat's live rooms behave, per event.
#[derive(DeriveIden)]
enum EventsChat {
    #[sea_orm(iden = "events")]
    Table,
    /// Posted by the host at the start of each occurrence (the disclaimer).
    ChatOpeningMessage,
    /// Characters per message.
    ChatMessageLimit,
    /// Minutes before the start the room opens.
    ChatOpensMinutesBefore,
}

#[derive(DeriveIden)]
enum ChatOccurrences {
    Table,
    Id,
    /// When the opening message went out (once, whichever instance did it).
    OpeningPostedAt,
}

#[derive(DeriveIden)]
enum ChatTopics {
    Table,
    /// When the topic went out in the room.
    PostedAt,
    /// Who suggested it ("idea from …"), when it came from a topic idea.
    CreditUserId,
}

/// What was said in a room: participants' messages, topics and the
/// opening message (posted by the host).
#[derive(DeriveIden)]
enum ChatMessages {
    Table,
    Id,
    OccurrenceId,
    AuthorId,
    /// `message`, `topic` or `opening`.
    Kind,
    /// Which topic it answers (T-number), or the topic a `topic` message posts.
    TopicPosition,
    ReplyTo,
    QuoteOf,
    Body,
    HiddenAt,
    HiddenBy,
    HiddenReason,
    EditedAt,
    CreatedAt,
}

/// Everything that happened in a room, in order: the ids are the
/// Server-Sent Events ids a reconnecting page resumes from.
#[derive(DeriveIden)]
enum ChatEvents {
    Table,
    Id,
    OccurrenceId,
    MessageId,
    /// `posted`, `hidden` or `edited`.
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChatParticipants {
    Table,
    Id,
    OccurrenceId,
    UserId,
    /// "Lurking / joined late": shown beside their name.
    Lurking,
    MutedAt,
    MutedBy,
}

/// People a host blocked from the whole series.
#[derive(DeriveIden)]
enum ChatBans {
    Table,
    Id,
    EventId,
    UserId,
    BannedBy,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChatReports {
    Table,
    Id,
    MessageId,
    ReporterId,
    Reason,
    CreatedAt,
}

/// Topic ideas attendees send in before an occurrence.
#[derive(DeriveIden)]
enum ChatIdeas {
    Table,
    Id,
    EventId,
    /// The occurrence it is for (its scheduled start).
    ScheduledStart,
    UserId,
    Text,
    /// Set when the host made it a topic.
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChatIdeaVotes {
    Table,
    Id,
    IdeaId,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            text(EventsChat::ChatOpeningMessage).default(""),
            integer(EventsChat::ChatMessageLimit).default(500),
            integer(EventsChat::ChatOpensMinutesBefore).default(15),
        ] {
            manager.alter_table(Table::alter().table(EventsChat::Table).add_column(column).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter().table(ChatOccurrences::Table).add_column(timestamp_with_time_zone_null(ChatOccurrences::OpeningPostedAt)).to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(ChatTopics::Table).add_column(timestamp_with_time_zone_null(ChatTopics::PostedAt)).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(ChatTopics::Table).add_column(integer_null(ChatTopics::CreditUserId)).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatMessages::Table)
                    .col(pk_auto(ChatMessages::Id))
                    .col(integer(ChatMessages::OccurrenceId))
                    .col(integer_null(ChatMessages::AuthorId))
                    .col(string(ChatMessages::Kind))
                    .col(integer_null(ChatMessages::TopicPosition))
                    .col(integer_null(ChatMessages::ReplyTo))
                    .col(integer_null(ChatMessages::QuoteOf))
                    .col(text(ChatMessages::Body))
                    .col(timestamp_with_time_zone_null(ChatMessages::HiddenAt))
                    .col(integer_null(ChatMessages::HiddenBy))
                    .col(string(ChatMessages::HiddenReason).default(""))
                    .col(timestamp_with_time_zone_null(ChatMessages::EditedAt))
                    .col(timestamp_with_time_zone(ChatMessages::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        ChatMessages::Table,
                        ChatMessages::OccurrenceId,
                        ChatOccurrences::Table,
                        ChatOccurrences::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(ChatMessages::Table, ChatMessages::AuthorId, Users::Table, Users::Id, ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chat_messages_room")
                    .table(ChatMessages::Table)
                    .col(ChatMessages::OccurrenceId)
                    .col(ChatMessages::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatEvents::Table)
                    .col(pk_auto(ChatEvents::Id))
                    .col(integer(ChatEvents::OccurrenceId))
                    .col(integer(ChatEvents::MessageId))
                    .col(string(ChatEvents::Kind))
                    .col(timestamp_with_time_zone(ChatEvents::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        ChatEvents::Table,
                        ChatEvents::OccurrenceId,
                        ChatOccurrences::Table,
                        ChatOccurrences::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(
                        ChatEvents::Table,
                        ChatEvents::MessageId,
                        ChatMessages::Table,
                        ChatMessages::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_chat_events_room").table(ChatEvents::Table).col(ChatEvents::OccurrenceId).col(ChatEvents::Id).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatParticipants::Table)
                    .col(pk_auto(ChatParticipants::Id))
                    .col(integer(ChatParticipants::OccurrenceId))
                    .col(integer(ChatParticipants::UserId))
                    .col(boolean(ChatParticipants::Lurking).default(false))
                    .col(timestamp_with_time_zone_null(ChatParticipants::MutedAt))
                    .col(integer_null(ChatParticipants::MutedBy))
                    .foreign_key(&mut crate::fk(
                        ChatParticipants::Table,
                        ChatParticipants::OccurrenceId,
                        ChatOccurrences::Table,
                        ChatOccurrences::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(
                        ChatParticipants::Table,
                        ChatParticipants::UserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chat_participants_pair")
                    .table(ChatParticipants::Table)
                    .col(ChatParticipants::OccurrenceId)
                    .col(ChatParticipants::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatBans::Table)
                    .col(pk_auto(ChatBans::Id))
                    .col(integer(ChatBans::EventId))
                    .col(integer(ChatBans::UserId))
                    .col(integer_null(ChatBans::BannedBy))
                    .col(string(ChatBans::Reason).default(""))
                    .col(timestamp_with_time_zone(ChatBans::CreatedAt))
                    .foreign_key(&mut crate::fk(ChatBans::Table, ChatBans::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(ChatBans::Table, ChatBans::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_chat_bans_pair").table(ChatBans::Table).col(ChatBans::EventId).col(ChatBans::UserId).unique().to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatReports::Table)
                    .col(pk_auto(ChatReports::Id))
                    .col(integer(ChatReports::MessageId))
                    .col(integer(ChatReports::ReporterId))
                    .col(string(ChatReports::Reason).default(""))
                    .col(timestamp_with_time_zone(ChatReports::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        ChatReports::Table,
                        ChatReports::MessageId,
                        ChatMessages::Table,
                        ChatMessages::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(ChatReports::Table, ChatReports::ReporterId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chat_reports_pair")
                    .table(ChatReports::Table)
                    .col(ChatReports::MessageId)
                    .col(ChatReports::ReporterId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatIdeas::Table)
                    .col(pk_auto(ChatIdeas::Id))
                    .col(integer(ChatIdeas::EventId))
                    .col(timestamp_with_time_zone(ChatIdeas::ScheduledStart))
                    .col(integer(ChatIdeas::UserId))
                    .col(string(ChatIdeas::Text))
                    .col(timestamp_with_time_zone_null(ChatIdeas::UsedAt))
                    .col(timestamp_with_time_zone(ChatIdeas::CreatedAt))
                    .foreign_key(&mut crate::fk(ChatIdeas::Table, ChatIdeas::EventId, Events::Table, Events::Id, ForeignKeyAction::Cascade))
                    .foreign_key(&mut crate::fk(ChatIdeas::Table, ChatIdeas::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatIdeaVotes::Table)
                    .col(pk_auto(ChatIdeaVotes::Id))
                    .col(integer(ChatIdeaVotes::IdeaId))
                    .col(integer(ChatIdeaVotes::UserId))
                    .foreign_key(&mut crate::fk(
                        ChatIdeaVotes::Table,
                        ChatIdeaVotes::IdeaId,
                        ChatIdeas::Table,
                        ChatIdeas::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(ChatIdeaVotes::Table, ChatIdeaVotes::UserId, Users::Table, Users::Id, ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chat_idea_votes_pair")
                    .table(ChatIdeaVotes::Table)
                    .col(ChatIdeaVotes::IdeaId)
                    .col(ChatIdeaVotes::UserId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["chat_idea_votes", "chat_ideas", "chat_reports", "chat_bans", "chat_participants", "chat_events", "chat_messages"] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(ChatTopics::Table).drop_column(ChatTopics::CreditUserId).to_owned()).await?;
        manager.alter_table(Table::alter().table(ChatTopics::Table).drop_column(ChatTopics::PostedAt).to_owned()).await?;
        manager.alter_table(Table::alter().table(ChatOccurrences::Table).drop_column(ChatOccurrences::OpeningPostedAt).to_owned()).await?;
        for column in [EventsChat::ChatOpensMinutesBefore, EventsChat::ChatMessageLimit, EventsChat::ChatOpeningMessage] {
            manager.alter_table(Table::alter().table(EventsChat::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

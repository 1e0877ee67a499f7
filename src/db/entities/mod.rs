//! SeaORM entities, one file per table, free of behaviour: the domain modules
//! own what the rows mean.

pub mod agenda_item;
pub mod api_token;
pub mod badge_print;
pub mod block;
pub mod chat_ban;
pub mod chat_event;
pub mod chat_idea;
pub mod chat_idea_vote;
pub mod chat_message;
pub mod chat_occurrence;
pub mod chat_participant;
pub mod chat_report;
pub mod chat_topic;
pub mod connection;
pub mod discount_code;
pub mod event;
pub mod event_member;
pub mod event_role;
pub mod event_signing_key;
pub mod feed_token;
pub mod job;
pub mod login_attempt;
pub mod login_session;
pub mod meetup_slot;
pub mod password_reset;
pub mod profile;
pub mod registration;
pub mod registration_answer;
pub mod registration_change;
pub mod registration_invitation;
pub mod registration_question;
pub mod room;
pub mod session;
pub mod session_speaker;
pub mod stripe_event;
pub mod table_plan;
pub mod table_seat;
pub mod ticket_type;
pub mod track;
pub mod tribe;
pub mod tribe_member;
pub mod user;
pub mod waitlist_entry;

/// Shows a stored state as the word stored, which is what messages, CSV
/// files and the API say.
macro_rules! display_as_stored {
    ($($state:ty),* $(,)?) => {$(
        impl std::fmt::Display for $state {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&sea_orm::ActiveEnum::to_value(self))
            }
        }
    )*};
}

display_as_stored!(
    badge_print::PrintStatus,
    chat_event::RoomEventKind,
    chat_message::MessageKind,
    chat_occurrence::OccurrenceStatus,
    connection::ConnectionStatus,
    discount_code::DiscountKind,
    event::EventKind,
    event_member::TeamRole,
    profile::Visibility,
    registration::RefundStatus,
    registration::RegistrationStatus,
    registration_invitation::InvitationStatus,
    registration_question::QuestionKind,
    session::SessionStatus,
    waitlist_entry::WaitlistStatus,
);

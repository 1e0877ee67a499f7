//! SeaORM entities, one file per table, free of behaviour: the domain modules
//! own what the rows mean.

pub mod agenda_item;
pub mod api_token;
pub mod badge_print;
pub mod block;
pub mod chat_occurrence;
pub mod chat_topic;
pub mod connection;
pub mod discount_code;
pub mod event;
pub mod event_member;
pub mod event_role;
pub mod feed_token;
pub mod login_attempt;
pub mod meetup_slot;
pub mod profile;
pub mod registration;
pub mod registration_answer;
pub mod registration_change;
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

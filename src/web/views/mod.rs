//! View models: what each API resource shows (and, screen by screen, what
//! the pages show), as typed `Serialize` structs. The page and the API read
//! the same struct, and the OpenAPI document is derived from these types
//! (`utoipa::ToSchema`), so what is documented is what is sent.

pub mod accounts;
pub mod badges;
pub mod chats;
pub mod community;
pub mod events;
pub mod organize;
pub mod problems;
pub mod registration;
pub mod schedule;

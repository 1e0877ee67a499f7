//! View models: what each API resource shows (and, screen by screen, what
//! the pages show), as typed `Serialize` structs. The page and the API read
//! the same struct, and the OpenAPI document is derived from these types
//! (`utoipa::ToSchema`), so what is documented is what is sent.

pub mod accounts;
pub mod badges;
pub mod charts;
pub mod chats;
pub mod community;
pub mod events;
pub mod frame;
pub mod organize;
pub mod problems;
pub mod registration;
pub mod schedule;
pub mod seo;

use serde::Serialize;

use crate::db::entities::event_role;

/// One option of a filter or a `<select>` (a role, a room, a track, a
/// ticket type, a tag), marked when chosen.
#[derive(Serialize)]
pub struct Choice<T = i32> {
    pub id: T,
    pub name: String,
    pub selected: bool,
}

impl Choice {
    /// An event's roles, the chosen one marked.
    pub fn roles(roles: &[event_role::Model], selected: Option<i32>) -> Vec<Choice> {
        roles.iter().map(|r| Choice { id: r.id, name: r.name.clone(), selected: Some(r.id) == selected }).collect()
    }
}

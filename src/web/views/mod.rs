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

/// Where one page of a long list sits among the others.
#[derive(Serialize)]
pub struct Paging {
    /// Everything the filters found.
    pub count: usize,
    /// "1–24": which of them this page shows.
    pub shown: String,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
}

impl Paging {
    /// Takes page `page` (from 1, clamped) of `all`, `per_page` at a time;
    /// `url(n)` is page n's address with the list's filters.
    pub fn take<T>(mut all: Vec<T>, page: usize, per_page: usize, url: impl Fn(usize) -> String) -> (Vec<T>, Paging) {
        let count = all.len();
        let pages = count.div_ceil(per_page).max(1);
        let page = page.clamp(1, pages);
        let start = (page - 1) * per_page;
        let items: Vec<T> = all.drain(start.min(count)..(start + per_page).min(count)).collect();
        let paging = Paging {
            count,
            shown: if items.is_empty() { "0".into() } else { format!("{}–{}", start + 1, start + items.len()) },
            previous_url: (page > 1).then(|| url(page - 1)),
            next_url: (page < pages).then(|| url(page + 1)),
        };
        (items, paging)
    }
}

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

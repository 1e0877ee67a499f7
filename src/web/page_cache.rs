//! Public pages rendered once and served from memory, the way the exports
//! are: the event page, the schedule (list and grid, each filter that links
//! point to), session and speaker pages, a chat series and its transcripts,
//! and the people directory as a visitor sees it.
//!
//! A page is kept per event version (its schedule `revision`, its
//! `page_revision` that every change a public page shows bumps, and its
//! `updated_at`), per address and per chosen time zone. A logged-in visitor
//! whose browser runs the pages' script gets the schedule, session and
//! speaker pages from a copy kept for every member (their own name, token,
//! agenda and zone come from `me.json`); other logged-in visitors, the
//! event's team and anyone carrying a one-time message (a flash) are
//! rendered for themselves. The event row behind the version is the one exports use:
//! read again at once after this instance's own writes, and at most a
//! second late after another instance's (`PUBLISHED_EVENT_TTL`).
//!
//! How a request finds its page: the probe route (`cached_page`, ranked
//! before every other) answers from memory when it can, waits for a render
//! already under way for the same page, or forwards to the page's own route
//! with a ticket; that route renders, and `Page::public` fills the ticket.
//! So a page is rendered once however many visitors ask at the same moment.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::domain::schedule::exports::Rendered;
use crate::web::conditional::Conditional;
use crate::web::page_store::{Lookup, PageKey, RenderTicket, Version};
use crate::web::AppState;
use rocket::http::{ContentType, Method};
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest, Request};
use rocket::{get, routes, Route};

/// How long a visitor waits for someone else's rendering of the same page
/// before rendering it for themselves.
const WAIT_FOR_RENDER: Duration = Duration::from_secs(5);

/// The ticket a forwarded request carries to its page's route.
struct PendingRender(Mutex<Option<RenderTicket>>);

/// The render ticket the probe gave this request, if any: only visits that
/// get a kept copy (for everyone, or for every member) get one.
pub fn take_ticket(req: &Request<'_>) -> Option<RenderTicket> {
    req.local_cache(|| PendingRender(Mutex::new(None))).0.lock().ok()?.take()
}

/// Whether the page at this address is kept: `/events/<slug>` and these
/// below it; for members (logged in), the pages whose only personal parts
/// are the header and the agenda buttons. A query naming anything but
/// links' filters (a search, a hidden ticket's access code) is rendered for
/// its visitor alone.
pub fn is_kept<'a>(segments: &[&str], mut query_names: impl Iterator<Item = &'a str>, for_members: bool) -> bool {
    const FILTERS: [&str; 8] = ["track", "tag", "view", "day", "role", "interest", "organization", "page"];
    let kept = match segments {
        ["events", _, "schedule"] | ["events", _, "speakers", _] => true,
        ["events", _, "sessions", id] => id.bytes().all(|b| b.is_ascii_digit()),
        ["events", _] | ["events", _, "people" | "chats"] | ["events", _, "chats", _, "transcript"] => !for_members,
        _ => false,
    };
    kept && query_names.all(|name| FILTERS.contains(&name))
}

/// Cookies that make a visit its visitor's own: logged in, a message shown
/// once. (A chosen time zone makes it one of the kept copies per zone.)
pub const PERSONAL_COOKIES: [&str; 2] = [crate::web::guards::SESSION_COOKIE, "_flash"];

/// Set by the pages' script (`localtime.js`) for the browser's session:
/// this browser runs it, so a logged-in visitor can be given the copy kept
/// for members and fill in their own state.
pub const SCRIPT_COOKIE: &str = "tribe_js";

fn kept_address(req: &Request<'_>, for_members: bool) -> Option<String> {
    let segments: Vec<&str> = req.uri().path().segments().collect();
    let names = req.uri().query().into_iter().flat_map(|q| q.segments().map(|(name, _)| name));
    is_kept(&segments, names, for_members).then(|| req.uri().to_string())
}

/// A page answered from memory.
pub struct CachedPage(Arc<Rendered>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CachedPage {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let forward = Outcome::Forward(rocket::http::Status::NotFound);
        if req.method() != Method::Get && req.method() != Method::Head {
            return forward;
        }
        let Some(state) = req.rocket().state::<AppState>() else { return forward };
        let visitor = crate::web::guards::cached_user(req);
        let for_members = match visitor {
            // A logged-in visitor whose browser runs the pages' script gets
            // the copy kept for members and asks for their own state
            // (`me.json`); without script, or with a flash, their own page.
            Some(person) => {
                if person.is_site_admin || req.cookies().get(SCRIPT_COOKIE).is_none() || req.cookies().get("_flash").is_some() {
                    return forward;
                }
                true
            }
            None if PERSONAL_COOKIES.iter().any(|name| req.cookies().get(name).is_some()) => return forward,
            None => false,
        };
        let Some(address) = kept_address(req, for_members) else { return forward };
        let slug = req.uri().path().segments().nth(1).unwrap_or("");
        // Drafts are not kept: they are for their team, who are logged in.
        let Ok(Some(event)) = state.exports.published_event(&state.db, slug).await else {
            return forward;
        };
        if let Some(person) = visitor {
            // The team sees drafts and their tools in place: their own page.
            let on_team = match crate::domain::events::team_role(&state.db, event.id, person.id).await {
                Ok(role) => role.is_some(),
                Err(_) => return forward,
            };
            // What the fast path may go by for a second (`kept_sessions`).
            if let Some(token_hash) = crate::web::guards::session_token_hash(req.cookies()) {
                state.sessions.note_team(&token_hash, event.id, on_team);
            }
            if on_team {
                return forward;
            }
        }
        // A member's zone comes with their state; a visitor's chosen zone
        // makes a copy of its own.
        let zone = if for_members {
            None
        } else {
            req.cookies().get(crate::web::guards::ZONE_COOKIE).and_then(|c| crate::domain::times::parse_zone(c.value())).map(|z| z.name().to_owned())
        };
        let key = PageKey { event_id: event.id, address, zone, for_members };
        let mut waited = false;
        loop {
            let lookup = state.pages.lookup(key.clone(), Version::of(&event));
            state.metrics.page_lookup(lookup.outcome());
            match lookup {
                Lookup::Hit(page) => return Outcome::Success(CachedPage(page)),
                Lookup::Wait(mut receiver) if !waited => {
                    waited = true;
                    if let Ok(Ok(())) = tokio::time::timeout(WAIT_FOR_RENDER, receiver.changed()).await {
                        if let Some(page) = receiver.borrow().clone() {
                            return Outcome::Success(CachedPage(page));
                        }
                    }
                }
                Lookup::Wait(_) => return forward,
                Lookup::Render(ticket) => {
                    req.local_cache(|| PendingRender(Mutex::new(None))).0.lock().map(|mut t| *t = Some(ticket)).ok();
                    return forward;
                }
            }
        }
    }
}

/// Answers from memory or forwards (ranked before every page route in
/// `routes`: the attribute takes no negative rank).
#[get("/events/<_path..>")]
fn cached_page(_path: rocket::http::uri::Segments<'_, rocket::http::uri::fmt::Path>, page: CachedPage) -> Conditional {
    conditional_page(page.0)
}

/// How a kept page goes out: validators, the coding the browser takes, and
/// caches on the way told that it differs with the cookies (a logged-in
/// visitor's copy is their own).
pub fn conditional_page(rendered: Arc<Rendered>) -> Conditional {
    Conditional { rendered, content_type: ContentType::HTML, filename: None, cache_control: "public", vary_cookie: true }
}

pub fn routes() -> Vec<Route> {
    let mut probe = routes![cached_page];
    for route in &mut probe {
        // Below every route Rocket ranks by default (-12 at the lowest).
        route.rank = -100;
    }
    probe
}

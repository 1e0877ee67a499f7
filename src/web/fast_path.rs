//! Kept public pages, exports and personal feeds answered before Rocket handles the
//! request (Tribe's patch to Rocket, `rocket::fast_path`): when the bytes
//! are in memory and current, the answer is made from the request line and
//! a few headers, with the same headers Rocket's path would send. A
//! logged-in visitor whose browser runs the pages' script gets the copy
//! kept for members and their own `me.json` this way too, when Rocket's
//! path read their session within the second (`kept_sessions`). Anything
//! else (a flash, a chosen zone, a page not rendered yet, an event row
//! older than a second, a session not read lately, the event's team, an
//! address Rocket would decode) goes through Rocket as usual, which
//! renders and keeps the page.

use rocket::fast_path::{cookie, private_cookie, Answer, FastPath, RawRequest};
use rocket::http::hyper;
use rocket::{Orbit, Rocket};

use crate::domain::secrets::hash_token;
use crate::web::conditional::{not_modified, preferred_coding, Conditional};
use crate::web::csrf::CSRF_COOKIE;
use crate::web::fairings::security_headers;
use crate::web::guards::{SESSION_COOKIE, ZONE_COOKIE};
use crate::web::metrics::FastAnswer;
use crate::web::page_cache::{conditional_page, is_kept, SCRIPT_COOKIE};
use crate::web::page_store::{PageKey, Version};
use crate::web::pages::agenda::feed_answer;
use crate::web::pages::events::{export_answer, export_kind};
use crate::web::AppState;

pub fn fast_path() -> FastPath {
    FastPath::new(answer)
}

fn answer(rocket: &Rocket<Orbit>, req: &RawRequest) -> Option<Answer> {
    if req.method() != hyper::Method::GET {
        return None;
    }
    let started = std::time::Instant::now();
    let state = rocket.state::<AppState>()?;
    let (kind, answer) = answer_from_memory(rocket, state, req)?;
    state.pages.count_early_answer();
    state.metrics.observe_fast(kind, answer.status().as_u16(), started.elapsed());
    Some(answer)
}

fn answer_from_memory(rocket: &Rocket<Orbit>, state: &AppState, req: &RawRequest) -> Option<(FastAnswer, Answer)> {
    let path = req.uri().path();
    // Addresses Rocket reads differently from their bytes (encoded or
    // empty segments) take Rocket's path.
    if path.contains("//") || path.contains('%') || path.ends_with('/') || req.uri().query().is_some_and(|q| q.contains('%') || q.contains('+')) {
        return None;
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let (kind, document) = match segments.as_slice() {
        ["events", slug, file] if export_kind(file).is_some() && req.uri().query().is_none() => {
            let kind = export_kind(file)?;
            let document = state
                .exports
                .fresh_published(slug, |event| state.exports.current(event, kind, &state.config.base_url).map(|r| export_answer(r, event, kind)))??;
            (FastAnswer::export(kind), document)
        }
        ["events", slug, "me.json"] if req.uri().query().is_none() => {
            return Some((FastAnswer::VisitorState, visitor_state(rocket, state, req, slug, path)?))
        }
        ["feeds", file] if req.uri().query().is_none() => {
            (FastAnswer::Feed, feed_answer(state.exports.fresh_feed(&state.db, file.strip_suffix(".ics")?, &state.config.base_url)?))
        }
        _ => (FastAnswer::Page, kept_page(rocket, state, req, &segments)?),
    };
    Some((kind, respond(rocket, req, &document, path)?))
}

/// The names of the request's cookies; `None` when one is named in a way
/// Rocket might read otherwise (not plain ASCII, encoded).
fn cookie_names(req: &RawRequest) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    for header in req.headers().get_all("cookie") {
        let text = header.to_str().ok()?;
        names.extend(text.split(';').map(|c| c.split('=').next().unwrap_or("").trim()));
    }
    (!names.iter().any(|name| name.contains('%'))).then_some(names)
}

fn kept_page(rocket: &Rocket<Orbit>, state: &AppState, req: &RawRequest, segments: &[&str]) -> Option<Conditional> {
    let names = cookie_names(req)?;
    let has = |cookie: &str| names.contains(&cookie);
    // A message shown once is its visitor's own page.
    if has("_flash") {
        return None;
    }
    // A member with the pages' script gets the members' copy; without it,
    // their own page (Rocket's path). A visitor's chosen zone makes a copy
    // of its own, which Rocket's path keys.
    let member = match (has(SESSION_COOKIE), has(SCRIPT_COOKIE)) {
        (true, true) => Some(session_of(rocket, state, req)?),
        (true, false) => return None,
        (false, _) if has(ZONE_COOKIE) => return None,
        (false, _) => None,
    };
    let query_names =
        req.uri().query().into_iter().flat_map(|q| q.split('&')).map(|pair| pair.split('=').next().unwrap_or("")).filter(|n| !n.is_empty());
    if !is_kept(segments, query_names, member.is_some()) {
        return None;
    }
    let (event_id, version) = state.exports.fresh_published(segments[1], |event| (event.id, Version::of(event)))?;
    if let Some(token_hash) = &member {
        if !state.sessions.is_plain_member(token_hash, event_id, &state.config.sessions) {
            return None;
        }
    }
    let key = PageKey { event_id, address: req.uri().path_and_query()?.as_str().to_owned(), zone: None, for_members: member.is_some() };
    Some(conditional_page(state.pages.ready(&key, version)?))
}

/// A member's own `me.json`, as Rocket's path last answered it for this
/// session, event version, form token and zone cookie.
fn visitor_state(rocket: &Rocket<Orbit>, state: &AppState, req: &RawRequest, slug: &str, path: &str) -> Option<Answer> {
    let token_hash = session_of(rocket, state, req)?;
    let csrf =
        state.sessions.decrypted(sent_once(req, CSRF_COOKIE)?, || private_cookie(rocket, req, CSRF_COOKIE)).filter(|token| !token.is_empty())?;
    let (event_id, version) = state.exports.fresh_published(slug, |event| (event.id, Version::of(event)))?;
    let zone_cookie = cookie(req, ZONE_COOKIE);
    let body = state.sessions.state(&token_hash, event_id, &state.config.sessions, version, &csrf, zone_cookie.as_deref())?;
    let headers = vec![("Content-Type", "application/json".to_owned()), ("Cache-Control", "private, no-store".to_owned())];
    finish(rocket, path, 200, headers, body)
}

/// How `kept_sessions` names the request's session: the SHA-256 of the
/// token in its (encrypted) cookie.
fn session_of(rocket: &Rocket<Orbit>, state: &AppState, req: &RawRequest) -> Option<String> {
    state.sessions.decrypted(sent_once(req, SESSION_COOKIE)?, || Some(hash_token(&private_cookie(rocket, req, SESSION_COOKIE)?)))
}

/// The cookie `name` as the browser sent it (`name=value`), when it sent
/// it once; `None` when it is missing or sent more than once (Rocket's
/// path then decides which one counts).
fn sent_once<'r>(req: &'r RawRequest, name: &str) -> Option<&'r str> {
    let mut found = None;
    for header in req.headers().get_all("cookie") {
        for part in header.to_str().ok()?.split(';').map(str::trim) {
            if part.strip_prefix(name).is_some_and(|rest| rest.starts_with('=')) {
                if found.is_some() {
                    return None;
                }
                found = Some(part);
            }
        }
    }
    found
}

/// An answer with the headers Rocket's path puts on every answer (its
/// `Server`, the security headers for this path) and these.
fn finish(rocket: &Rocket<Orbit>, path: &str, status: u16, headers: Vec<(&'static str, String)>, body: bytes::Bytes) -> Option<Answer> {
    let mut answer = hyper::Response::builder().status(status);
    if let Some(ident) = rocket.config().ident.as_str() {
        answer = answer.header("Server", ident);
    }
    for (name, value) in security_headers(path) {
        answer = answer.header(name, value);
    }
    for (name, value) in headers {
        answer = answer.header(name, value);
    }
    answer.body(body).ok()
}

/// The answer Rocket's path would give: the same headers (its `Server`, the
/// security headers, the validators), a 304 when the browser's copy is
/// current, else the kept bytes in the coding it takes.
fn respond(rocket: &Rocket<Orbit>, req: &RawRequest, document: &Conditional, path: &str) -> Option<Answer> {
    let headers = req.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let coding = preferred_coding(headers.get_all("accept-encoding").into_iter().filter_map(|v| v.to_str().ok()), &document.rendered);
    let mut answer: Vec<(&'static str, String)> = document.validators(coding).into();
    let etag = coding.etag(&document.rendered.etag);
    if not_modified(text("if-none-match"), text("if-modified-since"), &document.rendered, &etag) {
        return finish(rocket, path, 304, answer, bytes::Bytes::new());
    }
    answer.push(("Content-Type", document.content_type.to_string()));
    if let Some(disposition) = document.disposition() {
        answer.push(("Content-Disposition", disposition));
    }
    if let Some(encoding) = coding.header() {
        answer.push(("Content-Encoding", encoding.to_owned()));
    }
    finish(rocket, path, 200, answer, coding.body(&document.rendered))
}

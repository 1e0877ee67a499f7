//! Kept public pages and exports answered before Rocket handles the
//! request (Tribe's patch to Rocket, `rocket::fast_path`): when the bytes
//! are in memory and current, the answer is made from the request line and
//! a few headers, with the same headers Rocket's path would send. Anything
//! else (a logged-in visitor, a flash, a chosen zone, a page not rendered
//! yet, an event row older than a second, an address Rocket would decode)
//! goes through Rocket as usual, which renders and keeps the page.

use rocket::fast_path::{Answer, FastPath, RawRequest};
use rocket::http::hyper;
use rocket::{Orbit, Rocket};

use crate::web::conditional::{not_modified, preferred_coding, Conditional};
use crate::web::fairings::security_headers;
use crate::web::page_cache::{conditional_page, is_kept, PERSONAL_COOKIES};
use crate::web::page_store::{PageKey, Version};
use crate::web::pages::events::{export_answer, export_kind};
use crate::web::AppState;

pub fn fast_path() -> FastPath {
    FastPath::new(answer)
}

fn answer(rocket: &Rocket<Orbit>, req: &RawRequest) -> Option<Answer> {
    if req.method() != hyper::Method::GET {
        return None;
    }
    let path = req.uri().path();
    // Addresses Rocket reads differently from their bytes (encoded or
    // empty segments) take Rocket's path.
    if path.contains("//") || path.contains('%') || path.ends_with('/') || req.uri().query().is_some_and(|q| q.contains('%') || q.contains('+')) {
        return None;
    }
    let state = rocket.state::<AppState>()?;
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let document = match segments.as_slice() {
        ["events", slug, file] if export_kind(file).is_some() && req.uri().query().is_none() => {
            let kind = export_kind(file)?;
            state
                .exports
                .fresh_published(slug, |event| state.exports.current(event, kind, &state.config.base_url).map(|r| export_answer(r, event, kind)))??
        }
        _ => kept_page(state, req, &segments)?,
    };
    respond(rocket, req, &document, path)
}

fn kept_page(state: &AppState, req: &RawRequest, segments: &[&str]) -> Option<Conditional> {
    // Cookies Rocket might read otherwise (not plain ASCII, an encoded
    // name) take its path.
    let mut cookie_names = Vec::new();
    for header in req.headers().get_all("cookie") {
        let text = header.to_str().ok()?;
        cookie_names.extend(text.split(';').map(|c| c.split('=').next().unwrap_or("").trim()));
    }
    if cookie_names.iter().any(|name| name.contains('%') || PERSONAL_COOKIES.contains(name) || *name == crate::web::guards::ZONE_COOKIE) {
        return None;
    }
    let query_names =
        req.uri().query().into_iter().flat_map(|q| q.split('&')).map(|pair| pair.split('=').next().unwrap_or("")).filter(|n| !n.is_empty());
    if !is_kept(segments, query_names, false) {
        return None;
    }
    let (event_id, version) = state.exports.fresh_published(segments[1], |event| (event.id, Version::of(event)))?;
    let key = PageKey { event_id, address: req.uri().path_and_query()?.as_str().to_owned(), zone: None, for_members: false };
    let page = state.pages.ready(&key, version)?;
    state.pages.count_early_answer();
    Some(conditional_page(page))
}

/// The answer Rocket's path would give: the same headers (its `Server`, the
/// security headers, the validators), a 304 when the browser's copy is
/// current, else the kept bytes in the coding it takes.
fn respond(rocket: &Rocket<Orbit>, req: &RawRequest, document: &Conditional, path: &str) -> Option<Answer> {
    let headers = req.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let coding = preferred_coding(headers.get_all("accept-encoding").into_iter().filter_map(|v| v.to_str().ok()), &document.rendered);
    let mut answer = hyper::Response::builder();
    for (name, value) in document.validators(coding) {
        answer = answer.header(name, value);
    }
    if let Some(ident) = rocket.config().ident.as_str() {
        answer = answer.header("Server", ident);
    }
    for (name, value) in security_headers(path) {
        answer = answer.header(name, value);
    }
    let etag = coding.etag(&document.rendered.etag);
    if not_modified(text("if-none-match"), text("if-modified-since"), &document.rendered, &etag) {
        return answer.status(304).body(bytes::Bytes::new()).ok();
    }
    answer = answer.header("Content-Type", document.content_type.to_string());
    if let Some(disposition) = document.disposition() {
        answer = answer.header("Content-Disposition", disposition);
    }
    if let Some(encoding) = coding.header() {
        answer = answer.header("Content-Encoding", encoding);
    }
    answer.status(200).body(coding.body(&document.rendered)).ok()
}

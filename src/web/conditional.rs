//! Answers for documents that clients poll (schedule exports, calendar
//! feeds): ETag and Last-Modified, and 304 when the client already has it.

use std::io::Cursor;
use std::sync::Arc;

use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};

use crate::domain::schedule::exports::Rendered;

pub struct Conditional {
    pub rendered: Arc<Rendered>,
    pub content_type: ContentType,
    /// Offered as a download under this name.
    pub filename: Option<String>,
    /// `public` for published schedules; `private` for personal feeds.
    pub cache_control: &'static str,
}

fn http_date(instant: chrono::DateTime<chrono::Utc>) -> String {
    instant.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The gzip representation gets its own strong validator, as RFC 9110
/// requires for a different content coding.
fn gzip_etag(etag: &str) -> String {
    format!("{}-gz\"", etag.trim_end_matches('"'))
}

fn not_modified(req: &Request<'_>, rendered: &Rendered) -> bool {
    if let Some(tags) = req.headers().get_one("If-None-Match") {
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); weak comparison.
        let gzip = gzip_etag(&rendered.etag);
        return tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == rendered.etag || t == gzip);
    }
    if let Some(since) = req.headers().get_one("If-Modified-Since") {
        if let Ok(since) = chrono::DateTime::parse_from_rfc2822(since) {
            return rendered.last_modified.timestamp() <= since.timestamp();
        }
    }
    false
}

/// Whether the client takes gzip (`Accept-Encoding: gzip`, not `gzip;q=0`).
fn accepts_gzip(req: &Request<'_>) -> bool {
    req.headers().get("Accept-Encoding").flat_map(|v| v.split(',')).any(|coding| {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| matches!(p.trim().replace(' ', "").as_str(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// The shared rendering, served without copying it per request.
struct SharedBody(Arc<Rendered>, bool);

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        if self.1 {
            &self.0.gzipped
        } else {
            self.0.body.as_bytes()
        }
    }
}

impl<'r> Responder<'r, 'static> for Conditional {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let gzip = !self.rendered.gzipped.is_empty() && accepts_gzip(req);
        let etag = if gzip { gzip_etag(&self.rendered.etag) } else { self.rendered.etag.clone() };
        let mut builder = Response::build();
        builder
            .raw_header("Vary", "Accept-Encoding")
            .raw_header("ETag", etag)
            .raw_header("Last-Modified", http_date(self.rendered.last_modified))
            .raw_header("Cache-Control", format!("{}, no-cache", self.cache_control));
        if not_modified(req, &self.rendered) {
            return builder.status(Status::NotModified).ok();
        }
        builder.header(self.content_type);
        if let Some(name) = &self.filename {
            builder.header(Header::new("Content-Disposition", format!("inline; filename=\"{name}\"")));
        }
        if gzip {
            builder.raw_header("Content-Encoding", "gzip");
        }
        let body = SharedBody(self.rendered, gzip);
        builder.sized_body(body.as_ref().len(), Cursor::new(body)).ok()
    }
}

//! Answers for documents that clients poll (schedule exports, calendar
//! feeds): ETag and Last-Modified, and 304 when the client already has it.

use std::io::Cursor;
use std::sync::Arc;

use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};

use crate::domain::exports::Rendered;

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

fn not_modified(req: &Request<'_>, rendered: &Rendered) -> bool {
    if let Some(tags) = req.headers().get_one("If-None-Match") {
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); weak comparison.
        return tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == rendered.etag);
    }
    if let Some(since) = req.headers().get_one("If-Modified-Since") {
        if let Ok(since) = chrono::DateTime::parse_from_rfc2822(since) {
            return rendered.last_modified.timestamp() <= since.timestamp();
        }
    }
    false
}

impl<'r> Responder<'r, 'static> for Conditional {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut builder = Response::build();
        builder
            .raw_header("ETag", self.rendered.etag.clone())
            .raw_header("Last-Modified", http_date(self.rendered.last_modified))
            .raw_header("Cache-Control", format!("{}, no-cache", self.cache_control));
        if not_modified(req, &self.rendered) {
            return builder.status(Status::NotModified).ok();
        }
        builder.header(self.content_type);
        if let Some(name) = &self.filename {
            builder.header(Header::new("Content-Disposition", format!("inline; filename=\"{name}\"")));
        }
        let body = self.rendered.body.clone();
        builder.sized_body(body.len(), Cursor::new(body)).ok()
    }
}

//! Answers for documents that clients poll (schedule exports, calendar
//! feeds): ETag and Last-Modified, 304 when the client already has it, and
//! the bytes as rendered once: brotli or gzip as the client prefers, sent
//! in large chunks (Rocket's default of 4 KiB made a 1 MB export cost 256
//! copies and writes).

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
    /// The answer differs with the cookies (pages: a logged-in visitor's
    /// copy is their own), as caches on the way must know.
    pub vary_cookie: bool,
}

/// How much of a cached body goes to the connection at once.
const CHUNK: usize = 256 * 1024;

/// A content coding Tribe keeps each document in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// Each coding's representation gets its own strong validator, as RFC
    /// 9110 requires.
    pub fn etag(self, etag: &str) -> String {
        match self {
            Coding::Identity => etag.to_owned(),
            Coding::Gzip => format!("{}-gz\"", etag.trim_end_matches('"')),
            Coding::Brotli => format!("{}-br\"", etag.trim_end_matches('"')),
        }
    }

    /// The `Content-Encoding` to send, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }

    /// The kept bytes in this coding (shared, not copied; a text kept only
    /// gzipped is inflated for the rare client that takes no gzip).
    pub fn body(self, rendered: &Rendered) -> bytes::Bytes {
        match self {
            Coding::Identity => rendered.plain(),
            Coding::Gzip => rendered.gzipped.clone(),
            Coding::Brotli => rendered.brotli.clone(),
        }
    }
}

/// Whether the client holds the representation it would be sent now
/// (`etag`: the validator of the chosen coding), from its `If-None-Match`
/// and `If-Modified-Since` headers.
pub fn not_modified(if_none_match: Option<&str>, if_modified_since: Option<&str>, rendered: &Rendered, etag: &str) -> bool {
    if let Some(tags) = if_none_match {
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); weak comparison.
        return tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == etag);
    }
    if let Some(since) = if_modified_since {
        if let Ok(since) = chrono::DateTime::parse_from_rfc2822(since) {
            return rendered.last_modified.timestamp() <= since.timestamp();
        }
    }
    false
}

/// The coding to send: the one the client weighs highest among those kept
/// (brotli before gzip when equal), identity when it takes neither.
/// `accept_encoding`: the values of its `Accept-Encoding` headers.
pub fn preferred_coding<'a>(accept_encoding: impl Iterator<Item = &'a str>, rendered: &Rendered) -> Coding {
    // The weight the client gives each coding: named ones as named, `*`
    // for those it did not name.
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for offer in accept_encoding.flat_map(|v| v.split(',')) {
        let mut parts = offer.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match name.as_str() {
            "br" => brotli = Some(weight),
            "gzip" | "x-gzip" => gzip = Some(weight),
            "*" => any = Some(weight),
            _ => {}
        }
    }
    let brotli = if rendered.brotli.is_empty() { 0.0 } else { brotli.or(any).unwrap_or(0.0) };
    let gzip = if rendered.gzipped.is_empty() { 0.0 } else { gzip.or(any).unwrap_or(0.0) };
    match (brotli, gzip) {
        (b, g) if b > 0.0 && b >= g => Coding::Brotli,
        (_, g) if g > 0.0 => Coding::Gzip,
        _ => Coding::Identity,
    }
}

impl Conditional {
    /// The headers every answer of this document carries, 200 or 304.
    pub fn validators(&self, coding: Coding) -> [(&'static str, String); 4] {
        [
            ("Vary", if self.vary_cookie { "Accept-Encoding, Cookie" } else { "Accept-Encoding" }.to_owned()),
            ("ETag", coding.etag(&self.rendered.etag)),
            ("Last-Modified", self.rendered.last_modified_header.clone()),
            ("Cache-Control", format!("{}, no-cache", self.cache_control)),
        ]
    }

    /// `Content-Disposition`, for a download.
    pub fn disposition(&self) -> Option<String> {
        self.filename.as_ref().map(|name| format!("inline; filename=\"{name}\""))
    }
}

impl<'r> Responder<'r, 'static> for Conditional {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let coding = preferred_coding(req.headers().get("Accept-Encoding"), &self.rendered);
        let mut builder = Response::build();
        for (name, value) in self.validators(coding) {
            builder.raw_header(name, value);
        }
        let etag = coding.etag(&self.rendered.etag);
        if not_modified(req.headers().get_one("If-None-Match"), req.headers().get_one("If-Modified-Since"), &self.rendered, &etag) {
            return builder.status(Status::NotModified).ok();
        }
        builder.header(self.content_type.clone());
        if let Some(disposition) = self.disposition() {
            builder.header(Header::new("Content-Disposition", disposition));
        }
        if let Some(encoding) = coding.header() {
            builder.raw_header("Content-Encoding", encoding);
        }
        let body = coding.body(&self.rendered);
        // The chunk size belongs to the body: set it after the body.
        builder.sized_body(body.len(), Cursor::new(body)).max_chunk_size(CHUNK).ok()
    }
}

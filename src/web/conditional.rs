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

fn http_date(instant: chrono::DateTime<chrono::Utc>) -> String {
    instant.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// How much of a cached body goes to the connection at once.
const CHUNK: usize = 256 * 1024;

/// A content coding Tribe keeps each document in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// Each coding's representation gets its own strong validator, as RFC
    /// 9110 requires.
    fn etag(self, etag: &str) -> String {
        match self {
            Coding::Identity => etag.to_owned(),
            Coding::Gzip => format!("{}-gz\"", etag.trim_end_matches('"')),
            Coding::Brotli => format!("{}-br\"", etag.trim_end_matches('"')),
        }
    }
}

/// Whether the client holds the representation it would be sent now
/// (`etag`: the validator of the chosen coding).
fn not_modified(req: &Request<'_>, rendered: &Rendered, etag: &str) -> bool {
    if let Some(tags) = req.headers().get_one("If-None-Match") {
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); weak comparison.
        return tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == etag);
    }
    if let Some(since) = req.headers().get_one("If-Modified-Since") {
        if let Ok(since) = chrono::DateTime::parse_from_rfc2822(since) {
            return rendered.last_modified.timestamp() <= since.timestamp();
        }
    }
    false
}

/// The coding to send: the one the client weighs highest among those kept
/// (brotli before gzip when equal), identity when it takes neither.
fn preferred_coding(req: &Request<'_>, rendered: &Rendered) -> Coding {
    // The weight the client gives each coding: named ones as named, `*`
    // for those it did not name.
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for offer in req.headers().get("Accept-Encoding").flat_map(|v| v.split(',')) {
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

/// The shared rendering, served without copying it per request.
struct SharedBody(Arc<Rendered>, Coding);

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        match self.1 {
            Coding::Identity => self.0.body.as_bytes(),
            Coding::Gzip => &self.0.gzipped,
            Coding::Brotli => &self.0.brotli,
        }
    }
}

impl<'r> Responder<'r, 'static> for Conditional {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let coding = preferred_coding(req, &self.rendered);
        let etag = coding.etag(&self.rendered.etag);
        let mut builder = Response::build();
        builder
            .raw_header("Vary", if self.vary_cookie { "Accept-Encoding, Cookie" } else { "Accept-Encoding" })
            .raw_header("ETag", etag.clone())
            .raw_header("Last-Modified", http_date(self.rendered.last_modified))
            .raw_header("Cache-Control", format!("{}, no-cache", self.cache_control));
        if not_modified(req, &self.rendered, &etag) {
            return builder.status(Status::NotModified).ok();
        }
        builder.header(self.content_type);
        if let Some(name) = &self.filename {
            builder.header(Header::new("Content-Disposition", format!("inline; filename=\"{name}\"")));
        }
        match coding {
            Coding::Gzip => {
                builder.raw_header("Content-Encoding", "gzip");
            }
            Coding::Brotli => {
                builder.raw_header("Content-Encoding", "br");
            }
            Coding::Identity => {}
        }
        let body = SharedBody(self.rendered, coding);
        // The chunk size belongs to the body: set it after the body.
        builder.sized_body(body.as_ref().len(), Cursor::new(body)).max_chunk_size(CHUNK).ok()
    }
}

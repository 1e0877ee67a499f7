//! Tribe's patch: an application's answer from memory, before Rocket.
//!
//! Some answers are bytes the application already holds (a page or export
//! rendered once per revision) and depend only on the request line and a
//! few headers. Rocket's path for them (a task per request, request
//! parsing, fairings, routing, guards, a body channel) costs as much as a
//! static file server's whole answer. An application that manages a
//! `FastPath` is asked first, with the raw request; when it answers, the
//! answer goes straight to hyper with its body in one piece (no copy, one
//! write). When it does not (`None`), Rocket handles the request as usual.
//!
//! What the application gives up for those answers is its own to keep:
//! fairings do not run, so it sets every header itself.

use crate::http::hyper;
use crate::{Orbit, Rocket};

/// What the application answers with: status, headers and the whole body.
pub type Answer = hyper::Response<bytes::Bytes>;

/// The request as it arrived (its body is not read).
pub type RawRequest = hyper::Request<hyper::Body>;

/// Managed as state (`rocket.manage(FastPath::new(...))`): asked before
/// Rocket for every request.
pub struct FastPath(Box<dyn Fn(&Rocket<Orbit>, &RawRequest) -> Option<Answer> + Send + Sync>);

impl FastPath {
    /// Asks `answer` first for every request.
    pub fn new(answer: impl Fn(&Rocket<Orbit>, &RawRequest) -> Option<Answer> + Send + Sync + 'static) -> FastPath {
        FastPath(Box::new(answer))
    }

    pub(crate) fn answer(&self, rocket: &Rocket<Orbit>, request: &RawRequest) -> Option<Answer> {
        (self.0)(rocket, request)
    }
}

/// The request's cookies named `name` as Rocket's `CookieJar` holds them:
/// every `Cookie` header split and decoded alike, the last of the name kept.
#[cfg(feature = "secrets")]
fn jar(request: &RawRequest, name: &str) -> crate::http::private::cookie::CookieJar {
    use crate::http::private::cookie::{Cookie, CookieJar};
    let mut jar = CookieJar::new();
    for header in request.headers().get_all("Cookie") {
        let Ok(text) = std::str::from_utf8(header.as_bytes()) else { continue };
        for part in text.split(';').map(|s| s.trim()) {
            // (Only the named one is decoded: a name is never encoded here,
            // the application leaves encoded names to Rocket's path.)
            if part.strip_prefix(name).is_some_and(|rest| rest.starts_with('=')) {
                if let Ok(cookie) = Cookie::parse_encoded(part) {
                    jar.add_original(cookie.into_owned());
                }
            }
        }
    }
    jar
}

/// The value of the cookie `name` as `CookieJar::get` reads it.
#[cfg(feature = "secrets")]
pub fn cookie(request: &RawRequest, name: &str) -> Option<String> {
    jar(request, name).get(name).map(|cookie| cookie.value().to_owned())
}

/// The value of the private (encrypted) cookie `name` as
/// `CookieJar::get_private` reads it, decrypted with the application's
/// secret key. `None` when absent or when it does not decrypt.
#[cfg(feature = "secrets")]
pub fn private_cookie(rocket: &Rocket<Orbit>, request: &RawRequest, name: &str) -> Option<String> {
    jar(request, name).private(&rocket.config().secret_key.key).get(name).map(|cookie| cookie.value().to_owned())
}

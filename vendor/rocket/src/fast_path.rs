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

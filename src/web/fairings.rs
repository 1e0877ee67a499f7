//! Cross-cutting response behaviour: security headers on everything, a
//! structured log line per request, and session resolution before routing.

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Data, Request, Response};

/// No inline script anywhere, no framing, no sniffing, no referrer leaks.
/// Forms may lead to Stripe Checkout (the redirect after registering for a
/// paid ticket), which browsers check against `form-action`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'";

pub struct SecurityHeaders;

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info { name: "Security headers", kind: Kind::Response }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        for (name, value) in security_headers(req.uri().path().as_str()) {
            res.set_header(Header::new(name, value));
        }
    }
}

/// The headers every answer carries (the fast path sets them itself).
pub fn security_headers(path: &str) -> [(&'static str, &'static str); 6] {
    // A reset link's page names its secret in its own address: that
    // address goes nowhere, not even to this site's own CSS.
    let referrer = if path.starts_with("/password-reset/") { "no-referrer" } else { "strict-origin-when-cross-origin" };
    [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", referrer),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
}

/// One `tracing` event per request (method, path, status, milliseconds),
/// and its count and latency in the metrics.
pub struct RequestLog;

struct StartedAt(Instant);

/// Paths that carry a secret in them are logged without it.
fn loggable_path(path: &str) -> String {
    for secret in ["/feeds/", "/password-reset/"] {
        if path.starts_with(secret) {
            return format!("{secret}<redacted>");
        }
    }
    path.to_owned()
}

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info { name: "Request log", kind: Kind::Request | Kind::Response }
    }

    async fn on_request(&self, req: &mut Request<'_>, _data: &mut Data<'_>) {
        req.local_cache(|| StartedAt(Instant::now()));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let took = req.local_cache(|| StartedAt(Instant::now())).0.elapsed();
        tracing::info!(
            target: "tribe::http",
            method = %req.method(),
            path = %loggable_path(req.uri().path().as_str()),
            status = res.status().code,
            ms = took.as_secs_f64() * 1000.0,
            "request"
        );
        if let Some(state) = req.rocket().state::<crate::web::AppState>() {
            let route = req.route().map(|r| r.uri.path()).unwrap_or("<unmatched>");
            state.metrics.observe(req.method().as_str(), route, res.status().code, took);
        }
    }
}

/// Resolves the session cookie's user before routing, so that error pages
/// (rendered without access to the database) know who is logged in.
pub struct SessionLoader;

#[rocket::async_trait]
impl Fairing for SessionLoader {
    fn info(&self) -> Info {
        Info { name: "Session loader", kind: Kind::Request }
    }

    async fn on_request(&self, req: &mut Request<'_>, _data: &mut Data<'_>) {
        if req.cookies().get_pending(crate::web::guards::SESSION_COOKIE).is_some() || req.cookies().get(crate::web::guards::SESSION_COOKIE).is_some()
        {
            crate::web::guards::resolve_session_user(req).await;
        }
    }
}

/// After a change through a form or the API, the event's kept public pages
/// (see `page_cache`) are rendered afresh, on every instance: the event's
/// `page_revision` moves on, and its `people_revision` (the kept attendee
/// lists are read again: a role, a tribe or a profile may have changed).
/// Changes that no public page shows are left
/// out, and so are those whose use case moves it already in its own
/// transaction (seats: registering, cancelling, waitlists).
///
/// Any write also forgets what the fast path kept of the writer's sessions
/// (`kept_sessions`: their `me.json` and team roles), so that their next
/// page shows it at once.
pub struct PageInvalidation;

/// What a successful write at this path changes on public pages.
#[derive(Debug, PartialEq, Eq)]
enum Touches<'a> {
    Event(&'a str),
    Nothing,
}

fn touches<'a>(segments: &[&'a str]) -> Touches<'a> {
    let (slug, rest) = match segments {
        ["events", slug, rest @ ..] | ["api", "events", slug, rest @ ..] => (*slug, rest),
        // (A profile's change touches the events that show it in its use case.)
        _ => return Touches::Nothing,
    };
    let unseen = matches!(
        rest,
        // One person's agenda (a seated session's seats move in its use case).
        ["sessions", _, "agenda", ..]
            // Seats, counted in the registration's own transaction.
            | ["register" | "registrations" | "waitlist"] | ["waitlist", "leave"] | ["registration", "cancel"]
            // The door and badges: nothing public.
            | ["checkins"] | ["manage", "check-in", ..] | ["manage", "attendees", _, "check-in"] | ["manage", "badges", ..]
            // A chat reader's own choices and reports.
            | ["chats", _, "lurking"] | ["chats", _, "messages", _, "report"] | ["chats", _, "ideas"] | ["chats", _, "ideas", _, "vote"]
    );
    if unseen {
        Touches::Nothing
    } else {
        Touches::Event(slug)
    }
}

#[rocket::async_trait]
impl Fairing for PageInvalidation {
    fn info(&self) -> Info {
        Info { name: "Public pages' invalidation", kind: Kind::Response }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        use rocket::http::Method;
        if matches!(req.method(), Method::Get | Method::Head | Method::Options) {
            return;
        }
        if let (Some(account_id), Some(state)) = (crate::web::guards::acting_account_id(req), req.rocket().state::<crate::web::AppState>()) {
            state.sessions.forget_account(account_id);
        }
        if res.status().code >= 400 {
            return;
        }
        // Only a person's own write counts: a visitor who is not logged in
        // is refused (a redirect to the log-in is still under 400), and must
        // not be able to empty the pages' memory at will.
        if crate::web::guards::cached_user(req).is_none() && req.headers().get_one("Authorization").is_none() {
            return;
        }
        let Some(state) = req.rocket().state::<crate::web::AppState>() else { return };
        let segments: Vec<&str> = req.uri().path().segments().collect();
        let done = match touches(&segments) {
            Touches::Event(slug) => crate::domain::events::touch_pages_by_slug(&state.db, slug).await,
            Touches::Nothing => Ok(()),
        };
        if let Err(error) = done {
            tracing::error!(%error, "marking public pages as changed failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{touches, Touches};

    #[test]
    fn writes_that_public_pages_show_touch_them() {
        assert_eq!(touches(&["events", "hitmc", "manage", "sessions"]), Touches::Event("hitmc"));
        assert_eq!(touches(&["api", "events", "hitmc", "sessions"]), Touches::Event("hitmc"));
        assert_eq!(touches(&["events", "hcldr", "chats", "2026-12-01", "messages"]), Touches::Event("hcldr"));
        assert_eq!(touches(&["events", "hcldr", "chats", "2026-12-01", "ideas", "3", "use"]), Touches::Event("hcldr"));
    }

    #[test]
    fn writes_no_public_page_shows_leave_them() {
        assert_eq!(touches(&["events", "hitmc", "sessions", "12", "agenda"]), Touches::Nothing);
        assert_eq!(touches(&["events", "hitmc", "sessions", "12", "agenda", "remove"]), Touches::Nothing);
        assert_eq!(touches(&["events", "hitmc", "register"]), Touches::Nothing);
        assert_eq!(touches(&["events", "hitmc", "manage", "check-in", "scan"]), Touches::Nothing);
        assert_eq!(touches(&["events"]), Touches::Nothing);
        assert_eq!(touches(&["login"]), Touches::Nothing);
        assert_eq!(touches(&["events", "hcldr", "chats", "2026-12-01", "ideas", "3", "vote"]), Touches::Nothing);
    }
}

//! What a request that no handler answered gets: an error page or problem
//! JSON, with any detail a guard left behind.

use rocket::http::{Header, Status};
use rocket::request::Request;
use rocket::response::{self, Redirect, Responder};

use crate::web::errors::{wants_json, ErrorResponse};

/// A message a guard leaves for the catcher (guards can only return a status).
struct StashedDetail(std::sync::Mutex<Option<String>>);

pub fn stash_detail(req: &Request<'_>, detail: String) {
    if let Ok(mut slot) = req.local_cache(|| StashedDetail(std::sync::Mutex::new(None))).0.lock() {
        *slot = Some(detail);
    }
}

fn stashed_detail(req: &Request<'_>) -> Option<String> {
    req.local_cache(|| StashedDetail(std::sync::Mutex::new(None))).0.lock().ok().and_then(|s| s.clone())
}

/// A path a browser may be sent back to after log-in: ours, never another
/// site, and a valid URI as it stands (a space, tab, NUL or non-ASCII
/// character made the redirect itself fail with a 500, after the session
/// had been started); anything else falls back to the caller's default.
pub fn safe_next(path: &str) -> Option<&str> {
    // A fragment naming a place on the page ("#s12": a session card) may
    // follow; it never reaches the server, so only its characters are checked.
    let (local_part, fragment) = path.split_once('#').unwrap_or((path, ""));
    let fragment_ok = fragment.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let local = local_part.starts_with('/') && !local_part.starts_with("//") && !local_part.contains('\\');
    (local && fragment_ok && rocket::http::uri::Origin::parse(local_part).is_ok()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_valid_local_paths_are_kept() {
        for good in ["/", "/events/hitmc?access=abc", "/invitations/a-b_c", "/%20x", "/events/hitmc/schedule?day=2#s12"] {
            assert_eq!(safe_next(good), Some(good), "{good}");
        }
        for bad in [
            "/ x",
            "/\tx",
            "/\0x",
            "/\u{2028}",
            "/\u{3000}",
            "//evil.example",
            "/\\evil",
            "https://evil.example/",
            "x",
            "",
            "/a\r\nSet-Cookie: x",
            "/x#a b",
            "/x#\r\nSet-Cookie: y",
            "//evil.example#s1",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}

pub enum CaughtResponse {
    LogIn(Redirect),
    Error(ErrorResponse, bool),
}

impl<'r> Responder<'r, 'static> for CaughtResponse {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            CaughtResponse::LogIn(redirect) => redirect.respond_to(req),
            CaughtResponse::Error(error, bearer_challenge) => {
                let mut response = error.respond_to(req)?;
                if bearer_challenge {
                    response.set_header(Header::new("WWW-Authenticate", "Bearer realm=\"tribe\""));
                }
                Ok(response)
            }
        }
    }
}

#[rocket::catch(default)]
pub fn default_catcher(status: Status, req: &Request<'_>) -> CaughtResponse {
    let json = wants_json(req);
    if status == Status::Unauthorized && !json {
        let here = req.uri().to_string();
        let next = safe_next(&here).unwrap_or("/");
        let encoded = url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
        return CaughtResponse::LogIn(Redirect::to(format!("/login?next={encoded}")));
    }
    CaughtResponse::Error(ErrorResponse::from_status(status, stashed_detail(req)), status == Status::Unauthorized)
}

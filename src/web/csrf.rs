//! CSRF protection for HTML forms. Each browser gets a random token in an
//! encrypted, HttpOnly cookie; every form echoes it in a hidden `_csrf`
//! field; `CsrfForm<T>` refuses a submission whose field does not match with
//! 403 before the handler runs. Another site can neither read the cookie nor
//! forge the encrypted one, so it cannot produce a matching pair.

use rocket::data::{Data, FromData, Outcome, ToByteUnit};
use rocket::form::{Form, FromForm};
use rocket::http::{RawStr, Status};
use rocket::request::{self, FromRequest, Request};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::error::{AppError, AppResult};
use crate::web::AppState;

pub const CSRF_COOKIE: &str = "tribe_csrf";
/// What a refused submission says, whichever way its token came.
const EXPIRED_FORM: &str = "This form has expired or did not come from this site. Reload the page and try again; nothing was changed.";
pub const CSRF_FIELD: &str = "_csrf";

/// This browser's token, issued on first sight.
pub struct CsrfToken(pub String);

impl CsrfToken {
    pub fn issue_new(req: &Request<'_>) -> String {
        let token = crate::domain::secrets::random_token(32);
        if let Some(state) = req.rocket().state::<AppState>() {
            req.cookies().add_private(crate::web::guards::session_cookie_base(&state.config, CSRF_COOKIE, token.clone()));
        }
        token
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        let token = match req.cookies().get_private(CSRF_COOKIE) {
            Some(cookie) if !cookie.value().is_empty() => cookie.value().to_owned(),
            _ => CsrfToken::issue_new(req),
        };
        request::Outcome::Success(CsrfToken(token))
    }
}

#[derive(FromForm)]
struct CsrfField {
    #[field(name = "_csrf", default = String::new())]
    token: String,
}

/// The body of a form that is just a button (the token alone).
#[derive(Debug, Default, serde::Deserialize)]
pub struct CsrfOnly {}

/// A form body of type `T` whose `_csrf` field matched this browser's token.
/// `T` is read with serde, so domain form types need no Rocket derive;
/// fields it does not name (such as `_csrf`) are ignored.
pub struct CsrfForm<T>(pub T);

fn stash(req: &Request<'_>, detail: &str) {
    crate::web::catchers::stash_detail(req, detail.to_owned());
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send + 'static> FromData<'r> for CsrfForm<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self> {
        if req.content_type().is_none_or(|ct| !ct.is_form()) {
            stash(req, "Forms must be sent as application/x-www-form-urlencoded.");
            return Outcome::Error((Status::UnsupportedMediaType, ()));
        }
        let limit = req.limits().get("form").unwrap_or(64.kibibytes());
        let body = match data.open(limit).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => return Outcome::Error((Status::PayloadTooLarge, ())),
            Err(_) => return Outcome::Error((Status::BadRequest, ())),
        };
        let submitted = Form::<CsrfField>::parse_encoded(RawStr::new(&body)).map(|f| f.token).unwrap_or_default();
        if !token_matches(req.cookies(), &submitted) {
            stash(req, EXPIRED_FORM);
            return Outcome::Error((Status::Forbidden, ()));
        }
        match serde_urlencoded::from_str::<T>(&body) {
            Ok(value) => Outcome::Success(CsrfForm(value)),
            Err(error) => {
                stash(req, &format!("The form could not be read: {error}"));
                Outcome::Error((Status::UnprocessableEntity, ()))
            }
        }
    }
}

/// Whether `submitted` is this browser's token (compared in constant time).
fn token_matches(req_cookies: &rocket::http::CookieJar<'_>, submitted: &str) -> bool {
    let expected = req_cookies.get_private(CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    !expected.is_empty() && submitted.as_bytes().ct_eq(expected.as_bytes()).unwrap_u8() == 1
}

/// Checks a token that arrived some other way (a multipart upload's
/// field): the same refusal as `CsrfForm`'s.
pub fn check_token(req_cookies: &rocket::http::CookieJar<'_>, submitted: &str) -> AppResult<()> {
    if token_matches(req_cookies, submitted) {
        Ok(())
    } else {
        Err(AppError::Forbidden(EXPIRED_FORM.into()))
    }
}

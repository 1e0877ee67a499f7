//! How a failed request is answered: the one `AppError` as a friendly HTML
//! page for browsers or RFC 9457 problem JSON for `/api/...`, with the
//! logged-in person in the page's header. It lives in the web layer (not
//! beside `AppError`) because it reads the request's session.

use std::io::Cursor;

use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket_dyn_templates::Template;

use crate::error::{AppError, FieldError};
use crate::web::views::frame::{ErrorPage, FrameUser};
use crate::web::views::problems::Problem;

/// The answer to a failed request, in whichever format the request wants.
pub struct ErrorResponse {
    pub status: Status,
    pub detail: String,
    pub field_errors: Vec<FieldError>,
    pub retry_after_secs: Option<u64>,
}

impl ErrorResponse {
    pub fn from_status(status: Status, detail: Option<String>) -> Self {
        let detail = detail.unwrap_or_else(|| default_detail(status).to_owned());
        ErrorResponse { status, detail, field_errors: Vec::new(), retry_after_secs: None }
    }
}

fn default_detail(status: Status) -> &'static str {
    match status.code {
        400 => "The request could not be understood.",
        401 => "Please log in to continue.",
        403 => "You are not allowed to do that. If you submitted a form, reload the page and try again.",
        404 => "There is nothing here. The link may be old or mistyped.",
        405 => "That method is not allowed here.",
        413 => "What you sent is too large.",
        415 => "That content type is not supported here.",
        422 => "The request was well-formed but could not be processed.",
        429 => "Too many requests. Please wait a moment.",
        _ if status.code >= 500 => "Something went wrong on our side. It has been logged.",
        _ => "The request could not be completed.",
    }
}

impl From<AppError> for ErrorResponse {
    fn from(err: AppError) -> Self {
        if err.status().code >= 500 {
            tracing::error!(error = %err, "request failed");
        }
        let field_errors = match &err {
            AppError::Validation(errors) => errors.clone(),
            _ => Vec::new(),
        };
        let retry_after_secs = match &err {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        ErrorResponse { status: err.status(), detail: err.public_detail(), field_errors, retry_after_secs }
    }
}

/// Requests under `/api/` (and those that ask only for JSON) get problem JSON.
pub fn wants_json(req: &Request<'_>) -> bool {
    let path = req.uri().path();
    path.as_str().starts_with("/api/")
        || path == "/api"
        || path.as_str().starts_with("/webhooks/")
        || req.accept().map(|a| a.preferred().media_type().is_json()).unwrap_or(false)
}

impl<'r> Responder<'r, 'static> for ErrorResponse {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut response = if wants_json(req) {
            let body = Problem {
                kind: "about:blank",
                title: self.status.reason().unwrap_or("Error").to_owned(),
                status: self.status.code,
                detail: self.detail,
                instance: req.uri().path().to_string(),
                errors: self.field_errors,
            };
            let text = serde_json::to_string(&body).unwrap_or_default();
            Response::build().header(ContentType::new("application", "problem+json")).sized_body(text.len(), Cursor::new(text)).finalize()
        } else {
            let context = ErrorPage {
                title: self.status.reason().unwrap_or("Error").to_owned(),
                status: self.status.code,
                detail: self.detail,
                field_errors: self.field_errors,
                user: crate::web::guards::cached_user(req).map(FrameUser::from),
            };
            Template::render("error", context).respond_to(req)?
        };
        response.set_status(self.status);
        if let Some(secs) = self.retry_after_secs {
            response.set_header(Header::new("Retry-After", secs.to_string()));
        }
        Ok(response)
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        ErrorResponse::from(self).respond_to(req)
    }
}

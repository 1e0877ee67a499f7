//! Problem JSON (RFC 9457), the body of every error answer under `/api`,
//! and the reusable error responses the OpenAPI document names.

use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

use crate::error::FieldError;

#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// What went wrong, in words for a person.
    pub detail: String,
    pub instance: String,
    /// The fields to correct, for a 422 about the input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One reusable error response per status; `(status = 404, response = NotFound)`
/// in a handler's `#[utoipa::path]`.
macro_rules! problem_responses {
    ($($name:ident: $description:literal),* $(,)?) => {$(
        #[derive(ToResponse)]
        #[response(description = $description, content_type = "application/problem+json")]
        pub struct $name(#[allow(dead_code)] Problem);
    )*};
}

problem_responses!(
    BadRequest: "The request could not be read",
    Unauthorized: "No valid bearer token",
    Forbidden: "Not allowed for this account",
    NotFound: "Not found (or not visible to this account)",
    Conflict: "Refused as things stand (sold out, already done, closed)",
    Gone: "No longer valid",
    UnsupportedMediaType: "The body is not application/json",
    Unprocessable: "The input is not acceptable (see errors), or a path number is not a number",
    TooManyRequests: "Too many attempts; see Retry-After",
);

//! The JSON API under `/api`: bearer-token authentication, problem JSON for
//! every error, documented in `/api/openapi.json`.

pub mod accounts;
pub mod agenda;
pub mod chat;
pub mod checkins;
pub mod events;
pub mod openapi;
pub mod registrations;
pub mod tribe;

use rocket::data::{Data, FromData, Outcome, ToByteUnit};
use rocket::http::Status;
use rocket::request::Request;
use rocket::Route;
use serde::de::DeserializeOwned;

pub fn routes() -> Vec<Route> {
    let mut routes = accounts::routes();
    routes.extend(events::routes());
    routes.extend(agenda::routes());
    routes.extend(openapi::routes());
    routes.extend(registrations::routes());
    routes.extend(tribe::routes());
    routes.extend(checkins::routes());
    routes.extend(chat::routes());
    routes
}

/// A JSON body of type `T`. Unlike `rocket::serde::json::Json`, a body that
/// does not parse leaves serde's explanation for the problem JSON answer.
pub struct ApiJson<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send> FromData<'r> for ApiJson<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self> {
        if req.content_type().is_some_and(|ct| !ct.is_json()) {
            crate::web::catchers::stash_detail(req, "Send the body as application/json.".into());
            return Outcome::Error((Status::UnsupportedMediaType, ()));
        }
        let limit = req.limits().get("json").unwrap_or(1.mebibytes());
        let body = match data.open(limit).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => return Outcome::Error((Status::PayloadTooLarge, ())),
            Err(_) => return Outcome::Error((Status::BadRequest, ())),
        };
        match serde_json::from_str::<T>(&body) {
            Ok(value) => Outcome::Success(ApiJson(value)),
            Err(err) => {
                let status = if err.is_syntax() || err.is_eof() { Status::BadRequest } else { Status::UnprocessableEntity };
                crate::web::catchers::stash_detail(req, format!("The JSON body could not be read: {err}"));
                Outcome::Error((status, ()))
            }
        }
    }
}

//! An event's rooms and tracks.

use rocket::response::{Flash, Redirect};
use rocket::{post, routes, Route, State};
use serde::Deserialize;

use super::dashboard::{back_to_section, section_action, Section};
use crate::domain::events::places;
use crate::error::AppResult;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![add_room, delete_room, add_track, delete_track]
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RoomForm {
    room_name: String,
    room_capacity: String,
}

#[post("/events/<_slug>/manage/rooms", data = "<form>")]
async fn add_room(_slug: &str, organized: OrganizedEvent, form: CsrfForm<RoomForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let result = places::add_room(&state.db, &organized.event, &form.0.room_name, &form.0.room_capacity).await;
    section_action(Section::Places, &page, state, &organized.event, result, "The room is added.").await
}

#[post("/events/<_slug>/manage/rooms/<id>/delete", data = "<_form>")]
async fn delete_room(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    places::delete_room(&state.db, &organized.event, id).await?;
    Ok(back_to_section(Section::Places, &organized.event, "The room is removed; its sessions kept their times."))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct TrackForm {
    track_name: String,
    track_color: String,
}

#[post("/events/<_slug>/manage/tracks", data = "<form>")]
async fn add_track(_slug: &str, organized: OrganizedEvent, form: CsrfForm<TrackForm>, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let result = places::add_track(&state.db, &organized.event, &form.0.track_name, &form.0.track_color).await;
    section_action(Section::Places, &page, state, &organized.event, result, "The track is added.").await
}

#[post("/events/<_slug>/manage/tracks/<id>/delete", data = "<_form>")]
async fn delete_track(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    places::delete_track(&state.db, &organized.event, id).await?;
    Ok(back_to_section(Section::Places, &organized.event, "The track is removed."))
}

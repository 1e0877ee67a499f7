//! Guards that find the event named in the path and decide, once, whether
//! this person may see it or manage it. A handler that takes one of these
//! cannot forget the check.

use rocket::http::Status;
use rocket::outcome::try_outcome;
use rocket::request::{FromRequest, Outcome, Request};

use crate::db::entities::event_member::TeamRole;
use crate::db::entities::{event, user};
use crate::domain::events;
use crate::web::guards::{only_reads, resolved_session_hash, ApiUser, CurrentUser, MaybeUser};
use crate::web::AppState;

/// The path segment after `events`: `/events/<slug>/...` and `/api/events/<slug>/...`.
fn slug_in_path<'r>(req: &'r Request<'_>) -> Option<&'r str> {
    let mut segments = req.uri().path().segments();
    segments.by_ref().find(|s| *s == "events")?;
    segments.next()
}

async fn load_event(req: &Request<'_>) -> Result<event::Model, Status> {
    let slug = slug_in_path(req).ok_or(Status::NotFound)?;
    let state = req.rocket().state::<AppState>().ok_or(Status::InternalServerError)?;
    // A page may use the published event as read within the second (as its
    // kept copy would); a form's post reads it now.
    if only_reads(req) {
        if let Ok(Some(found)) = state.exports.published_event(&state.db, slug).await {
            return Ok(found);
        }
    }
    match events::find_by_slug(&state.db, slug).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(Status::NotFound),
        Err(err) => {
            tracing::error!(error = %err, "event lookup failed");
            Err(Status::ServiceUnavailable)
        }
    }
}

async fn role_of(req: &Request<'_>, found: &event::Model, viewer: Option<&user::Model>) -> Result<Option<TeamRole>, Status> {
    let Some(viewer) = viewer else {
        return Ok(None);
    };
    let state = req.rocket().state::<AppState>().ok_or(Status::InternalServerError)?;
    // Known, within the second, to be off the event's team (never said of
    // a site admin: `kept_sessions` does not trust their sessions).
    let off_team = resolved_session_hash(req)
        .filter(|_| only_reads(req))
        .is_some_and(|hash| state.sessions.is_plain_member(hash, found.id, &state.config.sessions));
    if off_team {
        return Ok(None);
    }
    let role = events::effective_role(&state.db, found, viewer).await.map_err(|_| Status::ServiceUnavailable)?;
    if let Some(hash) = resolved_session_hash(req) {
        state.sessions.note_team(hash, found.id, role.is_some());
    }
    Ok(role)
}

/// An event this request may see: published, or the viewer is on its team.
/// Unpublished events are 404 to everyone else: their existence is private.
pub struct VisibleEvent {
    pub event: event::Model,
    pub viewer: Option<user::Model>,
    pub role: Option<TeamRole>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for VisibleEvent {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let MaybeUser(viewer) = req.guard::<MaybeUser>().await.succeeded().unwrap_or(MaybeUser(None));
        let found = match load_event(req).await {
            Ok(found) => found,
            Err(status) => return Outcome::Error((status, ())),
        };
        let role = match role_of(req, &found, viewer.as_ref()).await {
            Ok(role) => role,
            Err(status) => return Outcome::Error((status, ())),
        };
        if !found.is_published && role.is_none() {
            return Outcome::Error((Status::NotFound, ()));
        }
        Outcome::Success(VisibleEvent { event: found, viewer, role })
    }
}

async fn organized(req: &Request<'_>, viewer: Option<user::Model>, anonymous: Status) -> Outcome<(event::Model, user::Model), ()> {
    let found = match load_event(req).await {
        Ok(found) => found,
        Err(status) => return Outcome::Error((status, ())),
    };
    let Some(viewer) = viewer else {
        return Outcome::Error((anonymous, ()));
    };
    match role_of(req, &found, Some(&viewer)).await {
        Ok(Some(TeamRole::Organizer)) => Outcome::Success((found, viewer)),
        Ok(Some(TeamRole::Staff)) => Outcome::Error((Status::Forbidden, ())),
        // Outsiders learn nothing about unpublished events.
        Ok(None) if !found.is_published => Outcome::Error((Status::NotFound, ())),
        Ok(None) => Outcome::Error((Status::Forbidden, ())),
        Err(status) => Outcome::Error((status, ())),
    }
}

/// An event the logged-in person organizes (site admins organize every event).
pub struct OrganizedEvent {
    pub event: event::Model,
    pub organizer: user::Model,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for OrganizedEvent {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let MaybeUser(viewer) = req.guard::<MaybeUser>().await.succeeded().unwrap_or(MaybeUser(None));
        organized(req, viewer, Status::Unauthorized).await.map(|(event, organizer)| OrganizedEvent { event, organizer })
    }
}

/// The bearer token's owner; `None` without a token (each guard decides
/// what anonymous means), other failures as they are.
async fn bearer_viewer<T>(req: &Request<'_>) -> Result<Option<user::Model>, Outcome<T, ()>> {
    match req.guard::<ApiUser>().await {
        Outcome::Success(ApiUser(user)) => Ok(Some(user)),
        Outcome::Error((Status::Unauthorized, _)) => Ok(None),
        Outcome::Error((status, _)) => Err(Outcome::Error((status, ()))),
        Outcome::Forward(status) => Err(Outcome::Forward(status)),
    }
}

/// The same for the API, authenticated by a bearer token.
pub struct ApiOrganizedEvent {
    pub event: event::Model,
    pub organizer: user::Model,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiOrganizedEvent {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let viewer = match bearer_viewer(req).await {
            Ok(viewer) => viewer,
            Err(outcome) => return outcome,
        };
        organized(req, viewer, Status::Unauthorized).await.map(|(event, organizer)| ApiOrganizedEvent { event, organizer })
    }
}

/// An event the API may show this caller: published, or the bearer token's
/// owner is on its team.
pub struct ApiVisibleEvent {
    pub event: event::Model,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiVisibleEvent {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let found = match load_event(req).await {
            Ok(found) => found,
            Err(status) => return Outcome::Error((status, ())),
        };
        if found.is_published {
            return Outcome::Success(ApiVisibleEvent { event: found });
        }
        let viewer = req.guard::<ApiUser>().await.succeeded().map(|u| u.0);
        match role_of(req, &found, viewer.as_ref()).await {
            Ok(Some(_)) => Outcome::Success(ApiVisibleEvent { event: found }),
            Ok(None) => Outcome::Error((Status::NotFound, ())),
            Err(status) => Outcome::Error((status, ())),
        }
    }
}

/// An event the logged-in person works on: organizers and staff (the
/// attendee list, check-in).
pub struct TeamEvent {
    pub event: event::Model,
    pub member: user::Model,
    pub role: TeamRole,
}

async fn team(req: &Request<'_>, viewer: Option<user::Model>) -> Outcome<TeamEvent, ()> {
    let found = match load_event(req).await {
        Ok(found) => found,
        Err(status) => return Outcome::Error((status, ())),
    };
    let Some(viewer) = viewer else { return Outcome::Error((Status::Unauthorized, ())) };
    match role_of(req, &found, Some(&viewer)).await {
        Ok(Some(role)) => Outcome::Success(TeamEvent { event: found, member: viewer, role }),
        Ok(None) if !found.is_published => Outcome::Error((Status::NotFound, ())),
        Ok(None) => Outcome::Error((Status::Forbidden, ())),
        Err(status) => Outcome::Error((status, ())),
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for TeamEvent {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let MaybeUser(viewer) = req.guard::<MaybeUser>().await.succeeded().unwrap_or(MaybeUser(None));
        team(req, viewer).await
    }
}

/// The same for the API, authenticated by a bearer token (door scanners).
pub struct ApiTeamEvent(pub TeamEvent);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiTeamEvent {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let viewer = match bearer_viewer(req).await {
            Ok(viewer) => viewer,
            Err(outcome) => return outcome,
        };
        team(req, viewer).await.map(ApiTeamEvent)
    }
}

/// A live chat room (`/events/<slug>/chats/<key>/…`) and one of its hosts,
/// for what only hosts do: the event is visible, the person logged in and
/// one of its organizers (or a 403 that says so), the room exists.
pub struct HostedRoom {
    pub room: crate::domain::chats::room::Room,
    pub host: user::Model,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for HostedRoom {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let visible = try_outcome!(req.guard::<VisibleEvent>().await);
        let CurrentUser(host) = try_outcome!(req.guard::<CurrentUser>().await);
        if visible.role != Some(TeamRole::Organizer) {
            crate::web::catchers::stash_detail(req, "Only the chat's hosts do that.".into());
            return Outcome::Error((Status::Forbidden, ()));
        }
        let mut segments = req.uri().path().segments();
        let key = segments.by_ref().find(|s| *s == "chats").and_then(|_| segments.next());
        let Some(state) = req.rocket().state::<AppState>() else { return Outcome::Error((Status::InternalServerError, ())) };
        match crate::domain::chats::room::find(&state.db, &visible.event, key.unwrap_or_default()).await {
            Ok(room) => Outcome::Success(HostedRoom { room, host }),
            Err(crate::error::AppError::NotFound) => Outcome::Error((Status::NotFound, ())),
            Err(error) => {
                tracing::error!(%error, "chat room lookup failed");
                Outcome::Error((Status::ServiceUnavailable, ()))
            }
        }
    }
}

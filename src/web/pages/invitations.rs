//! The page an invitation's link opens: what is offered (a ticket or a
//! place on the team), by whom, and the buttons to accept or decline it
//! (for the person logged in with the invited address).

use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};

use crate::domain::accounts;
use crate::domain::events;
use crate::domain::now;
use crate::domain::registration::invitations;
use crate::domain::registration::use_cases;
use crate::error::{AppError, AppResult};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::guards::CurrentUser;
use crate::web::render::{Html, Page};
use crate::web::views::registration::InvitationPage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![invitation_page, accept, decline]
}

#[get("/invitations/<token>")]
async fn invitation_page(token: &str, page: Page, state: &State<AppState>) -> AppResult<Html> {
    let invitation = invitations::find_by_token(&state.db, token).await?;
    let event = events::find_by_id(&state.db, invitation.event_id).await?.ok_or(AppError::NotFound)?;
    let offer = invitations::offer_of(&state.db, &invitation).await?;
    let inviter = accounts::find_by_id(&state.db, invitation.invited_by).await?.map(|u| u.display_name).unwrap_or_default();
    let here = format!("/invitations/{token}");
    let for_viewer = page.user.as_ref().map(|u| accounts::normalize_email(&u.email) == invitation.email);
    let context = InvitationPage {
        event: events::summarize(&event),
        offer: invitations::describe(&offer),
        is_team: matches!(offer, invitations::Offer::Team(_)),
        inviter,
        is_open: invitations::is_open(&invitation, now()),
        email: invitation.email,
        token: token.to_owned(),
        status: invitation.status,
        registration_id: invitation.registration_id,
        logged_out: page.user.is_none(),
        for_viewer: for_viewer == Some(true),
        for_someone_else: for_viewer == Some(false),
        next: url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>(),
    };
    Ok(page.ok("registrations/invitation", &format!("Invitation · {}", event.title), context))
}

#[post("/invitations/<token>/accept", data = "<_form>")]
async fn accept(token: &str, user: CurrentUser, _form: CsrfForm<CsrfOnly>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    match use_cases::accept_invitation(state.context(), token, &user.0).await {
        Ok((_, invitations::Accepted::Registered(created))) => {
            Ok(Flash::success(Redirect::to(format!("/registrations/{}", created.id)), "You're going: the invitation is accepted."))
        }
        Ok((invitation, invitations::Accepted::JoinedTeam(role))) => {
            let event = events::find_by_id(&state.db, invitation.event_id).await?.ok_or(AppError::NotFound)?;
            Ok(Flash::success(
                Redirect::to(format!("/events/{}", event.slug)),
                format!("You are on the team of {} as {}.", event.title, role.as_str()),
            ))
        }
        Err(AppError::Conflict(message)) => Ok(Flash::error(Redirect::to(format!("/invitations/{token}")), message)),
        Err(other) => Err(other),
    }
}

#[post("/invitations/<token>/decline", data = "<_form>")]
async fn decline(token: &str, user: CurrentUser, _form: CsrfForm<CsrfOnly>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    match invitations::decline(&state.db, token, &user.0).await {
        Ok(()) => Ok(Flash::success(Redirect::to("/"), "You declined the invitation. Nothing was registered.")),
        Err(AppError::Conflict(message)) => Ok(Flash::error(Redirect::to(format!("/invitations/{token}")), message)),
        Err(other) => Err(other),
    }
}

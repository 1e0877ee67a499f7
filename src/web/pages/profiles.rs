//! Profiles: editing one's own, viewing others' (as their visibility
//! allows), connect requests and blocks.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::domain::community::connections::{self, Answer, Requested, Standing};
use crate::domain::community::people;
use crate::domain::community::profiles::{self, ProfileInput};
use crate::domain::markdown;
use crate::error::{AppError, AppResult};
use crate::web::catchers::safe_next;
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::guards::{CurrentUser, MaybeUser};
use crate::web::render::{Html, Page};
use crate::web::views::community::{handles_of, standing_text, ConnectionsView, IncomingRequest, PersonPage, ProfileEditPage};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![edit_page, save, person_page, connect, answer_request, block, unblock, connections_page]
}

fn edit_context(form: &ProfileInput) -> ProfileEditPage {
    ProfileEditPage::new(form)
}

#[get("/account/profile")]
async fn edit_page(page: Page, user: CurrentUser, state: &State<AppState>) -> AppResult<Html> {
    let stored = profiles::load(&state.db, user.0.id).await?;
    Ok(page.ok("profiles/edit", "My profile", edit_context(&ProfileInput::from_stored(&user.0, &stored))))
}

#[post("/account/profile", data = "<form>")]
async fn save(page: Page, user: CurrentUser, form: CsrfForm<ProfileInput>, state: &State<AppState>) -> AppResult<Html> {
    let input = form.0;
    match profiles::save(&state.db, &user.0, &input).await {
        Ok(_) => Ok(Html::Flash(Flash::success(Redirect::to("/account/profile"), "Your profile is saved."))),
        Err(AppError::Validation(errors)) => {
            Ok(page.invalid(Status::UnprocessableEntity, "profiles/edit", "My profile", edit_context(&input), &errors))
        }
        Err(other) => Err(other),
    }
}

/// A person's page: the card as their visibility allows; contact handles
/// only for people they connected with.
#[get("/people/<id>")]
async fn person_page(id: i32, page: Page, viewer: MaybeUser, state: &State<AppState>) -> AppResult<Html> {
    let account = crate::domain::accounts::find_by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let profile = profiles::load(&state.db, id).await?;
    if !people::can_see_profile(&state.db, viewer.0.as_ref(), id, &profile).await? {
        // Hidden and attendees-only profiles do not exist for outsiders.
        return Err(AppError::NotFound);
    }
    let me = viewer.0.as_ref();
    let is_self = me.is_some_and(|m| m.id == id);
    let standing = match me {
        Some(m) if !is_self => connections::standing(&state.db, m.id, id).await?,
        _ => Standing::None,
    };
    let shows_contact = is_self || standing == Standing::Connected;
    let can_connect = match me {
        Some(m) if !is_self && standing == Standing::None => people::share_an_event(&state.db, m.id, id).await?.is_some(),
        _ => false,
    };
    let overview = match me {
        Some(m) if standing == Standing::RequestReceived => {
            connections::overview(&state.db, m.id).await?.incoming.into_iter().find(|c| c.requester_id == id)
        }
        _ => None,
    };
    let card = people::card(&account, &profile, None);
    let handles = if shows_contact { handles_of(&profile) } else { Vec::new() };
    Ok(page.ok(
        "profiles/show",
        &account.display_name,
        PersonPage {
            person: card,
            bio_html: markdown::to_safe_html(&profile.bio),
            handles,
            is_self,
            standing: standing_text(standing),
            is_connected: standing == Standing::Connected,
            is_blocked: standing == Standing::Blocked,
            can_connect,
            incoming: overview.map(|c| IncomingRequest { id: c.id, note: c.note }),
            logged_in: me.is_some(),
        },
    ))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ConnectForm {
    note: String,
    back: String,
}

fn back_or(back: &str, fallback: String) -> Redirect {
    Redirect::to(safe_next(back).map(str::to_owned).unwrap_or(fallback))
}

#[post("/people/<id>/connect", data = "<form>")]
async fn connect(id: i32, user: CurrentUser, form: CsrfForm<ConnectForm>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    let back = back_or(&form.0.back, format!("/people/{id}"));
    requested_flash(back, connections::ask(&state.db, &user.0, id, &form.0.note).await)
}

/// What the person is told after asking to connect, however they asked.
pub fn requested_flash(back: Redirect, result: AppResult<Requested>) -> AppResult<Flash<Redirect>> {
    match result {
        Ok(Requested::Sent) => Ok(Flash::success(back, "Request sent. Contact details are shared once they accept.")),
        Ok(Requested::Connected) => Ok(Flash::success(back, "You are connected: you can now see each other's contact details.")),
        Err(AppError::Conflict(message)) => Ok(Flash::warning(back, message)),
        Err(AppError::Validation(errors)) => Ok(Flash::error(back, errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" "))),
        Err(other) => Err(other),
    }
}

#[post("/connections/<id>/<action>", data = "<form>")]
async fn answer_request(
    id: i32,
    action: &str,
    user: CurrentUser,
    form: CsrfForm<ConnectForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let answer = match action {
        "accept" => Answer::Accept,
        "decline" => Answer::Decline,
        "withdraw" => Answer::Withdraw,
        _ => return Err(AppError::NotFound),
    };
    let back = back_or(&form.0.back, "/connections".into());
    match connections::answer(&state.db, &user.0, id, answer).await {
        Ok(_) => Ok(Flash::success(
            back,
            match answer {
                Answer::Accept => "Connected: you can now see each other's contact details.",
                Answer::Decline => "Declined. They will not be suggested to you again.",
                Answer::Withdraw => "Request withdrawn.",
            },
        )),
        Err(AppError::Conflict(message)) | Err(AppError::Forbidden(message)) => Ok(Flash::warning(back, message)),
        Err(other) => Err(other),
    }
}

#[post("/people/<id>/block", data = "<_form>")]
async fn block(id: i32, user: CurrentUser, _form: CsrfForm<CsrfOnly>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    connections::block(&state.db, &user.0, id).await?;
    Ok(Flash::success(Redirect::to("/connections"), "Blocked. They cannot ask to connect and will not be suggested to you."))
}

#[post("/people/<id>/unblock", data = "<_form>")]
async fn unblock(id: i32, user: CurrentUser, _form: CsrfForm<CsrfOnly>, state: &State<AppState>) -> AppResult<Flash<Redirect>> {
    connections::unblock(&state.db, &user.0, id).await?;
    Ok(Flash::success(Redirect::to("/connections"), "Unblocked."))
}

#[get("/connections")]
async fn connections_page(page: Page, user: CurrentUser, state: &State<AppState>) -> AppResult<Html> {
    Ok(page.ok("profiles/connections", "Connections", ConnectionsView::load(&state.db, &user.0).await?))
}

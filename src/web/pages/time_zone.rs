//! Choosing the zone times are shown in: saved in the profile when logged
//! in, in a cookie otherwise; every page with times links here.

use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Deserialize;

use crate::domain::community::profiles;
use crate::domain::times::{self, city};
use crate::error::{AppResult, FieldError};
use crate::web::catchers::safe_next;
use crate::web::csrf::CsrfForm;
use crate::web::guards::{ViewerZone, ZONE_COOKIE};
use crate::web::render::{Html, Page};
use crate::web::views::accounts::TimeZonePage;
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![time_zone_page, choose_time_zone]
}

fn back(next: Option<&str>) -> String {
    next.and_then(safe_next).unwrap_or("/").to_owned()
}

#[get("/time-zone?<next>")]
fn time_zone_page(next: Option<&str>, viewer_zone: ViewerZone, page: Page) -> Html {
    let view = TimeZonePage::new(viewer_zone.0, String::new(), back(next), page.user.is_some());
    page.ok("account/time_zone", "Time zone", view)
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ZoneForm {
    /// An IANA id or a city; empty goes back to each event's own zone.
    zone: String,
    next: String,
}

#[post("/time-zone", data = "<form>")]
async fn choose_time_zone(
    form: CsrfForm<ZoneForm>,
    viewer_zone: ViewerZone,
    page: Page,
    cookies: &CookieJar<'_>,
    state: &State<AppState>,
) -> AppResult<Html> {
    let CsrfForm(form) = form;
    let next = back(Some(&form.next));
    let chosen = match form.zone.trim() {
        "" => None,
        typed => match times::parse_zone(typed) {
            Some(zone) => Some(zone),
            None => {
                let errors = [FieldError::new(
                    "zone",
                    "No time zone has that name: type a city, like Brussels, Kathmandu or Adelaide, and pick it from the list.",
                )];
                let view = TimeZonePage::new(viewer_zone.0, form.zone.clone(), next, page.user.is_some());
                return Ok(page.invalid(Status::UnprocessableEntity, "account/time_zone", "Time zone", view, &errors));
            }
        },
    };
    match &page.user {
        Some(account) => profiles::set_time_zone(&state.db, account.id, chosen).await?,
        None => match chosen {
            Some(zone) => {
                let mut cookie = Cookie::build((ZONE_COOKIE, zone.name().to_owned())).path("/").same_site(SameSite::Lax).http_only(true).build();
                cookie.set_secure(state.config.secure_cookies);
                cookie.set_max_age(rocket::time::Duration::days(365));
                cookies.add(cookie);
            }
            None => cookies.remove(Cookie::build(ZONE_COOKIE).path("/")),
        },
    }
    let said = match chosen {
        Some(zone) => format!("Times are now shown in {} time.", city(zone)),
        None => "Times are now shown in each event's own zone.".to_owned(),
    };
    Ok(Html::Flash(Flash::success(Redirect::to(next), said)))
}

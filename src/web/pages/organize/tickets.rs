//! What registration offers: ticket types and their secret links,
//! registration questions, discount codes.

use rocket::response::{Flash, Redirect};
use rocket::{post, routes, Route, State};

use super::dashboard::{back_to_section, section_action, section_with_errors, PublishForm, Section};
use crate::domain::registration::tickets::{self, TicketTypeForm};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::{CsrfForm, CsrfOnly};
use crate::web::event_guards::OrganizedEvent;
use crate::web::render::{Html, Page};
use crate::web::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        add_ticket_type,
        set_ticket_visibility,
        renew_ticket_link,
        delete_ticket_type,
        add_question,
        delete_question,
        add_discount,
        delete_discount
    ]
}

#[post("/events/<_slug>/manage/tickets", data = "<form>")]
async fn add_ticket_type(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<TicketTypeForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = tickets::create(&state.db, &organized.event, &form.0).await;
    section_action(Section::Tickets, &page, state, &organized.event, result, "The ticket type is added.").await
}

#[post("/events/<_slug>/manage/tickets/<id>/visibility", data = "<form>")]
async fn set_ticket_visibility(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    form: CsrfForm<PublishForm>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let visible = form.0.published == "true";
    tickets::set_visible(&state.db, &organized.event, id, visible).await?;
    Ok(back_to_section(Section::Tickets, &organized.event, if visible { "The ticket is listed." } else { "The ticket is hidden." }))
}

/// A new secret link for a hidden ticket type; the old one stops working.
#[post("/events/<_slug>/manage/tickets/<id>/link", data = "<_form>")]
async fn renew_ticket_link(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    let renewed = tickets::renew_access_code(&state.db, &organized.event, id).await?;
    Ok(back_to_section(Section::Tickets, &organized.event, format!("“{}” has a new secret link; the old one no longer works.", renewed.name)))
}

#[post("/events/<_slug>/manage/tickets/<id>/delete", data = "<_form>")]
async fn delete_ticket_type(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = tickets::delete(&state.db, &organized.event, id).await;
    match result {
        Err(AppError::Conflict(message)) => {
            section_with_errors(Section::Tickets, &page, state, &organized.event, None, &[FieldError::new("ticket_name", message)]).await
        }
        other => section_action(Section::Tickets, &page, state, &organized.event, other, "The ticket type is deleted.").await,
    }
}

#[post("/events/<_slug>/manage/questions", data = "<form>")]
async fn add_question(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<crate::domain::registration::questions::QuestionForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = crate::domain::registration::questions::create(&state.db, &organized.event, &form.0).await;
    section_action(Section::Questions, &page, state, &organized.event, result, "The question is added.").await
}

#[post("/events/<_slug>/manage/questions/<id>/delete", data = "<_form>")]
async fn delete_question(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    crate::domain::registration::questions::delete(&state.db, &organized.event, id).await?;
    Ok(back_to_section(Section::Questions, &organized.event, "The question is removed; answers already given are removed with it."))
}

#[post("/events/<_slug>/manage/discounts", data = "<form>")]
async fn add_discount(
    _slug: &str,
    organized: OrganizedEvent,
    form: CsrfForm<crate::domain::registration::discounts::DiscountForm>,
    page: Page,
    state: &State<AppState>,
) -> AppResult<Html> {
    let result = crate::domain::registration::discounts::create(&state.db, &organized.event, &form.0).await;
    section_action(Section::Tickets, &page, state, &organized.event, result, "The discount code is added.").await
}

#[post("/events/<_slug>/manage/discounts/<id>/delete", data = "<_form>")]
async fn delete_discount(
    _slug: &str,
    id: i32,
    organized: OrganizedEvent,
    _form: CsrfForm<CsrfOnly>,
    state: &State<AppState>,
) -> AppResult<Flash<Redirect>> {
    crate::domain::registration::discounts::delete(&state.db, &organized.event, id).await?;
    Ok(back_to_section(Section::Tickets, &organized.event, "The discount code is removed."))
}

//! Page rendering: every template gets the same frame (who is logged in,
//! this browser's CSRF token, the flash message) plus its own data.

use rocket::http::Status;
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use rocket::response::{status::Custom, Flash, Redirect, Responder};
use std::sync::Arc;

use rocket_dyn_templates::{Metadata, Template};
use serde_json::{Map, Value};

use crate::db::entities::user;
use crate::domain::schedule::exports::Rendered;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::conditional::Conditional;
use crate::web::csrf::CsrfToken;
use crate::web::guards::MaybeUser;
use crate::web::page_cache::{conditional_page, take_ticket};
use crate::web::page_store::RenderTicket;
use crate::web::views::frame::{FlashView, Frame, FrameUser};

/// The frame of a page: request guard for every HTML handler.
pub struct Page {
    pub user: Option<user::Model>,
    pub csrf: String,
    flash: Option<(String, String)>,
    /// This page's path and query, to come back to (log-in, time zone).
    pub here: String,
    /// Set when this page is rendered for every visitor and kept (see
    /// `page_cache`): `Page::public` fills it.
    ticket: Option<RenderTicket>,
    /// Rendered as the copy for every logged-in visitor.
    for_members: bool,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Page {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let here = req.uri().to_string();
        if let Some(ticket) = take_ticket(req) {
            // A page for every visitor (or every member): no one's form
            // token or name in it (their script fills those in), and no
            // cookie set by it.
            let for_members = ticket.for_members();
            return Outcome::Success(Page { user: None, csrf: String::new(), flash: None, here, ticket: Some(ticket), for_members });
        }
        let MaybeUser(user) = req.guard::<MaybeUser>().await.succeeded().unwrap_or(MaybeUser(None));
        let csrf = req.guard::<CsrfToken>().await.succeeded().map(|t| t.0).unwrap_or_default();
        let flash = req.guard::<Option<FlashMessage<'_>>>().await.succeeded().flatten().map(|f| (f.kind().to_owned(), f.message().to_owned()));
        Outcome::Success(Page { user, csrf, flash, here, ticket: None, for_members: false })
    }
}

/// What an HTML handler answers.
#[derive(Responder)]
pub enum Html {
    Page(Template),
    WithStatus(Custom<Template>),
    Redirect(Redirect),
    Flash(Flash<Redirect>),
    /// A public page kept for every visitor.
    Kept(Conditional),
}

/// Runs a page render off the async workers' queue where the runtime
/// allows it: the 400-session schedule takes tens of milliseconds, and
/// other requests should not wait behind it.
fn render_blocking<T>(render: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(render),
        _ => render(),
    }
}

impl Page {
    /// Renders `template` with the frame and `data` (a view model or an
    /// object) merged.
    pub fn render(&self, template: &'static str, title: &str, data: impl serde::Serialize) -> Template {
        Template::render(template, self.context(title, data))
    }

    /// A public page: rendered as `ok` would, and when it is rendered for
    /// every visitor (see `page_cache`), kept compressed and answered from
    /// memory until the event changes.
    pub async fn public(self, templates: &Metadata<'_>, template: &'static str, title: &str, data: impl serde::Serialize) -> AppResult<Html> {
        if self.ticket.is_none() {
            return Ok(self.ok(template, title, data));
        }
        let context = self.context(title, data);
        let rendered = render_blocking(|| templates.render(template, context))
            .ok_or_else(|| AppError::Internal(format!("the template {template} did not render")))?;
        let page = Arc::new(Rendered::compressed(rendered.1, crate::domain::now()).await?);
        if let Some(ticket) = self.ticket {
            ticket.fill(page.clone());
        }
        Ok(Html::Kept(conditional_page(page)))
    }

    /// This page is the copy kept for every logged-in visitor: the handler
    /// renders no one's own state into it (see `page_cache`).
    pub fn for_members(&self) -> bool {
        self.for_members
    }

    /// Renders without keeping the page, unless `keep`: the visitor turned
    /// out to see more than everyone (they joined the event's team between
    /// the cache's check and this render).
    pub fn keep_only_if(&mut self, keep: bool) {
        if !keep {
            self.ticket = None;
        }
    }

    fn context(&self, title: &str, data: impl serde::Serialize) -> Value {
        let mut context = match serde_json::to_value(data).unwrap_or(Value::Null) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let frame = Frame {
            title,
            csrf: &self.csrf,
            user: if self.for_members() { Some(FrameUser::member()) } else { self.user.as_ref().map(FrameUser::from) },
            for_members: self.for_members(),
            flash: self.flash.as_ref().map(|(kind, message)| FlashView { kind, message }),
            here: &self.here,
            here_encoded: url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect(),
        };
        if let Ok(Value::Object(frame)) = serde_json::to_value(frame) {
            // The flash is left out when there is none, as before.
            context.extend(frame.into_iter().filter(|(key, value)| key != "flash" || !value.is_null()));
        }
        Value::Object(context)
    }

    pub fn ok(&self, template: &'static str, title: &str, data: impl serde::Serialize) -> Html {
        Html::Page(self.render(template, title, data))
    }

    /// A form shown again with what was typed and what needs fixing.
    pub fn invalid(&self, status: Status, template: &'static str, title: &str, data: impl serde::Serialize, errors: &[FieldError]) -> Html {
        let mut data = serde_json::to_value(data).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut data {
            map.insert("errors".into(), serde_json::to_value(field_errors(errors)).unwrap_or(Value::Null));
        }
        Html::WithStatus(Custom(status, self.render(template, title, data)))
    }
}

/// What needs fixing in a form, for templates: `{field: message, ...,
/// "_list": [...]}`, beside each field and as a summary at the top.
#[derive(serde::Serialize)]
pub struct FieldErrors<'a> {
    /// The first message for each field.
    #[serde(flatten)]
    pub by_field: std::collections::BTreeMap<&'a str, &'a str>,
    #[serde(rename = "_list")]
    pub list: &'a [FieldError],
}

pub fn field_errors(errors: &[FieldError]) -> FieldErrors<'_> {
    let mut by_field = std::collections::BTreeMap::new();
    for error in errors {
        by_field.entry(error.field.as_str()).or_insert(error.message.as_str());
    }
    FieldErrors { by_field, list: errors }
}

/// A file to download: its type, the name a browser saves it under, and
/// whether it is private (attendee lists, badges: never cached on the way).
pub struct Download<B> {
    pub kind: rocket::http::ContentType,
    pub file_name: String,
    pub body: B,
    pub private: bool,
}

impl<'r, B: Responder<'r, 'static>> Responder<'r, 'static> for Download<B> {
    fn respond_to(self, req: &'r Request<'_>) -> rocket::response::Result<'static> {
        let private = self.private;
        let mut response = if private { Private(self.body).respond_to(req)? } else { self.body.respond_to(req)? };
        response.set_header(self.kind);
        response.set_header(rocket::http::Header::new("Content-Disposition", format!("attachment; filename=\"{}\"", self.file_name)));
        Ok(response)
    }
}

/// An answer about one person: never kept by a cache on the way.
pub struct Private<R>(pub R);

impl<'r, R: Responder<'r, 'static>> Responder<'r, 'static> for Private<R> {
    fn respond_to(self, req: &'r Request<'_>) -> rocket::response::Result<'static> {
        let mut response = self.0.respond_to(req)?;
        response.set_header(rocket::http::Header::new("Cache-Control", "private, no-store"));
        Ok(response)
    }
}

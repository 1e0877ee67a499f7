//! Who is on a badge, and PDFs of many badges: an organizer asks for the
//! badges of an event (or a filtered set), the sheets are drawn in the
//! background a page at a time while the page shows how far it got, and
//! the finished PDF is kept in the database for download (so any instance
//! can serve it).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::face::BadgeFace;
use super::render::{Paper, Sheets, PER_PAGE};
use super::EventKey;
use crate::db::entities::badge_print::PrintStatus;
use crate::db::entities::{badge_print, event, event_role, profile, registration, user};
use crate::domain::community::profiles;
use crate::domain::jobs::{Job, JobHandler, Lease};
use crate::domain::now;
use crate::domain::registration::attendees::{self, AttendeeFilter};
use crate::error::{AppError, AppResult};

/// What one badge shows, loaded from the database.
#[derive(Debug, Clone)]
pub struct Holder {
    pub registration_id: i32,
    pub name: String,
    pub organization: String,
    /// The first social handle the person gave (X, Mastodon or Bluesky).
    pub handle: String,
    /// Role name and colour.
    pub role: Option<(String, String)>,
}

impl Holder {
    pub fn face<'a>(&'a self, event_title: &'a str, url: &'a str) -> BadgeFace<'a> {
        BadgeFace {
            name: &self.name,
            organization: &self.organization,
            role: self.role.as_ref().map(|(n, c)| (n.as_str(), c.as_str())),
            handle: &self.handle,
            event: event_title,
            url,
        }
    }
}

/// The badge holders of these registrations of `event`, in the given order.
pub async fn holders(db: &DatabaseConnection, event: &event::Model, registration_ids: &[i32]) -> AppResult<Vec<Holder>> {
    let roles: HashMap<i32, (String, String)> = event_role::Entity::find()
        .filter(event_role::Column::EventId.eq(event.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, (r.name, r.color)))
        .collect();
    let mut found: HashMap<i32, Holder> = HashMap::new();
    for chunk in registration_ids.chunks(500) {
        let rows = registration::Entity::find()
            .filter(registration::Column::Id.is_in(chunk.to_vec()))
            .filter(registration::Column::EventId.eq(event.id))
            .all(db)
            .await?;
        let user_ids: Vec<i32> = rows.iter().map(|r| r.user_id).collect();
        let users: HashMap<i32, user::Model> =
            user::Entity::find().filter(user::Column::Id.is_in(user_ids.clone())).all(db).await?.into_iter().map(|u| (u.id, u)).collect();
        let people: HashMap<i32, profile::Model> =
            profile::Entity::find().filter(profile::Column::UserId.is_in(user_ids)).all(db).await?.into_iter().map(|p| (p.user_id, p)).collect();
        for row in rows {
            let Some(account) = users.get(&row.user_id) else { continue };
            let profile = people.get(&row.user_id);
            found.insert(
                row.id,
                Holder {
                    registration_id: row.id,
                    name: account.display_name.clone(),
                    organization: profile.map(|p| p.organization.clone()).unwrap_or_default(),
                    handle: profile
                        .and_then(|p| profiles::handles(p).into_iter().find(|(label, _, _)| matches!(*label, "X" | "Mastodon" | "Bluesky")))
                        .map(|(_, text, _)| text)
                        .unwrap_or_default(),
                    role: row.role_id.and_then(|id| roles.get(&id).cloned()),
                },
            );
        }
    }
    Ok(registration_ids.iter().filter_map(|id| found.remove(id)).collect())
}

pub fn badge_url(base_url: &str, key: &EventKey, registration_id: i32, event_id: i32) -> String {
    format!("{base_url}/b/{}", key.token(registration_id, event_id))
}

/// The confirmed registrations a filter picks, ordered by name (badges are
/// handed out alphabetically).
pub async fn select(db: &DatabaseConnection, event: &event::Model, filter: &AttendeeFilter) -> AppResult<Vec<i32>> {
    let filter = AttendeeFilter { status: Some("confirmed".into()), ..filter.clone() };
    let mut rows = attendees::list(db, event, &filter).await?;
    rows.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.registration_id.cmp(&b.registration_id)));
    Ok(rows.into_iter().map(|r| r.registration_id).collect())
}

/// A print that has not moved for this long lost its instance; the job
/// queue gives it to another within a few minutes (see `jobs`).
const STALLED_AFTER_SECONDS: i64 = 120;

/// Records a print of `registration_ids`; `run` draws it.
pub async fn start(
    db: &DatabaseConnection,
    event: &event::Model,
    requested_by: &user::Model,
    paper: Paper,
    selection: &str,
    registration_ids: &[i32],
) -> AppResult<badge_print::Model> {
    if registration_ids.is_empty() {
        return Err(AppError::Conflict("No confirmed registration matches: there is no badge to print.".into()));
    }
    let at = now();
    Ok(badge_print::ActiveModel {
        event_id: Set(event.id),
        requested_by: Set(Some(requested_by.id)),
        paper: Set(paper.as_str().into()),
        selection: Set(selection.chars().take(200).collect()),
        registration_ids: Set(registration_ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")),
        total: Set(registration_ids.len() as i32),
        done: Set(0),
        status: Set(PrintStatus::Running),
        error: Set(String::new()),
        pdf: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Runs badge print jobs (`Job::BadgePrint`) for the queue.
pub struct PrintHandler {
    /// Opens events' badge keys (see `domain::secrets`).
    pub key_encryption_key: [u8; 32],
    pub base_url: String,
}

impl JobHandler for PrintHandler {
    fn run<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        job: &'a Job,
        lease: &'a Lease,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            match job {
                Job::BadgePrint { print_id } => {
                    run(db, &self.key_encryption_key, &self.base_url, *print_id, lease).await;
                    Ok(())
                }
                other => Err(format!("the badge print handler was given a {} job", other.kind())),
            }
        })
    }
}

/// Draws the print's sheets, saving progress after each one, then the PDF.
/// Runs as a job: a print whose instance died is started again from the
/// first sheet by another. A failure is recorded on the print, not lost in
/// a log.
pub async fn run(db: &DatabaseConnection, kek: &[u8; 32], base_url: &str, print_id: i32, lease: &Lease) {
    if let Err(error) = draw(db, kek, base_url, print_id, lease).await {
        tracing::error!(%error, print_id, "badge print failed");
        let _ = badge_print::Entity::update_many()
            .col_expr(badge_print::Column::Status, Expr::value(crate::db::entities::badge_print::PrintStatus::Failed))
            .col_expr(badge_print::Column::Error, Expr::value(error.to_string()))
            .col_expr(badge_print::Column::UpdatedAt, Expr::value(now()))
            .filter(badge_print::Column::Id.eq(print_id))
            .exec(db)
            .await;
    }
}

async fn draw(db: &DatabaseConnection, kek: &[u8; 32], base_url: &str, print_id: i32, lease: &Lease) -> AppResult<()> {
    let print = badge_print::Entity::find_by_id(print_id).one(db).await?.ok_or(AppError::NotFound)?;
    if print.status != PrintStatus::Running {
        return Ok(());
    }
    let event = crate::domain::events::find_by_id(db, print.event_id).await?.ok_or(AppError::NotFound)?;
    let paper = Paper::parse(&print.paper).unwrap_or(Paper::A4);
    let ids: Vec<i32> = print.registration_ids.split(',').filter_map(|id| id.parse().ok()).collect();
    let key = super::keys::signing_key(db, kek, event.id).await?;
    let mut sheets = Sheets::new(paper);
    let mut done = 0;
    for page in ids.chunks(PER_PAGE) {
        let holders = holders(db, &event, page).await?;
        let badges = holders
            .iter()
            .map(|h| {
                let url = badge_url(base_url, &key, h.registration_id, event.id);
                super::face::svg(&h.face(&event.title, &url))
            })
            .collect::<AppResult<Vec<String>>>()?;
        // Drawing is CPU work: off the async threads.
        sheets = tokio::task::spawn_blocking(move || sheets.add_page(&badges).map(|()| sheets))
            .await
            .map_err(|e| AppError::Internal(format!("badge sheet: {e}")))??;
        done += page.len() as i32;
        if !lease.renew(db, now()).await? {
            // Too slow: another instance has taken the print over.
            return Ok(());
        }
        badge_print::Entity::update_many()
            .col_expr(badge_print::Column::Done, Expr::value(done))
            .col_expr(badge_print::Column::UpdatedAt, Expr::value(now()))
            .filter(badge_print::Column::Id.eq(print_id))
            .exec(db)
            .await?;
    }
    let title = format!("Badges · {}", event.title);
    let pdf = tokio::task::spawn_blocking(move || sheets.finish(&title)).await.map_err(|e| AppError::Internal(format!("badge PDF: {e}")))?;
    badge_print::Entity::update_many()
        .col_expr(badge_print::Column::Pdf, Expr::value(pdf))
        .col_expr(badge_print::Column::Status, Expr::value(crate::db::entities::badge_print::PrintStatus::Ready))
        .col_expr(badge_print::Column::UpdatedAt, Expr::value(now()))
        .filter(badge_print::Column::Id.eq(print_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A print as the organizer sees it (without the PDF bytes).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PrintView {
    pub id: i32,
    pub paper: String,
    pub selection: String,
    pub total: i32,
    pub done: i32,
    pub percent: i32,
    pub pages: i32,
    /// `running`, `ready` or `failed` (a print whose instance stopped counts as failed).
    pub status: PrintStatus,
    pub error: String,
    pub created_at: String,
}

fn view(print: &badge_print::Model, zone: chrono_tz::Tz) -> PrintView {
    let stalled = print.status == PrintStatus::Running && now() - print.updated_at > Duration::seconds(STALLED_AFTER_SECONDS);
    PrintView {
        id: print.id,
        paper: if print.paper == "letter" { "US Letter".into() } else { "A4".into() },
        selection: print.selection.clone(),
        total: print.total,
        done: print.done,
        percent: if print.total > 0 { print.done * 100 / print.total } else { 100 },
        pages: (print.total as usize).div_ceil(PER_PAGE) as i32,
        status: print.status,
        error: if stalled {
            "The server drawing this print stopped; another starts it again within a few minutes.".into()
        } else {
            print.error.clone()
        },
        created_at: crate::domain::times::moment(print.created_at, zone),
    }
}

/// The event's recent prints, newest first.
pub async fn recent(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<PrintView>> {
    let event_id = event.id;
    let prints = badge_print::Entity::find()
        .select_only()
        .columns([
            badge_print::Column::Id,
            badge_print::Column::EventId,
            badge_print::Column::RequestedBy,
            badge_print::Column::Paper,
            badge_print::Column::Selection,
            badge_print::Column::RegistrationIds,
            badge_print::Column::Total,
            badge_print::Column::Done,
            badge_print::Column::Status,
            badge_print::Column::Error,
            badge_print::Column::CreatedAt,
            badge_print::Column::UpdatedAt,
        ])
        .expr_as(Expr::value(Option::<Vec<u8>>::None), "pdf")
        .filter(badge_print::Column::EventId.eq(event_id))
        .order_by_desc(badge_print::Column::Id)
        .limit(10)
        .into_model::<badge_print::Model>()
        .all(db)
        .await?;
    let zone = crate::domain::events::zone_of(event);
    Ok(prints.iter().map(|p| view(p, zone)).collect())
}

/// One print of the event, without its PDF.
pub async fn find(db: &DatabaseConnection, event: &event::Model, print_id: i32) -> AppResult<PrintView> {
    recent_one(db, event.id, print_id).await.map(|p| view(&p, crate::domain::events::zone_of(event)))
}

async fn recent_one(db: &DatabaseConnection, event_id: i32, print_id: i32) -> AppResult<badge_print::Model> {
    badge_print::Entity::find_by_id(print_id).filter(badge_print::Column::EventId.eq(event_id)).one(db).await?.ok_or(AppError::NotFound)
}

/// The finished PDF of a print of the event.
pub async fn pdf(db: &DatabaseConnection, event_id: i32, print_id: i32) -> AppResult<Vec<u8>> {
    let print = recent_one(db, event_id, print_id).await?;
    match (print.status, print.pdf) {
        (PrintStatus::Ready, Some(pdf)) => Ok(pdf),
        _ => Err(AppError::Conflict("This print is not ready yet.".into())),
    }
}

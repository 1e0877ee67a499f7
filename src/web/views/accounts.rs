//! Accounts: the API's token answer and the caller's account, the sign-up
//! and log-in forms, and the account page.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::SessionTimeouts;
use crate::db::entities::event_member::TeamRole;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{api_token, user};
use crate::domain::accounts::{api_tokens, login_sessions};
use crate::domain::events::{self, team};
use crate::domain::registration;
use crate::error::AppResult;

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub email: String,
    pub password: String,
    /// What the token is for ("my scanner"), to recognise it in the account page.
    #[serde(default)]
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Token {
    pub id: i32,
    pub name: String,
    /// Shown only once.
    pub token: String,
    pub created_at: DateTime<Utc>,
}

impl Token {
    pub fn new(stored: &api_token::Model, plaintext: String) -> Token {
        Token { id: stored.id, name: stored.name.clone(), token: plaintext, created_at: stored.created_at }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub is_site_admin: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&user::Model> for Me {
    fn from(account: &user::Model) -> Me {
        Me {
            id: account.id,
            email: account.email.clone(),
            display_name: account.display_name.clone(),
            is_site_admin: account.is_site_admin,
            created_at: account.created_at,
        }
    }
}

/// The sign-up and log-in forms as typed (never the password).
#[derive(Serialize, Default)]
pub struct AccountForm {
    pub form: AccountFields,
}

#[derive(Serialize, Default)]
pub struct AccountFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Where to go after: a path on this site.
    pub next: Option<String>,
}

/// The account page: sessions, API tokens, the events the person helps run,
/// their registrations.
#[derive(Serialize)]
pub struct AccountPage {
    pub account: AccountName,
    pub sessions: Vec<SessionRow>,
    /// "12 hours": how long a quiet session lasts.
    pub session_idle: String,
    pub session_lifetime: String,
    pub tokens: Vec<TokenRow>,
    pub team_events: Vec<TeamEventRow>,
    pub registrations: Vec<RegistrationRow>,
    /// A token just made, shown this once.
    pub new_token: Option<NewToken>,
}

#[derive(Serialize)]
pub struct AccountName {
    pub email: String,
    pub display_name: String,
}

#[derive(Serialize)]
pub struct SessionRow {
    pub id: i32,
    pub device: String,
    pub ip_address: String,
    pub started: String,
    pub last_seen: String,
    pub is_current: bool,
}

#[derive(Serialize)]
pub struct TokenRow {
    pub id: i32,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
}

#[derive(Serialize)]
pub struct TeamEventRow {
    pub slug: String,
    pub title: String,
    pub role: TeamRole,
    pub is_published: bool,
    pub is_organizer: bool,
}

#[derive(Serialize)]
pub struct RegistrationRow {
    pub id: i32,
    pub event_slug: String,
    pub event_title: String,
    pub status: RegistrationStatus,
    pub is_held: bool,
    pub when: String,
}

#[derive(Serialize)]
pub struct NewToken {
    pub name: String,
    pub value: String,
}

/// "12 hours", "14 days", "5 minutes".
fn in_words(d: chrono::Duration) -> String {
    match (d.num_days(), d.num_hours(), d.num_minutes()) {
        (days, _, _) if days >= 2 && d == chrono::Duration::days(days) => format!("{days} days"),
        (_, hours, _) if hours >= 1 && d == chrono::Duration::hours(hours) => format!("{hours} hour{}", if hours == 1 { "" } else { "s" }),
        (_, _, minutes) => format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" }),
    }
}

impl AccountPage {
    pub async fn load(
        db: &DatabaseConnection,
        limits: &SessionTimeouts,
        account: &user::Model,
        current_session: Option<i32>,
    ) -> AppResult<AccountPage> {
        // Their own zone (UTC until they set one), as every other page shows times.
        let zone = crate::domain::accounts::time_zone_of(db, account.id).await?.unwrap_or(chrono_tz::UTC);
        let stamp = |at: DateTime<Utc>| crate::domain::times::moment(at, zone);
        let sessions = login_sessions::list(db, limits, account, current_session)
            .await?
            .into_iter()
            .map(|s| SessionRow {
                id: s.id,
                device: s.device,
                ip_address: s.ip_address,
                started: stamp(s.started),
                last_seen: stamp(s.last_seen),
                is_current: s.is_current,
            })
            .collect();
        let tokens = api_tokens::list_for_user(db, account.id)
            .await?
            .into_iter()
            .map(|t| TokenRow { id: t.id, name: t.name, created: stamp(t.created_at), last_used: t.last_used_at.map(stamp) })
            .collect();
        let team_events = team::events_of(db, account.id)
            .await?
            .into_iter()
            .map(|(event, role)| TeamEventRow {
                slug: event.slug,
                title: event.title,
                role,
                is_published: event.is_published,
                is_organizer: role == TeamRole::Organizer,
            })
            .collect();
        let mut registrations = Vec::new();
        for found in registration::of_user(db, account.id).await? {
            if let Some(event) = events::find_by_id(db, found.event_id).await? {
                registrations.push(RegistrationRow {
                    id: found.id,
                    when: events::summarize(&event).when,
                    event_slug: event.slug,
                    event_title: event.title,
                    status: found.status,
                    is_held: found.status == RegistrationStatus::Held,
                });
            }
        }
        Ok(AccountPage {
            account: AccountName { email: account.email.clone(), display_name: account.display_name.clone() },
            sessions,
            session_idle: in_words(limits.idle),
            session_lifetime: in_words(limits.lifetime),
            tokens,
            team_events,
            registrations,
            new_token: None,
        })
    }
}

/// The page a reset link opens: the new-password form while the link
/// works, otherwise why not and a way to ask again.
#[derive(Serialize)]
pub struct ResetPage {
    pub valid: bool,
    pub token: String,
    /// The account's address, so the person knows which account it is.
    pub email: String,
    pub detail: String,
}

/// The time-zone page: the zone in use, and every zone by city.
#[derive(Serialize)]
pub struct TimeZonePage {
    /// "Berlin", when a zone is chosen.
    pub current: Option<String>,
    pub from_profile: bool,
    pub form: TimeZoneFields,
    pub zones: Vec<crate::domain::times::ZoneOption>,
    /// Logged in: the choice goes into the profile.
    pub logged_in: bool,
}

#[derive(Serialize)]
pub struct TimeZoneFields {
    pub zone: String,
    pub next: String,
}

impl TimeZonePage {
    pub fn new(current: Option<(chrono_tz::Tz, crate::domain::times::ZoneSource)>, typed: String, next: String, logged_in: bool) -> TimeZonePage {
        use crate::domain::times::{city, zone_options, ZoneSource};
        TimeZonePage {
            current: current.map(|(zone, _)| city(zone)),
            from_profile: current.is_some_and(|(_, source)| source == ZoneSource::Profile),
            form: TimeZoneFields { zone: if typed.is_empty() { current.map(|(z, _)| z.name().to_owned()).unwrap_or_default() } else { typed }, next },
            zones: zone_options(),
            logged_in,
        }
    }
}

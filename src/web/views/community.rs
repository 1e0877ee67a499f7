//! Profiles, matches and connections, as the API and the connections page
//! show them.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::entities::connection::ConnectionStatus;
use crate::db::entities::profile::Visibility;
use crate::db::entities::{profile, user};
use crate::domain::community::connections::{self, Overview};
use crate::domain::community::matches::{NotMatched, Suggestion};
use crate::domain::community::people::{self, PersonCard};
use crate::domain::community::profiles::{self, ProfileInput};
use crate::domain::input::split_tags;
use crate::error::{AppError, AppResult};

/// The caller's own profile, everything in it.
#[derive(Serialize, ToSchema)]
#[schema(as = Profile)]
pub struct ProfileView {
    pub user_id: i32,
    pub display_name: String,
    pub pronouns: String,
    pub headline: String,
    pub organization: String,
    /// Markdown.
    pub bio: String,
    pub interests: Vec<String>,
    pub looking_for: Vec<String>,
    pub can_offer: Vec<String>,
    pub handle_x: String,
    pub handle_mastodon: String,
    pub handle_bluesky: String,
    pub handle_linkedin: String,
    pub website: String,
    pub time_zone: Option<String>,
    pub visibility: Visibility,
    pub matching_enabled: bool,
    pub share_on_scan: bool,
}

impl ProfileView {
    pub fn new(account: &user::Model, p: &profile::Model) -> ProfileView {
        ProfileView {
            user_id: account.id,
            display_name: account.display_name.clone(),
            pronouns: p.pronouns.clone(),
            headline: p.headline.clone(),
            organization: p.organization.clone(),
            bio: p.bio.clone(),
            interests: split_tags(&p.interests),
            looking_for: split_tags(&p.looking_for),
            can_offer: split_tags(&p.can_offer),
            handle_x: p.handle_x.clone(),
            handle_mastodon: p.handle_mastodon.clone(),
            handle_bluesky: p.handle_bluesky.clone(),
            handle_linkedin: p.handle_linkedin.clone(),
            website: p.website.clone(),
            time_zone: p.time_zone.clone(),
            visibility: p.visibility,
            matching_enabled: p.matching_enabled,
            share_on_scan: p.share_on_scan,
        }
    }
}

/// Tags as a list or as one comma-separated string.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Tags {
    List(Vec<String>),
    Text(String),
}

impl Tags {
    fn joined(self) -> String {
        match self {
            Tags::List(items) => items.join(","),
            Tags::Text(text) => text,
        }
    }
}

/// Fields left out keep their stored value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub pronouns: Option<String>,
    pub headline: Option<String>,
    pub organization: Option<String>,
    pub bio: Option<String>,
    pub interests: Option<Tags>,
    pub looking_for: Option<Tags>,
    pub can_offer: Option<Tags>,
    pub handle_x: Option<String>,
    pub handle_mastodon: Option<String>,
    pub handle_bluesky: Option<String>,
    pub handle_linkedin: Option<String>,
    pub website: Option<String>,
    pub time_zone: Option<String>,
    /// `hidden`, `attendees` or `public`.
    pub visibility: Option<String>,
    pub matching_enabled: Option<bool>,
    pub share_on_scan: Option<bool>,
}

impl ProfileUpdate {
    /// The stored profile with this update's fields laid over it.
    pub fn apply(self, mut input: ProfileInput) -> ProfileInput {
        let set = |target: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *target = v;
            }
        };
        set(&mut input.display_name, self.display_name);
        set(&mut input.pronouns, self.pronouns);
        set(&mut input.headline, self.headline);
        set(&mut input.organization, self.organization);
        set(&mut input.bio, self.bio);
        set(&mut input.interests, self.interests.map(Tags::joined));
        set(&mut input.looking_for, self.looking_for.map(Tags::joined));
        set(&mut input.can_offer, self.can_offer.map(Tags::joined));
        set(&mut input.handle_x, self.handle_x);
        set(&mut input.handle_mastodon, self.handle_mastodon);
        set(&mut input.handle_bluesky, self.handle_bluesky);
        set(&mut input.handle_linkedin, self.handle_linkedin);
        set(&mut input.website, self.website);
        set(&mut input.time_zone, self.time_zone);
        set(&mut input.visibility, self.visibility);
        input.matching_enabled = self.matching_enabled.unwrap_or(input.matching_enabled);
        input.share_on_scan = self.share_on_scan.unwrap_or(input.share_on_scan);
        input
    }
}

/// Up to ten peers, or why there are none.
#[derive(Serialize, ToSchema)]
pub struct Matches {
    pub matches: Vec<Suggestion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_matched: Option<NotMatched>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub detail: Option<&'static str>,
}

impl From<Result<Vec<Suggestion>, NotMatched>> for Matches {
    fn from(found: Result<Vec<Suggestion>, NotMatched>) -> Matches {
        match found {
            Ok(matches) => Matches { matches, not_matched: None, detail: None },
            Err(reason) => Matches { matches: Vec::new(), not_matched: Some(reason), detail: Some(reason.message()) },
        }
    }
}

/// A contact handle, shown only between connected people.
#[derive(Serialize, ToSchema)]
pub struct Handle {
    #[schema(value_type = String)]
    pub label: &'static str,
    pub text: String,
    pub link: String,
}

/// A person on the connections list: their card, and their handles once
/// both agreed to connect.
#[derive(Serialize, ToSchema)]
pub struct ConnectedPerson {
    #[serde(flatten)]
    pub card: PersonCard,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handles: Option<Vec<Handle>>,
}

#[derive(Serialize, ToSchema)]
pub struct ConnectionRequest {
    pub id: i32,
    pub note: String,
    pub person: ConnectedPerson,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct Connection {
    pub id: i32,
    pub person: ConnectedPerson,
    pub since: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct BlockedPerson {
    pub user_id: i32,
    pub name: String,
}

/// Requests to and from the person, their connections and whom they blocked.
#[derive(Serialize, ToSchema)]
#[schema(as = Connections)]
pub struct ConnectionsView {
    pub incoming: Vec<ConnectionRequest>,
    pub outgoing: Vec<ConnectionRequest>,
    pub connected: Vec<Connection>,
    pub blocked: Vec<BlockedPerson>,
}

async fn person(db: &DatabaseConnection, id: i32, with_handles: bool) -> AppResult<ConnectedPerson> {
    let account = crate::domain::accounts::find_by_id(db, id).await?.ok_or(AppError::NotFound)?;
    let profile = profiles::load(db, id).await?;
    let handles = with_handles.then(|| profiles::handles(&profile).into_iter().map(|(label, text, link)| Handle { label, text, link }).collect());
    Ok(ConnectedPerson { card: people::card(&account, &profile, None), handles })
}

impl ConnectionsView {
    pub async fn load(db: &DatabaseConnection, me: &user::Model) -> AppResult<ConnectionsView> {
        let Overview { incoming, outgoing, connected, blocked } = connections::overview(db, me.id).await?;
        let mut view = ConnectionsView { incoming: Vec::new(), outgoing: Vec::new(), connected: Vec::new(), blocked: Vec::new() };
        for c in incoming {
            view.incoming.push(ConnectionRequest {
                id: c.id,
                person: person(db, c.requester_id, false).await?,
                note: c.note,
                created_at: c.created_at,
            });
        }
        for c in outgoing {
            view.outgoing.push(ConnectionRequest {
                id: c.id,
                person: person(db, c.addressee_id, false).await?,
                note: c.note,
                created_at: c.created_at,
            });
        }
        for c in connected {
            let other = if c.requester_id == me.id { c.addressee_id } else { c.requester_id };
            view.connected.push(Connection { id: c.id, person: person(db, other, true).await?, since: c.responded_at });
        }
        for id in blocked {
            if let Some(account) = crate::domain::accounts::find_by_id(db, id).await? {
                view.blocked.push(BlockedPerson { user_id: account.id, name: account.display_name });
            }
        }
        Ok(view)
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectRequest {
    pub user_id: i32,
    /// Up to 280 characters.
    #[serde(default)]
    pub note: String,
}

/// Where a request to connect stands.
#[derive(Serialize, ToSchema)]
pub struct ConnectionChange {
    /// The other person, when asking; the connection's id, when answering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    pub status: ConnectionStatus,
}

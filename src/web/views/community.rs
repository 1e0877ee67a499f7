//! Profiles, matches and connections, as the API and the connections page
//! show them, and the organizer's community page.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use chrono_tz::Tz;

use crate::db::entities::connection::ConnectionStatus;
use crate::db::entities::event::EventKind;
use crate::db::entities::profile::Visibility;
use crate::db::entities::{event, profile, user};
use crate::domain::community::connections::Standing;
use crate::domain::community::connections::{self, Overview};
use crate::domain::community::matches::{NotMatched, Suggestion};
use crate::domain::community::people::{self, Attendee, PersonCard};
use crate::domain::community::profiles::{self, ProfileInput};
use crate::domain::community::{tables, tribes};
use crate::domain::events::{self, places};
use crate::domain::input::split_tags;
use crate::domain::schedule::{self, Scope};
use crate::domain::times::{self, When, ZoneSource, Zones};
use crate::error::{AppError, AppResult};
use crate::web::views::{Choice, Paging};

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

/// The organizer's community page: roles, tribes and their meetups, table
/// plans. `F` is the form that was typed when it is shown again with errors.
#[derive(Serialize)]
pub struct CommunityPage<F: Serialize> {
    pub event: CommunityEvent,
    pub roles: Vec<RoleCount>,
    /// The colour the role form starts with: the palette's next.
    pub next_role_color: &'static str,
    pub matchable: usize,
    pub attendees: usize,
    pub without_role: usize,
    pub hidden: usize,
    /// Listed, but chose not to be matched.
    pub matching_off: usize,
    pub slots: Vec<SlotRow>,
    pub tribes: Vec<TribeRow>,
    pub plans: Vec<tables::PlanView>,
    pub sessions: Vec<SessionChoice>,
    pub form: Option<F>,
}

#[derive(Serialize)]
pub struct CommunityEvent {
    pub slug: String,
    pub title: String,
    pub tribe_size: i32,
    pub zone: String,
}

#[derive(Serialize)]
pub struct RoleCount {
    pub id: i32,
    pub name: String,
    pub color: String,
    /// A dot in the role's colour, as a data URI.
    pub dot: String,
    pub attendees: usize,
}

#[derive(Serialize)]
pub struct SlotRow {
    pub id: i32,
    pub when: When,
    pub place: String,
    pub capacity: i32,
}

#[derive(Serialize)]
pub struct TribeRow {
    pub name: String,
    pub color: String,
    pub members: Vec<PersonCard>,
    pub slot: Option<TribeMeetup>,
}

#[derive(Serialize)]
pub struct TribeMeetup {
    pub when: When,
    pub place: String,
}

#[derive(Serialize)]
pub struct SessionChoice {
    pub id: i32,
    pub title: String,
}

impl<F: Serialize> CommunityPage<F> {
    pub async fn load(db: &DatabaseConnection, event: &event::Model, typed: Option<F>) -> AppResult<CommunityPage<F>> {
        let zones = Zones::of_event(events::zone_of(event));
        let roles = places::roles(db, event.id).await?;
        let attendees = people::attendees(db, event).await?;
        let role_counts: Vec<RoleCount> = roles
            .into_iter()
            .map(|r| RoleCount {
                attendees: attendees.iter().filter(|a| a.role.as_ref().map(|x| x.id) == Some(r.id)).count(),
                dot: profiles::color_dot(&r.color),
                id: r.id,
                name: r.name,
                color: r.color,
            })
            .collect();
        let slots = tribes::slots(db, event.id)
            .await?
            .into_iter()
            .map(|s| SlotRow { id: s.id, when: times::range(s.starts_at, s.ends_at, zones), place: s.place, capacity: s.capacity })
            .collect();
        let formed = tribes::all(db, event)
            .await?
            .into_iter()
            .map(|t| TribeRow {
                slot: t.slot.map(|s| TribeMeetup { when: times::range(s.starts_at, s.ends_at, zones), place: s.place }),
                name: t.name,
                color: t.role_color,
                members: t.members,
            })
            .collect();
        let sessions = schedule::load(db, event, Scope::All).await?.sessions;
        Ok(CommunityPage {
            event: CommunityEvent {
                slug: event.slug.clone(),
                title: event.title.clone(),
                tribe_size: event.tribe_size,
                zone: times::city(zones.event),
            },
            next_role_color: places::ROLE_PALETTE[role_counts.len() % places::ROLE_PALETTE.len()],
            roles: role_counts,
            matchable: attendees.iter().filter(|a| a.is_matchable()).count(),
            attendees: attendees.len(),
            // Each attendee counts once: hidden first, then without a role, then matching off.
            without_role: attendees.iter().filter(|a| a.visibility() != Visibility::Hidden && a.role.is_none()).count(),
            hidden: attendees.iter().filter(|a| a.visibility() == Visibility::Hidden).count(),
            matching_off: attendees
                .iter()
                .filter(|a| a.visibility() != Visibility::Hidden && a.role.is_some() && !a.profile.matching_enabled)
                .count(),
            slots,
            tribes: formed,
            plans: tables::plans(db, event).await?,
            sessions: sessions.into_iter().map(|s| SessionChoice { id: s.session.id, title: s.session.title }).collect(),
            form: typed,
        })
    }
}

/// The event as the people and tribe pages name it.
#[derive(Serialize)]
pub struct EventName {
    pub slug: String,
    pub title: String,
    pub kind: EventKind,
}

impl From<&event::Model> for EventName {
    fn from(found: &event::Model) -> EventName {
        EventName { slug: found.slug.clone(), title: found.title.clone(), kind: found.kind }
    }
}

/// People per directory page: a phone gets a screenful or two, not everyone.
pub const DIRECTORY_PAGE: usize = 24;

/// The event's directory of people.
#[derive(Serialize)]
pub struct DirectoryPage {
    pub event: EventName,
    /// This page's people (`DIRECTORY_PAGE` at most).
    pub people: Vec<PersonCard>,
    #[serde(flatten)]
    pub paging: Paging,
    pub roles: Vec<Choice>,
    pub filter: DirectoryQuery,
    /// The viewer is not registered: only public profiles are listed.
    pub only_public: bool,
    pub can_manage: bool,
}

#[derive(Serialize)]
pub struct DirectoryQuery {
    pub interest: Option<String>,
    pub organization: Option<String>,
    pub q: Option<String>,
}

/// "Your tribe": suggested peers, the tribe and its meetup, table seats.
#[derive(Serialize)]
pub struct TribePage {
    pub event: EventName,
    pub suggestions: Vec<SuggestionCard>,
    /// Why there are no suggestions, in words for the person.
    pub not_matched: Option<&'static str>,
    pub tribe: Option<MyTribe>,
    pub tables: Vec<tables::MyTable>,
    pub registered: bool,
    pub roles: Vec<Choice>,
    pub has_role: bool,
    pub zone_note: crate::web::views::frame::ZoneNote,
}

#[derive(Serialize)]
pub struct SuggestionCard {
    pub person: PersonCard,
    pub why: String,
    pub score: u32,
    pub can_request: bool,
    pub request_sent: bool,
    pub request_received: bool,
}

impl From<Suggestion> for SuggestionCard {
    fn from(s: Suggestion) -> SuggestionCard {
        SuggestionCard {
            can_request: s.standing == Standing::None,
            request_sent: s.standing == Standing::RequestSent,
            request_received: s.standing == Standing::RequestReceived,
            person: s.person,
            why: s.why,
            score: s.score,
        }
    }
}

#[derive(Serialize)]
pub struct MyTribe {
    pub name: String,
    pub role_color: String,
    pub members: Vec<PersonCard>,
    pub slot: Option<MeetupTime>,
}

/// When and where a tribe meets, in the event's zone and the viewer's.
#[derive(Serialize)]
pub struct MeetupTime {
    pub when: When,
    pub place: String,
}

impl MyTribe {
    pub fn new(t: tribes::TribeView, zone: Tz, viewer_zone: Option<(Tz, ZoneSource)>, me: i32) -> MyTribe {
        MyTribe {
            slot: t.slot.map(|s| MeetupTime { when: times::range(s.starts_at, s.ends_at, Zones::for_viewer(zone, viewer_zone)), place: s.place }),
            name: t.name,
            role_color: t.role_color,
            // The others: nobody needs to be shown to themselves.
            members: t.members.into_iter().filter(|m| m.user_id != me).collect(),
        }
    }
}

/// The profile form.
#[derive(Serialize)]
pub struct ProfileEditPage {
    pub form: ProfileInput,
    pub visibilities: Vec<VisibilityChoice>,
    /// Every zone named by a city, for the picker.
    pub zones: Vec<crate::domain::times::ZoneOption>,
    /// The profile's zone as the picker shows it.
    pub zone_label: String,
}

#[derive(Serialize)]
pub struct VisibilityChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

impl ProfileEditPage {
    pub fn new(form: &ProfileInput) -> ProfileEditPage {
        let checked = |value: &str| form.visibility == value || (value == "attendees" && form.visibility.is_empty());
        let choice = |value: &'static str, label: &'static str| VisibilityChoice { value, label, checked: checked(value) };
        ProfileEditPage {
            form: form.clone(),
            visibilities: vec![
                choice("hidden", "Hidden: only the organizers of my events see me"),
                choice("attendees", "Attendees: people registered for the same events"),
                choice("public", "Public: anyone"),
            ],
            zones: crate::domain::times::zone_options(),
            zone_label: crate::domain::times::zone_label(&form.time_zone),
        }
    }
}

/// A person's page, as their visibility and the viewer's connection allow.
#[derive(Serialize)]
pub struct PersonPage {
    pub person: PersonCard,
    pub bio_html: String,
    /// Contact handles: only for the person themself and their connections.
    pub handles: Vec<Handle>,
    pub is_self: bool,
    /// "Connected", "Request sent", ...
    pub standing: &'static str,
    pub is_connected: bool,
    pub is_blocked: bool,
    pub can_connect: bool,
    /// Their request to the viewer, to answer here.
    pub incoming: Option<IncomingRequest>,
    pub logged_in: bool,
}

#[derive(Serialize)]
pub struct IncomingRequest {
    pub id: i32,
    pub note: String,
}

/// How two people stand, in words for the person page.
pub fn standing_text(standing: Standing) -> &'static str {
    match standing {
        Standing::None => "",
        Standing::RequestSent => "Request sent",
        Standing::RequestReceived => "Wants to connect with you",
        Standing::Connected => "Connected",
        Standing::Declined => "Declined",
        Standing::Blocked => "Blocked",
    }
}

/// The handles a person listed, as links.
pub fn handles_of(p: &profile::Model) -> Vec<Handle> {
    profiles::handles(p).into_iter().map(|(label, text, link)| Handle { label, text, link }).collect()
}

impl DirectoryPage {
    /// Page `page` (from 1) of everyone the filters found; the links keep
    /// the filters.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        event: EventName,
        everyone: Vec<&Attendee>,
        page: usize,
        roles: Vec<Choice>,
        role: Option<i32>,
        filter: DirectoryQuery,
        only_public: bool,
        can_manage: bool,
    ) -> DirectoryPage {
        let url = |n: usize| {
            let mut params = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in [("q", &filter.q), ("interest", &filter.interest), ("organization", &filter.organization)] {
                if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                    params.append_pair(key, v);
                }
            }
            if let Some(r) = role {
                params.append_pair("role", &r.to_string());
            }
            params.append_pair("page", &n.to_string());
            format!("/events/{}/people?{}", event.slug, params.finish())
        };
        let (shown, paging) = Paging::take(everyone, page, DIRECTORY_PAGE, url);
        DirectoryPage { people: shown.into_iter().map(Attendee::card).collect(), paging, roles, filter, only_public, can_manage, event }
    }
}

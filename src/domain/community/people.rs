//! The people of an event as others may see them: who is an attendee, who
//! may see whose profile, and the directory. Every list here goes through
//! [`visible_to`], so a hidden profile cannot slip into one.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::db::entities::profile::Visibility;
use crate::db::entities::registration::RegistrationStatus;
use crate::db::entities::{event, event_member, event_role, profile, registration, user};
use crate::domain::community::profiles;
use crate::domain::events;
use crate::domain::input;
use crate::error::AppResult;

/// A confirmed attendee with what the tribe features need about them.
#[derive(Debug, Clone)]
pub struct Attendee {
    pub user: user::Model,
    pub profile: profile::Model,
    pub registration_id: i32,
    pub role: Option<event_role::Model>,
}

impl Attendee {
    pub fn visibility(&self) -> Visibility {
        self.profile.visibility
    }

    /// In matches and tribes: not hidden, matching on, and a role chosen.
    pub fn is_matchable(&self) -> bool {
        self.visibility() != Visibility::Hidden && self.profile.matching_enabled && self.role.is_some()
    }
}

/// Every confirmed attendee of the event, by user id.
pub async fn attendees(db: &DatabaseConnection, event: &event::Model) -> AppResult<Vec<Attendee>> {
    let registrations = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event.id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .all(db)
        .await?;
    let user_ids: Vec<i32> = registrations.iter().map(|r| r.user_id).collect();
    let mut users: HashMap<i32, user::Model> = HashMap::new();
    let mut stored: HashMap<i32, profile::Model> = HashMap::new();
    for chunk in user_ids.chunks(500) {
        users.extend(user::Entity::find().filter(user::Column::Id.is_in(chunk.to_vec())).all(db).await?.into_iter().map(|u| (u.id, u)));
        stored
            .extend(profile::Entity::find().filter(profile::Column::UserId.is_in(chunk.to_vec())).all(db).await?.into_iter().map(|p| (p.user_id, p)));
    }
    let roles: HashMap<i32, event_role::Model> = events::places::roles(db, event.id).await?.into_iter().map(|r| (r.id, r)).collect();
    let mut out: Vec<Attendee> = registrations
        .into_iter()
        .filter_map(|r| {
            let account = users.remove(&r.user_id)?;
            Some(Attendee {
                profile: stored.remove(&r.user_id).unwrap_or_else(|| profiles::default_for(r.user_id)),
                user: account,
                registration_id: r.id,
                role: r.role_id.and_then(|id| roles.get(&id).cloned()),
            })
        })
        .collect();
    out.sort_by_key(|a| a.user.id);
    Ok(out)
}

/// How the viewer relates to an event, for deciding what they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Organizer or staff (or a site admin).
    Team,
    /// A confirmed attendee.
    Attendee,
    /// Anyone else, logged in or not.
    Outsider,
}

pub async fn access(db: &DatabaseConnection, event: &event::Model, viewer: Option<&user::Model>) -> AppResult<Access> {
    let Some(viewer) = viewer else { return Ok(Access::Outsider) };
    if events::effective_role(db, event, viewer).await?.is_some() {
        return Ok(Access::Team);
    }
    if crate::domain::registration::is_registered(db, event.id, viewer.id).await? {
        return Ok(Access::Attendee);
    }
    Ok(Access::Outsider)
}

/// The attendee with this account among `everyone`, which is in id order
/// (as `attendees` gives it).
pub fn find(everyone: &[Attendee], user_id: i32) -> Option<&Attendee> {
    everyone.binary_search_by_key(&user_id, |a| a.user.id).ok().map(|at| &everyone[at])
}

/// Whether a profile shows in lists seen by someone with `access`. Hidden
/// profiles show in none, not even the team's: organizers see hidden people
/// only in their own attendee list.
pub fn visible_to(profile: &profile::Model, access: Access) -> bool {
    match profile.visibility {
        Visibility::Hidden => false,
        Visibility::Attendees => access != Access::Outsider,
        Visibility::Public => true,
    }
}

/// What others see of a person in lists: never contact details.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonCard {
    pub user_id: i32,
    pub name: String,
    pub initials: String,
    /// The generated avatar as a data URI.
    pub avatar: String,
    pub pronouns: String,
    pub headline: String,
    pub organization: String,
    pub role: Option<String>,
    pub role_color: Option<String>,
    /// A dot in the role's colour, as a data URI.
    pub role_dot: Option<String>,
    pub interests: Vec<String>,
    pub looking_for: Vec<String>,
    pub can_offer: Vec<String>,
    pub url: String,
}

pub fn card(account: &user::Model, profile: &profile::Model, role: Option<&event_role::Model>) -> PersonCard {
    PersonCard {
        user_id: account.id,
        name: account.display_name.clone(),
        initials: profiles::initials(&account.display_name),
        avatar: profiles::avatar_data_uri(&account.display_name, account.id),
        pronouns: profile.pronouns.clone(),
        headline: profile.headline.clone(),
        organization: profile.organization.clone(),
        role: role.map(|r| r.name.clone()),
        role_color: role.map(|r| r.color.clone()),
        role_dot: role.map(|r| profiles::color_dot(&r.color)),
        interests: input::split_tags(&profile.interests),
        looking_for: input::split_tags(&profile.looking_for),
        can_offer: input::split_tags(&profile.can_offer),
        url: format!("/people/{}", account.id),
    }
}

impl Attendee {
    pub fn card(&self) -> PersonCard {
        card(&self.user, &self.profile, self.role.as_ref())
    }
}

#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    pub role_id: Option<i32>,
    /// One interest tag, `#` optional.
    pub interest: Option<String>,
    /// Part of the organization's name.
    pub organization: Option<String>,
    /// Part of the person's name.
    pub name: Option<String>,
}

/// The event's directory as `access` may see it, filtered, by name. The
/// attendees, not their cards: a page shows 25 of 2,000, and a card (with
/// its drawn avatar) is made only for those.
pub fn directory<'a>(everyone: &'a [Attendee], access: Access, filter: &DirectoryFilter) -> Vec<&'a Attendee> {
    let interest = filter.interest.as_deref().map(input::normalize_tags).filter(|t| !t.is_empty());
    let organization = filter.organization.as_deref().map(|o| o.trim().to_lowercase()).filter(|o| !o.is_empty());
    let name = filter.name.as_deref().map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty());
    let mut found: Vec<&Attendee> = everyone
        .iter()
        .filter(|a| visible_to(&a.profile, access))
        .filter(|a| filter.role_id.is_none() || a.role.as_ref().map(|r| r.id) == filter.role_id)
        .filter(|a| interest.as_ref().is_none_or(|t| input::split_tags(&a.profile.interests).contains(t)))
        .filter(|a| organization.as_ref().is_none_or(|o| a.profile.organization.to_lowercase().contains(o.as_str())))
        .filter(|a| name.as_ref().is_none_or(|n| a.user.display_name.to_lowercase().contains(n.as_str())))
        .collect();
    found.sort_by_cached_key(|a| (a.user.display_name.to_lowercase(), a.user.id));
    found
}

/// The events a person holds a confirmed registration for.
async fn confirmed_events(db: &DatabaseConnection, user_id: i32) -> AppResult<HashSet<i32>> {
    Ok(registration::Entity::find()
        .filter(registration::Column::UserId.eq(user_id))
        .filter(registration::Column::Status.eq(RegistrationStatus::Confirmed))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.event_id)
        .collect())
}

/// Whether `viewer` may open `target`'s profile page: themselves; anyone
/// for public; people sharing an event (as attendee or team) for
/// attendees-only; only the team of one of their events for hidden.
pub async fn can_see_profile(db: &DatabaseConnection, viewer: Option<&user::Model>, target: i32, profile: &profile::Model) -> AppResult<bool> {
    let visibility = profile.visibility;
    if visibility == Visibility::Public {
        return Ok(true);
    }
    let Some(viewer) = viewer else { return Ok(false) };
    if viewer.id == target || viewer.is_site_admin {
        return Ok(true);
    }
    let theirs = confirmed_events(db, target).await?;
    let team: HashSet<i32> =
        event_member::Entity::find().filter(event_member::Column::UserId.eq(viewer.id)).all(db).await?.into_iter().map(|m| m.event_id).collect();
    if !theirs.is_disjoint(&team) {
        return Ok(true);
    }
    if visibility == Visibility::Hidden {
        return Ok(false);
    }
    Ok(!theirs.is_disjoint(&confirmed_events(db, viewer.id).await?))
}

/// An event both people are confirmed at (so they may ask to connect), if any.
pub async fn share_an_event(db: &DatabaseConnection, a: i32, b: i32) -> AppResult<Option<i32>> {
    let (mine, theirs) = (confirmed_events(db, a).await?, confirmed_events(db, b).await?);
    Ok(mine.intersection(&theirs).min().copied())
}

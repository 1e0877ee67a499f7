//! "Your tribe": the event's matchable attendees turned into the
//! algorithm's plain data, and ranked suggestions with the reasons.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::db::entities::{agenda_item, event, session, user};
use crate::domain::community::algorithm::{self, Excluded, Person};
use crate::domain::community::connections::{self, Standing};
use crate::domain::community::people::{self, Attendee, PersonCard};
use crate::domain::input;
use crate::domain::schedule::agenda;
use crate::error::AppResult;

/// The matchable attendees of an event and their algorithm form.
pub struct Pool {
    pub attendees: Vec<Attendee>,
    pub people: Vec<Person>,
    /// Interned tag names, by number.
    pub tags: Vec<String>,
    /// Agenda intervals (Unix seconds) of each person, for meetup slots.
    pub busy: Vec<Vec<(i64, i64)>>,
    /// The event's sessions (an agenda holds sessions of every event).
    pub sessions: HashSet<i32>,
}

impl Pool {
    pub fn index_of(&self, user_id: i32) -> Option<usize> {
        self.attendees.iter().position(|a| a.user.id == user_id)
    }

    fn tag_names(&self, numbers: &[u32]) -> Vec<String> {
        numbers.iter().filter_map(|&n| self.tags.get(n as usize).cloned()).collect()
    }
}

#[derive(Default)]
struct Interner(HashMap<String, u32>, Vec<String>);

impl Interner {
    fn get(&mut self, text: &str) -> u32 {
        if let Some(&n) = self.0.get(text) {
            return n;
        }
        let n = self.1.len() as u32;
        self.0.insert(text.to_owned(), n);
        self.1.push(text.to_owned());
        n
    }
}

/// Attendees who are not hidden, have matching on and chose a role.
pub async fn pool(db: &DatabaseConnection, event: &event::Model) -> AppResult<Pool> {
    pool_of(db, event, people::attendees(db, event).await?).await
}

/// The pool of attendees already loaded: the matchable ones and their agendas.
pub(crate) async fn pool_of(db: &DatabaseConnection, event: &event::Model, everyone: Vec<Attendee>) -> AppResult<Pool> {
    let attendees: Vec<Attendee> = everyone.into_iter().filter(Attendee::is_matchable).collect();
    let sessions: HashMap<i32, session::Model> =
        session::Entity::find().filter(session::Column::EventId.eq(event.id)).all(db).await?.into_iter().map(|s| (s.id, s)).collect();
    let mut agendas: HashMap<i32, Vec<i32>> = HashMap::new();
    let user_ids: Vec<i32> = attendees.iter().map(|a| a.user.id).collect();
    for chunk in user_ids.chunks(500) {
        for item in agenda_item::Entity::find().filter(agenda_item::Column::UserId.is_in(chunk.to_vec())).all(db).await? {
            if sessions.contains_key(&item.session_id) {
                agendas.entry(item.user_id).or_default().push(item.session_id);
            }
        }
    }
    let mut tags = Interner::default();
    let mut organizations = Interner::default();
    let mut people = Vec::with_capacity(attendees.len());
    let mut busy = Vec::with_capacity(attendees.len());
    for a in &attendees {
        let mut intern = |stored: &str| input::split_tags(stored).iter().map(|t| tags.get(t)).collect::<Vec<u32>>();
        let organization = a.profile.organization.trim().to_lowercase();
        let chosen = agendas.get(&a.user.id).cloned().unwrap_or_default();
        people.push(
            Person {
                id: a.user.id,
                role: a.role.as_ref().map(|r| r.id).unwrap_or(0),
                organization: (!organization.is_empty()).then(|| organizations.get(&organization)),
                interests: intern(&a.profile.interests),
                looking_for: intern(&a.profile.looking_for),
                can_offer: intern(&a.profile.can_offer),
                sessions: chosen.iter().map(|&id| id as u32).collect(),
            }
            .normalized(),
        );
        busy.push(chosen.iter().filter_map(|id| sessions.get(id)).map(|s| (s.starts_at.timestamp(), s.ends_at.timestamp())).collect());
    }
    Ok(Pool { attendees, people, tags: tags.1, busy, sessions: sessions.into_keys().collect() })
}

/// One suggested peer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub person: PersonCard,
    pub score: u32,
    /// "3 sessions in common · #patientengagement · offers: media training"
    pub why: String,
    pub standing: Standing,
}

/// Why someone gets no suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotMatched {
    NotRegistered,
    ProfileHidden,
    MatchingOff,
    NoRole,
}

impl NotMatched {
    pub fn message(self) -> &'static str {
        match self {
            NotMatched::NotRegistered => "Register for this event to find your tribe here.",
            NotMatched::ProfileHidden => {
                "Your profile is hidden, so you are not matched. Make it visible to attendees in your profile to find your tribe."
            }
            NotMatched::MatchingOff => "Matching is off in your profile: you can attend and lurk without being suggested to anyone.",
            NotMatched::NoRole => "Pick your role for this event (on your registration) to meet the people who do the same work.",
        }
    }
}

pub fn why_text(reasons: &algorithm::Reasons, pool: &Pool) -> String {
    let mut parts = Vec::new();
    match reasons.shared_sessions {
        0 => {}
        1 => parts.push("1 session in common".to_owned()),
        n => parts.push(format!("{n} sessions in common")),
    }
    let mut interests = pool.tag_names(&reasons.shared_interests);
    interests.sort();
    if !interests.is_empty() {
        parts.push(interests.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "));
    }
    let offers = pool.tag_names(&reasons.they_offer);
    if !offers.is_empty() {
        parts.push(format!("offers: {}", offers.join(", ")));
    }
    let wants = pool.tag_names(&reasons.you_offer);
    if !wants.is_empty() {
        parts.push(format!("looking for: {}", wants.join(", ")));
    }
    if reasons.other_organization {
        parts.push("another organization".to_owned());
    }
    if parts.is_empty() {
        parts.push("same role".to_owned());
    }
    parts.join(" · ")
}

/// Why `me` gets no suggestions among the event's attendees, if they do not.
pub fn not_matched(everyone: &[Attendee], me: &user::Model) -> Option<NotMatched> {
    let Some(mine) = people::find(everyone, me.id) else {
        return Some(NotMatched::NotRegistered);
    };
    if mine.visibility() == crate::db::entities::profile::Visibility::Hidden {
        return Some(NotMatched::ProfileHidden);
    }
    if !mine.profile.matching_enabled {
        return Some(NotMatched::MatchingOff);
    }
    mine.role.is_none().then_some(NotMatched::NoRole)
}

/// Up to `k` peers in the same role for `me` in the pool, best first. The
/// pool may be a second old; `me`'s own agenda is read now, so the sessions
/// they just starred count at once.
pub async fn ranked(db: &DatabaseConnection, pool: &Pool, me: &user::Model, k: usize) -> AppResult<Result<Vec<Suggestion>, NotMatched>> {
    let Some(at) = pool.index_of(me.id) else { return Ok(Err(NotMatched::NoRole)) };
    let mine = Person {
        sessions: agenda::session_ids(db, me.id).await?.into_iter().filter(|id| pool.sessions.contains(id)).map(|id| id as u32).collect(),
        ..pool.people[at].clone()
    }
    .normalized();
    let standings = connections::standings(db, me.id).await?;
    let mut excluded = Excluded::default();
    for (&other, standing) in &standings {
        if matches!(standing, Standing::Connected | Standing::Declined | Standing::Blocked) {
            excluded.insert(me.id, other);
        }
    }
    let found = algorithm::top_matches_as(&pool.people, at, &mine, k, &excluded);
    Ok(Ok(found
        .into_iter()
        .map(|m| {
            let other = &pool.attendees[m.person];
            let reasons = algorithm::explain(&mine, &pool.people[m.person]);
            Suggestion {
                person: other.card(),
                score: m.score,
                why: why_text(&reasons, pool),
                standing: standings.get(&other.user.id).copied().unwrap_or(Standing::None),
            }
        })
        .collect()))
}

//! Log-in sessions as the fast path sees them: what Rocket's path last read
//! of a session (whose it is, whether they are a site admin, whether they
//! are on an event's team) and the `me.json` it answered for it, so that a
//! logged-in visitor's kept copy of a page and their own state can be
//! answered from memory too.
//!
//! Only the fast path trusts the sessions, and only for a second after the
//! database was read (`FRESH_FOR`): every other request checks its session
//! in the database as before. So a session ended through another instance
//! can still get the members' copy of a public page and its own `me.json`
//! for at most a second; one ended through this instance, and any write by
//! the account here (an agenda star, a registration, a new name), forgets
//! the account's entries at once. Rocket's path, for a request that only
//! reads (GET, HEAD), goes by the zone and the "not on this event's team"
//! read within the second (each with its own time); a form's post reads
//! them again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::SessionTimeouts;
use crate::domain::accounts::login_sessions::{has_expired, ActiveSession};
use crate::web::page_store::Version;

/// How long an entry is trusted after the database was read.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// A bound on the entries: beyond it, those no longer fresh go first.
const MAX_ENTRIES: usize = 50_000;

/// A visitor's `me.json` for one event, as Rocket's path answered it.
#[derive(Clone)]
pub struct KeptState {
    /// The event's version it was made for.
    pub version: Version,
    /// The browser's form token it carries.
    pub csrf: String,
    /// The zone cookie it was made with (a member without a profile zone
    /// reads times in the zone they chose).
    pub zone_cookie: Option<String>,
    pub body: bytes::Bytes,
}

struct Entry {
    active: ActiveSession,
    read_at: Instant,
    /// Their profile's zone as a page last read it, and when (`None`
    /// inside: no zone set).
    zone: Option<(Instant, Option<chrono_tz::Tz>)>,
    /// Per event: whether they are on its team (their own pages, not the
    /// members' copy), and when that was read.
    on_team: HashMap<i32, (Instant, bool)>,
    states: HashMap<i32, KeptState>,
}

/// A bound on the decrypted cookie values kept: beyond it, they are all
/// dropped and decrypted again as they come.
const MAX_DECRYPTED: usize = 50_000;

/// Sessions by the SHA-256 of their token, as last read by Rocket's path.
#[derive(Default)]
pub struct KeptSessions {
    entries: Mutex<HashMap<String, Entry>>,
    /// What the fast path made of a private cookie, by the cookie as the
    /// browser sent it (`name=sealed text`).
    decrypted: Mutex<HashMap<String, String>>,
}

impl KeptSessions {
    /// What Rocket's path read of a session at `read_at` (taken before the
    /// read, so that the entry never seems newer than its data).
    pub fn remember(&self, token_hash: &str, active: &ActiveSession, read_at: Instant) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.read_at.elapsed() < FRESH_FOR);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        // What was read of the zone and the teams keeps its own time; the
        // kept `me.json`s go (they are made again from what was just read).
        let (zone, on_team) = match entries.remove(token_hash) {
            Some(old) if old.active.account.id == active.account.id => (old.zone, old.on_team),
            _ => (None, HashMap::new()),
        };
        let entry = Entry { active: active.clone(), read_at, zone, on_team, states: HashMap::new() };
        entries.insert(token_hash.to_owned(), entry);
    }

    /// What `decrypt` makes of a private cookie sent as `sent` (its
    /// `name=sealed text`), made once per text: a browser sends the same
    /// text with each request, and parsing and decrypting it (AES-GCM, then
    /// the token's SHA-256) cost a member's request a tenth of its time.
    /// Sound because the text is authenticated: the same text always opens
    /// to the same value, and a text that does not open is not kept.
    /// Whether the session it names is still valid is not kept here:
    /// `fresh` asks that every time.
    pub fn decrypted(&self, sent: &str, decrypt: impl FnOnce() -> Option<String>) -> Option<String> {
        if let Some(value) = self.decrypted.lock().ok()?.get(sent) {
            return Some(value.clone());
        }
        let value = decrypt()?;
        let mut decrypted = self.decrypted.lock().ok()?;
        if decrypted.len() >= MAX_DECRYPTED {
            decrypted.clear();
        }
        decrypted.insert(sent.to_owned(), value.clone());
        Some(value)
    }

    /// The session is gone (logged out, timed out, never was).
    pub fn forget(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }

    /// Everything kept of the account's sessions: after its own writes, and
    /// when its sessions end together.
    pub fn forget_account(&self, account_id: i32) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, entry| entry.active.account.id != account_id);
        }
    }

    /// Whether they are on this event's team, as the page's route found.
    pub fn note_team(&self, token_hash: &str, event_id: i32, on_team: bool) {
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(entry) = entries.get_mut(token_hash) {
                entry.on_team.insert(event_id, (Instant::now(), on_team));
            }
        }
    }

    /// Their profile's zone, as a page's route read it.
    pub fn note_zone(&self, token_hash: &str, zone: Option<chrono_tz::Tz>) {
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(entry) = entries.get_mut(token_hash) {
                entry.zone = Some((Instant::now(), zone));
            }
        }
    }

    /// Their profile's zone when it was read within the second.
    pub fn zone(&self, token_hash: &str, timeouts: &SessionTimeouts) -> Option<Option<chrono_tz::Tz>> {
        self.fresh(token_hash, timeouts, |entry| entry.zone.filter(|(at, _)| at.elapsed() < FRESH_FOR).map(|(_, zone)| zone))?
    }

    /// Keeps the `me.json` answered for this session, unless the session
    /// was forgotten meanwhile (a write since may have changed it).
    pub fn keep_state(&self, token_hash: &str, event_id: i32, state: KeptState) {
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(entry) = entries.get_mut(token_hash) {
                entry.states.insert(event_id, state);
            }
        }
    }

    /// Whether this session may be given the event's members' copy from
    /// memory: read within the second, still valid, not a site admin, and
    /// known not to be on the event's team.
    pub fn is_plain_member(&self, token_hash: &str, event_id: i32, timeouts: &SessionTimeouts) -> bool {
        self.fresh(token_hash, timeouts, |entry| entry.on_team.get(&event_id).is_some_and(|(at, on_team)| !on_team && at.elapsed() < FRESH_FOR))
            .unwrap_or(false)
    }

    /// The kept `me.json` for this session and event, when it was made for
    /// this version, this form token and this zone cookie.
    pub fn state(
        &self,
        token_hash: &str,
        event_id: i32,
        timeouts: &SessionTimeouts,
        version: Version,
        csrf: &str,
        zone_cookie: Option<&str>,
    ) -> Option<bytes::Bytes> {
        self.fresh(token_hash, timeouts, |entry| {
            let kept = entry.states.get(&event_id)?;
            (kept.version == version && kept.csrf == csrf && kept.zone_cookie.as_deref() == zone_cookie).then(|| kept.body.clone())
        })?
    }

    fn fresh<T>(&self, token_hash: &str, timeouts: &SessionTimeouts, read: impl FnOnce(&Entry) -> T) -> Option<T> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(token_hash)?;
        let usable = entry.read_at.elapsed() < FRESH_FOR
            && !entry.active.account.is_site_admin
            && !has_expired(&entry.active.session, timeouts, crate::domain::now());
        usable.then(|| read(entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entities::{login_session, user};

    fn active(account_id: i32, is_site_admin: bool) -> ActiveSession {
        let at = crate::domain::now();
        let account = user::Model {
            id: account_id,
            email: "a@example.org".into(),
            display_name: "A".into(),
            password_hash: String::new(),
            is_site_admin,
            created_at: at,
            updated_at: at,
        };
        let session = login_session::Model {
            id: 1,
            user_id: account_id,
            token_hash: "h".into(),
            created_at: at,
            last_seen_at: at,
            expires_at: at + chrono::Duration::days(1),
            user_agent: String::new(),
            ip_address: String::new(),
        };
        ActiveSession { session, account }
    }

    fn timeouts() -> SessionTimeouts {
        SessionTimeouts { idle: chrono::Duration::hours(1), lifetime: chrono::Duration::days(1) }
    }

    #[test]
    fn a_member_is_trusted_for_a_second_and_only_once_known_off_the_team() {
        let kept = KeptSessions::default();
        kept.remember("ann", &active(7, false), Instant::now());
        assert!(!kept.is_plain_member("ann", 3, &timeouts()), "team unknown: Rocket's path decides");
        kept.note_team("ann", 3, false);
        assert!(kept.is_plain_member("ann", 3, &timeouts()));
        assert!(!kept.is_plain_member("ann", 4, &timeouts()));
        kept.note_team("ann", 3, true);
        assert!(!kept.is_plain_member("ann", 3, &timeouts()), "the team gets its own pages");
        kept.remember("old", &active(8, false), Instant::now() - FRESH_FOR);
        kept.note_team("old", 3, false);
        assert!(!kept.is_plain_member("old", 3, &timeouts()), "read over a second ago");
        kept.remember("admin", &active(9, true), Instant::now());
        kept.note_team("admin", 3, false);
        assert!(!kept.is_plain_member("admin", 3, &timeouts()));
    }

    #[test]
    fn a_kept_state_answers_only_its_version_token_and_zone_and_goes_with_the_accounts_writes() {
        let kept = KeptSessions::default();
        let version = Version::for_test(5, 2);
        kept.keep_state("ann", 3, KeptState { version, csrf: "t".into(), zone_cookie: None, body: "{}".into() });
        assert!(kept.state("ann", 3, &timeouts(), version, "t", None).is_none(), "not kept for a session never remembered");
        kept.remember("ann", &active(7, false), Instant::now());
        kept.keep_state("ann", 3, KeptState { version, csrf: "t".into(), zone_cookie: None, body: "{}".into() });
        assert_eq!(kept.state("ann", 3, &timeouts(), version, "t", None).as_deref(), Some(&b"{}"[..]));
        assert!(kept.state("ann", 3, &timeouts(), Version::for_test(5, 3), "t", None).is_none());
        assert!(kept.state("ann", 3, &timeouts(), version, "other", None).is_none());
        assert!(kept.state("ann", 3, &timeouts(), version, "t", Some("Europe/Paris")).is_none());
        assert!(kept.state("bob", 3, &timeouts(), version, "t", None).is_none());
        kept.forget_account(7);
        assert!(kept.state("ann", 3, &timeouts(), version, "t", None).is_none());
    }

    #[test]
    fn a_sealed_cookie_is_opened_once_and_one_that_does_not_open_is_not_kept() {
        let kept = KeptSessions::default();
        let opened = std::cell::Cell::new(0);
        let open = |value: Option<&str>| {
            opened.set(opened.get() + 1);
            value.map(str::to_owned)
        };
        assert_eq!(kept.decrypted("tribe_session=sealed-a", || open(Some("hash-a"))).as_deref(), Some("hash-a"));
        assert_eq!(kept.decrypted("tribe_session=sealed-a", || open(Some("other"))).as_deref(), Some("hash-a"));
        assert_eq!(opened.get(), 1);
        // The same text under another cookie's name is opened on its own.
        assert_eq!(kept.decrypted("tribe_csrf=sealed-a", || open(Some("token"))).as_deref(), Some("token"));
        assert_eq!(kept.decrypted("tribe_session=forged", || open(None)), None);
        assert_eq!(kept.decrypted("tribe_session=forged", || open(None)), None);
        assert_eq!(opened.get(), 4);
    }
}

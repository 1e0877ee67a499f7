//! The memory behind `page_cache`: rendered pages per event version,
//! address and zone, each rendered once however many visitors ask at the
//! same moment (the first gets a ticket to render it, the others wait for
//! it), bounded in bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::db::entities::event;
use crate::domain::schedule::exports::Rendered;

/// How long a page is served before it is rendered again even when nothing
/// it shows changed: what depends on the clock ("on now", "today", a sale
/// that opened) is at most this late. The ETag stays the same when the new
/// rendering is the same, so browsers keep their copy.
pub const PAGE_TTL: Duration = Duration::from_secs(60);

/// A bound on the cache: beyond this many bytes (all codings counted), the
/// pages used least recently go first.
pub const PAGE_CACHE_BYTES: usize = 48 * 1024 * 1024;

/// A bound on the number of kept pages (each filter combination and each
/// zone is a page): addresses made up by the thousand go first.
pub const PAGE_CACHE_ENTRIES: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub event_id: i32,
    /// Path and query as asked.
    pub address: String,
    /// The zone the visitor chose on the time-zone page, if any.
    pub zone: Option<String>,
    /// The copy for logged-in visitors (see `page_cache`), or for everyone.
    pub for_members: bool,
}

/// What a page was rendered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    revision: i32,
    page_revision: i32,
    updated_at: i64,
}

impl Version {
    pub fn of(event: &event::Model) -> Version {
        Version { revision: event.revision, page_revision: event.page_revision, updated_at: event.updated_at.timestamp_micros() }
    }

    #[cfg(test)]
    pub fn for_test(revision: i32, page_revision: i32) -> Version {
        Version { revision, page_revision, updated_at: 0 }
    }
}

pub type Ready = Option<Arc<Rendered>>;

enum SlotState {
    Ready {
        page: Arc<Rendered>,
        made_at: Instant,
    },
    /// Someone is rendering it; the receiver hears when it is done.
    Rendering(watch::Receiver<Ready>),
}

struct Slot {
    version: Version,
    state: SlotState,
    last_used: Instant,
    bytes: usize,
}

#[derive(Default)]
struct Slots {
    by_key: HashMap<PageKey, Slot>,
    bytes: usize,
}

/// The rendered public pages of every event, shared by all requests.
#[derive(Default)]
pub struct PageCache {
    slots: Mutex<Slots>,
    /// Answers given from memory before Rocket (see `fast_path`).
    early_answers: std::sync::atomic::AtomicU64,
}

/// What the probe found.
pub enum Lookup {
    Hit(Arc<Rendered>),
    Wait(watch::Receiver<Ready>),
    Render(RenderTicket),
}

impl Lookup {
    /// How the metrics name it.
    pub fn outcome(&self) -> &'static str {
        match self {
            Lookup::Hit(_) => "hit",
            Lookup::Wait(_) => "wait",
            Lookup::Render(_) => "render",
        }
    }
}

/// The right (and duty) to render one page: filled by `Page::public`, or
/// dropped (an error page, a page not kept), which lets the next visitor
/// render it.
pub struct RenderTicket {
    cache: Arc<PageCache>,
    key: PageKey,
    version: Version,
    sender: Option<watch::Sender<Ready>>,
}

impl PageCache {
    pub fn lookup(self: &Arc<Self>, key: PageKey, version: Version) -> Lookup {
        let Ok(mut slots) = self.slots.lock() else {
            return Lookup::Render(RenderTicket { cache: self.clone(), key, version, sender: None });
        };
        if let Some(slot) = slots.by_key.get_mut(&key) {
            if slot.version == version {
                match &slot.state {
                    SlotState::Ready { page, made_at } if made_at.elapsed() < PAGE_TTL => {
                        slot.last_used = Instant::now();
                        return Lookup::Hit(page.clone());
                    }
                    // A render under way whose renderer is still there.
                    SlotState::Rendering(receiver) if receiver.has_changed().is_ok() => return Lookup::Wait(receiver.clone()),
                    _ => {}
                }
            }
        }
        let (sender, receiver) = watch::channel(None);
        let slot = Slot { version, state: SlotState::Rendering(receiver), last_used: Instant::now(), bytes: 0 };
        if let Some(old) = slots.by_key.insert(key.clone(), slot) {
            slots.bytes -= old.bytes;
        }
        Lookup::Render(RenderTicket { cache: self.clone(), key, version, sender: Some(sender) })
    }

    /// The page if it is rendered and current, without waiting or taking
    /// a ticket: what the fast path serves.
    pub fn ready(&self, key: &PageKey, version: Version) -> Option<Arc<Rendered>> {
        let mut slots = self.slots.lock().ok()?;
        let slot = slots.by_key.get_mut(key)?;
        match &slot.state {
            SlotState::Ready { page, made_at } if slot.version == version && made_at.elapsed() < PAGE_TTL => {
                let page = page.clone();
                slot.last_used = Instant::now();
                Some(page)
            }
            _ => None,
        }
    }

    fn fill(&self, ticket: &mut RenderTicket, page: Arc<Rendered>) {
        let size = page.size() + ticket.key.address.len();
        if let Ok(mut slots) = self.slots.lock() {
            let slots = &mut *slots;
            if let Some(slot) = slots.by_key.get_mut(&ticket.key) {
                if slot.version == ticket.version && matches!(slot.state, SlotState::Rendering(_)) {
                    slot.state = SlotState::Ready { page: page.clone(), made_at: Instant::now() };
                    slots.bytes = slots.bytes - slot.bytes + size;
                    slot.bytes = size;
                }
            }
            if slots.bytes > PAGE_CACHE_BYTES || slots.by_key.len() > PAGE_CACHE_ENTRIES {
                evict(slots);
            }
        }
        if let Some(sender) = ticket.sender.take() {
            let _ = sender.send(Some(page));
        }
    }

    /// Counts an answer the fast path gave from memory (a page, an export,
    /// a feed, a member's state).
    pub fn count_early_answer(&self) {
        self.early_answers.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn early_answers(&self) -> u64 {
        self.early_answers.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Bytes held (every coding of every page), for the memory figures.
    pub fn bytes(&self) -> usize {
        self.slots.lock().map(|s| s.bytes).unwrap_or(0)
    }

    /// Pages held.
    pub fn len(&self) -> usize {
        self.slots.lock().map(|s| s.by_key.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Drops the pages used least recently until the cache is down to three
/// quarters of its bounds.
fn evict(slots: &mut Slots) {
    let mut by_age: Vec<(Instant, PageKey, usize)> = slots.by_key.iter().map(|(k, s)| (s.last_used, k.clone(), s.bytes)).collect();
    by_age.sort_by_key(|(used, _, _)| *used);
    for (_, key, bytes) in by_age {
        if slots.bytes <= PAGE_CACHE_BYTES / 4 * 3 && slots.by_key.len() <= PAGE_CACHE_ENTRIES / 4 * 3 {
            break;
        }
        slots.by_key.remove(&key);
        slots.bytes -= bytes;
    }
}

impl Drop for RenderTicket {
    fn drop(&mut self) {
        // Not filled: the page was not kept (an error, a page for one
        // visitor). Clear the slot so that the next visitor renders it.
        if self.sender.is_some() {
            if let Ok(mut slots) = self.cache.slots.lock() {
                let ours = slots.by_key.get(&self.key).is_some_and(|s| s.version == self.version && matches!(s.state, SlotState::Rendering(_)));
                if ours {
                    if let Some(old) = slots.by_key.remove(&self.key) {
                        slots.bytes -= old.bytes;
                    }
                }
            }
        }
    }
}

impl RenderTicket {
    /// The page to render is the copy for logged-in visitors: their own
    /// state is left out (their script asks for it).
    pub fn for_members(&self) -> bool {
        self.key.for_members
    }

    /// Keeps the rendered page and hands it to whoever waited for it.
    pub fn fill(mut self, page: Arc<Rendered>) {
        let cache = self.cache.clone();
        cache.fill(&mut self, page);
    }
}

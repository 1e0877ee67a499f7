//! Rendered exports of an event's schedule, made once per schedule revision
//! and shared by every request until the event's revision moves on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::db::entities::event;
use crate::db::entities::event::EventKind;
use crate::domain::schedule::frab;
use crate::domain::schedule::kept::KeptSchedules;
use crate::domain::schedule::{self, Scope};
use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportKind {
    FrabXml,
    FrabJson,
    /// The whole schedule (or a chat's series) as iCalendar.
    Calendar,
}

/// A rendered document with what conditional requests need, and a gzip
/// copy made once (schedules compress about tenfold, and every client that
/// polls them accepts gzip).
/// The bodies are `Bytes`: every answer shares them, none copies them.
#[derive(Debug)]
pub struct Rendered {
    /// UTF-8 text.
    pub body: Bytes,
    pub gzipped: Bytes,
    /// The same bytes brotli-compressed (smaller than gzip by a fifth to a
    /// third on schedules); empty if compressing failed.
    pub brotli: Bytes,
    /// A strong validator of the (uncompressed) body: a hash of it.
    pub etag: String,
    pub last_modified: DateTime<Utc>,
    /// `last_modified` as an HTTP date, made once: every answer sends it,
    /// and a 304 sends little else.
    pub last_modified_header: String,
}

/// An instant as an HTTP date (`Last-Modified`).
fn http_date(instant: DateTime<Utc>) -> String {
    instant.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Brotli's quality for documents made once per revision and sent many
/// times: 9 of 11, a tenth of a second for a 1 MB schedule.
const BROTLI_QUALITY: u32 = 9;

/// A strong validator of a text: a hash of it.
fn etag_of(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", digest.iter().take(12).map(|b| format!("{b:02x}")).collect::<String>())
}

impl Rendered {
    pub fn new(body: String, last_modified: DateTime<Utc>) -> Rendered {
        use std::io::Write;
        let etag = etag_of(&body);
        let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 8), flate2::Compression::default());
        let gzipped = match encoder.write_all(body.as_bytes()).and_then(|_| encoder.finish()) {
            Ok(bytes) => bytes,
            Err(_) => Vec::new(),
        };
        let mut brotli = Vec::with_capacity(body.len() / 10);
        // A window no larger than the body: the default (4 MiB) makes the
        // encoder's tables tens of MiB for every page, which the allocator
        // then keeps; a larger window could not shrink a smaller body.
        let window = (usize::BITS - body.len().max(1).leading_zeros()).clamp(16, 22) as i32;
        let params = brotli::enc::BrotliEncoderParams { quality: BROTLI_QUALITY as i32, lgwin: window, size_hint: body.len(), ..Default::default() };
        if brotli::BrotliCompress(&mut body.as_bytes(), &mut brotli, &params).is_err() {
            brotli.clear();
        }
        Rendered {
            body: Bytes::from(body),
            gzipped: Bytes::from(gzipped),
            brotli: Bytes::from(brotli),
            etag,
            last_modified,
            last_modified_header: http_date(last_modified),
        }
    }

    /// The bytes it holds, every coding counted.
    pub fn size(&self) -> usize {
        self.body.len() + self.gzipped.len() + self.brotli.len()
    }

    /// Kept gzipped only (a personal feed: thousands are kept, and the
    /// calendar apps that poll them take gzip); the rare client that does
    /// not gets the text inflated for it (`plain`).
    pub fn compact(body: String, last_modified: DateTime<Utc>) -> Rendered {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::best());
        match encoder.write_all(body.as_bytes()).and_then(|_| encoder.finish()) {
            Ok(gzipped) => Rendered {
                body: Bytes::new(),
                gzipped: Bytes::from(gzipped),
                brotli: Bytes::new(),
                etag: etag_of(&body),
                last_modified,
                last_modified_header: http_date(last_modified),
            },
            // (Never expected; kept whole then.)
            Err(_) => Rendered::new(body, last_modified),
        }
    }

    /// The uncompressed text, inflated if only the gzip is kept.
    pub fn plain(&self) -> Bytes {
        use std::io::Read;
        if !self.body.is_empty() || self.gzipped.is_empty() {
            return self.body.clone();
        }
        let mut text = Vec::with_capacity(self.gzipped.len() * 4);
        match flate2::read::GzDecoder::new(&self.gzipped[..]).read_to_end(&mut text) {
            Ok(_) => Bytes::from(text),
            Err(_) => Bytes::new(),
        }
    }

    /// The same off the async workers: compressing a large schedule takes
    /// long enough to hold up other requests.
    pub async fn compressed(body: String, last_modified: DateTime<Utc>) -> crate::error::AppResult<Rendered> {
        tokio::task::spawn_blocking(move || Rendered::new(body, last_modified))
            .await
            .map_err(|e| crate::error::AppError::Internal(format!("compressing an export failed: {e}")))
    }
}

/// Per-process memo keyed by event and kind, valid for one revision. Each
/// instance keeps its own; all of them agree because the key is the revision.
#[derive(Default)]
pub struct ExportCache {
    /// The schedules exports and feeds are made from (the pages' own).
    schedules: KeptSchedules,
    entries: Mutex<HashMap<(i32, ExportKind), (i32, String, Arc<Rendered>)>>,
    published: Mutex<HashMap<String, (Instant, u64, event::Model)>>,
    feeds: Arc<Mutex<KeptFeeds>>,
}

/// How long a kept personal feed is answered before what it is made from
/// is read again (a few small queries; it is rendered again only when that
/// changed). The reading happens behind the answer: the poll that finds it
/// due still gets the kept file. Calendar apps poll a feed every few
/// minutes at most (Google's every few hours), so a change made through
/// another instance reaches them within this minute plus their own delay;
/// a change made through this instance is read before the next answer.
pub const FEED_CHECK: Duration = Duration::from_secs(60);

/// A bound on the kept feeds' bytes (kept gzipped only, about 1.6 KB for an
/// agenda of a few sessions and a weekly chat): beyond it, the feeds polled
/// least recently go.
pub const FEED_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// Personal feeds by token, each with what it was rendered from.
#[derive(Default)]
struct KeptFeeds {
    by_token: HashMap<String, KeptFeed>,
    bytes: usize,
}

struct KeptFeed {
    inputs: crate::domain::schedule::agenda::FeedInputs,
    rendered: Arc<Rendered>,
    /// When its inputs were last read, and this process's changes then.
    checked_at: Instant,
    changes: u64,
    last_used: Instant,
    /// Its inputs are being read behind the answers.
    rechecking: bool,
}

impl KeptFeeds {
    fn put(&mut self, token: &str, feed: KeptFeed) {
        self.bytes += feed.rendered.size();
        if let Some(old) = self.by_token.insert(token.to_owned(), feed) {
            self.bytes -= old.rendered.size();
        }
        if self.bytes > FEED_CACHE_BYTES {
            // The least recently polled quarter goes (one sort per eviction
            // round, not per answer).
            let mut by_use: Vec<(Instant, String)> = self.by_token.iter().map(|(t, f)| (f.last_used, t.clone())).collect();
            by_use.sort_unstable();
            for (_, token) in by_use.iter().take(by_use.len().div_ceil(4)) {
                if let Some(gone) = self.by_token.remove(token) {
                    self.bytes -= gone.rendered.size();
                }
            }
        }
    }

    fn remove(&mut self, token: &str) {
        if let Some(gone) = self.by_token.remove(token) {
            self.bytes -= gone.rendered.size();
        }
    }
}

/// How long a published event's row is reused for export requests before
/// it is read again. Apps poll exports many times a second at a big event;
/// a change made through another instance (or an unpublish there) reaches
/// them at most this much later; changes made through this one at once.
pub const PUBLISHED_EVENT_TTL: Duration = Duration::from_secs(1);

impl ExportCache {
    /// An empty cache that reads schedules through `schedules`.
    pub fn new(schedules: KeptSchedules) -> ExportCache {
        ExportCache { schedules, ..Default::default() }
    }

    /// The published event with this slug, read at most once per
    /// `PUBLISHED_EVENT_TTL`. `None` when there is no such published event
    /// (callers then check the slower way whether the viewer may see a draft).
    pub async fn published_event(&self, db: &DatabaseConnection, slug: &str) -> AppResult<Option<event::Model>> {
        if let Some(found) = self.fresh_published(slug, event::Model::clone) {
            return Ok(Some(found));
        }
        let changes = crate::domain::events::local_changes();
        let found = crate::domain::events::find_by_slug(db, slug).await?.filter(|e| e.is_published);
        if let Ok(mut cached) = self.published.lock() {
            match &found {
                Some(event) => {
                    cached.insert(slug.to_owned(), (Instant::now(), changes, event.clone()));
                }
                None => {
                    cached.remove(slug);
                }
            }
        }
        Ok(found)
    }

    /// The published event with this slug if it was read within
    /// `PUBLISHED_EVENT_TTL` and nothing changed here since, without waiting
    /// on anything: what the fast path needs to answer from memory.
    pub fn fresh_published<T>(&self, slug: &str, read: impl FnOnce(&event::Model) -> T) -> Option<T> {
        let cached = self.published.lock().ok()?;
        let (at, changes, found) = cached.get(slug)?;
        (at.elapsed() < PUBLISHED_EVENT_TTL && *changes == crate::domain::events::local_changes()).then(|| read(found))
    }

    /// The export already rendered for this revision, if any.
    pub fn current(&self, event: &event::Model, kind: ExportKind, base_url: &str) -> Option<Arc<Rendered>> {
        let entries = self.entries.lock().ok()?;
        let (revision, url, rendered) = entries.get(&(event.id, kind))?;
        (*revision == event.revision && url == base_url).then(|| rendered.clone())
    }

    pub async fn get_or_render(&self, db: &DatabaseConnection, event: &event::Model, kind: ExportKind, base_url: &str) -> AppResult<Arc<Rendered>> {
        let key = (event.id, kind);
        if let Some(rendered) = self.current(event, kind, base_url) {
            return Ok(rendered);
        }
        let body = match kind {
            ExportKind::FrabXml => frab::export::to_xml(&*self.schedules.load(db, event, Scope::Published).await?, base_url),
            ExportKind::FrabJson => frab::export::to_json(&*self.schedules.load(db, event, Scope::Published).await?, base_url),
            ExportKind::Calendar => {
                let loaded = self.schedules.load(db, event, Scope::PublishedAndCancelled).await?;
                let sessions: Vec<(&event::Model, &schedule::ScheduledSession)> = loaded.sessions.iter().map(|s| (event, s)).collect();
                let chats =
                    if event.kind == EventKind::OnlineChat { vec![(event, crate::domain::chats::occurrences(db, event).await?)] } else { Vec::new() };
                crate::domain::schedule::calendar::feed_calendar(&event.title, &sessions, &chats, base_url)
            }
        };
        let rendered = Arc::new(Rendered::compressed(body, event.updated_at).await?);
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key, (event.revision, base_url.to_owned(), rendered.clone()));
        }
        Ok(rendered)
    }
}

impl ExportCache {
    /// A personal feed by its token: the kept one while what it is made
    /// from is unchanged, else rendered anew; `None` for an unknown (or
    /// replaced) token. After a change through this instance its inputs are
    /// read before answering; when only `FEED_CHECK` passed, behind the
    /// answer.
    pub async fn feed(&self, db: &DatabaseConnection, token: &str, base_url: &str) -> AppResult<Option<Arc<Rendered>>> {
        if let Some(kept) = self.fresh_feed(db, token, base_url) {
            return Ok(Some(kept));
        }
        read_feed(&self.feeds, &self.schedules, db, token, base_url).await
    }

    /// The kept feed for this token if it may be answered without waiting
    /// on anything: nothing changed through this instance since it was
    /// read. One due for a reading (`FEED_CHECK`) is still answered, and
    /// read again behind the answer.
    pub fn fresh_feed(&self, db: &DatabaseConnection, token: &str, base_url: &str) -> Option<Arc<Rendered>> {
        let mut kept = self.feeds.lock().ok()?;
        let feed = kept.by_token.get_mut(token)?;
        if feed.changes != crate::domain::events::local_changes() {
            return None;
        }
        feed.last_used = Instant::now();
        if feed.checked_at.elapsed() >= FEED_CHECK && !feed.rechecking {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                feed.rechecking = true;
                let (feeds, schedules, db, token, base_url) =
                    (self.feeds.clone(), self.schedules.clone(), db.clone(), token.to_owned(), base_url.to_owned());
                runtime.spawn(async move {
                    if let Err(error) = read_feed(&feeds, &schedules, &db, &token, &base_url).await {
                        tracing::warn!(%error, "reading a kept feed again failed");
                        if let Some(feed) = feeds.lock().ok().as_mut().and_then(|kept| kept.by_token.get_mut(&token)) {
                            feed.rechecking = false;
                        }
                    }
                });
            }
        }
        Some(feed.rendered.clone())
    }
}

/// Reads what the token's feed is made from and keeps the feed: the kept
/// file when that is unchanged (or renders to the same bytes, which keeps
/// its Last-Modified), else the new one.
async fn read_feed(
    feeds: &Mutex<KeptFeeds>,
    schedules: &KeptSchedules,
    db: &DatabaseConnection,
    token: &str,
    base_url: &str,
) -> AppResult<Option<Arc<Rendered>>> {
    let changes = crate::domain::events::local_changes();
    let checked_at = Instant::now();
    let Some((owner, inputs)) = crate::domain::schedule::agenda::feed_inputs(db, token).await? else {
        if let Ok(mut kept) = feeds.lock() {
            kept.remove(token);
        }
        return Ok(None);
    };
    let before = feeds.lock().ok().and_then(|kept| kept.by_token.get(token).map(|f| (f.inputs == inputs, f.rendered.clone())));
    let rendered = match before {
        Some((true, rendered)) => rendered,
        _ => {
            let body = crate::domain::schedule::agenda::render_feed(db, schedules, &owner, base_url).await?;
            let made = tokio::task::spawn_blocking(move || Rendered::compact(body, crate::domain::now()))
                .await
                .map_err(|e| crate::error::AppError::Internal(format!("compressing a feed failed: {e}")))?;
            match before {
                Some((_, kept)) if kept.etag == made.etag => kept,
                _ => Arc::new(made),
            }
        }
    };
    if let Ok(mut kept) = feeds.lock() {
        kept.put(token, KeptFeed { inputs, rendered: rendered.clone(), checked_at, changes, last_used: checked_at, rechecking: false });
    }
    Ok(Some(rendered))
}

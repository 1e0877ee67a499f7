//! Rendered exports of an event's schedule, made once per schedule revision
//! and shared by every request until the event's revision moves on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::db::entities::event;
use crate::domain::frab;
use crate::domain::schedule::{self, Scope};
use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportKind {
    FrabXml,
    FrabJson,
}

/// A rendered document with what conditional requests need.
#[derive(Debug)]
pub struct Rendered {
    pub body: String,
    /// A strong validator: a hash of the body.
    pub etag: String,
    pub last_modified: DateTime<Utc>,
}

impl Rendered {
    pub fn new(body: String, last_modified: DateTime<Utc>) -> Rendered {
        let digest = Sha256::digest(body.as_bytes());
        let etag = format!("\"{}\"", digest.iter().take(12).map(|b| format!("{b:02x}")).collect::<String>());
        Rendered { body, etag, last_modified }
    }
}

/// Per-process memo keyed by event and kind, valid for one revision. Each
/// instance keeps its own; all of them agree because the key is the revision.
#[derive(Default)]
pub struct ExportCache {
    entries: Mutex<HashMap<(i32, ExportKind), (i32, String, Arc<Rendered>)>>,
}

impl ExportCache {
    pub async fn get_or_render(&self, db: &DatabaseConnection, event: &event::Model, kind: ExportKind, base_url: &str) -> AppResult<Arc<Rendered>> {
        let key = (event.id, kind);
        if let Ok(entries) = self.entries.lock() {
            if let Some((revision, url, rendered)) = entries.get(&key) {
                if *revision == event.revision && url == base_url {
                    return Ok(rendered.clone());
                }
            }
        }
        let loaded = schedule::load(db, event, Scope::Published).await?;
        let body = match kind {
            ExportKind::FrabXml => frab::export::to_xml(&loaded, base_url),
            ExportKind::FrabJson => frab::export::to_json(&loaded, base_url),
        };
        let rendered = Arc::new(Rendered::new(body, event.updated_at));
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key, (event.revision, base_url.to_owned(), rendered.clone()));
        }
        Ok(rendered)
    }
}

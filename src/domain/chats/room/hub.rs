//! Fan-out of live room events to the open pages of this instance.
//!
//! Whatever happens in a room is first written to `chat_events`, whose ids
//! are the Server-Sent Events ids. On SQLite (one process) the writer hands
//! the rendered event straight to the local broadcast. On PostgreSQL the
//! writer's transaction calls `pg_notify` (delivered at commit, in commit
//! order) and every instance's listener loads the event once and broadcasts
//! it to its own subscribers, so a message posted through one `tribe serve`
//! reaches pages open on all of them without polling the table.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tokio::sync::broadcast;

use super::stream::RoomEvent;

pub const CHANNEL: &str = "tribe_chat";
/// Event ids whose rooms' streams must end (the event was unpublished, or a
/// week skipped): pages reconnect, and only those still allowed get in.
pub const CLOSING_CHANNEL: &str = "tribe_chat_closed";

pub struct ChatHub {
    sender: broadcast::Sender<Arc<RoomEvent>>,
    /// Event ids whose open streams end (see `close_event`).
    closing: broadcast::Sender<i32>,
    postgres: bool,
    readers: Mutex<HashMap<i32, usize>>,
    /// The newest event handed out, so that a listener that lost its
    /// connection catches up on what was notified meanwhile, and SQLite
    /// writers hand out events in id order.
    last_delivered: std::sync::atomic::AtomicI32,
    /// Serializes SQLite deliveries (see `published`).
    in_order: tokio::sync::Mutex<()>,
}

/// Counts a reader of a room for as long as it is held.
pub struct Reading {
    hub: Arc<ChatHub>,
    occurrence_id: i32,
}

impl Drop for Reading {
    fn drop(&mut self) {
        if let Ok(mut readers) = self.hub.readers.lock() {
            if let Some(count) = readers.get_mut(&self.occurrence_id) {
                *count = count.saturating_sub(1);
            }
        }
    }
}

impl ChatHub {
    /// A hub for this database; on PostgreSQL it starts listening at once.
    pub fn new(db: &DatabaseConnection) -> Arc<ChatHub> {
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let (sender, _) = broadcast::channel(4096);
        let (closing, _) = broadcast::channel(64);
        let hub = Arc::new(ChatHub {
            sender,
            closing,
            postgres,
            readers: Mutex::new(HashMap::new()),
            last_delivered: Default::default(),
            in_order: tokio::sync::Mutex::new(()),
        });
        if postgres {
            tokio::spawn(listen(db.clone(), hub.clone()));
        } else {
            // Events before this process started are history, not news.
            let (db, started) = (db.clone(), hub.clone());
            tokio::spawn(async move {
                let newest = super::stream::newest_event_id(&db, None).await.unwrap_or(0);
                started.last_delivered.fetch_max(newest, std::sync::atomic::Ordering::SeqCst);
            });
        }
        hub
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<RoomEvent>> {
        self.sender.subscribe()
    }

    /// Notices of events whose streams must end.
    pub fn closings(&self) -> broadcast::Receiver<i32> {
        self.closing.subscribe()
    }

    /// Ends every open stream of the event's rooms, on every instance (on
    /// PostgreSQL through NOTIFY). A stream opened while the event was
    /// public would otherwise go on delivering after it was unpublished.
    pub async fn close_event(&self, db: &DatabaseConnection, event_id: i32) {
        if self.postgres {
            let notified = db
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CLOSING_CHANNEL.into(), event_id.to_string().into()],
                ))
                .await;
            if let Err(error) = notified {
                tracing::error!(%error, event_id, "notifying closed chat streams failed");
            }
        } else {
            let _ = self.closing.send(event_id);
        }
    }

    pub fn reading(self: &Arc<Self>, occurrence_id: i32) -> Reading {
        if let Ok(mut readers) = self.readers.lock() {
            *readers.entry(occurrence_id).or_default() += 1;
        }
        Reading { hub: self.clone(), occurrence_id }
    }

    /// Rooms with open pages on this instance, and how many.
    pub fn rooms_read(&self) -> Vec<(i32, usize)> {
        self.readers.lock().map(|r| r.iter().filter(|(_, n)| **n > 0).map(|(room, n)| (*room, *n)).collect()).unwrap_or_default()
    }

    /// Open pages of the room on this instance.
    pub fn readers(&self, occurrence_id: i32) -> usize {
        self.readers.lock().map(|r| r.get(&occurrence_id).copied().unwrap_or(0)).unwrap_or(0)
    }

    /// Inside the writing transaction: on PostgreSQL, the notification that
    /// goes out when it commits.
    pub async fn notify_on_commit(&self, txn: &impl ConnectionTrait, event_id: i32) -> Result<(), sea_orm::DbErr> {
        if self.postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), event_id.to_string().into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// After the commit: on SQLite, hand the event to this instance's pages
    /// (on PostgreSQL the listener does, for every instance). Two writers
    /// may get here in either order, but pages skip ids older than the last
    /// they saw; so each call hands out, in id order, every event up to its
    /// own that is not out yet. (SQLite has one writer: when event N has
    /// committed, every event before N has too.)
    pub async fn published(&self, db: &DatabaseConnection, event_id: i32) {
        if self.postgres {
            return;
        }
        let _turn = self.in_order.lock().await;
        let last = self.last_delivered.load(std::sync::atomic::Ordering::SeqCst);
        if event_id <= last {
            return;
        }
        let pending = super::stream::event_ids_after(db, last).await.unwrap_or_else(|_| vec![event_id]);
        for id in pending.into_iter().filter(|id| *id <= event_id) {
            self.deliver(db, id).await;
        }
    }

    async fn deliver(&self, db: &DatabaseConnection, event_id: i32) {
        match super::stream::render_event(db, event_id).await {
            Ok(Some(event)) => {
                self.last_delivered.fetch_max(event.id, std::sync::atomic::Ordering::SeqCst);
                // No open page is not an error.
                let _ = self.sender.send(Arc::new(event));
            }
            Ok(None) => {}
            Err(error) => tracing::error!(%error, event_id, "loading a chat event failed"),
        }
    }
}

/// Listens for room events on PostgreSQL, reconnecting after a failure.
async fn listen(db: DatabaseConnection, hub: Arc<ChatHub>) {
    let mut reconnecting = false;
    loop {
        let pool = db.get_postgres_connection_pool().clone();
        match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(error) = listener.listen_all([CHANNEL, CLOSING_CHANNEL]).await {
                    tracing::error!(%error, "LISTEN failed");
                } else {
                    if reconnecting {
                        let since = hub.last_delivered.load(std::sync::atomic::Ordering::SeqCst);
                        for event_id in super::stream::event_ids_after(&db, since).await.unwrap_or_default() {
                            hub.deliver(&db, event_id).await;
                        }
                    }
                    loop {
                        match listener.recv().await {
                            Ok(notification) => {
                                let Ok(id) = notification.payload().parse::<i32>() else { continue };
                                if notification.channel() == CLOSING_CHANNEL {
                                    let _ = hub.closing.send(id);
                                } else {
                                    hub.deliver(&db, id).await;
                                }
                            }
                            Err(error) => {
                                tracing::warn!(%error, "chat listener lost its connection");
                                break;
                            }
                        }
                    }
                }
            }
            Err(error) => tracing::error!(%error, "chat listener could not connect"),
        }
        if pool.is_closed() {
            return;
        }
        reconnecting = true;
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

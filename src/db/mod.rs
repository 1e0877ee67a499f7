//! The database connection: one SeaORM pool in Rocket's managed state, on
//! SQLite (the embedded default) or PostgreSQL (production).

pub mod backup;
pub mod copy;
pub mod entities;

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Opens the pool. SQLite files are created if missing and run in WAL mode
/// with foreign keys enforced and a busy timeout, so concurrent writers wait
/// for the lock instead of failing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(std::env::var_os("TRIBE_SQL_LOG").is_some())
        .sqlx_logging_level(tracing::log::LevelFilter::Info)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        // A single writer is SQLite's nature; a few readers are enough on 2 cores.
        options.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        options.max_connections(20).min_connections(1);
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // Checked, not assumed: a pool that silently ran without them would
        // let orphans in.
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    }
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Readiness: the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

/// SQLite has one writer at a time; writers that collide wait in SQLite's
/// busy handler, which sleeps in growing steps. Queueing them here instead
/// (one write transaction per process at a time) keeps the hot write paths
/// (registrations, seats) fast under load. PostgreSQL needs no gate.
async fn write_gate(db: &DatabaseConnection) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    static GATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    match db.get_database_backend() {
        DbBackend::Sqlite => Some(GATE.lock().await),
        _ => None,
    }
}

/// A transaction that may write. On SQLite it holds the write gate for its
/// whole life: a deferred transaction that reads and then writes fails with
/// SQLITE_BUSY_SNAPSHOT ("database is locked", no waiting helps) when
/// another transaction wrote in between, so concurrent requests turned
/// into 500s (schemathesis found it on connect requests). PostgreSQL takes
/// no gate. Everything that opens a transaction goes through [`begin`].
pub struct Transaction {
    txn: sea_orm::DatabaseTransaction,
    _gate: Option<tokio::sync::MutexGuard<'static, ()>>,
}

/// Opens a [`Transaction`], waiting for the write gate on SQLite.
pub async fn begin(db: &DatabaseConnection) -> Result<Transaction, DbErr> {
    let gate = write_gate(db).await;
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    Ok(Transaction { txn, _gate: gate })
}

impl Transaction {
    /// Commits, then lets the next writer in.
    pub async fn commit(self) -> Result<(), DbErr> {
        let Transaction { txn, _gate } = self;
        txn.commit().await
    }

    /// Undoes everything, then lets the next writer in.
    pub async fn rollback(self) -> Result<(), DbErr> {
        let Transaction { txn, _gate } = self;
        txn.rollback().await
    }
}

impl std::ops::Deref for Transaction {
    type Target = sea_orm::DatabaseTransaction;

    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

#[async_trait::async_trait]
impl sea_orm::ConnectionTrait for Transaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: sea_orm::Statement) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

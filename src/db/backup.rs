//! `tribe db backup FILE`: a copy of the SQLite database made with SQLite's
//! online backup API while the service goes on serving. The pages are
//! copied in one step, inside one read transaction, so the copy is the
//! database as it stood at one moment (WAL mode: writers are not held up).
//! It is written beside FILE first (readable by its owner only), checked
//! (`PRAGMA integrity_check`) and only then linked as FILE, so a FILE that
//! exists is always a whole backup, and an existing FILE is never replaced. PostgreSQL is backed up with its own tools (`pg_dump`, see the
//! README).

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::os::unix::fs::OpenOptionsExt;

use rusqlite::{Connection, OpenFlags};

use crate::error::{AppError, AppResult};

/// What was written.
#[derive(Debug)]
pub struct BackupReport {
    pub file: PathBuf,
    pub bytes: u64,
    pub tables: u64,
}

/// The file an `sqlite:` URL names (`sqlite:tribe.db`, `sqlite://tribe.db?mode=rwc`).
pub fn sqlite_path(database_url: &str) -> AppResult<PathBuf> {
    let Some(rest) = database_url.strip_prefix("sqlite:") else {
        return Err(AppError::BadRequest("this backs up SQLite databases; back up PostgreSQL with pg_dump -Fc (see the README's Backups)".into()));
    };
    let path = rest.strip_prefix("//").unwrap_or(rest).split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Err(AppError::BadRequest("an in-memory database has nothing to back up".into()));
    }
    Ok(PathBuf::from(path))
}

/// Copies the database at `database_url` to `to`, which must not exist yet.
pub async fn backup(database_url: &str, to: &Path) -> AppResult<BackupReport> {
    let source = sqlite_path(database_url)?;
    if !source.is_file() {
        return Err(AppError::BadRequest(format!("there is no database at {}", source.display())));
    }
    if to.exists() {
        return Err(AppError::Conflict(format!("{} exists: back up to a new file, so no earlier backup is overwritten", to.display())));
    }
    let to = to.to_path_buf();
    tokio::task::spawn_blocking(move || backup_blocking(&source, &to)).await.map_err(|e| AppError::Internal(format!("the backup stopped: {e}")))?
}

fn backup_blocking(source: &Path, to: &Path) -> AppResult<BackupReport> {
    let failed = |what: &str, e: rusqlite::Error| AppError::Internal(format!("{what}: {e}"));
    // Its own name (two backups at once do not share it), readable by the
    // owner only: it holds password and token hashes.
    let partial = to.with_file_name(format!(
        ".{}.{}.partial",
        to.file_name().and_then(|n| n.to_str()).unwrap_or("backup"),
        crate::domain::secrets::random_token(6)
    ));
    let result = (|| {
        let private = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&partial);
        private.map_err(|e| AppError::Internal(format!("cannot create {}: {e}", partial.display())))?;
        let from = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| failed("cannot open the database", e))?;
        from.busy_timeout(Duration::from_secs(10)).map_err(|e| failed("cannot set a busy timeout", e))?;
        let mut copy = Connection::open(&partial).map_err(|e| failed(&format!("cannot create {}", partial.display()), e))?;
        {
            let backup = rusqlite::backup::Backup::new(&from, &mut copy).map_err(|e| failed("cannot start the backup", e))?;
            // Every page in one step: one read transaction, one moment. A
            // writer holding the lock at that instant makes it wait a little.
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            loop {
                match backup.step(-1).map_err(|e| failed("the backup failed", e))? {
                    rusqlite::backup::StepResult::Done => break,
                    _ if std::time::Instant::now() > deadline => {
                        return Err(AppError::Internal("the database stayed locked for a minute; try again".into()))
                    }
                    _ => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        }
        let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| failed("cannot check the copy", e))?;
        if check != "ok" {
            return Err(AppError::Internal(format!("the copy failed its integrity check: {check}")));
        }
        let tables: i64 = copy
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .map_err(|e| failed("cannot read the copy", e))?;
        // Whole in one file: no write-ahead log beside it.
        copy.pragma_update(None, "journal_mode", "DELETE").map_err(|e| failed("cannot settle the copy", e))?;
        drop(copy);
        // A link, unlike a rename, fails when FILE appeared meanwhile.
        std::fs::hard_link(&partial, to).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => AppError::Conflict(format!("{} appeared during the backup; the copy was not kept", to.display())),
            _ => AppError::Internal(format!("cannot put the copy at {}: {e}", to.display())),
        })?;
        let _ = std::fs::remove_file(&partial);
        if let Some(folder) = to.parent().and_then(|p| std::fs::File::open(if p.as_os_str().is_empty() { Path::new(".") } else { p }).ok()) {
            let _ = folder.sync_all();
        }
        let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
        Ok(BackupReport { file: to.to_path_buf(), bytes, tables: tables as u64 })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sha2::{Digest, Sha256};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Calendar feed tokens are stored as their SHA-256 (like API tokens), so
/// a copy of the database does not open anyone's agenda. The column keeps
/// its name; existing feeds keep working, since each stored token is
/// replaced by its hash and a calendar app's URL still carries the token.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let rows = db.query_all_raw(Statement::from_string(backend, "SELECT id, token FROM feed_tokens")).await?;
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let token: String = row.try_get("", "token")?;
            // A token is 32 base64url characters; a hash is 64 hex digits.
            // Skipping hashes makes running this again (after a crash, or
            // down and up) harmless.
            if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            let hash: String = Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
            let sql = match backend {
                sea_orm_migration::sea_orm::DbBackend::Postgres => "UPDATE feed_tokens SET token = $1 WHERE id = $2",
                _ => "UPDATE feed_tokens SET token = ? WHERE id = ?",
            };
            db.execute_raw(Statement::from_sql_and_values(backend, sql, [hash.into(), id.into()])).await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // A hash cannot be turned back into its token: feeds made before
        // stay unusable after a downgrade (people make new addresses).
        Ok(())
    }
}

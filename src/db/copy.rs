//! `tribe db copy --to postgres://…`: moves a Tribe database (the SQLite
//! file a first event ran on) into an empty PostgreSQL database, keeping
//! every id, so links, badges, feeds and sessions already handed out keep
//! working.
//!
//! The target is migrated first and must hold no rows. Its schema says
//! what each column is (`information_schema`), so every value is read from
//! the source as that type and written as it; tables go in the order their
//! foreign keys need, rows in id order. The whole copy is one transaction
//! on the target: it lands complete, with each table's row count checked
//! against the source and every id sequence moved past the copied ids, or
//! not at all. The source is read in one read transaction (on SQLite, a
//! snapshot that writers do not disturb).

use std::collections::{BTreeMap, BTreeSet};

use migrations::MigratorTrait;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, TransactionTrait, Value};

use crate::error::{AppError, AppResult};

/// Migrations' own bookkeeping: made by migrating the target, not copied.
const MIGRATION_TABLE: &str = "seaql_migrations";

/// Rows per INSERT (PostgreSQL takes at most 65,535 parameters per statement).
const MAX_PARAMETERS: usize = 30_000;

/// What was copied: each table and its rows, in copy order.
#[derive(Debug)]
pub struct CopyReport {
    pub tables: Vec<(String, u64)>,
}

impl CopyReport {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// A column of the target, and how its values are read and written.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
    /// PostgreSQL's name for the type, for a cast (enums, uuid).
    udt: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    SmallInt,
    Int,
    BigInt,
    Bool,
    Float,
    Text,
    Bytes,
    Json,
    Timestamp,
    TimestampTz,
    Date,
    Time,
    /// Text written with a cast to the column's own type (enums, uuid).
    CastText,
}

impl Kind {
    fn of(data_type: &str) -> Option<Kind> {
        Some(match data_type {
            "smallint" => Kind::SmallInt,
            "integer" => Kind::Int,
            "bigint" => Kind::BigInt,
            "boolean" => Kind::Bool,
            "real" | "double precision" => Kind::Float,
            "text" | "character varying" | "character" => Kind::Text,
            "bytea" => Kind::Bytes,
            "json" | "jsonb" => Kind::Json,
            "timestamp without time zone" => Kind::Timestamp,
            "timestamp with time zone" => Kind::TimestampTz,
            "date" => Kind::Date,
            "time without time zone" => Kind::Time,
            "USER-DEFINED" | "uuid" => Kind::CastText,
            _ => return None,
        })
    }

    /// The source row's value at `index`, read as this type.
    fn read(self, row: &QueryResult, index: usize) -> Result<Value, sea_orm::DbErr> {
        Ok(match self {
            Kind::SmallInt => row.try_get_by_index::<Option<i16>>(index)?.into(),
            Kind::Int => row.try_get_by_index::<Option<i32>>(index)?.into(),
            Kind::BigInt => row.try_get_by_index::<Option<i64>>(index)?.into(),
            Kind::Bool => row.try_get_by_index::<Option<bool>>(index)?.into(),
            Kind::Float => row.try_get_by_index::<Option<f64>>(index)?.into(),
            Kind::Text | Kind::CastText => row.try_get_by_index::<Option<String>>(index)?.into(),
            Kind::Bytes => row.try_get_by_index::<Option<Vec<u8>>>(index)?.into(),
            Kind::Json => row.try_get_by_index::<Option<serde_json::Value>>(index)?.into(),
            Kind::Timestamp => row.try_get_by_index::<Option<chrono::NaiveDateTime>>(index)?.into(),
            Kind::TimestampTz => row.try_get_by_index::<Option<chrono::DateTime<chrono::Utc>>>(index)?.into(),
            Kind::Date => row.try_get_by_index::<Option<chrono::NaiveDate>>(index)?.into(),
            Kind::Time => row.try_get_by_index::<Option<chrono::NaiveTime>>(index)?.into(),
        })
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn statement(db: &impl ConnectionTrait, sql: impl Into<String>, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

async fn count(db: &impl ConnectionTrait, table: &str) -> AppResult<u64> {
    let row = db.query_one_raw(statement(db, format!("SELECT COUNT(*) AS n FROM {}", quoted(table)), vec![])).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0) as u64)
}

/// Copies everything in `source` into `target` (migrated here, and empty).
pub async fn copy(source: &DatabaseConnection, target: &DatabaseConnection) -> AppResult<CopyReport> {
    if target.get_database_backend() != DbBackend::Postgres {
        return Err(AppError::BadRequest("the copy goes to PostgreSQL: --to postgres://user@host/database".into()));
    }
    // The source is read as it stands: a newer binary must not upgrade the
    // production database as a side effect of copying it.
    let pending = migrations::Migrator::get_pending_migrations(source).await?;
    if !pending.is_empty() {
        return Err(AppError::Conflict(format!(
            "the source database is {} migration(s) behind this tribe; run `tribe migrate` on it first (or use the tribe that serves it)",
            pending.len()
        )));
    }
    super::migrate(target).await?;
    let columns = target_columns(target).await?;
    for table in columns.keys() {
        let rows = count(target, table).await?;
        if rows > 0 {
            return Err(AppError::Conflict(format!(
                "the target is not empty ({table} has {rows} rows): copy into a new database (createdb) so nothing there is mixed in or lost"
            )));
        }
    }
    let order = copy_order(target, columns.keys().cloned().collect()).await?;
    if count(source, "users").await? == 0 && count(source, "events").await? == 0 {
        return Err(AppError::BadRequest(
            "the source database holds no accounts and no events: is TRIBE_DATABASE_URL the database that serves?".into(),
        ));
    }

    let reading = source.begin().await?;
    let writing = target.begin().await?;
    let mut report = CopyReport { tables: Vec::new() };
    for table in &order {
        let copied = copy_table(&reading, &writing, table, &columns[table]).await?;
        let (in_source, in_target) = (count(&reading, table).await?, count(&writing, table).await?);
        if copied != in_source || in_target != in_source {
            return Err(AppError::Internal(format!(
                "{table}: {in_source} rows in the source, {copied} read, {in_target} in the target; nothing was kept"
            )));
        }
        report.tables.push((table.clone(), copied));
    }
    move_sequences(&writing).await?;
    writing.commit().await?;
    reading.rollback().await?;
    Ok(report)
}

/// The target's tables and their columns, in column order.
async fn target_columns(target: &DatabaseConnection) -> AppResult<BTreeMap<String, Vec<Column>>> {
    let rows = target
        .query_all_raw(statement(
            target,
            "SELECT c.table_name, c.column_name, c.data_type, c.udt_name FROM information_schema.columns c \
             JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> $1 \
             ORDER BY c.table_name, c.ordinal_position",
            vec![MIGRATION_TABLE.into()],
        ))
        .await?;
    let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for row in rows {
        let (table, name, data_type, udt): (String, String, String, String) =
            (row.try_get("", "table_name")?, row.try_get("", "column_name")?, row.try_get("", "data_type")?, row.try_get("", "udt_name")?);
        let kind = Kind::of(&data_type).ok_or_else(|| AppError::Internal(format!("{table}.{name}: the copy does not know the type {data_type}")))?;
        tables.entry(table).or_default().push(Column { name, kind, udt });
    }
    Ok(tables)
}

/// The tables, each after every table it refers to.
async fn copy_order(target: &DatabaseConnection, tables: BTreeSet<String>) -> AppResult<Vec<String>> {
    let rows = target
        .query_all_raw(statement(
            target,
            "SELECT DISTINCT tc.table_name, ccu.table_name AS referred FROM information_schema.table_constraints tc \
             JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_schema = tc.constraint_schema AND ccu.constraint_name = tc.constraint_name \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
            vec![],
        ))
        .await?;
    let mut needs: BTreeMap<String, BTreeSet<String>> = tables.iter().map(|t| (t.clone(), BTreeSet::new())).collect();
    for row in rows {
        let (table, referred): (String, String) = (row.try_get("", "table_name")?, row.try_get("", "referred")?);
        // A table referring to itself is copied in id order instead.
        if table != referred && tables.contains(&referred) {
            needs.entry(table).or_default().insert(referred);
        }
    }
    let mut order = Vec::new();
    while !needs.is_empty() {
        let ready: Vec<String> = needs.iter().filter(|(_, n)| n.iter().all(|r| order.contains(r))).map(|(t, _)| t.clone()).collect();
        if ready.is_empty() {
            return Err(AppError::Internal(format!("the tables refer to each other in a circle: {:?}", needs.keys().collect::<Vec<_>>())));
        }
        for table in ready {
            needs.remove(&table);
            order.push(table);
        }
    }
    Ok(order)
}

/// One table's rows, in batches, in the order of its first column (the id).
async fn copy_table(source: &impl ConnectionTrait, target: &impl ConnectionTrait, table: &str, columns: &[Column]) -> AppResult<u64> {
    let names = columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
    let batch = (MAX_PARAMETERS / columns.len().max(1)).max(1);
    let mut copied = 0u64;
    loop {
        let select = format!("SELECT {names} FROM {} ORDER BY 1 LIMIT {batch} OFFSET {copied}", quoted(table));
        let rows = source.query_all_raw(statement(source, select, vec![])).await?;
        if rows.is_empty() {
            return Ok(copied);
        }
        let mut values = Vec::with_capacity(rows.len() * columns.len());
        let mut tuples = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut placeholders = Vec::with_capacity(columns.len());
            for (index, column) in columns.iter().enumerate() {
                let value = column.kind.read(row, index).map_err(|e| AppError::Internal(format!("{table}.{}: {e}", column.name)))?;
                values.push(value);
                placeholders.push(match column.kind {
                    Kind::CastText => format!("CAST(${} AS {})", values.len(), quoted(&column.udt)),
                    _ => format!("${}", values.len()),
                });
            }
            tuples.push(format!("({})", placeholders.join(", ")));
        }
        let insert = format!("INSERT INTO {} ({names}) VALUES {}", quoted(table), tuples.join(", "));
        target.execute_raw(statement(target, insert, values)).await?;
        copied += rows.len() as u64;
    }
}

/// Every id sequence past the largest copied id, so that the next row
/// made on the target takes a new one.
async fn move_sequences(target: &impl ConnectionTrait) -> AppResult<()> {
    let rows = target
        .query_all_raw(statement(
            target,
            "SELECT table_name, column_name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')",
            vec![],
        ))
        .await?;
    for row in rows {
        let (table, column): (String, String) = (row.try_get("", "table_name")?, row.try_get("", "column_name")?);
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX({c}) FROM {t}), 0) + 1, false)",
            c = quoted(&column),
            t = quoted(&table)
        );
        target.execute_raw(statement(target, sql, vec![quoted(&table).into(), column.into()])).await?;
    }
    Ok(())
}

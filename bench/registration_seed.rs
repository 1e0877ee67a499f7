//! Seeds a registration load test: a published event whose free ticket has
//! `--capacity` seats, and `--users` accounts with API tokens written one per
//! line to `--tokens`. Run against the database the server will use:
//!
//!   TRIBE_DATABASE_URL=sqlite:/tmp/bench.db cargo run --release --example registration_seed -- --users 30000 --capacity 20000 --tokens /tmp/tokens.txt

use std::io::Write;

use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionTrait};
use tribe::config::Config;
use tribe::domain::events::editing::{self, EventForm};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let users: usize = arg("--users", "30000").parse()?;
    let capacity: i32 = arg("--capacity", "20000").parse()?;
    let path = arg("--tokens", "tokens.txt");
    let config = Config::from_figment(&Config::figment())?;
    let db = tribe::open_database(&config).await?;
    if std::env::args().any(|a| a == "--check") {
        return check(&db).await;
    }
    let hash = tribe::domain::accounts::passwords::hash_blocking("bench password")?;
    let organizer = tribe::domain::accounts::insert_user(&db, "bench-organizer@example.org", "Bench", hash.clone(), false).await?;
    let form = EventForm {
        slug: "bench-reg".into(),
        title: "Registration load test".into(),
        kind: "conference".into(),
        time_zone: "UTC".into(),
        starts_at: "2030-01-01T09:00".into(),
        ends_at: "2030-01-02T18:00".into(),
        ..Default::default()
    };
    let event = editing::create(&db, &organizer, &form).await?;
    editing::set_published(&db, &event, true).await?;
    let ticket = tribe::domain::registration::tickets::create(
        &db,
        &event,
        &tribe::domain::registration::tickets::TicketTypeForm {
            name: "Free".into(),
            price: "0".into(),
            capacity: capacity.to_string(),
            ..Default::default()
        },
    )
    .await?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let txn = db.begin().await?;
    for i in 0..users {
        let account = tribe::domain::accounts::insert_user(&txn, &format!("load{i}@example.org"), &format!("Load {i}"), hash.clone(), false).await?;
        let token = format!("tribe_{}", tribe::domain::secrets::random_token(32));
        tribe::db::entities::api_token::ActiveModel {
            user_id: Set(account.id),
            name: Set("bench".into()),
            token_hash: Set(tribe::domain::secrets::hash_token(&token)),
            created_at: Set(tribe::domain::now()),
            last_used_at: Set(Some(tribe::domain::now())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        writeln!(out, "{token}")?;
    }
    txn.commit().await?;
    db.execute_unprepared("SELECT 1").await?;
    eprintln!("event bench-reg, ticket {} with {capacity} seats, {users} tokens in {path}", ticket.id);
    println!("{}", ticket.id);
    Ok(())
}

/// After a run: seats counted against registrations made.
async fn check(db: &sea_orm::DatabaseConnection) -> Result<(), Box<dyn std::error::Error>> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use tribe::db::entities::{registration, ticket_type};
    let event = tribe::domain::events::find_by_slug(db, "bench-reg").await?.ok_or("no bench event")?;
    let ticket = ticket_type::Entity::find().filter(ticket_type::Column::EventId.eq(event.id)).one(db).await?.ok_or("no ticket")?;
    let confirmed = registration::Entity::find()
        .filter(registration::Column::EventId.eq(event.id))
        .filter(registration::Column::Status.eq(tribe::db::entities::registration::RegistrationStatus::Confirmed))
        .count(db)
        .await?;
    let capacity = ticket.capacity.unwrap_or(i32::MAX);
    let oversold = confirmed as i64 > i64::from(capacity) || confirmed as i64 != i64::from(ticket.taken);
    println!("confirmed={confirmed} taken={} capacity={capacity} oversold={}", ticket.taken, if oversold { "YES" } else { "no" });
    if oversold {
        return Err("oversold".into());
    }
    Ok(())
}

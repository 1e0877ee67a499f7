//! Tribe: conference and community event platform.
//!
//! `build_rocket` assembles the service from a configuration and a database
//! connection; `prepare` does the whole start-up (configuration, connection,
//! migrations). `main.rs` is only the command line around them.

pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod web;

use rocket::figment::Figment;
use rocket::fs::FileServer;
use rocket::{Build, Rocket};
use rocket_dyn_templates::Template;
use sea_orm::DatabaseConnection;

use crate::config::{Config, ConfigError};
use crate::web::AppState;

/// Why the service could not start, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("cannot open the database ({url}): {source}")]
    Database { url: String, source: sea_orm::DbErr },
    #[error("cannot migrate the database: {0}")]
    Migration(sea_orm::DbErr),
}

/// Mounts every route, fairing and catcher over an open database.
pub fn build_rocket(figment: Figment, config: Config, db: DatabaseConnection) -> Rocket<Build> {
    let public_dir = config.public_dir.clone();
    // The configuration checked the SMTP URL already; the outbox is the fallback that cannot fail.
    let mailer = domain::mail::Mailer::from_config(&config.mail).unwrap_or_else(|error| {
        tracing::error!(%error, "mail transport unusable; writing emails to the outbox");
        domain::mail::Mailer::from_config(&config::MailConfig { smtp_url: None, ..config.mail.clone() }).expect("the outbox needs no setup")
    });
    let job_interval = config.job_interval;
    let chat = domain::chats::room::hub::ChatHub::new(&db);
    let jobs = domain::jobs::Worker::new(db.clone(), std::sync::Arc::new(mailer), domain::jobs::Worker::instance_name()).with_handler(
        "badge_print",
        domain::badges::prints::PrintHandler { key_encryption_key: config.key_encryption_key, base_url: config.base_url.clone() },
    );
    rocket::custom(figment)
        .manage(AppState::new(db, config, jobs, chat))
        .manage(web::fast_path::fast_path())
        .attach(rocket::fairing::AdHoc::on_liftoff("Background jobs", move |rocket| Box::pin(async move { web::jobs::start(rocket, job_interval) })))
        .attach(Template::custom(|engines| engines.handlebars.register_helper("current", Box::new(web::template_helpers::current))))
        .attach(web::fairings::SessionLoader)
        .attach(web::fairings::PageInvalidation)
        .attach(web::fairings::SecurityHeaders)
        .attach(web::fairings::RequestLog)
        .mount("/", web::pages::routes())
        .mount("/", web::ops::routes())
        .mount("/api", web::api::routes())
        .mount("/webhooks", web::webhooks::routes())
        .mount("/static", FileServer::from(public_dir))
        .register("/", rocket::catchers![web::catchers::default_catcher])
}

/// Reads the configuration, opens (creating if need be) and migrates the
/// database, and builds the service.
pub async fn prepare(figment: Figment) -> Result<Rocket<Build>, StartupError> {
    Config::check_rocket(&figment)?;
    let config = Config::from_figment(&figment)?;
    let db = open_database(&config).await?;
    if let Some(secret) = &config.cookie_secret {
        match domain::badges::keys::import_derived_keys(&db, secret).await {
            Ok(0) => {}
            Ok(events) => tracing::info!(events, "kept the derived badge keys of events made before badge keys were random"),
            Err(error) => tracing::error!(%error, "importing derived badge keys failed"),
        }
    }
    Ok(build_rocket(figment, config, db))
}

/// Opens and migrates the configured database.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartupError> {
    let db =
        db::connect(&config.database_url).await.map_err(|source| StartupError::Database { url: redact_password(&config.database_url), source })?;
    db::migrate(&db).await.map_err(StartupError::Migration)?;
    Ok(db)
}

/// A database URL fit for a log line.
pub fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

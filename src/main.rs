//! The `tribe` command line: serve, migrate, demo, import, admin, db. Everything else
//! lives in the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tribe::config::Config;

/// jemalloc instead of glibc's allocator: a page rendered for one visitor
/// makes thousands of small allocations (the view model, the template's
/// context, the output), and glibc's free lists took a quarter of such a
/// request's CPU (bench/RESULTS.md, "Own pages kept per event version").
#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read once at start (its `malloc_conf`): freed pages
/// go back to the system after a second (not ten) from a background thread,
/// so a burst of rendering (the exports, a thousand log-ins) does not stay
/// resident, and idle RSS stays low.
#[cfg(unix)]
#[export_name = "_rjem_malloc_conf"]
pub static JEMALLOC_CONF: &[u8; 60] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

#[derive(Parser)]
#[command(name = "tribe", version, about = "Tribe: conference and community events — register, build your agenda, find your tribe.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (the default). Applies pending migrations first.
    Serve {
        /// Load the demo data set first (only what is missing is added).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data set: conference `hitmc`, weekly chat `hcldr`, meetup `hcsm-boston`, 200 attendees. Idempotent.
    Demo {
        /// How many attendees (the benchmarks use 2000).
        #[arg(long, default_value_t = tribe::demo::ATTENDEE_COUNT)]
        attendees: usize,
    },
    /// Import a schedule: into an existing event, or as a new one.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Site administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The database itself: backups, and the move to PostgreSQL.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy the SQLite database to FILE while the service runs (SQLite's online backup API); FILE must not exist. PostgreSQL: use pg_dump.
    Backup {
        /// Where the copy goes (a new file).
        file: std::path::PathBuf,
    },
    /// Copy every table of the configured database into an empty PostgreSQL database, keeping ids; then point TRIBE_DATABASE_URL at it.
    Copy {
        /// The target, e.g. postgres://tribe@127.0.0.1/tribe (made with createdb, empty).
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Read a frab schedule.xml or schedule.json (pretalx, frab, FOSDEM, CCC...), from a file or an http(s) address. Without --event it creates an unpublished conference from the file's conference block; with --event it imports into that event. Re-importing updates, matching sessions by guid.
    Frab {
        /// The schedule file, or its address (https://.../schedule.xml).
        source: String,
        /// Import into the event at this address (slug) instead of creating one.
        #[arg(long)]
        event: Option<String>,
        /// A new event's address (default: made from the file's acronym).
        #[arg(long, conflicts_with = "event")]
        slug: Option<String>,
        /// A new event's organizer, an existing account (default: only site admins manage it).
        #[arg(long, conflicts_with = "event")]
        organizer: Option<String>,
        /// A new event's time zone when the file names none (default UTC), like Europe/Berlin.
        #[arg(long, conflicts_with = "event")]
        time_zone: Option<String>,
        /// Seconds an http(s) server has to send the file.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a site admin, or promote an existing account to one.
    Create {
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// Display name for a new account (default: the part before the @).
        #[arg(long)]
        name: Option<String>,
        /// Password for a new account; read from TRIBE_ADMIN_PASSWORD or asked for when omitted.
        #[arg(long, env = "TRIBE_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("TRIBE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,rocket=warn,_=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    if std::env::var("TRIBE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[rocket::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli.command.unwrap_or(Command::Serve { demo: false })).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    let figment = Config::figment();
    let config = Config::from_figment(&figment).map_err(|e| e.to_string())?;
    match command {
        Command::Serve { demo } => {
            let rocket = tribe::prepare(figment).await.map_err(|e| e.to_string())?;
            if demo {
                let state = rocket.state::<tribe::web::AppState>().ok_or("state missing")?;
                report_demo(tribe::demo::load(&state.db).await.map_err(|e| e.to_string())?);
            }
            let ignited = rocket.ignite().await.map_err(describe_launch_error)?;
            tracing::info!(address = %ignited.config().address, port = ignited.config().port, base_url = %config.base_url, "Tribe is listening");
            ignited.launch().await.map_err(|e| format!("server stopped: {e}"))?;
            Ok(())
        }
        Command::Migrate => {
            tribe::open_database(&config).await.map_err(|e| e.to_string())?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo { attendees } => {
            let db = tribe::open_database(&config).await.map_err(|e| e.to_string())?;
            report_demo(tribe::demo::load_sized(&db, attendees).await.map_err(|e| e.to_string())?);
            Ok(())
        }
        Command::Import { command: ImportCommand::Frab { source, event, slug, organizer, time_zone, timeout } } => {
            use tribe::domain::schedule::frab::{import, source as schedule_source};
            let text = schedule_source::read(&source, std::time::Duration::from_secs(timeout)).await?;
            let db = tribe::open_database(&config).await.map_err(|e| e.to_string())?;
            let (target, report) = match event {
                Some(event) => {
                    let target = tribe::domain::events::find_by_slug(&db, &event)
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("no event with the address {event}"))?;
                    let report = import::import(&db, &target, &text).await.map_err(describe_app_error)?;
                    (target, report)
                }
                None => {
                    let organizer = match organizer {
                        Some(email) => Some(
                            tribe::domain::accounts::find_by_email(&db, &email)
                                .await
                                .map_err(|e| e.to_string())?
                                .ok_or_else(|| format!("no account with the email {email}; sign up first, or leave out --organizer"))?,
                        ),
                        None => None,
                    };
                    let time_zone = match time_zone {
                        Some(name) => {
                            Some(tribe::domain::events::editing::validate_time_zone(&name).map_err(|m| format!("--time-zone {name}: {m}"))?)
                        }
                        None => None,
                    };
                    let choices = import::NewEventChoices { slug, time_zone };
                    let (created, report) = import::create_event(&db, organizer.as_ref(), &text, &choices).await.map_err(describe_app_error)?;
                    println!(
                        "created the event {} ({}), unpublished, at {}/events/{}/manage{}",
                        created.title,
                        created.slug,
                        config.base_url,
                        created.slug,
                        if organizer.is_some() { "" } else { " (no organizer yet: a site admin can invite one from its Team page)" }
                    );
                    (created, report)
                }
            };
            println!(
                "imported {} into {}: {} new, {} updated, {} unchanged sessions; {} new rooms, {} new tracks",
                source, target.slug, report.created, report.updated, report.unchanged, report.rooms_created, report.tracks_created
            );
            for assumption in report.assumptions {
                println!("assumed: {assumption}");
            }
            Ok(())
        }
        Command::Db { command: DbCommand::Backup { file } } => {
            let report = tribe::db::backup::backup(&config.database_url, &file).await.map_err(describe_app_error)?;
            println!("backed up {} tables ({} bytes) to {}", report.tables, report.bytes, report.file.display());
            Ok(())
        }
        Command::Db { command: DbCommand::Copy { to } } => {
            if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
                return Err("--to takes a PostgreSQL URL: postgres://user@host/database".into());
            }
            if let Ok(path) = tribe::db::backup::sqlite_path(&config.database_url) {
                if !path.is_file() {
                    return Err(format!("there is no database at {} (TRIBE_DATABASE_URL names the one to copy)", path.display()));
                }
            }
            println!("copying {}", tribe::redact_password(&config.database_url));
            let source = tribe::db::connect(&config.database_url).await.map_err(|e| format!("cannot open the source: {e}"))?;
            let target = tribe::db::connect(&to).await.map_err(|e| format!("cannot open the target: {e}"))?;
            let report = tribe::db::copy::copy(&source, &target).await.map_err(describe_app_error)?;
            for (table, rows) in &report.tables {
                println!("{table:<28} {rows:>8} rows");
            }
            println!(
                "copied {} rows in {} tables, every count checked; run with TRIBE_DATABASE_URL set to the target",
                report.rows(),
                report.tables.len()
            );
            Ok(())
        }
        Command::Admin { command: AdminCommand::Create { email, name, password } } => {
            let db = tribe::open_database(&config).await.map_err(|e| e.to_string())?;
            let existing = tribe::domain::accounts::find_by_email(&db, &email).await.map_err(|e| e.to_string())?;
            let password = match (password, existing) {
                (Some(p), _) => Some(p),
                (None, Some(_)) => None,
                (None, None) => Some(rpassword::prompt_password("Password for the new admin: ").map_err(|e| format!("cannot read a password: {e}"))?),
            };
            let (admin, created) =
                tribe::domain::accounts::create_or_promote_site_admin(&db, &email, name.as_deref(), password).await.map_err(describe_app_error)?;
            println!("{} {} is a site admin", if created { "created" } else { "promoted" }, admin.email);
            Ok(())
        }
    }
}

fn report_demo(report: tribe::demo::DemoReport) {
    if report.events_created.is_empty() && report.users_created == 0 {
        println!("demo data already present; nothing added");
    } else {
        println!(
            "demo data loaded: {} accounts, events {:?}, {} sessions (log in as {} / {})",
            report.users_created,
            report.events_created,
            report.sessions_created,
            tribe::demo::ORGANIZER_EMAIL,
            tribe::demo::DEMO_PASSWORD
        );
    }
}

/// Rocket's start-up errors, with the detail its own (silenced) logger would print.
fn describe_launch_error(error: rocket::Error) -> String {
    match error.kind() {
        rocket::error::ErrorKind::Collisions(collisions) => {
            let routes: Vec<String> = collisions.routes.iter().map(|(a, b)| format!("{} {} ~ {} {}", a.method, a.uri, b.method, b.uri)).collect();
            format!("cannot start: routes collide: {}", routes.join("; "))
        }
        rocket::error::ErrorKind::Bind(source) => {
            format!("cannot start: cannot listen ({source}); check ROCKET_ADDRESS and ROCKET_PORT")
        }
        _ => format!("cannot start: {error}"),
    }
}

/// A domain error for the terminal: each field's message on one line.
fn describe_app_error(error: tribe::error::AppError) -> String {
    match error {
        tribe::error::AppError::Validation(errors) => errors.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

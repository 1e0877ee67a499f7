//! One typed configuration, read from Rocket.toml profiles and overridden by
//! `TRIBE_*` environment variables (Rocket's own settings by `ROCKET_*`).

use std::time::Duration;

use rocket::figment::providers::{Env, Serialized};
use rocket::figment::Figment;
use serde::Deserialize;
use url::Url;

/// A setting that cannot be used, named the way the operator sets it.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {setting}: {reason}")]
pub struct ConfigError {
    pub setting: String,
    pub reason: String,
}

impl ConfigError {
    fn new(setting: &str, reason: impl Into<String>) -> Self {
        ConfigError { setting: setting.to_owned(), reason: reason.into() }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:tribe.db` (created if missing) or `postgres://...`.
    pub database_url: String,
    /// Absolute base for links that leave the browser: calendar files, QR
    /// codes, emails. Never ends with a slash.
    pub base_url: String,
    /// Cookies get the `Secure` flag when the service is reached over https.
    pub secure_cookies: bool,
    pub login_throttle: LoginThrottle,
    pub sessions: SessionTimeouts,
    /// Stylesheets, scripts and icons served under `/static`.
    pub public_dir: std::path::PathBuf,
    /// Stripe, when paid tickets are sold; without it only free tickets are.
    pub stripe: Option<StripeConfig>,
    pub mail: MailConfig,
    /// How often each instance looks for expired holds (waitlist offers,
    /// unpaid checkouts). Zero turns the loop off (tests drive it by hand).
    pub job_interval: std::time::Duration,
    /// Seals stored secrets (events' badge keys): `TRIBE_KEY_ENCRYPTION_KEY`,
    /// 32 bytes in base64, the same on every instance. Required in release;
    /// debug runs without one use `DEVELOPMENT_KEY_ENCRYPTION_KEY`.
    pub key_encryption_key: [u8; 32],
    /// `ROCKET_SECRET_KEY` as configured, if it was: badges printed before
    /// event keys were made at random were signed with a key derived from
    /// it (see `badges::keys::import_derived_keys`).
    pub cookie_secret: Option<String>,
    /// `TRIBE_METRICS_TOKEN`: what Prometheus sends as a bearer token to
    /// read `GET /metrics`. Without it the address does not exist.
    pub metrics_token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port`, `smtps://user:pass@host` (lettre's URL form); unset
    /// means emails are written to `outbox_dir` and logged.
    pub smtp_url: Option<String>,
    pub outbox_dir: std::path::PathBuf,
    /// The From header.
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub webhook_secret: String,
    /// Stripe's API, or a test double on loopback.
    pub api_base: String,
}

/// How many login attempts are tolerated before answers become 429.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// All attempts from one IP address within `ip_window`.
    pub max_per_ip: u32,
    pub ip_window: Duration,
    /// Failed attempts against one account within `account_window`.
    pub max_failures_per_account: u32,
    pub account_window: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            max_per_ip: 30,
            ip_window: Duration::from_secs(5 * 60),
            max_failures_per_account: 5,
            account_window: Duration::from_secs(15 * 60),
        }
    }
}

/// When a log-in session ends by itself. ASVS 5.0 (V7.3) asks for an
/// inactivity and an absolute limit chosen by risk and documented: by
/// default a session ends after 12 hours unused (a night away from a
/// conference) and 14 days after log-in however active; ASVS 4.0's level 2
/// figure is 12 hours absolute (`TRIBE_SESSION_LIFETIME_DAYS` takes
/// fractions, e.g. 0.5).
#[derive(Debug, Clone, Copy)]
pub struct SessionTimeouts {
    pub idle: chrono::Duration,
    pub lifetime: chrono::Duration,
}

impl Default for SessionTimeouts {
    fn default() -> Self {
        SessionTimeouts { idle: chrono::Duration::hours(12), lifetime: chrono::Duration::days(14) }
    }
}

/// The raw keys as they appear in Rocket.toml (`database_url`) or the
/// environment (`TRIBE_DATABASE_URL`).
#[derive(Debug, Deserialize)]
struct RawConfig {
    database_url: Option<String>,
    base_url: Option<String>,
    login_max_per_ip: Option<u32>,
    login_max_failures_per_account: Option<u32>,
    session_idle_hours: Option<f64>,
    session_lifetime_days: Option<f64>,
    public_dir: Option<String>,
    stripe_secret_key: Option<String>,
    stripe_webhook_secret: Option<String>,
    stripe_api_base: Option<String>,
    smtp_url: Option<String>,
    outbox_dir: Option<String>,
    mail_from: Option<String>,
    job_interval_secs: Option<u64>,
    key_encryption_key: Option<String>,
    metrics_token: Option<String>,
}

/// `name` in the working directory if it is there, else in the source tree
/// this binary was built from.
fn beside_binary_or_source(name: &str) -> std::path::PathBuf {
    let here = std::path::PathBuf::from(name);
    if here.is_dir() {
        here
    } else {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite:tribe.db";

/// The largest schedule file imported, from the web or the command line
/// (the CCC congress's is about 3 MiB).
pub const MAX_IMPORT_BYTES: u64 = 20 * 1024 * 1024;

/// The key-encryption key of debug runs without `TRIBE_KEY_ENCRYPTION_KEY`.
/// It is public (it is right here), so what it seals is protected by
/// nothing: release refuses to start without a key of its own.
pub const DEVELOPMENT_KEY_ENCRYPTION_KEY: [u8; 32] = *b"tribe-development-only-not-a-key";
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8000";

impl Config {
    /// Rocket's figment (Rocket.toml + `ROCKET_*`) with `TRIBE_*` on top.
    pub fn figment() -> Figment {
        let mut figment = rocket::Config::figment().merge(Env::prefixed("TRIBE_").global());
        // Rocket's default upload limits (1 MiB for a file) sit below the
        // schedule import's own limit, so real schedules (2–3 MiB) were
        // refused with a bare 413. The handler's limit must be the one that
        // applies: Rocket's sits a little above it, so a file just over it
        // reaches the handler and gets its message. Only Rocket's built-in
        // values are replaced; Rocket.toml or ROCKET_LIMITS still decide.
        for (key, bytes) in [("limits.file", MAX_IMPORT_BYTES + 4 * 1024 * 1024), ("limits.data-form", MAX_IMPORT_BYTES + 5 * 1024 * 1024)] {
            let built_in = figment.find_metadata(key).is_none_or(|m| m.name.starts_with("rocket::Config"));
            if built_in {
                figment = figment.merge(Serialized::global(key, bytes));
            }
        }
        // Templates are found from any working directory unless placed explicitly.
        if figment.find_value("template_dir").is_err() {
            let dir = beside_binary_or_source("templates");
            return figment.merge(Serialized::global("template_dir", dir.to_string_lossy().into_owned()));
        }
        figment
    }

    /// A figment for tests and tools: the given overrides on top of the usual
    /// sources, each value read the way an environment variable's would be.
    pub fn figment_with(overrides: &[(&str, String)]) -> Figment {
        let mut figment = Self::figment();
        for (key, value) in overrides {
            let parsed: rocket::figment::value::Value = value.parse().unwrap_or_else(|_| value.as_str().into());
            figment = figment.merge(Serialized::global(*key, parsed));
        }
        figment
    }

    pub fn from_figment(figment: &Figment) -> Result<Config, ConfigError> {
        let raw: RawConfig = figment.extract().map_err(|e| {
            let name = e.path.last().map(|k| format!("TRIBE_{}", k.to_uppercase())).unwrap_or_else(|| "TRIBE_*".into());
            ConfigError::new(&name, e.kind.to_string())
        })?;

        let database_url = raw.database_url.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(ConfigError::new("TRIBE_DATABASE_URL", "expected sqlite:PATH or postgres://..."));
        }

        let base = raw.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let parsed = Url::parse(&base).map_err(|e| ConfigError::new("TRIBE_BASE_URL", format!("{e} (expected an absolute http(s) URL)")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(ConfigError::new("TRIBE_BASE_URL", "expected an absolute http(s) URL"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(ConfigError::new("TRIBE_BASE_URL", "must not have a query or fragment"));
        }

        let mut login_throttle = LoginThrottle::default();
        if let Some(n) = raw.login_max_per_ip {
            login_throttle.max_per_ip = n.max(1);
        }
        if let Some(n) = raw.login_max_failures_per_account {
            login_throttle.max_failures_per_account = n.max(1);
        }

        let mut sessions = SessionTimeouts::default();
        let positive = |value: f64, setting: &str| {
            if value.is_finite() && value > 0.0 && value <= 3650.0 {
                Ok(value)
            } else {
                Err(ConfigError::new(setting, "expected a positive number"))
            }
        };
        if let Some(hours) = raw.session_idle_hours {
            sessions.idle = chrono::Duration::seconds((positive(hours, "TRIBE_SESSION_IDLE_HOURS")? * 3600.0) as i64);
        }
        if let Some(days) = raw.session_lifetime_days {
            sessions.lifetime = chrono::Duration::seconds((positive(days, "TRIBE_SESSION_LIFETIME_DAYS")? * 86_400.0) as i64);
        }

        let public_dir = match raw.public_dir {
            Some(dir) => std::path::PathBuf::from(dir),
            None => beside_binary_or_source("public"),
        };
        if !public_dir.is_dir() {
            return Err(ConfigError::new("TRIBE_PUBLIC_DIR", format!("{} is not a directory", public_dir.display())));
        }

        let stripe = match (raw.stripe_secret_key.filter(|k| !k.is_empty()), raw.stripe_webhook_secret.filter(|k| !k.is_empty())) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "TRIBE_STRIPE_WEBHOOK_SECRET",
                    "required with TRIBE_STRIPE_SECRET_KEY (payments are confirmed by webhooks)",
                ))
            }
            (None, Some(_)) => return Err(ConfigError::new("TRIBE_STRIPE_SECRET_KEY", "required with TRIBE_STRIPE_WEBHOOK_SECRET")),
            (Some(secret_key), Some(webhook_secret)) => {
                let api_base = raw.stripe_api_base.unwrap_or_else(|| "https://api.stripe.com".to_owned());
                if Url::parse(&api_base).map(|u| !matches!(u.scheme(), "http" | "https")).unwrap_or(true) {
                    return Err(ConfigError::new("TRIBE_STRIPE_API_BASE", "expected an http(s) URL"));
                }
                Some(StripeConfig { secret_key, webhook_secret, api_base: api_base.trim_end_matches('/').to_owned() })
            }
        };

        let from = raw.mail_from.unwrap_or_else(|| "Tribe <no-reply@tribe.invalid>".to_owned());
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::new("TRIBE_MAIL_FROM", "expected an address such as Tribe <events@example.org>"));
        }
        let smtp_url = raw.smtp_url.filter(|u| !u.is_empty());
        if let Some(url) = &smtp_url {
            let usable = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url).is_ok();
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) || !usable {
                return Err(ConfigError::new("TRIBE_SMTP_URL", "expected smtp://host:port or smtps://user:password@host"));
            }
        }
        let mail = MailConfig { smtp_url, outbox_dir: raw.outbox_dir.map(Into::into).unwrap_or_else(|| "outbox".into()), from };

        let key_encryption_key = match raw.key_encryption_key.filter(|k| !k.is_empty()) {
            Some(encoded) => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                    .ok_or_else(|| ConfigError::new("TRIBE_KEY_ENCRYPTION_KEY", "expected 32 bytes in base64 (openssl rand -base64 32)"))?
            }
            None if figment.profile() == rocket::Config::RELEASE_PROFILE => {
                return Err(ConfigError::new(
                    "TRIBE_KEY_ENCRYPTION_KEY",
                    "required in release: 32 bytes in base64 (openssl rand -base64 32), kept apart from the database and ROCKET_SECRET_KEY",
                ))
            }
            None => DEVELOPMENT_KEY_ENCRYPTION_KEY,
        };

        let metrics_token = raw.metrics_token.filter(|t| !t.is_empty());
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16 || t.chars().any(|c| c.is_whitespace() || c.is_control())) {
            return Err(ConfigError::new("TRIBE_METRICS_TOKEN", "expected at least 16 characters without spaces (openssl rand -hex 32)"));
        }

        Ok(Config {
            metrics_token,
            cookie_secret: figment.extract_inner::<String>("secret_key").ok().filter(|s| !s.is_empty()),
            key_encryption_key,
            job_interval: Duration::from_secs(raw.job_interval_secs.unwrap_or(30)),
            mail,
            stripe,
            public_dir,
            database_url,
            base_url: base.trim_end_matches('/').to_owned(),
            secure_cookies: parsed.scheme() == "https",
            login_throttle,
            sessions,
        })
    }

    /// Rocket's own settings, checked up front so that a bad `ROCKET_*` value
    /// is one line, not a panic. In release a shared secret key is required:
    /// without it each instance would invent its own and sessions would not
    /// survive a restart or cross instances.
    pub fn check_rocket(figment: &Figment) -> Result<rocket::Config, ConfigError> {
        let rocket_config: rocket::Config = figment.extract().map_err(|e| {
            let name = e.path.last().map(|k| format!("ROCKET_{}", k.to_uppercase())).unwrap_or_else(|| "ROCKET_*".into());
            ConfigError::new(&name, e.kind.to_string())
        })?;
        if figment.profile() == rocket::Config::RELEASE_PROFILE && rocket_config.secret_key.is_zero() {
            return Err(ConfigError::new("ROCKET_SECRET_KEY", "required in release: a 256-bit base64 key, e.g. from `openssl rand -base64 32`"));
        }
        Ok(rocket_config)
    }
}

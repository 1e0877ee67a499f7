//! The test harness: the real app over a fresh database per test — a
//! temporary SQLite file, or a new PostgreSQL database when
//! `TRIBE_TEST_POSTGRES_URL` is set (dropped again when the test ends).

use std::sync::atomic::{AtomicU32, Ordering};

use base64::Engine;
use rand::RngCore;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tribe::config::Config;

static DATABASE_COUNTER: AtomicU32 = AtomicU32::new(0);

enum Storage {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Storage {
    fn drop(&mut self) {
        if let Storage::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async context: a small runtime of its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                runtime.block_on(async {
                    if let Ok(db) = Database::connect(&admin_url).await {
                        let _ = db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                        let _ = db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub client: Client,
    pub database_url: String,
    /// Where this app's emails are written.
    pub outbox: std::path::PathBuf,
    _outbox_dir: tempfile::TempDir,
    secret_key: String,
    overrides: Vec<(&'static str, String)>,
    _storage: Storage,
}

/// A running HTTP server (see `TestApp::serve`).
pub struct LiveServer {
    pub base: String,
    shutdown: rocket::Shutdown,
    /// The server's kept pages (to see how they were answered).
    pub pages: std::sync::Arc<tribe::web::page_store::PageCache>,
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        self.shutdown.clone().notify();
    }
}

/// Runs a browser script (tests/browser/<name>.mjs) with Node and
/// playwright-core driving the system's Chromium; the script gets `args`
/// and prints one JSON value, which is returned.
pub fn browser_script(name: &str, args: &[&str]) -> serde_json::Value {
    let tools = playwright_core();
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("Chromium is installed (Debian: apt-get install chromium; .ci/run installs it)");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/browser/{name}.mjs"));
    let output = std::process::Command::new("node")
        .arg(&script)
        .args(args)
        .env("PLAYWRIGHT_CORE", tools.join("node_modules/playwright-core"))
        .env("AXE_CORE", tools.join("node_modules/axe-core/axe.min.js"))
        .env("FAILURE_SCREENSHOTS", std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-failures"))
        .env("JOURNEY_SCREENSHOTS", std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots").join(name))
        .env("CHROMIUM", chromium)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "{name}.mjs failed:\n{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{name}.mjs printed no JSON: {}", String::from_utf8_lossy(&output.stdout)))
}

/// Installs playwright-core (drives Chromium) and axe-core (accessibility
/// rules) into target/test-tools once per checkout. Browser
/// tests run in parallel threads: the OnceLock makes the second one wait for
/// the first install instead of running npm over a half-written
/// node_modules.
fn playwright_core() -> &'static std::path::Path {
    static TOOLS: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    TOOLS.get_or_init(|| {
        let tools = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/node");
        let packages = ["playwright-core@1.65.1", "axe-core@4.10.3"];
        let ready = tools.join(format!(".ready-{}", packages.join("-")));
        if !ready.exists() {
            std::fs::create_dir_all(&tools).expect("tools dir");
            let installed = std::process::Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
                .arg(&tools)
                .args(packages)
                .status()
                .expect("npm runs (Debian: apt-get install npm)");
            assert!(installed.success(), "installing playwright-core from npm failed");
            std::fs::write(&ready, "").expect("marker");
        }
        tools
    })
}

/// A `tribe serve` child process (see `TestApp::spawn_server`); killed
/// when dropped.
pub struct ServerProcess {
    pub base: String,
    port: u16,
    command: std::process::Command,
    child: Option<std::process::Child>,
}

impl ServerProcess {
    /// Starts the process and waits until it listens.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        self.child = Some(self.command.spawn().expect("tribe serve starts"));
        for _ in 0..400 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("tribe serve exited before listening: {status}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("tribe serve did not listen on {}", self.port);
    }

    /// SIGKILL: no shutdown, no flushing, as when a machine loses power.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill -9");
            child.wait().expect("reaped");
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

async fn fresh_database() -> (String, Storage) {
    match std::env::var("TRIBE_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("tribe_test_{}_{}_{}", std::process::id(), DATABASE_COUNTER.fetch_add(1, Ordering::SeqCst), rand::random::<u32>());
            let admin = Database::connect(&admin_url).await.expect("connect to TRIBE_TEST_POSTGRES_URL");
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
            admin.close().await.ok();
            let mut url = url::Url::parse(&admin_url).expect("TRIBE_TEST_POSTGRES_URL is a URL");
            url.set_path(&format!("/{name}"));
            (url.to_string(), Storage::Postgres { admin_url, name })
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("tribe.db").display());
            (url, Storage::Sqlite(dir))
        }
    }
}

/// The Debian packages whose programs the tests run: each program, and the
/// package that brings it.
const SYSTEM_TOOLS: &[(&str, &str)] = &[
    ("xmllint", "libxml2-utils"),
    ("pdfinfo", "poppler-utils"),
    ("pdftoppm", "poppler-utils"),
    ("chromium", "chromium"),
    ("calcurse", "calcurse"),
    ("khal", "khal"),
    ("npm", "npm"),
];

/// Makes sure the programs the tests use are installed, once per test run:
/// missing Debian packages are installed when the tests run as root (or
/// with password-less sudo); otherwise the run stops at once with the one
/// command that installs them. (Python and npm packages go under
/// `target/test-tools/` as they are first needed.)
pub fn provision_system_tools() {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        let on_path =
            |program: &str| std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()));
        let mut missing: Vec<&str> = SYSTEM_TOOLS.iter().filter(|(program, _)| !on_path(program)).map(|(_, package)| *package).collect();
        // Badges draw names in scripts DejaVu lacks (CJK) with a system font.
        let cjk_font = std::process::Command::new("fc-list").arg(":lang=ja").output().map(|o| !o.stdout.is_empty()).unwrap_or(false);
        if !cjk_font {
            missing.push("fonts-droid-fallback");
        }
        let venv = std::process::Command::new("python3").args(["-c", "import ensurepip, venv"]).output().is_ok_and(|o| o.status.success());
        if !venv {
            missing.push("python3-venv");
        }
        missing.dedup();
        if missing.is_empty() {
            return;
        }
        let command = format!("apt-get install -y {}", missing.join(" "));
        let is_root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false);
        let sudo = !is_root && std::process::Command::new("sudo").args(["-n", "true"]).status().is_ok_and(|s| s.success());
        if !is_root && !sudo {
            panic!("the tests need Debian packages that are not installed; run:\n  sudo {command}");
        }
        let run = |args: &str| {
            let line =
                if sudo { format!("sudo -n env DEBIAN_FRONTEND=noninteractive {args}") } else { format!("DEBIAN_FRONTEND=noninteractive {args}") };
            std::process::Command::new("sh").args(["-c", &line]).status().is_ok_and(|s| s.success())
        };
        eprintln!("installing what the tests need: {}", missing.join(" "));
        let installed = run("apt-get update -qq") && run(&format!("apt-get install -y -qq {}", missing.join(" ")));
        assert!(installed, "installing {} failed; run:\n  sudo {command}", missing.join(" "));
    });
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with(&[]).await
    }

    /// An app with extra configuration (`("login_max_per_ip", "3".into())`).
    pub async fn with(extra: &[(&'static str, String)]) -> TestApp {
        provision_system_tools();
        let (database_url, storage) = fresh_database().await;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let secret_key = base64::engine::general_purpose::STANDARD.encode(key);
        let outbox_dir = tempfile::tempdir().expect("temp dir");
        let outbox = outbox_dir.path().to_path_buf();
        let mut overrides = extra.to_vec();
        overrides.push(("outbox_dir", outbox.display().to_string()));
        let client = Self::client_for(&database_url, &secret_key, &overrides).await;
        TestApp { client, database_url, outbox, _outbox_dir: outbox_dir, secret_key, overrides, _storage: storage }
    }

    pub async fn client_for(database_url: &str, secret_key: &str, extra: &[(&'static str, String)]) -> Client {
        let mut overrides = vec![
            ("database_url", database_url.to_owned()),
            ("secret_key", secret_key.to_owned()),
            ("log_level", "off".to_owned()),
            ("base_url", "http://127.0.0.1:8000".to_owned()),
            ("job_interval_secs", "0".to_owned()),
        ];
        overrides.extend(extra.iter().cloned());
        let rocket = tribe::prepare(Config::figment_with(&overrides)).await.expect("the app starts");
        Client::tracked(rocket).await.expect("a valid rocket")
    }

    /// A second, independent instance over the same database and secret key:
    /// another `tribe serve` behind the same load balancer, another browser.
    pub async fn another_instance(&self) -> Client {
        Self::client_for(&self.database_url, &self.secret_key, &self.overrides).await
    }

    /// This app served over real HTTP on a free loopback port, for a real
    /// browser; it stops when the returned server is dropped.
    pub async fn serve(&self) -> LiveServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("address").port();
        let base = format!("http://127.0.0.1:{port}");
        let mut overrides = self.overrides.clone();
        overrides.extend([
            ("database_url", self.database_url.clone()),
            ("secret_key", self.secret_key.clone()),
            ("log_level", "off".to_owned()),
            ("base_url", base.clone()),
            ("job_interval_secs", "0".to_owned()),
            ("address", "127.0.0.1".to_owned()),
            ("port", port.to_string()),
            ("shutdown.ctrlc", "false".to_owned()),
        ]);
        let rocket = tribe::prepare(Config::figment_with(&overrides)).await.expect("the app starts").ignite().await.expect("ignites");
        let shutdown = rocket.shutdown();
        let pages = rocket.state::<tribe::web::AppState>().expect("the app's state").pages.clone();
        tokio::spawn(rocket.launch());
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return LiveServer { base, shutdown, pages };
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the server did not start listening on {port}");
    }

    /// A real `tribe serve` process over this app's database, secret key and
    /// outbox, with background jobs every second: what runs in production,
    /// for tests that kill or multiply it.
    pub async fn spawn_server(&self) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("address").port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tribe"));
        command
            .arg("serve")
            .env_remove("ROCKET_PROFILE")
            .env("TRIBE_DATABASE_URL", &self.database_url)
            .env("TRIBE_SECRET_KEY", &self.secret_key)
            .env("TRIBE_OUTBOX_DIR", &self.outbox)
            .env("TRIBE_ADDRESS", "127.0.0.1")
            .env("TRIBE_PORT", port.to_string())
            .env("TRIBE_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("TRIBE_JOB_INTERVAL_SECS", "1")
            .env("TRIBE_LOG_LEVEL", "off")
            .env("RUST_LOG", "warn")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut server = ServerProcess { base: format!("http://127.0.0.1:{port}"), port, command, child: None };
        server.start().await;
        server
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.client.rocket().state::<tribe::web::AppState>().expect("state").db
    }
}

/// The CSRF token from a page's form.
pub fn csrf_in(html: &str) -> String {
    let re = regex::Regex::new(r#"name="_csrf" value="([^"]+)""#).expect("regex");
    re.captures(html).map(|c| c[1].to_owned()).expect("the page has a CSRF token")
}

pub async fn csrf(client: &Client) -> String {
    let page = client.get("/login").dispatch().await.into_string().await.unwrap_or_default();
    if let Some(found) = regex::Regex::new(r#"name="_csrf" value="([^"]+)""#).unwrap().captures(&page) {
        return found[1].to_owned();
    }
    // Logged in: /login redirects, so read the token from the account page.
    csrf_in(&client.get("/account").dispatch().await.into_string().await.unwrap_or_default())
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish()
}

/// Posts a form with this browser's CSRF token added.
pub async fn post_form<'c>(client: &'c Client, path: &'c str, fields: &[(&str, &str)]) -> LocalResponse<'c> {
    let token = csrf(client).await;
    let mut all = vec![("_csrf", token.as_str())];
    all.extend_from_slice(fields);
    client.post(path).header(ContentType::Form).body(form_body(&all)).dispatch().await
}

pub async fn sign_up(client: &Client, email: &str, name: &str, password: &str) {
    let response = post_form(client, "/signup", &[("email", email), ("display_name", name), ("password", password)]).await;
    assert_eq!(response.status(), Status::SeeOther, "sign-up succeeds");
}

pub async fn log_in<'c>(client: &'c Client, email: &'c str, password: &'c str) -> LocalResponse<'c> {
    post_form(client, "/login", &[("email", email), ("password", password)]).await
}

pub fn bearer(token: &str) -> Header<'static> {
    Header::new("Authorization", format!("Bearer {token}"))
}

pub async fn api_token(client: &Client, email: &str, password: &str) -> String {
    let response = client
        .post("/api/tokens")
        .header(ContentType::JSON)
        .body(serde_json::json!({"email": email, "password": password}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Created);
    let body: serde_json::Value = response.into_json().await.expect("json");
    body["token"].as_str().expect("token").to_owned()
}

/// Signs up `email` in this browser and creates an event through the form;
/// returns the event's slug.
pub async fn organizer_with_event(client: &Client, email: &str, slug: &str, kind: &str) -> String {
    sign_up(client, email, "Org Anizer", "a long password").await;
    let response = post_form(
        client,
        "/events",
        &[
            ("title", "Test Conference"),
            ("slug", slug),
            ("kind", kind),
            ("time_zone", "America/New_York"),
            ("starts_at", "2027-03-13T09:00"),
            ("ends_at", "2027-03-15T18:00"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther, "{:?}", response.into_string().await);
    slug.to_owned()
}

/// Adds a room through the organizer's form.
pub async fn add_room(client: &Client, slug: &str, name: &str) {
    let path = format!("/events/{slug}/manage/rooms");
    let response = post_form(client, &path, &[("room_name", name), ("room_capacity", "50")]).await;
    assert_eq!(response.status(), Status::SeeOther);
}

/// Creates a session through the organizer's form; returns the response status and page.
pub async fn add_session(client: &Client, slug: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let path = format!("/events/{slug}/manage/sessions");
    let response = post_form(client, &path, fields).await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

pub fn db_session_id(title: &str, sessions: &[tribe::db::entities::session::Model]) -> i32 {
    sessions.iter().find(|s| s.title == title).map(|s| s.id).unwrap_or_else(|| panic!("no session {title}"))
}

/// A Python with the independent checkers the tests use, installed once
/// per checkout into target/ from PyPI: `icalendar` and
/// `recurring-ical-events` read calendar files, `zxing-cpp` decodes QR codes,
/// `prometheus-client` parses the metrics, `aiosmtpd` is a mail server,
/// so what Tribe writes is read by code nobody here wrote.
fn test_python() -> &'static std::path::Path {
    static PYTHON: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Ok(python) = std::env::var("TRIBE_TEST_PYTHON") {
            return python.into();
        }
        let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/venv");
        let python = venv.join("bin/python");
        let packages = [
            "icalendar==7.3.2",
            "recurring-ical-events==3.8.2",
            "zxing-cpp==3.1.1",
            "pillow==12.1.1",
            "schemathesis==4.32.5",
            "prometheus-client==0.26.0",
            "aiosmtpd==1.4.6",
        ];
        let ready = venv.join(format!(".ready-{}", packages.join("-")));
        if !ready.exists() {
            let made = std::process::Command::new("python3").args(["-m", "venv"]).arg(&venv).status().expect("python3 is installed");
            assert!(made.success(), "python3 -m venv failed (Debian: apt-get install python3-venv)");
            let pip = std::process::Command::new(&python)
                .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
                .args(packages)
                .status()
                .expect("pip runs");
            assert!(pip.success(), "installing the checkers from PyPI failed");
            std::fs::write(&ready, "").expect("marker");
        }
        python
    })
}

/// Runs schemathesis (the CLI, from the test Python) with `args`; returns
/// whether it passed and what it printed.
pub fn schemathesis(args: &[&str]) -> (bool, String) {
    // It keeps a cache in its working directory: not in the checkout.
    let work = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/schemathesis");
    std::fs::create_dir_all(&work).expect("schemathesis folder");
    let output = std::process::Command::new(test_python())
        .current_dir(&work)
        .args(["-c", "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; schemathesis()"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("schemathesis runs");
    (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

/// The samples of a `/metrics` answer as the Prometheus project's own
/// OpenMetrics parser reads them (it fails on anything off the format):
/// `{"name", "labels", "value"}` each.
pub fn metrics_samples(text: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("metrics.txt");
    std::fs::write(&file, text).expect("write");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/metrics_parse.py");
    let output = std::process::Command::new(test_python()).arg(script).arg(&file).output().expect("the parser runs");
    assert!(output.status.success(), "the OpenMetrics parser refused the text: {}\n{text}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("json")
}

/// A real mail server (aiosmtpd) on a free loopback port, writing what it
/// accepts to `mailbox` (see tests/smtp_server.py for how it refuses);
/// it stops when the returned guard is dropped.
pub struct MailServer {
    pub port: u16,
    pub mailbox: std::path::PathBuf,
    process: std::process::Child,
}

impl MailServer {
    pub fn start(mailbox: &std::path::Path) -> MailServer {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("address").port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py");
        let mut process = std::process::Command::new(test_python())
            .arg(script)
            .arg(mailbox)
            .arg(port.to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the mail server starts");
        let mut line = String::new();
        std::io::BufReader::new(process.stdout.as_mut().expect("stdout")).read_line(&mut line).expect("the mail server says it is ready");
        assert_eq!(line.trim(), "ready", "the mail server did not start");
        MailServer { port, mailbox: mailbox.to_path_buf(), process }
    }

    /// The messages it accepted, in order, as Python's email package reads
    /// them: date, message_id, from, to, subject, calendar.
    pub fn received(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<_> = std::fs::read_dir(&self.mailbox)
            .expect("mailbox")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py");
        files
            .iter()
            .map(|file| {
                let output = std::process::Command::new(test_python()).arg(script).arg("parse").arg(file).output().expect("the parser runs");
                assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
                serde_json::from_slice(&output.stdout).expect("json")
            })
            .collect()
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The texts of the QR codes zxing-cpp finds in a PNG.
pub fn qr_decode(png: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("image.png");
    std::fs::write(&file, png).expect("write");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/qr_decode.py");
    let output = std::process::Command::new(test_python()).arg(script).arg(&file).output().expect("the decoder runs");
    assert!(output.status.success(), "zxing-cpp could not read the image: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("json")
}

/// What poppler's `pdfinfo` says of a PDF (Pages, Page size, Title, ...).
pub fn pdf_info(pdf: &[u8]) -> std::collections::HashMap<String, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("file.pdf");
    std::fs::write(&file, pdf).expect("write");
    let output = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo is installed (Debian: apt-get install poppler-utils; .ci/run installs it)");
    assert!(output.status.success(), "pdfinfo refused the PDF: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())))
        .collect()
}

/// What Python's icalendar makes of a calendar file, expanded between two dates.
pub fn calendar_check(ics: &str, from: &str, to: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("calendar.ics");
    std::fs::write(&file, ics).expect("write");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/calendar_check.py");
    let output = std::process::Command::new(test_python()).arg(script).arg(&file).args([from, to]).output().expect("the checker runs");
    assert!(output.status.success(), "icalendar could not read the file: {}\n{ics}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("json")
}

/// RFC 5545's mechanical rules: CRLF everywhere, lines of at most 75 octets.
pub fn assert_well_formed_ics(ics: &str) {
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(!line.contains('\n') && !line.contains('\r'), "a bare line break: {line:?}");
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    for required in ["PRODID:", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"] {
        assert!(ics.contains(required), "{required}");
    }
}

/// The emails written to the app's outbox, oldest first, as raw RFC 5322 text.
pub fn sent_emails(app: &TestApp) -> Vec<String> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&app.outbox).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).expect("an email")).collect()
}

/// The invitation link in the newest email to `to`, as a path.
pub fn invitation_link(app: &TestApp, to: &str) -> String {
    let mail = sent_emails(app).into_iter().rev().find(|m| m.contains(&format!("<{to}>")) || m.contains(&format!("To: {to}"))).expect("an email");
    let unfolded = mail.replace("=\r\n", "");
    let re = regex::Regex::new(r"http://127\.0\.0\.1:8000(/invitations/[A-Za-z0-9_-]+)").expect("regex");
    re.captures(&unfolded).map(|c| c[1].to_owned()).unwrap_or_else(|| panic!("no invitation link in {mail}"))
}

/// The organizer (logged in on `organizer`) invites `email` onto the team of
/// `slug`, and its owner accepts, as they would from the emailed link.
pub async fn join_team(app: &TestApp, organizer: &Client, slug: &str, email: &str, role: &str) {
    let path = format!("/events/{slug}/manage/team");
    let response = post_form(organizer, &path, &[("email", email), ("role", role)]).await;
    assert_eq!(response.status(), Status::SeeOther, "{:?}", response.into_string().await);
    let link = invitation_link(app, email);
    let token = link.trim_start_matches("/invitations/");
    let person = tribe::domain::accounts::find_by_email(app.db(), email).await.expect("lookup").expect("an account");
    tribe::domain::registration::invitations::accept(app.db(), token, &person).await.map(|_| ()).expect("the invitation is accepted");
}

/// A browser's cookies for one site, whichever instance answers.
#[derive(Default)]
pub struct Cookies(std::collections::HashMap<String, String>);

impl Cookies {
    /// Logs in through the site's form.
    pub async fn log_in(&mut self, http: &reqwest::Client, base: &str, email: &str, password: &str) {
        let (_, form) = self.get(http, format!("{base}/login")).await;
        let token = csrf_in(&form);
        let fields = [("_csrf", token.as_str()), ("email", email), ("password", password), ("next", "")];
        assert_eq!(self.post(http, format!("{base}/login"), &fields).await, 303, "{email} logs in");
        // The flash of logging in is shown once, on the next page.
        self.get(http, format!("{base}/")).await;
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.0.insert(name.to_owned(), value.to_owned());
    }

    pub fn take(&mut self, response: &reqwest::Response) {
        for header in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let pair = header.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.0.remove(name);
            } else {
                self.0.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn header(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn get(&mut self, http: &reqwest::Client, url: String) -> (u16, String) {
        let response = http.get(url).header("cookie", self.header()).send().await.unwrap();
        self.take(&response);
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub async fn post(&mut self, http: &reqwest::Client, url: String, fields: &[(&str, &str)]) -> u16 {
        let response = http.post(url).header("cookie", self.header()).form(fields).send().await.unwrap();
        self.take(&response);
        response.status().as_u16()
    }
}

/// The desktop calendar programs people use read a file Tribe wrote, as
/// readers in other zones would (Debian's `calcurse` and `khal`; `.ci/run`
/// installs them). calcurse, run with TZ=Europe/Berlin and TZ=Asia/Tokyo,
/// must import `items` timed appointments and skip nothing; khal, in Berlin,
/// must store the file. Returns khal's listing between `from` and `to`: one
/// line per occurrence, "start | title | description" (line breaks in the
/// description as " / ").
pub fn calendar_clients_read(ics: &str, items: usize, from: &str, to: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("calendar.ics");
    std::fs::write(&file, ics).expect("write");
    for zone in ["Europe/Berlin", "Asia/Tokyo"] {
        let home = tempfile::tempdir().expect("temp dir");
        let output = std::process::Command::new("calcurse")
            .env("TZ", zone)
            .arg("-D")
            .arg(home.path())
            .arg("-i")
            .arg(&file)
            .output()
            .expect("calcurse runs (Debian package calcurse; .ci/run installs it)");
        let report = String::from_utf8_lossy(&output.stdout).to_string();
        let wanted = format!("{items} app{} / 0 events / 0 todos / 0 skipped", if items == 1 { "" } else { "s" });
        assert!(output.status.success() && report.contains(&wanted), "calcurse in {zone} expected {wanted}, said: {report}\n{ics}");
    }
    let home = tempfile::tempdir().expect("temp dir");
    let calendar = home.path().join("calendar");
    std::fs::create_dir(&calendar).expect("khal's folder");
    let config = home.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[calendars]\n[[tribe]]\npath = {}\ntype = calendar\n[locale]\nlocal_timezone = Europe/Berlin\ndefault_timezone = Europe/Berlin\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n",
            calendar.display()
        ),
    )
    .expect("khal's configuration");
    let khal = |args: &[&str]| {
        std::process::Command::new("khal")
            .arg("-c")
            .arg(&config)
            .args(args)
            .env("HOME", home.path())
            .output()
            .expect("khal runs (Debian package khal; .ci/run installs it)")
    };
    let imported = khal(&["import", "--batch", "-a", "tribe", file.to_str().expect("a path")]);
    assert!(imported.status.success(), "khal import failed: {}", String::from_utf8_lossy(&imported.stderr));
    assert!(std::fs::read_dir(&calendar).expect("khal's folder").count() > 0, "khal stored nothing");
    // A record separator keeps multi-line descriptions apart from the next occurrence.
    let listed = khal(&["list", "--day-format", "", "--format", "{start} | {title} | {description}\u{1e}", from, to]);
    assert!(listed.status.success(), "khal list failed: {}", String::from_utf8_lossy(&listed.stderr));
    String::from_utf8_lossy(&listed.stdout).split('\u{1e}').map(|entry| entry.trim().replace('\n', " / ")).filter(|entry| !entry.is_empty()).collect()
}

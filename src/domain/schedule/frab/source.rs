//! Where a schedule file comes from on the command line: a path, or an
//! `http(s)://` address on another server (pretalx and frab publish theirs
//! at `…/schedule.xml` and `…/schedule.json`). Either way at most
//! `MAX_IMPORT_BYTES` are read, and a server gets `timeout` to send them.

use std::time::Duration;

use crate::config::MAX_IMPORT_BYTES;

/// The text of a schedule file at `source`, or a message saying why not.
pub async fn read(source: &str, timeout: Duration) -> Result<String, String> {
    let bytes = if source.starts_with("http://") || source.starts_with("https://") { download(source, timeout).await? } else { read_file(source)? };
    String::from_utf8(bytes).map_err(|e| format!("{source} is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

fn too_large(source: &str) -> String {
    format!("{source} is larger than {} MiB; a schedule file is a few MiB at most", MAX_IMPORT_BYTES / (1024 * 1024))
}

fn read_file(path: &str) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path).map_err(|e| format!("cannot read {path}: {e}"))?.len();
    if size > MAX_IMPORT_BYTES {
        return Err(too_large(path));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

async fn download(url: &str, timeout: Duration) -> Result<Vec<u8>, String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("tribe/", env!("CARGO_PKG_VERSION"), " (schedule import)"))
        .build()
        .map_err(|e| format!("cannot fetch {url}: {e}"))?;
    let failed = |e: reqwest::Error| {
        if e.is_timeout() {
            format!("{url} did not answer within {} s", timeout.as_secs_f32())
        } else {
            format!("cannot fetch {url}: {e}")
        }
    };
    let mut response = client.get(url).send().await.map_err(failed)?;
    if !response.status().is_success() {
        return Err(format!("{url} answered {}", response.status()));
    }
    if response.content_length().is_some_and(|length| length > MAX_IMPORT_BYTES) {
        return Err(too_large(url));
    }
    // A server may not say how long its answer is, or say less than it sends.
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_IMPORT_BYTES as usize {
            return Err(too_large(url));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

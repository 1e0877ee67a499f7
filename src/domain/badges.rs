//! Badges: a compact, URL-safe token naming a registration and its event,
//! signed with HMAC-SHA256 so that an altered or forged one is refused, put
//! in a QR code that any phone camera opens (`<base>/b/<token>`), on a badge
//! drawn as SVG with the name large and the role's colour.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{AppError, AppResult};

fn mac(key: &[u8; 32], body: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length works");
    mac.update(b"tribe-badge:v1:");
    mac.update(body.as_bytes());
    mac.finalize().into_bytes()[..16].to_vec()
}

/// `r<registration>e<event>.<signature>`, URL-safe.
pub fn token(key: &[u8; 32], registration_id: i32, event_id: i32) -> String {
    let body = format!("r{registration_id}e{event_id}");
    format!("{body}.{}", URL_SAFE_NO_PAD.encode(mac(key, &body)))
}

/// The (registration, event) a genuine token names.
pub fn verify(key: &[u8; 32], token: &str) -> Option<(i32, i32)> {
    let (body, signature) = token.split_once('.')?;
    let given = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut check = Hmac::<Sha256>::new_from_slice(key).ok()?;
    check.update(b"tribe-badge:v1:");
    check.update(body.as_bytes());
    let full = check.finalize().into_bytes();
    if given.len() != 16 || !bool::from(subtle::ConstantTimeEq::ct_eq(&full[..16], &given[..])) {
        return None;
    }
    let rest = body.strip_prefix('r')?;
    let (registration, event) = rest.split_once('e')?;
    Some((registration.parse().ok()?, event.parse().ok()?))
}

fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// What a badge shows.
pub struct BadgeFace<'a> {
    pub name: &'a str,
    pub organization: &'a str,
    pub role: Option<(&'a str, &'a str)>,
    pub handle: &'a str,
    pub event: &'a str,
    pub url: &'a str,
}

/// Splits a name into at most two lines that fit the badge, shrinking the
/// type for long names rather than cutting them.
fn name_lines(name: &str) -> (Vec<String>, u32) {
    // The text column is 180 px wide; a character is about 0.55 em.
    let length = name.chars().count();
    let size: u32 = match length {
        0..=10 => 30,
        11..=13 => 24,
        14..=34 => 18,
        _ => 15,
    };
    let per_line = (180.0 / (0.55 * f64::from(size))) as usize;
    if length <= per_line {
        return (vec![name.to_owned()], size);
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut lines = vec![String::new()];
    for word in words {
        let count = lines.len();
        let current = lines.last_mut().expect("one line");
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > per_line && count < 3 {
            lines.push(word.to_owned());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    (lines, size)
}

/// A badge 3.5 × 2.25 in (a common badge size) at 96 px per inch.
pub fn svg(face: &BadgeFace<'_>) -> AppResult<String> {
    let code = qrcode::QrCode::with_error_correction_level(face.url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = 120.0;
    let cell = size / (modules + 2 * quiet) as f64;
    let (x0, y0) = (336.0 - size - 8.0, 216.0 - size - 8.0);
    // One path on the module grid, drawn with crisp edges: no anti-aliased
    // seams between modules for a camera to trip over.
    let mut path = String::new();
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % modules + quiet, i / modules + quiet));
        }
    }
    let qr = format!(
        r##"<rect x="{x0}" y="{y0}" width="{size}" height="{size}" fill="#fff"/><path transform="translate({x0} {y0}) scale({cell:.5})" shape-rendering="crispEdges" d="{path}"/>"##
    );
    let (role_name, role_color) = face.role.unwrap_or(("Attendee", "#495057"));
    let (lines, font) = name_lines(face.name);
    let mut text = String::new();
    let mut y = 72.0;
    for line in &lines {
        text.push_str(&format!(r##"<text x="16" y="{y}" font-size="{font}" font-weight="700">{}</text>"##, escape(line)));
        y += f64::from(font) * 1.15;
    }
    for (value, size) in [(face.organization, 15u32), (face.handle, 14u32)] {
        if !value.is_empty() {
            // Long values get smaller type, then an ellipsis: the QR code's corner stays clear.
            let size = if value.chars().count() > 21 { 12 } else { size };
            let fits = (180.0 / (0.55 * f64::from(size))) as usize;
            let shown: String = if value.chars().count() > fits { value.chars().take(fits - 1).chain(['…']).collect() } else { value.to_owned() };
            text.push_str(&format!(r##"<text x="16" y="{y}" font-size="{size}">{}</text>"##, escape(&shown)));
            y += f64::from(size) * 1.4;
        }
    }
    Ok(format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="336" height="216" viewBox="0 0 336 216" font-family="DejaVu Sans, Noto Sans, sans-serif" role="img" aria-label="Badge: {name}">"##,
            r##"<rect width="336" height="216" rx="10" fill="#fff" stroke="#d5dae1"/>"##,
            r##"<rect width="336" height="30" rx="10" fill="{color}"/><rect y="20" width="336" height="10" fill="{color}"/>"##,
            r##"<text x="16" y="21" font-size="13" font-weight="700" fill="#fff">{role}</text>"##,
            r##"<text x="16" y="204" font-size="11" fill="#596270">{event}</text>"##,
            r##"<g fill="#1b1e23">{text}</g><g fill="#000">{qr}</g></svg>"##
        ),
        name = escape(face.name),
        color = escape(role_color),
        role = escape(role_name),
        event = escape(&if face.event.chars().count() > 32 {
            face.event.chars().take(31).chain(['…']).collect::<String>()
        } else {
            face.event.to_owned()
        }),
        text = text,
        qr = qr,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_any_change_is_refused() {
        let key = [7u8; 32];
        let token = token(&key, 42, 3);
        assert_eq!(verify(&key, &token), Some((42, 3)));
        assert_eq!(verify(&[8u8; 32], &token), None, "another key");
        assert_eq!(verify(&key, &token.replacen("r42", "r43", 1)), None, "altered registration");
        assert_eq!(verify(&key, "r42e3"), None);
        assert_eq!(verify(&key, "garbage.!!"), None);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'));
    }
}

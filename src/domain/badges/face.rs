//! The face of a badge, 3.5 × 2.25 in: the role's colour band, the name
//! large, organization and handle, the event, and the QR code. Drawn as SVG;
//! `render` turns it into PNG and PDF.

use crate::error::{AppError, AppResult};

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

/// The text column left of the QR code, in px.
const TEXT_WIDTH: f64 = 180.0;

/// The width of `text` in px at `size`, from the embedded font's advances
/// (bold, the widest face used); characters the font lacks (CJK, which a
/// fallback font draws) count as a full em.
fn text_width(text: &str, size: f64) -> f64 {
    let font = super::render::bold_face();
    let units = f64::from(font.as_ref().map_or(2048, |f| f.units_per_em()));
    let em: f64 = text
        .chars()
        .map(|c| match font.as_ref().and_then(|f| f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g))) {
            Some(advance) => f64::from(advance) / units,
            None if c.is_whitespace() => 0.35,
            None => 1.0,
        })
        .sum();
    em * size
}

/// Breaks `text` into lines no wider than the text column at `size`:
/// between words where it can, after a hyphen next, inside a word (a name
/// written without spaces) where it must. `None` if that takes more than
/// `max_lines`.
fn wrap(text: &str, size: f64, max_lines: usize) -> Option<Vec<String>> {
    let fits = |line: &str| text_width(line, size) <= TEXT_WIDTH;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let joined = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
        if fits(&joined) {
            current = joined;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // "Wolfeschlegelsteinhausen-Bergerdorff": its parts, hyphen kept at the end.
        for part in word.split_inclusive('-') {
            let joined = format!("{current}{part}");
            if fits(&joined) {
                current = joined;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            for c in part.chars() {
                current.push(c);
                if !fits(&current) {
                    current.pop();
                    lines.push(std::mem::take(&mut current));
                    current.push(c);
                }
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    (lines.len() <= max_lines).then_some(lines)
}

/// The name as large as it fits: one line at the top sizes, then two,
/// three, four; shrinking the type rather than cutting the name.
fn name_lines(name: &str) -> (Vec<String>, f64) {
    for (size, max_lines) in [(30.0, 1), (26.0, 1), (24.0, 2), (21.0, 2), (18.0, 2), (16.0, 3), (14.0, 3), (12.0, 3), (11.0, 4), (10.0, 4)] {
        if let Some(lines) = wrap(name, size, max_lines) {
            return (lines, size);
        }
    }
    // Longer than any name: the first three lines at the smallest size.
    let mut lines = wrap(name, 10.0, usize::MAX).unwrap_or_default();
    lines.truncate(4);
    if let Some(last) = lines.last_mut() {
        *last = fit_line(&format!("{last}…"), 10.0, TEXT_WIDTH);
    }
    (lines, 10.0)
}

/// `text` on one line of `width`, ending in an ellipsis if it must.
fn fit_line(text: &str, size: f64, width: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    let mut shown: String = text.to_owned();
    while !shown.is_empty() && text_width(&format!("{shown}…"), size) > width {
        shown.pop();
    }
    format!("{}…", shown.trim_end())
}

/// The QR code of `url` as one path on its module grid, with the quiet zone
/// of four modules around it: (modules per side with the quiet zone, path).
/// Drawn with crisp edges, it has no anti-aliased seams between modules for
/// a camera to trip over.
fn qr_path(url: &str) -> AppResult<(usize, String)> {
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let modules = code.width();
    let quiet = 4;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % modules + quiet, i / modules + quiet));
        }
    }
    Ok((modules + 2 * quiet, path))
}

/// The QR code alone, scalable (the ticket screen shows it large).
pub fn qr_svg(url: &str) -> AppResult<String> {
    let (side, path) = qr_path(url)?;
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}"/></svg>"##
    ))
}

/// A badge 3.5 × 2.25 in (a common badge size) at 96 px per inch.
pub fn svg(face: &BadgeFace<'_>) -> AppResult<String> {
    let (side, path) = qr_path(face.url)?;
    let size = 128.0;
    let cell = size / side as f64;
    let (x0, y0) = (336.0 - size - 6.0, 216.0 - size - 6.0);
    let qr = format!(
        r##"<rect x="{x0}" y="{y0}" width="{size}" height="{size}" fill="#fff"/><path transform="translate({x0} {y0}) scale({cell:.5})" shape-rendering="crispEdges" d="{path}"/>"##
    );
    let (role_name, role_color) = face.role.unwrap_or(("Attendee", "#495057"));
    let (lines, font) = name_lines(face.name);
    let mut text = String::new();
    let mut y = 40.0 + font;
    for line in &lines {
        text.push_str(&format!(r##"<text x="16" y="{y:.1}" font-size="{font}" font-weight="700">{}</text>"##, escape(line)));
        y += font * 1.15;
    }
    y += 4.0;
    // Organization and handle: smaller type when long, then an ellipsis; a
    // missing one leaves no gap.
    for (value, size) in [(face.organization.trim(), 15.0), (face.handle.trim(), 14.0)] {
        if !value.is_empty() {
            let size = if text_width(value, size) > TEXT_WIDTH { 12.0 } else { size };
            text.push_str(&format!(r##"<text x="16" y="{y:.1}" font-size="{size}">{}</text>"##, escape(&fit_line(value, size, TEXT_WIDTH))));
            y += size * 1.4;
        }
    }
    Ok(format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="336" height="216" viewBox="0 0 336 216" font-family="DejaVu Sans, sans-serif" role="img" aria-label="Badge: {name}">"##,
            r##"<rect width="336" height="216" rx="10" fill="#fff" stroke="#d5dae1"/>"##,
            r##"<rect width="336" height="30" rx="10" fill="{color}"/><rect y="20" width="336" height="10" fill="{color}"/>"##,
            r##"<text x="16" y="21" font-size="13" font-weight="700" fill="#fff">{role}</text>"##,
            r##"<text x="16" y="204" font-size="11" fill="#596270">{event}</text>"##,
            r##"<g fill="#1b1e23">{text}</g><g fill="#000">{qr}</g></svg>"##
        ),
        name = escape(face.name),
        color = escape(role_color),
        role = escape(&fit_line(role_name, 13.0, 300.0)),
        event = escape(&fit_line(face.event, 11.0, x0 - 24.0)),
        text = text,
        qr = qr,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face<'a>(name: &'a str, organization: &'a str, handle: &'a str) -> BadgeFace<'a> {
        BadgeFace { name, organization, role: Some(("Clinician", "#2b8a3e")), handle, event: "HITMC 2026", url: "https://tribe.example/b/r1e1.x" }
    }

    #[test]
    fn missing_optional_fields_leave_no_gap() {
        let full = svg(&face("Ada Lovelace", "Analytical Engines", "@ada")).unwrap();
        let bare = svg(&face("Ada Lovelace", "", "")).unwrap();
        assert!(full.contains(">Analytical Engines</text>") && full.contains(">@ada</text>"));
        assert_eq!(bare.matches("<text").count(), 3, "role, name and event only: {bare}");
        // The handle moves up into the organization's place when there is none.
        let handle_only = svg(&face("Ada Lovelace", "", "@ada")).unwrap();
        let y_of = |doc: &str, text: &str| {
            doc.split("<text").find(|t| t.contains(text)).and_then(|t| t.split("y=\"").nth(1)).map(|v| v.split('"').next().unwrap().to_owned())
        };
        assert_eq!(y_of(&handle_only, "@ada"), y_of(&full, "Analytical Engines"));
    }

    #[test]
    fn long_and_wide_names_shrink_and_wrap_within_the_text_column() {
        for name in [
            "Maximiliana Wolfeschlegelsteinhausen-Bergerdorff von Habsburg",
            "María José Carreño Quiñones",
            "渡辺 麻由美 ホルヘンセン",
            "Ελευθερία Παπαδοπούλου",
        ] {
            let (lines, size) = name_lines(name);
            assert!(lines.len() <= 4, "{name}: {lines:?}");
            for line in &lines {
                assert!(text_width(line, size) <= TEXT_WIDTH + 0.5, "{name}: {line:?} at {size}px is too wide");
            }
            assert_eq!(lines.concat().replace(' ', ""), name.replace(' ', ""), "nothing of the name is lost");
        }
        assert_eq!(name_lines("Ada").1, 30.0, "short names stay large");
    }

    #[test]
    fn text_is_escaped() {
        let doc = svg(&face("<script>alert(1)</script>", "A & B", "\"quoted\"")).unwrap();
        assert!(!doc.contains("<script>"));
        assert!(doc.contains("&lt;script&gt;") && doc.contains("A &amp; B") && doc.contains("&quot;quoted&quot;"));
    }
}

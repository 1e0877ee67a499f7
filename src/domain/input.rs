//! Reading what people type into forms and API bodies: times in an event's
//! zone, optional numbers, tags, colours, URLs. Each function says what was
//! wrong in words a person can act on.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::domain::times::local_to_utc;

/// A time as typed: `2027-06-07T10:15` (what `<input type="datetime-local">`
/// sends; read in `zone`), with optional seconds, or RFC 3339 with an offset.
pub fn parse_time(zone: Tz, text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter a date and time.".into());
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(local_to_utc(zone, local));
        }
    }
    Err("Use the form 2027-06-07T10:15.".into())
}

/// The value for a `datetime-local` input: the instant in `zone`.
pub fn local_input_value(zone: Tz, instant: DateTime<Utc>) -> String {
    instant.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()
}

/// An optional whole number within bounds; empty means none.
pub fn parse_optional_count(text: &str, max: i32) -> Result<Option<i32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!("Enter a whole number from 1 to {max}, or leave it empty.")),
    }
}

/// How many tags one field holds (a profile's interests, a session's tags).
pub const MAX_TAGS: usize = 20;
/// How long one tag may be, in characters.
pub const MAX_TAG_CHARS: usize = 40;

/// One tag as typed: trimmed, without `#`, lower case, no control characters.
fn clean_tag(raw: &str) -> String {
    raw.trim().trim_start_matches('#').trim().to_lowercase().chars().filter(|c| !c.is_control()).collect()
}

/// Tags as typed (separated by commas, semicolons or lines; `#` optional)
/// in their stored form: lower case, each once, in the order given, joined
/// by commas. Refuses more than `MAX_TAGS` or one longer than
/// `MAX_TAG_CHARS`. The work is linear in the text, and it stops at the
/// first tag past the limit, so a body of a hundred thousand tags costs
/// what twenty do.
pub fn parse_tags(text: &str) -> Result<String, String> {
    collect_tags(text, true).map(|tags| tags.join(","))
}

/// As `parse_tags` for text that is searched, not stored (a filter): the
/// first `MAX_TAGS` tags, each cut to `MAX_TAG_CHARS`, never an error.
pub fn normalize_tags(text: &str) -> String {
    collect_tags(text, false).unwrap_or_default().join(",")
}

/// The distinct tags of `text`; `strict` refuses what the lenient form cuts.
fn collect_tags(text: &str, strict: bool) -> Result<Vec<String>, String> {
    let mut seen = std::collections::HashSet::new();
    let mut tags: Vec<String> = Vec::new();
    for raw in text.split([',', ';', '\n']) {
        let trimmed = raw.trim().trim_start_matches('#').trim();
        let tag = if trimmed.chars().nth(MAX_TAG_CHARS).is_some() {
            if strict {
                let start: String = trimmed.chars().take(20).collect();
                return Err(format!("Keep each tag to {MAX_TAG_CHARS} characters (“{start}…” is longer)."));
            }
            clean_tag(&trimmed.chars().take(MAX_TAG_CHARS).collect::<String>())
        } else {
            clean_tag(trimmed)
        };
        if !tag.is_empty() && seen.insert(tag.clone()) {
            if tags.len() == MAX_TAGS {
                if strict {
                    return Err(format!("Keep it to {MAX_TAGS} tags."));
                }
                break;
            }
            tags.push(tag);
        }
    }
    Ok(tags)
}

pub fn split_tags(stored: &str) -> Vec<String> {
    stored.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// `#rrggbb`, lower case.
pub fn parse_color(text: &str) -> Result<String, String> {
    let text = text.trim().to_lowercase();
    let hex = text.strip_prefix('#').unwrap_or(&text);
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(format!("#{hex}"))
    } else {
        Err("Use a colour like #1971c2.".into())
    }
}

/// An optional http(s) URL.
pub fn parse_optional_url(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match url::Url::parse(text) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some() => Ok(Some(parsed.to_string())),
        _ => Err("Enter a full web address starting with https://.".into()),
    }
}

/// Trimmed text that must be present and not too long.
pub fn required_text(text: &str, what: &str, max_chars: usize) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        Err(format!("Enter {what}."))
    } else if text.chars().count() > max_chars {
        Err(format!("Keep {what} under {max_chars} characters."))
    } else if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        Err(format!("{} contains characters that cannot be shown.", capitalize(what)))
    } else {
        Ok(text.to_owned())
    }
}

/// Optional text, empty meaning none.
pub fn optional_text(text: &str, what: &str, max_chars: usize) -> Result<Option<String>, String> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        required_text(text, what, max_chars).map(Some)
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lower-case ASCII words joined by hyphens, for URLs and export slugs.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in deunicode::deunicode(text).chars().flat_map(|c| c.to_lowercase()) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(60).collect::<String>().trim_end_matches('-').to_owned()
}

/// A text field that an API client may also send as a number or null.
pub fn lenient_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text,
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        other => return Err(serde::de::Error::custom(format!("expected text or a number, found {other}"))),
    })
}

/// The OpenAPI schema of a field read by `lenient_text`.
pub fn lenient_text_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Number, Type::Boolean, Type::Null])).build()
}

/// The OpenAPI schema of a field read by `lenient_lines`.
pub fn lenient_lines_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
    Schema::OneOf(
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null])))
            .item(ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)))
            .build(),
    )
}

/// A multi-line field that an API client may also send as a list of strings.
pub fn lenient_lines<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(text) => text,
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::String(text) => Ok(text),
                other => Err(serde::de::Error::custom(format!("expected a list of text, found {other}"))),
            })
            .collect::<Result<Vec<_>, _>>()?
            .join("\n"),
        other => return Err(serde::de::Error::custom(format!("expected text or a list of text, found {other}"))),
    })
}

/// A checkbox: present in a form ("on"), or a JSON boolean. Absent means
/// unchecked, so a struct using this also needs `#[serde(default)]`.
pub fn checkbox<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    use serde::Deserialize;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Bool(b) => Ok(b),
        serde_json::Value::Null => Ok(false),
        serde_json::Value::String(text) => match text.trim() {
            "on" | "true" | "1" | "yes" => Ok(true),
            "" | "off" | "false" | "0" | "no" => Ok(false),
            other => Err(serde::de::Error::custom(format!("expected a checkbox value, found {other:?}"))),
        },
        other => Err(serde::de::Error::custom(format!("expected true or false, found {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_read_in_the_events_zone_and_offsets_are_respected() {
        let ny = chrono_tz::America::New_York;
        assert_eq!(parse_time(ny, "2027-01-19T20:30").unwrap().to_rfc3339(), "2027-01-20T01:30:00+00:00");
        assert_eq!(parse_time(ny, "2027-07-20T20:30").unwrap().to_rfc3339(), "2027-07-21T00:30:00+00:00");
        assert_eq!(parse_time(ny, "2027-07-20T20:30:00+02:00").unwrap().to_rfc3339(), "2027-07-20T18:30:00+00:00");
        assert!(parse_time(ny, "tomorrow").is_err());
    }

    #[test]
    fn tags_are_normalised() {
        assert_eq!(normalize_tags("#PatientEngagement, ai;  UX,ai,,"), "patientengagement,ai,ux");
        assert_eq!(parse_tags("#PatientEngagement, ai;  UX,ai,,"), Ok("patientengagement,ai,ux".to_owned()));
    }

    #[test]
    fn too_many_or_too_long_tags_are_refused_with_the_limit() {
        let twenty: Vec<String> = (0..20).map(|n| format!("t{n}")).collect();
        assert!(parse_tags(&twenty.join(",")).is_ok());
        assert!(parse_tags(&format!("{},t20", twenty.join(","))).unwrap_err().contains("20 tags"));
        // Repeats count once.
        assert!(parse_tags(&format!("{},t0,T1,#t2", twenty.join(","))).is_ok());
        assert!(parse_tags(&"x".repeat(40)).is_ok());
        assert!(parse_tags(&"x".repeat(41)).unwrap_err().contains("40 characters"));
        assert_eq!(normalize_tags(&(0..100).map(|n| format!("t{n}")).collect::<Vec<_>>().join(",")).split(',').count(), 20);
    }

    #[test]
    fn a_hundred_thousand_tags_are_refused_at_the_limit() {
        let many: Vec<String> = (0..100_000).map(|n| format!("interest{n}")).collect();
        let text = many.join(",");
        assert_eq!(parse_tags(&text), Err("Keep it to 20 tags.".to_owned()));
        assert_eq!(normalize_tags(&text).split(',').count(), 20);
    }

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(slugify("Patient stories: a case study!"), "patient-stories-a-case-study");
        assert_eq!(slugify("Ärzte & Pflege"), "arzte-pflege");
        assert_eq!(slugify("日本語"), "ri-ben-yu");
    }
}

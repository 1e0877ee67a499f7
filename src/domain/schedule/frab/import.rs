//! Reading frab `schedule.xml` into an event, liberally: real files from
//! pretalx, frab, FOSDEM or the CCC congress do not always follow the
//! schema (odd slugs, extra elements, missing time zones, base64 guids).
//! What had to be assumed is reported; what cannot be read at all is refused
//! with its line, and nothing is half-imported.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use roxmltree::{Document, Node};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use crate::db::entities::session::SessionStatus;
use crate::db::entities::{event, room, session, session_speaker, track};
use crate::domain::events::{bump_revision, places, zone_of};
use crate::domain::now;
use crate::domain::schedule::sessions::event_bounds;
use crate::domain::times::local_to_utc;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rooms_created: usize,
    pub tracks_created: usize,
    /// What the file did not say and we had to assume.
    pub assumptions: Vec<String>,
}

/// A session as read from the file, before it touches the database.
#[derive(Debug, Clone)]
struct ParsedSession {
    guid: String,
    title: String,
    abstract_text: String,
    room: Option<String>,
    track: Option<String>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    language: String,
    persons: Vec<String>,
}

fn refuse(doc: &Document, node: Node, reason: impl Into<String>) -> AppError {
    let pos = doc.text_pos_at(node.range().start);
    AppError::Validation(vec![FieldError::new("file", format!("line {}: {}", pos.row, reason.into()))])
}

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn child_text(node: Node, name: &str) -> Option<String> {
    child(node, name).map(|c| c.text().unwrap_or("").trim().to_owned()).filter(|t| !t.is_empty())
}

/// `hh:mm`, `hh:mm:ss`, or `d:hh:mm` (seen in older frab output).
fn parse_duration(text: &str) -> Option<Duration> {
    let parts: Vec<i64> = text.trim().split(':').map(|p| p.trim().parse::<i64>().ok()).collect::<Option<Vec<_>>>()?;
    match parts.as_slice() {
        [h, m] => Some(Duration::hours(*h) + Duration::minutes(*m)),
        [h, m, s] if text.len() <= 8 && *h < 100 => Some(Duration::hours(*h) + Duration::minutes(*m) + Duration::seconds(*s)),
        [d, h, m] => Some(Duration::days(*d) + Duration::hours(*h) + Duration::minutes(*m)),
        _ => None,
    }
}

/// A `date` element: with an offset it is exact; without one it is read in
/// the schedule's zone.
fn parse_instant(text: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(exact) = DateTime::parse_from_rfc3339(text) {
        return Some(exact.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Some(local_to_utc(zone, local));
        }
    }
    None
}

/// How deeply elements may nest. A frab schedule nests six levels
/// (schedule, day, room, event, persons, person) and real exporters add a
/// few; the tree parser recurses per level, and a few thousand levels
/// overflow a worker thread's stack and abort the whole process.
pub const MAX_NESTING: usize = 100;

/// Refuses a document whose elements nest deeper than `MAX_NESTING`, before
/// it reaches the tree parser. This scan never fails on input it does not
/// understand: it only counts tags (outside comments, CDATA, processing
/// instructions, declarations and quoted attribute values), so no file can
/// slip past it to the parser unmeasured; over-counting in a malformed file
/// only turns one refusal into another.
fn refuse_deep_nesting(xml: &str) -> AppResult<()> {
    let bytes = xml.as_bytes();
    let skip_past = |from: usize, end: &[u8]| -> usize {
        bytes[from..].windows(end.len()).position(|w| w == end).map(|p| from + p + end.len()).unwrap_or(bytes.len())
    };
    // The end of a tag starting at `from`: the next `>` outside quotes.
    let tag_end = |from: usize| -> usize {
        let mut quote = None;
        let mut i = from;
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (None, b'"' | b'\'') => quote = Some(bytes[i]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => return i,
                _ => {}
            }
            i += 1;
        }
        bytes.len()
    };
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') else { break };
        i += offset;
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = skip_past(i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip_past(i + 9, b"]]>");
        } else if rest.starts_with(b"<?") {
            i = skip_past(i + 2, b"?>");
        } else if rest.starts_with(b"<!") {
            // A declaration; a DOCTYPE's internal subset holds bracketed
            // declarations of its own.
            let mut brackets = 0i32;
            let mut j = i + 2;
            while j < bytes.len() && !(bytes[j] == b'>' && brackets <= 0) {
                match bytes[j] {
                    b'[' => brackets += 1,
                    b']' => brackets -= 1,
                    b'"' | b'\'' => j = bytes[j + 1..].iter().position(|&b| b == bytes[j]).map(|p| j + 1 + p).unwrap_or(bytes.len()),
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = tag_end(i + 2) + 1;
        } else {
            let end = tag_end(i + 1);
            let self_closing = end > i + 1 && end < bytes.len() && bytes[end - 1] == b'/';
            if !self_closing {
                depth += 1;
                if depth > MAX_NESTING {
                    let line = bytes[..i].iter().filter(|&&b| b == b'\n').count() + 1;
                    return Err(AppError::Validation(vec![FieldError::new(
                        "file",
                        format!("line {line}: elements are nested more than {MAX_NESTING} levels deep; a frab schedule nests about six, so this is not one"),
                    )]));
                }
            }
            i = end + 1;
        }
    }
    Ok(())
}

fn parse_file(xml: &str, fallback_zone: Tz, report: &mut ImportReport) -> AppResult<(Vec<ParsedSession>, Vec<(String, Option<String>)>)> {
    refuse_deep_nesting(xml)?;
    let doc = Document::parse(xml).map_err(|e| {
        let pos = e.pos();
        AppError::Validation(vec![FieldError::new("file", format!("line {}, column {}: this is not well-formed XML ({e})", pos.row, pos.col))])
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "schedule" {
        return Err(refuse(&doc, root, format!("expected a frab <schedule>, found <{}>", root.tag_name().name())));
    }
    let conference = child(root, "conference");
    let acronym = conference.and_then(|c| child_text(c, "acronym")).unwrap_or_else(|| "schedule".to_owned());
    let zone = match conference.and_then(|c| child_text(c, "time_zone_name")) {
        Some(name) => match name.parse::<Tz>() {
            Ok(zone) => zone,
            Err(_) => {
                report.assumptions.push(format!("the time zone “{name}” is unknown; times without an offset were read in {}", fallback_zone.name()));
                fallback_zone
            }
        },
        None => {
            report.assumptions.push(format!("the file names no time zone; times without an offset were read in {}", fallback_zone.name()));
            fallback_zone
        }
    };
    let tracks: Vec<(String, Option<String>)> = conference
        .map(|c| {
            c.children()
                .filter(|n| n.is_element() && n.tag_name().name() == "track")
                .filter_map(|n| {
                    let name = n.attribute("name").map(str::to_owned).or_else(|| n.text().map(|t| t.trim().to_owned()))?;
                    (!name.is_empty()).then(|| (name, n.attribute("color").map(str::to_owned)))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut sessions = Vec::new();
    let mut missing_guids = 0;
    let mut missing_durations = 0;
    for day in root.children().filter(|n| n.is_element() && n.tag_name().name() == "day") {
        let day_date = day.attribute("date").and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
        for room_node in day.children().filter(|n| n.is_element() && n.tag_name().name() == "room") {
            let room_name = room_node.attribute("name").map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            for node in room_node.children().filter(|n| n.is_element() && n.tag_name().name() == "event") {
                let title = child_text(node, "title").ok_or_else(|| refuse(&doc, node, "this <event> has no <title>"))?;
                let starts_at = match child_text(node, "date").and_then(|d| parse_instant(&d, zone)) {
                    Some(instant) => instant,
                    None => {
                        let start = child_text(node, "start")
                            .and_then(|s| NaiveTime::parse_from_str(&s, "%H:%M").or_else(|_| NaiveTime::parse_from_str(&s, "%H:%M:%S")).ok());
                        match (day_date, start) {
                            (Some(date), Some(time)) => local_to_utc(zone, date.and_time(time)),
                            _ => return Err(refuse(&doc, node, format!("“{title}” has neither a <date> nor a day date with a <start>"))),
                        }
                    }
                };
                let length = match child_text(node, "duration").and_then(|d| parse_duration(&d)) {
                    Some(length) if length > Duration::zero() => length,
                    _ => {
                        missing_durations += 1;
                        Duration::minutes(30)
                    }
                };
                let guid = match node.attribute("guid").map(str::trim).filter(|g| !g.is_empty()) {
                    Some(guid) => guid.to_owned(),
                    None => {
                        missing_guids += 1;
                        let id = node
                            .attribute("id")
                            .or_else(|| node.attribute("code"))
                            .map(str::to_owned)
                            .unwrap_or_else(|| format!("{}-{}", title, starts_at.timestamp()));
                        format!("{acronym}:{id}")
                    }
                };
                let abstract_text = child_text(node, "abstract").unwrap_or_default();
                let description = child_text(node, "description").unwrap_or_default();
                let abstract_text = match (abstract_text.is_empty(), description.is_empty() || description == abstract_text) {
                    (_, true) => abstract_text,
                    (true, false) => description,
                    (false, false) => format!("{abstract_text}\n\n{description}"),
                };
                let persons = child(node, "persons")
                    .map(|p| {
                        p.children()
                            .filter(|n| n.is_element() && n.tag_name().name() == "person")
                            .filter_map(|n| n.text().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()))
                            .collect()
                    })
                    .unwrap_or_default();
                sessions.push(ParsedSession {
                    guid,
                    title,
                    abstract_text,
                    room: child_text(node, "room").or_else(|| room_name.clone()),
                    track: child_text(node, "track"),
                    starts_at,
                    ends_at: starts_at + length,
                    language: child_text(node, "language").map(|l| l.to_lowercase()).filter(|l| l.len() <= 8).unwrap_or_else(|| "en".to_owned()),
                    persons,
                });
            }
        }
    }
    if missing_guids > 0 {
        report.assumptions.push(format!("{missing_guids} session(s) had no guid; they are matched by their id on re-import"));
    }
    if missing_durations > 0 {
        report.assumptions.push(format!("{missing_durations} session(s) had no readable duration; 30 minutes was assumed"));
    }
    Ok((sessions, tracks))
}

/// Imports a frab schedule into `event` in one transaction. Re-importing the
/// same file updates the sessions it created (matched by guid) instead of
/// adding them again.
pub async fn import(db: &DatabaseConnection, target: &event::Model, xml: &str) -> AppResult<ImportReport> {
    let mut report = ImportReport::default();
    let (parsed, file_tracks) = parse_file(xml, zone_of(target), &mut report)?;
    if parsed.is_empty() {
        return Err(AppError::Validation(vec![FieldError::new("file", "the file contains no sessions (<event> elements inside <day><room>)")]));
    }
    let txn = crate::db::begin(db).await?;
    let mut rooms: HashMap<String, i32> = places::rooms(&txn, target.id).await?.into_iter().map(|r| (r.name.to_lowercase(), r.id)).collect();
    let mut tracks: HashMap<String, i32> = places::tracks(&txn, target.id).await?.into_iter().map(|t| (t.name.to_lowercase(), t.id)).collect();
    for (name, color) in &file_tracks {
        ensure_track(&txn, target, &mut tracks, name, color.as_deref(), &mut report).await?;
    }
    widen_event_dates(&txn, target, &parsed, &mut report).await?;
    for item in &parsed {
        let room_id = match &item.room {
            Some(name) => Some(ensure_room(&txn, target, &mut rooms, name, &mut report).await?),
            None => None,
        };
        let track_id = match &item.track {
            Some(name) => Some(ensure_track(&txn, target, &mut tracks, name, None, &mut report).await?),
            None => None,
        };
        upsert_session(&txn, target, item, room_id, track_id, &mut report).await?;
    }
    bump_revision(&txn, target.id).await?;
    txn.commit().await?;
    Ok(report)
}

async fn ensure_room(
    txn: &DatabaseTransaction,
    target: &event::Model,
    rooms: &mut HashMap<String, i32>,
    name: &str,
    report: &mut ImportReport,
) -> AppResult<i32> {
    if let Some(id) = rooms.get(&name.to_lowercase()) {
        return Ok(*id);
    }
    let created = room::ActiveModel {
        event_id: Set(target.id),
        name: Set(name.chars().take(100).collect()),
        position: Set(rooms.len() as i32),
        capacity: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    rooms.insert(name.to_lowercase(), created.id);
    report.rooms_created += 1;
    Ok(created.id)
}

async fn ensure_track(
    txn: &DatabaseTransaction,
    target: &event::Model,
    tracks: &mut HashMap<String, i32>,
    name: &str,
    color: Option<&str>,
    report: &mut ImportReport,
) -> AppResult<i32> {
    if let Some(id) = tracks.get(&name.to_lowercase()) {
        return Ok(*id);
    }
    let color = color
        .and_then(|c| crate::domain::input::parse_color(c).ok())
        .unwrap_or_else(|| places::TRACK_PALETTE[tracks.len() % places::TRACK_PALETTE.len()].to_owned());
    let created = track::ActiveModel {
        event_id: Set(target.id),
        name: Set(name.chars().take(100).collect()),
        color: Set(color),
        position: Set(tracks.len() as i32),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    tracks.insert(name.to_lowercase(), created.id);
    report.tracks_created += 1;
    Ok(created.id)
}

/// Sessions outside the event's days widen the event rather than being dropped.
async fn widen_event_dates(txn: &DatabaseTransaction, target: &event::Model, parsed: &[ParsedSession], report: &mut ImportReport) -> AppResult<()> {
    let (first, last) = event_bounds(target);
    let earliest = parsed.iter().map(|s| s.starts_at).min().unwrap_or(target.starts_at);
    let latest = parsed.iter().map(|s| s.ends_at).max().unwrap_or(target.ends_at);
    if earliest >= first && latest <= last {
        return Ok(());
    }
    let mut model: event::ActiveModel = target.clone().into();
    model.starts_at = Set(target.starts_at.min(earliest));
    model.ends_at = Set(target.ends_at.max(latest));
    model.updated_at = Set(now());
    model.update(txn).await?;
    let zone = zone_of(target);
    report.assumptions.push(format!(
        "the event's dates were widened to {} – {} to hold every session",
        target.starts_at.min(earliest).with_timezone(&zone).format("%Y-%m-%d"),
        target.ends_at.max(latest).with_timezone(&zone).format("%Y-%m-%d")
    ));
    Ok(())
}

async fn upsert_session(
    txn: &DatabaseTransaction,
    target: &event::Model,
    item: &ParsedSession,
    room_id: Option<i32>,
    track_id: Option<i32>,
    report: &mut ImportReport,
) -> AppResult<()> {
    let at = now();
    let existing =
        session::Entity::find().filter(session::Column::EventId.eq(target.id)).filter(session::Column::Guid.eq(item.guid.as_str())).one(txn).await?;
    let speakers_now: Vec<String> = match &existing {
        Some(found) => crate::domain::schedule::sessions::speakers_of(txn, found.id).await?.into_iter().map(|s| s.name).collect(),
        None => Vec::new(),
    };
    let session_id = match existing {
        Some(found) => {
            let same = found.title == item.title
                && found.r#abstract == item.abstract_text
                && found.room_id == room_id
                && found.track_id == track_id
                && found.starts_at == item.starts_at
                && found.ends_at == item.ends_at
                && found.language == item.language
                && found.status == SessionStatus::Published
                && speakers_now == item.persons;
            if same {
                report.unchanged += 1;
                return Ok(());
            }
            let id = found.id;
            let revision = found.revision + 1;
            let mut model: session::ActiveModel = found.into();
            model.title = Set(item.title.clone());
            model.r#abstract = Set(item.abstract_text.clone());
            model.room_id = Set(room_id);
            model.track_id = Set(track_id);
            model.starts_at = Set(item.starts_at);
            model.ends_at = Set(item.ends_at);
            model.language = Set(item.language.clone());
            model.status = Set(SessionStatus::Published);
            model.revision = Set(revision);
            model.updated_at = Set(at);
            model.update(txn).await?;
            report.updated += 1;
            id
        }
        None => {
            let created = session::ActiveModel {
                event_id: Set(target.id),
                guid: Set(item.guid.clone()),
                title: Set(item.title.clone()),
                r#abstract: Set(item.abstract_text.clone()),
                track_id: Set(track_id),
                room_id: Set(room_id),
                starts_at: Set(item.starts_at),
                ends_at: Set(item.ends_at),
                capacity: Set(None),
                status: Set(SessionStatus::Published),
                language: Set(item.language.clone()),
                tags: Set(String::new()),
                revision: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            report.created += 1;
            created.id
        }
    };
    session_speaker::Entity::delete_many().filter(session_speaker::Column::SessionId.eq(session_id)).exec(txn).await?;
    for (position, name) in item.persons.iter().enumerate() {
        session_speaker::ActiveModel {
            session_id: Set(session_id),
            user_id: Set(None),
            name: Set(name.chars().take(120).collect()),
            position: Set(position as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>1.0</version>
  <conference><acronym>fuzz</acronym><title>Fuzz</title><start>2027-03-01</start><end>2027-03-01</end><days>1</days>
    <time_zone_name>Europe/Berlin</time_zone_name></conference>
  <day index="1" date="2027-03-01" start="2027-03-01T09:00:00+01:00" end="2027-03-01T18:00:00+01:00">
    <room name="Hall A" guid="5b3f7c1e-2a0b-4c59-9d53-000000000001">
      <event guid="0e1e3a5c-6f0b-4b8a-9d0a-000000000001" id="1">
        <date>2027-03-01T10:00:00+01:00</date><start>10:00</start><duration>00:45</duration><room>Hall A</room>
        <slug>fuzz-1</slug><title>TITLE</title><subtitle/><track>Care</track><type>talk</type><language>en</language>
        <abstract>ABSTRACT</abstract><description/><persons><person id="1">Ada</person></persons><links/><attachments/>
      </event>
    </room>
  </day>
</schedule>"#;

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }

    /// Characters XML 1.0 allows in text.
    fn xml_char(c: &char) -> bool {
        matches!(*c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
    }

    fn nested(levels: usize) -> String {
        format!("<schedule>{}{}</schedule>", "<a>".repeat(levels), "</a>".repeat(levels))
    }

    #[test]
    fn a_hundred_thousand_nested_elements_are_refused_before_parsing() {
        let mut report = ImportReport::default();
        match parse_file(&nested(100_000), Tz::UTC, &mut report) {
            Err(AppError::Validation(errors)) => assert!(errors[0].message.contains("nested more than 100 levels"), "{errors:?}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn nesting_is_counted_past_comments_cdata_quotes_and_self_closing_tags() {
        let decoys = "<!-- <a><a> --><![CDATA[<a><a>]]><?pi <a> ?><b attr=\"<a>\" other='>'/>";
        let within = format!("<schedule>{decoys}{}{}</schedule>", "<a>".repeat(MAX_NESTING - 1), "</a>".repeat(MAX_NESTING - 1));
        assert!(refuse_deep_nesting(&within).is_ok());
        let beyond = format!("<schedule>{decoys}{}{}</schedule>", "<a>".repeat(MAX_NESTING), "</a>".repeat(MAX_NESTING));
        assert!(refuse_deep_nesting(&beyond).is_err());
        // Siblings do not add up: a thousand flat elements are fine.
        assert!(refuse_deep_nesting(&format!("<schedule>{}</schedule>", "<a></a>".repeat(1000))).is_ok());
        assert!(refuse_deep_nesting(SAMPLE).is_ok());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// Nested, truncated and padded documents: read or refused with a
        /// message, never a crash (the stack overflow this guards against
        /// would abort the test process itself).
        #[test]
        fn nested_truncated_and_enormous_documents_are_refused_not_crashed(
            levels in 0usize..20_000, keep in 0.0f64..=1.0, open_only in proptest::bool::ANY, padding in 0usize..200_000,
        ) {
            let mut xml = if open_only { format!("<schedule>{}", "<event>".repeat(levels)) } else { nested(levels) };
            xml.insert_str(xml.find('>').map(|p| p + 1).unwrap_or(0), &" ".repeat(padding));
            let mut cut = (xml.len() as f64 * keep) as usize;
            while !xml.is_char_boundary(cut) {
                cut -= 1;
            }
            xml.truncate(cut);
            let mut report = ImportReport::default();
            match parse_file(&xml, Tz::UTC, &mut report) {
                Ok(_) => {}
                Err(AppError::Validation(errors)) => proptest::prop_assert!(errors.iter().all(|e| !e.message.is_empty())),
                Err(other) => proptest::prop_assert!(false, "unexpected error kind: {other:?}"),
            }
        }

        /// Whatever a file holds, reading it ends in sessions or in a message
        /// naming the problem: no panic, no other kind of error.
        #[test]
        fn any_damage_to_a_file_is_read_or_refused_with_a_message(
            cut in 0usize..2000, cut_len in 0usize..200, at in 0usize..2000,
            inserted in "(\\PC{0,12}|<event>|</room>|<day date=\"x\">|&amp;|&#0;|<!DOCTYPE x [<!ENTITY e \"ee\">]>|<duration>99:99</duration>)",
            noise in "\\PC{0,400}",
            whole_noise in proptest::bool::ANY,
        ) {
            let xml = if whole_noise {
                noise
            } else {
                let mut text: Vec<char> = SAMPLE.chars().collect();
                let start = cut.min(text.len());
                let end = (start + cut_len).min(text.len());
                text.drain(start..end);
                let at = at.min(text.len());
                text.splice(at..at, inserted.chars());
                text.into_iter().collect()
            };
            let mut report = ImportReport::default();
            match parse_file(&xml, Tz::UTC, &mut report) {
                Ok(_) => {}
                Err(AppError::Validation(errors)) => proptest::prop_assert!(errors.iter().all(|e| !e.message.is_empty())),
                Err(other) => proptest::prop_assert!(false, "unexpected error kind: {other:?}"),
            }
        }

        /// Any text in a title or abstract comes through exactly.
        #[test]
        fn any_text_in_a_title_or_abstract_is_read_exactly(title in "\\PC{1,80}", abstract_text in "\\PC{0,200}") {
            let title: String = title.chars().filter(xml_char).collect();
            let abstract_text: String = abstract_text.chars().filter(xml_char).collect();
            proptest::prop_assume!(!title.trim().is_empty());
            let xml = SAMPLE.replace("TITLE", &escape(&title)).replace("ABSTRACT", &escape(&abstract_text));
            let mut report = ImportReport::default();
            let (sessions, _) = parse_file(&xml, Tz::UTC, &mut report).expect("a valid file");
            proptest::prop_assert_eq!(sessions.len(), 1);
            // XML reads every line end as a line feed.
            let lines = |text: &str| text.trim().replace("\r\n", "\n").replace('\r', "\n");
            proptest::prop_assert_eq!(lines(&sessions[0].title), lines(&title));
            proptest::prop_assert_eq!(lines(&sessions[0].abstract_text), lines(&abstract_text));
        }
    }
}

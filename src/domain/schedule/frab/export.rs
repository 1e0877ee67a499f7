//! Writing `schedule.xml` and `schedule.json` from a published schedule.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::domain::input::slugify;
use crate::domain::markdown;
use crate::domain::schedule::frab::{acronym, uuid_for};
use crate::domain::schedule::{Schedule, ScheduledSession};

const GENERATOR: &str = "tribe";

fn offset_time(schedule: &Schedule, instant: DateTime<Utc>) -> String {
    schedule.local(instant).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `hh:mm`, as frab writes durations (hours capped to the schema's two digits).
fn duration(s: &ScheduledSession) -> String {
    let minutes = (s.session.ends_at - s.session.starts_at).num_minutes().clamp(0, 99 * 60 + 59);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `acronym-id-title`, which matches both schemas' slug patterns.
fn session_slug(schedule: &Schedule, s: &ScheduledSession) -> String {
    let title = slugify(&s.session.title);
    let title = if title.len() < 4 { "session".to_owned() } else { title };
    format!("{}-{}-{}", acronym(&schedule.event.slug), s.session.id, title)
}

fn session_type(s: &ScheduledSession) -> &'static str {
    if s.session.capacity.is_some() {
        "workshop"
    } else {
        "talk"
    }
}

pub fn session_url(base_url: &str, event_slug: &str, session_id: i32) -> String {
    format!("{base_url}/events/{event_slug}/sessions/{session_id}")
}

fn room_name(s: &ScheduledSession) -> String {
    s.room.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| UNASSIGNED_ROOM.to_owned())
}

/// Where sessions without a room are listed: frab requires a room.
pub const UNASSIGNED_ROOM: &str = "To be announced";

fn room_guid(schedule: &Schedule, name: &str) -> String {
    uuid_for(&format!("room:{}:{}", schedule.event.slug, name))
}

fn person_guid(schedule: &Schedule, speaker: &crate::db::entities::session_speaker::Model) -> String {
    match speaker.user_id {
        Some(id) => uuid_for(&format!("person:user:{id}")),
        None => uuid_for(&format!("person:{}:{}", schedule.event.slug, speaker.name.to_lowercase())),
    }
}

/// Room names in display order, plus the unassigned room when used.
fn room_names(schedule: &Schedule) -> Vec<String> {
    let mut names: Vec<String> = schedule.rooms.iter().map(|r| r.name.clone()).collect();
    if schedule.sessions.iter().any(|s| s.room.is_none()) {
        names.push(UNASSIGNED_ROOM.to_owned());
    }
    names
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn element(out: &mut String, indent: &str, name: &str, text: &str) {
    if text.is_empty() {
        let _ = writeln!(out, "{indent}<{name}/>");
    } else {
        let _ = writeln!(out, "{indent}<{name}>{}</{name}>", escape(text));
    }
}

/// The description field: the abstract as HTML-free text is `abstract`; the
/// rendered Markdown goes to `description` as frab does.
fn plain_abstract(s: &ScheduledSession) -> String {
    s.session.r#abstract.clone()
}

pub fn to_xml(schedule: &Schedule, base_url: &str) -> String {
    let event = &schedule.event;
    let days = schedule.days();
    let mut out = String::with_capacity(1024 + schedule.sessions.len() * 900);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n");
    let _ = writeln!(out, "  <generator name=\"{GENERATOR}\" version=\"{}\"/>", env!("CARGO_PKG_VERSION"));
    element(&mut out, "  ", "url", &format!("{base_url}/events/{}/schedule.xml", event.slug));
    element(&mut out, "  ", "version", &event.revision.to_string());
    out.push_str("  <conference>\n");
    element(&mut out, "    ", "acronym", &acronym(&event.slug));
    element(&mut out, "    ", "title", &event.title);
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        element(&mut out, "    ", "start", &first.date.format("%Y-%m-%d").to_string());
        element(&mut out, "    ", "end", &last.date.format("%Y-%m-%d").to_string());
    }
    element(&mut out, "    ", "days", &days.len().to_string());
    let slot = schedule.timeslot_minutes();
    element(&mut out, "    ", "timeslot_duration", &format!("{:02}:{:02}", slot / 60, slot % 60));
    element(&mut out, "    ", "base_url", &format!("{base_url}/"));
    element(&mut out, "    ", "url", &format!("{base_url}/events/{}", event.slug));
    element(&mut out, "    ", "time_zone_name", &event.time_zone);
    for track in &schedule.tracks {
        let slug = slugify(&track.name);
        let slug_attr =
            if slug.len() >= 2 && slug.starts_with(|c: char| c.is_ascii_lowercase()) { format!(" slug=\"{slug}\"") } else { String::new() };
        let _ = writeln!(out, "    <track name=\"{}\" color=\"{}\"{slug_attr}/>", escape(&track.name), escape(&track.color));
    }
    out.push_str("  </conference>\n");
    let rooms = room_names(schedule);
    for day in &days {
        let _ = writeln!(
            out,
            "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">",
            day.index,
            day.date.format("%Y-%m-%d"),
            offset_time(schedule, day.starts_at),
            offset_time(schedule, day.ends_at)
        );
        for room in &rooms {
            let _ = writeln!(out, "    <room name=\"{}\" guid=\"{}\">", escape(room), room_guid(schedule, room));
            for s in schedule.sessions_on(day).filter(|s| &room_name(s) == room) {
                write_event(&mut out, schedule, s, base_url);
            }
            out.push_str("    </room>\n");
        }
        out.push_str("  </day>\n");
    }
    out.push_str("</schedule>\n");
    out
}

fn write_event(out: &mut String, schedule: &Schedule, s: &ScheduledSession, base_url: &str) {
    let i = "        ";
    let _ = writeln!(out, "      <event guid=\"{}\" id=\"{}\">", uuid_for(&s.session.guid), s.session.id);
    element(out, i, "room", &room_name(s));
    element(out, i, "title", &s.session.title);
    element(out, i, "subtitle", "");
    element(out, i, "type", session_type(s));
    element(out, i, "date", &offset_time(schedule, s.session.starts_at));
    element(out, i, "start", &schedule.local(s.session.starts_at).format("%H:%M").to_string());
    element(out, i, "duration", &duration(s));
    element(out, i, "abstract", &plain_abstract(s));
    element(out, i, "slug", &session_slug(schedule, s));
    element(out, i, "track", s.track.as_ref().map(|t| t.name.as_str()).unwrap_or(""));
    element(out, i, "language", &s.session.language);
    element(out, i, "description", &markdown::to_safe_html(&s.session.r#abstract));
    element(out, i, "url", &session_url(base_url, &schedule.event.slug, s.session.id));
    if s.speakers.is_empty() {
        let _ = writeln!(out, "{i}<persons/>");
    } else {
        let _ = writeln!(out, "{i}<persons>");
        for speaker in &s.speakers {
            let _ = writeln!(out, "{i}  <person guid=\"{}\">{}</person>", person_guid(schedule, speaker), escape(&speaker.name));
        }
        let _ = writeln!(out, "{i}</persons>");
    }
    let _ = writeln!(out, "{i}<links/>");
    out.push_str("      </event>\n");
}

fn event_json(schedule: &Schedule, s: &ScheduledSession, base_url: &str) -> Value {
    let persons: Vec<Value> = s.speakers.iter().map(|p| json!({"name": p.name, "guid": person_guid(schedule, p)})).collect();
    json!({
        "guid": uuid_for(&s.session.guid),
        "id": s.session.id,
        "date": offset_time(schedule, s.session.starts_at),
        "start": schedule.local(s.session.starts_at).format("%H:%M").to_string(),
        "end": offset_time(schedule, s.session.ends_at),
        "duration": duration(s),
        "room": room_name(s),
        "slug": session_slug(schedule, s),
        "url": session_url(base_url, &schedule.event.slug, s.session.id),
        "title": s.session.title,
        "subtitle": "",
        "track": s.track.as_ref().map(|t| t.name.clone()),
        "type": session_type(s),
        "language": s.session.language,
        "abstract": plain_abstract(s),
        "description": markdown::to_safe_html(&s.session.r#abstract),
        "persons": persons,
        "links": [],
    })
}

pub fn to_json(schedule: &Schedule, base_url: &str) -> String {
    let event = &schedule.event;
    let days = schedule.days();
    let slot = schedule.timeslot_minutes();
    let rooms = room_names(schedule);
    let days_json: Vec<Value> = days
        .iter()
        .map(|day| {
            let mut by_room = Map::new();
            for room in &rooms {
                let events: Vec<Value> =
                    schedule.sessions_on(day).filter(|s| &room_name(s) == room).map(|s| event_json(schedule, s, base_url)).collect();
                by_room.insert(room.clone(), Value::Array(events));
            }
            json!({
                "index": day.index,
                "date": day.date.format("%Y-%m-%d").to_string(),
                "day_start": offset_time(schedule, day.starts_at),
                "day_end": offset_time(schedule, day.ends_at),
                "rooms": by_room,
            })
        })
        .collect();
    let tracks: Vec<Value> = schedule
        .tracks
        .iter()
        .map(|t| {
            let mut track = json!({"name": t.name, "color": t.color});
            let slug = slugify(&t.name);
            if !slug.is_empty() {
                track["slug"] = json!(slug);
            }
            track
        })
        .collect();
    let rooms_json: Vec<Value> = rooms
        .iter()
        .map(|name| {
            let capacity = schedule.rooms.iter().find(|r| &r.name == name).and_then(|r| r.capacity);
            json!({"name": name, "guid": room_guid(schedule, name), "capacity": capacity})
        })
        .collect();
    let document = json!({
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": env!("CARGO_PKG_VERSION")},
        "schedule": {
            "version": event.revision.to_string(),
            "base_url": format!("{base_url}/"),
            "conference": {
                "acronym": acronym(&event.slug),
                "title": event.title,
                "start": days.first().map(|d| d.date.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                "end": days.last().map(|d| d.date.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                "daysCount": days.len(),
                "timeslot_duration": format!("{:02}:{:02}", slot / 60, slot % 60),
                "url": format!("{base_url}/events/{}", event.slug),
                "tracks": tracks,
                "rooms": rooms_json,
                "days": days_json,
            }
        }
    });
    let mut document = document;
    // The JSON schema's zone pattern wants `Area/Location` words; the field
    // is optional, so an unusual (but valid IANA) name is left out rather
    // than emitted invalid.
    if json_zone_name_fits(&event.time_zone) {
        document["schedule"]["conference"]["time_zone_name"] = json!(event.time_zone);
    }
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// `^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$`, as the JSON schema writes it.
fn json_zone_name_fits(name: &str) -> bool {
    fn word(text: &str) -> usize {
        let mut chars = text.chars();
        match chars.next() {
            Some(c) if c.is_ascii_uppercase() => 1 + chars.take_while(|c| c.is_ascii_lowercase()).count(),
            _ => 0,
        }
    }
    if name.ends_with("UTC") {
        return true;
    }
    let first = word(name);
    first >= 2 && name[first..].starts_with('/') && word(&name[first + 1..]) >= 2
}

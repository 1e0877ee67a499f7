//! Reading the c3voc `schedule.json` that pretalx, frab and the CCC publish
//! beside `schedule.xml`: `schedule.conference.days[].rooms{}`, each room
//! a list of events. Read as liberally as the XML: the `schedule` wrapper may
//! be missing, rooms may come as a list of `{name, events}`, numbers may
//! stand where strings belong, and persons may be names or objects.

use chrono_tz::Tz;
use serde_json::Value;

use super::{parse_clock_minutes, parse_date, Conference, FileDay, ImportReport, ParsedSchedule, RawSession, Reading};
use crate::error::{AppError, AppResult, FieldError};

fn refuse(reason: impl Into<String>) -> AppError {
    AppError::Validation(vec![FieldError::new("file", reason.into())])
}

/// A string field, or a number written where a string belongs; blank is none.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A track is a name, or an object with one.
fn name_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(fields) => text(fields.get("name")),
        other => text(Some(other)),
    }
}

/// A person is a name, or an object whose public name is one of the fields
/// different exporters use.
fn person_name(value: &Value) -> Option<String> {
    match value {
        Value::Object(fields) => ["public_name", "full_public_name", "name"].iter().find_map(|key| text(fields.get(*key))),
        other => text(Some(other)),
    }
}

/// A JSON duration is `hh:mm` like the XML's; a bare number is minutes.
fn duration(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Number(n) => n.as_i64().filter(|m| *m >= 0).map(|m| format!("{}:{:02}", m / 60, m % 60)),
        other => text(Some(other)),
    }
}

pub(super) fn read(json: &str, fallback_zone: Tz, report: &mut ImportReport) -> AppResult<ParsedSchedule> {
    // serde_json refuses nesting past 128 levels itself, so a deep file is a
    // refusal here, not a stack overflow.
    let document: Value =
        serde_json::from_str(json).map_err(|e| refuse(format!("line {}, column {}: this is not well-formed JSON ({e})", e.line(), e.column())))?;
    let schedule = document.get("schedule").unwrap_or(&document);
    let conference = schedule
        .get("conference")
        .filter(|c| c.is_object())
        .ok_or_else(|| refuse("expected a frab schedule.json: an object with schedule.conference, found neither"))?;
    let header = Conference {
        acronym: text(conference.get("acronym")),
        title: text(conference.get("title")),
        zone_name: text(conference.get("time_zone_name")),
        day_change: text(conference.get("day_change")).and_then(|t| parse_clock_minutes(&t)),
    };
    let mut reading = Reading::new(&header, fallback_zone, report);
    let tracks = conference
        .get("tracks")
        .and_then(Value::as_array)
        .map(|tracks| {
            tracks
                .iter()
                .filter_map(|t| Some((name_of(Some(t))?, t.get("color").and_then(|c| text(Some(c))))))
                .collect::<Vec<(String, Option<String>)>>()
        })
        .unwrap_or_default();

    let days_value = conference.get("days").or_else(|| schedule.get("days"));
    let Some(day_list) = days_value.and_then(Value::as_array) else {
        return Err(refuse("schedule.conference.days is missing or not a list"));
    };
    let mut sessions = Vec::new();
    let mut days = Vec::new();
    for (day_index, day) in day_list.iter().enumerate() {
        let day_date = text(day.get("date")).and_then(|d| parse_date(&d));
        if let Some(date) = day_date {
            days.push(FileDay { date, ends_at: text(day.get("day_end")).and_then(|t| reading.instant(&t)) });
        }
        // c3voc: an object of room name → events; some tools write a list of rooms.
        let rooms: Vec<(Option<String>, &Vec<Value>)> = match day.get("rooms") {
            Some(Value::Object(by_name)) => {
                by_name.iter().filter_map(|(name, events)| Some((Some(name.trim().to_owned()), events.as_array()?))).collect()
            }
            Some(Value::Array(list)) => {
                list.iter().filter_map(|room| Some((name_of(Some(room)), room.get("events").or_else(|| room.get("talks"))?.as_array()?))).collect()
            }
            _ => Vec::new(),
        };
        for (room_name, events) in rooms {
            for (event_index, item) in events.iter().enumerate() {
                let place = format!("days[{day_index}], room “{}”, event {}", room_name.as_deref().unwrap_or("?"), event_index + 1);
                if !item.is_object() {
                    return Err(refuse(format!("{place}: expected an object")));
                }
                let persons = item.get("persons").and_then(Value::as_array).map(|p| p.iter().filter_map(person_name).collect()).unwrap_or_default();
                let raw = RawSession {
                    title: text(item.get("title")),
                    date: text(item.get("date")),
                    start: text(item.get("start")),
                    filed_on: day_date,
                    duration: duration(item.get("duration")),
                    guid: text(item.get("guid")),
                    id: text(item.get("id")).or_else(|| text(item.get("code"))),
                    abstract_text: text(item.get("abstract")),
                    description: text(item.get("description")),
                    room: text(item.get("room")).or_else(|| room_name.clone()).filter(|r| !r.is_empty()),
                    track: name_of(item.get("track")),
                    language: text(item.get("language")),
                    persons,
                };
                sessions.push(reading.session(raw).map_err(|reason| refuse(format!("{place}: {reason}")))?);
            }
        }
    }
    Ok(reading.finish(header, tracks, sessions, days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_or_broken_json_is_refused_with_a_message() {
        let mut report = ImportReport::default();
        for bad in ["[".repeat(100_000), "{\"schedule\": ".to_owned(), "{}".to_owned(), "{\"conference\": {\"days\": 3}}".to_owned()] {
            match read(&bad, Tz::UTC, &mut report) {
                Err(AppError::Validation(errors)) => assert!(!errors[0].message.is_empty()),
                other => panic!("expected a refusal, got {other:?}"),
            }
        }
    }

    #[test]
    fn rooms_as_a_list_numbers_for_strings_and_person_objects_are_read() {
        let json = r#"{"conference": {"acronym": "x", "time_zone_name": "Europe/Berlin", "days": [{"index": 1, "date": "2027-12-27",
            "rooms": [{"name": "Saal 1", "events": [{"id": 12, "guid": 99, "title": "T", "start": "23:30", "duration": 45,
            "track": {"name": "Ethics"}, "persons": ["Ada", {"public_name": "Grace"}]}]}]}]}}"#;
        let mut report = ImportReport::default();
        let parsed = read(json, Tz::UTC, &mut report).unwrap();
        let session = &parsed.sessions[0];
        assert_eq!((session.guid.as_str(), session.room.as_deref(), session.track.as_deref()), ("99", Some("Saal 1"), Some("Ethics")));
        assert_eq!(session.starts_at.to_rfc3339(), "2027-12-27T22:30:00+00:00");
        assert_eq!((session.ends_at - session.starts_at).num_minutes(), 45);
        assert_eq!(session.persons, ["Ada", "Grace"]);
    }
}

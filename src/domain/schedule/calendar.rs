//! RFC 5545 calendar files: one session, a whole schedule, a personal
//! agenda feed, a weekly chat series. Components are built with the `ical`
//! crate's generator; two things it does not do are done here: TEXT values
//! are escaped before they go in, and its output is folded again at 75
//! octets (it folds at 75 characters, which splits lines longer than the
//! RFC allows whenever a line holds non-ASCII text).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};
use ical::generator::{Emitter, IcalCalendar, IcalEvent, Property};
use ical::parser::ical::component::{IcalTimeZone, IcalTimeZoneTransition, IcalTimeZoneTransitionType};

use crate::db::entities::chat_occurrence::OccurrenceStatus;
use crate::db::entities::event;
use crate::db::entities::event::EventKind;
use crate::db::entities::session::SessionStatus;
use crate::domain::chats::Occurrence;
use crate::domain::schedule::ScheduledSession;

pub const PRODID: &str = "-//Tribe//Tribe Calendar 1.0//EN";

fn property(name: &str, value: impl Into<String>) -> Property {
    Property { name: name.to_owned(), params: None, value: Some(value.into()) }
}

fn property_with(name: &str, params: &[(&str, &str)], value: impl Into<String>) -> Property {
    Property {
        name: name.to_owned(),
        params: Some(params.iter().map(|(k, v)| ((*k).to_owned(), vec![(*v).to_owned()])).collect()),
        value: Some(value.into()),
    }
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    for c in normalized.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // Other control characters cannot appear in TEXT.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// The reverse, for tests and for reading what we wrote.
pub fn unescape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Folds content lines at 75 octets, never inside a UTF-8 character
/// (RFC 5545 §3.1), with CRLF line ends.
pub fn fold(unfolded: &str) -> String {
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 70 * 3);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let mut budget = 75;
        let mut used = 0;
        for c in line.chars() {
            let width = c.len_utf8();
            if used + width > budget {
                out.push_str("\r\n ");
                // The leading space counts towards the next line's 75 octets.
                budget = 74;
                used = 0;
            }
            out.push(c);
            used += width;
        }
        out.push_str("\r\n");
    }
    out
}

/// The crate's output unfolded, then folded by octets.
fn emit(calendar: &IcalCalendar) -> String {
    fold(&calendar.generate().replace("\r\n ", ""))
}

fn local_stamp(instant: DateTime<Utc>, zone: Tz) -> String {
    instant.with_timezone(&zone).format("%Y%m%dT%H%M%S").to_string()
}

fn utc_stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.abs();
    format!("{sign}{:02}{:02}", seconds / 3600, (seconds % 3600) / 60)
}

/// The zone's UTC offset changes between two instants (found by scanning
/// days and then narrowing to the second), so that VTIMEZONE can list them.
fn transitions(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let offset_at = |t: DateTime<Utc>| zone.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc();
    let mut found = Vec::new();
    let mut day = from;
    while day < to {
        let next = day + Duration::days(1);
        if offset_at(day) != offset_at(next) {
            // Whole seconds: transitions happen on them.
            let (mut low, mut high) = (day.timestamp(), next.timestamp());
            let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or(day);
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                if offset_at(at(middle)) == offset_at(at(low)) {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            found.push(at(high));
        }
        day = next;
    }
    found
}

/// A VTIMEZONE with every transition between `from` and `to` (each its own
/// STANDARD or DAYLIGHT block), so every DTSTART in the file resolves the
/// same way in any reader.
pub fn vtimezone(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> IcalTimeZone {
    let mut timezone = IcalTimeZone::new();
    timezone.properties.push(property("TZID", zone.name()));
    let first = Utc.with_ymd_and_hms(from.year() - 1, 1, 1, 0, 0, 0).single().unwrap_or(from);
    let last = Utc.with_ymd_and_hms(to.year() + 1, 12, 31, 0, 0, 0).single().unwrap_or(to);
    let block = |at: DateTime<Utc>, before: chrono_tz::TzOffset, after: chrono_tz::TzOffset| {
        let kind = if after.dst_offset().num_seconds() != 0 { IcalTimeZoneTransitionType::DAYLIGHT } else { IcalTimeZoneTransitionType::STANDARD };
        let mut transition = IcalTimeZoneTransition::new(kind);
        let before_seconds = before.fix().local_minus_utc();
        // DTSTART is the onset in the local time that was in force before it.
        let onset: NaiveDateTime = at.naive_utc() + Duration::seconds(i64::from(before_seconds));
        transition.properties.push(property("DTSTART", onset.format("%Y%m%dT%H%M%S").to_string()));
        transition.properties.push(property("TZOFFSETFROM", offset_text(before_seconds)));
        transition.properties.push(property("TZOFFSETTO", offset_text(after.fix().local_minus_utc())));
        let abbreviation = at.with_timezone(&zone).format("%Z").to_string();
        if abbreviation.chars().all(|c| c.is_ascii_alphabetic()) {
            transition.properties.push(property("TZNAME", abbreviation));
        }
        transition
    };
    let changes = transitions(zone, first, last);
    let offset = |t: DateTime<Utc>| zone.offset_from_utc_datetime(&t.naive_utc());
    if changes.is_empty() {
        // A zone without changes in the range: one block that always applies.
        let fixed = offset(first);
        let mut transition = block(first, fixed, fixed);
        transition.properties[0] = property("DTSTART", "19700101T000000");
        timezone.transitions.push(transition);
    } else {
        // The offset in force before the first change, from the start of the range.
        let mut initial = block(changes[0] - Duration::days(1), offset(changes[0] - Duration::seconds(1)), offset(changes[0] - Duration::seconds(1)));
        initial.properties[0] = property("DTSTART", "19700101T000000");
        timezone.transitions.push(initial);
        for at in changes {
            timezone.transitions.push(block(at, offset(at - Duration::seconds(1)), offset(at)));
        }
    }
    timezone
}

/// What every calendar file starts with.
fn calendar(name: &str) -> IcalCalendar {
    let mut cal = IcalCalendar::new();
    cal.properties.push(property("PRODID", PRODID));
    cal.properties.push(property("VERSION", "2.0"));
    cal.properties.push(property("CALSCALE", "GREGORIAN"));
    cal.properties.push(property("METHOD", "PUBLISH"));
    cal.properties.push(property("X-WR-CALNAME", escape_text(name)));
    cal
}

/// The UID of a session: the same in every file, before and after edits.
pub fn session_uid(event: &event::Model, guid: &str) -> String {
    format!("session-{}-{}@tribe", event.id, guid.replace(|c: char| !(c.is_ascii_alphanumeric() || c == '-'), "_"))
}

pub fn chat_uid(event: &event::Model) -> String {
    format!("chat-{}@tribe", event.id)
}

fn session_event(event: &event::Model, zone: Tz, s: &ScheduledSession, base_url: &str) -> IcalEvent {
    let mut vevent = IcalEvent::new();
    let url = crate::domain::schedule::frab::export::session_url(base_url, &event.slug, s.session.id);
    let p = &mut vevent.properties;
    p.push(property("UID", session_uid(event, &s.session.guid)));
    p.push(property("DTSTAMP", utc_stamp(s.session.updated_at)));
    p.push(property("LAST-MODIFIED", utc_stamp(s.session.updated_at)));
    p.push(property_with("DTSTART", &[("TZID", zone.name())], local_stamp(s.session.starts_at, zone)));
    p.push(property_with("DTEND", &[("TZID", zone.name())], local_stamp(s.session.ends_at, zone)));
    p.push(property("SUMMARY", escape_text(&s.session.title)));
    let mut description = String::new();
    if !s.speakers.is_empty() {
        description.push_str(&format!("With {}\n\n", s.speakers.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")));
    }
    description.push_str(&s.session.r#abstract);
    description.push_str(&format!("\n\n{}: {url}", event.title));
    p.push(property("DESCRIPTION", escape_text(description.trim())));
    let location = match (&s.room, &event.venue_name) {
        (Some(room), Some(venue)) => format!("{}, {venue}", room.name),
        (Some(room), None) => room.name.clone(),
        (None, Some(venue)) => venue.clone(),
        (None, None) => event.title.clone(),
    };
    p.push(property("LOCATION", escape_text(&location)));
    p.push(property("URL", url));
    p.push(property("SEQUENCE", s.session.revision.to_string()));
    let status = if s.status() == SessionStatus::Cancelled { "CANCELLED" } else { "CONFIRMED" };
    p.push(property("STATUS", status));
    if let Some(track) = &s.track {
        p.push(property("CATEGORIES", escape_text(&track.name)));
    }
    vevent
}

/// Sessions (of one or several events) as one calendar.
pub fn sessions_calendar(name: &str, sessions: &[(&event::Model, &ScheduledSession)], base_url: &str) -> String {
    let mut cal = calendar(name);
    let mut zones: BTreeSet<String> = BTreeSet::new();
    let (mut earliest, mut latest) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
    for (event, s) in sessions {
        let zone = crate::domain::events::zone_of(event);
        zones.insert(zone.name().to_owned());
        earliest = Some(earliest.map_or(s.session.starts_at, |e| e.min(s.session.starts_at)));
        latest = Some(latest.map_or(s.session.ends_at, |l| l.max(s.session.ends_at)));
        cal.events.push(session_event(event, zone, s, base_url));
    }
    let (from, to) = (earliest.unwrap_or_else(Utc::now), latest.unwrap_or_else(Utc::now));
    for name in zones {
        if let Ok(zone) = name.parse::<Tz>() {
            cal.timezones.push(vtimezone(zone, from, to));
        }
    }
    emit(&cal)
}

fn topics_text(occurrence: &Occurrence) -> String {
    occurrence
        .public_topics()
        .iter()
        .map(|t| if t.question.is_empty() { format!("{}: {}", t.label, t.title) } else { format!("{}: {} — {}", t.label, t.title, t.question) })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A weekly chat: one VEVENT with the RRULE, EXDATE for skipped weeks, and
/// an override (RECURRENCE-ID) for each week that was moved or has topics.
pub fn chat_events(event: &event::Model, occurrences: &[Occurrence], base_url: &str) -> Vec<IcalEvent> {
    let zone = crate::domain::events::zone_of(event);
    let Some(first) = occurrences.first() else { return Vec::new() };
    let last = occurrences.last().map(|o| o.scheduled_start).unwrap_or(first.scheduled_start);
    let url = format!("{base_url}/events/{}", event.slug);
    let uid = chat_uid(event);
    let minutes = i64::from(event.recurrence_minutes.unwrap_or(60));
    let mut master = IcalEvent::new();
    let p = &mut master.properties;
    p.push(property("UID", uid.clone()));
    p.push(property("DTSTAMP", utc_stamp(event.updated_at)));
    p.push(property_with("DTSTART", &[("TZID", zone.name())], local_stamp(first.scheduled_start, zone)));
    p.push(property_with("DTEND", &[("TZID", zone.name())], local_stamp(first.scheduled_start + Duration::minutes(minutes), zone)));
    let rule = portable_rule(event.recurrence_rule.as_deref().unwrap_or("FREQ=WEEKLY"), first.scheduled_start.with_timezone(&zone).weekday());
    p.push(property("RRULE", format!("{rule};UNTIL={}", utc_stamp(last))));
    let skipped: Vec<String> =
        occurrences.iter().filter(|o| o.status == OccurrenceStatus::Skipped).map(|o| local_stamp(o.scheduled_start, zone)).collect();
    if !skipped.is_empty() {
        p.push(property_with("EXDATE", &[("TZID", zone.name())], skipped.join(",")));
    }
    p.push(property("SUMMARY", escape_text(&format!("{}{}", event.title, event.hashtag.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()))));
    p.push(property("DESCRIPTION", escape_text(&format!("{}\n\n{url}", event.description))));
    p.push(property("LOCATION", escape_text(event.online_url.as_deref().unwrap_or(&url))));
    p.push(property("URL", url.clone()));
    p.push(property("SEQUENCE", event.revision.to_string()));
    p.push(property("STATUS", "CONFIRMED"));
    let mut events = vec![master];
    for occurrence in
        occurrences.iter().filter(|o| o.status != OccurrenceStatus::Skipped && (o.status == OccurrenceStatus::Moved || !o.public_topics().is_empty()))
    {
        let mut single = IcalEvent::new();
        let p = &mut single.properties;
        p.push(property("UID", uid.clone()));
        p.push(property("DTSTAMP", utc_stamp(event.updated_at)));
        p.push(property_with("RECURRENCE-ID", &[("TZID", zone.name())], local_stamp(occurrence.scheduled_start, zone)));
        p.push(property_with("DTSTART", &[("TZID", zone.name())], local_stamp(occurrence.starts_at, zone)));
        p.push(property_with("DTEND", &[("TZID", zone.name())], local_stamp(occurrence.ends_at, zone)));
        p.push(property("SUMMARY", escape_text(&event.title)));
        let topics = topics_text(occurrence);
        let text = if topics.is_empty() { url.clone() } else { format!("Topics:\n{topics}\n\n{url}") };
        p.push(property("DESCRIPTION", escape_text(&text)));
        p.push(property("LOCATION", escape_text(event.online_url.as_deref().unwrap_or(&url))));
        p.push(property("URL", url.clone()));
        p.push(property("SEQUENCE", (event.revision + occurrence.revision).to_string()));
        p.push(property("STATUS", "CONFIRMED"));
        events.push(single);
    }
    events
}

/// The rule as every client reads it. `FREQ=WEEKLY;BYDAY=TU` with a Tuesday
/// start means the same as `FREQ=WEEKLY` (RFC 5545 takes the weekday from
/// DTSTART), but calcurse compares BYDAY with the start in the reader's own
/// zone, where a 20:30 New York Tuesday is already Wednesday, and refuses the
/// whole series ("rrule does not match start day"). A single BYDAY that is
/// the start's own weekday is therefore left out; any other rule is kept.
fn portable_rule(rule: &str, first_weekday: chrono::Weekday) -> String {
    let own_day = &first_weekday.to_string()[..2].to_uppercase();
    let parts: Vec<&str> = rule.split(';').filter(|part| part.strip_prefix("BYDAY=") != Some(own_day.as_str())).collect();
    parts.join(";")
}

/// A personal feed or a chat's own file: sessions and chat series together.
pub fn feed_calendar(
    name: &str,
    sessions: &[(&event::Model, &ScheduledSession)],
    chats: &[(&event::Model, Vec<Occurrence>)],
    base_url: &str,
) -> String {
    let mut cal = calendar(name);
    let mut zones: BTreeSet<String> = BTreeSet::new();
    let (mut earliest, mut latest) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
    let mut widen = |from: DateTime<Utc>, to: DateTime<Utc>| {
        earliest = Some(earliest.map_or(from, |e: DateTime<Utc>| e.min(from)));
        latest = Some(latest.map_or(to, |l: DateTime<Utc>| l.max(to)));
    };
    for (event, s) in sessions {
        zones.insert(event.time_zone.clone());
        widen(s.session.starts_at, s.session.ends_at);
        cal.events.push(session_event(event, crate::domain::events::zone_of(event), s, base_url));
    }
    for (event, occurrences) in chats {
        if let (Some(first), Some(last)) = (occurrences.first(), occurrences.last()) {
            zones.insert(event.time_zone.clone());
            widen(first.scheduled_start.min(first.starts_at), last.ends_at.max(last.scheduled_start));
            cal.events.extend(chat_events(event, occurrences, base_url));
        }
    }
    let (from, to) = (earliest.unwrap_or_else(Utc::now), latest.unwrap_or_else(Utc::now));
    for name in zones {
        if let Ok(zone) = name.parse::<Tz>() {
            cal.timezones.push(vtimezone(zone, from, to));
        }
    }
    emit(&cal)
}

/// The event itself as one calendar entry (a weekly chat: its series), for
/// confirmation emails.
pub fn event_calendar(event: &event::Model, occurrences: &[Occurrence], base_url: &str) -> String {
    if event.kind == EventKind::OnlineChat {
        return feed_calendar(&event.title, &[], &[(event, occurrences.to_vec())], base_url);
    }
    let url = format!("{base_url}/events/{}", event.slug);
    let location = [event.venue_name.clone(), event.venue_address.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    one_event(&OneEvent {
        zone: crate::domain::events::zone_of(event),
        uid: format!("event-{}@tribe", event.id),
        stamp: event.updated_at,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        summary: &event.title,
        description: &event.description,
        location: if location.is_empty() { url.clone() } else { location },
        url,
        sequence: event.revision,
    })
}

/// The parts of a calendar file with a single timed VEVENT.
struct OneEvent<'a> {
    zone: Tz,
    uid: String,
    stamp: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    /// Also the calendar's name.
    summary: &'a str,
    /// The URL is added after it.
    description: &'a str,
    location: String,
    url: String,
    sequence: i32,
}

fn one_event(e: &OneEvent<'_>) -> String {
    let mut cal = calendar(e.summary);
    let mut vevent = IcalEvent::new();
    let p = &mut vevent.properties;
    p.push(property("UID", e.uid.clone()));
    p.push(property("DTSTAMP", utc_stamp(e.stamp)));
    p.push(property_with("DTSTART", &[("TZID", e.zone.name())], local_stamp(e.starts_at, e.zone)));
    p.push(property_with("DTEND", &[("TZID", e.zone.name())], local_stamp(e.ends_at, e.zone)));
    p.push(property("SUMMARY", escape_text(e.summary)));
    p.push(property("DESCRIPTION", escape_text(&format!("{}\n\n{}", e.description, e.url))));
    p.push(property("LOCATION", escape_text(&e.location)));
    p.push(property("URL", e.url.clone()));
    p.push(property("SEQUENCE", e.sequence.to_string()));
    p.push(property("STATUS", "CONFIRMED"));
    cal.events.push(vevent);
    cal.timezones.push(vtimezone(e.zone, e.starts_at, e.ends_at));
    emit(&cal)
}

/// A tribe's meetup, as a member's calendar sees it.
pub struct Meetup<'a> {
    pub event: &'a event::Model,
    pub tribe_id: i32,
    pub summary: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Raised whenever the slot changes, so calendars replace the old time.
    pub sequence: i32,
    pub updated_at: DateTime<Utc>,
}

/// One tribe meetup: UID stable for the tribe, whatever slot it moves to.
pub fn meetup_calendar(meetup: &Meetup<'_>, base_url: &str) -> String {
    one_event(&OneEvent {
        zone: crate::domain::events::zone_of(meetup.event),
        uid: format!("tribe-{}-{}@tribe", meetup.event.id, meetup.tribe_id),
        stamp: meetup.updated_at,
        starts_at: meetup.starts_at,
        ends_at: meetup.ends_at,
        summary: &meetup.summary,
        description: &meetup.description,
        location: meetup.place.clone(),
        url: format!("{base_url}/events/{}/tribe", meetup.event.slug),
        sequence: meetup.sequence,
    })
}

/// A file name for Content-Disposition: ASCII, no quotes.
pub fn file_name(stem: &str) -> String {
    let slug = crate::domain::input::slugify(stem);
    format!("{}.ics", if slug.is_empty() { "calendar" } else { &slug })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekly_rule_drops_only_the_start_days_own_byday() {
        use chrono::Weekday;
        assert_eq!(portable_rule("FREQ=WEEKLY;BYDAY=TU", Weekday::Tue), "FREQ=WEEKLY");
        assert_eq!(portable_rule("FREQ=WEEKLY;BYDAY=TU", Weekday::Wed), "FREQ=WEEKLY;BYDAY=TU");
        assert_eq!(portable_rule("FREQ=WEEKLY;BYDAY=TU,TH", Weekday::Tue), "FREQ=WEEKLY;BYDAY=TU,TH");
        assert_eq!(portable_rule("FREQ=WEEKLY", Weekday::Sun), "FREQ=WEEKLY");
    }

    #[test]
    fn folding_counts_octets_and_never_splits_a_character() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&(line.clone() + "\r\n"));
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
    }

    #[test]
    fn text_escaping_round_trips() {
        let text = "a;b,c\\d\nnew line";
        assert_eq!(escape_text(text), "a\\;b\\,c\\\\d\\nnew line");
        assert_eq!(unescape_text(&escape_text(text)), text);
    }

    fn sample_event() -> event::Model {
        let at = Utc.with_ymd_and_hms(2027, 3, 13, 14, 0, 0).unwrap();
        event::Model {
            id: 1,
            slug: "prop".into(),
            title: "Prop, test; event".into(),
            description: String::new(),
            kind: EventKind::Conference,
            time_zone: "America/New_York".into(),
            starts_at: at,
            ends_at: at + Duration::days(2),
            venue_name: Some("Hall \\ One".into()),
            venue_address: None,
            venue_map_url: None,
            online_url: None,
            hashtag: None,
            capacity: None,
            is_published: true,
            recurrence_rule: None,
            recurrence_local_time: None,
            recurrence_minutes: None,
            host_name: None,
            revision: 1,
            created_at: at,
            updated_at: at,
            seats_taken: 0,
            cancel_until: None,
            tribe_size: 6,
            chat_opening_message: String::new(),
            chat_message_limit: 500,
            chat_opens_minutes_before: 15,
            page_revision: 0,
            people_revision: 0,
            day_change_minutes: 0,
        }
    }

    fn sample_session(title: &str, text: &str) -> ScheduledSession {
        let at = Utc.with_ymd_and_hms(2027, 3, 13, 15, 0, 0).unwrap();
        ScheduledSession {
            session: crate::db::entities::session::Model {
                id: 7,
                event_id: 1,
                guid: "6c4f1a52-8a85-4f4b-9d57-2d6b1a2d3e4f".into(),
                title: title.into(),
                r#abstract: text.into(),
                track_id: None,
                room_id: None,
                starts_at: at,
                ends_at: at + Duration::hours(1),
                capacity: None,
                status: SessionStatus::Published,
                language: "en".into(),
                tags: String::new(),
                revision: 4,
                created_at: at,
                updated_at: at,
                seats_taken: 0,
            },
            room: None,
            track: None,
            speakers: Vec::new(),
        }
    }

    /// A property's value read back from the file: unfolded, split at the
    /// first colon, unescaped. (The `ical` crate's own parser cannot serve
    /// here: it drops a value's leading colons and the space after an
    /// escaped semicolon. Python's icalendar reads the same strings in the
    /// integration tests.)
    fn parsed_property(ics: &str, name: &str) -> String {
        let unfolded = ics.replace("\r\n ", "");
        let raw = unfolded.split("\r\n").find_map(|l| l.strip_prefix(&format!("{name}:"))).unwrap_or_default();
        unescape_text(raw)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Any Unicode title and description (emoji, combining marks, long
        /// lines, `;,\` and newlines) survives generate → parse unchanged,
        /// in lines of at most 75 octets.
        #[test]
        fn any_text_survives_a_round_trip(
            title in "[\\PC;,\\\\\u{1F600}-\u{1F64F}\u{0300}-\u{036F}]{1,200}",
            text in "(\\PC|[\n;,\\\\]){0,400}",
        ) {
            let event = sample_event();
            let session = sample_session(&title, &text);
            let ics = sessions_calendar("prop", &[(&event, &session)], "https://tribe.example");
            for line in ics.split("\r\n").filter(|l| !l.is_empty()) {
                proptest::prop_assert!(line.len() <= 75, "{} octets", line.len());
            }
            proptest::prop_assert_eq!(parsed_property(&ics, "SUMMARY"), title.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect::<String>());
            let description = parsed_property(&ics, "DESCRIPTION");
            let expected: String = text.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
            proptest::prop_assert!(description.contains(expected.trim()), "{:?} not in {:?}", expected, description);
        }
    }

    #[test]
    fn new_york_has_two_transitions_a_year() {
        let zone = chrono_tz::America::New_York;
        let from = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 12, 31, 0, 0, 0).unwrap();
        let found = transitions(zone, from, to);
        assert_eq!(found.iter().map(|t| t.to_rfc3339()).collect::<Vec<_>>(), ["2027-03-14T07:00:00+00:00", "2027-11-07T06:00:00+00:00"]);
    }
}

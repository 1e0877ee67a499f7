//! Showing an instant the one way Tribe does everywhere: the viewer's own day
//! and time first, the event's zone second when its clock reads differently
//! ("Wed 2 Dec, 02:30 your time (Berlin) · Tue 20:30 New York"); a range ends
//! in the zone it starts in ("09:00–09:45"). Also: which zone a viewer sees,
//! zones by city for the pickers, and reading a wall-clock time in a zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// The UTC instant of a wall-clock time in a zone. Ambiguous times (the hour
/// repeated when clocks go back) take the first; times skipped when clocks go
/// forward move on by the gap, as calendar applications do.
pub fn local_to_utc(zone: Tz, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    use chrono::TimeZone;
    match zone.from_local_datetime(&local).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            let later = local + chrono::Duration::hours(1);
            zone.from_local_datetime(&later).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| Utc.from_utc_datetime(&local))
        }
    }
}

/// Where the zone a viewer sees times in came from; pages say it beside the
/// times so nobody has to guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneSource {
    /// The zone in their profile (logged in).
    Profile,
    /// The zone they picked on the time-zone page (a cookie, not logged in).
    Chosen,
    /// Nothing known about the viewer: the event's own zone (the page's script
    /// switches to the browser's zone when it differs).
    Event,
}

/// The zone a viewer reads times in, and the event's zone they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zones {
    pub event: Tz,
    pub viewer: Tz,
    pub source: ZoneSource,
}

impl Zones {
    /// Times in the event's zone only (emails, organizer-only screens about
    /// one place).
    pub fn of_event(event: Tz) -> Zones {
        Zones { event, viewer: event, source: ZoneSource::Event }
    }

    /// The viewer's own zone when known, otherwise the event's.
    pub fn for_viewer(event: Tz, viewer: Option<(Tz, ZoneSource)>) -> Zones {
        match viewer {
            Some((zone, source)) => Zones { event, viewer: zone, source },
            None => Zones::of_event(event),
        }
    }

    /// Whether the two zones read differently at this instant (Detroit and
    /// New York never do; Berlin and New York always).
    fn differ_at(&self, instant: DateTime<Utc>) -> bool {
        self.viewer != self.event && instant.with_timezone(&self.viewer).naive_local() != instant.with_timezone(&self.event).naive_local()
    }
}

/// A zone's name as people say it: its city ("New York", "Buenos Aires"),
/// or the id itself for zones without one ("UTC", "Etc/GMT+5").
pub fn city(zone: Tz) -> String {
    let name = zone.name();
    match city_area(zone) {
        Some(_) => name.rsplit('/').next().unwrap_or(name).replace('_', " "),
        None => name.to_owned(),
    }
}

/// The IANA areas whose zones are named after a city (or island).
const CITY_AREAS: [&str; 9] = ["Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"];

/// The area of a zone named after a city ("Europe" for Europe/Berlin);
/// `None` for "UTC", "Etc/GMT+5" and the old aliases like "US/Eastern".
fn city_area(zone: Tz) -> Option<&'static str> {
    zone.name().split_once('/').map(|(area, _)| area).filter(|area| CITY_AREAS.contains(area))
}

/// One zone in a picker: its id, and what people search for.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneOption {
    pub id: &'static str,
    /// "Berlin (Europe)", "Kathmandu (Asia)", "UTC".
    pub label: String,
}

/// Every zone of the IANA database named by a place, by city, then UTC (the
/// old aliases like "US/Eastern" are left out of the list but still read).
pub fn zone_options() -> Vec<ZoneOption> {
    let mut options: Vec<ZoneOption> = chrono_tz::TZ_VARIANTS
        .iter()
        .filter_map(|z| city_area(*z).map(|area| ZoneOption { id: z.name(), label: format!("{} ({area})", city(*z)) }))
        .collect();
    options.sort_by(|a, b| a.label.cmp(&b.label));
    options.push(ZoneOption { id: "UTC", label: "UTC".to_owned() });
    options
}

/// How a picker shows a stored or typed zone: "New York (America)" for a
/// zone it knows, what was typed otherwise (so a refused value comes back).
pub fn zone_label(text: &str) -> String {
    match parse_zone(text) {
        Some(zone) => match city_area(zone) {
            Some(area) => format!("{} ({area})", city(zone)),
            None => zone.name().to_owned(),
        },
        None => text.to_owned(),
    }
}

/// Reads a zone as people type it: an IANA id in any case ("europe/berlin"),
/// a city ("Kathmandu", "new york", "Buenos_Aires"), or a picker label
/// ("Berlin (Europe)"). `None` when nothing matches.
pub fn parse_zone(text: &str) -> Option<Tz> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(zone) = text.parse::<Tz>() {
        return Some(zone);
    }
    let wanted = text.split(" (").next().unwrap_or(text).trim().to_lowercase().replace('_', " ");
    chrono_tz::TZ_VARIANTS
        .iter()
        .find(|z| z.name().eq_ignore_ascii_case(text))
        .or_else(|| chrono_tz::TZ_VARIANTS.iter().filter(|z| city_area(**z).is_some()).find(|z| city(**z).to_lowercase() == wanted))
        .copied()
}

/// An instant or a range, as every page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct When {
    /// RFC 3339 in UTC, for `<time datetime>` and the page's script.
    pub iso: String,
    /// The end of a range, RFC 3339 in UTC.
    pub end_iso: Option<String>,
    /// The event's zone id, for the page's script.
    pub event_zone: String,
    /// In the viewer's zone: "Wed 2 Dec, 02:30" or "Wed 2 Dec, 02:30–03:15".
    pub text: String,
    /// Whose clock `text` is: "your time (Berlin)", or "New York time" when
    /// the viewer reads the event's zone.
    pub zone_label: String,
    /// The event's clock when it reads differently: "Tue 20:30–21:15 New
    /// York" (the day only when it is not the viewer's day).
    pub event_text: Option<String>,
}

impl When {
    /// The whole line as plain text (emails, titles, exports for people).
    pub fn line(&self) -> String {
        match &self.event_text {
            Some(event) => format!("{} {} · {}", self.text, self.zone_label, event),
            None => format!("{} {}", self.text, self.zone_label),
        }
    }
}

/// "Wed 2 Dec"
fn day(at: &DateTime<Tz>) -> String {
    at.format("%a %-d %b").to_string()
}

/// "09:00", or "09:00–09:45", or "23:30–Thu 00:30" across midnight.
fn clock_range(start: &DateTime<Tz>, end: Option<&DateTime<Tz>>) -> String {
    let from = start.format("%H:%M").to_string();
    match end {
        None => from,
        Some(end) if end.date_naive() == start.date_naive() => format!("{from}–{}", end.format("%H:%M")),
        Some(end) => format!("{from}–{}", end.format("%a %H:%M")),
    }
}

pub fn show(instant: DateTime<Utc>, zones: Zones) -> When {
    show_range(instant, None, zones)
}

pub fn range(start: DateTime<Utc>, end: DateTime<Utc>, zones: Zones) -> When {
    show_range(start, Some(end), zones)
}

fn show_range(start: DateTime<Utc>, end: Option<DateTime<Utc>>, zones: Zones) -> When {
    let theirs = start.with_timezone(&zones.viewer);
    let theirs_end = end.map(|e| e.with_timezone(&zones.viewer));
    let text = format!("{}, {}", day(&theirs), clock_range(&theirs, theirs_end.as_ref()));
    let differ = zones.differ_at(start);
    let zone_label = match zones.source {
        ZoneSource::Event => format!("{} time", city(zones.event)),
        _ if !differ => format!("{} time", city(zones.event)),
        _ => format!("your time ({})", city(zones.viewer)),
    };
    let event_text = differ.then(|| {
        let local = start.with_timezone(&zones.event);
        let local_end = end.map(|e| e.with_timezone(&zones.event));
        let weekday = if local.date_naive() == theirs.date_naive() { String::new() } else { local.format("%a ").to_string() };
        format!("{weekday}{} {}", clock_range(&local, local_end.as_ref()), city(zones.event))
    });
    When { iso: start.to_rfc3339(), end_iso: end.map(|e| e.to_rfc3339()), event_zone: zones.event.name().to_owned(), text, zone_label, event_text }
}

/// A chat message's time: the clock alone when it is on `today` in the
/// viewer's zone, with the day before it otherwise.
pub fn clock(instant: DateTime<Utc>, viewer: Tz, today: NaiveDate) -> String {
    let theirs = instant.with_timezone(&viewer);
    if theirs.date_naive() == today {
        theirs.format("%H:%M").to_string()
    } else {
        format!("{}, {}", day(&theirs), theirs.format("%H:%M"))
    }
}

/// A moment on one place's clock, named: "08:41 New York time", with the
/// day when it is not today there (check-ins for the team at the door, a
/// person's own sign-ins in their zone).
pub fn moment(instant: DateTime<Utc>, zone: Tz) -> String {
    let today = crate::domain::now().with_timezone(&zone).date_naive();
    format!("{} {} time", clock(instant, zone, today), city(zone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Tokyo;
    use chrono_tz::Europe::Berlin;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_viewers_day_and_time_come_first_and_the_events_clock_second() {
        // Tuesday 1 December 20:30 in New York is Wednesday 02:30 in Berlin.
        let shown = show(at("2026-12-02T01:30:00Z"), Zones::for_viewer(New_York, Some((Berlin, ZoneSource::Profile))));
        assert_eq!(shown.line(), "Wed 2 Dec, 02:30 your time (Berlin) · Tue 20:30 New York");
        let tokyo = show(at("2026-12-02T01:30:00Z"), Zones::for_viewer(New_York, Some((Tokyo, ZoneSource::Chosen))));
        assert_eq!(tokyo.line(), "Wed 2 Dec, 10:30 your time (Tokyo) · Tue 20:30 New York");
    }

    #[test]
    fn pickers_show_a_zone_by_its_city_and_read_it_back() {
        assert_eq!(zone_label("America/New_York"), "New York (America)");
        assert_eq!(parse_zone(&zone_label("America/New_York")), Some(chrono_tz::America::New_York));
        assert_eq!(zone_label("UTC"), "UTC");
        assert_eq!(zone_label("Atlantis"), "Atlantis", "a refused value comes back as typed");
        assert_eq!(zone_label(""), "");
    }

    #[test]
    fn a_range_ends_in_the_zone_it_starts_in() {
        let zones = Zones::for_viewer(New_York, Some((Berlin, ZoneSource::Profile)));
        let shown = range(at("2026-12-01T14:00:00Z"), at("2026-12-01T15:00:00Z"), zones);
        assert_eq!(shown.text, "Tue 1 Dec, 15:00–16:00");
        assert_eq!(shown.event_text.as_deref(), Some("09:00–10:00 New York"));
        // Across the viewer's midnight the end names its day.
        let late = range(at("2026-12-01T22:30:00Z"), at("2026-12-01T23:30:00Z"), zones);
        assert_eq!(late.text, "Tue 1 Dec, 23:30–Wed 00:30");
        assert_eq!(late.event_text.as_deref(), Some("17:30–18:30 New York"));
    }

    #[test]
    fn one_zone_is_named_once() {
        let instant = at("2026-12-02T01:30:00Z");
        assert_eq!(show(instant, Zones::of_event(New_York)).line(), "Tue 1 Dec, 20:30 New York time");
        // Detroit reads like New York: no second clock, and no "your time" that would suggest one.
        let detroit = show(instant, Zones::for_viewer(New_York, Some((chrono_tz::America::Detroit, ZoneSource::Profile))));
        assert_eq!(detroit.line(), "Tue 1 Dec, 20:30 New York time");
    }

    #[test]
    fn zones_are_found_by_city_and_listed_from_the_whole_database() {
        assert_eq!(parse_zone("Kathmandu"), Some(chrono_tz::Asia::Kathmandu));
        assert_eq!(parse_zone("new york"), Some(New_York));
        assert_eq!(parse_zone("europe/brussels"), Some(chrono_tz::Europe::Brussels));
        assert_eq!(parse_zone("Adelaide (Australia)"), Some(chrono_tz::Australia::Adelaide));
        assert_eq!(parse_zone("Buenos Aires"), Some(chrono_tz::America::Argentina::Buenos_Aires));
        assert_eq!(parse_zone("US/Eastern"), Some(chrono_tz::US::Eastern));
        assert_eq!(parse_zone("Mars/Olympus"), None);
        assert_eq!(parse_zone(""), None);
        let options = zone_options();
        for wanted in ["Brussels (Europe)", "Kathmandu (Asia)", "Adelaide (Australia)", "UTC"] {
            assert!(options.iter().any(|o| o.label == wanted), "{wanted} is missing");
        }
        assert!(options.len() > 300, "{} zones", options.len());
        assert!(!options.iter().any(|o| o.id == "US/Eastern"));
    }

    #[test]
    fn a_chat_clock_names_the_day_only_when_it_is_not_today() {
        let instant = at("2026-12-02T01:31:00Z");
        assert_eq!(clock(instant, New_York, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()), "20:31");
        assert_eq!(clock(instant, New_York, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()), "Tue 1 Dec, 20:31");
    }
}

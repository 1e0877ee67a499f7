//! Showing an instant the way Tribe does everywhere: in the event's zone, and
//! beside it in the viewer's own zone when that differs ("Tue 20:30 EST ·
//! 17:30 PST your time"); and reading a wall-clock time in a zone.

use chrono::{DateTime, Utc};
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

#[derive(Debug, Clone, Serialize)]
pub struct ShownTime {
    /// RFC 3339 in UTC, for `<time datetime>` and the browser's own conversion.
    pub iso: String,
    /// "Tue Jan 19"
    pub date: String,
    /// "20:30"
    pub time: String,
    /// "EST"
    pub zone: String,
    /// "17:30 PST" when the viewer's zone differs; the day is added when it differs too.
    pub viewer: Option<String>,
}

pub fn show(instant: DateTime<Utc>, event_zone: Tz, viewer_zone: Option<Tz>) -> ShownTime {
    let local = instant.with_timezone(&event_zone);
    let viewer = viewer_zone.filter(|v| *v != event_zone).and_then(|v| {
        let theirs = instant.with_timezone(&v);
        // Zones that differ in name may still agree on the time (e.g. Detroit and New York).
        if theirs.format("%Y-%m-%d %H:%M %Z").to_string() == local.format("%Y-%m-%d %H:%M %Z").to_string() {
            return None;
        }
        Some(if theirs.date_naive() == local.date_naive() { theirs.format("%H:%M %Z").to_string() } else { theirs.format("%a %H:%M %Z").to_string() })
    });
    ShownTime {
        iso: instant.to_rfc3339(),
        date: local.format("%a %b %-d").to_string(),
        time: local.format("%H:%M").to_string(),
        zone: local.format("%Z").to_string(),
        viewer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_viewers_zone_is_added_only_when_it_differs() {
        let instant = "2027-01-20T01:30:00Z".parse::<DateTime<Utc>>().unwrap();
        let ny = chrono_tz::America::New_York;
        let shown = show(instant, ny, Some(chrono_tz::America::Los_Angeles));
        assert_eq!((shown.date.as_str(), shown.time.as_str(), shown.zone.as_str()), ("Tue Jan 19", "20:30", "EST"));
        assert_eq!(shown.viewer.as_deref(), Some("17:30 PST"));
        assert_eq!(show(instant, ny, Some(chrono_tz::Europe::London)).viewer.as_deref(), Some("Wed 01:30 GMT"));
        assert_eq!(show(instant, ny, Some(ny)).viewer, None);
        assert_eq!(show(instant, ny, None).viewer, None);
    }
}

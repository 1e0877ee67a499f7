//! What search engines and link previews read of the public pages: a meta
//! description, Open Graph tags and schema.org `Event` data (JSON-LD) with
//! times carrying their offsets, the place or the online address, the
//! organizer and the tickets on offer.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use crate::db::entities::event::EventKind;
use crate::db::entities::session::SessionStatus;
use crate::db::entities::{event, ticket_type};
use crate::domain::events::zone_of;
use crate::domain::markdown::to_plain_summary;
use crate::domain::registration::tickets::{self, Availability};
use crate::domain::schedule::ScheduledSession;

/// Search engines show about this many characters of a description.
const DESCRIPTION_LIMIT: usize = 160;

#[derive(Serialize)]
pub struct PageMeta {
    pub description: String,
    pub title: String,
    /// The page's address, absolute.
    pub url: String,
    /// schema.org data, ready to sit inside a `<script>` element.
    pub json_ld: Option<String>,
}

/// JSON inside a `<script>` element must not close it: `<` is written as
/// its escape, which every JSON reader reads back as `<`.
fn script_safe(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

fn local_iso(at: DateTime<Utc>, found: &event::Model) -> String {
    at.with_timezone(&zone_of(found)).to_rfc3339()
}

fn event_url(base_url: &str, found: &event::Model) -> String {
    format!("{base_url}/events/{}", found.slug)
}

fn attendance_mode(found: &event::Model) -> &'static str {
    let online = found.kind == EventKind::OnlineChat || found.online_url.is_some();
    let in_person = found.kind != EventKind::OnlineChat && found.venue_name.is_some();
    match (online, in_person) {
        (true, true) => "https://schema.org/MixedEventAttendanceMode",
        (true, false) => "https://schema.org/OnlineEventAttendanceMode",
        _ => "https://schema.org/OfflineEventAttendanceMode",
    }
}

fn location(base_url: &str, found: &event::Model) -> Value {
    let mut places = Vec::new();
    if found.kind != EventKind::OnlineChat && found.venue_name.is_some() {
        let mut place = json!({"@type": "Place", "name": found.venue_name});
        if let Some(address) = &found.venue_address {
            place["address"] = json!({"@type": "PostalAddress", "streetAddress": address});
        }
        places.push(place);
    }
    if found.kind == EventKind::OnlineChat {
        places.push(json!({"@type": "VirtualLocation", "url": format!("{}/chats", event_url(base_url, found))}));
    } else if let Some(url) = &found.online_url {
        places.push(json!({"@type": "VirtualLocation", "url": url}));
    }
    match places.len() {
        1 => places.remove(0),
        _ => Value::Array(places),
    }
}

fn offer(base_url: &str, found: &event::Model, t: &ticket_type::Model, at: DateTime<Utc>) -> Value {
    let availability = match tickets::availability(t, at, true) {
        Availability::SoldOut => "https://schema.org/SoldOut",
        Availability::NotYet => "https://schema.org/PreOrder",
        Availability::Ended => "https://schema.org/Discontinued",
        _ => "https://schema.org/InStock",
    };
    let mut offer = json!({
        "@type": "Offer",
        "name": t.name,
        "price": format!("{}.{:02}", t.price_minor / 100, t.price_minor % 100),
        "priceCurrency": t.currency,
        "availability": availability,
        "url": event_url(base_url, found),
    });
    if let Some(start) = t.sales_start {
        offer["validFrom"] = json!(local_iso(start, found));
    }
    offer
}

/// The event's home page: the event, where, who runs it and its tickets.
pub fn event_meta(base_url: &str, found: &event::Model, listed: &[ticket_type::Model], at: DateTime<Utc>) -> PageMeta {
    let url = event_url(base_url, found);
    let description = to_plain_summary(&found.description, DESCRIPTION_LIMIT);
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": found.title,
        "url": url,
        "startDate": local_iso(found.starts_at, found),
        "endDate": local_iso(found.ends_at, found),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": attendance_mode(found),
        "location": location(base_url, found),
        "organizer": {"@type": "Organization", "name": found.host_name.clone().unwrap_or_else(|| "Tribe".into()), "url": base_url},
    });
    if !description.is_empty() {
        data["description"] = json!(description);
    }
    let offers: Vec<Value> = listed.iter().filter(|t| t.is_visible).map(|t| offer(base_url, found, t, at)).collect();
    if !offers.is_empty() {
        data["offers"] = Value::Array(offers);
    }
    if let (EventKind::OnlineChat, Some(rule), Some(time)) = (found.kind, &found.recurrence_rule, &found.recurrence_local_time) {
        let by_day = rule.split(';').find_map(|part| part.strip_prefix("BYDAY=")).unwrap_or_default();
        data["eventSchedule"] = json!({
            "@type": "Schedule",
            "repeatFrequency": "P1W",
            "byDay": by_day.split(',').filter_map(schema_day).collect::<Vec<_>>(),
            "startTime": time,
            "duration": format!("PT{}M", found.recurrence_minutes.unwrap_or(60)),
            "scheduleTimezone": found.time_zone,
            "startDate": found.starts_at.with_timezone(&zone_of(found)).date_naive().to_string(),
            "endDate": found.ends_at.with_timezone(&zone_of(found)).date_naive().to_string(),
        });
    }
    PageMeta {
        description: if description.is_empty() { format!("{} on Tribe", found.title) } else { description },
        title: found.title.clone(),
        url,
        json_ld: Some(script_safe(&data)),
    }
}

fn schema_day(code: &str) -> Option<&'static str> {
    Some(match code {
        "MO" => "https://schema.org/Monday",
        "TU" => "https://schema.org/Tuesday",
        "WE" => "https://schema.org/Wednesday",
        "TH" => "https://schema.org/Thursday",
        "FR" => "https://schema.org/Friday",
        "SA" => "https://schema.org/Saturday",
        "SU" => "https://schema.org/Sunday",
        _ => return None,
    })
}

/// A session's page: the session as an event within the event.
pub fn session_meta(base_url: &str, found: &event::Model, s: &ScheduledSession) -> PageMeta {
    let url = format!("{}/sessions/{}", event_url(base_url, found), s.session.id);
    let description = to_plain_summary(&s.session.r#abstract, DESCRIPTION_LIMIT);
    let mut place = json!({"@type": "Place", "name": s.room.as_ref().map(|r| r.name.clone()).or_else(|| found.venue_name.clone()).unwrap_or_else(|| found.title.clone())});
    if let Some(address) = &found.venue_address {
        place["address"] = json!({"@type": "PostalAddress", "streetAddress": address});
    }
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": s.session.title,
        "url": url,
        "startDate": local_iso(s.session.starts_at, found),
        "endDate": local_iso(s.session.ends_at, found),
        "eventStatus": if s.session.status == SessionStatus::Cancelled { "https://schema.org/EventCancelled" } else { "https://schema.org/EventScheduled" },
        "eventAttendanceMode": attendance_mode(found),
        "location": place,
        "superEvent": {"@type": "Event", "name": found.title, "url": event_url(base_url, found)},
        "inLanguage": s.session.language,
    });
    if !description.is_empty() {
        data["description"] = json!(description);
    }
    if !s.speakers.is_empty() {
        data["performer"] = Value::Array(s.speakers.iter().map(|p| json!({"@type": "Person", "name": p.name})).collect());
    }
    PageMeta {
        description: if description.is_empty() { format!("{} at {}", s.session.title, found.title) } else { description },
        title: format!("{} · {}", s.session.title, found.title),
        url,
        json_ld: Some(script_safe(&data)),
    }
}

/// A page with a description and preview tags but no event data.
pub fn plain_meta(base_url: &str, path: &str, title: &str, description: String) -> PageMeta {
    PageMeta { description, title: title.to_owned(), url: format!("{base_url}{path}"), json_ld: None }
}

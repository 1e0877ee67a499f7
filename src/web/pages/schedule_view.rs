//! What the schedule pages show, built from a loaded schedule: cards for
//! sessions, days for the list, and a room × time table for the grid.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use crate::db::entities::session::SessionStatus;
use crate::db::entities::session_speaker;
use crate::domain::input::slugify;
use crate::domain::schedule::{Day, Schedule, ScheduledSession};
use crate::domain::times;

/// Who is looking: their zone, and their agenda if they are registered.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub zone: Option<Tz>,
    pub registered: bool,
    pub agenda: std::collections::HashSet<i32>,
}

/// The key in a speaker page's URL: an account id, or the printed name.
pub fn speaker_key(speaker: &session_speaker::Model) -> String {
    match speaker.user_id {
        Some(id) => format!("u{id}"),
        None => {
            let slug = slugify(&speaker.name);
            format!("n-{}", if slug.is_empty() { "speaker".to_owned() } else { slug })
        }
    }
}

pub fn speaker_matches(speaker: &session_speaker::Model, key: &str) -> bool {
    speaker_key(speaker) == key
}

pub fn session_card(schedule: &Schedule, s: &ScheduledSession, viewer: &Viewer) -> Value {
    let slug = &schedule.event.slug;
    let viewer_zone = viewer.zone;
    let in_agenda = viewer.agenda.contains(&s.session.id);
    json!({
        "in_agenda": in_agenda,
        "can_add": viewer.registered && !in_agenda && s.session.status == SessionStatus::Published,
        "seats_left": s.session.capacity.map(|c| (c - s.session.seats_taken).max(0)),
        "id": s.session.id,
        "title": s.session.title,
        "url": format!("/events/{slug}/sessions/{}", s.session.id),
        "start": times::show(s.session.starts_at, schedule.zone, viewer_zone),
        "end": times::show(s.session.ends_at, schedule.zone, viewer_zone),
        "minutes": (s.session.ends_at - s.session.starts_at).num_minutes(),
        "room": s.room.as_ref().map(|r| r.name.clone()),
        "track": s.track.as_ref().map(|t| json!({"name": t.name, "color_class": color_class(&t.color), "id": t.id})),
        "speakers": s.speakers.iter().map(|p| json!({"name": p.name, "url": format!("/events/{slug}/speakers/{}", speaker_key(p))})).collect::<Vec<_>>(),
        "tags": s.tags(),
        "status": s.session.status,
        "is_cancelled": s.session.status == SessionStatus::Cancelled,
        "is_draft": s.session.status == SessionStatus::Draft,
        "capacity": s.session.capacity,
    })
}

/// Track colours are shown as one of a fixed set of CSS classes (the page's
/// Content-Security-Policy forbids inline styles): the nearest palette entry.
pub fn color_class(color: &str) -> String {
    let hex = color.trim_start_matches('#');
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128) as i32;
    let (r, g, b) = (channel(0), channel(2), channel(4));
    let palette = [
        ("blue", (25, 113, 194)),
        ("green", (47, 158, 68)),
        ("orange", (217, 72, 15)),
        ("violet", (95, 61, 196)),
        ("pink", (194, 37, 92)),
        ("teal", (12, 133, 153)),
        ("yellow", (230, 119, 0)),
        ("gray", (73, 80, 87)),
        ("indigo", (54, 79, 199)),
        ("grape", (156, 54, 181)),
        ("red", (179, 38, 30)),
    ];
    let nearest =
        palette.iter().min_by_key(|(_, (pr, pg, pb))| (pr - r).pow(2) + (pg - g).pow(2) + (pb - b).pow(2)).map(|(name, _)| *name).unwrap_or("gray");
    format!("track-{nearest}")
}

fn day_label(day: &Day) -> String {
    day.date.format("%A, %B %-d").to_string()
}

/// The day-by-day list.
pub fn days_list(schedule: &Schedule, keep: &dyn Fn(&ScheduledSession) -> bool, viewer: &Viewer) -> Vec<Value> {
    schedule
        .days()
        .iter()
        .map(|day| {
            let sessions: Vec<Value> = schedule.sessions_on(day).filter(|s| keep(s)).map(|s| session_card(schedule, s, viewer)).collect();
            json!({"index": day.index, "label": day_label(day), "date": day.date.to_string(), "sessions": sessions})
        })
        .filter(|d| d["sessions"].as_array().is_some_and(|a| !a.is_empty()))
        .collect()
}

fn floor_to(instant: DateTime<Utc>, zone: Tz, step: i64) -> DateTime<Utc> {
    let local = instant.with_timezone(&zone);
    let minutes = i64::from(local.minute()) % step;
    instant - Duration::minutes(minutes) - Duration::seconds(i64::from(local.second()))
}

/// The room × time table for one day: one row per time step, one column per
/// room; a session spans the rows it covers (`rowspan`).
pub fn grid(schedule: &Schedule, day: &Day, keep: &dyn Fn(&ScheduledSession) -> bool, viewer: &Viewer) -> Option<Value> {
    let sessions: Vec<&ScheduledSession> = schedule.sessions_on(day).filter(|s| keep(s)).collect();
    if sessions.is_empty() {
        return None;
    }
    let step = schedule.timeslot_minutes();
    let mut columns: Vec<(Option<i32>, String)> = schedule.rooms.iter().map(|r| (Some(r.id), r.name.clone())).collect();
    if sessions.iter().any(|s| s.room.is_none()) {
        columns.push((None, crate::domain::schedule::frab::export::UNASSIGNED_ROOM.to_owned()));
    }
    let first = floor_to(sessions.iter().map(|s| s.session.starts_at).min().unwrap_or(day.starts_at), schedule.zone, step);
    let last = sessions.iter().map(|s| s.session.ends_at).max().unwrap_or(day.ends_at);
    let row_count = (((last - first).num_minutes() + step - 1) / step).clamp(1, 24 * 60 / 5) as usize;
    let row_of = |instant: DateTime<Utc>| (((instant - first).num_minutes()) / step).clamp(0, row_count as i64) as usize;
    // cells[row][column]: Some(list) starts a cell, None is covered by a cell above.
    let mut cells: Vec<Vec<Option<(usize, Vec<Value>)>>> = (0..row_count).map(|_| columns.iter().map(|_| Some((1, Vec::new()))).collect()).collect();
    let mut covered_by: Vec<Vec<Option<usize>>> = vec![vec![None; columns.len()]; row_count];
    for s in sessions {
        let Some(column) = columns.iter().position(|(id, _)| *id == s.session.room_id) else {
            continue;
        };
        let start = row_of(s.session.starts_at).min(row_count - 1);
        let end = row_of(s.session.ends_at + Duration::minutes(step - 1)).clamp(start + 1, row_count);
        let anchor = covered_by[start][column].unwrap_or(start);
        if let Some(Some((span, list))) = cells.get_mut(anchor).map(|r| &mut r[column]) {
            list.push(session_card(schedule, s, viewer));
            *span = (*span).max(end - anchor);
        }
        let span = match &cells[anchor][column] {
            Some((span, _)) => *span,
            None => 1,
        };
        for row in anchor + 1..anchor + span {
            cells[row][column] = None;
            covered_by[row][column] = Some(anchor);
        }
    }
    let rows: Vec<Value> = cells
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let at = first + Duration::minutes(step * i as i64);
            let cells: Vec<Value> =
                row.into_iter().flatten().map(|(span, list)| json!({"rowspan": span, "sessions": list, "empty": list.is_empty()})).collect();
            json!({"time": at.with_timezone(&schedule.zone).format("%H:%M").to_string(), "cells": cells})
        })
        .collect();
    Some(json!({
        "label": day_label(day),
        "rooms": columns.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>(),
        "rows": rows,
    }))
}

/// Sessions running now, and the next ones to start, while the event is on.
pub fn now_and_next(schedule: &Schedule, at: DateTime<Utc>, viewer: &Viewer) -> Option<Value> {
    if at < schedule.event.starts_at - Duration::hours(1) || at > schedule.event.ends_at {
        return None;
    }
    let now: Vec<Value> =
        schedule.sessions.iter().filter(|s| s.session.starts_at <= at && s.session.ends_at > at).map(|s| session_card(schedule, s, viewer)).collect();
    let next_start = schedule.sessions.iter().map(|s| s.session.starts_at).filter(|t| *t > at).min();
    let next: Vec<Value> = match next_start {
        Some(start) => schedule.sessions.iter().filter(|s| s.session.starts_at == start).map(|s| session_card(schedule, s, viewer)).collect(),
        None => Vec::new(),
    };
    (!now.is_empty() || !next.is_empty()).then(|| json!({"now": now, "next": next}))
}

#!/usr/bin/env python3
"""Reads an .ics file with Python's `icalendar` (an independent parser) and
`recurring-ical-events`, and prints what a calendar app would see as JSON:
every VEVENT with its UTC times, zone, sequence, status, rule, exceptions,
and the occurrences it expands to between two dates.

    calendar_check.py FILE.ics FROM_DATE TO_DATE
"""
import datetime as dt
import json
import sys

import icalendar
import recurring_ical_events


def utc(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat() + " floating"
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def main():
    path, start, end = sys.argv[1], sys.argv[2], sys.argv[3]
    raw = open(path, "rb").read()
    calendar = icalendar.Calendar.from_ical(raw)
    events = []
    for component in calendar.walk("VEVENT"):
        start_prop = component.get("DTSTART")
        exdates = []
        for ex in component.get("EXDATE", []) if isinstance(component.get("EXDATE"), list) else ([component.get("EXDATE")] if component.get("EXDATE") else []):
            exdates.extend(utc(d.dt) for d in ex.dts)
        events.append({
            "uid": str(component.get("UID")),
            "summary": str(component.get("SUMMARY")),
            "description": str(component.get("DESCRIPTION", "")),
            "location": str(component.get("LOCATION", "")),
            "dtstart": utc(start_prop.dt),
            "dtend": utc(component.get("DTEND").dt) if component.get("DTEND") else None,
            "tzid": start_prop.params.get("TZID"),
            "sequence": int(component.get("SEQUENCE", 0)),
            "status": str(component.get("STATUS", "")),
            "rrule": component.get("RRULE").to_ical().decode() if component.get("RRULE") else None,
            "exdates": exdates,
            "recurrence_id": utc(component.get("RECURRENCE-ID").dt) if component.get("RECURRENCE-ID") else None,
        })
    window = recurring_ical_events.of(calendar).between(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    occurrences = sorted(
        ({"uid": str(o.get("UID")), "start": utc(o.get("DTSTART").dt), "description": str(o.get("DESCRIPTION", ""))} for o in window),
        key=lambda o: (o["start"], o["uid"]),
    )
    print(json.dumps({
        "prodid": str(calendar.get("PRODID")),
        "version": str(calendar.get("VERSION")),
        "method": str(calendar.get("METHOD")),
        "timezones": [str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")],
        "events": events,
        "occurrences": occurrences,
    }))


if __name__ == "__main__":
    main()

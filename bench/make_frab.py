#!/usr/bin/env python3
"""Writes a frab schedule.xml with N sessions spread over three days from
FIRST_DAY, in rooms of their own, for load tests:
`python3 bench/make_frab.py 337 2027-01-25 > extra.xml`."""
import datetime as dt
import sys
from xml.sax.saxutils import escape

count = int(sys.argv[1])
first_day = dt.date.fromisoformat(sys.argv[2])
rooms = 8
slots_per_day = max(1, -(-count // (rooms * 3)))
out = ['<?xml version="1.0" encoding="UTF-8"?>', "<schedule>", "<version>bench</version>",
       "<conference><acronym>bench</acronym><title>Bench</title><time_zone_name>America/New_York</time_zone_name></conference>"]
n = 0
for day in range(3):
    date = first_day + dt.timedelta(days=day)
    out.append(f'<day index="{day + 1}" date="{date}" start="{date}T08:00:00-05:00" end="{date}T20:00:00-05:00">')
    for room in range(rooms):
        out.append(f'<room name="Bench Room {room + 1}">')
        for slot in range(slots_per_day):
            if n >= count:
                break
            minutes = 8 * 60 + slot * 20
            start = dt.datetime.combine(date, dt.time(minutes // 60, minutes % 60))
            out.append(
                f'<event guid="00000000-0000-4000-8000-{n:012d}" id="{100000 + n}">'
                f"<date>{start.isoformat()}</date><start>{start:%H:%M}</start><duration>00:20</duration>"
                f"<room>Bench Room {room + 1}</room><title>{escape(f'Bench session {n}: patient stories & data')}</title>"
                f"<track>Bench</track><type>talk</type><language>en</language><abstract>Load test session {n}.</abstract>"
                f"<persons><person>Speaker {n % 50}</person></persons></event>"
            )
            n += 1
        out.append("</room>")
    out.append("</day>")
out.append("</schedule>")
print("\n".join(out))

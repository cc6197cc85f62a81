#!/usr/bin/python3
"""Reads the calendar of ics_sample (argv[1]: its path) with python3-icalendar,
an independent parser, and checks: every line ends in CRLF and is at most 75
octets; every TZID used has a VTIMEZONE; each event's DTSTART is the right UTC
instant both as the parser resolves the zone name and as the calendar's own
VTIMEZONE defines it; text values come back unescaped."""
import datetime as dt
import subprocess
import sys

import icalendar

UTC = dt.timezone.utc
EXPECTED = {  # uid -> DTSTART in UTC
    "ny-before-spring@sdc": "2026-03-08T06:00:00",
    "ny-after-spring@sdc": "2026-03-08T08:00:00",
    "ny-summer@sdc": "2026-07-02T14:00:00",
    "ny-fall-first@sdc": "2026-11-01T05:30:00",
    "ny-fall-second@sdc": "2026-11-01T06:30:00",
    "ny-after-fall@sdc": "2026-11-02T06:00:00",
    "ny-next-year@sdc": "2027-03-14T04:53:20",
    "phx@sdc": "2026-03-08T08:00:00",
    "phx-summer@sdc": "2026-07-02T14:00:00",
    "hnl@sdc": "2026-11-01T06:00:00",
    "utc@sdc": "2026-03-08T07:00:00",
    "long@sdc": "2026-03-08T09:00:00",
}


def fail(msg):
    print("check_ics: " + msg, file=sys.stderr)
    sys.exit(1)


def own_rules(cal):
    """TZID -> [(onset in UTC, offset after)] from the calendar's VTIMEZONEs."""
    rules = {}
    for tz in cal.walk("VTIMEZONE"):
        onsets = []
        for sub in tz.subcomponents:
            if sub.name not in ("STANDARD", "DAYLIGHT"):
                fail("unexpected %s in VTIMEZONE" % sub.name)
            if "RRULE" in sub or "RDATE" in sub:
                fail("expected explicit onsets only")
            local = sub.decoded("DTSTART")
            frm = sub.decoded("TZOFFSETFROM")
            to = sub.decoded("TZOFFSETTO")
            if not isinstance(frm, dt.timedelta) or not isinstance(to, dt.timedelta):
                fail("TZOFFSETFROM/TO are not UTC offsets")
            onsets.append(((local - frm).replace(tzinfo=UTC), to))
        rules[str(tz["TZID"])] = sorted(onsets)
    return rules


def by_own_rules(rules, tzid, local):
    """The UTC instant of a floating local time under the calendar's own rules:
    the first reading whose rule is in force (RFC 5545: an ambiguous local time
    is the first occurrence)."""
    onsets = rules[tzid]
    for i, (start, off) in enumerate(onsets):
        end = onsets[i + 1][0] if i + 1 < len(onsets) else None
        instant = (local - off).replace(tzinfo=UTC)
        if instant >= start and (end is None or instant < end):
            return instant
    fail("%s: %s is not covered by its VTIMEZONE" % (tzid, local))


def main():
    raw = subprocess.run([sys.argv[1]], check=True, capture_output=True).stdout
    if not raw.endswith(b"\r\n"):
        fail("the calendar does not end in CRLF")
    for line in raw.split(b"\r\n")[:-1]:
        if b"\n" in line or b"\r" in line:
            fail("a bare line break: %r" % line[:40])
        if len(line) > 75:
            fail("a line of %d octets: %r" % (len(line), line[:40]))
        line.decode("utf-8")  # every physical line is whole UTF-8
    cal = icalendar.Calendar.from_ical(raw)
    if str(cal["VERSION"]) != "2.0" or not str(cal["PRODID"]):
        fail("VERSION/PRODID")
    rules = own_rules(cal)
    seen = set()
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        seen.add(uid)
        if "DTSTAMP" not in ev:
            fail(uid + ": no DTSTAMP")
        want = dt.datetime.fromisoformat(EXPECTED[uid]).replace(tzinfo=UTC)
        start = ev["DTSTART"]
        got = ev.decoded("DTSTART")
        if got.tzinfo is None:
            fail(uid + ": DTSTART has no zone")
        if got.astimezone(UTC) != want:
            fail("%s: DTSTART %s is %s in UTC, want %s" % (uid, got, got.astimezone(UTC), want))
        tzid = start.params.get("TZID")
        if tzid is not None:
            if tzid not in rules:
                fail("%s: TZID %s has no VTIMEZONE" % (uid, tzid))
            mine = by_own_rules(rules, tzid, got.replace(tzinfo=None))
            if mine != want:
                fail("%s: by the calendar's VTIMEZONE %s, want %s" % (uid, mine, want))
        end = ev.decoded("DTEND")
        if end < got:
            fail(uid + ": DTEND before DTSTART")
    if seen != set(EXPECTED):
        fail("events %s, want %s" % (sorted(seen), sorted(EXPECTED)))
    used = {str(ev["DTSTART"].params["TZID"]) for ev in cal.walk("VEVENT")
            if "TZID" in ev["DTSTART"].params}
    if used != set(rules):
        fail("VTIMEZONEs %s for zones used %s" % (sorted(rules), sorted(used)))
    summer = [e for e in cal.walk("VEVENT") if str(e["UID"]) == "ny-summer@sdc"][0]
    if str(summer["SUMMARY"]) != "Hearing, courtroom 12; bring papers":
        fail("SUMMARY came back as %r" % str(summer["SUMMARY"]))
    if str(summer["DESCRIPTION"]) != "Line one\nLine two, with a comma; and a \\ backslash":
        fail("DESCRIPTION came back as %r" % str(summer["DESCRIPTION"]))
    long_ev = [e for e in cal.walk("VEVENT") if str(e["UID"]) == "long@sdc"][0]
    if "😀😀😀" not in str(long_ev["SUMMARY"]) or str(long_ev["DESCRIPTION"]) != "y" * 300:
        fail("folded values did not unfold")
    print("check_ics: %d events, %d zones: ok" % (len(seen), len(rules)))


main()

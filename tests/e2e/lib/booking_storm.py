"""1,000 holders book 10 places at once, through one or more sdcd.

usage: booking_storm.py ADMIN_TOKEN OFFICER_TOKEN BASE [BASE ...]

Creates an office whose one day holds 5 slots of capacity 2, enrolls 1,000
holders who report there, then books all of them at once (64 threads, the
requests spread over every BASE). Prints one JSON line: how many bookings
were answered 201, 409 and otherwise, the free slots left, the appointments
stored, and a sample 409 body. Exits 0 whatever it counted: the caller
checks the numbers.
"""
import base64
import concurrent.futures
import datetime
import http.client
import json
import sys
import threading
import urllib.parse

HOLDERS = 1000
admin, officer, bases = sys.argv[1], sys.argv[2], sys.argv[3:]
local = threading.local()


def request(base, method, path, token, body=None):
    """(status, parsed body) over a keep-alive connection per thread and base."""
    conns = getattr(local, "conns", None)
    if conns is None:
        conns = local.conns = {}
    for attempt in range(2):
        conn = conns.get(base)
        if conn is None:
            u = urllib.parse.urlparse(base)
            conn = conns[base] = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        headers = {"Authorization": "Bearer " + token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
        except (ConnectionError, http.client.HTTPException):
            conn.close()
            conns.pop(base, None)
            if attempt:
                raise
    raise AssertionError("unreachable")


def ok(status, body, want):
    if status != want:
        raise SystemExit("unexpected %d: %s" % (status, json.dumps(body)))
    return body


day = datetime.date.today() + datetime.timedelta(days=7)
hours = {d: "09:00-11:30" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
office = ok(*request(bases[0], "POST", "/v1/offices", admin,
                     {"name": "Storm office", "address": "1 Main St", "time_zone": "America/New_York",
                      "hours": hours, "slot_minutes": 30, "slot_capacity": 2}), 201)
status, body = request(bases[0], "GET", "/v1/offices/%s/slots?from=%s" % (office["id"], day), officer)
slots = ok(status, body, 200)["slots"]
if len(slots) != 5 or any(s["remaining"] != 2 for s in slots):
    raise SystemExit("expected 5 slots of 2 places: %s" % json.dumps(slots))

portrait = base64.b64encode(b"\xff\xd8\xff\xe0 not a real portrait").decode()


def enroll(i):
    base = bases[i % len(bases)]
    h = ok(*request(base, "POST", "/v1/holders", officer,
                    {"a_number": "A5%08d" % i, "family_name": "STORM", "given_names": "HOLDER",
                     "date_of_birth": "1980-01-01", "sex": "X", "nationality": "UTO",
                     "language": "en", "portrait_base64": portrait}), 201)
    ok(*request(base, "PUT", "/v1/holders/%s/reporting" % h["id"], officer,
                {"office_id": office["id"], "cadence_days": 28, "window_days": 3,
                 "anchor_date": day.isoformat()}), 200)
    return h["id"]


with concurrent.futures.ThreadPoolExecutor(16) as pool:
    holders = list(pool.map(enroll, range(HOLDERS)))

barrier = threading.Barrier(64)


def book(i):
    if i < 64:
        barrier.wait()  # the first requests leave together
    base = bases[i % len(bases)]
    return request(base, "POST", "/v1/holders/%s/appointments" % holders[i], officer,
                   {"starts_at": slots[i % 5]["starts_at"]})


with concurrent.futures.ThreadPoolExecutor(64) as pool:
    answers = list(pool.map(book, range(HOLDERS)))

counts = {"created": 0, "conflict": 0, "other": 0}
sample = None
for status, body in answers:
    if status == 201:
        counts["created"] += 1
    elif status == 409:
        counts["conflict"] += 1
        sample = sample or body
    else:
        counts["other"] += 1
        print("unexpected answer %d: %s" % (status, json.dumps(body)), file=sys.stderr)

status, body = request(bases[-1], "GET", "/v1/offices/%s/slots?from=%s" % (office["id"], day), officer)
left = len(ok(status, body, 200)["slots"])
stored = 0
for i, h in enumerate(holders):
    status, body = request(bases[i % len(bases)], "GET", "/v1/holders/%s/appointments" % h, officer)
    stored += len([a for a in ok(status, body, 200)["appointments"] if a["state"] == "booked"])
print(json.dumps({**counts, "free_slots_left": left, "appointments_stored": stored,
                  "sample_conflict": sample}))

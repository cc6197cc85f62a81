"""sdcd killed with SIGKILL, again and again, under full write load.

usage: crash_storm.py --sdcd BIN --sdc BIN --data DIR --port N --db sqlite:PATH|postgres:CONNINFO
                      [--kills 20] [--threads 8] [--portrait FILE] [--log DIR]

DIR is a data folder made by `sdcd demo` (its accounts are used). Each round
starts `sdcd serve`, lets THREADS clients enroll holders, set their reporting,
issue cards, book appointments, check them in and suspend, lift and revoke
cards as fast as they are answered, then kills sdcd with SIGKILL at a random
moment. Clients write down only what was answered 2xx; a request in flight
at the kill is neither counted nor assumed lost.

After every kill, offline, `sdc audit verify` must pass; after every restart
the store must hold every acknowledged write, nothing half-written (a card
without its holder, an appointment without its slot place or the other way
round, a check-in without its holder, an acknowledged write without its audit
record), and the published validity list, signed by the issuer, must say of
every card what the store says. Prints one JSON line with the counts and the
failures; exits 1 if there was any failure.
"""
import argparse
import base64
import datetime
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--sdcd", required=True)
p.add_argument("--sdc", required=True)
p.add_argument("--data", required=True)
p.add_argument("--port", type=int, required=True)
p.add_argument("--db", required=True)
p.add_argument("--kills", type=int, default=20)
p.add_argument("--threads", type=int, default=8, choices=range(1, 17))
p.add_argument("--portrait")
p.add_argument("--log", default=None)
p.add_argument("--seed", type=int, default=None)
# Before the last restart, damage the store behind sdcd's back (an
# acknowledged check-in deleted, a slot place taken without a booking, a card
# revoked without its list): the checks must find each.
p.add_argument("--tamper", action="store_true")
args = p.parse_args()

seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
rng = random.Random(seed)
log_dir = args.log or args.data + ".storm"
os.makedirs(log_dir, exist_ok=True)
store, _, where = args.db.partition(":")
failures = []
# A-numbers of this run: another run on the same store takes others.
A_NUMBER_BASE = rng.randrange(10**8, 8 * 10**8)
STATE = {"valid": 0, "invalid": 1, "suspended": 2}


def fail(message):
    failures.append(message)
    if len(failures) <= 20:
        print("FAIL " + message, file=sys.stderr, flush=True)


# --- the store, read directly --------------------------------------------
def query(sql):
    """Rows of strings (SQLite or psql)."""
    if store == "sqlite":
        import sqlite3
        con = sqlite3.connect("file:%s?mode=ro" % where, uri=True, timeout=30)
        try:
            return [tuple("" if v is None else str(v) for v in row) for row in con.execute(sql)]
        finally:
            con.close()
    out = subprocess.run(["psql", where, "-X", "-q", "-A", "-t", "-F", "\t", "-v",
                          "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line != ""]


def execute(sql):
    if store == "sqlite":
        import sqlite3
        con = sqlite3.connect(where, timeout=30)
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()
    else:
        subprocess.run(["psql", where, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       check=True, capture_output=True)


def tamper(snap):
    if not snap["check_in"] or not any(len(v) == 1 for v in snap["card_states"].values()):
        raise SystemExit("tamper: no acknowledged check-in or card of known state to damage")
    check_in = next(iter(snap["check_in"]))
    execute("DELETE FROM check_ins WHERE id = '%s'" % check_in)
    execute("UPDATE slot_places SET taken = taken + 1 WHERE starts_at ="
            " (SELECT min(starts_at) FROM slot_places)")
    # A card whose state is known, put in another one.
    doc, known = next((d, s) for d, s in snap["card_states"].items() if len(s) == 1)
    other = (STATE[next(iter(known))] + 1) % 3
    execute("UPDATE cards SET state = %d WHERE document_number = '%s'" % (other, doc))


# --- HTTP -----------------------------------------------------------------
class Unknown(Exception):
    """No answer: the request may or may not have been applied."""


local = threading.local()


def request(method, path, token, body=None, timeout=30):
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=timeout)
    headers = {"Authorization": "Bearer " + token} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        raw = r.read()
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        local.conn = None
        raise Unknown(str(e))
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return r.status, parsed


def must(status_body, want, what):
    status, body = status_body
    if status != want:
        raise SystemExit("%s: HTTP %d %s" % (what, status, json.dumps(body)[:300]))
    return body


# --- sdcd -----------------------------------------------------------------
def start_sdcd(round_no):
    err = open(os.path.join(log_dir, "serve-%02d.err" % round_no), "w")
    proc = subprocess.Popen([args.sdcd, "serve", "--data", args.data,
                             "--listen", "127.0.0.1:%d" % args.port],
                            stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("sdcd exited with %d in round %d: %s" % (
                proc.returncode, round_no, open(err.name).read()[-500:]))
        try:
            c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                c.close()
                return proc
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("sdcd did not come up in round %d" % round_no)


def audit_verify():
    cmd = [args.sdc, "audit", "verify", "--data", args.data]
    if store == "postgres":
        cmd += ["--postgres", where]
    r = subprocess.run(cmd, capture_output=True, text=True)
    try:
        report = json.loads(r.stdout)
    except ValueError:
        report = {}
    return r.returncode == 0 and report.get("intact") is True, r.stdout[-400:] + r.stderr[-400:]


# --- what was acknowledged --------------------------------------------------
lock = threading.Lock()
acked = {"holder": {}, "reporting": set(), "card": {}, "booking": {}, "check_in": {},
         "suspend": 0, "lift": 0, "revoke": 0}
# document_number -> the states it may be in (the last acknowledged one, and
# that of a change sent but not answered).
card_states = {}
unknown = {"count": 0}
refused = {}
go = threading.Event()
stop = threading.Event()


def note_refusal(what, status, body, expected=False):
    with lock:
        refused["%s %d" % (what, status)] = refused.get("%s %d" % (what, status), 0) + 1
    if status not in (429,) and not expected:
        fail("%s answered %d: %s" % (what, status, json.dumps(body)[:300]))


def slot_full(status, body):
    return status == 409 and "is full" in str(body.get("detail", ""))


def patient(method, path, token, body=None):
    """request(), again while the answer is 429 (the validity list may change
    about once a second: docs/openapi.yaml), a few times."""
    for _ in range(12):
        status, answer = request(method, path, token, body)
        if status != 429:
            return status, answer
        with lock:
            refused["429 (tried again)"] = refused.get("429 (tried again)", 0) + 1
        time.sleep(0.25)
    return status, answer


def client(n, officer, office, slots, portrait):
    i = 0
    r = random.Random(seed + n)
    first = A_NUMBER_BASE + n * 10**6
    while not stop.is_set():
        go.wait()
        if stop.is_set():
            return
        i += 1
        a_number = "A%09d" % (first + i)
        step = "enroll"
        doc = None
        try:
            status, body = request("POST", "/v1/holders", officer, {
                "a_number": a_number, "family_name": "STORM", "given_names": "CLIENT " + "ABCDEFGHIJKLMNOP"[n],
                "date_of_birth": "1980-01-15", "sex": "X", "nationality": "UTO",
                "language": "en", "contact": "", "portrait_base64": portrait})
            if status != 201:
                note_refusal(step, status, body)
                continue
            hid = body["id"]
            with lock:
                acked["holder"][hid] = a_number
            step = "set_reporting"
            status, body = request("PUT", "/v1/holders/%s/reporting" % hid, officer, {
                "office_id": office, "cadence_days": 28, "window_days": 3,
                "anchor_date": slots["day"]})
            if status != 200:
                note_refusal(step, status, body)
                continue
            with lock:
                acked["reporting"].add(hid)
            step = "issue"
            status, body = patient("POST", "/v1/holders/%s/cards" % hid, officer, {})
            if status != 201:
                note_refusal(step, status, body)
                continue
            doc = body["document_number"]
            with lock:
                acked["card"][doc] = hid
                card_states[doc] = {"valid"}
            step = "book"
            # A full slot is the store holding capacity: take another.
            for _ in range(10):
                starts_at = r.choice(slots["starts"])
                status, body = request("POST", "/v1/holders/%s/appointments" % hid, officer,
                                       {"starts_at": starts_at})
                if not slot_full(status, body):
                    break
                note_refusal("book (slot full)", status, body, expected=True)
            if status != 201:
                note_refusal(step, status, body, expected=slot_full(status, body))
                continue
            with lock:
                acked["booking"][body["id"]] = (hid, body.get("starts_at", starts_at))
            step = "check_in"
            status, body = request("POST", "/v1/check-ins", officer,
                                   {"holder_id": hid, "office_id": office})
            if status != 201:
                note_refusal(step, status, body)
                continue
            with lock:
                acked["check_in"][body["check_in"]["id"]] = hid
            # Card changes: suspend, then lift or revoke; revoke; or nothing.
            plan = r.choice([["suspend", "lift-suspension"], ["suspend", "revoke"], ["revoke"],
                             ["suspend"], []])
            for change in plan:
                step = change
                after = {"suspend": "suspended", "lift-suspension": "valid",
                         "revoke": "invalid"}[change]
                with lock:
                    card_states[doc].add(after)  # it may be applied without an answer
                status, body = patient("POST", "/v1/cards/%s/%s" % (doc, change), officer,
                                       {"reason": "storm"})
                with lock:
                    if status == 200:
                        card_states[doc] = {after}
                        acked[{"suspend": "suspend", "lift-suspension": "lift",
                               "revoke": "revoke"}[change]] += 1
                    else:
                        card_states[doc].discard(after)
                if status != 200:
                    note_refusal(step, status, body)
                    break
        except Unknown:
            with lock:
                unknown["count"] += 1
            time.sleep(0.05)  # the server is gone: wait for the next round


# --- the checks -------------------------------------------------------------
def check_store(snapshot, round_no, with_list):
    """Every acknowledged write of `snapshot` is there, nothing half-written."""
    label = "round %d" % round_no
    holders = {row[0] for row in query("SELECT id FROM holders")}
    missing = [h for h in snapshot["holder"] if h not in holders]
    if missing:
        fail("%s: %d acknowledged holders missing, e.g. %s" % (label, len(missing), missing[0]))
    reporting = {row[0] for row in query("SELECT holder_id FROM reporting_requirements")}
    missing = [h for h in snapshot["reporting"] if h not in reporting]
    if missing:
        fail("%s: %d acknowledged reporting requirements missing" % (label, len(missing)))
    cards = {row[0]: (row[1], int(row[2]), int(row[3]))
             for row in query("SELECT document_number, holder_id, state, status_index FROM cards")}
    bad = 0
    for doc, hid in snapshot["card"].items():
        if doc not in cards or cards[doc][0] != hid:
            bad += 1
            continue
        states = {STATE[s] for s in snapshot["card_states"][doc]}
        if cards[doc][1] not in states:
            fail("%s: card %s is in state %d, acknowledged %s" % (
                label, doc, cards[doc][1], sorted(snapshot["card_states"][doc])))
    if bad:
        fail("%s: %d acknowledged cards missing or with another holder" % (label, bad))
    orphans = query("SELECT count(*) FROM cards WHERE holder_id NOT IN (SELECT id FROM holders)")
    if orphans[0][0] != "0":
        fail("%s: %s cards without their holder" % (label, orphans[0][0]))
    appts = {row[0]: (row[1], row[2])
             for row in query("SELECT id, holder_id, state FROM appointments")}
    bad = [a for a, (hid, _) in snapshot["booking"].items()
           if a not in appts or appts[a] != (hid, "booked")]
    if bad:
        fail("%s: %d acknowledged bookings missing or not booked" % (label, len(bad)))
    rows = query("SELECT count(*) FROM appointments WHERE holder_id NOT IN (SELECT id FROM holders)"
                 " OR office_id NOT IN (SELECT id FROM offices)")
    if rows[0][0] != "0":
        fail("%s: %s appointments without their holder or office" % (label, rows[0][0]))
    # A booking is whole: its slot's place is taken, and every taken place is a booking.
    rows = query("SELECT s.office_id, s.starts_at, s.taken, (SELECT count(*) FROM appointments a"
                 " WHERE a.office_id = s.office_id AND a.starts_at = s.starts_at"
                 " AND a.state = 'booked') FROM slot_places s")
    uneven = [r for r in rows if r[2] != r[3]]
    if uneven:
        fail("%s: %d slots whose taken places are not their bookings, e.g. %s" % (
            label, len(uneven), uneven[0]))
    rows = query("SELECT count(*) FROM appointments a WHERE a.state = 'booked' AND NOT EXISTS"
                 " (SELECT 1 FROM slot_places s WHERE s.office_id = a.office_id"
                 " AND s.starts_at = a.starts_at)")
    if rows[0][0] != "0":
        fail("%s: %s bookings without a slot place" % (label, rows[0][0]))
    checks = {row[0]: row[1:] for row in query(
        "SELECT id, holder_id, office_id, method, outcome, recorded_by, at, appointment_id"
        " FROM check_ins")}
    bad = [c for c, hid in snapshot["check_in"].items() if c not in checks or checks[c][0] != hid]
    if bad:
        fail("%s: %d acknowledged check-ins missing" % (label, len(bad)))
    appt_ids = set(appts)
    for cid, (hid, office, method, outcome, by, at, appt) in checks.items():
        if hid not in holders or not by or int(at) <= 0 or (appt and appt not in appt_ids):
            fail("%s: check-in %s is not whole: %s" % (label, cid, (hid, office, method, outcome,
                                                                    by, at, appt)))
            break
    # Acknowledged means audited.
    audited = {}
    for action, hid in query("SELECT action, holder_id FROM audit_log WHERE outcome = 'ok' AND"
                             " action IN ('enroll_holder', 'issue_card', 'book_appointment',"
                             " 'check_in_holder', 'set_reporting')"):
        audited[(action, hid)] = audited.get((action, hid), 0) + 1
    for kind, action, holders_of in (
            ("holder", "enroll_holder", list(snapshot["holder"])),
            ("reporting", "set_reporting", list(snapshot["reporting"])),
            ("card", "issue_card", list(snapshot["card"].values())),
            ("booking", "book_appointment", [h for h, _ in snapshot["booking"].values()]),
            ("check_in", "check_in_holder", list(snapshot["check_in"].values()))):
        lacking = [h for h in holders_of if audited.get((action, h), 0) < 1]
        if lacking:
            fail("%s: %d acknowledged %s writes without an audit record (%s)" % (
                label, len(lacking), kind, action))
    if with_list:
        check_list(label)


def check_list(label):
    """The validity list published now says of every card what the store says,
    once the card changes queued for it are published (sdcd publishes at most
    once a second; a change queued before a kill is published after the
    restart)."""
    for _ in range(200):
        if int(query("SELECT count(*) FROM status_list_changes")[0][0]) == 0:
            break
        time.sleep(0.05)
    else:
        fail("%s: card changes still queued for the list 10 s after the start" % label)
    time.sleep(0.6)  # sdcd's loaded list is rechecked every 0.5 s
    path = os.path.join(log_dir, "validity.cwt")
    for name, url in (("validity.cwt", "/status/validity"), ("root.pem", "/trust/root.pem"),
                      ("signers.pem", "/trust/signers.pem")):
        c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        c.request("GET", url)
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            fail("%s: GET %s: %d" % (label, url, r.status))
            return
        with open(os.path.join(log_dir, name), "wb") as f:
            f.write(data)
    out = subprocess.run([args.sdc, "status", "show", path, "--root",
                          os.path.join(log_dir, "root.pem"), "--signers",
                          os.path.join(log_dir, "signers.pem")],
                         capture_output=True, text=True)
    shown = json.loads(out.stdout)
    if shown.get("signature") != "VALID":
        fail("%s: the validity list's signature: %s" % (label, shown.get("signature_problem")))
    listed = {e["index"]: e["value"] for e in shown["entries"]}
    # Cards issued after the store was read are not in `cards`; read again.
    cards = {row[0]: (row[1], int(row[2]), int(row[3]))
             for row in query("SELECT document_number, holder_id, state, status_index FROM cards")}
    by_index = {idx: state for _, state, idx in cards.values()}
    wrong = [(idx, state, listed.get(idx, 0)) for idx, state in by_index.items()
             if listed.get(idx, 0) != state]
    stray = [idx for idx in listed if idx not in by_index]
    if wrong:
        fail("%s: %d cards whose list entry is not their state, e.g. index %d: store %d, list %d"
             % (label, len(wrong), *wrong[0]))
    if stray:
        fail("%s: %d list entries that are no card's" % (label, len(stray)))
    return len(by_index)


def snapshot():
    with lock:
        return {"holder": dict(acked["holder"]), "reporting": set(acked["reporting"]),
                "card": dict(acked["card"]), "booking": dict(acked["booking"]),
                "check_in": dict(acked["check_in"]),
                "card_states": {d: set(s) for d, s in card_states.items()}}


def main():
    portrait = base64.b64encode(open(args.portrait, "rb").read()).decode() if args.portrait \
        else base64.b64encode(b"\xff\xd8\xff\xe0 not a real portrait").decode()
    proc = start_sdcd(0)

    def login(user, password):
        return must(request("POST", "/v1/login", None, {"username": user, "password": password}),
                    200, "login " + user)["token"]
    officer = login("officer", "demo-officer-pass")
    admin = login("demoadmin", "demo-admin-pass")
    hours = {d: "08:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    office = must(request("POST", "/v1/offices", admin, {
        "name": "Crash office %d" % seed, "address": "1 Main St", "time_zone": "UTC",
        "hours": hours, "slot_minutes": 15, "slot_capacity": 1000}), 201, "office")["id"]
    day = datetime.date.today() + datetime.timedelta(days=7)
    slots = must(request("GET", "/v1/offices/%s/slots?from=%s" % (office, day), officer), 200,
                 "slots")["slots"]
    if not slots:
        raise SystemExit("no free slots on %s" % day)
    plan = {"day": day.isoformat(), "starts": [s["starts_at"] for s in slots]}

    threads = [threading.Thread(target=client, args=(n, officer, office, plan, portrait),
                                daemon=True) for n in range(args.threads)]
    for t in threads:
        t.start()
    kills = 0
    verified = 0
    listed = 0
    started = time.time()
    for round_no in range(1, args.kills + 1):
        if round_no > 1:
            proc = start_sdcd(round_no)
            check_store(snapshot(), round_no, with_list=True)
            verified += 1
        go.set()
        time.sleep(rng.uniform(0.5, 3.0))
        if args.tamper and round_no == args.kills:
            # The damage needs an acknowledged check-in and a card whose
            # state is known: on a slow machine two short rounds may not
            # have made them yet.
            for _ in range(300):
                snap = snapshot()
                if snap["check_in"] and any(len(v) == 1 for v in snap["card_states"].values()):
                    break
                time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        go.clear()
        proc.wait()
        kills += 1
        ok, report = audit_verify()
        if not ok:
            fail("round %d: sdc audit verify after the kill: %s" % (round_no, report))
    stop.set()
    go.set()
    for t in threads:
        t.join(timeout=60)
    # The last restart: everything, then a clean stop and the chain once more.
    final = snapshot()
    if args.tamper:
        tamper(final)
    proc = start_sdcd(args.kills + 1)
    check_store(final, args.kills + 1, with_list=False)
    listed = check_list("final") or 0
    verified += 1
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=30)
    if rc != 0:
        fail("sdcd did not stop cleanly after the last restart: exit %d" % rc)
    ok, report = audit_verify()
    if not ok:
        fail("sdc audit verify after the clean stop: %s" % report)
    records = query("SELECT count(*) FROM audit_log")[0][0]
    print(json.dumps({
        "store": store, "seed": seed, "kills": kills, "restarts_checked": verified,
        "seconds": round(time.time() - started, 1),
        "acknowledged": {"enrollments": len(final["holder"]), "reporting": len(final["reporting"]),
                         "cards_issued": len(final["card"]), "bookings": len(final["booking"]),
                         "check_ins": len(final["check_in"]), "suspensions": acked["suspend"],
                         "lifts": acked["lift"], "revocations": acked["revoke"]},
        "unanswered_at_a_kill": unknown["count"], "refused": refused,
        "cards_in_list_checked": listed, "audit_records": int(records),
        "failures": len(failures), "first_failures": failures[:10]}))
    return 1 if failures else 0


sys.exit(main())

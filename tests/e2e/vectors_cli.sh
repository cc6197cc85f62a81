#!/usr/bin/env bash
# Every vector case through the real `sdc verify`: result, holder, validity
# and exit status (0 valid, 3 authentic but unchecked, 1 anything else).
set -euo pipefail
exec /usr/bin/python3 - "$SDC_BIN/sdc" "$SDC_VECTORS" <<'PY'
import json, subprocess, sys
sdc, vec = sys.argv[1], sys.argv[2]
cases = json.load(open(f"{vec}/cases.json"))["cases"]
failures = 0
for c in cases:
    cmd = [sdc, "verify", "--root", f"{vec}/root.pem", "--signers", f"{vec}/signers.pem",
           "--now", str(c["now"]), "--barcode", c["barcode"]]
    if c.get("validity_list"):
        cmd += ["--status", f"{vec}/{c['validity_list']}"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    out = json.loads(p.stdout)
    exp = c["expected"]
    want_rc = 1
    if exp["result"] == "VALID":
        want_rc = 0 if exp.get("validity") == "VALID" else 3
    problems = []
    if out["result"] != exp["result"]:
        problems.append(f"result {out['result']} != {exp['result']}")
    for k, v in exp.get("holder", {}).items():
        if out.get("holder", {}).get(k) != v:
            problems.append(f"holder.{k} {out.get('holder', {}).get(k)!r} != {v!r}")
    if "validity" in exp and out.get("validity") != exp["validity"]:
        problems.append(f"validity {out.get('validity')} != {exp['validity']}")
    if out.get("validity") == "UNKNOWN" and not out.get("validity_reason"):
        problems.append("validity UNKNOWN without validity_reason")
    if out.get("validity") in ("VALID", "INVALID", "SUSPENDED") and not out.get("status_as_of"):
        problems.append("no status_as_of")
    if p.returncode != want_rc:
        problems.append(f"exit {p.returncode} != {want_rc}")
    if problems:
        failures += 1
        print(f"FAIL {c['name']}: {'; '.join(problems)}")
print(f"vectors: {len(cases) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
PY

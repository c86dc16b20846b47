#!/usr/bin/env bash
# Does `claims x12 validate` report every error pyx12 4.0.0 reports? (docs/x12-validate.md)
#
#   scripts/validate-837p-set.sh
#
# Runs both validators over the test set of Tests/Fixtures/x12-validate/ and the sample batch's 837Ps:
#   pyx12/*.x12                       pyx12 fails each file, and so does claims x12 validate, with a
#                                     finding on every line where pyx12 reports a segment or element error;
#   beyond/*.x12                      pyx12 passes each file (a defect it does not check), claims does not;
#   Samples/expected/batch/x12/*.x12  both say clean.
# Uses the debug build (swift build) unless CLAIMS_BIN names a binary; pyx12 comes from .venv
# (scripts/validate-837p.sh sets it up). Exits 0 only when every file agrees.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
claims="${CLAIMS_BIN:-.build/debug/claims}"
[ -x "$claims" ] || swift build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=(Tests/Fixtures/x12-validate/pyx12/*.x12 Tests/Fixtures/x12-validate/beyond/*.x12 Samples/expected/batch/x12/*.x12)
# pyx12 (through the same checker as scripts/validate-837p.sh), then ours; both run over every file.
bash scripts/validate-837p.sh "${files[@]}" > "$work/pyx12.txt" 2>&1 || true
"$claims" x12 validate "${files[@]}" --format json > "$work/claims.json" || true
python3 - "$work/pyx12.txt" "$work/claims.json" <<'PY'
import json, re, sys
pyx12_text, claims_json = sys.argv[1], sys.argv[2]
verdict, lines, current = {}, {}, None
for line in open(pyx12_text, encoding="utf-8"):
    match = re.match(r"^(\S.*): (OK|Failure)$", line.rstrip("\n"))
    if match:
        current = match.group(1); verdict[current] = match.group(2) == "OK"; lines[current] = set(); continue
    error = re.match(r"^  error: Line:(\d+) (SEG|ELE):", line)
    if current and error:
        lines[current].add(int(error.group(1)))
ours = {entry["file"]: entry for entry in json.load(open(claims_json, encoding="utf-8"))["files"]}
failures = 0
print(f"{'file':62} {'pyx12':8} {'claims':8} verdict")
for name, entry in ours.items():
    pyx12_ok = verdict.get(name)
    found = {f["line"] for f in entry["findings"] if f["line"] is not None}
    missed = sorted(lines.get(name, set()) - found)
    if name.startswith("Tests/Fixtures/x12-validate/pyx12/"):
        good = pyx12_ok is False and not entry["clean"] and not missed
    elif name.startswith("Tests/Fixtures/x12-validate/beyond/"):
        good = pyx12_ok is True and not entry["clean"]
    else:
        good = pyx12_ok is True and entry["clean"]
    failures += 0 if good else 1
    note = "agree" if good else "DISAGREE" + (f" (no finding on pyx12's line(s) {missed})" if missed else "")
    pyx12_word = {True: "OK", False: "Failure", None: "?"}[pyx12_ok]
    print(f"{name:62} {pyx12_word:8} {'clean' if entry['clean'] else str(len(entry['findings'])) + ' found':8} {note}")
print(f"{len(ours) - failures} of {len(ours)} files agree")
sys.exit(1 if failures else 0)
PY

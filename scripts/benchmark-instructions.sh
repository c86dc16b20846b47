#!/usr/bin/env bash
# Instructions a release `claims batch` executes per encounter, counted by valgrind's callgrind:
# repeatable on a shared, noisy machine where seconds are not (docs/batch.md, "Benchmark").
#
#   bash scripts/benchmark-instructions.sh [N]     # default 2000 synthetic encounters
#
# Prints the total, the count per encounter, and the inclusive share of the batch's parts (reading
# and validating input, deciding, drafting 837P claims, FHIR, superbills, the store). CLAIMS_BIN picks
# another binary (then no release build is made); CALLGRIND_OUT=FILE keeps the profile for
# `callgrind_annotate --inclusive=yes FILE`. valgrind 3.19 cannot read the release binary's
# DWARF 5, so a copy without debug sections is profiled (symbols stay).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
command -v valgrind >/dev/null || { echo "benchmark-instructions: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
claims=${CLAIMS_BIN:-.build/release/claims}
[ -n "${CLAIMS_BIN:-}" ] || bash scripts/build-release.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
objcopy --strip-debug "$claims" "$work/claims"
python3 scripts/generate-encounters.py "$count" > "$work/encounters.jsonl"
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=2026-11-20 CLAIMS_DB="$work/claims.sqlite" CLAIMS_NOW=2026-11-20T17:30
status=0
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$work/claims" batch "$work/encounters.jsonl" --out "$work/out" \
  > /dev/null 2> "$work/valgrind.txt" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "benchmark-instructions: the batch failed (exit $status):" >&2; tail -20 "$work/valgrind.txt" >&2; exit 1
fi
callgrind_annotate --inclusive=yes --threshold=100 "$work/callgrind.out" 2>/dev/null > "$work/annotated.txt"
[ -z "${CALLGRIND_OUT:-}" ] || cp "$work/callgrind.out" "$CALLGRIND_OUT"
python3 - "$count" "$work/annotated.txt" <<'PY'
import re, sys
count, path = int(sys.argv[1]), sys.argv[2]
rows = []
total = None
for line in open(path, encoding="utf-8", errors="replace"):
    match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
    if not match:
        continue
    value, name = int(match.group(1).replace(",", "")), match.group(2)
    if "PROGRAM TOTALS" in name:
        total = value
    else:
        rows.append((value, name))
# Each part: the largest inclusive count among the functions whose mangled names contain these markers.
parts = [
    ("read and validate input (reader thread)", ["EncounterFileReaderV6decode"]),
    ("decide (rules, units, in file order)", ["BatchPlannerC4plan"]),
    ("draft 837P claims", ["Claim837PEncoderV7prepare"]),
    ("draft FHIR claims", ["FHIRClaimWriterV12claimEntries"]),
    ("superbills (HTML)", ["15ClaimsSuperbill0B8RendererV4html"]),
    ("superbill PDFs", ["PDFWriterV5write_8renderer"]),
    ("write 837P interchanges", ["PayerInterchangeC6append"]),
    ("store: the run's transaction (its own thread; history included)", ["RunTransactionC5store6number15outputDirectory"]),
    ("  of which the encounter history", ["RunRowsV14saveEncounters"]),
    ("load rules and clinic profile", ["loadRules"]),
]
print(f"encounters:             {count}")
print(f"instructions:           {total:,}")
print(f"per encounter:          {total // count:,}")
for label, markers in parts:
    found = max((value for value, name in rows if any(m in name for m in markers)), default=0)
    print(f"  {label:<62} {found / count:>12,.0f} per encounter  {100 * found / total:5.1f} %")
PY

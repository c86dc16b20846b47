#!/usr/bin/env bash
# Batch benchmark (docs/batch.md): N synthetic encounters through a release `claims batch`.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-40000}
swift build -c release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/generate-encounters.py "$count" > "$work/encounters.jsonl"
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=2026-11-20 CLAIMS_DB="$work/claims.sqlite" CLAIMS_NOW=2026-11-20T17:30
# Wall-clock seconds per phase of the run (docs/batch.md), printed below.
export CLAIMS_BATCH_TIMINGS=1
timer=(/usr/bin/time -v)
[ -x /usr/bin/time ] || timer=()
start=$(date +%s.%N)
status=0
"${timer[@]}" .build/release/claims batch "$work/encounters.jsonl" --out "$work/out" > "$work/summary.txt" 2> "$work/time.txt" || status=$?
end=$(date +%s.%N)
# 0: every encounter valid; 3: some rejected (the generator writes none). Anything else is a failed run, not a figure.
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "benchmark: the batch failed (exit $status):" >&2; cat "$work/time.txt" >&2; exit 1
fi
seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
rate=$(python3 -c "print(int($count / ($end - $start)))")
peak=$(grep -E 'Maximum resident set size' "$work/time.txt" | awk '{print int($6/1024)}')
echo "encounters: $count"
echo "seconds:    $seconds"
echo "per second: $rate"
echo "peak RSS:   ${peak:-unknown} MB"
cpu=$(awk -F': ' '/User time|System time/ { total += $2 } END { if (total) printf "%.1f", total }' "$work/time.txt")
echo "CPU time:   ${cpu:-unknown} s (user + system; wall × 2 would be both cores busy throughout)"
grep '^timing:' "$work/time.txt" | sed 's/^timing: /phase:      /' || true
echo "files:      $(find "$work/out" -type f | wc -l)"
# The superbill PDF writer on its own (time per PDF): scripts/benchmark-pdf.sh, on the same build.
SKIP_BUILD=1 bash scripts/benchmark-pdf.sh 600 typical
SKIP_BUILD=1 bash scripts/benchmark-pdf.sh 100 long

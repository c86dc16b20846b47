#!/usr/bin/env bash
# Batch benchmark (docs/batch.md): N synthetic encounters through a release `claims batch`.
#
#   bash scripts/benchmark.sh [N]              # default 40000; then the superbill PDF benchmarks
#   bash scripts/benchmark.sh 10000 40000 400000   # several sizes in one sitting, a summary table at the end
#
# Per size: seconds, encounters per second, peak resident memory (/usr/bin/time -v), CPU time and
# the batch's phase times. KEEP_OUT=DIR keeps each run's output folder as DIR/N (to compare two
# builds' outputs with `diff -r`); CLAIMS_BIN picks another binary (then no release build is made).
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(40000)
claims=${CLAIMS_BIN:-.build/release/claims}
[ -n "${SKIP_BUILD:-}" ] || [ -n "${CLAIMS_BIN:-}" ] || bash scripts/build-release.sh >/dev/null
# BENCH_DIR picks where the outputs and stores go (default: the system's temporary folder). On ext4
# without a journal, creating a file skips every inode freed in the last few minutes in its block
# group, one lookup each: right after a mass deletion (a test run) that costs up to a CPU-second at
# 40,000 encounters (docs/batch.md, "Benchmark"). The file system is printed with the figures.
work=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
trap 'rm -rf "$work"' EXIT
filesystem=$(stat -f -c %T "$work" 2>/dev/null || echo unknown)
timer=(/usr/bin/time -v)
[ -x /usr/bin/time ] || timer=()
summary=()
run=0
for count in "${counts[@]}"; do
  run=$((run + 1))
  python3 scripts/generate-encounters.py "$count" > "$work/encounters.jsonl"
  # Each size writes to a folder and store of its own, all removed at the end: on ext4 without a
  # journal, files created seconds after thousands were deleted cost a scan past every recently
  # freed inode (~1 CPU-second at 40,000 encounters after deleting the previous size's output).
  out="$work/out-$run"
  export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=2026-11-20 CLAIMS_DB="$work/claims-$run.sqlite" CLAIMS_NOW=2026-11-20T17:30
  export CLAIMS_BATCH_TIMINGS=1
  load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
  start=$(date +%s.%N)
  status=0
  "${timer[@]}" "$claims" batch "$work/encounters.jsonl" --out "$out" > "$work/summary.txt" 2> "$work/time.txt" || status=$?
  end=$(date +%s.%N)
  # 0: every encounter valid; 3: some rejected (the generator writes none). Anything else is a failed run, not a figure.
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    echo "benchmark: the batch failed (exit $status):" >&2; cat "$work/time.txt" >&2; exit 1
  fi
  seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
  rate=$(python3 -c "print(int($count / ($end - $start)))")
  peak=$(grep -E 'Maximum resident set size' "$work/time.txt" | awk '{print int($6/1024)}')
  cpu=$(awk -F': ' '/User time|System time/ { total += $2 } END { if (total) printf "%.1f", total }' "$work/time.txt")
  echo "encounters: $count"
  echo "seconds:    $seconds"
  echo "per second: $rate"
  echo "peak RSS:   ${peak:-unknown} MB"
  echo "CPU time:   ${cpu:-unknown} s (user + system; wall × 2 would be both cores busy throughout)"
  echo "load:       $load (1-minute load average of the machine before the run)"
  echo "file system: $filesystem ($work)"
  grep '^allocator:' "$work/time.txt" || true
  grep '^timing:' "$work/time.txt" | sed 's/^timing: /phase:      /' || true
  echo "files:      $(find "$out" -type f | wc -l)"
  echo
  summary+=("$(printf '%9s  %8s  %9s  %8s  %7s  %6s' "$count" "$seconds" "$rate" "${peak:-?} MB" "${cpu:-?}" "$load")")
  if [ -n "${KEEP_OUT:-}" ]; then mkdir -p "$KEEP_OUT"; rm -rf "${KEEP_OUT:?}/$count"; mv "$out" "$KEEP_OUT/$count"; fi
done
if [ ${#counts[@]} -gt 1 ]; then
  printf '%9s  %8s  %9s  %8s  %7s  %6s\n' encounters seconds "per second" "peak RSS" "CPU s" load
  printf '%s\n' "${summary[@]}"
else
  # The superbill PDF writer on its own (time per PDF): scripts/benchmark-pdf.sh, on the same build.
  [ -n "${SKIP_PDF:-}" ] || { SKIP_BUILD=1 CLAIMS_BIN="$claims" bash scripts/benchmark-pdf.sh 600 typical; SKIP_BUILD=1 CLAIMS_BIN="$claims" bash scripts/benchmark-pdf.sh 100 long; }
fi

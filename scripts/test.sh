#!/usr/bin/env bash
# The test command (README): set up, build, run every test, then validate the 837P files the
# samples produce with the independent validator pyx12 when the validator script exists.
# A skipped test is never silent: the run ends with "skipped: N" and the reason of each skip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test 2>&1 | tee "$log" || status=$?

# Swift Testing prints "<symbol> Test name() skipped: reason" (and "Suite Name skipped: reason" for a
# whole suite); XCTest prints "Test Case '…' skipped". Symbols and colours are stripped first.
skips=$(sed -E 's/\x1B\[[0-9;]*m//g' "$log" \
  | grep -E "^[^A-Za-z]*(Test|Suite) .+ skipped(:|$| \()|Test Case '.+' skipped" \
  | sed -E "s/^[^A-Za-z]*//; s/ skipped: / — /; s/ skipped.*$//" | sort -u || true)
count=0
[ -n "$skips" ] && count=$(printf '%s\n' "$skips" | wc -l)
if [ "$count" -gt 0 ]; then
  printf '%s\n' "$skips" | sed 's/^/  skipped: /'
  reasons=$(printf '%s\n' "$skips" | sed -E '/ — /!s/.*/no reason given/; s/^.* — //' | sort -u | paste -sd ';' | sed 's/;/; /g')
  echo "skipped: $count ($reasons)"
else
  echo "skipped: 0"
fi
[ "$status" -eq 0 ] || { echo "test.sh: swift test failed (exit $status)" >&2; exit "$status"; }

if [ -x scripts/validate-samples.sh ]; then
  bash scripts/validate-samples.sh
fi

# `claims x12 validate` against pyx12 on the broken-837P set (docs/x12-validate.md).
bash scripts/validate-837p-set.sh

# Every 270 we write and every 271 fixture, parsed by LinuxForHealth x12 (docs/eligibility.md).
bash scripts/validate-eligibility.sh

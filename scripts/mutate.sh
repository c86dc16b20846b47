#!/usr/bin/env bash
# Mutation probing (docs/testing.md): applies each source mutation of scripts/mutations.txt alone,
# builds, runs the tests that should catch it, and puts the source back — always, also on Ctrl-C
# or a failed build (trap on exit). Reports each as caught / survived / does not compile, then
#   mutations: N caught, M survived
# Slow (one build and test run per mutation, several minutes each on a loaded 2-core machine): not in CI.
#
#   bash scripts/mutate.sh [FILE] [PATTERN]   # FILE: default scripts/mutations.txt;
#                                             # PATTERN: run only mutations whose "about" matches (grep -E)
# Needs a clean work tree for the mutated files (it refuses to touch a file with uncommitted changes).
set -euo pipefail
cd "$(dirname "$0")/.."
list=${1:-scripts/mutations.txt}
only=${2:-}
timeout_seconds=${MUTATE_TIMEOUT:-1800}
work=$(mktemp -d)
log_dir=${MUTATE_LOGS:-$work/logs}
mkdir -p "$log_dir"

# Every original is kept here before it is touched; the trap puts each one back.
restore() {
  local backup
  for backup in "$work"/originals/*; do
    [ -e "$backup" ] || continue
    cp -p "$backup" "$(cat "$backup.path")"
    rm -f "$backup" "$backup.path"
  done
}
cleanup() { restore; rm -rf "$work/originals"; [ -n "${MUTATE_LOGS:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/originals"

# The list as one mutation per line: file<TAB>find<TAB>replace<TAB>filter<TAB>about (checked here).
python3 - "$list" > "$work/list.tsv" <<'PY'
import sys
blocks, current = [], {}
for number, raw in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    line = raw.rstrip("\n")
    if line.startswith("#"):
        continue
    if not line.strip():
        if current: blocks.append(current); current = {}
        continue
    key, sep, value = line.partition(": ")
    if not sep and line.endswith(":"):
        key, value = line[:-1], ""
    elif not sep:
        sys.exit(f"{sys.argv[1]}:{number}: expected 'key: value'")
    current[key] = value
if current: blocks.append(current)
for index, block in enumerate(blocks, 1):
    for key in ("file", "find", "replace", "filter", "about"):
        if key not in block: sys.exit(f"{sys.argv[1]}: mutation {index} has no '{key}'")
    text = open(block["file"], encoding="utf-8").read()
    count = text.count(block["find"])
    if count != 1:
        sys.exit(f"{sys.argv[1]}: mutation {index} ({block['about']}): the text occurs {count} times in {block['file']}, not once")
    print("\t".join(block[key] for key in ("file", "find", "replace", "filter", "about")))
PY

mutated_files=$(cut -f1 "$work/list.tsv" | sort -u)
for file in $mutated_files; do
  if ! git diff --quiet -- "$file" || ! git diff --cached --quiet -- "$file"; then
    echo "mutate: $file has uncommitted changes; commit or stash them first" >&2
    exit 2
  fi
done

# The unmutated tree must build and pass first, or nothing below means anything.
echo "mutate: building the unmutated tree"
swift build --build-tests >"$log_dir/baseline-build.log" 2>&1 || { echo "mutate: the unmutated tree does not build (see $log_dir/baseline-build.log)" >&2; exit 2; }

caught=0 survived=0 broken=0 number=0
survivors=()
while IFS=$'\t' read -r file find replace filter about; do
  number=$((number + 1))
  if [ -n "$only" ] && ! grep -Eq -- "$only" <<<"$about"; then continue; fi
  key=$(printf '%s' "$file" | tr '/' '_')
  cp -p "$file" "$work/originals/$key"
  printf '%s' "$file" > "$work/originals/$key.path"
  FIND=$find REPLACE=$replace python3 - "$file" <<'PY'
import os, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(text.replace(os.environ["FIND"], os.environ["REPLACE"], 1))
PY
  log="$log_dir/mutation-$number.log"
  started=$(date +%s)
  # stdin from /dev/null: the loop reads the list from stdin.
  if ! timeout "$timeout_seconds" swift build --build-tests >"$log" 2>&1 </dev/null; then
    verdict="DOES NOT COMPILE"; broken=$((broken + 1))
  elif timeout "$timeout_seconds" swift test --skip-build --filter "$filter" >>"$log" 2>&1 </dev/null; then
    verdict="SURVIVED"; survived=$((survived + 1)); survivors+=("$number: $about")
  else
    verdict="caught"; caught=$((caught + 1))
  fi
  restore
  printf '%-16s #%-2s %4ss  %s  (%s; filter %s)\n' "$verdict" "$number" "$(( $(date +%s) - started ))" "$about" "$file" "$filter"
done < "$work/list.tsv"

# Leave a tree that builds as committed, so the next build is not a surprise.
swift build --build-tests >"$log_dir/final-build.log" 2>&1 || echo "mutate: warning: the restored tree did not build (see $log_dir/final-build.log)" >&2
for line in "${survivors[@]}"; do echo "survived: $line"; done
[ "$broken" -eq 0 ] || echo "mutations that do not compile: $broken (fix their entries)"
echo "mutations: $caught caught, $survived survived"
[ "$survived" -eq 0 ] && [ "$broken" -eq 0 ]

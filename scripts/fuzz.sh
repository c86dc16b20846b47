#!/usr/bin/env bash
# Optional coverage-guided fuzzing with libFuzzer (not run in CI; docs/testing.md, "Fuzz tests").
#
#   bash scripts/fuzz.sh TARGET [SECONDS] [libFuzzer options...]
#
# TARGET is encounters, x12, rules or clinic. Builds Sources/claims-fuzz with -sanitize=fuzzer into
# .build-fuzz (apart from the normal .build), seeds a working corpus from Tests/Fixtures/fuzz and the
# samples, and fuzzes for SECONDS (default 300). Crashes are written to .build-fuzz/artifacts/TARGET/;
# replay one with `swift run claims-fuzz TARGET FILE`, then copy it into Tests/Fixtures/fuzz/ as a
# regression input.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-300}
case "$target" in
    encounters) folder=encounters; seeds=(Samples/encounters.json Samples/invalid-encounters.jsonl Samples/schedule.json) ;;
    x12) folder=x12; seeds=(Samples/expected/*.837p.x12) ;;
    rules) folder=rules; seeds=(Payers/*.yaml Samples/rule-updates/*/*.yaml) ;;
    clinic) folder=clinic; seeds=(Samples/clinic.yaml) ;;
    *) echo "usage: bash scripts/fuzz.sh {encounters|x12|rules|clinic} [SECONDS] [libFuzzer options...]" >&2; exit 64 ;;
esac
shift $(( $# < 2 ? $# : 2 ))

build=.build-fuzz
mkdir -p "$build"
# SwiftPM compiles every module with coverage instrumentation; its link step fails on purpose
# (it aliases `main` to the executable's entry point, libFuzzer brings its own), so link here.
swift build -c release --build-path "$build" --product claims-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DCLAIMS_LIBFUZZER \
    > "$build/build.log" 2>&1 || grep -q "link command failed" "$build/build.log" || { cat "$build/build.log" >&2; exit 1; }
products=$(swift build -c release --build-path "$build" --show-bin-path)
swiftc -sanitize=fuzzer @"$products/claims-fuzz.product/Objects.LinkFileList" -o "$products/claims-libfuzzer"

corpus="$build/corpus/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
cp -n "${seeds[@]}" Tests/Fixtures/fuzz/"$folder"/* "$corpus"/ 2>/dev/null || true

# The Swift runtime's backtracer would catch the trap before libFuzzer can save the input.
SWIFT_BACKTRACE=enable=no CLAIMS_FUZZ_TARGET="$target" "$products/claims-libfuzzer" "$corpus" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@"

#!/usr/bin/env bash
# The test command (README): set up, build, run every test, then validate the 837P files the
# samples produce with the independent validator pyx12 when the validator script exists.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build
swift test
if [ -x scripts/validate-samples.sh ]; then
  bash scripts/validate-samples.sh
fi

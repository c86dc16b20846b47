#!/usr/bin/env bash
# The main job over Samples/: set up, build, then run the billing office's batch on the sample
# encounters into out/ (a fresh store in out/claims.sqlite, seeded with the sample authorizations).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release
claims=.build/release/claims
out=${OUT:-out}
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=${CLAIMS_AS_OF:-2026-11-20} CLAIMS_DB="$out/claims.sqlite"
mkdir -p "$out"
if [ ! -f "$CLAIMS_DB" ]; then
  bash scripts/seed-sample-authorizations.sh "$claims"
fi
if "$claims" batch --help >/dev/null 2>&1 && "$claims" batch Samples/encounters.json --out "$out/batch"; then
  echo "batch written to $out/batch (report: $out/batch/report.html)"
else
  status=$?
  echo "batch exited with $status (see docs/errors.md)"
  exit $status
fi

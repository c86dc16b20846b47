#!/usr/bin/env bash
# Superbill PDF benchmark (docs/superbills.md, docs/testing.md): the time the native PDF writer adds
# per superbill in a release `claims batch`. It runs the same N self-pay encounters (every one a
# superbill) twice — with PDFs and with --no-pdf — and divides the difference by N.
#
#   bash scripts/benchmark-pdf.sh [N] [typical|long]     # default: 600 typical (3 lines, 1 page)
#
# `long` superbills have 40 lines (3 pages). Figures vary with the machine's load: compare runs from
# one sitting. This replaced a timing "test" that asserted nothing. CLAIMS_BIN picks another binary
# (e.g. .build/debug/claims; then no release build is made).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-600}
shape=${2:-typical}
case "$shape" in typical|long) ;; *) echo "usage: scripts/benchmark-pdf.sh [N] [typical|long]" >&2; exit 2 ;; esac
claims=${CLAIMS_BIN:-.build/release/claims}
[ -n "${SKIP_BUILD:-}" ] || [ -n "${CLAIMS_BIN:-}" ] || bash scripts/build-release.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$count" "$shape" > "$work/superbills.jsonl" <<'PY'
import json, sys
count, shape = int(sys.argv[1]), sys.argv[2]
if shape == "typical":
    services = [{"code": "99214", "modifiers": ["25"], "units": 1, "charge": "210.00", "diagnosisPointers": [1]},
                {"code": "96365", "units": 1, "charge": "650.00", "diagnosisPointers": [1]},
                {"code": "J3490", "units": 50, "charge": "75.50", "diagnosisPointers": [1],
                 "ndc": "42023011310", "ndcQuantity": 1, "ndcUnit": "ML"}]
else:
    services = [{"code": "99213", "units": 1, "charge": f"{100 + i}.00", "diagnosisPointers": [1]} for i in range(40)]
for n in range(count):
    print(json.dumps({
        "id": f"PDF-{n:06d}", "dateOfService": "2026-11-03", "placeOfService": "11",
        "patient": {"id": f"PT-{n:05d}", "firstName": "Zoë", "middleName": None, "lastName": "Müller-Peña",
                    "dateOfBirth": "1984-02-11", "sex": "F",
                    "address": {"line1": "412 W Main St", "line2": None, "city": "Carbondale", "state": "IL", "zip": "629011234"},
                    "phone": "6185550101"},
        "coverage": None,
        "renderingProvider": {"npi": "1234567893", "firstName": "Ravi", "lastName": "Patel", "taxonomy": "2084P0800X"},
        "diagnoses": ["F33.2"], "clinical": {}, "services": services, "priorAuthorization": None,
        "payments": [{"date": "2026-11-03", "amount": "500.00", "method": "card"}],
    }, ensure_ascii=False))
PY
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=2026-11-20 CLAIMS_NOW=2026-11-20T17:30
run() {  # run LABEL [--no-pdf]: prints the wall-clock seconds of one batch into a fresh store and folder
  local label=$1; shift
  local start end status=0
  start=$(date +%s.%N)
  CLAIMS_DB="$work/$label.sqlite" "$claims" batch "$work/superbills.jsonl" --out "$work/$label" "$@" >/dev/null 2>"$work/$label.err" || status=$?
  end=$(date +%s.%N)
  if [ "$status" -ne 0 ]; then echo "benchmark-pdf: the batch failed (exit $status):" >&2; cat "$work/$label.err" >&2; exit 1; fi
  python3 -c "print($end - $start)"
}
html=$(run html --no-pdf)
pdf=$(run pdf)
pdfs=$(find "$work/pdf/superbills" -name '*.pdf' | wc -l)
[ "$pdfs" -eq "$count" ] || { echo "benchmark-pdf: expected $count PDFs, found $pdfs" >&2; exit 1; }
python3 -c "print(f'superbills: $count ($shape): {$pdf:.2f} s with PDFs, {$html:.2f} s HTML only')"
python3 -c "print(f'native PDF, $shape: {max(0.0, ($pdf - $html)) / $count * 1e6:.0f} µs per superbill (batch difference, PDF written to disk)')"

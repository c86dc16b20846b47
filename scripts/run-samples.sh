#!/usr/bin/env bash
# The main job over Samples/: set up, build, then run the billing office's batch on the sample
# encounters into out/ (a fresh store in out/claims.sqlite, seeded with the sample authorizations),
# then import what the payers sent back (Samples/responses: 999, 277CA, 835) and print the AR report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-release.sh
claims=.build/release/claims
out=${OUT:-out}
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=${CLAIMS_AS_OF:-2026-11-20} CLAIMS_DB="$out/claims.sqlite"
mkdir -p "$out"
fresh=
if [ ! -f "$CLAIMS_DB" ]; then
  bash scripts/seed-sample-authorizations.sh "$claims"
  fresh=1
fi
if "$claims" batch --help >/dev/null 2>&1 && "$claims" batch Samples/encounters.json --out "$out/batch"; then
  echo "batch written to $out/batch (report: $out/batch/report.html)"
else
  status=$?
  echo "batch exited with $status (see docs/errors.md)"
  exit $status
fi
# The responses answer the sample batch's control numbers and CLM01s (docs/responses.md); importing
# them again changes nothing. The AR report is as of a date after the last 835.
"$claims" responses import Samples/responses/*.x12
"$claims" ar --as-of "${AR_AS_OF:-2026-12-15}" --html "$out/batch/ar.html"
# Corrections and secondary claims (docs/corrections.md): the next batch after the 835s sends the
# claim of the patient with two plans (ENC-2026-0080) to the secondary payer with the primary's
# adjudication, skips the one Medicare crossed over to Medicaid (ENC-2026-0081), and resends the
# claims a 999/277CA rejected as originals. Everything else is already billed.
"$claims" batch Samples/encounters.json --out "$out/batch-2"
"$claims" claim show ENC-2026-0080
# Good Faith Estimates for the scheduled uninsured and self-pay patients (docs/patient-charges.md):
# written to $out/estimates and recorded in the store, so a later self-pay bill is compared with them.
"$claims" estimate Samples/schedule.json --out "$out"
"$claims" estimate Samples/estimates/schedule.json --out "$out"
# Eligibility (docs/eligibility.md): the 270s for the week's schedule, the payers' sample 271s (matched by
# trace number; importing again changes nothing), then the checklist with each patient's coverage and cost
# share; on the day (2026-11-27) check holds the inactive Medicare patient's lines.
"$claims" eligibility request Samples/schedule.json --out "$out/eligibility"
"$claims" eligibility import Samples/eligibility/*.x12
"$claims" preauth checklist Samples/schedule.json > "$out/eligibility/checklist.txt"
"$claims" check Samples/schedule.json --as-of 2026-11-27 > "$out/eligibility/check-2026-11-27.txt"
echo "eligibility: 270s, checklist.txt and check-2026-11-27.txt in $out/eligibility"
# Prior-authorization requests (docs/prior-auth-requests.md), on a fresh store: the sample requests still
# open (authorization 10, PT-1009's Spravato with Illinois Medicaid, as a 278 and as a PAS Bundle; 7,
# PT-1012's Spravato with UHC, as PAS), the payer's answers to authorization 10, and the checklist with the approval.
if [ -n "$fresh" ]; then
  "$claims" preauth request 10 --out "$out/prior-auth" --format x12
  "$claims" preauth request 10 --out "$out/prior-auth" --format fhir
  "$claims" preauth request 7 --out "$out/prior-auth" --format fhir
  "$claims" preauth import Samples/prior-auth/278-response-approved.x12 Samples/prior-auth/pas-response-approved.json
  "$claims" preauth checklist Samples/prior-auth/schedule.json
fi

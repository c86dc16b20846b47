#!/usr/bin/env bash
# Independent validators over what the samples produce: a batch over Samples/ into a temporary
# directory, then every 837P through pyx12 4.0.0 and, where ../shared is present, every FHIR file
# through the official FHIR R4 schema with xmllint — the batch's and the golden ones
# (Samples/expected/batch). Any failure fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
claims=${CLAIMS_BIN:-.build/debug/claims}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=2026-11-20 CLAIMS_DB="$work/claims.sqlite"
bash scripts/seed-sample-authorizations.sh "$claims"
"$claims" batch Samples/encounters.json --out "$work/out" >/dev/null
# The next batch after the sample responses: the secondary claim and the resent rejections (docs/corrections.md).
"$claims" responses import Samples/responses/*.x12 >/dev/null
"$claims" batch Samples/encounters.json --out "$work/out2" >/dev/null
shopt -s nullglob
written=("$work"/out/x12/*.x12 "$work"/out2/x12/*.x12)
[ ${#written[@]} -gt 0 ] || { echo "validate-samples: the batch wrote no 837P file" >&2; exit 1; }
# The golden batch output (Samples/expected/batch, SampleGoldenTests) is validated too.
goldens=(Samples/expected/batch/x12/*.x12)
[ ${#goldens[@]} -gt 0 ] || { echo "validate-samples: no golden 837P in Samples/expected/batch/x12" >&2; exit 1; }
x12=("${written[@]}" "${goldens[@]}")
fhir=("$work"/out/fhir/*.xml "$work"/out2/fhir/*.xml Samples/expected/batch/fhir/*.xml)
echo "validate-samples: ${#x12[@]} 837P files through pyx12"
bash scripts/validate-837p.sh "${x12[@]}"
# The response fixtures and samples (999, 277CA, 835; docs/responses.md) pass pyx12 as well.
responses=(Tests/Fixtures/responses/*.x12 Samples/responses/*.x12)
echo "validate-samples: ${#responses[@]} response files (999, 277CA, 835) through pyx12"
bash scripts/validate-837p.sh "${responses[@]}"
schema=../shared/fhir-r4-schema/fhir-single.xsd
if [ -f "$schema" ]; then
  # xmllint comes from libxml2-utils (scripts/setup.sh).
  if command -v xmllint >/dev/null; then
    echo "validate-samples: ${#fhir[@]} FHIR files through the official R4 schema"
    verdict=0
    messages=$(xmllint --nonet --noout --schema "$schema" "${fhir[@]}" 2>&1) || verdict=$?
    grep -v ' validates$' <<<"$messages" || true
    [ "$verdict" -eq 0 ] || { echo "validate-samples: FHIR files fail the official schema" >&2; exit 1; }
  else
    echo "validate-samples: xmllint not available; FHIR files are checked by the Swift tests instead"
  fi
else
  echo "validate-samples: ../shared/fhir-r4-schema is absent; skipping the official FHIR schema check"
fi
# Da Vinci PAS JSON (the sample and fixture responses) against the official FHIR R4 JSON schema
# (python jsonschema; skipped with a message without ../shared). Requests are checked by PreauthRequestCLITests.
pas=(Samples/prior-auth/pas-*.json Tests/Fixtures/prior-auth/pas-*.json)
echo "validate-samples: ${#pas[@]} PAS JSON files through the official R4 JSON schema"
bash scripts/validate-pas.sh "${pas[@]}"

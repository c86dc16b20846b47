#!/usr/bin/env bash
# Da Vinci PAS JSON (requests and responses) against the official FHIR R4 JSON schema
# (../shared/fhir-r4-schema/fhir.schema.json) with python jsonschema, plus reference resolution
# inside each Bundle. Uses python3's jsonschema when present, else a venv at .venv-pas.
# Usage: scripts/validate-pas.sh FILE...   (exit 0 = all valid; skips with a message when ../shared is absent)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
schema="$root/../shared/fhir-r4-schema/fhir.schema.json"
if [ ! -f "$schema" ]; then
  echo "validate-pas: $schema is absent; PAS JSON schema check skipped"
  exit 0
fi
python=python3
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  venv="$root/.venv-pas"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import jsonschema' 2>/dev/null; then
    python3 -m venv "$venv" && "$venv/bin/pip" install --quiet jsonschema \
      || { echo "validate-pas: cannot install jsonschema (pip install jsonschema)" >&2; exit 2; }
  fi
  python="$venv/bin/python"
fi
"$python" "$root/scripts/validate-pas.py" "$schema" "$@"

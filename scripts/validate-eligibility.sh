#!/usr/bin/env bash
# Parses every 270 the samples make and every 271 fixture with LinuxForHealth x12 0.57.0, an independent
# reader of 005010X279A1 (docs/eligibility.md), like scripts/validate-837p.sh does with pyx12 for 837Ps.
#
#   scripts/validate-eligibility.sh
#
# Its own venv (.build/lfh-venv: LinuxForHealth pins pydantic < 2, pyx12 lives in .venv) is created on
# first use; when it cannot be installed (offline) the check is skipped with the reason, never silently.
# Exits 0 when every file parses (or the check was skipped), 1 when any file fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/.build/lfh-venv"
python_bin="${PYTHON:-python3}"

if ! "$venv/bin/python" -c 'import linuxforhealth.x12.io' 2>/dev/null; then
    echo "validate-eligibility: setting up $venv with linuxforhealth-x12 0.57.0" >&2
    if ! { "$python_bin" -m venv "$venv" && "$venv/bin/pip" install --quiet "linuxforhealth-x12==0.57.0" "pydantic<2"; } >&2; then
        echo "skipped: LinuxForHealth x12 check — linuxforhealth-x12 0.57.0 could not be installed (offline?); the 270s and 271s were not parsed independently"
        exit 0
    fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
claims=.build/debug/claims
[ -x "$claims" ] || swift build
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=2026-11-20 CLAIMS_DB="$work/claims.sqlite" CLAIMS_NOW=2026-11-20T09:15
# The scheduled week and every sample encounter (with a dependent, 2000D): all 270s we write.
"$claims" eligibility request Samples/schedule.json --out "$work/270" >/dev/null
"$claims" eligibility request Samples/encounters.json --out "$work/270" >/dev/null
"$venv/bin/python" scripts/lfh_check.py "$work"/270/*.x12 Samples/eligibility/*.x12 Tests/Fixtures/eligibility/*.271

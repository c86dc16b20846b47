#!/usr/bin/env bash
# Validate 837P files with pyx12 4.0.0 (the independent validator CONTRACT §5 names).
#
#   scripts/validate-837p.sh FILE...
#
# Creates .venv at the repository root on first use (pip install pyx12==4.0.0), then runs
# scripts/pyx12_check.py, which prints "FILE: OK" or "FILE: Failure" plus every error.
# Exits 0 only when every file is clean; 1 when any file fails; 2 on usage or setup errors.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python_bin="${PYTHON:-python3}"

if [[ $# -eq 0 ]]; then
    echo "usage: scripts/validate-837p.sh FILE..." >&2
    exit 2
fi
for file in "$@"; do
    if [[ ! -f "$file" ]]; then
        echo "validate-837p: no such file: $file" >&2
        exit 2
    fi
done

if ! "$venv/bin/python" -c 'import pyx12, sys; sys.exit(pyx12.__version__ != "4.0.0")' 2>/dev/null; then
    echo "validate-837p: setting up $venv with pyx12 4.0.0" >&2
    "$python_bin" -m venv "$venv" || { echo "validate-837p: cannot create a venv with $python_bin (apt-get install python3-venv)" >&2; exit 2; }
    "$venv/bin/pip" install --quiet "pyx12==4.0.0" || { echo "validate-837p: pip install pyx12==4.0.0 failed" >&2; exit 2; }
fi

"$venv/bin/python" "$root/scripts/pyx12_check.py" "$@"

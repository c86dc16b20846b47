#!/usr/bin/env bash
# Installs what a fresh Debian machine with only the Swift toolchain lacks. Idempotent and quick
# when everything is already there. Needs root (or sudo) only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Fonts embedded in superbill PDFs (docs/superbills.md): DejaVu Sans (Latin, Greek, Cyrillic…), Droid Sans
# Fallback (CJK) and Symbola (symbols, emoji). Without them the PDFs fall back to Helvetica (Latin only).
packages=(libsqlite3-dev libxml2-dev libjemalloc-dev libxml2-utils pkg-config python3-venv poppler-utils
          fonts-dejavu-core fonts-droid-fallback fonts-symbola)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setup: ok"

#!/usr/bin/env bash
# Installs the superbill PDF renderer: WeasyPrint (pinned, from PyPI) in its own venv, plus the
# Debian libraries it loads at run time. Idempotent; a second run only checks and exits (< 1 s).
#
#   sudo scripts/install-pdf-renderer.sh          # as root on Debian 12 (CI runs it as root)
#
# Result: /opt/claims-pdf/bin/weasyprint, linked as /usr/local/bin/weasyprint.
# Override the location with CLAIMS_PDF_VENV=/path (then set CLAIMS_WEASYPRINT=/path/bin/weasyprint).
# Add --with-checkers to also install poppler-utils (pdftotext/pdftoppm, used by tests to read PDFs).
set -euo pipefail

WEASYPRINT_VERSION="${WEASYPRINT_VERSION:-70.0}"
VENV="${CLAIMS_PDF_VENV:-/opt/claims-pdf}"
LINK=/usr/local/bin/weasyprint
WITH_CHECKERS=0
for arg in "$@"; do
    case "$arg" in
        --with-checkers) WITH_CHECKERS=1 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install-pdf-renderer: unknown option '$arg' (use --with-checkers or --help)" >&2; exit 64 ;;
    esac
done

# Debian's python3 (a pyenv or other shim on PATH may change between sessions); else whatever is on PATH.
PYTHON="${CLAIMS_PDF_PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
    if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON="$(command -v python3 || true)"; fi
fi
[[ -n "$PYTHON" ]] || { echo "install-pdf-renderer: python3 not found; install it with: apt-get install -y python3" >&2; exit 69; }

# Shared libraries WeasyPrint dlopens (pango/harfbuzz/fontconfig), a font with Latin accents,
# and the venv module. libharfbuzz-subset0 is optional for WeasyPrint but avoids a warning and shrinks PDFs.
APT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core python3-venv)
[[ "$WITH_CHECKERS" == 1 ]] && APT_PACKAGES+=(poppler-utils)

installed_ok() {
    [[ -x "$VENV/bin/weasyprint" ]] && "$VENV/bin/weasyprint" --version 2>/dev/null | grep -q "version $WEASYPRINT_VERSION\$"
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]] && installed_ok; then
    [[ -e "$LINK" ]] || ln -s "$VENV/bin/weasyprint" "$LINK"
    echo "install-pdf-renderer: weasyprint $WEASYPRINT_VERSION already installed at $VENV"
    exit 0
fi

if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "install-pdf-renderer: need root to install: ${missing[*]} (run with sudo)" >&2; exit 77
    fi
    echo "install-pdf-renderer: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! installed_ok; then
    echo "install-pdf-renderer: pip install weasyprint==$WEASYPRINT_VERSION into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "weasyprint==$WEASYPRINT_VERSION"
fi

# Link only when nothing else owns the name (an apt weasyprint in /usr/bin stays untouched).
if [[ -L "$LINK" || ! -e "$LINK" ]]; then ln -sfn "$VENV/bin/weasyprint" "$LINK"; fi

# Smoke test: accents must survive into the PDF (fails loudly here rather than in a batch run).
probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
printf '<!doctype html><meta charset="utf-8"><p>Müller Peña</p>' > "$probe_dir/probe.html"
"$VENV/bin/weasyprint" "$probe_dir/probe.html" "$probe_dir/probe.pdf"
[[ -s "$probe_dir/probe.pdf" ]] || { echo "install-pdf-renderer: weasyprint produced no PDF" >&2; exit 70; }
echo "install-pdf-renderer: weasyprint $("$VENV/bin/weasyprint" --version | awk '{print $NF}') ready at $VENV/bin/weasyprint"

#!/usr/bin/env bash
# Response import benchmark (docs/responses.md): a release batch bills synthetic encounters, then an
# 835 paying N of its claims (every line with REF*6R, CAS and AMT; one in ten with a PR copay, one in
# twenty denied) is imported and `claims ar` is run, each timed.
#
#   bash scripts/benchmark-responses.sh [N=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
[ -n "${SKIP_BUILD:-}" ] || bash scripts/build-release.sh >/dev/null
claims=${CLAIMS_BIN:-.build/release/claims}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# About two encounters in three are billed; generate enough for N claims.
python3 scripts/generate-encounters.py $(( count * 16 / 10 )) > "$work/encounters.jsonl"
export CLAIMS_PAYERS=Payers CLAIMS_CLINIC=Samples/clinic.yaml CLAIMS_AS_OF=2026-11-20 CLAIMS_DB="$work/claims.sqlite" CLAIMS_NOW=2026-11-20T17:30 CI=1
"$claims" batch "$work/encounters.jsonl" --out "$work/out" --no-pdf > /dev/null || [ $? -eq 3 ]
python3 - "$work/out/x12" "$count" > "$work/remittance.x12" <<'PY'
import glob, sys
folder, wanted = sys.argv[1], int(sys.argv[2])
claims = []
for path in sorted(glob.glob(folder + "/*.x12")):
    claim = None
    for raw in open(path).read().split("~"):
        fields = raw.strip().split("*")
        if fields[0] == "CLM":
            claim = {"id": fields[1], "lines": []}
            claims.append(claim)
        elif fields[0] == "SV1" and claim is not None:
            claim["lines"].append({"proc": fields[1].replace(":", ":"), "charge": fields[2], "units": fields[4]})
        elif fields[0] == "DTP" and fields[1] == "472" and claim is not None:
            claim["lines"][-1]["date"] = fields[3]
        elif fields[0] == "REF" and fields[1] == "6R" and claim is not None:
            claim["lines"][-1]["ref"] = fields[2]
claims = claims[:wanted]
if len(claims) < wanted:
    sys.exit(f"benchmark-responses: the batch billed only {len(claims)} claims")
def cents(text): return round(float(text) * 100)
def money(c): return f"{c // 100}.{c % 100:02d}" if c >= 0 else "-" + money(-c)
body, total = [], 0
for n, claim in enumerate(claims):
    denied = n % 20 == 19
    lines, paid_claim, charge_claim, pr_claim = [], 0, 0, 0
    for line in claim["lines"]:
        charge = cents(line["charge"])
        copay = 2000 if n % 10 == 3 and not lines else 0
        paid = 0 if denied else charge * 8 // 10 - copay
        contractual = charge - paid - copay
        segs = [f"SVC*{line['proc']}*{money(charge)}*{money(paid)}**{line['units']}", f"DTM*472*{line['date']}"]
        segs.append(f"CAS*CO*{'197' if denied else '45'}*{money(contractual)}")
        if copay: segs.append(f"CAS*PR*3*{money(copay)}")
        segs += [f"REF*6R*{line['ref']}", f"AMT*B6*{money(paid + copay)}"]
        lines += segs
        paid_claim += paid; charge_claim += charge; pr_claim += copay
    status = "4" if denied else "1"
    body += [f"CLP*{claim['id']}*{status}*{money(charge_claim)}*{money(paid_claim)}*{money(pr_claim) if pr_claim else ''}*12*B{n:012d}*11*1",
             "NM1*QC*1*PATIENT*TEST****MI*M0000"] + lines
    total += paid_claim
header = ["ST*835*0001", f"BPR*I*{money(total)}*C*CHK************20261215", "TRN*1*BENCH0001*1370123456",
          "N1*PR*BENCHMARK PAYER", "N3*1 MAIN ST", "N4*CHICAGO*IL*60601", "PER*BL*PROVIDER SERVICES*TE*8005551234",
          "N1*PE*SOUTHERN ILLINOIS INTERVENTIONAL PSYCHIATRY*XX*1245319599", "LX*1"]
segments = header + body
segments.append(f"SE*{len(segments) + 1}*0001")
print("ISA*00*          *00*          *ZZ*00621          *ZZ*SIIP01         *261215*0700*^*00501*000099001*0*P*:~")
print("GS*HP*00621*SIIP01*20261215*0700*99001*X*005010X221A1~")
print("~\n".join(segments) + "~")
print("GE*1*99001~")
print("IEA*1*000099001~")
PY
timer=(/usr/bin/time -v)
[ -x /usr/bin/time ] || timer=()
start=$(date +%s.%N)
"${timer[@]}" "$claims" responses import "$work/remittance.x12" > "$work/import.txt" 2> "$work/time.txt"
end=$(date +%s.%N)
tail -1 "$work/import.txt"
ar_start=$(date +%s.%N)
"$claims" ar --as-of 2026-12-31 --format json > "$work/ar.json"
ar_end=$(date +%s.%N)
echo "claims:         $count ($(grep -c '^SVC' "$work/remittance.x12") lines, $(du -k "$work/remittance.x12" | cut -f1) KiB)"
echo "import seconds: $(python3 -c "print(f'{$end - $start:.2f}')")"
echo "peak RSS:       $(grep -E 'Maximum resident set size' "$work/time.txt" | awk '{print int($6/1024)}') MB"
cpu=$(awk -F': ' '/User time|System time/ { total += $2 } END { if (total) printf "%.2f", total }' "$work/time.txt")
echo "import CPU:     ${cpu:-unknown} s (user + system; on a busy shared machine the wall time above is longer)"
echo "ar seconds:     $(python3 -c "print(f'{$ar_end - $ar_start:.2f}')")"

#!/usr/bin/env bash
# `claims x12 validate` against pyx12 4.0.0 on the same 10,000-claim 837P (docs/x12-validate.md).
#
#   scripts/benchmark-x12-validate.sh [CLAIMS]      (default 10000)
#
# Builds the release binary (SKIP_BUILD=1 skips it), writes one interchange of CLAIMS claims — the
# first claim of the sample batch's BCBS file (an office visit and a Spravato line with its NDC)
# repeated under one subscriber HL each, fixed control numbers, 5,000 claims per transaction set as
# the guide recommends — then times both validators on it, whole process, and prints the two times
# side by side with the ratio. Both must call the file clean, or the figures mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
[ "${SKIP_BUILD:-0}" = 1 ] || bash scripts/build-release.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file="$work/claims-$count.x12"
python3 - "$count" "$file" <<'PY'
import sys
count, path = int(sys.argv[1]), sys.argv[2]
segments = [s.strip() for s in open("Samples/expected/batch/x12/bcbs-il-000000002.x12").read().split("~") if s.strip()]
def index(prefix, start=0):
    return next(i for i in range(start, len(segments)) if segments[i].startswith(prefix))
isa, gs = segments[0], segments[1]
header = segments[index("BHT"):index("HL*2*")]            # BHT, 1000A, 1000B, 2000A billing provider
subscriber = segments[index("HL*2*"):index("CLM*")]       # 2000B, 2010BA, 2010BB
claim = segments[index("CLM*"):index("CLM*", index("CLM*") + 1)]   # the first claim with its lines
per_set = 5000
out = [isa.replace("*000000002*", "*000000777*"), gs.replace("*2*X*", "*777*X*")]
sets, done = 0, 0
while done < count:
    sets += 1
    body = [f"ST*837*{sets:04d}*005010X222A1"] + header
    for hl in range(2, 2 + min(per_set, count - done)):
        number = done + 1
        body.append(f"HL*{hl}*1*22*0")
        body += subscriber[1:]
        body += [s.replace("ENC-2026-0001", f"ENC-{number:06d}") for s in claim]
        done += 1
    body.append(f"SE*{len(body) + 1}*{sets:04d}")
    out += body
out += [f"GE*{sets}*777", "IEA*1*000000777"]
open(path, "w").write("~\n".join(out) + "~\n")
PY
segments=$(grep -c . "$file")
size=$(du -m "$file" | cut -f1)
timer=(/usr/bin/time -f "%e %U %S %M")
[ -x /usr/bin/time ] || { echo "benchmark-x12-validate: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

"${timer[@]}" -o "$work/claims.time" .build/release/claims x12 validate "$file" > "$work/claims.txt" \
  || { echo "benchmark-x12-validate: claims x12 validate did not call the file clean:" >&2; tail -5 "$work/claims.txt" >&2; exit 1; }
venv_python=.venv/bin/python
[ -x "$venv_python" ] || bash scripts/validate-837p.sh Samples/expected/batch/x12/aetna-000000001.x12 >/dev/null
"${timer[@]}" -o "$work/pyx12.time" "$venv_python" scripts/pyx12_check.py "$file" > "$work/pyx12.txt" \
  || { echo "benchmark-x12-validate: pyx12 did not call the file clean:" >&2; head -5 "$work/pyx12.txt" >&2; exit 1; }

read -r ours_seconds ours_user ours_system ours_kb < "$work/claims.time"
read -r pyx12_seconds pyx12_user pyx12_system pyx12_kb < "$work/pyx12.time"
ours_cpu=$(python3 -c "print(f'{$ours_user + $ours_system:.2f}')")
pyx12_cpu=$(python3 -c "print(f'{$pyx12_user + $pyx12_system:.2f}')")
echo "file:                 $count claims, $segments segments, ${size} MB"
echo "                      wall        CPU (user+system)   peak memory"
printf "claims x12 validate:  %8.2f s  %8.2f s          %5d MB   %s\n" "$ours_seconds" "$ours_cpu" $((ours_kb / 1024)) "$(tail -1 "$work/claims.txt" | sed 's/^checked //')"
printf "pyx12 4.0.0:          %8.2f s  %8.2f s          %5d MB   %s\n" "$pyx12_seconds" "$pyx12_cpu" $((pyx12_kb / 1024)) "$(tail -1 "$work/pyx12.txt" | sed 's/^pyx12 4.0.0: //')"
python3 -c "print(f'speed-up:             {$pyx12_seconds / max($ours_seconds, 0.01):8.0f}×  wall, {$pyx12_cpu / max($ours_cpu, 0.01):.0f}× CPU (pyx12 / claims)')"
echo "load average:         $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; wall times stretch with it, CPU times much less)"

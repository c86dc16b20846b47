#!/usr/bin/env python3
"""Parses X12 270/271 files with LinuxForHealth x12 0.57.0 (an independent reader of 005010X279A1),
one file per argument; prints `ok FILE` or `FAIL FILE: reason` and exits 1 when any file fails.

LinuxForHealth 0.57.0 has two known code-list bugs that refuse valid 271s (docs/eligibility.md;
../shared/domain/x12.md §5.2): its EB03 list lacks A8 (psychiatric - outpatient), and its 2100C/2100D AAA03
list is the receiver's (2100B) list, without the subscriber reasons such as 72 (invalid member id). A 271
using them is parsed as a copy with A8 read as A7 and such an AAA03 read as 15 (the same segment shapes),
and the line says so; everything else is checked as written.
"""
import re
import sys
import tempfile

from linuxforhealth.x12.io import X12ModelReader


def parse(path):
    with X12ModelReader(path) as reader:
        return sum(1 for _ in reader.models())


def main(paths):
    failed = 0
    for path in paths:
        text = open(path, encoding="utf-8").read()
        note = ""
        if "*271*" in text[:400] or "ST*271" in text:
            # EB03 is the third element of EB; repetitions are separated by ISA11.
            repetition = text[82] if text.startswith("ISA") else "^"
            def fix(match):
                parts = match.group(0).split("*")
                if len(parts) > 3:
                    codes = parts[3].split(repetition)
                    parts[3] = repetition.join("A7" if code == "A8" else code for code in codes)
                return "*".join(parts)
            fixed = re.sub(r"EB\*[^~]*", fix, text)
            if fixed != text:
                note = " (EB03 A8 read as A7: LinuxForHealth's known code-list bug)"
            receiver_codes = {"15", "41", "43", "44", "45", "46", "47", "48", "50", "51", "79", "97", "T4"}
            def fix_reason(match):
                return match.group(1) + (match.group(2) if match.group(2) in receiver_codes else "15")
            # AAA after the subscriber's or dependent's NM1 (HL level 22/23 precedes it).
            parts = re.split(r"(HL\*\d+\*\d*\*2[23]\*)", fixed, maxsplit=1)
            if len(parts) == 3:
                tail = re.sub(r"(AAA\*[YN]?\*[^*~]*\*)([^*~]+)", fix_reason, parts[2])
                if tail != parts[2]:
                    note += " (subscriber AAA03 read as 15: LinuxForHealth's known code-list bug)"
                fixed = parts[0] + parts[1] + tail
            if fixed != text:
                with tempfile.NamedTemporaryFile("w", suffix=".x12", delete=False) as copy:
                    copy.write(fixed)
                    path_to_parse = copy.name
            else:
                path_to_parse = path
        else:
            path_to_parse = path
        try:
            count = parse(path_to_parse)
            print(f"ok {path}: {count} transaction set(s){note}")
        except Exception as error:  # pydantic.ValidationError, KeyError from its loop validators
            failed += 1
            reason = str(error).strip().splitlines()
            print(f"FAIL {path}: {type(error).__name__}: {' | '.join(reason[:4])}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

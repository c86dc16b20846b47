#!/usr/bin/env python3
"""Writes the broken 837P files of `claims x12 validate`'s test set (docs/x12-validate.md).

    python3 Tests/Fixtures/x12-validate/make-fixtures.py

Each file is one of the sample batch's valid 837Ps (Samples/expected/batch/x12/) with exactly one
defect put in; SE01 is recounted afterwards unless the defect is the count itself, so the defect is
the only thing wrong. Two folders:
  pyx12/   defects pyx12 4.0.0 reports too: both validators must fail each file;
  beyond/  defects pyx12 does not check (NPI, ICD-10-CM, totals, pointers, NDC, frequency, HL04):
           pyx12 passes them, `claims x12 validate` must not.
`expected.tsv` lists, per file, the findings `claims x12 validate` must report (segment ordinal,
segment id, element, rule), checked by Tests/ClaimsX12Tests/X12ValidatorFixtureTests.swift;
scripts/validate-837p-set.sh runs pyx12 over both folders.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SAMPLES = os.path.join(ROOT, "Samples/expected/batch/x12")
BCBS = "bcbs-il-000000002.x12"   # self-subscriber claims, a Spravato line with LIN/CTP
AETNA = "aetna-000000001.x12"    # a dependent patient (HL 2000C)

# (folder, name, base file, old text, new text, recount SE01, findings "segment id element rule" ; separated)
CASES = [
    ("pyx12", "se-count", BCBS, "SE*61*0002~", "SE*60*0002~", False, "63 SE SE01 x12/envelope-count"),
    ("pyx12", "ge-count", BCBS, "GE*1*2~", "GE*2*2~", False, "64 GE GE01 x12/envelope-count"),
    ("pyx12", "iea-control", BCBS, "IEA*1*000000002~", "IEA*1*000000003~", False, "65 IEA IEA02 x12/control-number-match"),
    ("pyx12", "se-control", BCBS, "SE*61*0002~", "SE*61*0003~", False, "63 SE SE02 x12/control-number-match"),
    ("pyx12", "isa06-not-padded", BCBS, "*ZZ*SIIP01         *", "*ZZ*SIIP01*", False, "1 - - x12/syntax"),
    ("pyx12", "isa15-usage", BCBS, "*0*T*:~", "*0*X*:~", False, "1 ISA ISA15 x12/element-code"),
    ("pyx12", "gs08-version", BCBS, "*2*X*005010X222A1~", "*2*X*005010X222A2~", False,
     "2 GS GS08 x12/element-code; 3 ST ST03 x12/envelope-version"),
    ("pyx12", "missing-ref-ei", BCBS, "REF*EI*371234567~\n", "", True, "13 HL - 837p/segment-missing"),
    ("pyx12", "missing-payer-loop", BCBS, "NM1*PR*2*BLUE CROSS AND BLUE SHIELD OF ILLINOIS*****PI*00621~\n", "", True,
     "20 CLM - 837p/loop-missing"),
    ("pyx12", "missing-receiver-loop", BCBS, "NM1*40*2*AVAILITY*****46*030240928~\n", "", True, "7 HL - 837p/loop-missing"),
    ("pyx12", "missing-submitter-per", BCBS, "PER*IC*BILLING OFFICE*TE*6185550100*EM*BILLING@SIIP.EXAMPLE~\n", "", True,
     "6 NM1 - 837p/segment-missing"),
    ("pyx12", "missing-hi", BCBS, "REF*G1*BCB-778812~\nHI*ABK:F332~\nNM1*82", "REF*G1*BCB-778812~\nNM1*82", True,
     "23 NM1 - 837p/segment-missing; 26 SV1 SV107-1 837p/diagnosis-pointer; 30 SV1 SV107-1 837p/diagnosis-pointer"),
    ("pyx12", "hl-number", AETNA, "HL*3*1*22*1~", "HL*4*1*22*1~", False, "34 HL HL01 837p/hl-number; 34 HL HL04 837p/hl-child-code; 41 HL HL02 837p/hl-parent"),
    ("pyx12", "hl-parent", AETNA, "HL*4*3*23*0~", "HL*4*5*23*0~", False, "34 HL HL04 837p/hl-child-code; 41 HL HL02 837p/hl-parent"),
    ("pyx12", "hl-level-code", AETNA, "HL*4*3*23*0~", "HL*4*3*24*0~", False,
     "41 HL - 837p/segment-unexpected; 42 PAT - 837p/segment-unexpected; 43 NM1 - 837p/segment-unexpected; 46 DMG - 837p/segment-unexpected"),
    ("pyx12", "sbr01-code", BCBS, "SBR*P*18*G-5521******BL~", "SBR*Z*18*G-5521******BL~", False,
     "15 SBR - 837p/segment-unexpected; 16 NM1 - 837p/segment-missing"),
    ("pyx12", "sbr09-code", BCBS, "SBR*P*18*G-5521******BL~", "SBR*P*18*G-5521******XX~", False, "15 SBR SBR09 x12/element-code"),
    ("pyx12", "place-of-service", BCBS, "CLM*ENC-2026-0001*1330***11:B:1*", "CLM*ENC-2026-0001*1330***1X:B:1*", False,
     "21 CLM CLM05-1 x12/element-code"),
    ("pyx12", "clm05-2-qualifier", BCBS, "CLM*ENC-2026-0001*1330***11:B:1*", "CLM*ENC-2026-0001*1330***11:A:1*", False,
     "21 CLM CLM05-2 x12/element-code"),
    ("pyx12", "clm01-too-long", BCBS, "CLM*ENC-2026-0001*", "CLM*ENC-2026-0001-0123456789012345678901234*", False,
     "21 CLM CLM01 x12/element-length"),
    ("pyx12", "clm03-not-used", BCBS, "CLM*ENC-2026-0001*1330***", "CLM*ENC-2026-0001*1330*BL**", False,
     "21 CLM CLM03 x12/element-not-used"),
    ("pyx12", "clm06-missing", BCBS, "CLM*ENC-2026-0001*1330***11:B:1*Y*", "CLM*ENC-2026-0001*1330***11:B:1**", False,
     "21 CLM CLM06 x12/element-missing"),
    ("pyx12", "service-date", BCBS, "DTP*472*D8*20261103~\nREF*6R*ENC-2026-0001-1~", "DTP*472*D8*20261131~\nREF*6R*ENC-2026-0001-1~", False,
     "28 DTP DTP03 x12/element-date"),
    ("pyx12", "birth-date", BCBS, "DMG*D8*19840211*F~", "DMG*D8*19840230*F~", False, "19 DMG DMG02 x12/element-date"),
    ("pyx12", "charge-not-a-number", BCBS, "SV1*HC:99214:25*210*UN*1***1~\nDTP*472*D8*20261103~", "SV1*HC:99214:25*21O*UN*1***1~\nDTP*472*D8*20261103~",
     False, "27 SV1 SV102 x12/element-type"),
    ("pyx12", "diagnosis-pointer-13", BCBS, "SV1*HC:99214:25*210*UN*1***1~\nDTP*472*D8*20261103~", "SV1*HC:99214:25*210*UN*1***13~\nDTP*472*D8*20261103~",
     False, "27 SV1 SV107-1 x12/element-code; 27 SV1 SV107-1 837p/diagnosis-pointer"),
    ("pyx12", "lx-sequence", BCBS, "LX*2~", "LX*3~", False, "30 LX LX01 837p/lx-number"),
    ("pyx12", "trailing-separator", BCBS, "DMG*D8*19840211*F~", "DMG*D8*19840211*F*~", False, "19 DMG - x12/trailing-separator"),
    ("pyx12", "state-code", BCBS, "N4*CARBONDALE*IL*629011234~", "N4*CARBONDALE*XX*629011234~", False, "18 N4 N402 x12/element-code"),
    ("pyx12", "bht02-code", BCBS, "BHT*0019*00*", "BHT*0019*99*", False, "4 BHT BHT02 x12/element-code"),
    ("pyx12", "unknown-segment", BCBS, "REF*G1*BCB-778812~\nHI*ABK:F332~\nNM1*82", "REF*G1*BCB-778812~\nZZZ*1~\nHI*ABK:F332~\nNM1*82", True,
     "23 ZZZ - 837p/segment-unexpected"),
    ("pyx12", "thirteen-diagnoses", BCBS, "HI*ABK:F332*ABF:F411~",
     "HI*ABK:F332*ABF:F411*ABF:F410*ABF:F419*ABF:F430*ABF:F4310*ABF:F4312*ABF:F331*ABF:F330*ABF:F339*ABF:F3341*ABF:F3342*ABF:F401~",
     False, "37 HI HI13 x12/element-count"),
    ("pyx12", "non-ascii-name", BCBS, "NM1*IL*1*REYES*DANA****", "NM1*IL*1*REYÉS*DANA****", False, "16 NM1 NM103 x12/element-character"),
    ("pyx12", "se-missing", BCBS, "SE*61*0002~\n", "", False, "63 GE - x12/envelope-nesting; 63 GE - 837p/segment-missing"),
    ("pyx12", "two-lines-one-date", BCBS, "DTP*472*D8*20261103~\nREF*6R*ENC-2026-0001-1~", "DTP*472*D8*20261103~\nDTP*472*D8*20261104~\nREF*6R*ENC-2026-0001-1~", True,
     "29 DTP - 837p/segment-repeat"),
    ("pyx12", "isa13-letters", BCBS, "*00501*000000002*0*T*:~", "*00501*00000000A*0*T*:~", False,
     "1 ISA ISA13 x12/element-type; 65 IEA IEA02 x12/control-number-match"),
    ("beyond", "claim-total", BCBS, "CLM*ENC-2026-0001*1330*", "CLM*ENC-2026-0001*1340*", False, "21 CLM CLM02 837p/claim-total"),
    ("beyond", "npi-check-digit", BCBS, "NM1*82*1*PATEL*RAVI****XX*1234567893~\nPRV*PE*PXC*2084P0800X~\nLX*1~\nSV1*HC:99214:25",
     "NM1*82*1*PATEL*RAVI****XX*1234567890~\nPRV*PE*PXC*2084P0800X~\nLX*1~\nSV1*HC:99214:25", False, "24 NM1 NM109 837p/npi-check-digit"),
    ("beyond", "icd10-decimal", BCBS, "HI*ABK:F332~\nNM1*82*1*PATEL*RAVI****XX*1234567893~\nPRV*PE*PXC*2084P0800X~\nLX*1~\nSV1*HC:99214:25",
     "HI*ABK:F33.2~\nNM1*82*1*PATEL*RAVI****XX*1234567893~\nPRV*PE*PXC*2084P0800X~\nLX*1~\nSV1*HC:99214:25", False, "23 HI HI01-2 837p/icd10-format"),
    ("beyond", "icd10-shape", BCBS, "HI*ABK:F332*ABF:F411~", "HI*ABK:F332*ABF:411F~", False, "37 HI HI02-2 837p/icd10-format"),
    ("beyond", "frequency-9", BCBS, "CLM*ENC-2026-0001*1330***11:B:1*", "CLM*ENC-2026-0001*1330***11:B:9*", False, "21 CLM CLM05-3 837p/claim-frequency"),
    ("beyond", "replacement-without-f8", BCBS, "CLM*ENC-2026-0001*1330***11:B:1*", "CLM*ENC-2026-0001*1330***11:B:7*", False,
     "21 CLM CLM05-3 837p/claim-frequency"),
    ("beyond", "pointer-past-diagnoses", BCBS, "SV1*HC:99214:25*210*UN*1***1~\nDTP*472*D8*20261103~", "SV1*HC:99214:25*210*UN*1***2~\nDTP*472*D8*20261103~",
     False, "27 SV1 SV107-1 837p/diagnosis-pointer"),
    ("beyond", "pointer-twice", BCBS, "SV1*HC:90833*95*UN*1***1:2~", "SV1*HC:90833*95*UN*1***1:1~", False, "45 SV1 SV107-2 837p/diagnosis-pointer"),
    ("beyond", "ndc-hyphens", BCBS, "LIN**N4*50458002803~\nCTP", "LIN**N4*50458-0028-03~\nCTP", False, "34 LIN LIN03 837p/ndc-format"),
    ("beyond", "ndc-ten-digits", BCBS, "LIN**N4*50458002803~\nCTP", "LIN**N4*5045802803~\nCTP", False, "34 LIN LIN03 837p/ndc-format"),
    ("beyond", "hl04-no-child", BCBS, "HL*2*1*22*0~", "HL*2*1*22*1~", False, "14 HL HL04 837p/hl-child-code"),
]


def recount(text: str) -> str:
    segments = text.split("~")
    start = next(i for i, s in enumerate(segments) if s.strip().startswith("ST*"))
    end = next(i for i, s in enumerate(segments) if s.strip().startswith("SE*"))
    parts = segments[end].strip().split("*")
    parts[1] = str(end - start + 1)
    segments[end] = segments[end].replace(segments[end].strip(), "*".join(parts))
    return "~".join(segments)


def main() -> None:
    rows = ["# file\tfindings (segment id element rule; …) — written by make-fixtures.py"]
    for folder, name, base, old, new, recount_se, findings in CASES:
        text = open(os.path.join(SAMPLES, base), encoding="utf-8").read()
        assert text.count(old) >= 1, (name, old)
        text = text.replace(old, new, 1)
        if recount_se:
            text = recount(text)
        os.makedirs(os.path.join(HERE, folder), exist_ok=True)
        with open(os.path.join(HERE, folder, name + ".x12"), "w", encoding="utf-8") as out:
            out.write(text)
        rows.append(f"{folder}/{name}.x12\t{findings}")
    with open(os.path.join(HERE, "expected.tsv"), "w", encoding="utf-8") as out:
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()

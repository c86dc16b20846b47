#!/usr/bin/env python3
"""Writes N synthetic encounters as JSON Lines for the batch benchmark (docs/batch.md).

The mix follows a clinic day: visits and psychotherapy (bill), Medicare Spravato G-codes and TMS
(bill), commercial Spravato without an authorization (hold), Illinois Medicaid TMS (not covered),
and self-pay IV ketamine (superbill). Deterministic for a given N and seed.
"""
import json, random, sys

def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    rng = random.Random(seed)
    first = ["Dana", "Marcus", "Lena", "José", "Amelia", "Samuel", "Priya", "Kevin", "Rosa", "Harold", "Zoë", "Ana"]
    last = ["Reyes", "Whitfield", "Müller", "Peña", "Hart", "Okoro", "Raman", "Nguyen", "Delgado", "Simmons", "Brooks"]
    payers = ["bcbs-il", "aetna", "cigna", "uhc", "meridian-il", "il-medicaid", "medicare-j6"]
    out = sys.stdout
    for n in range(count):
        pid = f"PT-{n % 9000 + 1:05d}"
        day = 1 + n % 19
        kind = rng.random()
        payer = rng.choice(payers)
        dx = ["F33.2"]
        clinical = {"failedAntidepressantTrials": 2, "onOralAntidepressant": True, "remsPatientEnrolled": True,
                    "phq9": 20, "seizureHistory": False, "psychotherapyTrial": True}
        if kind < 0.55:
            services = [{"code": "99214", "units": 1, "charge": "210.00", "diagnosisPointers": [1]},
                        {"code": "90833", "units": 1, "charge": "95.00", "diagnosisPointers": [1]}]
        elif kind < 0.70:
            payer = "medicare-j6"
            services = [{"code": "99214", "modifiers": ["25"], "units": 1, "charge": "210.00", "diagnosisPointers": [1]},
                        {"code": "G2083", "units": 1, "charge": "1289.82", "diagnosisPointers": [1]}]
        elif kind < 0.82:
            payer = "medicare-j6"
            services = [{"code": "90868", "units": 1, "charge": "280.00", "diagnosisPointers": [1]}]
        elif kind < 0.92:
            payer = rng.choice(["bcbs-il", "aetna", "cigna", "uhc"])
            services = [{"code": "J0013", "units": 84, "charge": "1120.00", "diagnosisPointers": [1],
                         "ndc": "50458002803", "ndcQuantity": 3, "ndcUnit": "UN"}]
        elif kind < 0.98:
            payer = "il-medicaid"
            services = [{"code": "90868", "units": 1, "charge": "310.00", "diagnosisPointers": [1]}]
        else:
            payer = None
            services = [{"code": "96365", "units": 1, "charge": "450.00", "diagnosisPointers": [1]},
                        {"code": "J3490", "units": 1, "charge": "95.00", "diagnosisPointers": [1],
                         "ndc": "42023011310", "ndcQuantity": 1, "ndcUnit": "ML"}]
        encounter = {
            "id": f"SYN-{n:08d}", "dateOfService": f"2026-11-{day:02d}", "placeOfService": "11",
            "patient": {"id": pid, "firstName": rng.choice(first), "middleName": None, "lastName": rng.choice(last),
                        "dateOfBirth": f"19{50 + n % 50:02d}-0{1 + n % 9}-1{n % 9}", "sex": rng.choice("FM"),
                        "address": {"line1": f"{100 + n % 900} W Main St", "line2": None, "city": "Carbondale", "state": "IL", "zip": "629011234"},
                        "phone": "6185550101"},
            "coverage": None if payer is None else {"payer": payer, "memberId": f"M{n:09d}", "groupNumber": "G-5521", "relationship": "self", "subscriber": None},
            "renderingProvider": {"npi": "1234567893", "firstName": "Ravi", "lastName": "Patel", "taxonomy": "2084P0800X"},
            "diagnoses": dx, "clinical": clinical, "services": services, "priorAuthorization": None,
            "payments": [{"date": f"2026-11-{day:02d}", "amount": "545.00", "method": "card"}] if payer is None else [],
        }
        out.write(json.dumps(encounter, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")

if __name__ == "__main__":
    main()

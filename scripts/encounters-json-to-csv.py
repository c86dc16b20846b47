#!/usr/bin/env python3
"""Writes an encounter file (JSON array or JSON Lines, CONTRACT §2) as the CSV export that
`claims` reads (docs/csv-input.md): one row per service line, encounter fields on every row.
Used to make Samples/encounters.csv from Samples/encounters.json:
    python3 scripts/encounters-json-to-csv.py Samples/encounters.json > Samples/encounters.csv
"""
import csv, json, sys

def load(path):
    text = open(path, encoding="utf-8").read()
    stripped = text.lstrip()
    if stripped.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]

def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

def flatten(prefix, value, out):
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(f"{prefix}.{key}" if prefix else key, inner, out)
    elif value is not None:
        out[prefix] = cell(value)

ENCOUNTER_ORDER = ["id", "dateOfService", "placeOfService"]

def rows(encounter):
    top = {}
    for key, value in encounter.items():
        if key == "services":
            continue
        if key == "diagnoses":
            top["diagnoses"] = ";".join(value or [])
        elif key == "payments":
            top["payments"] = ";".join(" ".join(x for x in [p.get("date"), cell(p.get("amount")), p.get("method")] if x) for p in value or [])
        elif key == "patientAgreements":
            top["patientAgreements"] = ";".join(" ".join([a["kind"], a["signed"]] + ([cell(a["option"])] if a.get("option") is not None else []) + a.get("codes", [])) for a in value or [])
        else:
            flatten(key, value, top)
    for service in encounter["services"]:
        row = dict(top)
        for key, value in service.items():
            if key in ("modifiers", "diagnosisPointers"):
                row[f"service.{key}"] = ";".join(cell(x) for x in value or [])
            elif key == "details":
                flatten(f"service.{key}", value or {}, row)   # service.details.doseMg, …
            else:
                row[f"service.{key}"] = cell(value)
        yield row

def main():
    encounters = load(sys.argv[1])
    all_rows = [row for encounter in encounters for row in rows(encounter)]
    columns = list(ENCOUNTER_ORDER)
    for row in all_rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    services = [c for c in columns if c.startswith("service.")]
    columns = [c for c in columns if not c.startswith("service.")] + services
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in all_rows:
        writer.writerow({c: row.get(c, "") for c in columns})

if __name__ == "__main__":
    main()

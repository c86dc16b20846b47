"""Validates Da Vinci PAS JSON files against the official FHIR R4 JSON schema and checks that every
reference in a Bundle resolves to one of its entries' fullUrls. Usage: validate-pas.py SCHEMA FILE..."""
import json
import sys

import jsonschema


def references(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft6Validator(schema)
    failed = 0
    for path in sys.argv[2:]:
        document = json.load(open(path))
        if not isinstance(document, dict) or "resourceType" not in document:
            print(f"{path}: not a FHIR resource (no resourceType)")
            failed += 1
            continue
        problems = [f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}" for error in validator.iter_errors(document)]
        if document.get("resourceType") == "Bundle":
            full_urls = [entry.get("fullUrl") for entry in document.get("entry", [])]
            if len(set(full_urls)) != len(full_urls):
                problems.append("a fullUrl repeats")
            problems += [f"reference {ref} does not resolve inside the Bundle" for ref in references(document) if ref not in full_urls]
            first = (document.get("entry") or [{}])[0].get("resource", {})
            if document.get("type") == "collection" and first.get("resourceType") == "Claim" and first.get("use") != "preauthorization":
                problems.append("the first entry is a Claim without use = preauthorization")
        for problem in problems:
            print(f"{path}: {problem}")
        failed += bool(problems)
        if not problems:
            print(f"{path}: valid")
    sys.exit(1 if failed else 0)


main()

#!/usr/bin/env python3
"""Validate X12 files with pyx12 and print one verdict line per file.

    python scripts/pyx12_check.py FILE...

Prints `FILE: OK` or `FILE: Failure` followed by every error pyx12 found
(segment, element, 999 error code, message). Exits 0 only when every file is OK.

Why not `x12valid`: its exit code is unreliable (x12.md 5.1), so this calls
`pyx12.x12n_document.x12n_document` directly and declares a file clean only when
all of these hold: the function returned True, pyx12 logged no error, the error
tree (JSON visitor) holds no error at any level, and the 999 it generated
accepts every transaction set (IK5*A) and the group (AK9*A).
"""

from __future__ import annotations

import io
import json
import logging
import sys

import pyx12
import pyx12.params
import pyx12.x12n_document


class _Collector(logging.Handler):
    """Keeps what pyx12 logs at WARNING or above (map not found, unreadable file, ...)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname.lower()}: {record.getMessage()}")


def _errors_in_tree(node: object, where: str, out: list[str]) -> None:
    """Walks the JSON error tree (interchanges/groups/transactions/segments/elements)."""
    if isinstance(node, dict):
        label = where
        if "seg_id" in node:
            label = f"{where} {node.get('seg_id')} (segment {node.get('seg_count', '?')}, line {node.get('cur_line', '?')})"
        elif "ele_pos" in node or "ele_ref_num" in node:
            label = f"{where} element {node.get('ele_pos', '?')}"
        for error in node.get("errors", []) or []:
            out.append(f"{label}: {error}")
        for key, value in node.items():
            if key != "errors" and isinstance(value, (list, dict)):
                _errors_in_tree(value, label, out)
    elif isinstance(node, list):
        for item in node:
            _errors_in_tree(item, where, out)


def _functional_id(path: str) -> str:
    """GS01 of the file's first group, read with the separators its ISA declares."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(4096)
    except OSError:
        return ""
    start = text.find("ISA")
    if start < 0 or len(text) < start + 106:
        return ""
    element, terminator = text[start + 3], text[start + 105]
    for segment in text[start:].split(terminator):
        fields = segment.strip().split(element)
        if fields[0] == "GS" and len(fields) > 1:
            return fields[1]
    return ""


def check(path: str) -> tuple[bool, list[str]]:
    collector = _Collector()
    logger = logging.getLogger("pyx12")
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    ack, errors_json = io.StringIO(), io.StringIO()
    problems: list[str] = []
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(), src_file=path, fd_997=ack, fd_html=None, fd_json=errors_json
        )
    except Exception as exc:  # pyx12 raises EngineError for e.g. an unknown GS08
        ok = False
        problems.append(f"exception: {type(exc).__name__}: {exc}")
    finally:
        logger.removeHandler(collector)

    problems.extend(collector.messages)
    if errors_json.getvalue():
        try:
            _errors_in_tree(json.loads(errors_json.getvalue()), "", problems)
        except json.JSONDecodeError:
            problems.append("error: pyx12 wrote unreadable JSON error output")

    # pyx12 cannot acknowledge a 999 (GS01 FA: an acknowledgment is not acknowledged) nor an 835
    # (GS01 HP: its 999 writer needs ST03, which the 835 guide marks Not Used, and logs "Failed to
    # create 999 response"): for those the verdict rests on the checks above alone.
    if _functional_id(path) in ("FA", "HP"):
        problems = [p for p in problems if "Failed to create 999 response" not in p]
        return ok and not problems, problems

    ack_text = ack.getvalue()
    segments = [s.strip() for s in ack_text.replace("\n", "").split("~") if s.strip()]
    ik5 = [s for s in segments if s.startswith("IK5")]
    ak9 = [s for s in segments if s.startswith("AK9")]
    for segment in segments:
        if segment.startswith(("IK3", "IK4")):
            problems.append(f"999: {segment}")
    if not ik5 or any(not s.startswith("IK5*A") for s in ik5):
        problems.append(f"999: transaction sets not accepted: {ik5 or 'no IK5'}")
    if not ak9 or any(not s.startswith("AK9*A") for s in ak9):
        problems.append(f"999: group not accepted: {ak9 or 'no AK9'}")
    return ok and not problems, problems


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: pyx12_check.py FILE...", file=sys.stderr)
        return 2
    failures = 0
    for path in paths:
        ok, problems = check(path)
        print(f"{path}: {'OK' if ok else 'Failure'}")
        for problem in problems:
            print(f"  {problem}")
        failures += 0 if ok else 1
    print(f"pyx12 {pyx12.__version__}: {len(paths) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

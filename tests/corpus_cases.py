"""Loads the golden cases of corpus/ (JSON Lines) with their expectations."""
from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


from vtl.cli import _java_integer


def load_jsonl(path: Path) -> list[dict]:
    """Read cases as the batch command does (big integers as the oracle's Java reads them)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line, parse_int=_java_integer) for line in handle if line.strip()]


def velocity_cases() -> list[tuple[dict, dict]]:
    """(case, expected) pairs of every velocity*.jsonl that has an .expected.jsonl beside it."""
    pairs = []
    for cases_file in sorted(CORPUS.glob("velocity*.jsonl")):
        if cases_file.name.endswith(".expected.jsonl"):
            continue
        expected_file = cases_file.with_name(cases_file.stem + ".expected.jsonl")
        if not expected_file.exists():
            continue
        expected = {item["id"]: item for item in load_jsonl(expected_file)}
        for case in load_jsonl(cases_file):
            pairs.append((case, expected.get(case["id"])))
    return pairs


def known_divergences() -> dict[str, str]:
    """Case id → the reason the engine knowingly differs (corpus/divergences.json)."""
    path = CORPUS / "divergences.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

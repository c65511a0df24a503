"""Near-duplicate fingerprints: the threshold sits in a wide gap between the measured pairs; numbers
and names are read right. The rule itself runs in the dedup store (test_near_duplicates.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.dedup import DedupPolicy
from streams.fingerprint import (
    BANDS,
    NUM_PERM,
    content_digest,
    fingerprint,
    names,
    numbers,
    similarity,
)

PAIRS_FILE = Path(__file__).parents[2] / "data" / "near_duplicate_pairs.jsonl"
PAIRS = [json.loads(line) for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines() if line]
THRESHOLD = DedupPolicy().near_duplicate_threshold


def test_the_threshold_sits_in_a_wide_gap() -> None:
    def scores(label: str) -> list[float]:
        return [
            similarity(fingerprint(p["a"]), fingerprint(p["b"]))
            for p in PAIRS
            if p["label"] == label
        ]

    assert min(scores("copy")) - THRESHOLD >= 0.1
    assert THRESHOLD - max(scores("different")) >= 0.2
    assert min(scores("update")) >= THRESHOLD  # only the number guard tells these apart


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Au moins douze morts et 30 blessés", {"douze", "30"}),
        ("Death toll rises to forty", {"forty"}),
        ("UPDATE 2-Blast kills 8", {"8"}),
        ("BAMAKO, Nov 14 - Le 3 mars 2024 à 14h30", set()),
        ("un homme a été tué", set()),
    ],
)
def test_numbers(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


def test_fingerprint_shape() -> None:
    print_ = fingerprint("Kabul market bombing kills at least 15")
    assert len(print_.hashvalues) == NUM_PERM and len(print_.to_bytes()) == 4 * NUM_PERM
    assert len(print_.bands()) == BANDS
    assert fingerprint("") == fingerprint("  ")


def test_content_digest_ignores_case_accents_and_punctuation() -> None:
    assert content_digest("Kaboul : l'attentat a TUÉ 12 personnes.") == content_digest(
        "kaboul l attentat a tue 12 personnes"
    )
    assert content_digest("12 morts") != content_digest("17 morts")


def test_templated_dispatches_differ_only_in_the_names_of_their_titles() -> None:
    template = "At least {n} killed in bombing in {city}\nA car bomb killed at least {n} people in {city} on Monday, police said."
    first = fingerprint(template.format(n=12, city="Shanghai"))
    other_city = fingerprint(template.format(n=12, city="Kinshasa"))
    assert similarity(other_city, first) >= THRESHOLD  # the text alone cannot tell them apart
    assert names(template.format(n=12, city="Kinshasa")) == {"@kinshasa"}
    assert other_city.numbers - first.numbers == {"@kinshasa"}

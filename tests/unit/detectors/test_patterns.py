"""Patterns searched through their lower-case twin must hold no upper-case literal."""

from __future__ import annotations

import re

import pytest

from streams.detectors import modality

#: The modality patterns ``modality._find`` runs over lower-cased text.
TWINNED = [
    "_BACKGROUND", "_BUSINESS", "_DATED", "_DENIAL", "_ELECTION", "_GAME", "_HEARSAY",
    "_HOLDOUT", "_SAY", "_SELF_CLAIM", "_SOURCE_BEFORE", "_SPORT", "_STRIKE", "_WITNESS",
]  # fmt: skip


@pytest.mark.parametrize("name", TWINNED)
def test_no_upper_case_literal(name: str) -> None:
    source = getattr(modality, name).pattern
    bare = re.sub(r"\\[A-Za-z]", "", source)  # \s, \b, \W are classes, not letters
    assert [c for c in bare if c.isupper()] == []


def test_a_monitor_in_capitals_is_a_witness() -> None:
    # "OSDH" was once written in capitals and never matched the lower-cased text.
    assert modality.assess("Les rebelles contrôlent Alep, selon l'OSDH").witnessed

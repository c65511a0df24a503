"""Reading counts in both languages."""

from __future__ import annotations

import re

import pytest

from streams.detectors.numbers import COUNT, Count, parse_count

_COUNT = re.compile(COUNT, re.IGNORECASE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("douze", Count(12, False)),
        ("vingt et un", Count(21, False)),
        ("quatre-vingt-dix", Count(90, False)),
        ("soixante-dix-sept", Count(77, False)),
        ("deux cents", Count(200, False)),
        ("twenty-one", Count(21, False)),
        ("two hundred and five", Count(205, False)),
        ("1,200", Count(1200, False)),
        ("1 200", Count(1200, False)),
        ("1.200", Count(1200, False)),
        ("at least 12", Count(12, True)),
        ("au moins douze", Count(12, True)),
        ("plus d'une centaine", Count(100, True)),
        ("une dizaine", Count(10, True)),
        ("a dozen", Count(12, True)),
        ("dozens", Count(None, True)),
        ("des dizaines", Count(None, True)),
        ("des milliers", Count(None, True)),
        ("hundreds", Count(None, True)),
        ("between 30 and 40", Count(30, True)),
        ("entre 30 et 40", Count(30, True)),
        # Number words are read by text2num in both languages.
        ("vingt-et-une", Count(21, False)),
        ("deux mille", Count(2000, False)),
        ("trois cent mille", Count(300000, False)),
        ("thirty-three", Count(33, False)),
    ],
)
def test_parse_count(text: str, expected: Count) -> None:
    matched = _COUNT.fullmatch(text)
    assert matched is not None
    assert parse_count(text) == expected


def test_un_in_capitals_is_not_one() -> None:
    matched = _COUNT.match("Three UN peacekeepers")
    assert matched is not None
    assert parse_count(matched.group(0)) == Count(3, False)

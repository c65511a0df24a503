"""One vocabulary of kinds, statuses and toll words, shared by headlines and messages."""

from __future__ import annotations

import pytest

from kernel.vocabulary import (
    KIND_SPECS,
    STATUS_WORDS,
    EventKind,
    EventStatus,
    certainty,
    confirms,
    kind_label,
    status_label,
    toll_phrase,
)
from streams.events import Casualties


def test_every_kind_and_status_has_its_words() -> None:
    assert set(KIND_SPECS) == set(EventKind)
    assert set(STATUS_WORDS) == set(EventStatus)
    assert EventKind.CITY_CAPTURE == "city_capture"
    assert kind_label("city_capture", "fr") == "Prise de ville"
    assert kind_label("riot", "en") == "riot"
    assert status_label("claimed", "fr") == "revendiqué"
    assert status_label("rumoured", "en") == "rumoured"


def test_certainty_and_confirmation() -> None:
    assert certainty("reported") > certainty("claimed") > certainty("disputed")
    assert certainty("rumoured") == 0
    assert confirms("reported", "claimed") and confirms("reported", "disputed")
    assert not confirms("claimed", "disputed")
    assert not confirms("reported", "reported")


@pytest.mark.parametrize(
    ("casualties", "lang", "expected"),
    [
        (Casualties(killed=1, wounded=1), "fr", "1 mort, 1 blessé"),
        (Casualties(killed=12, wounded=30), "fr", "12 morts, 30 blessés"),
        (Casualties(killed=12, wounded=30), "en", "12 killed, 30 wounded"),
        (Casualties(killed=40, approximate=True), "fr", "au moins 40 morts"),
        (Casualties(missing=3, approximate=True), "en", "at least 3 missing"),
        (Casualties(approximate=True), "en", ""),
        (None, "fr", ""),
    ],
)
def test_toll_phrase(casualties: Casualties | None, lang: str, expected: str) -> None:
    assert toll_phrase(casualties, lang) == expected

"""Place names: exonyms, disambiguation, common words, regions."""

from __future__ import annotations

import pytest

from streams.detectors import Detector


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Mossoul", "Mosul"),
        ("Alep", "Aleppo"),
        ("Palmyre", "Tadmur"),
        ("Tombouctou", "Timbuktu"),
        ("Marioupol", "Mariupol"),
        ("Fallouja", "Al Fallūjah"),
    ],
)
def test_exonyms_resolve_to_one_city(detector: Detector, written: str, canonical: str) -> None:
    (mention,) = detector.gazetteer.find(f"Des combats à {written} hier")
    city = detector.gazetteer.resolve(mention, set())
    assert city is not None and city.name == canonical


@pytest.mark.parametrize(
    "text",
    [
        "Nice weather today",
        "The Police came",
        "Sale of arms",
        "Split decision",
        "Les Tours de Notre-Dame",
    ],
)
def test_common_words_are_not_places(detector: Detector, text: str) -> None:
    assert [m for m in detector.gazetteer.find(text) if m.is_city] == []


def test_common_word_city_after_a_preposition(detector: Detector) -> None:
    (mention,) = detector.gazetteer.find("Un policier tué à Nice")
    assert mention.is_city


def test_country_mention_drives_disambiguation(detector: Detector) -> None:
    (mention,) = [m for m in detector.gazetteer.find("Combats à Tripoli") if m.is_city]
    assert {city.country for city, _ in mention.cities} >= {"LY", "LB"}
    assert detector.gazetteer.resolve(mention, {"LB"}).country == "LB"  # type: ignore[union-attr]
    assert detector.gazetteer.resolve(mention, {"LY"}).country == "LY"  # type: ignore[union-attr]


def test_province_is_a_region(detector: Detector) -> None:
    text = "la province voisine de Deir Ez-zor"
    (mention,) = detector.gazetteer.find(text)
    assert mention.region


def test_club_is_not_a_place(detector: Detector) -> None:
    assert detector.gazetteer.find("Manchester City win again") == []

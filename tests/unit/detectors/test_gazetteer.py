"""Place names: exonyms, disambiguation, common words, regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.detectors import Detector
from streams.detectors.gazetteer import City, Gazetteer


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


def _small_gazetteer() -> Gazetteer:
    cities = [
        City(2459886, "Mosul", "IQ", 36.34, 43.13, 1_739_800),
        City(170063, "Aleppo", "SY", 36.2, 37.16, 1_602_264),
    ]
    countries = {"IQ": City(99237, "Iraq", "IQ", None, None, 29_671_605, is_country=True)}
    return Gazetteer(cities, {2459886: ["Mossoul"], 170063: ["Alep"]}, countries)


def _places(gazetteer: Gazetteer, text: str) -> list[tuple[str, str | None, list[int]]]:
    return [
        (m.written, m.country, [city.geoname_id for city, _ in m.cities])
        for m in gazetteer.find(text)
    ]


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index built once is read back from disk and finds what the built one finds."""
    monkeypatch.setattr(Gazetteer, "_build", classmethod(lambda cls, _: _small_gazetteer()))
    text = "Des combats à Mossoul et à Alep, dans le nord de l'Irak"
    built = Gazetteer.from_geonames(cache_dir=tmp_path)
    assert len(list(tmp_path.glob("gazetteer-*.marshal"))) == 1

    def no_build(cls: type[Gazetteer], _: int) -> Gazetteer:
        raise AssertionError("the cached index must be read, not built")

    monkeypatch.setattr(Gazetteer, "_build", classmethod(no_build))
    cached = Gazetteer.from_geonames(cache_dir=tmp_path)
    assert len(cached) == len(built)
    assert _places(cached, text) == _places(built, text)
    assert [m.written for m in cached.find("Mossoul")] == ["Mossoul"]
    (mention,) = cached.find("à Alep")
    resolved = cached.resolve(mention, set())
    assert resolved is not None and resolved.name == "Aleppo"


def test_damaged_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Gazetteer, "_build", classmethod(lambda cls, _: _small_gazetteer()))
    Gazetteer.from_geonames(cache_dir=tmp_path)
    (stored,) = tmp_path.glob("gazetteer-*.marshal")
    stored.write_bytes(b"not a marshal table")
    assert len(Gazetteer.from_geonames(cache_dir=tmp_path)) == len(_small_gazetteer())
    assert stored.read_bytes() != b"not a marshal table"


def test_read_only_cache_still_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache that can be neither cleaned nor written only costs the build."""
    monkeypatch.setattr(Gazetteer, "_build", classmethod(lambda cls, _: _small_gazetteer()))
    (tmp_path / "gazetteer-0000.marshal").write_bytes(b"an index of older rules")

    def refuse(*_: object, **__: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Path, "unlink", refuse)
    monkeypatch.setattr(Path, "write_bytes", refuse)
    assert len(Gazetteer.from_geonames(cache_dir=tmp_path)) == len(_small_gazetteer())

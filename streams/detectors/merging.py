"""Findings of one item merged into events: one capture per town, one toll per place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kernel.vocabulary import EventKind, EventStatus
from streams.detectors.casualties import Toll, largest
from streams.detectors.gazetteer import fold
from streams.detectors.text import Sentence
from streams.detectors.towns import skeleton
from streams.events import Casualties, Place


@dataclass(slots=True)
class Finding:
    """An event being assembled from the sentences of one item."""

    kind: EventKind
    place: Place | None
    sentence: Sentence
    status: EventStatus
    attribution: str | None
    actor: str | None = None
    from_actor: str | None = None
    toll: Toll | None = None
    nominal: bool = False
    precision: int = 2
    tolls: list[Toll] = field(default_factory=list)
    #: Told in the conditional or as hearsay ("auraient été tuées").
    hedged: bool = False


def status_of(claimed: bool, denied: bool) -> EventStatus:
    """Denied: ``disputed``; else claimed or told as fact."""
    if denied:
        return EventStatus.DISPUTED
    return EventStatus.CLAIMED if claimed else EventStatus.REPORTED


def merge_captures(findings: list[Finding]) -> list[Finding]:
    """One capture per city per item. A capture is as sure as its least sure telling: a plain
    headline over a body that says "the ministry said" is still that ministry's claim."""
    merged: dict[object, Finding] = {}
    for finding in findings:
        key = _capture_key(finding.place, merged)
        kept = merged.get(key)
        if kept is None:
            merged[key] = finding
            continue
        if (
            kept.place is not None
            and finding.place is not None
            and kept.place.geoname_id is None
            and finding.place.geoname_id is not None
        ):
            # "Marib city" unlisted in the title, "the city of Marib" resolved in the body.
            kept.place = finding.place
        kept.actor = kept.actor or finding.actor
        kept.from_actor = kept.from_actor or finding.from_actor
        kept.nominal = kept.nominal and finding.nominal
        if finding.status.certainty < kept.status.certainty:
            kept.status = finding.status
            kept.attribution = finding.attribution
    return list(merged.values())


def _capture_key(place: Place | None, merged: dict[object, Finding]) -> object:
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


#: A disaster that leaves people missing presumed dead: a sinking, a flood, a landslide, a crash.
_DISASTER = re.compile(
    r"\b(?:sank|sink\w*|sunk|capsiz\w*|chavir\w*|naufrag\w*|shipwreck\w*|coulée?s?|sombr\w+|"
    r"lost\s+at\s+sea|en\s+mer|floods?|flooding|inondations?|crues?|landslides?|mudslides?|"
    r"glissements?\s+de\s+terrain|coulées?\s+de\s+boue|éboulements?|avalanches?|earthquakes?|"
    r"quakes?|séismes?|tremblements?\s+de\s+terre|collaps\w*|effondr\w+|storms?|tempêtes?|"
    r"cyclones?|typhoons?|hurricanes?|ouragans?|tsunamis?|explosions?|blasts?|fires?|incendies?|"
    r"crash\w*|écras\w+|mines?)\b",
    re.IGNORECASE,
)


def merge_tolls(findings: list[Finding]) -> list[Finding]:
    """One casualty report per city per item; a toll placed only by country (or not at all)
    joins the first report, and a city named later makes that report more precise."""
    merged: list[Finding] = []
    # The merged reports whose sentences tell a disaster, by identity.
    disasters: set[int] = set()
    for finding in findings:
        kept = next((other for other in merged if _same_place(other, finding)), None)
        if _DISASTER.search(finding.sentence.text):
            disasters.add(id(kept or finding))
        if kept is None:
            finding.tolls = [finding.toll] if finding.toll else []
            merged.append(finding)
            continue
        if finding.toll is not None:
            kept.tolls.append(finding.toll)
        if (_dateline(kept.place) or not _dateline(finding.place)) and (
            finding.precision > kept.precision
            or (
                finding.precision == kept.precision
                and kept.sentence.is_title
                and not finding.sentence.is_title
            )
        ):
            # "Gunmen kill 8 in Kaduna village attack" over a body naming the village itself.
            kept.place, kept.precision = finding.place, finding.precision
        if finding.hedged and kept.sentence.is_title and not kept.hedged:
            # "300 morts selon une ONG" over "300 personnes auraient été tuées": the body's
            # conditional says the headline's figure is unconfirmed.
            kept.status, kept.attribution, kept.hedged = finding.status, finding.attribution, True
        elif finding.status.certainty > kept.status.certainty and not kept.hedged:
            kept.status = finding.status
            kept.attribution = finding.attribution
    for finding in merged:
        finding.toll = _combined(finding.tolls)
    # People missing are sought, not counted as casualties: "trente pêcheurs portés disparus"
    # alone is no casualty report, unless a sinking or a flood leaves them presumed dead.
    return [
        finding
        for finding in merged
        if finding.toll is None
        or finding.toll.killed
        or finding.toll.wounded
        or id(finding) in disasters
    ]


def _dateline(place: Place | None) -> bool:
    """Whether a place is written in a dateline's capitals ("AYACUCHO, 5 avril -"): where the
    wire wrote from, which never replaces a place the text names."""
    return place is not None and len(place.name) > 3 and place.name.isupper()


def _same_place(kept: Finding, new: Finding) -> bool:
    """Whether two tolls of one item tell the same event: only two precise cities part them."""
    if kept.precision < 2 or new.precision < 2 or kept.place is None or new.place is None:
        return True
    if _same_figure(kept.toll, new.toll) and (kept.sentence.is_title or new.sentence.is_title):
        # A headline and its body give one toll, the body at the finer place.
        return True
    if kept.place.geoname_id is None or new.place.geoname_id is None:
        # A settlement no gazetteer lists is known by its name; a headline's city and the
        # body's unlisted village ("base near Mogadishu" / "the base at X") are one event.
        if kept.sentence.is_title != new.sentence.is_title:
            return True
        return fold(kept.place.name) == fold(new.place.name)
    return kept.place.geoname_id == new.place.geoname_id


def _same_figure(kept: Toll | None, new: Toll | None) -> bool:
    """Whether two tolls give the same number of dead (or, with none, of wounded)."""
    if kept is None or new is None:
        return False
    first, second = kept.figure(), new.figure()
    return first is not None and second is not None and first.value == second.value


def _combined(tolls: list[Toll]) -> Toll | None:
    """Several sentences' tolls of one event: the largest exact figure per role wins."""
    if not tolls:
        return None
    coded = [toll.killed for toll in tolls if toll.coded and toll.killed]
    killed = [toll.killed for toll in tolls if toll.killed]
    if any(count.value is not None and not count.upper for count in killed):
        # "at least 10 villagers were killed ... a priest put the toll at up to 20": the upper
        # bound one source gives does not replace the count another makes.
        killed = [count for count in killed if not count.upper]
    return Toll(
        killed=coded[-1] if coded else largest(killed),
        wounded=largest([toll.wounded for toll in tolls if toll.wounded]),
        missing=largest([toll.missing for toll in tolls if toll.missing]),
        group=next((toll.group for toll in tolls if toll.group), None),
        start=tolls[0].start,
    )


def casualties_of(toll: Toll) -> Casualties:
    figure = toll.figure()
    return Casualties(
        killed=toll.killed.value if toll.killed else None,
        wounded=toll.wounded.value if toll.wounded else None,
        missing=toll.missing.value if toll.missing else None,
        approximate=bool(figure and figure.approximate),
        group=toll.group,
    )

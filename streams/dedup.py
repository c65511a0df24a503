"""Event signatures and the rules deciding which reports tell one real-world event.

Pure: plain data in, plain data out; the Redis store (``streams.store``) only applies these
decisions atomically. The rule, in short (docs/dedup.md has the long form and its limits):

* A **signature** is ``kind:place:window``. The place is the GeoNames id (``g99072``), else
  the country (``cAF``) when no city resolved, else the folded name as written. The window
  is the index of the fixed time slice (72 h for captures, 36 h for casualty reports) that
  holds the report's time. The French and the English report of one capture of Mosul the
  same day therefore share a signature.
* Slices have edges, so a report looks up its own slice and the two beside it, and joins an
  event only when it is within one window of that event's ``first_seen``.
* Casualty reports also look up their country (a report naming no city joins the city's
  event, and the other way round: ``cAF`` holds the country-level events, ``aAF`` every
  city event of the country, read only by country-level reports), and several incidents may share one slice: a
  report joins an incident only when its toll could be a restatement of that incident's
  (not under half the highest toll published before it: tolls grow, they are rarely halved)
  and when the kinds of incident named (bombing, shooting, airstrike ...) are not disjoint.
* A capture's identity includes its **holder** (``streams.holders``: "IS", "Daesh" and
  "l'EI" are one holder). A report joins the event of its holder (or one whose holder is not
  known yet) unless a capture by another holder lies between them in event time; otherwise it
  is a new event, and when another holder took the town within the window before it, a
  ``reversal`` linking that event (``supersedes``). Reports naming no holder join the nearest
  event in time and never split one. Decisions use event time, so arrival order does not
  change which events exist; a late report of an earlier capture relinks the event after it.
* A later report is **material** (a new revision) when the killed or wounded toll rises by at
  least ``max(revision_min_count, ceil(revision_min_ratio * alerted))`` over the toll of the
  last alert sent, when a claimed or
  disputed event is reported outright, or when a place resolves where only a country was known.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ingest.items import WireItem
from kernel.vocabulary import KIND_SPECS, EventKind, EventStatus, confirms
from streams.events import Alert, AlertSource, Casualties, DetectedEvent, Place
from streams.fingerprint import fold, words
from streams.headlines import headlines
from streams.holders import holder_key

CAPTURE = EventKind.CITY_CAPTURE
CASUALTY = EventKind.CASUALTY_REPORT

#: Reason of a first alert; later revisions carry the material changes, comma-separated.
REASON_NEW = "new"
REASON_TOLL = "toll_up"
REASON_WOUNDED = "wounded_up"
REASON_CONFIRMED = "confirmed"
REASON_PLACE = "place_resolved"
#: Another holder took the town within the window after an earlier capture.
REASON_REVERSAL = "reversal"


@dataclass(frozen=True, slots=True)
class DedupPolicy:
    """The knobs of dedup; defaults are those of ``kernel.settings.Settings``."""

    capture_window_hours: float = KIND_SPECS[EventKind.CITY_CAPTURE].window_hours
    casualty_window_hours: float = KIND_SPECS[EventKind.CASUALTY_REPORT].window_hours
    event_ttl_days: int = 7
    revision_min_ratio: float = 0.2
    revision_min_count: int = 3
    near_duplicate_threshold: float = 0.5
    #: Copies of one wire story circulate within hours; the index of fingerprints is kept this long.
    near_duplicate_window_hours: float = 24.0
    #: A restated toll below this share of the highest one is taken for another incident.
    toll_floor_ratio: float = 0.5

    @classmethod
    def from_settings(cls, settings: Any) -> DedupPolicy:
        """The policy from an object carrying the same attribute names (``Settings``)."""
        names = [name for name in cls.__dataclass_fields__ if hasattr(settings, name)]
        return cls(**{name: getattr(settings, name) for name in names})

    def window(self, kind: str) -> timedelta:
        """How long after an event's first report another report may still join it."""
        hours = self.capture_window_hours if kind == CAPTURE else self.casualty_window_hours
        return timedelta(hours=hours)

    @property
    def event_ttl_seconds(self) -> int:
        """Lifetime of an event's keys, refreshed on every report."""
        return int(self.event_ttl_days * 86400)

    @property
    def near_duplicate_ttl_seconds(self) -> int:
        """Lifetime of a fingerprint in the near-duplicate index."""
        return int(self.near_duplicate_window_hours * 3600)


TollReport = tuple[datetime, int | None, int | None]


@dataclass(frozen=True, slots=True)
class EventState:
    """What the store knows of one real-world event: the merge of its reports so far."""

    alert_id: str
    kind: str
    signature: str
    first_seen: datetime
    last_seen: datetime
    revision: int = 0
    status: str = "reported"
    place: Place | None = None
    killed: int | None = None
    wounded: int | None = None
    approximate: bool = False
    #: Tolls as of the last alert sent: what subscribers know, what a rise is measured from.
    alerted_killed: int | None = None
    alerted_wounded: int | None = None
    incidents: frozenset[str] = frozenset()
    #: (seen_at, killed, wounded) of every report that stated a toll, in arrival order.
    tolls: tuple[TollReport, ...] = ()
    actor: str | None = None
    from_actor: str | None = None
    sources: tuple[AlertSource, ...] = ()
    #: Captures: who holds the town afterwards (``streams.holders``), ``None`` while unknown.
    holder: str | None = None
    #: Captures: event times of the earliest and latest report naming the holder.
    held_since: datetime | None = None
    held_until: datetime | None = None
    #: Captures: alert id of the earlier capture by another holder that this one reverses.
    supersedes: str | None = None


# --- signatures ---------------------------------------------------------------------------


def place_key(place: Place | None) -> str:
    """The place part of a signature: GeoNames id, else country, else the folded name. A town
    no gazetteer lists (no id, no canonical name) keys by its name in its country, so two
    villages of one country stay two places."""
    if place is None:
        return "unplaced"
    if place.geoname_id is not None:
        return f"g{place.geoname_id}"
    name = "-".join(words(place.name))
    if name and not place.canonical and place.country:
        return f"n{place.country.upper()}_{name}"
    if place.country:
        return f"c{place.country.upper()}"
    return f"n{name}" if name else "unplaced"


def window_index(moment: datetime, window: timedelta) -> int:
    """Which fixed slice of length ``window`` (counted from the Unix epoch) holds ``moment``."""
    return math.floor(moment.timestamp() / window.total_seconds())


def _signature(kind: str, key: str, index: int) -> str:
    return f"{kind}:{key}:{index}"


def signature(event: DetectedEvent, seen_at: datetime, policy: DedupPolicy) -> str:
    """The event signature of a report: ``kind:place:window``; equal for FR and EN reports."""
    index = window_index(seen_at, policy.window(event.kind))
    return _signature(event.kind, place_key(event.place), index)


def _lookup_keys(kind: str, place: Place | None) -> list[str]:
    own = place_key(place)
    # Only casualty reports fall back to the country: a capture names its city or is none.
    if kind != CASUALTY or place is None or not place.country:
        return [own]
    country = place.country.upper()
    if place.geoname_id is not None:
        return [own, f"c{country}"]  # a city report may join a country-level event
    return [own, f"a{country}"]  # a country-level report may join any event in the country


def _index_keys(kind: str, place: Place | None) -> list[str]:
    own = place_key(place)
    if kind != CASUALTY or place is None or place.geoname_id is None or not place.country:
        return [own]
    # Apart from the country-level events (``c``), so city reports never read the city
    # events of their whole country.
    return [own, f"a{place.country.upper()}"]


def lookup_signatures(event: DetectedEvent, seen_at: datetime, policy: DedupPolicy) -> list[str]:
    """Signatures whose events a report may join: its slice and both neighbours, place and country."""
    index = window_index(seen_at, policy.window(event.kind))
    return [
        _signature(event.kind, key, slot)
        for key in _lookup_keys(event.kind, event.place)
        for slot in (index, index - 1, index + 1)
    ]


def index_signatures(state: EventState, policy: DedupPolicy) -> list[str]:
    """Signatures an event is registered under: its place's slice, and its country's."""
    index = window_index(state.first_seen, policy.window(state.kind))
    return [_signature(state.kind, key, index) for key in _index_keys(state.kind, state.place)]


def alert_id_for(signature_text: str, claim: str) -> str:
    """The alert id of an event: derived from the signature it claimed and the claiming report."""
    return hashlib.sha1(f"{signature_text}|{claim}".encode()).hexdigest()[:16]


def observation_key(item: WireItem, event: DetectedEvent, content_version: str) -> str:
    """Identity of one detection in one version of one item: the same on every redelivery."""
    casualties = event.casualties or Casualties()
    parts = (
        item.id,
        content_version,
        event.kind,
        place_key(event.place),
        str(casualties.killed),
        str(casualties.wounded),
        event.status,
    )
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def is_stale(item: WireItem, policy: DedupPolicy) -> bool:
    """Whether the item tells of a time older than events are kept: it could only re-alert.

    A backfilled item is never stale: it is processed in event time, with keys that live
    ``event_ttl_days`` from now."""
    if item.backfill:
        return False
    return item.fetched_at - item.seen_at > timedelta(days=policy.event_ttl_days)


# --- which event does a report belong to ---------------------------------------------------

# Kinds of incident as the wires name them (folded). Sets are compared, not single labels,
# because one report often names two ("an airstrike followed by clashes").
_INCIDENTS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "bombing": r"\battentat|\bexplos|\bkamikaze|\bbombe\b|voiture piegee|engin explosif"
        r"|\bsuicide bomb|\bbomb(s|ing|er|ers)?\b|\bblast|\bexplosive|\bied\b|car bomb",
        "airstrike": r"frappes? aeriennes?|raids? aeriens?|bombardements? aeriens?|\bdrone"
        r"|\bair ?strikes?|\bair raids?|\bwarplanes?|avions? de combat",
        "shelling": r"\bbombardement|\bobus\b|tirs d'artillerie|\broquettes?\b|\bmortiers?\b"
        r"|\bshelling|\bartillery|\brockets?\b|\bmortars?\b|\bshells?\b",
        "shooting": r"\bfusillade|hommes armes|ouvert le feu|\babattus?\b|par balles"
        r"|\bshooting|\bgunm[ae]n\b|\bgunfire|opened fire|shot dead",
        "clashes": r"\bcombats\b|\baffrontements?|\baccrochages?|\bclash(es)?\b|\bfighting\b",
        "crash": r"\baccident|\bcrash|\bcollision|\bderaill|\bnaufrage|\bchavire|\bcapsiz"
        r"|\bderail",
        "disaster": r"\bseisme|tremblement de terre|\bearthquake|\binondation|\bflood"
        r"|glissement de terrain|\blandslide|\bcyclone|\bouragan|\bhurricane",
        "stampede": r"\bbousculade|\bstampede",
    }.items()
}


def incident_types(text: str) -> frozenset[str]:
    """Kinds of incident a text names (``bombing``, ``shooting``, ``airstrike`` ...)."""
    folded = fold(text)
    return frozenset(name for name, pattern in _INCIDENTS.items() if pattern.search(folded))


def event_incidents(event: DetectedEvent, context: str = "") -> frozenset[str]:
    """Incident kinds of a detection: from its sentence, else from ``context`` (the title)."""
    return incident_types(event.evidence) or incident_types(context)


def _toll_fits(
    state: EventState, casualties: Casualties | None, seen_at: datetime, policy: DedupPolicy
) -> bool:
    if casualties is None:
        return True
    killed = [(at, count) for at, count, _ in state.tolls if count is not None]
    wounded = [(at, count) for at, _, count in state.tolls if count is not None]
    for known, stated in ((killed, casualties.killed), (wounded, casualties.wounded)):
        if stated is None or not known:
            continue
        # Only a figure published before this report can contradict it: an early, lower
        # toll arriving late is a restatement, not another incident.
        earlier = [count for at, count in known if at <= seen_at]
        return not earlier or stated >= math.floor(max(earlier) * policy.toll_floor_ratio)
    return True


def _toll_report(seen_at: datetime, casualties: Casualties | None) -> tuple[TollReport, ...]:
    if casualties is None or (casualties.killed is None and casualties.wounded is None):
        return ()
    return ((seen_at, casualties.killed, casualties.wounded),)


def _place_fits(state: EventState, place: Place | None, kind: str) -> bool:
    if place_key(state.place) == place_key(place):
        return True
    if kind != CASUALTY or state.place is None or place is None:
        return False
    same_country = bool(place.country) and state.place.country.upper() == place.country.upper()
    # A city report may join a country-level event; a country-level report any event there.
    return same_country and (state.place.geoname_id is None or place.geoname_id is None)


# --- captures: who holds the town --------------------------------------------------------


def report_holder(event: DetectedEvent) -> str | None:
    """The holder a capture report names, normalised for the town's country; ``None``: unknown."""
    return holder_key(event.actor, event.place.country if event.place else "")


def anchor(state: EventState) -> datetime:
    """When a capture happened as far as reports tell: its first report naming the holder."""
    return state.held_since or state.first_seen


def _held_span(state: EventState) -> tuple[datetime, datetime]:
    since = state.held_since or state.first_seen
    return since, state.held_until or since


def _blocked(town: Iterable[EventState], state: EventState, seen_at: datetime, holder: str) -> bool:
    # A capture by another holder between the report and the event means the report tells
    # of another capture (the town changed hands in between).
    since, until = _held_span(state)
    low, high = min(seen_at, since), max(seen_at, until)
    for other in town:
        if other.alert_id == state.alert_id or other.holder in (None, holder):
            continue
        other_since, other_until = _held_span(other)
        if other_until >= low and other_since <= high:
            return True
    return False


def _choose_capture(
    states: Iterable[EventState], event: DetectedEvent, seen_at: datetime, policy: DedupPolicy
) -> EventState | None:
    own = place_key(event.place)
    window = policy.window(CAPTURE)
    town = [state for state in states if state.kind == CAPTURE and place_key(state.place) == own]
    near = [state for state in town if abs(seen_at - anchor(state)) <= window]
    holder = report_holder(event)
    if holder is None:
        # No holder named: it cannot tell a capture apart, so it joins the nearest one in
        # time; preferably not one by the side it says lost the town.
        loser = holder_key(event.from_actor, event.place.country if event.place else "")
        return min(
            near,
            key=lambda state: (
                loser is not None and state.holder == loser,
                abs(seen_at - anchor(state)),
                anchor(state),
                state.alert_id,
            ),
            default=None,
        )
    candidates = [
        state
        for state in near
        if state.holder in (None, holder) and not _blocked(town, state, seen_at, holder)
    ]
    return min(
        candidates,
        key=lambda state: (state.holder != holder, abs(seen_at - anchor(state)), state.alert_id),
        default=None,
    )


def _predecessor(town: Iterable[EventState], state: EventState) -> EventState | None:
    """The latest capture with a known holder that ended before ``state`` began."""
    since, _until = _held_span(state)
    earlier = [
        other
        for other in town
        if other.alert_id != state.alert_id
        and other.holder is not None
        and _held_span(other)[1] < since
    ]
    return max(earlier, key=lambda other: (_held_span(other)[1], other.alert_id), default=None)


def reversal_of(town: Iterable[EventState], state: EventState, policy: DedupPolicy) -> str | None:
    """Alert id of the capture by another holder that ``state`` reverses within the window."""
    if state.kind != CAPTURE or state.holder is None:
        return None
    previous = _predecessor(town, state)
    if previous is None or previous.holder == state.holder:
        return None
    if _held_span(state)[0] - _held_span(previous)[1] > policy.window(CAPTURE):
        return None
    return previous.alert_id


def relinked(
    town: Iterable[EventState], changed: EventState, policy: DedupPolicy
) -> EventState | None:
    """The capture right after ``changed`` with its new ``supersedes``, if that link changed.

    Only the next capture's link can change when one capture is created or grows. A link
    switches to a capture found in between; it never drops, so what subscribers were told
    stays true."""
    if changed.kind != CAPTURE or changed.holder is None:
        return None
    others = [state for state in town if state.alert_id != changed.alert_id]
    since = _held_span(changed)[0]
    later = [state for state in others if state.holder is not None and _held_span(state)[0] > since]
    following = min(later, key=lambda state: (_held_span(state)[0], state.alert_id), default=None)
    if following is None:
        return None
    link = reversal_of([*others, changed], following, policy)
    if link is None or link == following.supersedes:
        return None
    return replace(following, supersedes=link, revision=following.revision + 1)


def same_event(
    state: EventState,
    event: DetectedEvent,
    seen_at: datetime,
    policy: DedupPolicy,
    incidents: frozenset[str] = frozenset(),
) -> bool:
    """Whether a report may tell the event ``state`` stands for (as far as the text allows)."""
    if state.kind != event.kind or abs(seen_at - state.first_seen) > policy.window(event.kind):
        return False
    if not _place_fits(state, event.place, event.kind):
        return False
    if event.kind == CAPTURE:
        holder = report_holder(event)
        return holder is None or state.holder in (None, holder)
    if incidents and state.incidents and incidents.isdisjoint(state.incidents):
        return False
    return _toll_fits(state, event.casualties, seen_at, policy)


def _toll_gap(state: EventState, casualties: Casualties | None) -> float:
    if casualties is None or casualties.killed is None or state.killed is None:
        return 0.0
    return abs(casualties.killed - state.killed) / max(casualties.killed, state.killed, 1)


def choose_event(
    states: Iterable[EventState],
    event: DetectedEvent,
    seen_at: datetime,
    policy: DedupPolicy,
    incidents: frozenset[str] = frozenset(),
) -> EventState | None:
    """The event a report joins, or ``None`` for a new one; ties go to the closest match."""
    if event.kind == CAPTURE:
        return _choose_capture(states, event, seen_at, policy)
    own_place = place_key(event.place)
    matches = [state for state in states if same_event(state, event, seen_at, policy, incidents)]
    return min(
        matches,
        key=lambda state: (
            place_key(state.place) != own_place,
            _toll_gap(state, event.casualties),
            abs(seen_at - state.first_seen),
            state.alert_id,
        ),
        default=None,
    )


# --- revisions -----------------------------------------------------------------------------


def _rose(highest: int | None, stated: int | None, policy: DedupPolicy) -> bool:
    if stated is None:
        return False
    base = highest or 0
    step = max(policy.revision_min_count, math.ceil(policy.revision_min_ratio * base), 1)
    return stated - base >= step


def _resolves_place(known: Place | None, stated: Place | None) -> bool:
    return (
        stated is not None
        and stated.geoname_id is not None
        and (known is None or known.geoname_id is None)
    )


def is_material(previous: EventState, event: DetectedEvent, policy: DedupPolicy) -> str | None:
    """Why a report deserves a new revision (``toll_up``, ``confirmed`` ...), or ``None``."""
    reasons: list[str] = []
    casualties = event.casualties
    if previous.kind == CASUALTY and casualties is not None:
        if _rose(previous.alerted_killed, casualties.killed, policy):
            reasons.append(REASON_TOLL)
        elif _rose(previous.alerted_wounded, casualties.wounded, policy):
            reasons.append(REASON_WOUNDED)
    if confirms(event.status, previous.status):
        reasons.append(REASON_CONFIRMED)
    if _resolves_place(previous.place, event.place):
        reasons.append(REASON_PLACE)
    return ",".join(reasons) or None


def source_of(item: WireItem) -> AlertSource:
    """The source entry an item adds to an alert."""
    return AlertSource(
        item_id=item.id,
        source=item.source,
        lang=item.lang,
        url=item.url,
        title=item.title,
        seen_at=item.seen_at,
    )


def _with_source(sources: tuple[AlertSource, ...], source: AlertSource) -> tuple[AlertSource, ...]:
    if any(known.item_id == source.item_id for known in sources):
        return sources
    return (*sources, source)


def new_state(
    alert_id: str,
    signature_text: str,
    event: DetectedEvent,
    source: AlertSource,
    incidents: frozenset[str] = frozenset(),
) -> EventState:
    """The state of an event at its first report."""
    seen_at = source.seen_at or event.detected_at
    casualties = event.casualties or Casualties()
    holder = report_holder(event) if event.kind == CAPTURE else None
    return EventState(
        alert_id=alert_id,
        kind=event.kind,
        signature=signature_text,
        first_seen=seen_at,
        last_seen=seen_at,
        status=event.status,
        place=event.place,
        killed=casualties.killed,
        wounded=casualties.wounded,
        approximate=casualties.approximate,
        alerted_killed=casualties.killed,
        alerted_wounded=casualties.wounded,
        incidents=incidents,
        tolls=_toll_report(seen_at, event.casualties),
        actor=event.actor,
        from_actor=event.from_actor,
        sources=(source,),
        holder=holder,
        held_since=seen_at if holder else None,
        held_until=seen_at if holder else None,
    )


def _higher(known: int | None, stated: int | None) -> int | None:
    if stated is None:
        return known
    return stated if known is None else max(known, stated)


def merge(
    previous: EventState,
    event: DetectedEvent,
    source: AlertSource,
    incidents: frozenset[str] = frozenset(),
    material: bool = False,
) -> EventState:
    """The state after one more report; the revision grows only when ``material``."""
    seen_at = source.seen_at or event.detected_at
    casualties = event.casualties or Casualties()
    killed = _higher(previous.killed, casualties.killed)
    # "At least" belongs to whichever report gave the highest toll; an exact equal one wins.
    if killed != previous.killed:
        approximate = casualties.approximate
    elif casualties.killed == killed:
        approximate = previous.approximate and casualties.approximate
    else:
        approximate = previous.approximate
    status = previous.status
    if confirms(event.status, status):
        status = event.status
    place = event.place if _resolves_place(previous.place, event.place) else previous.place
    wounded = _higher(previous.wounded, casualties.wounded)
    holder, held_since, held_until = previous.holder, previous.held_since, previous.held_until
    actor, from_actor = previous.actor or event.actor, previous.from_actor or event.from_actor
    stated = report_holder(event) if previous.kind == CAPTURE else None
    if stated is not None and previous.holder is None:
        # The first report naming the holder names the event: its actor, not a vaguer one.
        holder, actor, from_actor = stated, event.actor, event.from_actor or previous.from_actor
    if stated is not None and stated == holder:
        held_since = min(held_since or seen_at, seen_at)
        held_until = max(held_until or seen_at, seen_at)
    return replace(
        previous,
        first_seen=min(previous.first_seen, seen_at),
        last_seen=max(previous.last_seen, seen_at),
        revision=previous.revision + 1 if material else previous.revision,
        status=status,
        place=place or event.place,
        killed=killed,
        wounded=wounded,
        approximate=approximate,
        alerted_killed=killed if material else previous.alerted_killed,
        alerted_wounded=wounded if material else previous.alerted_wounded,
        incidents=previous.incidents | incidents,
        tolls=previous.tolls + _toll_report(seen_at, event.casualties),
        actor=actor,
        from_actor=from_actor,
        sources=_with_source(previous.sources, source),
        holder=holder,
        held_since=held_since,
        held_until=held_until,
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """What one report does: the event it makes or joins, and the alerts that follow."""

    #: The event after the report (new, or merged into the one it joins).
    state: EventState
    #: Reason of the alert the report causes on ``state`` (``new``, ``reversal``, ``toll_up``
    #: ...), or ``None`` when it only adds a source.
    reason: str | None
    #: Whether the report started a new event.
    created: bool
    #: The next capture of the town with its new ``supersedes`` and revision, when this
    #: report revealed an earlier capture by another holder: it alerts with ``reversal``.
    relinked: EventState | None = None


def decide(
    states: Iterable[EventState],
    event: DetectedEvent,
    source: AlertSource,
    claim: str,
    policy: DedupPolicy,
    incidents: frozenset[str] = frozenset(),
) -> Decision:
    """The whole decision for one report among the known events (``claim``: its observation)."""
    states = list(states)
    seen_at = source.seen_at or event.detected_at
    target = choose_event(states, event, seen_at, policy, incidents)
    reasons: list[str] = []
    if target is None:
        claimed = signature(event, seen_at, policy)
        state = new_state(alert_id_for(claimed, claim), claimed, event, source, incidents)
    else:
        material = is_material(target, event, policy)
        reasons = material.split(",") if material else []
        state = merge(target, event, source, incidents)
    following = None
    if event.kind == CAPTURE:
        town = [
            other
            for other in states
            if other.alert_id != state.alert_id
            and other.kind == CAPTURE
            and place_key(other.place) == place_key(state.place)
        ]
        link = reversal_of(town, state, policy)
        if link is not None and link != state.supersedes:
            reasons.append(REASON_REVERSAL)
            state = replace(state, supersedes=link)
        following = relinked(town, state, policy)
    if target is None:
        return Decision(state, reasons[0] if reasons else REASON_NEW, True, following)
    if reasons:
        # Material: the revision grows and the tolls alerted are the merged ones.
        state = replace(
            merge(target, event, source, incidents, material=True), supersedes=state.supersedes
        )
    return Decision(state, ",".join(reasons) or None, False, following)


def alert_event(state: EventState, event: DetectedEvent) -> DetectedEvent:
    """The report that caused an alert, carrying the event's merged place, toll and status."""
    casualties = event.casualties
    if state.kind == CASUALTY:
        casualties = replace(
            casualties or Casualties(),
            killed=state.killed,
            wounded=state.wounded,
            approximate=state.approximate,
        )
    return replace(
        event,
        place=state.place,
        casualties=casualties,
        status=EventStatus(state.status),
        actor=state.actor or event.actor,
        from_actor=state.from_actor or event.from_actor,
    )


def build_alert(state: EventState, event: DetectedEvent, reason: str) -> Alert:
    """The alert for the revision ``state`` is at, caused by ``event``."""
    shown = alert_event(state, event)
    return Alert(
        id=state.alert_id,
        revision=state.revision,
        event=shown,
        sources=state.sources,
        first_seen=state.first_seen,
        headline=headlines(shown),
        updated_at=state.last_seen,
        reason=reason,
        supersedes=state.supersedes,
    )

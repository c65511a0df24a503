"""A town that changes hands twice is two events, whatever order its reports arrive in; pure."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from streams.dedup import DedupPolicy, EventState, anchor, reversal_of, same_event
from streams.events import Alert, DetectedEvent, Place
from streams.holders import holder_key
from tests.unit.streams.palmyra import PureDedup, Report, load

HEADER, REPORTS = load()
CORE = [report for report in REPORTS if report.set == "core"]
POLICY = DedupPolicy()
T0 = datetime(2024, 5, 20, 18, 0, tzinfo=UTC)
PALMYRA = Place("Palmyra", 163808, "Tadmur", "SY")

# --- who holds the town ------------------------------------------------------------------------

HOLDERS = [
    # (actor as written, country of the town, holder)
    ("Islamic State", "SY", "islamic_state"),
    ("IS", "SY", "islamic_state"),
    ("ISIS", "SY", "islamic_state"),
    ("Daesh", "SY", "islamic_state"),
    ("l'EI", "SY", "islamic_state"),
    ("l'Etat islamique", "SY", "islamic_state"),
    ("djihadistes de l'EI", "SY", "islamic_state"),
    ("Les jihadistes du groupe Etat islamique (EI)", "SY", "islamic_state"),
    ("Islamic State fighters", "SY", "islamic_state"),
    ("the Syrian army", "SY", "gov:SY"),
    ("l'armée syrienne", "SY", "gov:SY"),
    ("government forces", "SY", "gov:SY"),
    ("les forces du régime", "SY", "gov:SY"),
    ("troupes gouvernementales", "SY", "gov:SY"),
    ("Syrian government forces", "SY", "gov:SY"),
    ("l'armée", "SY", "gov:SY"),
    ("the army", "SY", "gov:SY"),
    ("Syrian Arab Army", "SY", "gov:SY"),
    ("les soldats ukrainiens", "UA", "gov:UA"),
    ("Malian troops and their Russian allies", "ML", "gov:ML"),
    # A national army is the government only in its own country.
    ("the Syrian army", "IQ", "syrian_army"),
    ("government forces", "LY", "gov:LY"),
    ("GNA forces", "LY", "gov:LY"),
    ("les forces loyales au gouvernement d'union", "LY", "gov:LY"),
    ("US-backed SDF", "SY", "sdf"),
    ("les FDS", "SY", "sdf"),
    # Longer names that contain a shorter alias: the longest wins.
    ("Free Syrian Army", "SY", "free_syrian_army"),
    ("l'Armée syrienne libre", "SY", "free_syrian_army"),
    # Unknown: never a reason to split a capture.
    ("les djihadistes", "SY", None),
    ("separatist rebels", "ML", None),
    ("anti-government forces", "SY", None),
    ("Arakan Army", "MM", None),
    ("", "SY", None),
    (None, "SY", None),
]


@pytest.mark.parametrize(
    ("actor", "country", "holder"), HOLDERS, ids=[str(row[0]) for row in HOLDERS]
)
def test_holder_key(actor: str | None, country: str, holder: str | None) -> None:
    assert holder_key(actor, country) == holder


# --- the Palmyra scenario, every arrival order ---------------------------------------------------


def run(order: list[Report]) -> PureDedup:
    """Feed the reports in ``order`` to a pure dedup."""
    dedup = PureDedup()
    for report in order:
        dedup.observe(report)
    return dedup


def check_two_captures(dedup: PureDedup, order: list[Report]) -> tuple[Alert, Alert]:
    """Two alert ids, the retake a reversal of the first capture; each holds its own reports."""
    latest = dedup.latest()
    assert len(latest) == 2, [report.item.id for report in order]
    first, retake = sorted(latest.values(), key=lambda alert: anchor(dedup.states[alert.id]))
    assert (first.reason, first.supersedes) == ("new", None)
    # Every alert of the retake after the link carries it; one of them says why.
    assert retake.supersedes == first.id
    reasons = [alert.reason.split(",") for alert in dedup.emitted if alert.id == retake.id]
    assert sum("reversal" in reason for reason in reasons) == 1
    assert all(alert.supersedes is None for alert in dedup.emitted if alert.id == first.id)
    by_id = {alert_id: state for alert_id, state in dedup.states.items()}
    expected = {
        first.id: {r.item.id for r in order if r.capture == "IS"},
        retake.id: {r.item.id for r in order if r.capture == "army"},
    }
    for alert_id, items in expected.items():
        told = {source.item_id for source in by_id[alert_id].sources}
        # A report naming no holder joins whichever capture is nearest when it arrives.
        assert items <= told <= items | {r.item.id for r in order if r.capture is None}
    assert by_id[first.id].holder == HEADER["alerts"]["IS"]["holder"]
    assert by_id[retake.id].holder == HEADER["alerts"]["army"]["holder"]
    return first, retake


@pytest.mark.parametrize(
    "order",
    list(itertools.permutations(CORE)),
    ids=[
        "-".join(f"{r.capture}{r.item.lang}" for r in order)
        for order in itertools.permutations(CORE)
    ],
)
def test_palmyra_gives_two_alerts_in_every_order(order: tuple[Report, ...]) -> None:
    dedup = run(list(order))
    first, retake = check_two_captures(dedup, list(order))
    # What subscribers get: the retake is a reversal from its first alert when the first
    # capture is already known, else it alerts as new and then as a reversal (revision 1).
    messages = [(alert.id, alert.revision, alert.reason) for alert in dedup.emitted]
    if order[0].capture == "IS":
        assert messages == [(first.id, 0, "new"), (retake.id, 0, "reversal")]
    else:
        assert sorted(messages) == sorted(
            [(retake.id, 0, "new"), (first.id, 0, "new"), (retake.id, 1, "reversal")]
        )
    for alert in (first, retake):
        expected = HEADER["alerts"]["IS" if alert is first else "army"]["headline"]
        assert alert.headline == expected


def orders_with_variants(count: int) -> list[list[Report]]:
    """A fixed sample of arrival orders of every report, variants included."""
    chosen = random.Random(20240520)
    orders = [list(REPORTS), list(reversed(REPORTS))]
    while len(orders) < count:
        order = list(REPORTS)
        chosen.shuffle(order)
        orders.append(order)
    return orders


def test_palmyra_with_other_spellings_and_no_holder_in_many_orders() -> None:
    for order in orders_with_variants(300):
        check_two_captures(run(order), order)


# --- the rules, one by one -----------------------------------------------------------------------


def capture(actor: str | None, hours: float, from_actor: str | None = None) -> tuple[Report, None]:
    """A capture of Palmyra by ``actor``, published ``hours`` after T0."""
    template = CORE[0]
    at = T0 + timedelta(hours=hours)
    item = replace(template.item, id=f"r-{actor}-{hours}", published_at=at, fetched_at=at)
    event = replace(template.event, actor=actor, from_actor=from_actor, item_id=item.id)
    return Report("", None, "rule", item, event), None


def reports(*specs: tuple[str | None, float]) -> list[Report]:
    """Reports of captures of Palmyra: (actor, hours after T0)."""
    return [capture(actor, hours)[0] for actor, hours in specs]


def ids(dedup: PureDedup, order: list[Report]) -> list[str]:
    """The alert id each report ended in, in the order given."""
    where = {}
    for alert_id, state in dedup.states.items():
        for source in state.sources:
            where[source.item_id] = alert_id
    return [where[report.item.id] for report in order]


def test_an_absent_or_unknown_holder_never_makes_a_reversal() -> None:
    order = reports(("Islamic State", 0), (None, 47), ("les djihadistes", 48), (None, 1))
    dedup = run(order)
    assert len(set(ids(dedup, order))) == 1
    assert [alert.reason for alert in dedup.emitted] == ["new"]


def test_a_capture_first_told_without_holder_takes_the_first_holder_named() -> None:
    order = reports((None, 0), ("l'EI", 1), ("the Syrian army", 48))
    dedup = run(order)
    first, _, retake = ids(dedup, order)
    assert ids(dedup, order)[:2] == [first, first] and retake != first
    assert dedup.states[first].holder == "islamic_state"
    assert dedup.states[first].actor == "l'EI"
    assert dedup.latest()[retake].supersedes == first


def test_back_and_forth_is_one_event_per_change_of_hands() -> None:
    order = reports(("Islamic State", 0), ("the Syrian army", 24), ("Daesh", 48), ("l'EI", 1))
    dedup = run(order)
    first, second, third, late = ids(dedup, order)
    assert len({first, second, third}) == 3 and late == first
    latest = dedup.latest()
    assert latest[second].supersedes == first and latest[third].supersedes == second


def test_a_capture_found_in_between_relinks_the_later_one() -> None:
    # The army's retake is known as a reversal of IS; then a late report tells that the SDF
    # held the town in between. Links follow event time: SDF reverses IS, the army the SDF.
    order = reports(("Islamic State", 0), ("the Syrian army", 48))
    dedup = run(order)
    islamic_state, army = ids(dedup, order)
    assert dedup.latest()[army].supersedes == islamic_state
    between = capture("les FDS", 24)[0]
    alerts = dedup.observe(between)
    sdf = ids(dedup, [between])[0]
    assert [(alert.id, alert.revision, alert.reason, alert.supersedes) for alert in alerts] == [
        (sdf, 0, "reversal", islamic_state),
        (army, 1, "reversal", sdf),
    ]
    # Told again, it changes nothing more.
    assert dedup.observe(capture("SDF", 25)[0]) == []


def test_a_return_told_before_the_capture_between_stays_one_event() -> None:
    # A limit (docs/dedup.md): IS at 0 h and IS at 48 h seen first are one capture; the
    # army's capture at 24 h, seen last, is then a capture of its own but cannot split them.
    order = reports(("Islamic State", 0), ("Daesh", 48), ("the Syrian army", 24))
    dedup = run(order)
    first, again, army = ids(dedup, order)
    assert first == again != army
    assert [alert.reason for alert in dedup.emitted] == ["new", "new"]


def test_another_holder_beyond_the_window_is_new_not_a_reversal() -> None:
    dedup = run(reports(("Islamic State", 0), ("the Syrian army", 100)))
    assert [(alert.revision, alert.reason, alert.supersedes) for alert in dedup.emitted] == [
        (0, "new", None),
        (0, "new", None),
    ]


def test_the_same_holder_again_beyond_the_window_is_no_reversal() -> None:
    dedup = run(reports(("Islamic State", 0), ("IS", 80)))
    assert [alert.reason for alert in dedup.emitted] == ["new", "new"]


def state(holder: str | None, hours: float, alert_id: str) -> EventState:
    """A stored capture of Palmyra by ``holder``, first reported ``hours`` after T0."""
    at = T0 + timedelta(hours=hours)
    return EventState(
        alert_id=alert_id, kind="city_capture", signature="s", first_seen=at, last_seen=at,
        place=PALMYRA, holder=holder, held_since=at if holder else None,
        held_until=at if holder else None,
    )  # fmt: skip


def test_reversal_links_the_latest_earlier_capture_by_another_holder() -> None:
    town = [state("islamic_state", 0, "a"), state(None, 10, "u"), state("gov:SY", 48, "b")]
    # The capture with no holder is transparent: it neither reverses nor is reversed.
    assert reversal_of(town, town[2], POLICY) == "a"
    assert reversal_of(town, town[1], POLICY) is None
    assert reversal_of(town, town[0], POLICY) is None
    same = state("islamic_state", 30, "c")
    assert reversal_of([*town[:1], same], same, POLICY) is None


def test_same_event_compares_holders() -> None:
    stored = state("islamic_state", 0, "a")
    event: DetectedEvent = replace(CORE[0].event, actor="Daesh")
    later = T0 + timedelta(hours=2)
    assert same_event(stored, event, later, POLICY)
    assert not same_event(stored, replace(event, actor="government forces"), later, POLICY)
    assert same_event(stored, replace(event, actor=None), later, POLICY)

"""Signatures, the same-event rule and materiality, as tables; pure, no Redis."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ingest.items import WireItem
from kernel.settings import Settings
from streams.dedup import (
    DedupPolicy,
    EventState,
    alert_id_for,
    build_alert,
    choose_event,
    event_incidents,
    incident_types,
    index_signatures,
    is_material,
    is_stale,
    lookup_signatures,
    merge,
    new_state,
    observation_key,
    place_key,
    signature,
    source_of,
)
from streams.events import AlertSource, Casualties, DetectedEvent, Place

POLICY = DedupPolicy()
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
KABOUL = Place("Kaboul", 1138958, "Kabul", "AF")
KABUL = Place("Kabul", 1138958, "Kabul", "AF")
KANDAHAR = Place("Kandahar", 1138336, "Kandahar", "AF")
AFGHANISTAN = Place("Afghanistan", None, "Afghanistan", "AF")
PAKISTAN = Place("Pakistan", None, "Pakistan", "PK")
MOSSOUL = Place("Mossoul", 99072, "Mosul", "IQ")
MOSUL = Place("Mosul", 99072, "Mosul", "IQ")


def capture(
    place: Place = MOSUL,
    lang: str = "en",
    status: str = "reported",
    actor: str | None = None,
    from_actor: str | None = None,
) -> DetectedEvent:
    """A capture detection."""
    return DetectedEvent(
        id="d", kind="city_capture", item_id="i", lang=lang, evidence="", place=place,
        status=status, actor=actor, from_actor=from_actor,
    )  # fmt: skip


def casualty(
    killed: int | None,
    place: Place = KABUL,
    evidence: str = "",
    approximate: bool = False,
    wounded: int | None = None,
    status: str = "reported",
) -> DetectedEvent:
    """A casualty detection."""
    return DetectedEvent(
        id="d", kind="casualty_report", item_id="i", lang="en", evidence=evidence, place=place,
        casualties=Casualties(killed=killed, wounded=wounded, approximate=approximate),
        status=status,
    )  # fmt: skip


def source(item_id: str, at: datetime = T0, lang: str = "en") -> AlertSource:
    """A source seen at ``at``."""
    return AlertSource(item_id=item_id, source="feed", lang=lang, seen_at=at)


def state_of(event: DetectedEvent, at: datetime = T0, context: str = "") -> EventState:
    """The state an event starts with when first reported at ``at``."""
    incidents = event_incidents(event, context)
    return new_state("a1", signature(event, at, POLICY), event, source("first", at), incidents)


def test_policy_defaults_are_the_settings_defaults() -> None:
    assert DedupPolicy.from_settings(Settings()) == POLICY


# --- signatures -----------------------------------------------------------------------------


def test_french_and_english_reports_of_one_capture_share_a_signature() -> None:
    french = signature(capture(MOSSOUL, "fr", "claimed", "les forces irakiennes"), T0, POLICY)
    english = signature(
        capture(MOSUL, "en", "reported", "Iraqi forces"), T0 + timedelta(hours=5), POLICY
    )
    assert french == english == "city_capture:g99072:6595"


@pytest.mark.parametrize(
    ("event", "key"),
    [
        (casualty(12, KABUL), "g1138958"),
        (casualty(12, AFGHANISTAN), "cAF"),
        (casualty(12, Place("Some Village", None, "", "")), "nsome-village"),
        # A village no gazetteer lists keeps its own key: two of one country are two places.
        (casualty(12, Place("Boulkessi", None, "", "ML")), "nML_boulkessi"),
        (casualty(12, Place("Tin-Akoff", None, "", "ML")), "nML_tin-akoff"),
        (casualty(12, None), "unplaced"),  # type: ignore[arg-type]
    ],
)
def test_place_key_falls_back_from_city_to_country_to_name(event: DetectedEvent, key: str) -> None:
    assert place_key(event.place) == key
    assert signature(event, T0, POLICY).split(":")[1] == key


def test_signatures_differ_by_kind_place_and_window() -> None:
    base = signature(casualty(12), T0, POLICY)
    assert signature(capture(KABUL), T0, POLICY) != base
    assert signature(casualty(12, KANDAHAR), T0, POLICY) != base
    assert signature(casualty(12), T0 + timedelta(hours=36), POLICY) != base


def test_lookups_cover_the_neighbour_slices_and_the_country() -> None:
    lookups = lookup_signatures(casualty(12), T0, POLICY)
    index = int(signature(casualty(12), T0, POLICY).rsplit(":", 1)[1])
    assert lookups == [
        f"casualty_report:{key}:{slot}"
        for key in ("g1138958", "cAF")
        for slot in (index, index - 1, index + 1)
    ]
    # A capture names its city or is none: it never falls back to the country.
    assert len(lookup_signatures(capture(MOSUL), T0, POLICY)) == 3


def test_an_event_is_indexed_under_its_city_and_its_country() -> None:
    state = state_of(casualty(12))
    assert index_signatures(state, POLICY) == [
        state.signature,
        state.signature.replace("g1138958", "aAF"),
    ]
    country_level = state_of(casualty(12, AFGHANISTAN))
    assert index_signatures(country_level, POLICY) == [country_level.signature]
    assert {
        text.split(":")[1] for text in lookup_signatures(casualty(12, AFGHANISTAN), T0, POLICY)
    } == {
        "cAF",
        "aAF",
    }


def test_ids_are_stable() -> None:
    item = WireItem(id="x", source="feed", title="t", published_at=T0)
    assert alert_id_for("s", "o") == alert_id_for("s", "o") != alert_id_for("s", "p")
    assert observation_key(item, casualty(12), "v1") == observation_key(item, casualty(12), "v1")
    assert observation_key(item, casualty(12), "v1") != observation_key(item, casualty(15), "v1")
    assert observation_key(item, casualty(12), "v1") != observation_key(item, casualty(12), "v2")


def test_stale_items_are_recognised() -> None:
    fresh = WireItem(
        id="x", source="f", title="t", published_at=T0, fetched_at=T0 + timedelta(hours=1)
    )
    assert not is_stale(fresh, POLICY)
    assert is_stale(replace(fresh, fetched_at=T0 + timedelta(days=8)), POLICY)


# --- the same-event rule ---------------------------------------------------------------------

BOMBING = "A bomb exploded at a market"
SHOOTING = "Gunmen opened fire outside a ministry"
HOURS = timedelta(hours=1)

SAME_EVENT_TABLE = [
    # (why, first report, later report, hours later, same event?)
    ("a toll that grows: 12 then at least 15", casualty(12, KABOUL, BOMBING), casualty(15, KABUL, BOMBING, True), 2, True),
    ("a toll restated lower by a late wire", casualty(17, KABUL, BOMBING), casualty(12, KABUL, BOMBING), 2, True),
    ("another attack the same day, other kind and toll", casualty(40, KABUL, BOMBING), casualty(3, KABUL, SHOOTING), 6, False),
    ("another attack, same kind, far lower toll", casualty(40, KABUL, BOMBING), casualty(5, KABUL, BOMBING), 6, False),
    ("same toll, other kind of attack", casualty(12, KABUL, BOMBING), casualty(12, KABUL, SHOOTING), 1, False),
    ("no kind named: the toll decides", casualty(12, KABUL), casualty(14, KABUL), 1, True),
    ("beyond the casualty window", casualty(12, KABUL), casualty(14, KABUL), 37, False),
    ("another city", casualty(12, KABUL), casualty(12, KANDAHAR), 1, False),
    ("a city report joins a country-level one", casualty(20, AFGHANISTAN), casualty(22, KABUL), 3, True),
    ("a country-level report joins a city one", casualty(20, KABUL), casualty(22, AFGHANISTAN), 3, True),
    ("another country", casualty(20, AFGHANISTAN), casualty(20, PAKISTAN), 3, False),
    ("a capture told in French then English", capture(MOSSOUL, "fr", actor="les forces irakiennes"), capture(MOSUL, actor="Iraqi forces"), 30, True),
    ("a capture across the 72 h window", capture(MOSUL), capture(MOSUL), 73, False),
    ("the loser takes the city back", capture(MOSUL, actor="Iraqi forces", from_actor="l'EI"), capture(MOSUL, actor="Islamic State"), 20, False),
    ("another report of the same winner", capture(MOSUL, actor="Iraqi forces", from_actor="l'EI"), capture(MOSSOUL, actor="les forces irakiennes"), 20, True),
    ("another holder, the loser not named", capture(MOSUL, actor="Iraqi forces"), capture(MOSUL, actor="Daesh"), 20, False),
    ("a holder no alias resolves never splits", capture(MOSUL, actor="Iraqi forces"), capture(MOSSOUL, actor="les djihadistes"), 20, True),
    ("no holder named never splits", capture(MOSUL, actor="Islamic State"), capture(MOSUL), 40, True),
    ("government words name the government", capture(MOSUL, actor="Iraqi forces"), capture(MOSSOUL, actor="les forces gouvernementales"), 5, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("why", "first", "later", "hours", "same"),
    SAME_EVENT_TABLE,
    ids=[row[0] for row in SAME_EVENT_TABLE],
)
def test_same_event(
    why: str, first: DetectedEvent, later: DetectedEvent, hours: int, same: bool
) -> None:
    state = state_of(first)
    seen = T0 + hours * HOURS
    chosen = choose_event([state], later, seen, POLICY, event_incidents(later))
    assert (chosen is not None) is same, why


def test_an_early_low_toll_arriving_late_is_a_restatement() -> None:
    state = state_of(casualty(30, KABUL, BOMBING), T0 + 4 * HOURS)
    assert choose_event([state], casualty(10, KABUL, BOMBING), T0, POLICY) is state
    assert choose_event([state], casualty(10, KABUL, BOMBING), T0 + 5 * HOURS, POLICY) is None


def test_the_closest_event_wins() -> None:
    city = replace(state_of(casualty(20, KABUL)), alert_id="city")
    country = replace(state_of(casualty(20, AFGHANISTAN)), alert_id="country")
    assert choose_event([country, city], casualty(21, KABUL), T0 + HOURS, POLICY) is city
    small = replace(state_of(casualty(6, KABUL)), alert_id="small")
    large = replace(state_of(casualty(40, KABUL)), alert_id="large")
    assert choose_event([small, large], casualty(42, KABUL), T0 + HOURS, POLICY) is large


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Un attentat suicide a visé un marché", {"bombing"}),
        ("A car bomb went off near a checkpoint", {"bombing"}),
        ("Des frappes aériennes ont tué neuf personnes", {"airstrike"}),
        ("Air raids on eastern districts killed nine", {"airstrike"}),
        ("Des tirs d'artillerie sur un quartier", {"shelling"}),
        ("Des hommes armés ont ouvert le feu", {"shooting"}),
        ("Gunmen killed 20 villagers", {"shooting"}),
        ("Un naufrage au large de la côte", {"crash"}),
        ("An earthquake struck the region", {"disaster"}),
        ("Le bilan s'élève à 17 morts", set()),
    ],
)
def test_incident_types(text: str, kinds: set[str]) -> None:
    assert incident_types(text) == kinds


def test_incidents_fall_back_to_the_title() -> None:
    assert event_incidents(
        casualty(17, evidence="The toll rose to 17"), "Kabul bombing toll rises"
    ) == {"bombing"}


# --- revisions -------------------------------------------------------------------------------

MATERIAL_TABLE = [
    # (why, first report, later report, expected reason)
    ("12 then 15: +3", casualty(12), casualty(15), "toll_up"),
    ("15 then 17: +2", casualty(15), casualty(17), None),
    ("100 then 103: +3 but 3 %", casualty(100), casualty(103), None),
    ("100 then 120: +20 %", casualty(100), casualty(120), "toll_up"),
    ("a lower restatement", casualty(17), casualty(12), None),
    ("wounded rise, killed unchanged", casualty(5, wounded=10), casualty(5, wounded=30), "wounded_up"),
    ("claimed then reported", capture(status="claimed"), capture(), "confirmed"),
    ("disputed then reported", capture(status="disputed"), capture(), "confirmed"),
    ("reported then claimed", capture(), capture(status="claimed"), None),
    ("a place resolves", casualty(20, AFGHANISTAN), casualty(21, KABUL), "place_resolved"),
    ("a place and a toll", casualty(20, AFGHANISTAN), casualty(30, KABUL), "toll_up,place_resolved"),
    ("the place again", casualty(20, KABUL), casualty(20, KABUL), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("why", "first", "later", "reason"), MATERIAL_TABLE, ids=[row[0] for row in MATERIAL_TABLE]
)
def test_is_material(
    why: str, first: DetectedEvent, later: DetectedEvent, reason: str | None
) -> None:
    assert is_material(state_of(first), later, POLICY) == reason, why


def test_materiality_is_measured_from_the_last_alert() -> None:
    state = state_of(casualty(9))
    state = merge(state, casualty(11), source("b", T0 + HOURS), material=False)
    assert (state.killed, state.alerted_killed) == (11, 9)
    # 12 is only +1 over the 11 known, but +3 over the 9 subscribers were told.
    assert is_material(state, casualty(12), POLICY) == "toll_up"
    assert is_material(state, casualty(11), POLICY) is None


def test_thresholds_are_configurable() -> None:
    strict = replace(POLICY, revision_min_count=10, revision_min_ratio=0.0)
    assert is_material(state_of(casualty(12)), casualty(20), strict) is None
    assert is_material(state_of(casualty(12)), casualty(22), strict) == "toll_up"


def test_merge_keeps_the_best_of_every_report() -> None:
    first = state_of(casualty(20, AFGHANISTAN, approximate=True, status="claimed"))
    later = casualty(35, KABUL, status="reported")
    merged = merge(first, later, source("b", T0 - HOURS, "fr"), material=True)
    assert merged.revision == 1
    assert (merged.killed, merged.approximate, merged.status) == (35, False, "reported")
    assert merged.place == KABUL
    assert merged.first_seen == T0 - HOURS and merged.last_seen == T0
    again = merge(merged, casualty(12, AFGHANISTAN), source("b"), material=False)
    assert again.place == KABUL and again.killed == 35
    assert [s.item_id for s in again.sources] == ["first", "b"]  # one entry per item


def test_build_alert_carries_the_merged_event_in_both_languages() -> None:
    first = state_of(casualty(12, KABOUL))
    merged = merge(first, casualty(40, KABUL), source("b", lang="fr"), material=True)
    alert = build_alert(merged, casualty(40, KABUL), "toll_up")
    assert (alert.id, alert.revision, alert.reason) == ("a1", 1, "toll_up")
    assert alert.headline == {"fr": "Kaboul (AF) : 40 morts", "en": "Kabul (AF): 40 killed"}
    assert alert.first_seen == T0 and alert.languages == {"en", "fr"}


def test_source_of_an_item() -> None:
    item = WireItem(id="x", source="wire", title="t", lang="fr", url="u", published_at=T0)
    assert source_of(item) == AlertSource("x", "wire", "fr", "u", "t", T0)

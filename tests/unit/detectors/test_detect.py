"""Behaviour of ``detect``: event fields, modality, stable ids, hard negatives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.items import WireItem
from streams.detectors import Detector, detect
from streams.events import DetectedEvent

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def _detect(detector: Detector, title: str, summary: str = "") -> list[DetectedEvent]:
    return detector.detect(
        WireItem(id="item-1", source="test", title=title, summary=summary), now=NOW
    )


def test_capture_fields(detector: Detector) -> None:
    (event,) = _detect(
        detector,
        "Les FDS reprennent Raqqa",
        "Les Forces démocratiques syriennes ont repris la ville de Raqqa aux djihadistes de Daech.",
    )
    assert event.kind == "city_capture"
    assert event.place is not None
    assert (event.place.canonical, event.place.country, event.place.geoname_id) == (
        "Ar Raqqah",
        "SY",
        172955,
    )
    assert event.place.lat is not None and event.place.lon is not None
    assert event.actor == "Les FDS"
    assert event.from_actor == "djihadistes de Daech"
    assert event.status == "reported"
    assert 0.0 <= event.confidence <= 1.0
    assert event.detected_at == NOW


def test_casualty_fields(detector: Detector) -> None:
    (event,) = _detect(
        detector,
        "Car bomb kills 15 in Mogadishu",
        "At least 15 civilians were killed and 30 wounded, police said.",
    )
    assert event.casualties is not None
    assert (event.casualties.killed, event.casualties.wounded) == (15, 30)
    assert event.casualties.group == "civilians"
    assert event.place is not None and event.place.canonical == "Mogadishu"


@pytest.mark.parametrize(
    ("title", "status"),
    [
        ("Raqqa serait entièrement sous le contrôle des FDS", "claimed"),
        ("Rebels reportedly seize Goma", "claimed"),
        ("Selon l'armée, les soldats ont repris Kidal", "claimed"),
        ("Rebels say they took Goma; the army denied it", "disputed"),
        ("Rebels take Goma", "reported"),
    ],
)
def test_capture_modality(detector: Detector, title: str, status: str) -> None:
    (event,) = _detect(detector, title)
    assert event.status == status
    lower = {"reported": 1.0, "claimed": 0.7, "disputed": 0.5}[status]
    assert event.confidence <= lower


def test_ids_are_stable_and_distinct(detector: Detector) -> None:
    title = "Taliban capture Herat and Kandahar"
    first = _detect(detector, title)
    second = _detect(detector, title)
    assert [event.id for event in first] == [event.id for event in second]
    assert len({event.id for event in first}) == 2


def test_detected_at_defaults_to_now() -> None:
    (event,) = detect(WireItem(id="x", source="test", title="Mosul falls to IS"))
    assert event.detected_at.tzinfo is not None


@pytest.mark.parametrize(
    "title",
    [
        "Capture d'écran : Manchester City s'amuse des réseaux",
        "Prise d'otages dans une banque de Lyon",
        "Investor took control of the company",
        "Police seized 2 tonnes of cocaine in Rotterdam",
        "735 millions d'euros pour la défense",
        "Senate killed the bill",
        "Army vows to retake Mosul",
        "L'armée lance une offensive pour reprendre Mossoul",
        "IS seizes district of Mosul",
        "Ten years ago, Islamic State seized Mosul",
        "Former minister dies aged 84",
        "Manchester City take control of the title race",
        "",
    ],
)
def test_hard_negatives(detector: Detector, title: str) -> None:
    assert _detect(detector, title or "Nothing to see here") == []


def test_item_without_trigger_exits_early(detector: Detector) -> None:
    assert not detector.has_trigger("Le Parlement adopte le budget de la santé")
    assert detector.has_trigger("Douze morts à Alep")


@pytest.mark.parametrize(
    ("title", "actor"),
    [
        ("Insurgents say they have seized Ghazni", "Insurgents"),
        ("The militia claims to have captured Kidal", "The militia"),
        ("Les rebelles du M23 affirment avoir pris Bunagana", "Les rebelles du M23"),
        ("Les jihadistes disent avoir conquis Djibo", "Les jihadistes"),
        ("Islamic State said it had seized Ramadi", "Islamic State"),
        ("Government troops have retaken Marawi", "Government troops"),
    ],
)
def test_a_party_telling_its_own_capture_is_the_actor(
    detector: Detector, title: str, actor: str
) -> None:
    (event,) = _detect(detector, title)
    assert event.kind == "city_capture" and event.actor == actor

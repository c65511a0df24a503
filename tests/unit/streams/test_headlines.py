"""French and English headlines from any report, as a table."""

from __future__ import annotations

import pytest

from streams.events import Casualties, DetectedEvent, Place
from streams.headlines import actor_key, headline, place_label

RAQQA = Place("Raqqa", 172955, "Ar Raqqah", "SY")
KABUL = Place("Kaboul", 1138958, "Kabul", "AF")
GOMA = Place("Goma", 216281, "Goma", "CD")
NIGERIA = Place("Nigeria", None, "Nigeria", "NG")


def event(
    kind: str,
    place: Place | None,
    lang: str = "fr",
    status: str = "reported",
    actor: str | None = None,
    casualties: Casualties | None = None,
) -> DetectedEvent:
    """A detection reported in ``lang``."""
    return DetectedEvent(
        id="d", kind=kind, item_id="i", lang=lang, evidence="", place=place, status=status,
        actor=actor, casualties=casualties,
    )  # fmt: skip


HEADLINES = [
    (event("city_capture", RAQQA, "fr", "claimed", "les FDS"),
     "Raqqa (SY) : prise de la ville par les FDS (revendiqué)", "Raqqa (SY): city captured by SDF (claimed)"),
    (event("city_capture", RAQQA, "en", "claimed", "the Syrian Democratic Forces"),
     "Raqqa (SY) : prise de la ville par les FDS (revendiqué)", "Raqqa (SY): city captured by SDF (claimed)"),
    (event("casualty_report", KABUL, "en", casualties=Casualties(killed=40, approximate=True)),
     "Kaboul (AF) : au moins 40 morts", "Kabul (AF): at least 40 killed"),
    (event("casualty_report", KABUL, casualties=Casualties(killed=1, wounded=1)),
     "Kaboul (AF) : 1 mort, 1 blessé", "Kabul (AF): 1 killed, 1 wounded"),
    (event("casualty_report", KABUL, casualties=Casualties(wounded=30, missing=4)),
     "Kaboul (AF) : 30 blessés, 4 disparus", "Kabul (AF): 30 wounded, 4 missing"),
    (event("casualty_report", NIGERIA, casualties=Casualties(killed=20, approximate=True)),
     "Nigeria (NG) : au moins 20 morts", "Nigeria (NG): at least 20 killed"),
    (event("casualty_report", KABUL, casualties=None),
     "Kaboul (AF) : victimes signalées", "Kabul (AF): casualties reported"),
    (event("city_capture", GOMA, "fr", "disputed", "les rebelles du M23"),
     "Goma (CD) : prise de la ville par le M23 (contesté)", "Goma (CD): city captured by M23 (disputed)"),
    (event("city_capture", GOMA, "en", actor="a local militia"),
     "Goma (CD) : prise de la ville", "Goma (CD): city captured by a local militia"),
    (event("city_capture", GOMA), "Goma (CD) : prise de la ville", "Goma (CD): city captured"),
]  # fmt: skip


@pytest.mark.parametrize(("detected", "french", "english"), HEADLINES)
def test_headline(detected: DetectedEvent, french: str, english: str) -> None:
    assert headline(detected, "fr") == french
    assert headline(detected, "en") == english


@pytest.mark.parametrize(
    ("french", "english"),
    [("les FDS", "SDF"), ("l'EI", "the Islamic State group"), ("les talibans", "the Taliban"),
     ("l'armée malienne", "Malian troops"), ("les forces irakiennes", "Iraqi forces")],
)  # fmt: skip
def test_actor_names_meet_across_languages(french: str, english: str) -> None:
    assert actor_key(french) == actor_key(english) is not None


def test_unknown_actors_stay_distinct() -> None:
    assert actor_key("les rebelles") != actor_key("the army")
    assert actor_key(None) is None


def test_place_without_exonym_keeps_the_canonical_name() -> None:
    assert place_label(Place("Kandahar", 1, "Kandahār", "AF"), "fr") == "Kandahār (AF)"
    assert place_label(None, "en") == "Unknown place"


def test_unknown_actor_is_left_out_of_the_other_language() -> None:
    from streams.events import DetectedEvent, Place
    from streams.headlines import headlines

    event = DetectedEvent(
        id="e",
        kind="city_capture",
        item_id="i",
        lang="fr",
        evidence="",
        place=Place(name="Goma", geoname_id=216281, canonical="Goma", country="CD"),
        actor="l'armée congolaise",
    )
    assert headlines(event) == {
        "fr": "Goma (CD) : prise de la ville par l'armée congolaise",
        "en": "Goma (CD): city captured",
    }

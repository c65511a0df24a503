"""Capture and attribution families the seventh blind batch exposed, one table each, with
sentences written for these tests (none from the batch), and their false alarms."""

from __future__ import annotations

import pytest

from kernel.vocabulary import EventKind
from streams.detectors import Detector
from streams.events import DetectedEvent
from tests.unit.detectors.families import captured, events


def _captures(detector: Detector, title: str, summary: str, lang: str) -> list[DetectedEvent]:
    return [
        event
        for event in events(detector, title, summary, lang)
        if event.kind == EventKind.CITY_CAPTURE
    ]


CAPTURES = [
    # An event note dated by its month: the date is the event's, not history.
    (
        "",
        "In early March 2019 Boko Haram fighters overran the garrison town of Gajiram, in "
        "Nigeria's Borno State, and burned the barracks.",
        "en",
        ["Gajiram"],
    ),
    # A new state: "now controls", a party's claim to control, "held the whole town".
    (
        "",
        "Local elders say Fano militiamen now control Mersa and Woldia towns in North Wollo "
        "after a night of fighting with federal forces.",
        "en",
        ["Mersa", "Woldia"],
    ),
    (
        "Éthiopie : le TPLF dit tenir deux villes",
        "Le Front de libération du peuple du Tigré a affirmé mardi contrôler Weldiya et la "
        "ville voisine de Mersa, dans la région Amhara.",
        "fr",
        ["Mersa", "Weldiya"],
    ),
    (
        "Militants storm lakeside town",
        "Jihadist fighters stormed Baga in Nigeria on Tuesday night and held the whole town by "
        "morning, two security sources said.",
        "en",
        ["Baga"],
    ),
    # A town handed over: "cédée aux", a headline participle after a town no gazetteer lists.
    ("Afghanistan : Maymana cédée aux talibans sans combat", "", "fr", ["Maymana"]),
    # "elle aussi passée sous leur contrôle": words between the auxiliary and the participle.
    (
        "Syrie : les insurgés avancent vers Homs",
        "La localité voisine de Rastan est elle aussi passée sous leur contrôle mercredi soir.",
        "fr",
        ["Rastan"],
    ),
    # A list, then its source: "a rebel commander told" is no person's apposition.
    (
        "CAR rebels claim two towns",
        "Seleka fighters have taken Kaga-Bandoro and Bossangoa, a rebel commander told "
        "reporters on Friday.",
        "en",
        ["Bossangoa", "Kaga-Bandoro"],
    ),
    # "came back under government control".
    (
        "Nigeria retakes lakeside town",
        "Monguno came back under government control on Sunday after Nigerian troops drove out "
        "the insurgents, a local official said.",
        "en",
        ["Monguno"],
    ),
    # An adjective before the name: "seize coastal X".
    ("Liberian rebels seize coastal Greenville", "", "en", ["Greenville"]),
    # A phrase of means before the object.
    (
        "",
        "In Mali, the jihadists on Sunday overran, after a two-hour gun battle with the "
        "garrison, the district town of Boni.",
        "en",
        ["Boni"],
    ),
]


@pytest.mark.parametrize(("title", "summary", "lang", "towns"), CAPTURES)
def test_captures(
    detector: Detector, title: str, summary: str, lang: str, towns: list[str]
) -> None:
    assert captured(detector, title, summary, lang) == towns


ANTECEDENTS = [
    # "the town" is not where the defenders went, nor where the wire wrote from.
    (
        "",
        "On 2 April 2023, rebels entered Bozoum (Ouham-Pendé) without a fight after FACA "
        "withdrew to Bossangoa; the rebels now control the town. No fatalities.",
        "Bozoum",
    ),
    (
        "Liberian rebels seize coastal Greenville",
        "MONROVIA (Reuters) - LURD fighters landed from canoes and took the town on Tuesday, "
        "residents said.",
        "Greenville",
    ),
    # A town the sentence before names, though the gazetteer lists no such town.
    (
        "",
        "On 3 May 2024, JNIM militants attacked the army camp at Koumbri (Yatenga, Nord) in "
        "Burkina Faso. The soldiers fell back and the militants took control of the town.",
        "Koumbri",
    ),
]


@pytest.mark.parametrize(("title", "summary", "town"), ANTECEDENTS)
def test_antecedents(detector: Detector, title: str, summary: str, town: str) -> None:
    assert captured(detector, title, summary, "en") == [town]


NOT_CAPTURES = [
    # Fiction.
    ("A Nollywood thriller in which rebels capture Freetown opens in Lagos", "", "en"),
    ("Cinéma : « Le jour où Niamey est tombée », une dystopie sahélienne", "", "fr"),
    # A standing state, and a past state in the imperfect.
    ("Fighting near Kidal; the army says it still holds the town", "", "en"),
    ("", "Les jihadistes occupaient la ville de Léré depuis janvier, au Mali.", "fr"),
    # A title-case headline word is no town.
    ("Border town quiet as talks resume", "", "en"),
    ("Defence Ministry says troops hold positions near Bakhmut", "", "en"),
]


@pytest.mark.parametrize(("title", "summary", "lang"), NOT_CAPTURES)
def test_not_captures(detector: Detector, title: str, summary: str, lang: str) -> None:
    assert captured(detector, title, summary, lang) == []


STATUSES = [
    # Onlookers report: residents, the U.N., monitors, diplomats.
    (
        "Rebels take Bria",
        "Rebels took Bria on Monday, residents and a U.N. source said.",
        "reported",
    ),
    ("Rebels take Bria", "Rebels took Bria on Monday, a war monitor said.", "reported"),
    (
        "Rebels take Bria",
        "Rebels took Bria on Monday, according to Western diplomats in Bangui.",
        "reported",
    ),
    # The losing side's officials concede; the winning side's claim stays a claim.
    (
        "Taliban take Farah",
        "The Taliban overran Farah on Tuesday, provincial officials said.",
        "reported",
    ),
    (
        "Army retakes Farah",
        "Afghan forces recaptured Farah from the Taliban, the defence ministry said.",
        "claimed",
    ),
    # A claim the other side answers with "remains under its control" is disputed.
    (
        "",
        "Boko Haram video claims fighters hold Kolofata; Cameroon army says the town remains "
        "under its control",
        "disputed",
    ),
]


@pytest.mark.parametrize(("title", "summary", "status"), STATUSES)
def test_statuses(detector: Detector, title: str, summary: str, status: str) -> None:
    (event,) = _captures(detector, title, summary, "en")
    assert event.status == status


def test_freed_of_names_the_party_driven_out(detector: Detector) -> None:
    (event,) = _captures(
        detector,
        "Sirte freed, Libyan forces say",
        "Forces of the unity government declared on Monday that Sirte had been freed of "
        "Islamic State fighters.",
        "en",
    )
    assert event.actor is None
    assert event.from_actor == "Islamic State fighters"

"""Capture families the eighth blind batch exposed after it was scored, one table each, with
sentences written for these tests (none from the batch), and their false alarms."""

from __future__ import annotations

import pytest

from streams.detectors import Detector
from tests.unit.detectors.families import captured, events

CAPTURES = [
    # A noun or a verb of expulsion with a list: one capture per town.
    (
        "La Russie revendique deux villages",
        "Le ministère russe de la Défense a revendiqué dimanche la prise de Novoselivka et de "
        "Ivanivka, deux villages de la région de Donetsk.",
        "fr",
        ["Ivanivka", "Novoselivka"],
    ),
    (
        "Peshmerga clear two villages",
        "Kurdish peshmerga forces drove Islamic State out of Bashiqa and Fadiliya northeast of "
        "Mosul in Iraq on Monday.",
        "en",
        ["Bashiqa", "Fadiliya"],
    ),
    # A town handed over, the pronoun taken up from the sentence.
    (
        "Ukraine pulls troops out of Vuhledar",
        "Ukraine's command ordered its last units out of the hilltop town of Vuhledar "
        "overnight, ceding it to Russian forces after two years of assaults.",
        "en",
        ["Vuhledar"],
    ),
    # A deed done, told after a comma.
    (
        "",
        "M23 rebels pushed south from Goma in eastern Congo, capturing Sake on Tuesday.",
        "en",
        ["Sake"],
    ),
]


@pytest.mark.parametrize(("title", "summary", "lang", "towns"), CAPTURES)
def test_captures(
    detector: Detector, title: str, summary: str, lang: str, towns: list[str]
) -> None:
    assert captured(detector, title, summary, lang) == towns


NOT_CAPTURES = [
    # A condition, a vow with the verb in quotes, a drill.
    ("", "If Russian forces take Pokrovsk, Ukraine would lose a rail hub, analysts said.", "en"),
    ("", "An M23 spokesman said the movement would 'liberate' Uvira within days.", "en"),
    (
        "",
        "Des unités de l'armée malienne ont simulé mercredi, près de Ségou, la reprise d'une "
        "localité tombée aux mains d'un ennemi fictif.",
        "fr",
    ),
    # A direction is no party driven out.
    ("", "The rebels pushed south from Goma towards Bukavu in eastern Congo.", "en"),
    # A junction named after a province is no town.
    ("Rwandan troops take Cabo Delgado junction", "", "en"),
]


@pytest.mark.parametrize(("title", "summary", "lang"), NOT_CAPTURES)
def test_not_captures(detector: Detector, title: str, summary: str, lang: str) -> None:
    assert captured(detector, title, summary, lang) == []


def test_a_death_of_old_age_told_further_on_is_no_toll(detector: Detector) -> None:
    found = events(
        detector,
        "Former rebel leader dies at 91",
        "A former rebel commander who led the 1994 uprising that briefly took Gao died on "
        "Monday at his home in Bamako aged 91, his family said.",
        "en",
    )
    assert found == []


@pytest.mark.parametrize(
    "source",
    ["according to survivors interviewed by Human Rights Watch", "UNAMA said", "MONUSCO said"],
)
def test_a_toll_from_survivors_or_a_un_mission_is_reported(detector: Detector, source: str) -> None:
    (event,) = events(
        detector, "", f"Twelve civilians were killed in Kunduz, Afghanistan, {source}.", "en"
    )
    assert event.status == "reported"

"""Families the fourth blind batch exposed, one table each, with sentences written for these
tests (none from the batch): how losers, coders and wires tell a capture or a toll."""

from __future__ import annotations

import pytest

from streams.detectors import Detector
from streams.events import DetectedEvent
from tests.unit.detectors.families import captured as _captured
from tests.unit.detectors.families import events as _events


@pytest.mark.parametrize(
    ("title", "summary", "lang", "towns"),
    [
        # The loser tells it: a town lost, a withdrawal, an order to pull out.
        (
            "",
            "Government troops lost Kyaukme town (Kyaukme, Shan-North) to the TNLA "
            "on 6 August 2024.",
            "en",
            ["Kyaukme"],
        ),
        (
            "Army pulls out",
            "Malian soldiers withdrew from Tessalit overnight, a military source said.",
            "en",
            ["Tessalit"],
        ),
        (
            "Retrait",
            "L'armée a annoncé avoir retiré ses troupes de Ménaka dans la nuit.",
            "fr",
            ["Ménaka"],
        ),
        (
            "Retreat",
            "The commander said he had ordered his units to withdraw from Lysychansk.",
            "en",
            ["Lysychansk"],
        ),
        # New states with their start between the verb and the agent.
        (
            "Mali",
            "Léré est contrôlée depuis jeudi soir par les combattants du JNIM, selon un élu.",
            "fr",
            ["Léré"],
        ),
        (
            "Jihadists hold town",
            "KIDAL - Anefis is now controlled by fighters of the JNIM, residents said.",
            "en",
            ["Anefis"],
        ),
        # Event notes: brackets of admin units, "X city", a full date mid-sentence, lists.
        (
            "",
            "On 9 May 2024, Al Shabaab took control of Bulo Burte town (Bulo Burto, Hiraan).",
            "en",
            ["Bulo Burte"],
        ),
        (
            "",
            "The army regained control of Baiji city (Baiji, Salah al-Din) from IS.",
            "en",
            ["Baiji"],
        ),
        (
            "",
            "Konna town fell to Ansar Dine on 10 January 2013 after the army fled.",
            "en",
            ["Konna"],
        ),
        (
            "",
            "On 2 May 2024, SAF recaptured Umm Ruwaba (Um Rawaba, North Kordofan) and Er Rahad "
            "(Er Rahad, North Kordofan) from RSF.",
            "en",
            ["Er Rahad", "Umm Ruwaba"],
        ),
        (
            "",
            "On 4 June 2024, RSF claimed control of Abu Zabad commune (West Kordofan).",
            "en",
            ["Abu Zabad"],
        ),
        (
            "",
            "On 3 March 2024, Kalehe town (Kalehe, South Kivu) came under M23/AFC control.",
            "en",
            ["Kalehe"],
        ),
        (
            "",
            "On 8 June 2023, FARDC restored state authority in Kibumba (Nyiragongo, North Kivu).",
            "en",
            ["Kibumba"],
        ),
        (
            "",
            "On 5 May 2024, M23 overran an army post in Rubaya village (Masisi, North Kivu) and "
            "took control of the locality.",
            "en",
            ["Rubaya"],
        ),
        # Verbs the lexicon lacked.
        (
            "Nigeria",
            "Les insurgés ont pris possession samedi de Damboa et de Biu, selon des habitants.",
            "fr",
            ["Biu", "Damboa"],
        ),
        (
            "Congo",
            "Armed men rode into Pinga on motorbikes and met no resistance, residents said.",
            "en",
            ["Pinga"],
        ),
        (
            "Yemen",
            "Tribal fighters ejected the Houthis on Friday from Harib, residents said.",
            "en",
            ["Harib"],
        ),
        (
            "Ukraine",
            "Russian forces claimed to have captured Bohdanivka village.",
            "en",
            ["Bohdanivka"],
        ),
        ("Mali", "« Les rebelles sont de retour à Ber », a déclaré un notable.", "fr", ["Ber"]),
    ],
)
def test_capture_families(
    detector: Detector, title: str, summary: str, lang: str, towns: list[str]
) -> None:
    assert _captured(detector, title, summary, lang) == towns


@pytest.mark.parametrize(
    ("title", "summary", "lang"),
    [
        # A denial or a rumour only: nobody claims the town.
        (
            "L'armée dément la chute de Tessit",
            "L'état-major a démenti des rumeurs sur les réseaux sociaux.",
            "fr",
        ),
        (
            "Army denies losing town",
            "The army denied reports that militants had seized Ansongo, "
            "saying its units remained in place.",
            "en",
        ),
        (
            "Kupiansk",
            "Assault groups have entered the eastern districts of Kupiansk, the army said, "
            "denying that the city had fallen.",
            "en",
        ),
        # Recalled: an opening year, a year after, a lasting state since a month.
        ("Goma", "En 2012, les rebelles s'étaient emparés de Goma pendant dix jours.", "fr"),
        ("Traders return", "A year after the rebels seized Rutshuru, shops have reopened.", "en"),
        (
            "",
            "Since 4 March 2023 JNIM has controlled Dinangourou (Koro, Mopti); on this day "
            "fighters burned a school.",
            "en",
        ),
        # Vows with a day between, districts after a list, a race, business copy.
        ("RDC", "Kinshasa a promis jeudi de reprendre Bukavu aux rebelles.", "fr"),
        ("Yemen", "The Houthis captured the Nateh and Naman districts on Sunday.", "en"),
        ("Athletics", "Sifan Hassan captured the London Marathon in a sprint finish.", "en"),
        (
            "Ports",
            "Le groupe a pris le contrôle du port de Dakar après le rachat de son concurrent.",
            "fr",
        ),
    ],
)
def test_not_captures(detector: Detector, title: str, summary: str, lang: str) -> None:
    assert _captured(detector, title, summary, lang) == []


def test_loser_word_is_news(detector: Detector) -> None:
    events = _events(
        detector, "", "The army acknowledged on Monday that it had lost control of Bakhmut.", "en"
    )
    assert [(event.kind, event.status) for event in events] == [("city_capture", "reported")]


def _toll(detector: Detector, title: str, summary: str, lang: str) -> DetectedEvent:
    (event,) = [
        event
        for event in _events(detector, title, summary, lang)
        if event.kind == "casualty_report"
    ]
    return event


@pytest.mark.parametrize(
    ("title", "summary", "lang", "killed", "place"),
    [
        # A coder's figure stands over the narrative's.
        (
            "",
            "On 2 April 2024, militants killed several herders in Tin-Hama (Ansongo, Gao). "
            "Fatalities coded as 4.",
            "en",
            4,
            "Tin-Hama",
        ),
        (
            "",
            "Rebels said they killed 30 soldiers near Walikale (Walikale, North Kivu); the army "
            "said 5. Fatalities coded 5.",
            "en",
            5,
            "Walikale",
        ),
        # Two counts before one verb are one toll.
        (
            "",
            "On 9 May 2024 clashes in Mangaize (Ouallam, Tillaberi): 3 soldiers and 11 "
            "militants killed.",
            "en",
            14,
            "Mangaize",
        ),
        # Bodies counted.
        (
            "Bodies found",
            "Villagers found the bodies of 9 fishermen near Kalemie on Tuesday, police said.",
            "en",
            9,
            "Kalemie",
        ),
        ("RDC", "« Nous avons retrouvé 14 corps », a déclaré le maire de Kamango.", "fr", 14, None),
        # A quoted count after the verb.
        (
            "Niger",
            "Des assaillants ont attaqué un marché à Banibangou, tuant « quatre "
            "personnes », selon la police.",
            "fr",
            4,
            "Banibangou",
        ),
        # A village the text names beats the region and the headline's city.
        (
            "Gunmen kill 6 in Katsina",
            "Six villagers were killed in a raid on Dankar village in "
            "Batsari local government area, police said.",
            "en",
            6,
            "Dankar",
        ),
    ],
)
def test_toll_families(
    detector: Detector, title: str, summary: str, lang: str, killed: int, place: str | None
) -> None:
    event = _toll(detector, title, summary, lang)
    assert event.casualties is not None
    assert event.casualties.killed == killed
    if place is not None:
        assert event.place is not None
        assert event.place.name == place


@pytest.mark.parametrize(
    ("title", "summary", "lang"),
    [
        # A war's cumulative toll and tolls fronted by a past month are background.
        ("Soudan : la guerre a fait plus de 150 000 morts", "", "fr"),
        ("Mourning", "In March, 12 soldiers had died at the same base.", "en"),
        # Animals after "de".
        ("Raid", "Des hommes armés ont abattu des dizaines d'animaux près de Douentza.", "fr"),
    ],
)
def test_not_tolls(detector: Detector, title: str, summary: str, lang: str) -> None:
    assert [e for e in _events(detector, title, summary, lang) if e.kind == "casualty_report"] == []

"""Families the fifth blind batch exposed, one table each, with sentences written for these
tests (none from the batch): flags over a town, states held since a day, entries told as a
taking, appositions before "fell to", the French conditional, and their false alarms."""

from __future__ import annotations

import pytest

from streams.detectors import Detector
from tests.unit.detectors.families import captured as _captured
from tests.unit.detectors.families import events as _events

CAPTURES = [
    # A town told as cleared of its armed holders.
    ("", "The army said Marawi had been cleared of militants on Monday.", "en", ["Marawi"]),
    ("", "Palma has been cleared of insurgents, the army said.", "en", ["Palma"]),
    # Troops seen entering a town, told as a taking (a welcome, the defenders gone).
    (
        "Izium",
        "Crowds cheered in Izium as Ukrainian troops drove into the city centre on Saturday "
        "after Russian units withdrew, witnesses said.",
        "en",
        ["Izium"],
    ),
    (
        "Izioum",
        "Des habitants d'Izioum ont acclamé samedi les soldats ukrainiens entrés dans la ville "
        "après le repli russe, selon des journalistes.",
        "fr",
        ["Izioum"],
    ),
    # A town, an apposition holding a figure, then "fell to".
    (
        "",
        "Kandahar, a trading city of some 600,000 people near the border, fell to the Taliban "
        "on Friday without a fight, a provincial official said.",
        "en",
        ["Kandahar"],
    ),
    (
        "",
        "Government forces have recaptured the northern town of Dessie less than two weeks "
        "after losing it, residents said.",
        "en",
        ["Dessie"],
    ),
    # The French conditional with a source that names a president (no person's apposition).
    (
        "",
        "L'armée azerbaïdjanaise aurait pris le contrôle de Choucha, selon le président Aliev.",
        "fr",
        ["Choucha"],
    ),
    # A hold that began on a recent day is a capture; one since a year is background.
    (
        "Jihadists hold Palma",
        "Islamist fighters have held the town of Palma since Friday, the army conceded.",
        "en",
        ["Palma"],
    ),
    (
        "Mali",
        "Léré reste aux mains des jihadistes depuis mardi, a reconnu l'armée.",
        "fr",
        ["Léré"],
    ),
    ("", "Gao remains in the hands of the rebels since Sunday, residents said.", "en", ["Gao"]),
    # An unknown name opening a headline, retaken by the army, then "la localité".
    (
        "Niger : Tassia reprise par l'armée",
        "Les militaires ont réinvesti la localité mardi matin.",
        "fr",
        ["Tassia"],
    ),
    # "the Haitian town of X": the modifier before "town of" is no place.
    ("Gangs overrun Honduran town of Danlí", "", "en", ["Danlí"]),
    (
        "",
        "Seleka fighters entered Bangui without a fight on Sunday, residents said.",
        "en",
        ["Bangui"],
    ),
    # A flag raised over the town, or over the building of its power.
    (
        "Flag over Izium",
        "The Ukrainian flag now flies over the town hall of Izium after Russian troops fled, "
        "witnesses said.",
        "en",
        ["Izium"],
    ),
    (
        "Mali",
        "Government soldiers raised their flag over Kidal on Tuesday, the army said.",
        "en",
        ["Kidal"],
    ),
    ("Flag raised again over Bakhmut", "", "en", ["Bakhmut"]),
    (
        "Mali",
        "Les soldats maliens ont hissé le drapeau national sur la mairie de Kidal mardi, selon "
        "l'armée.",
        "fr",
        ["Kidal"],
    ),
    (
        "Syrie",
        "Le drapeau syrien flotte de nouveau sur la citadelle d'Alep, ont constaté des "
        "journalistes de l'AFP.",
        "fr",
        ["Alep"],
    ),
]

NOT_CAPTURES = [
    ("", "The army vowed that Palma would be cleared of insurgents.", "en"),
    ("", "Streets in Palma were cleared of debris on Monday.", "en"),
    ("Izium", "Ukrainian troops entered the outskirts of Izium on Saturday, witnesses said.", "en"),
    (
        "Izioum",
        "Des soldats ukrainiens entrés dans la ville combattent toujours dans Izioum.",
        "fr",
    ),
    ("", "Heavy fighting raged inside Izium as Ukrainian troops drove into the city centre.", "en"),
    (
        "Izium",
        "Ukrainian troops drove into the city centre of Izium to fight street by street.",
        "en",
    ),
    ("Hold", "Al-Shabaab has held Jilib since 2014, according to analysts.", "en"),
    ("Mali", "Léré reste aux mains des jihadistes depuis 2012.", "fr"),
    ("", "Gao remains in the hands of the rebels, residents said.", "en"),
    ("Mali : Aminata libérée par ses ravisseurs", "", "fr"),
    # Elections: a seat won, a by-election, a majority overturned.
    (
        "Conservatives take Wakefield",
        "The Conservatives took Wakefield in Thursday's by-election, winning the seat.",
        "en",
    ),
    ("Greens capture Brighton", "The Greens captured Brighton, overturning a slim majority.", "en"),
    ("Partielle", "Le RN s'empare de Perpignan lors d'une législative partielle.", "fr"),
    # A person captured, not a town.
    (
        "Marines capture Abu Sayyaf leader",
        "Marines captured an Abu Sayyaf sub-leader in Sulu on Monday, the military said.",
        "en",
    ),
    # A capture told only as a report called false, or a rumour denied.
    ("Denial", "Reports that Bamenda had fallen to separatists were untrue, residents said.", "en"),
    (
        "Rumeur",
        "La rumeur selon laquelle Bakhmout serait tombée aux mains des Russes a été démentie.",
        "fr",
    ),
    # An entry still fought over.
    ("Rebels enter Bangui, fighting continues", "", "en"),
    (
        "",
        "Les rebelles sont entrés dans Bangui à l'aube, mais les combats font rage près du "
        "palais, selon des témoins.",
        "fr",
    ),
    # Flags at ceremonies, matches, embassies, in mourning.
    ("Paris", "Soldiers raised the flag in Paris at a ceremony for Bastille Day.", "en"),
    ("Kyiv", "Flags flew at half-mast in Kyiv on Sunday after the strike.", "en"),
    ("Mali", "Le drapeau français a été hissé sur l'ambassade à Bamako.", "fr"),
    ("Fans", "Fans raised the flag in Madrid after the match.", "en"),
    (
        "Fête nationale",
        "Les militaires ont hissé le drapeau sur la place centrale de Dakar pour la fête "
        "nationale.",
        "fr",
    ),
]


@pytest.mark.parametrize(("title", "summary", "lang", "towns"), CAPTURES)
def test_capture_families(
    detector: Detector, title: str, summary: str, lang: str, towns: list[str]
) -> None:
    assert _captured(detector, title, summary, lang) == towns


@pytest.mark.parametrize(("title", "summary", "lang"), NOT_CAPTURES)
def test_capture_false_alarms(detector: Detector, title: str, summary: str, lang: str) -> None:
    assert _captured(detector, title, summary, lang) == []


def test_state_named_before_is_a_region(detector: Detector) -> None:
    """ "la capitale de l'État Kachin": the state's name is no town; the city before it is."""
    summary = (
        "Myitkyina, capitale de l'État Kachin, est passée sous le contrôle de la KIA, selon des "
        "habitants."
    )
    assert _captured(detector, "Birmanie", summary, "fr") == ["Myitkyina"]


def test_french_conditional_is_claimed(detector: Detector) -> None:
    events = _events(detector, "", "L'armée aurait repris Kidal, selon le président.", "fr")
    assert [(e.place.name if e.place else "", e.status) for e in events] == [("Kidal", "claimed")]


def _tolls(detector: Detector, title: str, summary: str, lang: str) -> list[tuple[str, int | None]]:
    return sorted(
        (
            event.place.name if event.place else "",
            event.casualties.killed if event.casualties else None,
        )
        for event in _events(detector, title, summary, lang)
        if event.kind == "casualty_report"
    )


@pytest.mark.parametrize(
    ("title", "summary", "lang", "tolls"),
    [
        # A toll after the capture sentence, in the town taken.
        (
            "Rebels seize Marib",
            "Houthi fighters seized the town of Harib on Sunday, a tribal source said. Seven "
            "fighters from both sides were killed.",
            "en",
            [("Harib", 7)],
        ),
        # Soldiers' deaths told as a fall in combat.
        (
            "Mali",
            "Quatorze soldats sont tombés en héros lors de l'attaque de Boni, a annoncé l'armée.",
            "fr",
            [("Boni", 14)],
        ),
        (
            "Mali",
            "Sept militaires sont tombés au combat à Boni, selon l'armée.",
            "fr",
            [("Boni", 7)],
        ),
        ("Mali", "Nine soldiers fell in combat near Boni, the army said.", "en", [("Boni", 9)]),
        # An unknown village where the toll happened, not the country or the dateline city.
        (
            "Burkina : 12 soldats tués",
            "Douze soldats ont été tués dans l'attaque du poste militaire de Tawori, a indiqué "
            "l'armée burkinabè.",
            "fr",
            [("Tawori", 12)],
        ),
        (
            "Nigeria raid",
            "ABUJA (Reuters) - Gunmen raided Ukum-Tiv in Nigeria overnight, killing 17 villagers, "
            "police said.",
            "en",
            [("Ukum-Tiv", 17)],
        ),
        (
            "Eleven soldiers killed near Beledweyne",
            "Eleven soldiers and four militants were killed when Shabaab fighters attacked the "
            "army post at Qodqod, officials said.",
            "en",
            [("Qodqod", 15)],
        ),
        # A state named like its capital in the headline; the body's municipality places it.
        (
            "Four police killed in Durango ambush",
            "Gunmen ambushed a patrol in the municipality of Tamazula, killing four police "
            "officers, the state governor said.",
            "en",
            [("Tamazula", 4)],
        ),
        # The village, not the dateline city.
        (
            "Raid on village",
            "MAROUA, Cameroon (Reuters) - Islamist fighters raided the village of Kolofata "
            "overnight, leaving six dead, the prefect said.",
            "en",
            [("Kolofata", 6)],
        ),
        # A strike on a football pitch is war news, not the sports pages.
        (
            "Drone hits football pitch in Kharkiv",
            "A drone struck a football pitch in Kharkiv on Sunday, killing 7 children and "
            "teenagers, medics said.",
            "en",
            [("Kharkiv", 7)],
        ),
    ],
)
def test_casualty_families(
    detector: Detector, title: str, summary: str, lang: str, tolls: list[tuple[str, int]]
) -> None:
    assert _tolls(detector, title, summary, lang) == tolls


@pytest.mark.parametrize(
    ("title", "summary", "lang"),
    [
        # Counts of a quarter or a half-year, and a war's toll in the simple past.
        ("Mexique : 2 300 homicides au premier semestre, selon le gouvernement", "", "fr"),
        ("Gang violence killed 1,100 people in Haiti in the first quarter, the UN said", "", "en"),
        (
            "Sri Lanka's civil war claimed some 100,000 lives",
            "Sri Lanka's civil war, which ended in 2009, claimed some 100,000 lives, a UN panel "
            "said.",
            "en",
        ),
        ("Guerre", "La guerre civile au Liban avait fait 150 000 morts.", "fr"),
        (
            "Derby",
            "Real beat Atletico 3-1 in the derby; two fans were injured after the match.",
            "en",
        ),
    ],
)
def test_casualty_false_alarms(detector: Detector, title: str, summary: str, lang: str) -> None:
    assert _tolls(detector, title, summary, lang) == []


def test_fighting_on_the_day_is_an_events_toll(detector: Detector) -> None:
    summary = "Fighting killed 12 people in Tripoli on Sunday, medics said."
    assert _tolls(detector, "Clashes kill 12 in Tripoli", summary, "en") == [("Tripoli", 12)]


@pytest.mark.parametrize(
    ("summary", "lang"),
    [
        ("Rebel fighters overran Goma on Sunday, UN peacekeepers in the city said.", "en"),
        ("Goma est tombée dimanche aux mains des rebelles, ont indiqué les Casques bleus.", "fr"),
        ("Russian troops entered Bakhmut on Sunday, Interfax reported.", "en"),
    ],
)
def test_onlookers_report_captures(detector: Detector, summary: str, lang: str) -> None:
    """Peacekeepers and news agencies are no side of the war: what they tell is reported."""
    events = [e for e in _events(detector, "", summary, lang) if e.kind == "city_capture"]
    assert [e.status for e in events] == ["reported"]


def test_cleared_town_held_out_is_disputed(detector: Detector) -> None:
    summary = (
        "La télévision d'État a affirmé lundi que Syrte avait été « nettoyée des bandes "
        "armées », mais les rebelles assurent tenir toujours la ville."
    )
    events = [e for e in _events(detector, "Libye", summary, "fr") if e.kind == "city_capture"]
    assert [(e.place.name if e.place else "", e.status) for e in events] == [("Syrte", "disputed")]

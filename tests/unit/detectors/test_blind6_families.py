"""Families the sixth blind batch exposed, one table each, with sentences written for these
tests (none from the batch): a country used as a modifier before "town", holds that began when
the defenders left, tolls placed in event notes that name no country, and "casualties" told
without a figure; with their false alarms."""

from __future__ import annotations

import pytest

from streams.detectors import Detector
from streams.events import DetectedEvent
from tests.unit.detectors.families import captured, events


def _events(detector: Detector, title: str, summary: str) -> list[DetectedEvent]:
    return events(detector, title, summary, "en")


def _captured(detector: Detector, title: str, summary: str) -> list[str]:
    return captured(detector, title, summary, "en")


def _tolls(
    detector: Detector, title: str, summary: str
) -> list[tuple[str, int | None, int | None]]:
    return sorted(
        (
            event.place.name if event.place else "",
            event.casualties.killed if event.casualties else None,
            event.casualties.wounded if event.casualties else None,
        )
        for event in _events(detector, title, summary)
        if event.kind == "casualty_report"
    )


CAPTURES = [
    # A country's name before "town" is a modifier: the town is the one the body names.
    (
        "Insurgents seize Mozambique town",
        "Insurgents seized the town of Mocimboa da Praia on Wednesday, residents said.",
        ["Mocimboa da Praia"],
    ),
    (
        "Jihadists overrun Burkina town",
        "Jihadist fighters overran the town of Djibo before dawn, security sources said.",
        ["Djibo"],
    ),
    (
        "Army retakes Myanmar town",
        "Myanmar's army said it had recaptured Hpakant after a week of fighting.",
        ["Hpakant"],
    ),
    # A hold that began when the defenders left is this event's.
    (
        "",
        "Witnesses say Djibo has been under the control of JNIM since the army pulled out "
        "on Thursday night.",
        ["Djibo"],
    ),
    (
        "",
        "Local sources indicate that Beledweyne has been under Al Shabaab control since the "
        "SNA withdrew from its bases.",
        ["Beledweyne"],
    ),
    ("", "M23 fighters have held Rutshuru since the FARDC retreated south.", ["Rutshuru"]),
    # "reoccupied" with armed forces as the subject.
    ("", "On 2 May 2024, junta troops reoccupied Kyaukme town (Kyaukme, Shan).", ["Kyaukme"]),
    ("", "Somali forces reoccupied the town of Bulo Burte after Al Shabaab fled.", ["Bulo Burte"]),
    # "X district headquarters" names the town that seats the district, like "district centre".
    (
        "",
        "On 30 June 2024, Al Shabaab fighters seized control of Adale district headquarters "
        "after the SNA left.",
        ["Adale"],
    ),
    # "Islamists" are armed forces as a subject.
    ("", "Islamists withdrew from Wabxo, which was then occupied by the SNA.", ["Wabxo"]),
    # A town handed over to armed forces changes hands.
    ("", "On 20 April 2025, the TNLA handed Mogok back to the junta after talks.", ["Mogok"]),
    ("", "CSP fighters handed over control of Ber town to FAMa.", ["Ber"]),
    # Control taken back, told with "retook"/"restored"/"reasserted".
    ("", "On 14 November 2023, FAMa retook control of Anefis (Tarkint, Gao).", ["Anefis"]),
    (
        "",
        "The army restored control over Malam Fatori town after ISWAP withdrew.",
        ["Malam Fatori"],
    ),
    (
        "",
        "Around 3 May 2024 (month of), the SNA reasserted control of Harardhere town.",
        ["Harardhere"],
    ),
]

NOT_CAPTURES = [
    # A country as a modifier, with no town taken.
    ("Protest in Burkina town", "Hundreds marched in a Burkina town against fuel prices.", []),
    ("Myanmar town braces for attack", "Residents of a Myanmar town fled ahead of fighting.", []),
    # A hold since a departure dated by a year is background.
    ("", "JNIM has held Boni since the army withdrew in 2019, analysts said.", []),
    (
        "",
        "Residents say Rutshuru has been under the control of M23 since the FARDC left in 2012.",
        [],
    ),
    ("", "The party moved its Adale district headquarters to a new building.", []),
    ("", "Islamists won control of the council in Wabxo after the vote.", []),
    # Handed over, but not a town to armed forces.
    ("", "The rebels handed over 14 prisoners to the ICRC in Goma.", []),
    ("", "The mayor handed the keys of Mogok to the visiting delegation.", []),
    ("", "The army handed over Gao's security to the police.", []),
    # A unit's base or a camp named with a code is no town.
    ("", "On 6 May 2024, the KIA captured the Infantry Battalion 121 base near Mansi town.", []),
    ("", "The AA seized the Border Guard Police camp near Maungdaw, according to residents.", []),
    ("", "The founder restored control of the company after a boardroom fight.", []),
    # "reoccupied" without armed forces, or no town after it.
    ("", "Students reoccupied the university campus in Mandalay on Monday.", []),
    ("", "The firm reoccupied its Bamako headquarters after repairs.", []),
    ("", "Soldiers reoccupied their barracks after the flood.", []),
    # "since" without a departure or a day stays a state, not news.
    ("", "Reports indicate that Beledweyne has been under SNA control since the election.", []),
]


@pytest.mark.parametrize(("title", "summary", "towns"), CAPTURES + NOT_CAPTURES)
def test_capture_families(detector: Detector, title: str, summary: str, towns: list[str]) -> None:
    assert _captured(detector, title, summary) == towns


TOLLS = [
    # An event note that names no country: the site the toll's own words set places it.
    (
        "",
        "On 9 May 2024, gunmen opened fire at a checkpoint near Tangaye, killing 4 VDP members.",
        [("Tangaye", 4, None)],
    ),
    (
        "",
        "Around 2 June 2023, suspected militants ambushed a convoy at Koumbri, resulting in 6 "
        "fatalities.",
        [("Koumbri", 6, None)],
    ),
    # A toll that names no place, after the sentence that set the attack.
    (
        "",
        "On 14 April 2024, suspected ISWAP militants ambushed soldiers near Gubio. Three "
        "soldiers were killed.",
        [("Gubio", 3, None)],
    ),
    # Killed "to death" by blade, blows or fire, the verb before or after the count.
    (
        "",
        "On 4 June 2024, ADF rebels hacked to death 9 civilians in Mangina (Beni, Nord-Kivu).",
        [("Mangina", 9, None)],
    ),
    ("", "Four herders were stabbed to death by gunmen near Bokkos.", [("Bokkos", 4, None)]),
    # A headline that capitalises every word names no site by its capitals.
    ("Three Soldiers Killed in Renewed Clashes With Rebels", "", [("", 3, None)]),
    # A bomber killed with the victims counts among the dead; an air strike or a bomber
    # makes the item one of armed violence, so the unknown site places the toll.
    (
        "",
        "On 2 February 2024, a suicide bomber blew himself up at a mosque in Dalori, killing "
        "himself and 9 worshippers.",
        [("Dalori", 10, None)],
    ),
    ("", "An airstrike on Sabei village killed 6 civilians.", [("Sabei", 6, None)]),
    # "casualties" with a cause verb: people hit, no killed or wounded figure.
    (
        "",
        "On 3 March 2024, military aircraft struck a market near Kyauktaw, causing an unknown "
        "number of casualties.",
        [("Kyauktaw", None, None)],
    ),
    (
        "",
        "Rebels shelled the army camp in Kamanyola, inflicting heavy casualties, a local official "
        "said.",
        [("Kamanyola", None, None)],
    ),
    # A figure elsewhere in the sentence still wins over "casualties".
    (
        "",
        "An IED blast in Baidoa killed 5 soldiers, resulting in further casualties among "
        "civilians.",
        [("Baidoa", 5, None)],
    ),
]

NOT_TOLLS = [
    ("", "A mortar round landed near Kamanyola without causing casualties."),
    ("", "The blast in Baidoa caused no casualties, police said."),
    ("", "The army said it would avoid civilian casualties in its operations near Kyauktaw."),
    ("", "Casualties have not been confirmed after clashes near Gubio."),
    ("", "Insurgents looted shops in Koumbri. No casualties were reported."),
    ("", "The coach blamed himself and 3 players for the defeat in Konduga."),
    ("", "Two militants were sentenced to death by a court in Bokkos."),
    ("", "The merger caused casualties among smaller lenders in Lagos."),
]


@pytest.mark.parametrize(("title", "summary", "tolls"), TOLLS)
def test_toll_families(
    detector: Detector, title: str, summary: str, tolls: list[tuple[str, int | None, None]]
) -> None:
    assert _tolls(detector, title, summary) == tolls


@pytest.mark.parametrize(("title", "summary"), NOT_TOLLS)
def test_toll_false_alarms(detector: Detector, title: str, summary: str) -> None:
    assert _tolls(detector, title, summary) == []

"""Capture families of real wire copy, one table per family (sentences written for these tests).

Each row is (title, summary, expected places in any order, expected status or None). An empty
place list means no capture may be found.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.items import WireItem
from streams.detectors import Detector
from streams.detectors.gazetteer import fold

NOW = datetime(2024, 1, 1, tzinfo=UTC)

Row = tuple[str, str, list[str], str | None]


def _captures(detector: Detector, title: str, summary: str, lang: str) -> list[tuple[str, str]]:
    item = WireItem(id="t", source="test", title=title, summary=summary, lang=lang)
    return [
        (fold(event.place.name), event.status)
        for event in detector.detect(item, now=NOW)
        if event.kind == "city_capture" and event.place is not None
    ]


def _check(detector: Detector, row: Row, lang: str) -> None:
    title, summary, places, status = row
    found = _captures(detector, title, summary, lang)
    assert sorted(name for name, _ in found) == sorted(fold(place) for place in places), found
    if status is not None:
        assert {got for _, got in found} == {status}, found


#: Family 1: towns of a few thousand people, spellings GeoNames lacks, settlements named as such.
SMALL_PLACES: list[tuple[Row, str]] = [
    (
        (
            "Jihadists overrun Sahel village",
            "JNIM fighters took control of Solenzo village "
            "(Banwa, Boucle du Mouhoun) on Monday after the gendarmes left, residents said.",
            ["Solenzo"],
            "reported",
        ),
        "en",
    ),
    (
        (
            "Somalie : les shebab à Yaqshid",
            "Les shebab ont pris jeudi la bourgade de Warshiikh, "
            "à une soixantaine de kilomètres au nord de Mogadiscio, ont indiqué des habitants.",
            ["Warshiikh"],
            "reported",
        ),
        "fr",
    ),
    (
        (
            "Russia says it took Vuhlehdar",
            "Russian troops seized the mining town of Vuhlehdar "
            "in Ukraine's Donetsk region, the defence ministry in Moscow said.",
            ["Vuhlehdar"],
            "claimed",
        ),
        "en",
    ),
    (
        (
            "Mali : une localité du centre aux mains des jihadistes",
            "Des hommes armés se sont "
            "emparés dimanche de la localité de Dioura, dans la région de Ségou, selon un élu local.",
            ["Dioura"],
            "reported",
        ),
        "fr",
    ),
]

#: Family 2: time, manner, asides and descriptions between the verb and the town.
WORDS_BETWEEN: list[tuple[Row, str]] = [
    (
        (
            "Rebels take key Darfur town",
            "The Rapid Support Forces seized early on Sunday, after "
            "two days of shelling, the town of Umm Kadada, witnesses said.",
            ["Umm Kadada"],
            "reported",
        ),
        "en",
    ),
    (
        (
            "Syrie : l'armée reprend une ville de la province de Hama",
            "Les forces "
            "gouvernementales ont repris samedi soir, au terme de violents combats, le contrôle "
            "total de Souran, a rapporté l'agence officielle Sana.",
            ["Souran"],
            "claimed",
        ),
        "fr",
    ),
    (
        (
            "Taliban take provincial capital",
            "The Taliban captured the provincial capital, Sheberghan, "
            "on Friday, a local official said.",
            ["Sheberghan"],
            "reported",
        ),
        "en",
    ),
    (
        (
            "Ukraine : l'armée ukrainienne a réussi à reprendre Klichtchiïvka",
            "Les forces de Kiev "
            "sont parvenues dimanche à reprendre Klichtchiïvka, village au sud de Bakhmout, a "
            "annoncé l'état-major.",
            ["Klichtchiïvka"],
            "claimed",
        ),
        "fr",
    ),
    (
        (
            "Houthis push on in Marib",
            "Houthi fighters succeeded late on Friday in capturing "
            "Al-Abdiyah after a month-long siege, tribal sources said.",
            ["Al-Abdiyah"],
            "reported",
        ),
        "en",
    ),
]

#: Family 3: the town named elsewhere in the item and taken up as "the town", "la localité".
TAKEN_UP: list[tuple[Row, str]] = [
    (
        (
            "M23 rebels seize Kitshanga",
            "The fighters entered the town at dawn on Thursday and "
            "the army withdrew towards Mweso, a local chief said.",
            ["Kitshanga"],
            "reported",
        ),
        "en",
    ),
    (
        (
            "Burkina : Djibo aux mains des jihadistes ?",
            "Des combattants armés contrôleraient "
            "désormais la ville, selon des habitants joints par téléphone.",
            ["Djibo"],
            "claimed",
        ),
        "fr",
    ),
]

#: Family 4: a new state rather than a capture verb.
NEW_STATE: list[tuple[Row, str]] = [
    (
        (
            "Army back in Kidal",
            "Kidal is back under government control, the army said on "
            "Tuesday, a decade after separatists took over the town.",
            ["Kidal"],
            "claimed",
        ),
        "en",
    ),
    (
        (
            "Soudan : Bara repasse aux mains de l'armée",
            "La ville de Bara est repassée samedi "
            "aux mains de l'armée soudanaise, selon des témoins.",
            ["Bara"],
            "reported",
        ),
        "fr",
    ),
    (
        (
            "Rebels hold Kalehe",
            "Kalehe is now held by the M23, residents said on Wednesday.",
            ["Kalehe"],
            "reported",
        ),
        "en",
    ),
    (
        (
            "Iraq declares Tal Afar free of militants",
            "Iraqi forces declared Tal Afar free of "
            "Islamic State fighters on Thursday after an 11-day offensive.",
            ["Tal Afar"],
            None,
        ),
        "en",
    ),
]

#: Family 5: nouns told as this report's news; background stays background.
NOUNS: list[tuple[Row, str]] = [
    (
        (
            "Kunduz's fall stuns Kabul",
            "Kunduz's fall to the Taliban on Monday was confirmed by the provincial police chief.",
            ["Kunduz"],
            None,
        ),
        "en",
    ),
    (
        (
            "RDC : la chute de Masisi confirmée",
            "La chute de Masisi dimanche aux mains du M23 a été "
            "confirmée par l'administrateur du territoire.",
            ["Masisi"],
            None,
        ),
        "fr",
    ),
    (
        (
            "Mosul residents rebuild",
            "Since Mosul fell in 2014, the old city has been rebuilt twice.",
            [],
            None,
        ),
        "en",
    ),
]

#: Family 6: several towns in one report, each one event.
SEVERAL: list[tuple[Row, str]] = [
    (
        (
            "Rebels overrun two border towns",
            "Rebels overran the border towns of Rumonge and "
            "Nyanza-Lac on Saturday, aid workers said.",
            ["Rumonge", "Nyanza-Lac"],
            None,
        ),
        "en",
    ),
    (
        (
            "Afghanistan : Kunduz, Sar-e Pol et Taloqan tombent",
            "Kunduz, Sar-e Pol et Taloqan "
            "sont tombées dimanche aux mains des talibans, selon des responsables locaux.",
            ["Kunduz", "Sar-e Pol", "Taloqan"],
            None,
        ),
        "fr",
    ),
]

#: Family 7: who says it.
WHO_SAYS: list[tuple[Row, str]] = [
    (
        (
            "Witnesses say Shabaab fighters in Bulo Burte",
            "Al-Shabaab fighters took Bulo Burte on Wednesday, witnesses said.",
            ["Bulo Burte"],
            "reported",
        ),
        "en",
    ),
    (
        (
            "RSF says it took El Obeid",
            "The RSF said in a statement it had captured El Obeid; the army denied the claim.",
            ["El Obeid"],
            "disputed",
        ),
        "en",
    ),
    (
        (
            "Syrie : les rebelles auraient pris Morek",
            "Les rebelles se seraient emparés de Morek jeudi, selon une ONG.",
            ["Morek"],
            "claimed",
        ),
        "fr",
    ),
]

#: Family 8: human-coded event notes.
EVENT_NOTES: list[tuple[Row, str]] = [
    (
        (
            "",
            "On 4 March 2023, Wagner Group and Military Forces of Mali clashed with JNIM "
            "around Dioura village (Tenenkou, Mopti); JNIM then controlled the village. "
            "Fatalities unknown.",
            ["Dioura"],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 18 May 2022, M23 regained control of Kibumba town (Nyiragongo, Nord-Kivu) "
            "after FARDC withdrew.",
            ["Kibumba"],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 2 June 2021, ISWAP militants attacked Damasak town (Mobbar, Borno) and burnt "
            "the police station; troops repelled the attack.",
            [],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 12 August 2021, the Taliban seized Khas Uruzgan district centre (Khas Uruzgan, "
            "Uruzgan) after ANSF withdrew.",
            ["Khas Uruzgan"],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "Non-state actor overtakes territory: On 3 May 2019, Al Shabaab took over Bulo Burte "
            "town (Bulo Burto, Hiraan) hours after the SNA pulled out.",
            ["Bulo Burte"],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 9 February 2022, M23 seized Bunagana locality (Rutshuru, Nord-Kivu) following "
            "clashes with FARDC.",
            ["Bunagana"],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 5 July 2021, Taliban forces took over the district headquarters of Panjwai "
            "(Panjwai, Kandahar) as government forces withdrew.",
            ["Panjwai"],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 22 January 2024, ISWAP militants overran a military base in Malam Fatori (Abadam, "
            "Borno) and briefly occupied the town.",
            ["Malam Fatori"],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 15 March 2023, FARDC and Wazalendo clashed with M23 near Kitshanga (Masisi, "
            "Nord-Kivu). M23 retained its positions.",
            [],
            None,
        ),
        "en",
    ),
    (
        (
            "",
            "On 7 November 2022, the army shelled Paletwa town (Paletwa, Chin); AA fighters "
            "remained in control of the surrounding villages.",
            [],
            None,
        ),
        "en",
    ),
]

#: What must stay negative: sieges, outskirts, partial control, vows, people, organisations.
NEGATIVES: list[tuple[Row, str]] = [
    (
        (
            "Fighting near Pokrovsk",
            "Russian troops are fighting on the outskirts of Pokrovsk and "
            "took two villages south of the town, Kyiv said.",
            [],
            None,
        ),
        "en",
    ),
    (
        (
            "Army vows to retake Kidal",
            "The army has vowed to retake the town of Kidal before the end of the year.",
            [],
            None,
        ),
        "en",
    ),
    (
        (
            "Commander captured",
            "Troops captured Abu Hamza, a senior commander, in a raid near Gao, the army said.",
            [],
            None,
        ),
        "en",
    ),
    (
        (
            "Mali : le Front de libération de l'Azawad en congrès",
            "Le Front de libération de l'Azawad a tenu son congrès à Kidal samedi.",
            [],
            None,
        ),
        "fr",
    ),
    (
        (
            "Chanson : elle reprend Barbara",
            "La chanteuse reprend Barbara dans un album qui sort vendredi.",
            [],
            None,
        ),
        "fr",
    ),
    (
        (
            "Rebels seize airport",
            "Rebels seized the airport of Goma on Sunday but the army "
            "still holds the city centre, officials said.",
            [],
            None,
        ),
        "en",
    ),
]

CASES = SMALL_PLACES + WORDS_BETWEEN + TAKEN_UP + NEW_STATE + NOUNS + SEVERAL + WHO_SAYS
CASES += EVENT_NOTES + NEGATIVES


@pytest.mark.parametrize(("row", "lang"), CASES, ids=[row[0][0] or row[0][1][:40] for row in CASES])
def test_capture_family(detector: Detector, row: Row, lang: str) -> None:
    _check(detector, row, lang)

"""Casualty families the seventh blind batch exposed, one table each, with sentences written for
these tests (none from the batch): tolls of none, periodic and aggregate counts, commemorations,
hypothetical tolls, people missing, machines shot down, described single victims, appositions,
long subjects, claimed "neutralised" enemies, everyone aboard, one figure per place, victims
listed one by one, and wounded taken elsewhere."""

from __future__ import annotations

import pytest

from kernel.vocabulary import EventKind
from streams.detectors import Detector
from streams.events import DetectedEvent
from tests.unit.detectors.families import events


def _reports(detector: Detector, lang: str, title: str, summary: str) -> list[DetectedEvent]:
    return [
        event
        for event in events(detector, title, summary, lang)
        if event.kind == EventKind.CASUALTY_REPORT
    ]


def _figures(
    detector: Detector, lang: str, title: str, summary: str
) -> list[tuple[int | None, int | None]]:
    return sorted(
        (
            (event.casualties.killed, event.casualties.wounded)
            for event in _reports(detector, lang, title, summary)
            if event.casualties is not None
        ),
        key=repr,
    )


TOLLS = [
    # 2. The event's toll beside an aggregate: the aggregate is background.
    (
        "en",
        "",
        "Three soldiers killed by roadside bomb near Gao; army says 51 soldiers killed in the "
        "region since the start of the month",
        [(3, None)],
    ),
    (
        "fr",
        "",
        "Une frappe de drone a tué quatre civils à Kadugli ; selon l'ONU, 60 personnes y ont "
        "été tuées depuis le début du mois.",
        [(4, None)],
    ),
    # 4. A hedge on what happened is no hypothesis.
    (
        "en",
        "",
        "A blast may have killed 12 people at the market in Gao, officials said.",
        [(12, None)],
    ),
    # "May" the month is no modal.
    ("en", "", "On 3 May gunmen killed 12 people in Gao, officials said.", [(12, None)]),
    # 5. People missing after a sinking are presumed dead.
    (
        "en",
        "Migrant boat sinks off Zuwara",
        "Nine migrants are missing after their boat sank off Zuwara, the coast guard said.",
        [(None, None)],
    ),
    # 7. One victim described by age and trade.
    (
        "en",
        "",
        "A 27-year-old taxi driver was shot dead at a checkpoint in Bunia on Friday, police said.",
        [(1, None)],
    ),
    (
        "en",
        "",
        "A police sergeant died in hospital and three others were wounded after an ambush near "
        "Gao on Monday, officials said.",
        [(1, 3)],
    ),
    (
        "en",
        "",
        "A 61-year-old street vendor was killed by a stray bullet in Goma on Tuesday.",
        [(1, None)],
    ),
    (
        "fr",
        "",
        "Un caporal est mort à l'hôpital et quatre autres soldats ont été blessés dans "
        "l'embuscade près de Gao, selon l'armée.",
        [(1, 4)],
    ),
    # 8. An apposition that counts some of the victims.
    (
        "en",
        "",
        "At least 18 villagers, 6 of them children, were killed and 9 others were wounded in "
        "an attack near Bunia, witnesses said.",
        [(18, 9)],
    ),
    (
        "fr",
        "",
        "Au moins douze civils, dont cinq femmes, ont été tués dans une frappe sur Kadugli.",
        [(12, None)],
    ),
    (
        "en",
        "",
        "Some 40 people, including 11 children, died when gunmen raided the market in Gao.",
        [(40, None)],
    ),
    # 9. A long subject between the number and the verb; a note's span of days.
    (
        "fr",
        "",
        "Au moins vingt-deux habitants du village de Kalao ont été tués dans la nuit par des "
        "hommes armés, selon des rescapés.",
        [(22, None)],
    ),
    (
        "en",
        "",
        "Nine residents of the town of Bama were killed overnight by insurgents, police said.",
        [(9, None)],
    ),
    (
        "en",
        "",
        "The UN mission said 14 civilians were killed and 52 wounded in Kunduz during two days "
        "of fighting between the Taliban and government forces on 8-9 May 2021.",
        [(14, 52)],
    ),
    (
        "en",
        "",
        "Six farmers tending their fields outside Bama were hacked to death by insurgents, "
        "residents said.",
        [(6, None)],
    ),
    ("en", "Bandits hack 7 herders to death in Zamfara", "", [(7, None)]),
    # 10. Enemies a communiqué says it "neutralised": killed, by its own word.
    (
        "fr",
        "",
        "L'armée affirme avoir « neutralisé » 35 terroristes lors d'une opération près de Djibo.",
        [(35, None)],
    ),
    (
        "en",
        "",
        "The army claimed that 'scores' of insurgents were neutralised near Gao.",
        [(None, None)],
    ),
    ("en", "", "Troops neutralised 15 militants near Djibo, the army said.", [(15, None)]),
    # 11. Everyone aboard died: the number aboard when the item gives it.
    (
        "fr",
        "Naufrage sur le lac Kivu",
        "La pirogue transportait vingt-trois passagers. Tous ont péri, selon les secours.",
        [(23, None)],
    ),
    (
        "en",
        "",
        "All 31 people on board the helicopter died when it crashed near Goma, officials said.",
        [(31, None)],
    ),
    (
        "en",
        "",
        "Everyone aboard the 19-seat aircraft died when it crashed near Bunia, officials said.",
        [(None, None)],
    ),
    (
        "en",
        "",
        "Seventeen worshippers attending evening prayers at the mosque in Kalao were killed, "
        "residents said.",
        [(17, None)],
    ),
    (
        "fr",
        "",
        "Dix-huit fidèles réunis pour la prière du soir ont été tués dans la mosquée de Kalao.",
        [(18, None)],
    ),
    ("en", "", "A man in his forties was stabbed to death at the market in Goma.", [(1, None)]),
    (
        "en",
        "",
        "Officials fear as many as 50 people may have died in the attack on Gao.",
        [(50, None)],
    ),
    ("en", "", "The militia said it had 'eliminated' 30 fighters near Djibo.", [(30, None)]),
    (
        "en",
        "",
        "The army said it 'neutralized' dozens of insurgents in the operation near Gao.",
        [(None, None)],
    ),
    # 13. Victims listed one by one.
    ("en", "", "A soldier and his driver were killed by a roadside bomb near Gao.", [(2, None)]),
    (
        "en",
        "",
        "Gunmen shot dead a village chief, his two wives and a grandson near Bunia.",
        [(4, None)],
    ),
    (
        "en",
        "",
        "A drone strike on a car near Gao killed a farmer, his wife and their three children, "
        "relatives said.",
        [(5, None)],
    ),
    ("en", "", "Gunmen killed a teacher and his two sons in Bunia on Sunday.", [(3, None)]),
    (
        "fr",
        "",
        "La frappe a tué un homme, son épouse et leurs deux filles à Kadugli, selon la famille.",
        [(4, None)],
    ),
    # 14. Wounded taken elsewhere belong to the event's report.
    (
        "fr",
        "",
        "Au moins 30 civils ont été tués dimanche dans l'attaque d'un camp près de Beni. Une "
        "cinquantaine de blessés ont été évacués vers Goma.",
        [(30, 50)],
    ),
    (
        "en",
        "",
        "Rebels killed 14 people in Beni on Sunday. Twenty wounded people were airlifted to "
        "Goma, the UN said.",
        [(14, 20)],
    ),
    # Two sources: "up to" from one does not replace the other's count.
    (
        "en",
        "",
        "At least 8 villagers were killed by gunmen near Bunia, the army said. A local priest "
        "put the toll at up to 15.",
        [(8, None)],
    ),
]

NOT_TOLLS = [
    # 1. A toll of none.
    (
        "en",
        "",
        "Government of Mali - JNIM. JNIM fighters attacked an army post near Douentza. "
        "Best estimate 0 deaths (low 0, high 0).",
    ),
    ("en", "", "Militants shelled Gao overnight; the army reported 0 fatalities."),
    # 2. Periodic and aggregate counts.
    (
        "en",
        "",
        "Over the month, clashes in Borno killed more than 300 people, the monitor said.",
    ),
    (
        "en",
        "",
        "Monthly report, Kaduna, May 2023: banditry accounted for 85 fatalities over the "
        "month, up from 60 in April.",
    ),
    (
        "fr",
        "Mali : plus de 2 000 morts en dix ans de violences",
        "Les violences qui opposent depuis 2015 les milices à l'armée dans le centre du pays "
        "ont fait plus de 2 000 morts, selon le décompte annuel d'une ONG.",
    ),
    (
        "fr",
        "",
        "Au total, 1 450 personnes ont trouvé la mort sur les routes du pays l'an dernier, "
        "selon le bilan publié jeudi.",
    ),
    (
        "en",
        "",
        "Road crashes killed 4,100 people across the country last year, according to the "
        "ministry's annual report.",
    ),
    # 3. Commemorations.
    (
        "fr",
        "Bunia se souvient du massacre de 2003",
        "Des milliers d'habitants se sont réunis à Bunia pour honorer la mémoire des victimes "
        "du massacre, qui avait fait plus de 200 morts.",
    ),
    (
        "en",
        "",
        "Hundreds gathered in Goma on Sunday to remember the victims of the attack, which "
        "had killed 40 people.",
    ),
    # 4. Hypothetical tolls.
    (
        "en",
        "Aid groups warn assault on Maiduguri could cost thousands of lives",
        "Aid agencies warned that an assault on Maiduguri could kill thousands of civilians.",
    ),
    (
        "fr",
        "",
        "Une offensive sur Goma risque de faire des centaines de morts, a averti l'ONU.",
    ),
    ("fr", "", "Selon les ONG, un assaut sur Gao pourrait tuer des centaines de civils."),
    ("en", "", "The bomb found in Gao would have killed dozens of people, police said."),
    ("fr", "", "La bombe découverte à Gao aurait pu faire des dizaines de morts."),
    # 5. People missing are not casualties.
    (
        "fr",
        "Centre du Mali : vingt bergers portés disparus près de Mopti",
        "Des hommes armés ont attaqué leur campement samedi ; les recherches n'ont permis de "
        "retrouver aucun des vingt bergers.",
    ),
    (
        "en",
        "",
        "Eleven fishermen are missing after gunmen seized their canoes near Monguno, a union "
        "leader said.",
    ),
    # 6. Machines shot down, and percentages.
    ("fr", "", "L'armée affirme avoir abattu un drone au-dessus de Goma."),
    ("fr", "", "Les rebelles disent avoir abattu deux avions près de Gao."),
    ("en", "", "Rebels said they shot down a military helicopter near Bunia."),
    (
        "fr",
        "",
        "Le groupe a publié un bilan annuel marqué par une baisse de 7 % de son chiffre "
        "d'affaires.",
    ),
    ("en", "", "The strike's toll on exports reached 6 %, officials said."),
    ("en", "", "Police neutralised an explosive device near the station in Goma."),
]


@pytest.mark.parametrize(("lang", "title", "summary", "figures"), TOLLS)
def test_toll_families(
    detector: Detector,
    lang: str,
    title: str,
    summary: str,
    figures: list[tuple[int | None, int | None]],
) -> None:
    assert _figures(detector, lang, title, summary) == figures


@pytest.mark.parametrize(("lang", "title", "summary"), NOT_TOLLS)
def test_toll_false_alarms(detector: Detector, lang: str, title: str, summary: str) -> None:
    assert _reports(detector, lang, title, summary) == []


PLACED = [
    # 12. One figure per place, the second told "nearby" or unlisted.
    (
        "en",
        "",
        "Gunmen killed 12 people in Kadugli and 5 in nearby Dilling, officials said.",
        [("Dilling", 5), ("Kadugli", 12)],
    ),
    (
        "en",
        "",
        "On 4 March 2024, soldiers shot villagers in two hamlets: 61 people died in Wendou and "
        "17 in nearby Kassiri, survivors said.",
        [("Kassiri", 17), ("Wendou", 61)],
    ),
    # 14. The destination of the wounded is not where they were hit.
    (
        "en",
        "",
        "Rebels killed 14 people in Beni on Sunday. Twenty wounded people were airlifted to "
        "Goma, the UN said.",
        [("Beni", 14)],
    ),
    # A dateline is where the wire wrote from, not where the toll happened.
    (
        "fr",
        "Nigeria : 40 villageois tués à Kukawa",
        "MAIDUGURI, 3 mai - Quarante habitants de Kukawa, dont des enfants, ont été tués par "
        "des insurgés, selon des rescapés.",
        [("Kukawa", 40)],
    ),
]


@pytest.mark.parametrize(("lang", "title", "summary", "places"), PLACED)
def test_toll_places(
    detector: Detector, lang: str, title: str, summary: str, places: list[tuple[str, int]]
) -> None:
    found = sorted(
        (
            event.place.name if event.place else "",
            event.casualties.killed if event.casualties else None,
        )
        for event in _reports(detector, lang, title, summary)
    )
    assert found == places

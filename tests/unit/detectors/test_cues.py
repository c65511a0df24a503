"""The cue and trigger tables: one automaton pass tells which patterns may match a sentence."""

from __future__ import annotations

import re

import pytest

from streams.detectors import capture, modality, places
from streams.detectors.cues import CUES, CueIndex, read_table
from streams.detectors.triggers import CAPTURE, CASUALTY, TriggerIndex


def test_read_table_skips_comments_and_keeps_spaces() -> None:
    table = read_table(["# a comment", "", "a.one\tseiz", "a.one\tback in", "b.two\tmort "])
    assert table == {"a.one": ["seiz", "back in"], "b.two": ["mort "]}


@pytest.mark.parametrize("line", ["no tab here", "family\tUpper", "\tcue", "family\t"])
def test_read_table_rejects_a_malformed_line(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        read_table([line])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rebels seized it", {"verbs"}),
        ("la ville est tombée", {"verbs", "towns"}),
        ("the town of kidal", {"towns"}),
        ("markets opened higher", set()),
    ],
)
def test_present(text: str, expected: set[str]) -> None:
    index = CueIndex({"verbs": ["seiz", "tomb"], "towns": ["town", "ville"]})
    assert index.present(text) == expected
    assert {family for family in index.families if index.holds(family, text)} == expected


def test_every_gated_pattern_has_cues() -> None:
    used = set(capture._TRIGGERS) | {
        "modality.source",
        "modality.say",
        "modality.hearsay",
        "modality.self_claim",
        "modality.background",
        "modality.denial",
        "modality.holdout",
        "modality.game",
        "modality.election",
        "places.settlement",
    }
    assert used <= CUES.families


#: Sentences each pattern matches: the shipped cues must let every one of them through.
GATED = [
    ("capture.active", capture._ACTIVE, "Les rebelles du M23 ont repris Goma dimanche."),
    ("capture.active", capture._ACTIVE, "Jihadists took control of Menaka on Monday."),
    ("capture.active", capture._ACTIVE, "Les FDS se sont emparées de Raqqa."),
    ("capture.gerund", capture._GERUND, "The army succeeded in recapturing Hifan."),
    ("capture.passive", capture._PASSIVE, "Mosul fell to the militants overnight."),
    ("capture.passive", capture._PASSIVE, "Kombolcha est passée aux mains des rebelles."),
    ("capture.nominal", capture._NOMINAL, "La chute de Bakhmout a été confirmée."),
    ("capture.possessive", capture._POSSESSIVE_NOMINAL, "Zaranj's fall shocked Kabul."),
    ("capture.entry", capture._ENTRY, "M23 fighters marched into Bukavu."),
    ("capture.declared", capture._DECLARED, "Officials declared Rawa free of militants."),
    ("capture.expelled", capture._EXPELLED, "The fighters were chased out of Gombi."),
    ("capture.expel", capture._EXPEL, "Les soldats ont chassé les jihadistes de Tessit."),
    ("capture.handed", capture._HANDED, "The rebels handed Mogok back to the junta."),
    ("modality.source", modality._SOURCE_BEFORE, "Dix morts, selon l'OSDH, à Idleb."),
    ("modality.say", modality._SAY, "The army said it had retaken the town."),
    ("modality.say", modality._SAY, "Le groupe a fait savoir qu'il tenait la ville."),
    ("modality.hearsay", modality._HEARSAY, "Les rebelles auraient pris la localité."),
    ("modality.self_claim", modality._SELF_CLAIM, "The group claimed responsibility."),
    ("modality.background", modality._BACKGROUND, "Il y a dix ans, la ville tombait."),
    ("modality.denial", modality._DENIAL, "Kinshasa dément la prise de Goma."),
    ("modality.holdout", modality._HOLDOUT, "Les soldats tiennent toujours le centre."),
    ("modality.game", modality._GAME, "In the strategy game, players must retake Kherson."),
    ("modality.election", modality._ELECTION, "The party won 12 seats on Sunday."),
    ("places.settlement", places._BEFORE_NAME, "Fighters entered the town of Tessit."),
]


@pytest.mark.parametrize(("family", "pattern", "sentence"), GATED)
def test_a_match_always_holds_a_cue(family: str, pattern: re.Pattern[str], sentence: str) -> None:
    assert pattern.search(sentence), "the example must match its pattern"
    assert family in CUES.present(sentence.lower())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rebels seized the town", CAPTURE),
        ("trois civils tués à goma", CASUALTY),
        ("talks resume on tuesday", 0),  # "tue$" asks for the whole word
        ("the attack killed two and the army retook the hill", CASUALTY | CAPTURE),
    ],
)
def test_trigger_table(text: str, expected: int) -> None:
    assert TriggerIndex().kinds(text) == expected

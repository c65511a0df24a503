"""The clause reader: the lexicon as data, and captures read by frame where the families fail.

Each positive sentence below is one the capture families do not read (checked in the test), so
it shows what the clause reader adds; each negative is one it must leave alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.detectors import Detector
from streams.detectors.capture import find_captures
from streams.detectors.clauses import FRAMES, ClauseReader, Lexicon, tokenise
from streams.detectors.places import name_mentions
from streams.detectors.triggers import CAPTURE, TriggerIndex


def _read(detector: Detector, sentence: str, lang: str) -> tuple[list[str], list[str]]:
    """The towns the families and the clause reader find in one sentence."""
    found = detector.gazetteer.find(sentence)
    countries = {m.country for m in found if m.country}
    names = name_mentions(
        sentence, found, detector.gazetteer, detector.towns, countries, unknown=True
    )
    families = [c.mention.written for c in find_captures(sentence, names)]
    clauses = [c.mention.written for c in ClauseReader().captures(sentence, lang, names)]
    return families, clauses


@pytest.mark.parametrize(
    ("lang", "sentence", "town"),
    [
        # A phrase of means, then an aside, between the verb and its object.
        (
            "en",
            "In northeast Nigeria, the militants on Friday overran, after a three-hour gun "
            "battle with the garrison, the district town of Gwoza",
            "Gwoza",
        ),
        # A circumstance with no comma before the object.
        (
            "fr",
            "Les insurgés ont conquis après deux jours de combats la bourgade de Dianké",
            "Dianké",
        ),
    ],
)
def test_reads_what_the_families_miss(
    detector: Detector, lang: str, sentence: str, town: str
) -> None:
    families, clauses = _read(detector, sentence, lang)
    assert town not in families
    assert clauses == [town]


@pytest.mark.parametrize(
    ("lang", "sentence", "town"),
    [
        ("en", "Troops drove the insurgents out of Bama in northeast Nigeria on Sunday", "Bama"),
        ("fr", "L'armée a délogé les jihadistes de Boni, au Mali, jeudi", "Boni"),
        ("en", "Rebels seized late on Tuesday the strategic border town of Sake in Congo", "Sake"),
        (
            "fr",
            "Kidal, fief des rebelles touareg, a été reprise mardi par l'armée malienne",
            "Kidal",
        ),
        (
            "en",
            "The Taliban captured late on Thursday the provincial capital, Sheberghan",
            "Sheberghan",
        ),
        ("fr", "Au Nigeria, Gwoza est tombée samedi aux mains des insurgés", "Gwoza"),
    ],
)
def test_frames(detector: Detector, lang: str, sentence: str, town: str) -> None:
    assert _read(detector, sentence, lang)[1] == [town]


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Rebels took up positions in the hills around the town of Bama in Nigeria"),
        ("en", "Rebels seized weapons and fuel in Bama, Nigeria"),
        ("en", "The army retook with air support the outskirts of Bama in Nigeria"),
        ("en", "The army has not retaken Bama, in northeast Nigeria"),
        ("en", "Troops in Nigeria are trying to retake Bama"),
        ("en", "Tripoli forces take two coastal cities"),
        ("en", "Several hundred protesters occupied the city hall in Lyon for three hours"),
        ("en", "Houthi fighters captured the Nateh and Naman districts of Bayda province"),
        ("en", "NATO drill simulates recapture of Narva"),
        ("en", "Shipments from the port of Odesa fell to two million tonnes in May"),
        ("fr", "La ville de Nice a repris en régie la gestion de l'eau potable"),
        ("fr", "Le président a promis que l'armée reprendrait Goma, au Congo"),
        ("fr", "Les rebelles du M23 sont sur le point de s'emparer de Goma, au Congo"),
        ("fr", "En 2012, le M23 s'était emparé de Goma pendant dix jours"),
        ("fr", "Irak : l'EIIL s'empare de deux villes de la Diyala"),
        ("fr", "Un livre sur la prise de Constantinople"),
    ],
)
def test_leaves_alone(detector: Detector, lang: str, sentence: str) -> None:
    assert _read(detector, sentence, lang)[1] == []


def test_the_town_stands_for_the_place_named_before(detector: Detector) -> None:
    sentence = (
        "Fighting raged near Lunsar in Sierra Leone before the rebels seized the town on Tuesday"
    )
    assert _read(detector, sentence, "en")[1] == ["Lunsar"]
    # Counted or compound: "another town", "two cities", "the city council" stand for nothing.
    for other in (
        "Fighting raged near Lunsar in Sierra Leone before the rebels seized another town",
        "Fighting raged near Lunsar in Sierra Leone before the rebels seized the town hall",
    ):
        assert _read(detector, other, "en")[1] == []


def test_actor_and_party_driven_out(detector: Detector) -> None:
    found = detector.gazetteer.find("L'armée a délogé les jihadistes de Boni, au Mali, jeudi")
    sentence = "L'armée a délogé les jihadistes de Boni, au Mali, jeudi"
    names = name_mentions(sentence, found, detector.gazetteer, detector.towns, {"ML"})
    (capture,) = ClauseReader().captures(sentence, "fr", names)
    assert capture.actor == "L'armée"
    assert capture.from_actor == "les jihadistes"


def test_tokens_split_elisions_and_possessives() -> None:
    tokens = tokenise("L'armée s'est emparée d'Alep, the Sahel's town", "fr")
    assert [t.lower for t in tokens] == [
        "l'", "armée", "s'", "est", "emparée", "d'", "alep", ",", "the", "sahel", "'s", "town"
    ]  # fmt: skip
    assert tokens[4].lemma == "emparer"


def _gated(lang: str, form: str, frames: frozenset[str]) -> str:
    """The words a lexicon form stands in: a verb that takes only "control" comes with "control
    of"; a verb of holding, read only as a new state, after "now" / "désormais"."""
    if frames == {"control"}:
        return f"{form} control of"
    if frames == {"state"}:
        return f"{'désormais' if lang == 'fr' else 'now'} {form}"
    return form


def test_every_lexicon_form_holds_a_capture_stem() -> None:
    """The first test every item goes through must let every lexicon word reach the reader."""
    triggers = TriggerIndex()
    missing = [
        form
        for (lang, form), frames in Lexicon.load().entries.items()
        if not triggers.kinds(_gated(lang, form, frames)) & CAPTURE
    ]
    assert missing == []


def test_lexicon_lines_are_checked(tmp_path: Path) -> None:
    table = tmp_path / "lexicon.tsv"
    table.write_text("en\tseize\tobject,grab\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lexicon\.tsv:1: unknown frame"):
        Lexicon.load(table)
    table.write_text("en\tseize\n", encoding="utf-8")
    with pytest.raises(ValueError, match="3 or 4"):
        Lexicon.load(table)
    assert "object" in FRAMES

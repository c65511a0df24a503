"""Text units for detection: a normalised text cut into the title and the summary's sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NORMALISE = str.maketrans({"’": "'", "‘": "'", "\u00a0": " ", "\u202f": " ", "\u2009": " "})
#: A full stop followed by a capital, digit or quote starts a new sentence...
_BOUNDARY = re.compile(r"[.!?…]+[»\"”')]?\s+(?=[«\"“'(A-ZÀ-Ý0-9])")
#: ...unless what precedes it is an abbreviation or an initial.
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Ste|Gen|Col|Lt|Sgt|Capt|Maj|Gov|Sen|Rep|Mme|Mgr|Jan|Feb|"
    r"Aug|Sept|Oct|Nov|Dec|No|vs|etc|av|J\.-C|U\.S|U\.N|U\.K)\.)$"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an item; ``is_title`` for the headline."""

    text: str
    is_title: bool


def normalise(text: str) -> str:
    """Typographic apostrophes and non-breaking spaces as plain ones (length kept)."""
    return text.translate(_NORMALISE)


def split_sentences(text: str) -> list[str]:
    """Cut a paragraph into sentences at full stops, keeping abbreviations and initials whole."""
    sentences: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        head = text[start : boundary.start() + 1]
        if _ABBREVIATION.search(head):
            continue
        piece = text[start : boundary.end()].strip()
        if piece:
            sentences.append(piece)
        start = boundary.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def item_sentences(text: str) -> list[Sentence]:
    """The title (first line) and the summary's sentences of an item's text."""
    title, _, summary = normalise(text).partition("\n")
    units = [Sentence(piece, index == 0) for index, piece in enumerate(split_sentences(title))]
    units.extend(Sentence(piece, False) for piece in split_sentences(summary.replace("\n", " ")))
    return units


#: Case-blind patterns are slow in ``re``: each gets a twin without the flag, run on the
#: lower-cased text (same offsets whenever lower-casing keeps the length). Keyed by identity:
#: hashing a pattern hashes its whole source, which costs more than many searches do.
_TWINS: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def lower_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern without ``re.IGNORECASE``, for text already lower-cased; the pattern
    must hold no upper-case literal."""
    known = _TWINS.get(id(pattern))
    if known is None or known[0] is not pattern:
        known = _TWINS[id(pattern)] = (pattern, re.compile(pattern.pattern))
    return known[1]

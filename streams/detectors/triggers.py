"""Trigger stems: the cheap first test every item goes through, one automaton pass."""

from __future__ import annotations

from pathlib import Path

import ahocorasick

from streams.detectors.cues import read_table

#: The stems of each kind, one a line (``data/triggers.tsv``): lower case, matched at a word
#: start; a trailing "$" asks for the whole word ("tue$" is not "tuesday").
TRIGGERS_PATH = Path(__file__).with_name("data") / "triggers.tsv"
#: Bits of ``TriggerIndex.kinds``.
CASUALTY, CAPTURE = 1, 2
_KINDS = {"casualty": CASUALTY, "capture": CAPTURE}


class TriggerIndex:
    """An Aho-Corasick automaton over the trigger stems of both kinds."""

    def __init__(self, path: Path = TRIGGERS_PATH) -> None:
        self._automaton = ahocorasick.Automaton()
        table = read_table(path.read_text(encoding="utf-8").splitlines())
        for name, stems in table.items():
            kind = _KINDS[name]
            for stem in stems:
                word = stem.rstrip("$")
                _, known = self._automaton.get(word, (0, 0))
                self._automaton.add_word(word, (len(word), known | kind, stem.endswith("$")))
        self._automaton.make_automaton()

    def kinds(self, lowered: str) -> int:
        """The kinds of trigger stems in a lower-cased text, as a bit set of ``CASUALTY`` and
        ``CAPTURE``."""
        kinds = 0
        for end, (length, kind, whole) in self._automaton.iter(lowered):
            start = end - length + 1
            if start > 0 and lowered[start - 1].isalnum():
                continue
            if whole and end + 1 < len(lowered) and lowered[end + 1].isalnum():
                continue
            kinds |= kind
        return kinds

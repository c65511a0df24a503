"""Cues: the substrings without which a family of patterns cannot match, found in one pass.

The table (``data/cues.tsv``) lists for each family of costly patterns the cues every match
holds; one Aho-Corasick pass over a lower-cased sentence tells which families may match, and
the patterns of the others are never run on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import ahocorasick

#: The table shipped with the package.
CUES_PATH = Path(__file__).with_name("data") / "cues.tsv"


def read_table(lines: Iterable[str]) -> dict[str, list[str]]:
    """The entries of each family in ``family<TAB>entry`` lines (the cue and trigger tables);
    blank lines and ``#`` comments are skipped, entries keep their spaces."""
    table: dict[str, list[str]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        family, separator, cue = line.rstrip("\n").partition("\t")
        if not separator or not family or not cue or cue != cue.lower():
            raise ValueError(f"cue table line {number}: expected 'family<TAB>lower-case entry'")
        table.setdefault(family, []).append(cue)
    return table


class CueIndex:
    """One automaton over the cues of every family."""

    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.families = frozenset(table)
        # One automaton per family too: a single family's test stops at its first cue.
        self._by_family: dict[str, ahocorasick.Automaton] = {}
        for family, cues in table.items():
            alone = self._by_family[family] = ahocorasick.Automaton()
            for cue in cues:
                known: frozenset[str] = self._automaton.get(cue, frozenset())
                self._automaton.add_word(cue, known | {family})
                alone.add_word(cue, cue)
            alone.make_automaton()
        self._automaton.make_automaton()

    @classmethod
    def load(cls, path: Path = CUES_PATH) -> CueIndex:
        """The index over a cue table file (by default the one shipped with the package)."""
        return cls(read_table(path.read_text(encoding="utf-8").splitlines()))

    def holds(self, family: str, lowered: str) -> bool:
        """Whether a lower-cased text holds a cue of ``family`` (which must be in the table)."""
        return next(self._by_family[family].iter(lowered), None) is not None

    def present(self, lowered: str) -> set[str]:
        """The families some cue of which stands in a lower-cased text."""
        found: set[str] = set()
        for _, families in self._automaton.iter(lowered):
            found |= families
        return found


#: The shipped table, compiled once.
CUES = CueIndex.load()

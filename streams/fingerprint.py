"""Text fingerprints of wire items: MinHash over word shingles, plus the numbers a text states.

Pure: no Redis, no environment. This module computes what the rule compares; the rule itself
runs once, in the dedup store's script (``streams/store.py``), next to the index it reads. Two
texts are near-duplicates when their estimated Jaccard similarity reaches the threshold *and*
the candidate states no number the original lacks, so a copy whose only edit is a higher toll
("12 morts" -> "17 morts") is never swallowed as a duplicate: that edit is news; nor is a
dispatch whose title names somewhere the other's does not. See docs/dedup.md for the
measured threshold.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

#: MinHash permutations; 64 keeps the estimate within about ±0.05 at J = 0.8.
NUM_PERM = 64
#: LSH: 16 bands of 2 values (the first 32) make a pair at J = 0.5 a candidate with
#: probability 1 - (1 - 0.5**2)**16 = 0.99; candidates are then checked on all 64 values.
BANDS = 16
ROWS = 2
#: Words per shingle: 2 keeps a one-word edit from spoiling more than two shingles.
SHINGLE_WORDS = 2
_SEED = 20240304

_WORD = re.compile(r"\w+", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")

# Number words matter as much as digits: "douze morts" -> "quinze morts" is a toll update.
# "un", "une" and "one" are left out: far more often articles or pronouns than counts.
NUMBER_WORDS = frozenset(
    """
    deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze
    seize vingt trente quarante cinquante soixante cent cents mille dizaine dizaines
    centaine centaines milliers
    two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands dozen dozens score scores
    """.split()  # noqa: SIM905 - a word list reads better as text
)


_COMBINING = re.compile(r"[\u0300-\u036f]")


@lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """Lower case without accents, so "tombée" and "TOMBEE" compare equal."""
    if text.isascii():
        return text.casefold()
    # Cached: the store folds one item's text for its fingerprint, numbers and digest.
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return _WORD.findall(fold(text))


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping runs of ``size`` words (the whole text when shorter), UTF-8 encoded."""
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)}


_MONTHS = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
)
# Numbers that say when or which version, not how many: wires add them to copies freely.
_NOT_COUNTS = re.compile(
    r"\b(?:update|updated|refile|corrected|mise a jour)\s*\d+\b"
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\b"
    r"|\b(?:19|20)\d{2}\b|\b\d{1,2}[:h]\d{2}\b"
)


def numbers(text: str) -> frozenset[str]:
    """Numbers a text states as counts, digits or number words (folded); dates are left out."""
    folded = _NOT_COUNTS.sub(" ", fold(text))
    found = {match.group(0).replace(",", ".") for match in _DIGITS.finditer(folded)}
    found.update(word for word in _WORD.findall(folded) if word in NUMBER_WORDS)
    return frozenset(found)


# A capitalised word with lower-case letters after it: "Mogadishu", not "UPDATE" or "AFP".
_NAME = re.compile(r"\b[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'-]+")


def names(text: str) -> frozenset[str]:
    """Capitalised words of a text's title line (folded, marked ``@``): whom and where it names.

    A title naming somewhere its look-alike does not is another story (a templated dispatch
    about another city), never a copy. Only the title counts: copies keep their headline while
    their body gains datelines, bylines and boilerplate.
    """
    title = text.split("\n", 1)[0]
    return frozenset("@" + fold(match.group(0)) for match in _NAME.finditer(title))


def content_digest(text: str) -> str:
    """A short digest of the folded words: the version of an item's text."""
    return hashlib.sha1(" ".join(words(text)).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """MinHash values (``NUM_PERM`` unsigned 32-bit ints) and the numbers of one text."""

    hashvalues: tuple[int, ...]
    numbers: frozenset[str]

    def to_bytes(self) -> bytes:
        """The MinHash values packed little-endian, 4 bytes each (what the store compares)."""
        return struct.pack(f"<{len(self.hashvalues)}I", *self.hashvalues)

    def numbers_field(self) -> str:
        """The numbers as one sorted, space-separated string."""
        return " ".join(sorted(self.numbers))

    def bands(self) -> list[str]:
        """One hex token per LSH band; equal tokens make two items candidates."""
        packed = self.to_bytes()
        width = ROWS * 4
        return [packed[i * width : (i + 1) * width].hex() for i in range(BANDS)]


# affine32 keeps values in 32 bits (4 bytes each in Redis); permutations are drawn once.
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of a text (title and summary of an item)."""
    sketch = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_PERMUTATIONS, scheme=_SCHEME)
    sketch.update_batch(sorted(shingles(text)))
    values = tuple(int(value) for value in np.asarray(sketch.hashvalues, dtype=np.uint64))
    return Fingerprint(hashvalues=values, numbers=numbers(text) | names(text))


def similarity(left: Fingerprint, right: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two texts' shingles."""
    equal = sum(a == b for a, b in zip(left.hashvalues, right.hashvalues, strict=True))
    return equal / len(left.hashvalues)

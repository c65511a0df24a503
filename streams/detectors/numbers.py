"""Reading counts as wires write them: digits, number words (FR/EN), vague and bounded amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

_EN_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_FR_UNITS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60,
}  # fmt: skip
_WORD_VALUES = {**_EN_UNITS, **_FR_UNITS}
_EN_WORDS = frozenset(_EN_UNITS) | {"hundred", "thousand", "and"}
#: Every word a written number may hold; "hundreds" or "milliers" is a vague amount instead.
_NUMBER_VOCABULARY = _EN_WORDS | frozenset(_FR_UNITS) | {"cent", "cents", "mille", "et"}

#: Collective nouns that give an order of size: "une dizaine" is about ten, "a dozen" twelve.
_ABOUT = {
    "dozen": 12, "douzaine": 12, "dizaine": 10, "quinzaine": 15, "vingtaine": 20,
    "trentaine": 30, "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60,
    "centaine": 100, "score": 20, "millier": 1000,
}  # fmt: skip

_NUMBER_WORD = (
    r"(?:quatre[- ]vingts?|"
    + "|".join(sorted(set(_WORD_VALUES) - {"un", "une"}, key=len, reverse=True))
    + r"|hundred|thousand|cents?|mille)"
)
#: A number written in words: "vingt et un", "quatre-vingt-dix", "two hundred and five". A
#: lone "un"/"une" counts only in lower case, so "Three UN peacekeepers" stays three.
NUMBER_WORDS = (
    rf"(?:{_NUMBER_WORD}(?:(?:[- ]|\s+(?:et|and)\s+){_NUMBER_WORD})*(?:[- ]et[- ]une?)?"
    r"|(?-i:[Uu]ne?))"
)
#: A number in digits, with the thousands separators of both languages: 1,200 / 1 200 / 1.200.
NUMBER_DIGITS = r"\d{1,3}(?:[ ,.]\d{3})+(?!\d)|\d+"
#: Vague amounts: "des dizaines", "hundreds", "plusieurs", "a number of".
VAGUE = (
    r"(?:des|several|many|dozens|scores|hundreds|thousands|plusieurs|de\s+nombreu(?:x|ses)|"
    r"nombreu(?:x|ses)|numerous|a\s+number|a\s+handful)"
    r"(?:\s+(?:dizaines|centaines|milliers|of))?"
)
_ABOUT_WORD = r"(?:une?\s+|a\s+|about\s+a\s+)(?:" + "|".join(_ABOUT) + r")s?"
#: Bounds that make a figure approximate: "au moins", "more than", "près de".
QUALIFIER = (
    r"(?:at\s+least|au\s+moins|more\s+than|over|nearly|almost|about|around|some|roughly|"
    r"approximately|an\s+estimated|up\s+to|as\s+many\s+as|plus\s+d[e']\s*|pr[eè]s\s+d[e']\s*|"
    r"presque|environ|quelque|jusqu'[àa]|pas\s+moins\s+d[e']\s*|a\s+minimum\s+of|upwards\s+of|"
    r"at\s+most|fewer\s+than|less\s+than|moins\s+d[e']\s*|en\s+tout|au\s+total)"
)
_ONE_NUMBER = rf"(?:{NUMBER_DIGITS}|{NUMBER_WORDS})"
_RANGE = (
    rf"(?:(?:between|entre)\s+{_ONE_NUMBER}\s+(?:and|et)\s+{_ONE_NUMBER}|"
    rf"(?:de\s+)?{_ONE_NUMBER}\s*(?:-|to|à|or|ou)\s*{_ONE_NUMBER}(?!\d))"
)
#: Any count a toll can be written with, qualifiers included. Use with re.IGNORECASE.
COUNT = (
    rf"(?:{QUALIFIER}\s*)?(?:{_RANGE}|{_ABOUT_WORD}(?:\s+d[e'])?|{VAGUE}|{NUMBER_DIGITS}|"
    rf"{NUMBER_WORDS})"
)

_RANGE_RE = re.compile(_RANGE, re.IGNORECASE)
_ONE_RE = re.compile(_ONE_NUMBER, re.IGNORECASE)
_QUALIFIER_RE = re.compile(rf"^\s*{QUALIFIER}", re.IGNORECASE)
_ABOUT_RE = re.compile(r"\b(" + "|".join(_ABOUT) + r")s?\b", re.IGNORECASE)
_EXACT_BOUND_RE = re.compile(r"^\s*(?:en\s+tout|au\s+total)", re.IGNORECASE)
_UPPER_BOUND_RE = re.compile(
    r"^\s*(?:up\s+to|as\s+many\s+as|at\s+most|fewer\s+than|less\s+than|jusqu'[àa]|"
    r"moins\s+d[e'])",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Count:
    """A count read from text: ``value`` is ``None`` for a vague amount such as "dozens"."""

    value: int | None
    approximate: bool
    #: The figure is an upper bound ("up to 20", "jusqu'à 20"): another source's count below
    #: it is the better toll.
    upper: bool = False


def parse_digits(text: str) -> int | None:
    """An integer from digits with FR/EN thousands separators ("1,200", "1 200", "1.200")."""
    digits = re.sub(r"[ ,.]", "", text.strip())
    return int(digits) if digits.isdigit() else None


def parse_words(text: str) -> int | None:
    """An integer from number words in French or English; ``None`` if none are there."""
    return _parse_words(" ".join(_TOKEN_RE.findall(text.lower())))


@lru_cache(maxsize=4096)
def _parse_words(words: str) -> int | None:
    # A leading article ("a hundred", "a dozen") is not part of the number for text2num.
    words = re.sub(r"^(?:a|an)\s+", "", words)
    if not words or not set(words.split()) <= _NUMBER_VOCABULARY:
        return None
    # French first unless an English number word is there: "six" and "cent" are both.
    english = any(word in _EN_WORDS for word in words.split())
    for lang in ("en", "fr") if english else ("fr", "en"):
        try:
            return int(text2num(words, lang))
        except ValueError:
            continue
    return None


def parse_number(text: str) -> int | None:
    """An integer from one number in digits or words."""
    stripped = text.strip()
    if stripped[:1].isdigit():
        return parse_digits(stripped)
    return parse_words(stripped)


def parse_count(text: str) -> Count:
    """Read a span matched by ``COUNT``: exact, bounded ("at least 12"), a range, or vague."""
    qualified = _QUALIFIER_RE.match(text)
    approximate = bool(qualified) and not _EXACT_BOUND_RE.match(text)
    rest = text[qualified.end() :] if qualified else text
    ranged = _RANGE_RE.search(rest)
    if ranged and ranged.start() == 0:
        numbers = [parse_number(found.group(0)) for found in _ONE_RE.finditer(ranged.group(0))]
        values = [number for number in numbers if number is not None]
        if len(values) >= 2 and values[0] < values[1]:
            return Count(values[0], True)
    about = _ABOUT_RE.search(rest)
    if about:
        plural = about.group(0).lower().endswith("s") and not rest.lower().startswith(("a ", "un"))
        return Count(None if plural else _ABOUT[about.group(1).lower()], True)
    number = parse_number(rest)
    if number is None:
        return Count(None, True)
    return Count(number, approximate, bool(qualified) and bool(_UPPER_BOUND_RE.match(text)))

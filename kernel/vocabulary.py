"""The vocabulary of events: their kinds and statuses, and the words for them in French and English.

Every package spells kinds and statuses through these enums (they are ``str`` subclasses, so
they compare equal to the strings of the JSON contracts), and every message that names a
kind, a status or a toll takes its words from here, so headlines (``streams/headlines.py``)
and delivered messages (``alerts/render.py``) can never disagree.

A third kind of event is one more ``EventKind`` member and one more ``KIND_SPECS`` entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")


class EventKind(StrEnum):
    """What happened."""

    CITY_CAPTURE = "city_capture"
    CASUALTY_REPORT = "casualty_report"


class EventStatus(StrEnum):
    """How sure the report is: told as fact, claimed by a party, or claimed and denied."""

    REPORTED = "reported"
    CLAIMED = "claimed"
    DISPUTED = "disputed"

    @property
    def certainty(self) -> int:
        """``reported`` 2 > ``claimed`` 1 > ``disputed`` 0."""
        return _CERTAINTY[self]


_CERTAINTY = {EventStatus.REPORTED: 2, EventStatus.CLAIMED: 1, EventStatus.DISPUTED: 0}


def confirms(status: str, earlier: str) -> bool:
    """Whether a report with ``status`` tells outright what ``earlier`` only claimed or disputed."""
    return status == EventStatus.REPORTED and earlier != EventStatus.REPORTED


def certainty(status: str) -> int:
    """The certainty rank of a status string (0 for one Vigie does not know)."""
    try:
        return EventStatus(status).certainty
    except ValueError:
        return 0


@dataclass(frozen=True, slots=True)
class Words:
    """One notion in both languages."""

    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        """The words in ``lang`` (English for any other language)."""
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True, slots=True)
class KindSpec:
    """How a kind is named: in a message's facts, in a headline, in a terminal column."""

    label: Words
    headline: Words
    short: str
    #: Colour of the kind on chat channels that colour messages (RGB).
    colour: int
    #: How long after an event's first report another report may still join it (the default
    #: of ``VIGIE_CAPTURE_WINDOW_HOURS`` / ``VIGIE_CASUALTY_WINDOW_HOURS``).
    window_hours: float


KIND_SPECS: dict[EventKind, KindSpec] = {
    EventKind.CITY_CAPTURE: KindSpec(
        label=Words("Prise de ville", "City captured"),
        headline=Words("prise de la ville", "city captured"),
        short="capture",
        colour=0xC0392B,
        window_hours=72.0,
    ),
    EventKind.CASUALTY_REPORT: KindSpec(
        label=Words("Bilan humain", "Casualty report"),
        headline=Words("victimes signalées", "casualties reported"),
        short="casualties",
        colour=0x34495E,
        window_hours=36.0,
    ),
}

STATUS_WORDS: dict[EventStatus, Words] = {
    EventStatus.REPORTED: Words("rapporté", "reported"),
    EventStatus.CLAIMED: Words("revendiqué", "claimed"),
    EventStatus.DISPUTED: Words("contesté", "disputed"),
}


def kind_spec(kind: str) -> KindSpec | None:
    """The spec of a kind string, ``None`` for a kind Vigie does not know."""
    try:
        return KIND_SPECS[EventKind(kind)]
    except ValueError:
        return None


def kind_label(kind: str, lang: str) -> str:
    """``Prise de ville`` / ``City captured``; an unknown kind as written."""
    spec = kind_spec(kind)
    return spec.label(lang) if spec else kind


def status_label(status: str, lang: str) -> str:
    """``revendiqué`` / ``claimed``; an unknown status as written."""
    try:
        return STATUS_WORDS[EventStatus(status)](lang)
    except ValueError:
        return status


class Toll(Protocol):
    """What a toll phrase needs of a ``Casualties``."""

    @property
    def killed(self) -> int | None: ...
    @property
    def wounded(self) -> int | None: ...
    @property
    def missing(self) -> int | None: ...
    @property
    def approximate(self) -> bool: ...


# Casualties field -> French noun (singular, plural), English participle.
_MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("killed", "mort", "morts", "killed"),
    ("wounded", "blessé", "blessés", "wounded"),
    ("missing", "disparu", "disparus", "missing"),
)


def toll_phrase(toll: Toll | None, lang: str) -> str:
    """``au moins 12 morts, 30 blessés`` / ``at least 12 killed, 30 wounded``; empty when no
    number was stated."""
    french = lang == "fr"
    parts: list[str] = []
    for field, singular, plural, participle in _MEASURES:
        count = getattr(toll, field, None)
        if count is None:
            continue
        parts.append(f"{count} {(singular if count == 1 else plural) if french else participle}")
    if not parts or toll is None:
        return ""
    text = ", ".join(parts)
    if toll.approximate:
        return ("au moins " if french else "at least ") + text
    return text

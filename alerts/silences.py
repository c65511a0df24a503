"""Silences, after Alertmanager's: matchers on an alert's fields, a start, an end, a comment.

An alert that every matcher of an active silence accepts is not delivered to anyone; the
worker counts and logs it, and records it so the history can mark it silenced. Pure.

Matchers name one field of the alert (``kind``, ``country``, ``place``, ``source``,
``status``) and compare it with ``=`` (equal, case-insensitive), ``!=`` (not equal) or ``=~``
(the whole value matches a regular expression, case-insensitive).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from alerts.subscriptions import describe_validation_error
from kernel.errors import InputError
from streams.events import Alert

MatcherName = Literal["kind", "country", "place", "source", "status"]
MatcherOp = Literal["=", "!=", "=~"]
#: Operators in the order the text form ``name<op>value`` is parsed (longest first).
OPERATORS: tuple[str, ...] = ("!=", "=~", "=")
MAX_DURATION = timedelta(days=366)


class SilenceInvalid(InputError):
    """A silence was rejected; ``problems`` lists every reason as ``field: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid silence: " + "; ".join(problems))
        self.problems = problems


class Matcher(BaseModel):
    """One condition on one field of an alert."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: MatcherName
    value: str = Field(min_length=1, max_length=200)
    op: MatcherOp = "="

    @model_validator(mode="after")
    def _regex_compiles(self) -> Matcher:
        if self.op == "=~":
            try:
                re.compile(self.value)
            except re.error as exc:
                raise ValueError(f"bad regular expression {self.value!r}: {exc}") from exc
        return self

    def accepts(self, values: set[str]) -> bool:
        """Whether the alert's values of this field pass (any value for ``=``, ``=~``)."""
        folded = {value.casefold() for value in values}
        if self.op == "=":
            return self.value.casefold() in folded
        if self.op == "!=":
            return self.value.casefold() not in folded
        pattern = re.compile(self.value, re.IGNORECASE)
        return any(pattern.fullmatch(value) for value in values)

    def text(self) -> str:
        """``name<op>value``, as the CLI takes it."""
        return f"{self.name}{self.op}{self.value}"


class SilenceSpec(BaseModel):
    """A silence as a user writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    matchers: tuple[Matcher, ...] = Field(min_length=1, description="every one must match")
    starts_at: datetime | None = Field(default=None, description="default: now")
    ends_at: datetime = Field(description="when the silence stops")
    comment: str = Field(min_length=1, max_length=500, description="why, for the next operator")
    created_by: str | None = Field(default=None, max_length=120)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Silence(SilenceSpec):
    """A stored silence: a spec with its id, its start resolved and its creation time."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    starts_at: datetime
    created_at: datetime

    def state(self, now: datetime) -> str:
        """``pending`` (not started), ``active`` or ``expired``."""
        if now < self.starts_at:
            return "pending"
        return "active" if now < self.ends_at else "expired"

    def public_dict(self, now: datetime) -> dict[str, Any]:
        """The silence as the API and the CLI show it, with its state at ``now``."""
        return {**self.model_dump(mode="json"), "state": self.state(now)}


def new_silence_id() -> str:
    """A random silence id."""
    return "sil_" + uuid.uuid4().hex[:16]


def build_silence(data: dict[str, Any], *, now: datetime, silence_id: str | None = None) -> Silence:
    """Validate user data into a ``Silence``; ``SilenceInvalid`` lists every problem."""
    fields = {key: value for key, value in data.items() if value is not None}
    for key in ("id", "created_at", "state"):
        fields.pop(key, None)
    try:
        spec = SilenceSpec.model_validate(fields)
    except ValidationError as exc:
        raise SilenceInvalid(describe_validation_error(exc)) from exc
    starts_at = spec.starts_at or now
    problems = []
    if spec.ends_at <= starts_at:
        problems.append("ends_at: must be after starts_at")
    elif spec.ends_at <= now:
        problems.append("ends_at: must be in the future")
    if spec.ends_at - starts_at > MAX_DURATION:
        problems.append(f"ends_at: a silence lasts at most {MAX_DURATION.days} days")
    if problems:
        raise SilenceInvalid(problems)
    return Silence(
        **{**spec.model_dump(), "starts_at": starts_at},
        id=silence_id or new_silence_id(),
        created_at=now,
    )


def parse_matcher(text: str) -> Matcher:
    """``country=SY``, ``kind!=casualty_report``, ``place=~Alep.*`` into a ``Matcher``."""
    for op in OPERATORS:
        name, found, value = text.partition(op)
        if found and name.strip():
            try:
                return Matcher(name=name.strip(), value=value, op=op)  # type: ignore[arg-type]
            except ValidationError as exc:
                raise SilenceInvalid(
                    [f"matcher {text!r}: {p}" for p in describe_validation_error(exc)]
                ) from exc
    raise SilenceInvalid([f"matcher {text!r}: write it as name=value, name!=value or name=~regex"])


def parse_duration(text: str) -> timedelta:
    """``90m``, ``2h``, ``7d``, ``1h30m`` into a ``timedelta``; ``ValueError`` when unreadable."""
    parts = re.fullmatch(r"\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*", text)
    if not parts or not any(parts.groups()):
        raise ValueError(f"duration {text!r}: write it like 90m, 2h, 7d or 1h30m")
    days, hours, minutes = (int(group or 0) for group in parts.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def alert_values(alert: Alert) -> dict[str, set[str]]:
    """The values of each matcher field for ``alert`` (a place has its written and GeoNames name)."""
    event = alert.event
    place = event.place
    return {
        "kind": {event.kind},
        "status": {event.status},
        "country": {place.country} if place and place.country else set(),
        "place": {name for name in (place.name, place.canonical) if name} if place else set(),
        "source": {source.source for source in alert.sources if source.source},
    }


def silences_alert(silence: Silence, alert: Alert, now: datetime) -> bool:
    """Whether ``silence`` is active at ``now`` and every one of its matchers accepts ``alert``."""
    if silence.state(now) != "active":
        return False
    values = alert_values(alert)
    return all(matcher.accepts(values[matcher.name]) for matcher in silence.matchers)


def silenced_by(silences: list[Silence], alert: Alert, now: datetime) -> Silence | None:
    """The first active silence that silences ``alert``, or ``None``."""
    return next((silence for silence in silences if silences_alert(silence, alert, now)), None)

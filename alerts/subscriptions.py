"""Subscriptions: who gets which alerts, through which channel, in which language. Pure.

A ``SubscriptionSpec`` is what a user writes (CLI flags, API body, YAML entry); a
``Subscription`` is a stored spec with its ``id``. ``matches`` decides, without any IO,
whether an alert passes a subscription's filters.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from alerts.channels import channel_kind, check_channel_url, redact
from alerts.templating import MessageTemplate
from kernel.errors import InputError
from streams.events import Alert

Kind = Literal["city_capture", "casualty_report"]
Status = Literal["reported", "claimed", "disputed"]
Language = Literal["fr", "en"]

#: Subscription id of the built-in console channel (not stored in Redis).
CONSOLE_ID = "console"


class SubscriptionInvalid(InputError):
    """A subscription was rejected; ``problems`` lists every reason as ``field: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid subscription: " + "; ".join(problems))
        self.problems = problems


class SubscriptionSpec(BaseModel):
    """A subscription as a user writes it: channel, filters, message language, secret.

    Backfilled alerts (old events of a replayed archive) reach it only with ``include_backfill``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    channel: str = Field(description="channel URL, e.g. webhook+https://example.org/hook")
    name: str | None = Field(default=None, min_length=1, max_length=120)
    kinds: tuple[Kind, ...] = Field(default=(), description="event kinds; empty: all")
    countries: tuple[str, ...] = Field(default=(), description="ISO 3166 alpha-2; empty: all")
    cities: tuple[str, ...] = Field(default=(), description="place names; empty: all")
    languages: tuple[Language, ...] = Field(
        default=(), description="languages of the reporting sources; empty: all"
    )
    min_killed: int | None = Field(default=None, ge=0, description="casualty threshold")
    min_sources: int = Field(default=1, ge=1, description="sources that must report the event")
    statuses: tuple[Status, ...] = Field(
        default=(), description="accepted statuses (reported, claimed, disputed); empty: all"
    )
    lang: Language = Field(default="en", description="language of the messages")
    include_backfill: bool = Field(
        default=False,
        description="also alerts of archives replayed with `vigie replay --backfill`",
    )
    secret: str | None = Field(
        default=None, min_length=1, description="HMAC key for the webhook signature"
    )
    paused: bool = Field(default=False, description="a paused subscription receives nothing")
    template: MessageTemplate | None = Field(
        default=None,
        description="Jinja2 title and body of the messages (docs/channels.md, Message templates)",
    )

    @field_validator("channel")
    @classmethod
    def _channel_is_known(cls, value: str) -> str:
        problem = check_channel_url(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("countries")
    @classmethod
    def _countries_are_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = tuple(code.strip().upper() for code in value)
        bad = [code for code in codes if len(code) != 2 or not code.isalpha()]
        if bad:
            raise ValueError(f"country codes are ISO 3166 alpha-2 (IQ, SY, UA), not {bad}")
        return codes

    @field_validator("cities")
    @classmethod
    def _cities_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cities = tuple(city.strip() for city in value)
        if any(not city for city in cities):
            raise ValueError("city names must not be empty")
        return cities


class Subscription(SubscriptionSpec):
    """A stored subscription: a spec with its id and creation time."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    created_at: str = ""

    @property
    def kind(self) -> str:
        """The channel kind (``webhook``, ``slack`` …), the label of its metrics."""
        return channel_kind(self.channel)

    def public_dict(self) -> dict[str, Any]:
        """The subscription as shown to users: the secret hidden, the channel URL kept."""
        data = self.model_dump(mode="json")
        data["secret"] = "***" if self.secret else None
        return data

    def log_name(self) -> str:
        """How logs name the subscription without leaking its channel's tokens."""
        return f"{self.id} ({self.name or '-'}, {redact(self.channel)})"


def new_subscription_id() -> str:
    """A random subscription id for subscriptions created by the CLI or the API."""
    return "sub_" + uuid.uuid4().hex[:16]


def stable_subscription_id(name: str) -> str:
    """The id of a subscription declared in a file: the same name always gives the same id."""
    return "sub_" + hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:16]


def describe_validation_error(error: ValidationError) -> list[str]:
    """Each problem of a pydantic error as ``field: message``."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ())) or "subscription"
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append(f"{where}: {message}")
    return problems


def build_subscription(
    data: dict[str, Any], *, subscription_id: str | None = None, now: datetime | None = None
) -> Subscription:
    """Validate user data into a ``Subscription``; raise ``SubscriptionInvalid`` with every problem."""
    fields = {key: value for key, value in data.items() if value is not None}
    fields.pop("id", None)
    fields.pop("created_at", None)
    try:
        spec = SubscriptionSpec.model_validate(fields)
    except ValidationError as exc:
        raise SubscriptionInvalid(describe_validation_error(exc)) from exc
    created = (now or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
    return Subscription(
        **spec.model_dump(),
        id=subscription_id or new_subscription_id(),
        created_at=created,
    )


#: Fields an edit may not change: they are the subscription's identity.
FIXED_FIELDS = frozenset({"id", "created_at"})


def edit_subscription(existing: Subscription, changes: dict[str, Any]) -> Subscription:
    """``existing`` with ``changes`` applied (``None`` clears a field); validated as a whole.

    The id and creation time stay; a ``secret`` of ``***`` (as listed) keeps the secret.
    ``SubscriptionInvalid`` lists every problem, an unknown or fixed field included.
    """
    known = set(SubscriptionSpec.model_fields)
    problems = [f"{name}: cannot be changed" for name in changes if name in FIXED_FIELDS]
    problems += [f"{name}: unknown field" for name in changes if name not in known | FIXED_FIELDS]
    if problems:
        raise SubscriptionInvalid(problems)
    fields = existing.model_dump(exclude=set(FIXED_FIELDS))
    for name, value in changes.items():
        if name == "secret" and value == "***":
            continue
        fields[name] = value
    edited = build_subscription(fields, subscription_id=existing.id)
    return edited.model_copy(update={"created_at": existing.created_at})


def console_subscription(lang: str = "en") -> Subscription:
    """The built-in subscription of the console channel: every alert (backfilled too), no filters."""
    return Subscription(
        id=CONSOLE_ID,
        name="console",
        channel="console://",
        lang=lang,  # type: ignore[arg-type]
        include_backfill=True,
    )


def matches(subscription: SubscriptionSpec, alert: Alert) -> bool:
    """Whether ``alert`` passes every filter of ``subscription``."""
    if subscription.paused:
        return False
    event = alert.event
    place = event.place
    if alert.backfill and not subscription.include_backfill:
        return False
    if subscription.kinds and event.kind not in subscription.kinds:
        return False
    if subscription.statuses and event.status not in subscription.statuses:
        return False
    if subscription.countries and (
        place is None or place.country.upper() not in subscription.countries
    ):
        return False
    if subscription.cities:
        names = {place.name.casefold(), place.canonical.casefold()} if place else set()
        if not names & {city.casefold() for city in subscription.cities}:
            return False
    if subscription.languages and not alert.languages & set(subscription.languages):
        return False
    if subscription.min_killed is not None:
        killed = event.casualties.killed if event.casualties else None
        if killed is None or killed < subscription.min_killed:
            return False
    return len(alert.sources) >= subscription.min_sources

"""Subscription validation and matching: tables of (subscription, alert) -> expected."""

from __future__ import annotations

import pytest

from alerts.subscription_store import parse_declared
from alerts.subscriptions import (
    SubscriptionInvalid,
    build_subscription,
    matches,
    stable_subscription_id,
)
from alerts.testing import sample_alert
from streams.events import KINDS, STATUSES

HOOK = "webhook+https://example.org/hook"


def test_filters_follow_the_event_contract() -> None:
    from alerts.subscriptions import SubscriptionSpec

    kinds = SubscriptionSpec.model_fields["kinds"].annotation
    assert set(KINDS) == set(kinds.__args__[0].__args__)  # type: ignore[union-attr]
    statuses = SubscriptionSpec.model_fields["statuses"].annotation
    assert set(STATUSES) == set(statuses.__args__[0].__args__)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("filters", "alert", "expected"),
    [
        ({}, sample_alert(), True),
        ({"kinds": ["casualty_report"]}, sample_alert(), False),
        ({"kinds": ["city_capture"]}, sample_alert(), True),
        ({"countries": ["sy"]}, sample_alert(country="IQ"), False),
        ({"countries": ["iq", "SY"]}, sample_alert(country="IQ"), True),
        ({"cities": ["mosul"]}, sample_alert(place="Mosul"), True),
        ({"cities": ["Aleppo"]}, sample_alert(place="Mosul"), False),
        ({"languages": ["fr"]}, sample_alert(sources=(("AFP", "fr"),)), True),
        ({"languages": ["fr"]}, sample_alert(sources=(("Reuters", "en"),)), False),
        ({"min_killed": 10}, sample_alert(killed=9), False),
        ({"min_killed": 10}, sample_alert(killed=10), True),
        ({"min_killed": 1}, sample_alert(killed=None), False),
        ({"min_sources": 2}, sample_alert(sources=(("AFP", "fr"),)), False),
        ({"min_sources": 2}, sample_alert(), True),
        ({"statuses": ["reported"]}, sample_alert(status="claimed"), False),
        ({"statuses": ["reported", "claimed"]}, sample_alert(status="claimed"), True),
    ],
)
def test_matches(filters: dict[str, object], alert: object, expected: bool) -> None:
    assert matches(build_subscription({"channel": HOOK, **filters}), alert) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"channel": "example.org/hook"}, "channel: channel URL 'example.org/hook' has no scheme"),
        ({"channel": "gopher://x"}, "unknown channel scheme"),
        ({"channel": "webhook+ftp://x/h"}, "transport must be https or http"),
        ({"channel": "slack+https:///nohost"}, "needs a host"),
        ({"channel": HOOK, "countries": ["FRA"]}, "ISO 3166"),
        ({"channel": HOOK, "cities": [" "]}, "must not be empty"),
        ({"channel": HOOK, "min_sources": 0}, "min_sources"),
        ({"channel": HOOK, "lang": "de"}, "lang"),
        ({"channel": "apprise+tgram://"}, "apprise channel needs a target"),
    ],
)
def test_invalid_subscriptions_say_why(data: dict[str, object], problem: str) -> None:
    with pytest.raises(SubscriptionInvalid) as caught:
        build_subscription(data)
    assert any(problem in text for text in caught.value.problems), caught.value.problems


def test_declared_subscriptions_have_stable_ids_and_report_every_problem() -> None:
    (first,) = parse_declared([{"name": "ops", "channel": HOOK}])
    (again,) = parse_declared([{"name": "ops", "channel": HOOK, "lang": "fr"}])
    assert first.id == again.id == stable_subscription_id("ops")
    with pytest.raises(SubscriptionInvalid) as caught:
        parse_declared([{"channel": HOOK}, {"name": "x", "channel": "nope://"}, "text"])  # type: ignore[list-item]
    assert len(caught.value.problems) == 3
    assert caught.value.problems[0].startswith(
        "subscriptions[0]: a declared subscription needs a name"
    )


def test_public_form_hides_the_secret() -> None:
    subscription = build_subscription({"channel": HOOK, "secret": "s3cret"})
    assert subscription.public_dict()["secret"] == "***"
    assert "s3cret" not in subscription.log_name()

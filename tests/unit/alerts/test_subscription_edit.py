"""Editing a subscription: the changes are validated as a whole; id, creation time and secret stay."""

from __future__ import annotations

import pytest

from alerts.subscriptions import SubscriptionInvalid, build_subscription, edit_subscription, matches
from alerts.testing import sample_alert

HOOK = "webhook+https://example.org/hook"


def stored():  # type: ignore[no-untyped-def]
    return build_subscription({"channel": HOOK, "name": "ops", "countries": ["IQ"], "secret": "k"})


def test_an_edit_changes_only_what_it_names() -> None:
    before = stored()
    after = edit_subscription(before, {"countries": ["sy", "iq"], "min_killed": 5, "secret": "***"})
    assert after.countries == ("SY", "IQ") and after.min_killed == 5
    assert (after.id, after.created_at, after.secret, after.name) == (
        before.id,
        before.created_at,
        "k",
        "ops",
    )


def test_none_clears_a_field() -> None:
    assert edit_subscription(stored(), {"name": None, "countries": []}).name is None


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"countries": ["Syria"]}, "countries: country codes are ISO 3166"),
        ({"channel": "ftp://example.org"}, "channel: unknown channel scheme"),
        ({"min_killed": -3}, "min_killed:"),
        ({"id": "sub_other"}, "id: cannot be changed"),
        ({"colour": "red"}, "colour: unknown field"),
    ],
)
def test_a_bad_edit_names_its_field(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(SubscriptionInvalid) as raised:
        edit_subscription(stored(), changes)
    assert any(text.startswith(problem) for text in raised.value.problems), raised.value.problems


def test_a_paused_subscription_matches_nothing_until_resumed() -> None:
    paused = edit_subscription(stored(), {"paused": True})
    assert not matches(paused, sample_alert(country="IQ"))
    assert matches(edit_subscription(paused, {"paused": False}), sample_alert(country="IQ"))

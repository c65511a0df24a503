"""Silence matching and validation: tables of (matchers, alert) -> silenced or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.silences import (
    SilenceInvalid,
    build_silence,
    parse_duration,
    parse_matcher,
    silenced_by,
    silences_alert,
)
from alerts.testing import sample_alert

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def silence(*matchers: str, starts: datetime | None = None, ends: datetime | None = None):  # type: ignore[no-untyped-def]
    return build_silence(
        {
            "matchers": [parse_matcher(text).model_dump() for text in matchers],
            "starts_at": starts,
            "ends_at": ends or NOW + HOUR,
            "comment": "known event, already handled",
        },
        now=NOW,
    )


@pytest.mark.parametrize(
    ("matchers", "alert", "expected"),
    [
        (["country=SY"], sample_alert(country="SY"), True),
        (["country=sy"], sample_alert(country="SY"), True),
        (["country=SY"], sample_alert(country="IQ"), False),
        (["country!=SY"], sample_alert(country="IQ"), True),
        (["kind=casualty_report"], sample_alert(kind="city_capture"), False),
        (["kind=city_capture", "country=IQ"], sample_alert(country="IQ"), True),
        (["kind=city_capture", "country=SY"], sample_alert(country="IQ"), False),
        (["place=mosul"], sample_alert(place="Mosul"), True),
        (["place=~Mos.*"], sample_alert(place="Mosul"), True),
        (["place=~Mos"], sample_alert(place="Mosul"), False),
        (["source=Reuters"], sample_alert(sources=(("AFP", "fr"), ("Reuters", "en"))), True),
        (["source=Reuters"], sample_alert(sources=(("AFP", "fr"),)), False),
        (["status=claimed"], sample_alert(status="claimed"), True),
        (["status!=reported"], sample_alert(status="reported"), False),
    ],
)
def test_every_matcher_must_accept_the_alert(
    matchers: list[str], alert: object, expected: bool
) -> None:
    assert silences_alert(silence(*matchers), alert, NOW) is expected  # type: ignore[arg-type]


def test_only_an_active_silence_silences() -> None:
    alert = sample_alert(country="SY")
    later = silence("country=SY", starts=NOW + HOUR, ends=NOW + 2 * HOUR)
    assert later.state(NOW) == "pending"
    assert silenced_by([later], alert, NOW) is None
    assert silenced_by([later], alert, NOW + 1.5 * HOUR) is later
    assert later.state(NOW + 3 * HOUR) == "expired"
    assert silenced_by([later], alert, NOW + 3 * HOUR) is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"matchers": [], "ends_at": NOW + HOUR, "comment": "x"}, "matchers"),
        (
            {
                "matchers": [{"name": "colour", "value": "red"}],
                "ends_at": NOW + HOUR,
                "comment": "x",
            },
            "matchers.0.name",
        ),
        (
            {
                "matchers": [{"name": "place", "value": "(", "op": "=~"}],
                "ends_at": NOW + HOUR,
                "comment": "x",
            },
            "bad regular expression",
        ),
        (
            {
                "matchers": [{"name": "kind", "value": "city_capture"}],
                "ends_at": NOW - HOUR,
                "comment": "x",
            },
            "ends_at: must be after starts_at",
        ),
        (
            {"matchers": [{"name": "kind", "value": "city_capture"}], "ends_at": NOW + HOUR},
            "comment: Field required",
        ),
    ],
)
def test_a_bad_silence_says_which_field(data: dict[str, object], problem: str) -> None:
    with pytest.raises(SilenceInvalid) as raised:
        build_silence(data, now=NOW)
    assert any(problem in text for text in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("2h", 2 * HOUR),
        ("7d", timedelta(days=7)),
        ("1h30m", timedelta(minutes=90)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "2 weeks"])
def test_unreadable_durations(text: str) -> None:
    with pytest.raises(ValueError, match="90m"):
        parse_duration(text)


def test_matchers_without_an_operator_are_refused() -> None:
    with pytest.raises(SilenceInvalid, match="name=value"):
        parse_matcher("Syria")

"""Pure pieces of delivery: backoff, Retry-After, URLs, escaping, offsets, rendering."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from alerts.channels import apprise_target, channel_kind, http_target, redact
from alerts.channels.webhook import sign, verify
from alerts.markup import escape_markdown, escape_slack, neutralize_mentions, safe_url
from alerts.offsets import OffsetTracker
from alerts.render import console_record, toll_text
from alerts.retry import backoff_delay, parse_retry_after
from alerts.templating import render_message
from alerts.testing import sample_alert
from streams.events import Casualties


@pytest.mark.parametrize("attempt", range(1, 12))
def test_backoff_grows_with_jitter_and_stays_capped(attempt: int) -> None:
    rng = random.Random(attempt)
    delay = backoff_delay(attempt, base_s=1.0, max_s=60.0, rng=rng)
    ceiling = min(60.0, 2 ** (attempt - 1))
    assert ceiling / 2 <= delay <= ceiling


def test_retry_after_wins_but_is_capped() -> None:
    assert backoff_delay(1, base_s=0.01, max_s=60, retry_after_s=30) == 30
    assert backoff_delay(1, base_s=0.01, max_s=60, retry_after_s=3600) == 60


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert parse_retry_after(header, now) == expected


@pytest.mark.parametrize(
    ("url", "kind", "target"),
    [
        ("webhook+https://h.example/p?q=1", "webhook", "https://h.example/p?q=1"),
        ("webhook+http://127.0.0.1:8080/p", "webhook", "http://127.0.0.1:8080/p"),
        (
            "slack://hooks.slack.com/services/T/B/X",
            "slack",
            "https://hooks.slack.com/services/T/B/X",
        ),
        (
            "discord+https://discord.com/api/webhooks/1/t",
            "discord",
            "https://discord.com/api/webhooks/1/t",
        ),
        ("smtps://mail.example/?to=a@b", "email", None),
        ("apprise+tgram://bot/chat", "apprise", None),
        ("console://", "console", None),
        ("ftp://x", "", None),
    ],
)
def test_channel_kinds_and_targets(url: str, kind: str, target: str | None) -> None:
    assert channel_kind(url) == kind
    if target:
        assert http_target(url) == target


def test_apprise_targets_and_redaction() -> None:
    assert apprise_target("apprise+tgram://bot/chat") == "tgram://bot/chat"
    assert apprise_target("apprise://ntfys://ntfy.sh/topic") == "ntfys://ntfy.sh/topic"
    assert apprise_target("apprise://apprise.example/key") == "apprise://apprise.example/key"
    assert (
        redact("slack+https://hooks.slack.com/services/T/B/SECRET")
        == "slack+https://hooks.slack.com/…"
    )
    assert redact("smtp://user:pw@mail.example:587/?to=a@b") == "smtp://mail.example:587"


def test_signature_round_trip() -> None:
    body = b'{"a":1}'
    signature = sign("k", body)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify("k", body, signature)
    assert not verify("k", body + b" ", signature)


@pytest.mark.parametrize(
    "text", ["<!channel> hi", "@here now", "@everyone", "<@U123> ping", "[x](http://evil)"]
)
def test_markup_cannot_mention_or_link(text: str) -> None:
    for escaped in (escape_slack(text), escape_markdown(text), neutralize_mentions(text)):
        assert "@here" not in escaped and "@everyone" not in escaped and "<!channel>" not in escaped
        assert "<@U123>" not in escaped
    assert "](" not in escape_markdown(text).replace("\\](", "").replace("\\(", "")


def test_safe_url_refuses_other_schemes_and_encodes_brackets() -> None:
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("https://x.example/a_(b)|c") == "https://x.example/a_%28b%29%7Cc"


def test_offsets_commit_only_contiguous_handled_records() -> None:
    tracker: OffsetTracker[str] = OffsetTracker()
    for offset in range(5):
        tracker.started("p0", offset)
    tracker.started("p1", 7)
    tracker.finished("p0", 1)
    tracker.finished("p1", 7)
    assert tracker.committable() == {"p1": 8}
    tracker.finished("p0", 0)
    tracker.finished("p0", 3)
    assert tracker.committable() == {"p0": 2}
    tracker.finished("p0", 2)
    assert tracker.committable() == {"p0": 4}
    tracker.restore({"p0": 3})
    assert tracker.committable() == {"p0": 3}
    tracker.forget(["p0"])
    tracker.finished("p0", 4)
    assert tracker.committable() == {} and tracker.in_flight == 0


@pytest.mark.parametrize(
    ("casualties", "lang", "expected"),
    [
        (Casualties(killed=12, wounded=30), "en", "12 killed, 30 wounded"),
        (Casualties(killed=12, approximate=True), "fr", "au moins 12 morts"),
        (Casualties(killed=735, group="civils"), "fr", "735 morts (civils)"),
        (Casualties(), "en", ""),
    ],
)
def test_toll_text(casualties: Casualties, lang: str, expected: str) -> None:
    import dataclasses

    alert = sample_alert()
    alert = dataclasses.replace(
        alert, event=dataclasses.replace(alert.event, casualties=casualties)
    )
    assert toll_text(alert, lang) == expected


def test_render_french_digest_and_revision_titles() -> None:
    single = render_message(
        [sample_alert(revision=2, place="Alep", headline_fr="Alep reprise")], "fr"
    )
    assert single.title == "Mise à jour n°2 · Alep reprise"
    digest = render_message([sample_alert("a"), sample_alert("b")], "fr")
    assert digest.is_digest and digest.title == "Vigie : 2 alertes"
    assert "Lieu: Mosul (IQ)" in digest.text()


def test_console_record_has_the_promised_fields() -> None:
    record = console_record(sample_alert(killed=3), "fr")
    assert {
        "id",
        "revision",
        "status",
        "kind",
        "place",
        "casualties",
        "sources",
        "headline",
    } <= set(record)
    assert record["headline"] == "Prise de Mosul"
    assert record["casualties"]["killed"] == 3

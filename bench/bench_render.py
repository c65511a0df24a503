"""Render bench: the cost of writing one message, per channel, with and without a user template.

    python bench/bench_render.py                 # 2,000 messages per line
    python bench/bench_render.py --messages 10000

Each line renders a fresh ``Message`` (nothing cached between messages but compiled templates)
and builds what its channel would send: the payload of an HTTP channel, the whole e-mail, the
title and text for Apprise. Times are CPU time of this process, so a busy machine skews them
less than wall time would. Not part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from alerts.channels.base import Message
from alerts.channels.discord import DiscordChannel
from alerts.channels.email import SmtpTarget, build_email
from alerts.channels.mattermost import MattermostChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.teams import TeamsChannel
from alerts.channels.webhook import webhook_body
from alerts.subscriptions import build_subscription
from alerts.testing import sample_alert

EMAIL = "smtp://mail.example.org:587/?from=vigie@example.org&to=desk@example.org"
CHANNELS: dict[str, tuple[str, Callable[[Message], Any]]] = {
    "plain text": ("apprise+json://receiver.example.org/", lambda m: m.rendered.text()),
    "webhook": ("webhook+https://example.org/hook", webhook_body),
    "slack": ("slack+https://example.org/s", lambda m: SlackChannel.payload(None, m)),  # type: ignore[arg-type]
    "discord": ("discord+https://example.org/d", lambda m: DiscordChannel.payload(None, m)),  # type: ignore[arg-type]
    "mattermost": (
        "mattermost+https://example.org/m",
        lambda m: MattermostChannel.payload(None, m),
    ),  # type: ignore[arg-type]
    "teams": ("teams+https://example.org/t", lambda m: TeamsChannel.payload(None, m)),  # type: ignore[arg-type]
    "email": (EMAIL, lambda m: build_email(m, SmtpTarget.from_url(EMAIL))),
}
USER_TEMPLATE = {
    "title": "{{ alert.place.name }}: {{ alert.kind_label }}",
    "body": "{{ alert.title }}{% if alert.toll %} · {{ alert.toll }}{% endif %}\n"
    "{% for s in alert.sources %}- {{ s.name }} {{ s.url or '' }}\n{% endfor %}",
}


def per_message_us(
    url: str, build: Callable[[Message], Any], alerts: tuple[Any, ...], **extra: Any
) -> float:
    """Median CPU microseconds (this process) to render and build one message, over five rounds."""
    subscription = build_subscription({"channel": url, "lang": "fr", **extra})
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for index in range(ARGS.messages):
            build(Message(subscription, alerts, delivery_id=f"d{index}"))
        rounds.append((time.process_time() - started) / ARGS.messages * 1e6)
    return statistics.median(rounds)


def main() -> None:
    """Print a table: channel, µs per single alert, per digest of 5, per single with a template."""
    single = (sample_alert("a", killed=12),)
    digest = tuple(sample_alert(f"d{index}", killed=index) for index in range(5))
    sys.stdout.write(
        f"{'channel':<12} {'1 alert':>10} {'digest of 5':>12} {'template':>10}  (µs/message)\n"
    )
    for name, (url, build) in CHANNELS.items():
        one = per_message_us(url, build, single)
        five = per_message_us(url, build, digest)
        templated = per_message_us(url, build, single, template=USER_TEMPLATE)
        sys.stdout.write(f"{name:<12} {one:>10.1f} {five:>12.1f} {templated:>10.1f}\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages per measure")
    ARGS = parser.parse_args()
    main()

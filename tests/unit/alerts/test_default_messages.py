"""The default message, byte for byte, on every channel and in both languages.

``default_messages.json`` holds what each channel sends for a handful of alerts (capture,
casualties, a revised toll, claimed and disputed statuses, a backfill, no place, hostile feed
text, a digest). A change to the default layout shows here as a diff; when it is meant, write
the file again with ``python -m tests.unit.alerts.test_default_messages`` and review the diff.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from alerts.channels.base import Message
from alerts.channels.discord import DiscordChannel
from alerts.channels.email import SmtpTarget, build_email
from alerts.channels.mattermost import MattermostChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.teams import TeamsChannel
from alerts.channels.webhook import webhook_body
from alerts.render import console_record
from alerts.subscriptions import build_subscription
from kernel.vocabulary import EventKind, EventStatus
from streams.events import Alert, AlertSource, Casualties, DetectedEvent, Place

GOLDEN = Path(__file__).with_name("default_messages.json")
AT = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
LANGS = ("fr", "en")
CHANNELS = ("webhook", "slack", "discord", "mattermost", "teams", "email", "apprise", "console")


def _alert(
    alert_id: str,
    *,
    kind: EventKind = EventKind.CITY_CAPTURE,
    place: Place | None = None,
    casualties: Casualties | None = None,
    status: EventStatus = EventStatus.REPORTED,
    revision: int = 0,
    reason: str = "new",
    actor: str | None = None,
    attribution: str | None = None,
    evidence: str = "",
    headline: dict[str, str] | None = None,
    sources: tuple[AlertSource, ...] = (),
    backfill: bool = False,
) -> Alert:
    event = DetectedEvent(
        id=f"event-{alert_id}",
        kind=kind,
        item_id=f"item-{alert_id}",
        lang="en",
        evidence=evidence,
        place=place,
        actor=actor,
        casualties=casualties,
        status=status,
        attribution=attribution,
        detected_at=AT,
    )
    return Alert(
        id=alert_id,
        revision=revision,
        event=event,
        sources=sources,
        first_seen=AT,
        headline=headline or {},
        updated_at=AT,
        reason=reason,
        backfill=backfill,
    )


def _source(name: str, lang: str, url: str = "") -> AlertSource:
    return AlertSource(f"item-{name}-{lang}", name, lang, url=url, seen_at=AT)


MOSUL = Place(name="Mossoul", geoname_id=99072, canonical="Mosul", country="IQ", lat=36.3, lon=43.1)
ALEPPO = Place(name="Alep", geoname_id=170063, canonical="Aleppo", country="SY")
WIRES = (
    _source("AFP", "fr", "https://news.example.org/afp/1"),
    _source("Reuters", "en", "https://news.example.org/reuters/1?a=1&b=(2)"),
)

CAPTURE = _alert(
    "cap-mosul",
    place=MOSUL,
    actor="government forces",
    evidence="Government forces took control of Mosul on Sunday.",
    headline={"en": "Mosul retaken by government forces", "fr": "Mossoul reprise par l'armée"},
    sources=WIRES,
)
CASUALTIES = _alert(
    "cas-aleppo",
    kind=EventKind.CASUALTY_REPORT,
    place=ALEPPO,
    casualties=Casualties(killed=12, wounded=30, approximate=True, group="civilians"),
    evidence="At least 12 civilians were killed and 30 wounded in Aleppo.",
    headline={"en": "At least 12 killed in Aleppo", "fr": "Au moins 12 morts à Alep"},
    sources=WIRES[:1],
)
REVISED = _alert(
    "cas-aleppo",
    kind=EventKind.CASUALTY_REPORT,
    place=ALEPPO,
    casualties=Casualties(killed=40),
    revision=2,
    reason="toll_update",
    evidence="The death toll in Aleppo rose to 40.",
    headline={"en": "Aleppo toll rises to 40", "fr": "Le bilan à Alep passe à 40 morts"},
    sources=(*WIRES, _source("BBC", "en", "https://news.example.org/bbc/1")),
)
CLAIMED = _alert(
    "cap-claimed",
    place=MOSUL,
    status=EventStatus.CLAIMED,
    actor="the rebels",
    attribution="according to a rebel spokesman",
    evidence="The rebels said they had captured Mosul.",
    headline={"en": "Rebels claim Mosul"},
    sources=WIRES[1:],
)
DISPUTED = _alert(
    "cap-disputed",
    place=ALEPPO,
    status=EventStatus.DISPUTED,
    evidence="The army denied that Aleppo had fallen.",
    headline={"fr": "Prise d'Alep démentie"},
    sources=(_source("", "fr", "https://news.example.org/anon"), _source("AP", "en")),
)
BACKFILL = _alert(
    "cap-backfill",
    place=MOSUL,
    evidence="Mosul fell in an archived report.",
    headline={"en": "Mosul fell (archive)", "fr": "Chute de Mossoul (archive)"},
    sources=WIRES[:1],
    backfill=True,
)
NO_PLACE = _alert(
    "cas-noplace",
    kind=EventKind.CASUALTY_REPORT,
    casualties=Casualties(killed=3),
    evidence="Three people were killed, officials said.",
    sources=(_source("Reuters", "en", "javascript:alert(1)"),),
)
HOSTILE = _alert(
    "cap-hostile",
    place=Place(name="Kherson <b>", canonical="", country=""),
    actor="@everyone *bold* [x](http://evil.example)",
    evidence="<!channel> @here took `Kherson` & more > less <script>",
    headline={"en": "<!channel> @here Kherson *captured* [click](http://evil.example) & 'q'"},
    sources=(_source("Evil|feed <x>", "en", "https://evil.example/a b(c)|d<e>"),),
)

CASES: dict[str, tuple[Alert, ...]] = {
    "capture": (CAPTURE,),
    "casualties": (CASUALTIES,),
    "revised": (REVISED,),
    "claimed": (CLAIMED,),
    "disputed": (DISPUTED,),
    "backfill": (BACKFILL,),
    "no_place": (NO_PLACE,),
    "hostile": (HOSTILE,),
    "digest": (CAPTURE, REVISED, HOSTILE),
}

URLS = {
    "webhook": "webhook+https://example.org/hook",
    "slack": "slack+https://hooks.example.org/services/T/B/X",
    "discord": "discord+https://discord.example.org/api/webhooks/1/x",
    "mattermost": "mattermost+https://chat.example.org/hooks/x",
    "teams": "teams+https://teams.example.org/webhook/x",
    "email": "smtp://mail.example.org:587/?from=vigie@example.org&to=desk@example.org",
    "apprise": "apprise+json://receiver.example.org/",
    "console": "console://",
}
PAYLOADS = {
    "slack": SlackChannel.payload,
    "discord": DiscordChannel.payload,
    "mattermost": MattermostChannel.payload,
    "teams": TeamsChannel.payload,
}


def _email_parts(email: EmailMessage) -> dict[str, Any]:
    parts = {part.get_content_type(): part.get_content() for part in email.iter_parts()}
    return {"subject": email["Subject"], "text": parts["text/plain"], "html": parts["text/html"]}


def sent(channel: str, case: str, lang: str) -> Any:
    """What ``channel`` sends for ``case`` in ``lang`` (JSON-ready)."""
    subscription = build_subscription(
        {"channel": URLS[channel], "lang": lang, "name": "golden"}, subscription_id="sub_golden"
    )
    message = Message(subscription, CASES[case], delivery_id="delivery-golden", sent_at=AT)
    if channel == "webhook":
        return webhook_body(message)
    if channel == "email":
        return _email_parts(build_email(message, SmtpTarget.from_url(URLS["email"])))
    if channel == "apprise":
        return {"title": message.rendered.title, "body": message.rendered.text()}
    if channel == "console":
        return [console_record(alert, lang) for alert in message.alerts]
    return PAYLOADS[channel](None, message)  # type: ignore[arg-type]


def everything() -> dict[str, Any]:
    """Every (channel, case, language) -> what is sent."""
    return {
        f"{channel} {case} {lang}": sent(channel, case, lang)
        for channel in CHANNELS
        for case in CASES
        for lang in LANGS
    }


EXPECTED: dict[str, Any] = json.loads(GOLDEN.read_text("utf-8")) if GOLDEN.exists() else {}


@pytest.mark.parametrize(
    "key", sorted(f"{c} {k} {lang}" for c in CHANNELS for k in CASES for lang in LANGS)
)
def test_default_message_is_unchanged(key: str) -> None:
    channel, case, lang = key.split()
    assert json.loads(json.dumps(sent(channel, case, lang))) == EXPECTED[key]


if __name__ == "__main__":
    GOLDEN.write_text(
        json.dumps(everything(), ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    sys.stdout.write(f"wrote {GOLDEN}\n")

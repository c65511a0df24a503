"""``teams+https://…``: Microsoft Teams incoming webhook / workflow with an Adaptive Card."""

from __future__ import annotations

from typing import Any, ClassVar

from alerts.channels.base import HttpChannel, Message
from alerts.markup import escape_markdown, safe_url

MAX_ALERTS = 20


class TeamsChannel(HttpChannel):
    """An Adaptive Card 1.4 message: a title, then a FactSet and evidence per alert."""

    kind: ClassVar[str] = "teams"

    def payload(self, message: Message) -> dict[str, Any]:
        """The ``message`` envelope with one adaptive card attachment."""
        rendered = message.rendered
        body: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": escape_markdown(rendered.title),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            }
        ]
        if rendered.body is not None:
            body.append({"type": "TextBlock", "text": escape_markdown(rendered.body), "wrap": True})
        for alert in rendered.alerts[:MAX_ALERTS] if rendered.body is None else ():
            if rendered.is_digest:
                body.append(
                    {
                        "type": "TextBlock",
                        "text": escape_markdown(alert.headline),
                        "weight": "Bolder",
                        "wrap": True,
                        "separator": True,
                    }
                )
            body.append(
                {
                    "type": "FactSet",
                    "facts": [
                        {"title": escape_markdown(label), "value": escape_markdown(value)}
                        for label, value in alert.facts
                    ],
                }
            )
            if alert.evidence:
                body.append(
                    {
                        "type": "TextBlock",
                        "text": escape_markdown(alert.evidence),
                        "isSubtle": True,
                        "wrap": True,
                    }
                )
            body.append(
                {"type": "TextBlock", "text": alert.footer, "size": "Small", "isSubtle": True}
            )
        actions = [
            {"type": "Action.OpenUrl", "title": name[:40], "url": safe_url(url)}
            for name, url in (rendered.alerts[0].links if not rendered.is_digest else ())
            if safe_url(url)
        ][:5]
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "lang": rendered.lang,
            "body": body,
        }
        if actions:
            card["actions"] = actions
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }

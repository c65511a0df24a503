"""``mattermost+https://chat.example.org/hooks/…``: Mattermost incoming webhook (markdown + attachment)."""

from __future__ import annotations

from typing import Any, ClassVar

from alerts.channels.base import HttpChannel, Message
from alerts.markup import escape_markdown

MAX_ALERTS = 20
#: One alert's attachment text of the default message.
ATTACHMENT = "mattermost/alert.j2"


class MattermostChannel(HttpChannel):
    """Markdown text (escaped, mentions broken) with one attachment of fields per alert."""

    kind: ClassVar[str] = "mattermost"

    def payload(self, message: Message) -> dict[str, Any]:
        """Incoming-webhook body: ``text`` and Slack-compatible ``attachments``."""
        rendered = message.rendered
        title = f"**{escape_markdown(rendered.title)}**"
        if rendered.body is not None:
            return {"text": f"{title}\n{escape_markdown(rendered.body)}"}
        attachments = []
        for alert in rendered.alerts[:MAX_ALERTS]:
            attachments.append(
                {
                    "fallback": escape_markdown(alert.headline),
                    "title": escape_markdown(alert.headline),
                    "text": alert.markup(ATTACHMENT),
                    "fields": [
                        {"title": label, "value": escape_markdown(value), "short": True}
                        for label, value in alert.facts
                    ],
                    "footer": alert.footer,
                }
            )
        return {"text": title, "attachments": attachments}

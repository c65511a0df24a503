"""``slack+https://hooks.slack.com/services/…``: Slack incoming webhook with Block Kit blocks."""

from __future__ import annotations

from typing import Any, ClassVar

from alerts.channels.base import HttpChannel, Message
from alerts.markup import escape_slack, neutralize_mentions

#: Slack refuses messages over 50 blocks; a digest shows the first alerts and says how many more.
MAX_ALERTS = 20
#: Sections a template's text may fill (3000 characters each).
MAX_TEMPLATE_SECTIONS = 3
#: One alert's section of the default message.
SECTION = "slack/alert.j2"


class SlackChannel(HttpChannel):
    """Blocks: a header, one section per alert with its facts, source links and a context footer."""

    kind: ClassVar[str] = "slack"

    def payload(self, message: Message) -> dict[str, Any]:
        """Block Kit payload; ``text`` is the notification fallback."""
        rendered = message.rendered
        blocks: list[dict[str, Any]] = [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": neutralize_mentions(rendered.title)[:150]},
            }
        ]
        if rendered.body is not None:
            # The subscription's template: its text escaped like feed text, in section-sized parts.
            text = escape_slack(rendered.body)
            blocks += [
                {"type": "section", "text": {"type": "mrkdwn", "text": text[start : start + 3000]}}
                for start in range(0, min(len(text), 3000 * MAX_TEMPLATE_SECTIONS), 3000)
            ]
            return {"text": escape_slack(rendered.title), "blocks": blocks}
        for alert in rendered.alerts[:MAX_ALERTS]:
            blocks.append(
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": alert.markup(SECTION)[:3000]},
                }
            )
            blocks.append(
                {"type": "context", "elements": [{"type": "plain_text", "text": alert.footer}]}
            )
        return {"text": escape_slack(rendered.title), "blocks": blocks}

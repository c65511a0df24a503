"""``discord+https://discord.com/api/webhooks/…``: Discord webhook with embeds, mentions disabled."""

from __future__ import annotations

from typing import Any, ClassVar

from alerts.channels.base import HttpChannel, Message
from alerts.markup import escape_markdown, neutralize_mentions, safe_url
from kernel.vocabulary import kind_spec

#: Discord accepts at most 10 embeds per message.
MAX_EMBEDS = 10
#: An embed's colour when its kind has none.
NEUTRAL = 0x7F8C8D
#: One alert's embed description of the default message.
DESCRIPTION = "discord/alert.j2"


class DiscordChannel(HttpChannel):
    """One embed per alert (title, fields, evidence, footer); ``allowed_mentions`` parses none."""

    kind: ClassVar[str] = "discord"

    def payload(self, message: Message) -> dict[str, Any]:
        """Webhook body with embeds."""
        rendered = message.rendered
        if rendered.body is not None:
            # The subscription's template: one embed, its text escaped like feed text.
            template_embed = {
                "title": neutralize_mentions(rendered.title)[:256],
                "description": escape_markdown(rendered.body)[:4096],
                "color": _colour(message.alerts[0].kind),
            }
            return {"content": "", "embeds": [template_embed], "allowed_mentions": {"parse": []}}
        embeds = []
        for alert, source in zip(rendered.alerts[:MAX_EMBEDS], message.alerts, strict=False):
            embed: dict[str, Any] = {
                # Titles are not markdown in Discord embeds, but they do ping: break mentions.
                "title": neutralize_mentions(alert.headline)[:256],
                "color": _colour(source.kind),
                "fields": [
                    {"name": label, "value": escape_markdown(value)[:1024], "inline": True}
                    for label, value in alert.facts
                ],
                "footer": {"text": alert.footer},
            }
            description = alert.markup(DESCRIPTION)
            if description:
                embed["description"] = description[:4002]
            url = next((safe_url(url) for _, url in alert.links if safe_url(url)), "")
            if url:
                embed["url"] = url
            embeds.append(embed)
        return {
            "content": escape_markdown(rendered.title)[:2000] if rendered.is_digest else "",
            "embeds": embeds,
            "allowed_mentions": {"parse": []},
        }


def _colour(kind: str) -> int:
    spec = kind_spec(kind)
    return spec.colour if spec else NEUTRAL

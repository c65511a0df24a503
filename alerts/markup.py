"""Escaping feed text for chat markup: no mention, link or formatting smuggled in. Pure.

Feed titles are written by strangers; a headline containing ``@everyone`` or ``<!channel>``
must not ping a whole workspace, and ``[click](http://evil)`` must stay literal text.
"""

from __future__ import annotations

import re

# A word joiner after "@" or "<!" keeps the text readable but breaks the mention token.
_JOINER = "\u2060"
_MENTION = re.compile(r"@(?=[\w.-])", re.UNICODE)
_SLACK_SPECIAL = re.compile(r"<(?=[!@#])")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def neutralize_mentions(text: str) -> str:
    """Break ``@here``, ``@everyone``, ``@channel``, ``@user`` and ``<!channel>`` style mentions."""
    return _SLACK_SPECIAL.sub("<" + _JOINER, _MENTION.sub("@" + _JOINER, text))


def escape_slack(text: str) -> str:
    """Slack mrkdwn: ``&``, ``<``, ``>`` as entities (no ``<!channel>``, no ``<url|label>``) and no mentions."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@" + _JOINER, escaped)


def escape_markdown(text: str) -> str:
    """Markdown (Discord, Mattermost, Teams): formatting characters backslashed, mentions broken."""
    return neutralize_mentions(_MARKDOWN_SPECIAL.sub(r"\\\1", text)).replace("<", "\\<")


def safe_url(url: str) -> str:
    """A URL that cannot close a markdown link or Slack link early: only http(s), brackets encoded."""
    if not url.lower().startswith(("http://", "https://")):
        return ""
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace(">", "%3E")
        .replace("<", "%3C")
        .replace("|", "%7C")
    )

"""Channels, one module each, chosen by the scheme of the subscription's channel URL.

| URL                                        | channel                   | module              |
|--------------------------------------------|---------------------------|---------------------|
| ``console://``                             | JSON line on stdout       | ``console``         |
| ``webhook+https://host/path`` (``+http``)  | signed versioned JSON     | ``webhook``         |
| ``slack+https://hooks.slack.com/…``        | Slack incoming webhook    | ``slack``           |
| ``discord+https://discord.com/api/…``      | Discord webhook embeds    | ``discord``         |
| ``teams+https://…``                        | Teams adaptive card       | ``teams``           |
| ``mattermost+https://…``                   | Mattermost webhook        | ``mattermost``      |
| ``smtp://user:pass@host:587/?from=…&to=…`` | e-mail (``smtps://`` TLS) | ``email``           |
| ``apprise+tgram://…``, ``apprise://…``     | anything Apprise knows    | ``apprise_channel`` |

``<kind>://`` without a transport means ``<kind>+https://``. This module is pure: it knows the
names and checks URL shapes; the channel classes are imported only when first used.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit, urlunsplit

#: Channel kind -> "module:Class" of its implementation.
CHANNEL_CLASSES: dict[str, str] = {
    "console": "alerts.channels.console:ConsoleChannel",
    "webhook": "alerts.channels.webhook:WebhookChannel",
    "slack": "alerts.channels.slack:SlackChannel",
    "discord": "alerts.channels.discord:DiscordChannel",
    "teams": "alerts.channels.teams:TeamsChannel",
    "mattermost": "alerts.channels.mattermost:MattermostChannel",
    "email": "alerts.channels.email:EmailChannel",
    "apprise": "alerts.channels.apprise_channel:AppriseChannel",
}
#: Kinds that post JSON over HTTP and accept ``+https`` / ``+http`` transports.
HTTP_KINDS = frozenset({"webhook", "slack", "discord", "teams", "mattermost"})
EMAIL_SCHEMES = frozenset({"smtp", "smtps"})


def channel_kind(url: str) -> str:
    """The channel kind a URL selects (``webhook`` for ``webhook+https://…``); ``""`` if none."""
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme in EMAIL_SCHEMES:
        return "email"
    kind = scheme.split("+", 1)[0]
    return kind if kind in CHANNEL_CLASSES else ""


def http_target(url: str) -> str:
    """The plain http(s) URL behind ``<kind>+https://…`` or ``<kind>://…``."""
    parts = urlsplit(url.strip())
    _, _, transport = parts.scheme.partition("+")
    return urlunsplit((transport.lower() or "https", parts.netloc, parts.path, parts.query, ""))


def apprise_target(url: str) -> str:
    """The Apprise URL behind ``apprise+<scheme>://…`` or ``apprise://<apprise url>``."""
    text = url.strip()
    scheme, _, rest = text.partition("://")
    _, plus, inner = scheme.partition("+")
    if plus:
        return f"{inner}://{rest}"
    # ``apprise://tgram://…`` wraps a whole URL; a bare ``apprise://host/…`` is Apprise's own
    # API-server notifier and is passed through untouched.
    return rest if "://" in rest else text


def redact(url: str) -> str:
    """A channel URL safe to log or show: credentials, path tokens and query values hidden."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    path = "/…" if parts.path.strip("/") else ""
    return f"{parts.scheme}://{host}{path}"


def check_channel_url(url: str) -> str | None:
    """Why ``url`` is not a usable channel URL, or ``None`` when it is."""
    text = url.strip()
    if "://" not in text:
        return f"channel URL {text!r} has no scheme; use e.g. webhook+https://host/path"
    kind = channel_kind(text)
    if not kind:
        known = ", ".join(sorted({*CHANNEL_CLASSES} - {"email"} | EMAIL_SCHEMES))
        return f"unknown channel scheme in {redact(text)!r}; known: {known}"
    parts = urlsplit(text)
    if kind in HTTP_KINDS:
        transport = parts.scheme.partition("+")[2].lower()
        if transport not in ("", "http", "https"):
            return f"{kind} channel transport must be https or http, not {transport!r}"
        if not parts.hostname:
            return f"{kind} channel URL needs a host: {kind}+https://host/path"
    if kind == "email":
        query = parse_qs(parts.query)
        if not parts.hostname:
            return "e-mail channel URL needs the SMTP host: smtp://host:587/?from=…&to=…"
        if not query.get("to"):
            return "e-mail channel URL needs recipients: add ?to=someone@example.org"
    if kind == "apprise" and not apprise_target(text).partition("://")[2]:
        return "apprise channel needs a target: apprise+tgram://bot-token/chat-id"
    return None

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

``<kind>://`` without a transport means ``<kind>+https://``.

A channel is one module here with one ``Channel`` subclass (``base.py``) that declares its
``kind`` and ``schemes`` and reads its own URL; ``channel_classes`` finds every module of this
package the first time it is asked, so adding a channel is one new file (docs/channels.md).
The URL helpers below are pure.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from kernel import plugins

if TYPE_CHECKING:
    from alerts.channels.base import Channel

#: Modules of this package that are not channels.
_NOT_CHANNELS = frozenset({"base", "registry"})


def discover(package: str) -> dict[str, type[Channel]]:
    """Channel kind -> class, for every ``Channel`` subclass defined in a module of ``package``."""
    from alerts.channels.base import Channel

    def kind_of(cls: type[Any]) -> str | None:
        return cls.kind if issubclass(cls, Channel) and cls.kind else None

    return plugins.discover(package, kind_of, skip=_NOT_CHANNELS)


@cache
def channel_classes() -> dict[str, type[Channel]]:
    """Every channel of Vigie by kind (found once, on first use)."""
    return discover(__name__)


def _schemes() -> dict[str, type[Channel]]:
    return {scheme: cls for cls in channel_classes().values() for scheme in cls.schemes}


def channel_class(url: str) -> type[Channel] | None:
    """The channel class a URL selects (``<scheme>://``, or ``<scheme>+<transport>://`` for HTTP
    channels); ``None`` when no channel serves it."""
    scheme = urlsplit(url.strip()).scheme.lower()
    schemes = _schemes()
    if scheme in schemes:
        return schemes[scheme]
    base, plus, _ = scheme.partition("+")
    cls = schemes.get(base) if plus else None
    return cls if cls is not None and cls.plus_schemes else None


def channel_kind(url: str) -> str:
    """The channel kind a URL selects (``webhook`` for ``webhook+https://…``); ``""`` if none."""
    cls = channel_class(url)
    return cls.kind if cls else ""


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
    cls = channel_class(text)
    if cls is None:
        known = ", ".join(sorted(_schemes()))
        return f"unknown channel scheme in {redact(text)!r}; known: {known}"
    return cls.check_url(text)

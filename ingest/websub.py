"""WebSub (W3C, formerly PubSubHubbub): the pure part. Which hub a feed names, whether a pushed
body carries the signature of the secret we gave, when a lease is due for renewal.

A feed that supports push names a hub and its own canonical URL (the topic), in its HTTP
``Link`` headers or in the document (``<link rel="hub">`` in Atom, ``<atom:link rel="hub">``
in RSS). The network side (subscribing, the callback listener) is ``ingest/websub_listener.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Digests a hub may sign with (``X-Hub-Signature: method=hex``); WebSub allows these four.
SIGNATURE_METHODS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
#: Renew once this share of a lease has gone by, so a slow hub still answers in time.
RENEW_AT_SHARE = 0.8

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,]+))""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HubLinks:
    """The hub a feed names and its topic (its ``rel="self"`` URL)."""

    hub: str
    topic: str


def header_links(value: str | None) -> list[tuple[str, str]]:
    """``(rel, url)`` pairs of an HTTP ``Link`` header (RFC 8288), one per relation named."""
    links: list[tuple[str, str]] = []
    for match in _LINK.finditer(value or ""):
        url, params = match.group(1).strip(), match.group(2)
        rel = _REL.search(params)
        if not rel:
            continue
        for name in (rel.group(1) or rel.group(2) or rel.group(3) or "").split():
            links.append((name.lower(), url))
    return links


def document_links(links: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """``(rel, url)`` pairs of a parsed feed's links (feedparser's ``feed.links``)."""
    return [
        (str(link.get("rel", "")).lower(), str(link.get("href", "")).strip())
        for link in links
        if link.get("href")
    ]


def find_hub(*sources: list[tuple[str, str]]) -> HubLinks | None:
    """The first source naming both a hub and a self URL wins (headers before the document)."""
    for links in sources:
        hubs = [url for rel, url in links if rel == "hub" and url]
        selves = [url for rel, url in links if rel == "self" and url]
        if hubs and selves:
            return HubLinks(hub=hubs[0], topic=selves[0])
    return None


def expected_signature(method: str, secret: str, body: bytes) -> str | None:
    """The hex HMAC of ``body`` with ``secret`` by ``method``, or ``None`` for an unknown one."""
    digest = SIGNATURE_METHODS.get(method.lower())
    if digest is None:
        return None
    return hmac.new(secret.encode("utf-8"), body, digest).hexdigest()


def signature_status(secret: str, body: bytes, headers: Mapping[str, str]) -> str:
    """``ok``, ``unsigned`` or ``bad_signature`` for a pushed body and its headers.

    ``X-Hub-Signature-256`` (sha256) is read first, then ``X-Hub-Signature`` with the
    method it names. The comparison takes constant time.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    for header in ("x-hub-signature-256", "x-hub-signature"):
        value = lowered.get(header)
        if not value:
            continue
        method, _, given = value.strip().partition("=")
        if header == "x-hub-signature-256" and not given:
            method, given = "sha256", value.strip()
        wanted = expected_signature(method, secret, body)
        if wanted is None or not hmac.compare_digest(wanted, given.strip().lower()):
            return "bad_signature"
        return "ok"
    return "unsigned"


def renew_delay(lease_s: float) -> float:
    """Seconds after a subscription is verified to ask the hub again."""
    return max(1.0, lease_s * RENEW_AT_SHARE)

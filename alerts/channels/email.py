"""``smtp://user:pass@host:587/?from=vigie@example.org&to=a@example.org,b@example.org``: e-mail.

``smtps://`` connects with TLS at once (port 465 by default); ``smtp://`` upgrades with
STARTTLS when the server offers it (``?starttls=no`` to never, ``=yes`` to require it).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from alerts.channels.base import Channel, ChannelContext, Message, Target
from alerts.errors import PermanentDeliveryError, RetryableDeliveryError, UnsafeTargetError
from alerts.templating import RenderedMessage
from ingest.egress import PUBLIC_ONLY, EgressPolicy, EgressRefused
from ingest.egress_net import Resolver, open_checked_socket, system_resolver

DEFAULT_SENDER = "vigie@localhost"
#: The HTML part of the default message.
HTML_BODY = "email/body.html.j2"


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """Where and how to send: server, credentials, TLS mode, sender and recipients."""

    host: str
    port: int
    use_tls: bool
    start_tls: bool | None
    username: str | None
    password: str | None
    sender: str
    recipients: tuple[str, ...]

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        """Read an ``smtp://`` / ``smtps://`` channel URL."""
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        use_tls = parts.scheme.lower() == "smtps"
        starttls = (query.get("starttls") or [""])[0].lower()
        recipients = tuple(
            address.strip()
            for value in query.get("to", [])
            for address in value.split(",")
            if address.strip()
        )
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if use_tls else 587),
            use_tls=use_tls,
            start_tls={"yes": True, "no": False}.get(starttls),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=(query.get("from") or [DEFAULT_SENDER])[0],
            recipients=recipients,
        )


def html_body(rendered: RenderedMessage) -> str:
    """The HTML part: every piece of feed text escaped."""
    if rendered.body is not None:
        paragraphs = "".join(
            "<p>" + "<br>".join(html.escape(line) for line in block.splitlines()) + "</p>"
            for block in rendered.body.split("\n\n")
            if block.strip()
        )
        return (
            f"<!doctype html><html lang='{rendered.lang}'><body>"
            f"<h1>{html.escape(rendered.title)}</h1>{paragraphs}</body></html>"
        )
    return rendered.markup(HTML_BODY)


def build_email(message: Message, target: SmtpTarget) -> EmailMessage:
    """A multipart/alternative e-mail with a text and an HTML part."""
    rendered = message.rendered
    email = EmailMessage()
    # Headers cannot carry newlines; feed text could try to inject some.
    email["Subject"] = " ".join(rendered.title.split())[:200]
    email["From"] = target.sender
    email["To"] = ", ".join(target.recipients)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=message.delivery_id.replace("-", ""), domain="vigie")
    email["X-Vigie-Delivery"] = message.delivery_id
    email["Content-Language"] = rendered.lang
    email.set_content(rendered.text())
    email.add_alternative(html_body(rendered), subtype="html")
    return email


class EmailChannel(Channel):
    """Sends over SMTP with aiosmtplib; 4xx replies and network errors are retried, 5xx are not.

    The connection is opened by the egress guard to the address it checked, then handed to
    aiosmtplib, which keeps the host name for TLS.
    """

    kind: ClassVar[str] = "email"
    schemes: ClassVar[frozenset[str]] = frozenset({"smtp", "smtps"})

    def __init__(
        self,
        timeout_s: float = 10.0,
        *,
        egress: EgressPolicy = PUBLIC_ONLY,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.timeout_s = timeout_s
        self.egress = egress
        self.resolver = resolver

    @classmethod
    def build(cls, context: ChannelContext) -> Channel:
        """SMTP connections are opened by the egress guard with the registry's resolver."""
        return cls(timeout_s=context.timeout_s, egress=context.egress, resolver=context.resolver)

    @classmethod
    def check_url(cls, url: str) -> str | None:
        """The SMTP host and at least one recipient."""
        parts = urlsplit(url.strip())
        if not parts.hostname:
            return "e-mail channel URL needs the SMTP host: smtp://host:587/?from=…&to=…"
        if not parse_qs(parts.query).get("to"):
            return "e-mail channel URL needs recipients: add ?to=someone@example.org"
        return None

    @classmethod
    def target(cls, url: str) -> Target | None:
        """The SMTP server (465 for ``smtps``, 587 otherwise)."""
        parts = urlsplit(url.strip())
        default = 465 if parts.scheme.lower() == "smtps" else 587
        return (parts.hostname, parts.port or default, True) if parts.hostname else None

    async def send(self, message: Message) -> None:
        """Connect, authenticate if asked, send, quit."""
        target = SmtpTarget.from_url(message.subscription.channel)
        if not target.recipients:
            raise PermanentDeliveryError("no recipients in ?to=", channel=self.kind)
        try:
            sock = await open_checked_socket(
                target.host,
                target.port,
                self.egress,
                resolver=self.resolver,
                timeout=self.timeout_s,
            )
        except EgressRefused as refused:
            raise UnsafeTargetError.refused(refused, self.kind) from None
        except OSError as exc:
            raise RetryableDeliveryError(
                f"cannot reach SMTP server {target.host}:{target.port}: {exc}", channel=self.kind
            ) from exc
        try:
            await aiosmtplib.send(
                build_email(message, target),
                hostname=target.host,
                sock=sock,
                username=target.username,
                password=target.password,
                use_tls=target.use_tls,
                start_tls=target.start_tls,
                timeout=self.timeout_s,
            )
        except aiosmtplib.SMTPResponseException as exc:
            error_class = (
                PermanentDeliveryError if 500 <= exc.code < 600 else RetryableDeliveryError
            )
            raise error_class(
                f"SMTP server answered {exc.code} {exc.message}", channel=self.kind
            ) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise RetryableDeliveryError(f"SMTP failed: {exc}", channel=self.kind) from exc
        finally:
            sock.close()

"""The egress guard end to end: every probe of an attacker who controls a subscription's URL
or a feed's redirects, against local servers on 127.0.0.1 that must never be reached."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from alerts.api import create_api
from alerts.channels.base import Message
from alerts.channels.registry import ChannelRegistry
from alerts.errors import UnsafeTargetError
from alerts.subscriptions import build_subscription
from alerts.testing import LocalReceiver, sample_alert
from ingest.egress import EgressPolicy
from vigie.cli import main

pytestmark = pytest.mark.integration

AUTH = {"Authorization": "Bearer t0ken"}
#: Only the test servers' own address is allowed; loopback aliases and names stay refused.
LOCAL_ONLY = EgressPolicy.parse("127.0.0.1/32")


async def public_resolver(host: str, port: int) -> list[str]:
    """DNS as the tests see it: ``*.internal.example`` is on the LAN, the rest is public."""
    return ["10.20.30.40"] if host.endswith(".internal.example") else ["93.184.216.34"]


class ConnectionCounter:
    """A TCP server that only counts who connected (an SMTP server must see nobody)."""

    def __init__(self) -> None:
        self.connections = 0
        self.port = 0
        self.server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()

    async def start(self) -> ConnectionCounter:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self


@pytest.fixture
async def counter() -> AsyncIterator[ConnectionCounter]:
    server = await ConnectionCounter().start()
    yield server
    assert server.server is not None
    server.server.close()
    await server.server.wait_closed()


def message(channel: str) -> Message:
    subscription = build_subscription({"channel": channel})
    return Message(subscription, (sample_alert("e1"),), "delivery-1")


# --- send time: every channel --------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "rule"),
    [
        ("webhook+http://127.0.0.1:{port}/hook", "loopback"),
        ("webhook+http://localhost:{port}/hook", "loopback"),
        ("webhook+http://0x7f000001:{port}/hook", "loopback"),
        ("webhook+http://2130706433:{port}/hook", "loopback"),
        ("webhook+http://[::ffff:127.0.0.1]:{port}/hook", "loopback"),
        ("slack+http://127.0.0.1:{port}/services/x", "loopback"),
        ("discord+http://127.0.0.1:{port}/api/webhooks/x", "loopback"),
        ("teams+http://127.0.0.1:{port}/x", "loopback"),
        ("mattermost+http://127.0.0.1:{port}/hooks/x", "loopback"),
        ("apprise+json://127.0.0.1:{port}/a", "loopback"),
        ("apprise://json://127.0.0.1:{port}/a", "loopback"),
        # Not read as an address before sending (Apprise hosts may be digit tokens): the
        # socket Apprise opens to 127.0.0.1 is what the guard refuses.
        ("apprise+json://0x7f000001:{port}/a", "loopback"),
    ],
)
async def test_http_and_apprise_channels_never_reach_a_refused_address(
    receiver: LocalReceiver, channel: str, rule: str
) -> None:
    channels = ChannelRegistry()
    url = channel.format(port=receiver.port)
    try:
        with pytest.raises(UnsafeTargetError) as refused:
            await channels.channel_for(url).send(message(url))
    finally:
        await channels.aclose()
    assert refused.value.rule == rule and not refused.value.retryable
    assert rule in str(refused.value)
    assert receiver.requests == []


async def test_an_allow_listed_receiver_is_reached(receiver: LocalReceiver) -> None:
    channels = ChannelRegistry(egress=LOCAL_ONLY)
    try:
        for url in (receiver.url("/hook"), f"apprise+json://127.0.0.1:{receiver.port}/a"):
            await channels.channel_for(url).send(message(url))
    finally:
        await channels.aclose()
    assert sorted(request.path for request in receiver.requests) == ["/a", "/hook"]


async def test_a_name_resolving_to_a_private_address_is_refused_at_send_time(
    receiver: LocalReceiver,
) -> None:
    channels = ChannelRegistry(resolver=public_resolver)
    url = f"webhook+http://hooks.internal.example:{receiver.port}/hook"
    try:
        with pytest.raises(
            UnsafeTargetError, match=r"private.*10\.20\.30\.40|10\.20\.30\.40.*private"
        ):
            await channels.channel_for(url).send(message(url))
    finally:
        await channels.aclose()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0x7f000001", "[::ffff:127.0.0.1]"])
async def test_smtp_never_connects_to_a_refused_address(
    counter: ConnectionCounter, host: str
) -> None:
    channels = ChannelRegistry()
    url = f"smtp://{host}:{counter.port}/?to=a@example.org&starttls=no"
    try:
        with pytest.raises(UnsafeTargetError, match="loopback"):
            await channels.channel_for(url).send(message(url))
    finally:
        await channels.aclose()
    await asyncio.sleep(0.05)
    assert counter.connections == 0


# --- add time: the API and the CLI ----------------------------------------------------------

#: (channel URL, HTTP status of the API, rule named in the refusal)
ADD_TIME_PROBES = [
    ("webhook+http://127.0.0.1/hook", 422, "loopback"),
    ("webhook+http://10.0.0.1/hook", 422, "private"),
    ("webhook+http://169.254.169.254/latest/meta-data/", 422, "metadata"),
    ("webhook+http://[::1]/hook", 422, "loopback"),
    ("webhook+http://localhost/hook", 422, "loopback"),
    ("webhook+http://0x7f000001/hook", 422, "loopback"),
    ("webhook+http://2130706433/hook", 422, "loopback"),
    ("webhook+http://0177.0.0.1/hook", 422, "loopback"),
    ("webhook+http://[::ffff:127.0.0.1]/hook", 422, "loopback"),
    ("webhook+https://metadata.google.internal/x", 422, "metadata"),
    ("webhook+https://hooks.internal.example/x", 422, "private"),
    ("slack://127.0.0.1/services/x", 422, "loopback"),
    ("smtp://127.0.0.1:25/?to=a@example.org", 422, "loopback"),
    ("apprise+json://127.0.0.1:8080/", 422, "loopback"),
    ("apprise+json://[fd00:ec2::254]/", 422, "metadata"),
    ("webhook+https://hooks.example.org/x", 201, None),
    ("smtp://mail.example.org:587/?to=a@example.org", 201, None),
    ("apprise+tgram://123456:ABCdef/4242", 201, None),
]


@pytest.fixture
async def api(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_api(redis_url, "t0ken", resolver=public_resolver)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://vigie") as client:
        yield client


@pytest.mark.parametrize(("channel", "status", "rule"), ADD_TIME_PROBES)
async def test_the_api_refuses_such_subscriptions_naming_the_rule(
    api: httpx.AsyncClient, channel: str, status: int, rule: str | None
) -> None:
    response = await api.post("/subscriptions", json={"channel": channel}, headers=AUTH)
    assert response.status_code == status, response.text
    if rule is not None:
        detail = response.json()["detail"]
        assert detail.startswith("invalid subscription: channel: refused target")
        assert f"is a {rule} address" in detail


async def test_the_api_accepts_an_allow_listed_intranet_target(redis_url: str) -> None:
    policy = EgressPolicy.parse("hooks.internal.example")
    app = create_api(redis_url, "t0ken", egress=policy, resolver=public_resolver)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://vigie"
    ) as client:
        ok = await client.post(
            "/subscriptions",
            json={"channel": "webhook+https://hooks.internal.example/x"},
            headers=AUTH,
        )
        other = await client.post(
            "/subscriptions",
            json={"channel": "webhook+https://chat.internal.example/x"},
            headers=AUTH,
        )
    assert (ok.status_code, other.status_code) == (201, 422)


@pytest.fixture
def stack_env(monkeypatch: pytest.MonkeyPatch, redis_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIE_REDIS_URL", redis_url)
    monkeypatch.setenv("VIGIE_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    for name in ("VIGIE_ALLOW_PRIVATE_TARGETS", "VIGIE_ALLOWED_TARGETS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("stack_env")
@pytest.mark.parametrize(
    ("channel", "status", "rule"),
    [probe for probe in ADD_TIME_PROBES if ".example" not in probe[0]],
)
def test_the_cli_refuses_such_subscriptions_with_exit_2(
    capsys: pytest.CaptureFixture[str], channel: str, status: int, rule: str | None
) -> None:
    code = main(["subscriptions", "add", "--channel", channel])
    captured = capsys.readouterr()
    if rule is None:
        assert code == 0 and json.loads(captured.out)["channel"] == channel
        return
    assert code == 2 and captured.out == ""
    assert "refused channel" in captured.err and f"is a {rule} address" in captured.err
    assert main(["subscriptions", "list"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.usefixtures("stack_env")
def test_the_cli_allows_what_the_operator_listed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_ALLOWED_TARGETS", "10.0.0.0/8")
    assert main(["subscriptions", "add", "--channel", "webhook+http://10.1.2.3/h"]) == 0
    assert main(["subscriptions", "add", "--channel", "webhook+http://192.168.1.1/h"]) == 2
    monkeypatch.setenv("VIGIE_ALLOWED_TARGETS", "not a host!")
    assert main(["subscriptions", "add", "--channel", "webhook+http://10.1.2.3/h"]) == 2
    assert "VIGIE_ALLOWED_TARGETS" in capsys.readouterr().err

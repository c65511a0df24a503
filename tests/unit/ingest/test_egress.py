"""The egress guard: which targets are refused and why, and that connections go to the address
that was checked (resolvers are injected: no DNS, only servers on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import contextvars
import socket
import threading
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from ingest.egress import ALLOW_PRIVATE, PUBLIC_ONLY, EgressPolicy, EgressRefused, parse_address
from ingest.egress_net import (
    GuardedTransport,
    guarded_sockets,
    open_checked_socket,
    refused_urls,
    resolve_checked,
)

#: (target as written in a URL, rule that refuses it; None: a public address, allowed)
LITERAL_TARGETS = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("localhost", "loopback"),
    ("LOCALHOST.", "loopback"),
    ("api.localhost", "loopback"),
    ("[::1]", "loopback"),
    ("0x7f000001", "loopback"),
    ("2130706433", "loopback"),
    ("0177.0.0.1", "loopback"),
    ("127.1", "loopback"),
    ("0x7f.0.0.1", "loopback"),
    ("[::ffff:127.0.0.1]", "loopback"),
    ("[::ffff:7f00:1]", "loopback"),
    ("[64:ff9b::127.0.0.1]", "loopback"),
    ("[2002:7f00:1::]", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("[fd12:3456::1]", "private"),
    ("[::ffff:10.0.0.1]", "private"),
    ("[64:ff9b::a00:1]", "private"),
    ("[64:ff9b:1::1]", "private"),
    ("012.0.0.1", "private"),
    ("169.254.169.254", "metadata"),
    ("2852039166", "metadata"),
    ("0xa9fea9fe", "metadata"),
    ("[::ffff:169.254.169.254]", "metadata"),
    ("[64:ff9b::a9fe:a9fe]", "metadata"),
    ("[fd00:ec2::254]", "metadata"),
    ("100.100.100.200", "metadata"),
    ("168.63.129.16", "metadata"),
    ("metadata.google.internal", "metadata"),
    ("metadata", "metadata"),
    ("169.254.1.1", "link-local"),
    ("[fe80::1]", "link-local"),
    ("224.0.0.1", "multicast"),
    ("[ff02::1]", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("0", "unspecified"),
    ("[::]", "unspecified"),
    ("100.64.0.1", "shared"),
    ("240.0.0.1", "reserved"),
    ("93.184.216.34", None),
    ("[2606:2800:220:1:248:1893:25c8:1946]", None),
    ("8.8.8.8", None),
    ("feeds.example.org", None),
    ("1password.com", None),
]


def verdict(policy: EgressPolicy, host: str) -> str | None:
    try:
        policy.check_host(host)
    except EgressRefused as refused:
        return refused.rule
    return None


@pytest.mark.parametrize(("target", "rule"), LITERAL_TARGETS)
def test_targets_are_refused_by_their_rule_whatever_the_notation(
    target: str, rule: str | None
) -> None:
    assert verdict(PUBLIC_ONLY, target) == rule


@pytest.mark.parametrize(("target", "rule"), LITERAL_TARGETS)
def test_allowing_private_targets_still_refuses_metadata(target: str, rule: str | None) -> None:
    assert verdict(ALLOW_PRIVATE, target) == ("metadata" if rule == "metadata" else None)


@pytest.mark.parametrize(
    ("host", "rule"),
    [("123456", None), ("0x7f000001", None), ("127.0.0.1", "loopback"), ("[::1]", "loopback")],
)
def test_token_like_hosts_can_be_read_in_the_usual_notations_only(
    host: str, rule: str | None
) -> None:
    try:
        PUBLIC_ONLY.check_host(host, numeric_forms=False)
    except EgressRefused as refused:
        assert refused.rule == rule
    else:
        assert rule is None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("0x7f000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[fe80::1%eth0]", "fe80::1"),
        ("example.org", None),
        ("1.example", None),
        ("0x", None),
        ("", None),
    ],
)
def test_numeric_hosts_are_read_as_the_resolver_would(host: str, address: str | None) -> None:
    parsed = parse_address(host)
    assert (str(parsed) if parsed is not None else None) == address


@pytest.mark.parametrize(
    ("allowed", "host", "address", "rule"),
    [
        # Networks: exactly what they hold, metadata included when listed.
        ("10.0.0.0/8", "intranet", "10.1.2.3", None),
        ("10.0.0.0/8", "intranet", "192.168.1.1", "private"),
        ("10.0.0.0/8", "mapped", "::ffff:10.1.2.3", None),
        ("127.0.0.1", "localhost", "127.0.0.1", None),
        ("127.0.0.1", "x", "127.0.0.2", "loopback"),
        ("169.254.169.254/32", "x", "169.254.169.254", None),
        # Host names: any private address, never a metadata one.
        ("feeds.corp.example", "feeds.corp.example", "10.9.8.7", None),
        ("FEEDS.corp.example.", "feeds.corp.example", "10.9.8.7", None),
        ("feeds.corp.example", "other.corp.example", "10.9.8.7", "private"),
        ("feeds.corp.example", "feeds.corp.example", "169.254.169.254", "metadata"),
        (".corp.example", "chat.corp.example", "172.16.0.9", None),
        ("*.corp.example", "corp.example", "172.16.0.9", None),
        (".corp.example", "evilcorp.example", "172.16.0.9", "private"),
        ("", "anything", "10.0.0.1", "private"),
    ],
)
def test_the_allow_list_opens_listed_networks_and_names_only(
    allowed: str, host: str, address: str, rule: str | None
) -> None:
    policy = EgressPolicy.parse(allowed)
    try:
        policy.check_resolved(host, [address])
    except EgressRefused as refused:
        assert refused.rule == rule
        assert address in str(refused) and "VIGIE_ALLOWED_TARGETS" in str(refused)
    else:
        assert rule is None


@pytest.mark.parametrize("entry", ["not a host!", "10.0.0.0/33/1", "http://x/"])
def test_a_bad_allow_list_entry_is_an_error_naming_it(entry: str) -> None:
    with pytest.raises(ValueError, match="neither a CIDR"):
        EgressPolicy.parse(f"10.0.0.0/8, {entry}")


def resolver_of(*addresses: str, calls: list[str] | None = None):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    ("addresses", "rule"),
    [
        (["10.0.0.7"], "private"),
        (["93.184.216.34", "127.0.0.1"], "loopback"),  # one bad answer refuses the name
        (["169.254.169.254"], "metadata"),
        (["::ffff:192.168.0.1"], "private"),
        ([], "reserved"),
        (["93.184.216.34", "2606:2800:220:1::1"], None),
    ],
)
async def test_a_name_is_refused_when_it_resolves_to_a_refused_address(
    addresses: list[str], rule: str | None
) -> None:
    resolve = resolver_of(*addresses)
    if rule is None:
        checked = await resolve_checked("feeds.example", 443, PUBLIC_ONLY, resolve)
        assert [str(ip) for ip in checked] == addresses
        return
    with pytest.raises(EgressRefused) as refused:
        await resolve_checked("feeds.example", 443, PUBLIC_ONLY, resolve)
    assert refused.value.rule == rule and refused.value.host == "feeds.example"


async def test_literals_and_refused_names_never_reach_the_resolver() -> None:
    calls: list[str] = []
    resolve = resolver_of("93.184.216.34", calls=calls)
    for host in ("127.0.0.1", "localhost", "metadata.google.internal"):
        with pytest.raises(EgressRefused):
            await resolve_checked(host, 80, PUBLIC_ONLY, resolve)
    assert calls == []


async def test_resolution_failures_are_os_errors_not_refusals() -> None:
    async def broken(host: str, port: int) -> list[str]:
        raise socket.gaierror(-2, "Name or service not known")

    async def hanging(host: str, port: int) -> list[str]:
        await asyncio.sleep(10)
        return []

    with pytest.raises(OSError):
        await resolve_checked("x.example", 80, PUBLIC_ONLY, broken)
    with pytest.raises(TimeoutError):
        await resolve_checked("x.example", 80, PUBLIC_ONLY, hanging, timeout=0.05)


# --- connections go to the checked address --------------------------------------------------


@pytest.fixture
async def local_server() -> AsyncIterator[tuple[int, list[str]]]:
    hosts: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        hosts.append(request.headers.get("Host", ""))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    yield port, hosts
    await runner.cleanup()


LOCAL_ONLY = EgressPolicy.parse("127.0.0.1/32")


async def test_the_transport_connects_to_the_address_it_checked(
    local_server: tuple[int, list[str]],
) -> None:
    port, hosts = local_server
    calls: list[str] = []
    # "feeds.invalid" exists in no DNS: the request can only reach the server through the
    # address the guard resolved and checked, and it resolves once per connection.
    transport = GuardedTransport(LOCAL_ONLY, resolver=resolver_of("127.0.0.1", calls=calls))
    async with httpx.AsyncClient(transport=transport) as client:
        first = await client.get(f"http://feeds.invalid:{port}/a")
        second = await client.get(f"http://feeds.invalid:{port}/b")
    assert (first.status_code, second.status_code) == (200, 200)
    assert hosts == [f"feeds.invalid:{port}"] * 2
    assert calls == ["feeds.invalid"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://0x7f000001:{port}/",
        "http://2130706433:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://rebound.example:{port}/",
    ],
)
async def test_the_transport_refuses_before_connecting(
    local_server: tuple[int, list[str]], url: str
) -> None:
    port, hosts = local_server
    transport = GuardedTransport(PUBLIC_ONLY, resolver=resolver_of("127.0.0.1"))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(EgressRefused) as refused:
            await client.get(url.format(port=port))
    assert refused.value.rule == "loopback"
    assert hosts == []


async def test_octal_hosts_never_leave_httpx(local_server: tuple[int, list[str]]) -> None:
    port, hosts = local_server
    async with httpx.AsyncClient(transport=GuardedTransport(PUBLIC_ONLY)) as client:
        with pytest.raises(httpx.InvalidURL):
            await client.get(f"http://0177.0.0.1:{port}/")
    assert hosts == []


async def test_an_unresolvable_name_is_a_connect_error() -> None:
    async def broken(host: str, port: int) -> list[str]:
        raise socket.gaierror(-2, "Name or service not known")

    transport = GuardedTransport(PUBLIC_ONLY, resolver=broken)
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(httpx.ConnectError, match="cannot resolve"):
            await client.get("http://nowhere.invalid/")


async def test_checked_sockets_refuse_or_connect(local_server: tuple[int, list[str]]) -> None:
    port, _ = local_server
    with pytest.raises(EgressRefused, match="loopback"):
        await open_checked_socket("127.0.0.1", port, PUBLIC_ONLY)
    sock = await open_checked_socket(
        "smtp.invalid", port, LOCAL_ONLY, resolver=resolver_of("127.0.0.1")
    )
    assert sock.getpeername() == ("127.0.0.1", port)
    sock.close()


def connect(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


async def test_guarded_sockets_refuse_connections_made_by_other_libraries_in_threads(
    local_server: tuple[int, list[str]],
) -> None:
    port, _ = local_server
    errors: list[BaseException] = []

    def in_thread() -> None:
        try:
            connect(port)
        except BaseException as exc:
            errors.append(exc)

    with guarded_sockets(PUBLIC_ONLY) as guard:
        # The context travels with the thread, as Apprise runs its services.
        thread = threading.Thread(target=contextvars.copy_context().run, args=(in_thread,))
        thread.start()
        thread.join()
    assert [type(error) for error in errors] == [EgressRefused]
    assert [refused.rule for refused in guard.refused] == ["loopback"]

    connect(port)  # outside the block, nothing changes
    with guarded_sockets(LOCAL_ONLY) as allowed:
        connect(port)
    assert allowed.refused == []


async def test_feed_urls_are_checked_before_start() -> None:
    problems = await refused_urls(
        [
            ("feeds[0] (wire)", "https://feeds.example/rss"),
            ("feeds[1] (meta)", "http://169.254.169.254/latest/meta-data/"),
            ("feeds[2] (lan)", "http://intranet.example/rss"),
        ],
        PUBLIC_ONLY,
        resolver=lambda host, port: resolver_of(
            "10.0.0.3" if host == "intranet.example" else "93.184.216.34"
        )(host, port),
    )
    assert [problem.split(":")[0] for problem in problems] == ["feeds[1] (meta)", "feeds[2] (lan)"]
    assert "metadata" in problems[0] and "private" in problems[1]

"""The channels' side of the egress guard (``ingest.egress``): which host a channel URL reaches,
the check when a subscription is added, and the error a refused target becomes.

A subscriber chooses the URL Vigie posts to, so without the guard a subscription could make the
worker probe the operator's own network or a cloud metadata endpoint. At send time the
connections themselves are guarded (``ingest.egress_net``); this module refuses such a URL
before it is even stored.
"""

from __future__ import annotations

from alerts.channels import channel_class, channel_kind
from alerts.errors import UnsafeTargetError
from alerts.subscriptions import Subscription
from ingest.egress import EgressPolicy, EgressRefused
from ingest.egress_net import Resolver, resolve_checked, system_resolver

#: How long an add-time check waits for DNS; a name that does not resolve is checked at send time.
ADD_TIME_RESOLVE_TIMEOUT_S = 3.0


def unsafe_target(refused: EgressRefused, channel: str = "") -> UnsafeTargetError:
    """The permanent delivery error of a refused target, naming the rule it broke."""
    return UnsafeTargetError(str(refused), channel=channel, rule=refused.rule)


def channel_host(url: str) -> tuple[str, int, bool] | None:
    """The host and port a channel URL connects to, and whether that host is surely a network
    name (``False`` for Apprise, whose "host" may be a token); ``None`` when there is none."""
    cls = channel_class(url)
    return cls.target(url) if cls else None


async def check_channel_target(
    url: str, policy: EgressPolicy, *, resolver: Resolver = system_resolver
) -> None:
    """Raise ``UnsafeTargetError`` when ``url`` reaches an address ``policy`` refuses.

    Network names are resolved; one that does not resolve now passes (DNS may be down), since
    every connection is checked again when it is made. Apprise hosts are checked as written
    only: for many services that "host" is a token that must not leak into DNS queries.
    """
    target = channel_host(url)
    if target is None:
        return
    host, port, is_network_name = target
    try:
        if not is_network_name:
            policy.check_host(host, numeric_forms=False)
            return
        await resolve_checked(host, port, policy, resolver, ADD_TIME_RESOLVE_TIMEOUT_S)
    except EgressRefused as refused:
        raise unsafe_target(refused, channel_kind(url)) from None
    except OSError:
        return


async def refused_subscriptions(
    subscriptions: list[Subscription],
    policy: EgressPolicy,
    *,
    resolver: Resolver = system_resolver,
) -> list[str]:
    """``subscriptions[i] (name): why`` for each subscription whose channel is refused."""
    problems = []
    for index, subscription in enumerate(subscriptions):
        try:
            await check_channel_target(subscription.channel, policy, resolver=resolver)
        except UnsafeTargetError as exc:
            where = f"subscriptions[{index}] ({subscription.name or subscription.id})"
            problems.append(f"{where}: channel: refused target: {exc.reason}")
    return problems

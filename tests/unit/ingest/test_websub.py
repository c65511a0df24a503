"""WebSub, the pure part and the subscriber's bookkeeping: hub discovery, signatures, leases."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from ingest.feeds import FeedSpec
from ingest.sources.rss import parse_feed
from ingest.websub import HubLinks, find_hub, header_links, renew_delay, signature_status
from ingest.websub_listener import (
    ACTIVE,
    FAILED,
    PENDING,
    WebSubOptions,
    WebSubSubscriber,
    WebSubSubscription,
)
from vigie.embedded.feedfarm import FeedFarm

FEED = FeedSpec("wire", "https://wire.example/feed.xml", "en", interval_s=60)
HUB = HubLinks("https://hub.example/", "https://wire.example/feed.xml")
SECRET = "s3cret"
BODY = b"<rss/>"


def sign(method: str, body: bytes = BODY, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()
    return f"{method}={digest}"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://hub.example/>; rel="hub", <https://w.example/f>; rel="self"', "found"),
        ("<https://hub.example/>; rel=hub, <https://w.example/f>; rel=self", "found"),
        ('<https://hub.example/>; rel="hub"', None),  # no topic: nothing to subscribe to
        ('<https://w.example/f>; rel="self alternate"', None),
        ("", None),
    ],
)
def test_a_hub_is_found_in_link_headers_only_with_its_topic(
    header: str, expected: str | None
) -> None:
    found = find_hub(header_links(header))
    assert (found and "found") == expected
    if found:
        assert found == HubLinks("https://hub.example/", "https://w.example/f")


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_the_farm_names_its_hub_in_both_formats(fmt: str) -> None:
    farm = FeedFarm(4, hub=True)
    feed = next(feed for feed in farm.feeds if feed.format == fmt)
    feed.port, feed.hub_url = 8000, "http://127.0.0.1:8000/hub"
    parsed = parse_feed(FeedSpec(feed.name, feed.url, feed.lang), feed.render())
    assert find_hub(parsed.links) == HubLinks(feed.hub_url, feed.url)
    assert len(parsed.items) == 2


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Hub-Signature-256": sign("sha256")}, "ok"),
        ({"X-Hub-Signature": sign("sha1")}, "ok"),
        ({"X-Hub-Signature": sign("sha512")}, "ok"),
        ({"x-hub-signature-256": sign("sha256").upper().replace("SHA256=", "sha256=")}, "ok"),
        ({"X-Hub-Signature-256": sign("sha256", secret="other")}, "bad_signature"),
        ({"X-Hub-Signature-256": sign("sha256", body=b"<rss>changed</rss>")}, "bad_signature"),
        ({"X-Hub-Signature": "md5=00"}, "bad_signature"),
        ({"X-Hub-Signature-256": sign("sha256"), "X-Hub-Signature": "sha1=00"}, "ok"),
        ({}, "unsigned"),
    ],
)
def test_a_pushed_body_must_carry_the_hmac_of_our_secret(
    headers: dict[str, str], expected: str
) -> None:
    assert signature_status(SECRET, BODY, headers) == expected


def test_renewal_comes_before_the_lease_ends() -> None:
    assert renew_delay(86400) == pytest.approx(0.8 * 86400)
    assert 0 < renew_delay(2) < 2


def subscriber() -> WebSubSubscriber:
    return WebSubSubscriber(
        WebSubOptions("https://vigie.example/websub/", poll_interval_s=3600, retry_s=900)
    )


def test_a_pushed_feed_is_polled_at_the_safety_net_interval_once_verified() -> None:
    websub = subscriber()
    subscription = WebSubSubscription(FEED, HUB.hub, HUB.topic)
    websub.by_feed[FEED.name] = websub.by_token[subscription.token] = subscription
    assert websub.interval_for(FEED) == 60
    subscription.state = ACTIVE
    assert websub.interval_for(FEED) == 3600
    assert websub.callback_for(subscription) == f"https://vigie.example/websub/{subscription.token}"


def test_leases_are_renewed_and_lapsed_or_unverified_ones_fall_back_to_polling() -> None:
    websub = subscriber()
    spawned: list[str] = []
    websub._spawn = lambda subscription: spawned.append(subscription.feed.name)  # type: ignore[method-assign]
    due = WebSubSubscription(FEED, HUB.hub, HUB.topic, state=ACTIVE, renew_at=100, expires_at=200)
    lapsed = WebSubSubscription(
        FeedSpec("lapsed", "https://x.example/a"), HUB.hub, "t2", state=ACTIVE, expires_at=150
    )
    unverified = WebSubSubscription(
        FeedSpec("silent", "https://x.example/b"), HUB.hub, "t3", state=PENDING, requested_at=0
    )
    for subscription in (due, lapsed, unverified):
        websub.by_token[subscription.token] = subscription
    websub.check_leases(now=160)
    assert spawned == ["wire"]
    assert due.state == ACTIVE and due.renew_at == 160 + 900  # not asked again before then
    assert lapsed.state == FAILED
    assert unverified.state == PENDING  # 900 s to verify
    websub.check_leases(now=1000)
    assert unverified.state == FAILED and unverified.retry_at == 1900

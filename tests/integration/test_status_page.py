"""The status page in a real browser (Debian's Chromium, headless) during `vigie up --demo`
with an API token: it asks for the token once, then shows the demo feeds and a recent alert,
and its screenshot is kept as a test artifact."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.stack import RunningStack, start_stack, vigie_env, wait_until
from vigie.embedded.demo import demo_dir

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Upper bound for the demo to be polled, detected and shown; the page refreshes every 5 s.
SHOWN_WITHIN_MS = 90_000
TOKEN = "status-page-test-token-0123456789"


def demo_feed_names() -> set[str]:
    feeds = yaml.safe_load((demo_dir() / "feeds.yaml").read_text(encoding="utf-8"))["feeds"]
    return {feed["name"] for feed in feeds}


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def status_code(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture
def demo_stack(tmp_path: Path) -> Iterator[RunningStack]:
    # --run-for only bounds a stack the test failed to stop; the test stops it itself.
    data_dir = tmp_path / "stack"
    env = vigie_env(data_dir, VIGIE_API_TOKEN=TOKEN)
    stack = start_stack(data_dir, "--demo", "--run-for", "600", env=env)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (`apt-get install chromium`, "
            "or `make browser`) to run the status-page test"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_status_page_asks_for_the_token_then_shows_the_feeds_and_a_recent_alert(
    demo_stack: RunningStack, browser: Any
) -> None:
    status_url = demo_stack.state()["urls"]["status"]
    wait_until(lambda: answers(status_url + "healthz"), 60)
    assert status_code(status_url + "api/status") == 401
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(status_url)

    # Without the token the page shows nothing but the form; a wrong token is asked again.
    page.wait_for_selector("#token-form:not([hidden])", timeout=30_000)
    assert page.locator("#connection").get_attribute("data-state") == "locked"
    assert page.locator("#feeds tr[data-feed]").count() == 0
    page.fill("#token-input", "not-the-token-of-this-stack")
    page.click("#token-form button[type=submit]")
    page.wait_for_function(
        "() => !document.getElementById('token-form').hidden"
        " && document.getElementById('token-note').textContent.includes('refused')",
        timeout=30_000,
    )
    page.fill("#token-input", TOKEN)
    page.click("#token-form button[type=submit]")
    page.wait_for_function(
        "() => document.getElementById('connection').dataset.state === 'live'", timeout=30_000
    )
    # Asked once: a reload in the same session keeps the token.
    page.reload()
    page.wait_for_function(
        "() => document.getElementById('connection').dataset.state === 'live'", timeout=30_000
    )
    assert page.locator("#token-form").is_hidden()

    expected_feeds = demo_feed_names()
    page.wait_for_function(
        "count => document.querySelectorAll('#feeds tr[data-state=ok]').length >= count",
        arg=len(expected_feeds),
        timeout=SHOWN_WITHIN_MS,
    )
    page.wait_for_selector("#alerts tr[data-alert-id]", timeout=SHOWN_WITHIN_MS)
    page.wait_for_function(
        "() => document.querySelectorAll('#lag tr[data-group]').length === 2",
        timeout=SHOWN_WITHIN_MS,
    )

    shown_feeds = set(
        page.locator("#feeds tr[data-feed]").evaluate_all(
            "rows => rows.map(row => row.dataset.feed)"
        )
    )
    assert shown_feeds == expected_feeds
    first_alert = page.locator("#alerts tr[data-alert-id]").first
    assert first_alert.locator(".place").inner_text().strip()
    assert first_alert.locator(".headline .fr").inner_text().removeprefix("FR").strip()
    assert first_alert.locator(".headline .en").inner_text().removeprefix("EN").strip()
    assert page.locator("#connection").get_attribute("data-state") == "live"
    assert int(page.locator(".card[data-stat=items] .value").inner_text().replace(",", "")) > 0

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "status-page.png"), full_page=True)
    assert (ARTIFACTS / "status-page.png").stat().st_size > 0

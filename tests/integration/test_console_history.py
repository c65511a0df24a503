"""The console's History view in a real browser (Debian's Chromium, headless) during
`vigie up --demo` with a token: filtered by kind and by text, paged with its cursor, a row opens
the alert's detail with its revision timeline, and the CSV export carries the filters. The
README's history screenshot is this test's artifact (test-artifacts/console-history.png)."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from alerts.testing import produce_alerts, sample_alert
from streams.events import Alert
from tests.integration.stack import RunningStack, start_stack, vigie_env, wait_until
from tests.integration.test_status_page import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, answers

pytestmark = [pytest.mark.integration, pytest.mark.browser]

TOKEN = "console-history-test-token-0123456789"
KEPT_WITHIN_MS = 90_000
#: More casualty reports than one page of the History view (50) holds.
SHELLINGS = 55


def shelling(number: int) -> Alert:
    return sample_alert(
        f"kherson-{number:02d}",
        kind="casualty_report",
        place="Kherson",
        country="UA",
        killed=number + 1,
        headline_en=f"Kherson (UA): {number + 1} killed by shelling",
        headline_fr=f"Kherson (UA) : {number + 1} morts dans des bombardements",
        evidence=f"Shelling killed {number + 1} people in Kherson.",
    )


def homs_revisions() -> tuple[Alert, Alert]:
    first = sample_alert(
        "homs-toll",
        kind="casualty_report",
        place="Homs",
        country="SY",
        killed=4,
        headline_en="Homs (SY): 4 killed in a market strike",
        headline_fr="Homs (SY) : 4 morts dans une frappe sur un marché",
        evidence="Four people were killed when a strike hit a market in Homs.",
    )
    assert first.event.casualties is not None
    second = replace(
        first,
        revision=1,
        reason="toll_up",
        event=replace(first.event, casualties=replace(first.event.casualties, killed=11)),
        headline={
            "en": "Homs (SY): toll rises to 11 after the market strike",
            "fr": "Homs (SY) : le bilan monte à 11 après la frappe",
        },
    )
    return first, second


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    data_dir = tmp_path_factory.mktemp("history-console") / "stack"
    env = vigie_env(data_dir, VIGIE_API_TOKEN=TOKEN)
    running = start_stack(data_dir, "--demo", "--no-console", "--run-for", "600", env=env)
    try:
        wait_until(lambda: answers(running.state()["urls"]["status"] + "healthz"), 60)
        alerts = [shelling(number) for number in range(SHELLINGS)] + list(homs_revisions())
        asyncio.run(produce_alerts(running.state()["kafka_bootstrap"], *alerts))
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def page(stack: RunningStack) -> Iterator[Any]:
    """The console with the token given, its History showing the last 7 days."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium (`make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        outside: list[str] = []
        status_url = stack.state()["urls"]["status"]
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((status_url, "data:", "blob:"))
                else outside.append(request.url)
            ),
        )
        page.goto(status_url)
        page.wait_for_selector("#token-form:not([hidden])", timeout=30_000)
        page.fill("#token-input", TOKEN)
        page.click("#token-form button[type=submit]")
        page.wait_for_selector("#history-section[data-state=ready]", timeout=30_000)
        yield page
        assert outside == []
        browser.close()


def search(page: Any, **filters: str) -> None:
    """Fill the History filters (every other one emptied) and wait for the first page."""
    form = page.locator("#history-form")
    for name in ("kind", "status"):
        form.locator(f"[name={name}]").select_option(filters.get(name, ""))
    for name in ("country", "place", "q", "min_killed"):
        form.locator(f"[name={name}]").fill(filters.get(name, ""))
    page.evaluate("() => { document.getElementById('history-section').dataset.state = ''; }")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#history-section[data-state=ready]", timeout=30_000)


def test_the_history_is_filtered_paged_opened_and_exported(page: Any) -> None:
    # The writer keeps what the stack alerted: search again until the last revision is there.
    def kept() -> bool:
        search(page, q="Homs")
        return "toll rises to 11" in page.locator("#history tbody").inner_text()

    wait_until(kept, KEPT_WITHIN_MS / 1000, interval=1)

    search(page, kind="casualty_report")
    kinds = page.locator("#history tbody td:nth-child(2)")
    assert page.locator("#history-section").get_attribute("data-shown") == "50"
    assert set(kinds.all_inner_texts()) == {"casualties"}
    page.locator("#history-more").click()
    page.wait_for_function(
        "n => Number(document.getElementById('history-section').dataset.shown) > n", arg=50
    )
    shown = int(page.locator("#history-section").get_attribute("data-shown"))
    assert shown >= SHELLINGS + 1
    assert page.locator("#history-more").is_hidden()
    assert set(kinds.all_inner_texts()) == {"casualties"}
    ids = page.eval_on_selector_all("#history tbody tr", "rows => rows.map(r => r.dataset.alertId)")
    assert len(ids) == len(set(ids)) == shown

    search(page, q="market strike")
    rows = page.locator("#history tbody tr[data-alert-id]")
    assert rows.count() == 1
    rows.first.click()
    detail = page.locator("#alert-detail[open]")
    detail.wait_for(timeout=30_000)
    assert "toll rises to 11" in detail.locator(".headline-en").inner_text()
    timeline = detail.locator(".revisions tbody tr")
    assert timeline.count() == 2
    assert "4 killed" in timeline.nth(0).inner_text()
    assert "11 killed" in timeline.nth(1).inner_text()
    assert detail.locator(".toll-chart text").all_text_contents() == ["4", "11"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-history-detail.png"))
    detail.locator(".close").click()

    with page.expect_download() as download_info:
        page.locator("#history-section a[data-export=csv]").click()
    download = download_info.value
    assert download.suggested_filename == "vigie-alerts.csv"
    with open(download.path(), encoding="utf-8") as file:
        exported = list(csv.DictReader(io.StringIO(file.read())))
    assert [(row["id"], row["revision"], row["killed"]) for row in exported] == [
        ("homs-toll", "1", "11")
    ]
    search(page, kind="casualty_report", place="Kherson", min_killed="50")
    page.locator("#history-section").screenshot(path=str(ARTIFACTS / "console-history.png"))

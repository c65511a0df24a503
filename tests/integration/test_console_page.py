"""The console in a real browser (Debian's Chromium, headless) during `vigie up --demo` with a
token: the map puts the demo's alerts where they happened, a point opens the alert's detail,
the day's charts draw bars for the demo's items and alerts,
a subscription is created, edited, paused and test-sent to a local receiver, a message template
is previewed, refused when misspelt and test-sent, a silence made in the page stops an alert,
and the History view is filtered by kind and by text, paged, opened and exported. The README's
screenshots are these tests' artifacts (test-artifacts/console-*.png)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis

from alerts.silence_store import silenced_key
from alerts.testing import produce_alerts, sample_alert
from streams.events import Alert
from tests.integration.stack import RunningStack, start_stack, vigie_env, wait_until
from tests.integration.test_status_page import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, answers

pytestmark = [pytest.mark.integration, pytest.mark.browser]

TOKEN = "console-page-test-token-0123456789"
SHOWN_WITHIN_MS = 90_000


class Receiver(ThreadingHTTPServer):
    """A webhook target on 127.0.0.1 that keeps every JSON body it gets."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        super().__init__(("127.0.0.1", 0), Handler)

    def url(self) -> str:
        return f"webhook+http://127.0.0.1:{self.server_address[1]}/hook"

    def alert_ids(self) -> list[str]:
        return [
            alert["id"]
            for body in self.bodies
            for alert in body.get("alerts") or [body.get("alert") or {}]
        ]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    data_dir = tmp_path_factory.mktemp("console") / "stack"
    # Digests are not under test here: a burst of demo and test alerts must not hold one back.
    env = vigie_env(data_dir, VIGIE_API_TOKEN=TOKEN, VIGIE_DIGEST_THRESHOLD="1000000")
    running = start_stack(data_dir, "--demo", "--no-console", "--run-for", "900", env=env)
    try:
        wait_until(lambda: answers(running.state()["urls"]["status"] + "healthz"), 60)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(stack: RunningStack) -> Iterator[Any]:
    """One page of the console, the token given once in its form."""
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
                None if request.url.startswith(status_url) else outside.append(request.url)
            ),
        )
        page.goto(status_url)
        page.wait_for_selector("#token-form:not([hidden])", timeout=30_000)
        page.fill("#token-input", TOKEN)
        page.click("#token-form button[type=submit]")
        page.wait_for_selector("#map .point", timeout=SHOWN_WITHIN_MS)
        yield page
        # The page loads nothing from outside its own origin.
        assert [url for url in outside if not url.startswith(("data:", "about:", "blob:"))] == []
        browser.close()


@pytest.fixture(autouse=True)
def no_dialog_left_open(page: Any) -> Iterator[None]:
    """A test that fails with the detail open must not block the clicks of the next one."""
    yield
    page.evaluate("() => document.getElementById('alert-detail').close()")


def test_the_map_shows_the_demo_alerts_where_they_happened(page: Any) -> None:
    assert int(page.locator("#map-section").get_attribute("data-outlines")) > 150
    # The stack keeps a history: the map reads it (30 days), not the latest alerts only.
    page.wait_for_selector("#map-section[data-from=history]", timeout=30_000)
    # Aleppo's point lies inside Syria's outline, Mogadishu's inside Somalia's.
    page.wait_for_function(
        """() => ['Aleppo', 'Mogadishu'].every(place => [...document.querySelectorAll(
               '#alerts tr[data-alert-id] .place')].some(cell => cell.textContent.startsWith(place))
             && document.querySelector(`#map .point[data-alert-id="${
               [...document.querySelectorAll('#alerts tr[data-alert-id]')].find(row =>
                 row.querySelector('.place').textContent.startsWith(place)).dataset.alertId}"]`))""",
        timeout=SHOWN_WITHIN_MS,
    )
    inside = page.evaluate(
        """() => {
          const alerts = [...document.querySelectorAll('#alerts tr[data-alert-id]')];
          const result = {};
          for (const [place, country] of [['Aleppo', 'Syria'], ['Mogadishu', 'Somalia']]) {
            const row = alerts.find(r => r.querySelector('.place').textContent.startsWith(place));
            const point = document.querySelector(`#map .point[data-alert-id="${row.dataset.alertId}"]`);
            const p = point.getBoundingClientRect();
            const c = document.querySelector(`#map path[data-country="${country}"]`).getBoundingClientRect();
            const x = p.x + p.width / 2, y = p.y + p.height / 2;
            result[place] = x >= c.left && x <= c.right && y >= c.top && y <= c.bottom;
          }
          return result;
        }"""
    )
    assert inside == {"Aleppo": True, "Mogadishu": True}
    assert page.locator("#map .point.casualty_report").count() >= 1
    assert page.locator("#map .point.status-disputed").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#map-section").screenshot(path=str(ARTIFACTS / "console-map.png"))


def test_the_day_charts_show_bars_for_the_demo_items_and_alerts(page: Any) -> None:
    for name in ("items", "alerts"):
        page.wait_for_selector(f'figure[data-chart="{name}"] rect.bar', timeout=SHOWN_WITHIN_MS)
    charts = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#day-charts figure')].map(
             figure => [figure.dataset.chart, {
               bars: figure.querySelectorAll('rect.bar').length,
               ticks: [...figure.querySelectorAll('text.tick')].map(t => t.textContent),
               title: figure.querySelector('figcaption').textContent,
               summary: figure.querySelector('.chart-summary').textContent,
               labelled: figure.querySelector('svg').getAttribute('aria-labelledby')}]))"""
    )
    assert list(charts) == ["items", "detections", "alerts", "outcomes"]
    items = charts["items"]
    # A fresh demo has counted for minutes only: its last hour is charted per minute, and said.
    assert items["title"] == "Items read per minute"
    window = page.locator("#day-title").text_content() or ""
    assert re.fullmatch(r"Last (15|30) minutes|Last hour", window), window
    span = window.removeprefix("Last ")
    assert items["summary"].startswith(tuple("123456789"))
    assert f"items in the last {span}; busiest minute:" in items["summary"]
    note = page.locator("#charts-window").inner_text()
    assert note.startswith(f"Nothing was counted before the {window.lower()}"), note
    assert "per minute" in note
    # A value scale from 0 and time labels along the window.
    assert "0" in items["ticks"] and sum(":" in tick for tick in items["ticks"]) >= 3
    assert items["bars"] >= 1
    assert items["labelled"] == "chart-items-title chart-items-summary"
    assert charts["alerts"]["bars"] >= 1
    assert "delivered" in page.locator('figure[data-chart="outcomes"] .legend').inner_text()
    # One bar per consumer group, its value beside it (a caught-up group's bar has no length).
    page.wait_for_selector(
        "#lag-chart rect.bar[data-group]", state="attached", timeout=SHOWN_WITHIN_MS
    )
    groups = page.locator("#lag-chart rect.bar[data-group]").count()
    assert page.locator("#lag-chart text.value").count() == groups
    assert "over" in page.locator("#chart-lag-summary").inner_text()
    page.locator("#day").screenshot(path=str(ARTIFACTS / "console-charts.png"))


def test_a_point_opens_the_alert_detail(page: Any) -> None:
    row = page.locator("#alerts tr[data-alert-id]", has_text="Mogadishu").first
    alert_id = row.get_attribute("data-alert-id")
    # The English wire reports it after the French one: wait until both are behind the alert.
    page.wait_for_function(
        "id => document.querySelectorAll(`#alerts tr[data-alert-id='${id}'] ul.sources li`).length"
        " === 2",
        arg=alert_id,
        timeout=SHOWN_WITHIN_MS,
    )
    page.locator(f'#map .point[data-alert-id="{alert_id}"]').click()
    detail = page.locator("#alert-detail[open]")
    detail.wait_for(timeout=30_000)
    assert "Mogadishu" in detail.locator(".headline-en").inner_text()
    assert "Mogadiscio" in detail.locator(".headline-fr").inner_text()
    assert "9 killed" in detail.locator(".facts").inner_text()
    languages = detail.locator(".detail-sources .lang").all_text_contents()
    assert sorted(languages) == ["en", "fr"]
    assert detail.locator(".detail-sources time").count() == 2
    assert detail.locator(".evidence blockquote").first.inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "console-detail.png"))
    detail.locator(".close").click()


def test_a_subscription_is_created_edited_paused_and_test_sent(
    page: Any, receiver: Receiver
) -> None:
    form = page.locator("#subscription-form")
    form.locator("[name=channel]").fill(receiver.url())
    form.locator("[name=name]").fill("ops desk")
    form.locator("[name=countries]").fill("Syria")
    form.locator("button[type=submit]").click()
    # The API's 422 is shown next to the field it is about.
    error = form.locator('[data-error-for="countries"]')
    error.wait_for(timeout=30_000)
    assert "ISO 3166" in error.inner_text()

    form.locator("[name=countries]").fill("SY, IQ")
    form.locator("button[type=submit]").click()
    row = page.locator("#subscriptions tr[data-subscription-id]", has_text="ops desk")
    row.wait_for(timeout=30_000)
    assert "SY IQ" in row.inner_text()

    row.locator("button.edit").click()
    form.locator("[name=name]").fill("ops desk (night)")
    form.locator("input[name=kinds][value=city_capture]").check()
    form.locator("button[type=submit]").click()
    row = page.locator("#subscriptions tr[data-subscription-id]", has_text="ops desk (night)")
    row.wait_for(timeout=30_000)
    assert "capture" in row.inner_text()

    row.locator("button.pause").click()
    page.wait_for_selector("#subscriptions tr[data-paused=true]", timeout=30_000)
    row.locator("button.test").click()
    page.wait_for_selector("#test-result[data-state=ok]", timeout=20_000)
    assert "Palmyr" in page.locator("#test-result pre").inner_text()
    assert receiver.alert_ids() == ["vigie-test"]
    row.locator("button.pause").click()
    page.wait_for_selector("#subscriptions tr[data-paused=false]", timeout=30_000)
    page.locator("#subscriptions-section").screenshot(
        path=str(ARTIFACTS / "console-subscriptions.png")
    )


def test_a_feed_added_in_the_page_is_polled_paused_and_removed(
    page: Any, stack: RunningStack
) -> None:
    form = page.locator("#feed-form")
    form.locator("[name=name]").fill("desk copy")
    form.locator("[name=url]").fill(stack.state()["urls"]["demo_feeds"] + "world-wire-en.xml")
    form.locator("button[type=submit]").click()
    # The API's 422 is shown next to the field it is about.
    error = form.locator('[data-error-for="name"]')
    error.wait_for(timeout=20_000)
    assert "letters, digits" in error.inner_text()

    form.locator("[name=name]").fill("desk-copy-en")
    form.locator("[name=lang]").fill("en")
    form.locator("button[type=submit]").click()
    # The running poller picks the feed up and polls it; its health shows the poll.
    polled = page.locator('#feed-list tr[data-feed-name="desk-copy-en"][data-polled=true]')
    polled.wait_for(timeout=30_000)
    # A relative time: "just now" within the first second, "… ago" after it.
    assert re.search(r"just now|ago", polled.locator(".last-poll").inner_text())
    page.locator("#feeds-section").screenshot(path=str(ARTIFACTS / "console-feeds.png"))

    polled.locator("button.pause").click()
    page.wait_for_selector('#feed-list tr[data-feed-name="desk-copy-en"][data-paused=true]')
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('#feed-list tr[data-feed-name="desk-copy-en"] button.remove').click()
    page.wait_for_selector('#feed-list tr[data-feed-name="desk-copy-en"]', state="detached")


def test_a_template_is_previewed_refused_saved_and_test_sent(page: Any, receiver: Receiver) -> None:
    form = page.locator("#subscription-form")
    form.locator("button.cancel").click()
    form.locator("[name=channel]").fill(receiver.url())
    form.locator("[name=name]").fill("chat line")
    # A misspelt name: the live preview says so, and so does the API's 422 on save.
    form.locator("[name=template_body]").fill("{{ alert.plase.name }}")
    preview = page.locator("#template-preview")
    page.wait_for_selector("#template-preview[data-state=invalid]", timeout=30_000)
    assert "template.body: unknown variable" in preview.inner_text()
    form.locator("button[type=submit]").click()
    error = form.locator('[data-error-for="template.body"]')
    error.wait_for(timeout=30_000)
    assert "plase" in error.inner_text()

    form.locator("[name=template_title]").fill("{{ alert.place.name }}: {{ alert.kind_label }}")
    form.locator("[name=template_body]").fill(
        "{{ alert.title }} via {{ alert.sources | map(attribute='name') | join(', ') }}"
    )
    form.locator("button.preview").click()
    page.wait_for_selector("#template-preview[data-state=ready]", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('#template-preview').innerText.includes('via vigie-test')",
        timeout=30_000,
    )
    assert preview.locator(".preview-title").inner_text() == "Tadmur: City captured"
    form.locator("[name=lang]").select_option("fr")
    page.wait_for_function(
        "() => document.querySelector('#template-preview .preview-title')"
        "?.innerText === 'Tadmur: Prise de ville'",
        timeout=30_000,
    )
    assert "Palmyre" in preview.locator("pre").inner_text()
    form.locator("#template-fields").screenshot(path=str(ARTIFACTS / "console-template.png"))

    form.locator("button[type=submit]").click()
    row = page.locator("#subscriptions tr[data-subscription-id]", has_text="chat line")
    row.wait_for(timeout=30_000)
    assert "own template" in row.inner_text()
    sent = len(receiver.bodies)
    row.locator("button.test").click()
    wait_until(lambda: len(receiver.bodies) > sent, 30)
    body = receiver.bodies[-1]
    assert body["title"] == "Tadmur: Prise de ville"
    assert (
        body["text"].startswith("TEST de Vigie : Palmyre reprise")
        and "via vigie-test" in body["text"]
    )
    assert body["alert"]["id"] == "vigie-test"

    # Editing shows the saved template; clearing both fields removes it.
    row.locator("button.edit").click()
    assert form.locator("[name=template_title]").input_value().startswith("{{ alert.place.name }}")
    form.locator("[name=template_title]").fill("")
    form.locator("[name=template_body]").fill("")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#subscriptions tr')]"
        ".some((row) => row.innerText.includes('chat line') && !row.innerText.includes('own template'))",
        timeout=30_000,
    )


def test_a_silence_made_in_the_page_stops_an_alert(
    page: Any, stack: RunningStack, receiver: Receiver
) -> None:
    form = page.locator("#silence-form")
    matcher = form.locator(".matcher").first
    matcher.locator("[name=matcher-name]").select_option("place")
    matcher.locator("[name=matcher-value]").fill("Raqqa")
    form.locator("button[type=submit]").click()  # no comment: refused next to the field
    form.locator('[data-error-for="comment"]').wait_for(timeout=30_000)
    form.locator("[name=comment]").fill("drill: Raqqa reports are exercises today")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#silences tr[data-state=active]", timeout=30_000)

    state = stack.state()
    alerts = (
        sample_alert("silenced-raqqa", place="Raqqa", country="SY"),
        sample_alert("delivered-idlib", place="Idlib", country="SY"),
    )
    # Playwright's loop runs in this thread: the producer gets its own.
    producer = threading.Thread(
        target=lambda: asyncio.run(produce_alerts(state["kafka_bootstrap"], *alerts))
    )
    producer.start()
    producer.join(60)
    wait_until(lambda: "delivered-idlib" in receiver.alert_ids(), 60)
    client = redis.Redis.from_url(state["redis_url"])
    try:
        silence_id = page.locator("#silences tr[data-state=active]").get_attribute(
            "data-silence-id"
        )
        assert client.get(silenced_key("silenced-raqqa", 0)) == silence_id.encode()
    finally:
        client.close()
    assert "silenced-raqqa" not in receiver.alert_ids()

    page.locator("#silences tr[data-state=active] button.expire").click()
    page.wait_for_selector("#silences tr[data-state=expired]", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)


HISTORY_RECORD = {
    "id": "hist-1",
    "revision": 1,
    "kind": "casualty_report",
    "status": "reported",
    "reason": "toll_update",
    "place": {"name": "Alep", "canonical": "Aleppo", "country": "SY", "lat": 36.2, "lon": 37.16},
    "killed": 12,
    "wounded": None,
    "approximate": False,
    "headline": {"fr": "Alep (SY) : 12 morts", "en": "Aleppo (SY): 12 killed"},
    "first_seen": None,  # set to now by the test
    "updated": None,
}


def test_the_history_api_is_used_when_the_stack_has_one(page: Any) -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC).isoformat()
    summary = {**HISTORY_RECORD, "first_seen": now, "updated": now}
    detail = {
        **summary,
        "revisions": [
            {
                "revision": 0,
                "reason": "new",
                "killed": 5,
                "updated": now,
                "evidence": {"text": "Five were killed in Aleppo."},
            },
            {
                "revision": 1,
                "reason": "toll_update",
                "killed": 12,
                "updated": now,
                "evidence": {"text": "The toll in Aleppo rose to 12."},
            },
        ],
        "sources": [
            {"feed": "fil-monde-fr", "lang": "fr", "url": "", "title": "", "published_at": now}
        ],
    }

    def answer(body: object) -> Any:
        return lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(body)
        )

    page.route("**/api/v1/alerts?*", answer({"alerts": [summary], "next_cursor": None}))
    page.route("**/api/v1/alerts/hist-1", answer(detail))
    try:
        page.reload()
        page.wait_for_selector("#map-section[data-from=history]", timeout=30_000)
        page.locator('#map .point[data-alert-id="hist-1"]').click()
        shown = page.locator("#alert-detail[open]")
        shown.wait_for(timeout=30_000)
        assert shown.locator(".evidence blockquote").all_inner_texts() == [
            "Five were killed in Aleppo.",
            "The toll in Aleppo rose to 12.",
        ]
        assert shown.locator(".revisions tbody tr").count() == 2
        shown.locator(".close").click()
    finally:
        page.unroute("**/api/v1/alerts?*")
        page.unroute("**/api/v1/alerts/hist-1")


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


def test_the_history_is_filtered_paged_opened_and_exported(page: Any, stack: RunningStack) -> None:
    page.reload()
    page.wait_for_selector("#history-section[data-state=ready]", timeout=30_000)
    alerts = [shelling(number) for number in range(SHELLINGS)] + list(homs_revisions())
    bootstrap = stack.state()["kafka_bootstrap"]
    producer = threading.Thread(target=lambda: asyncio.run(produce_alerts(bootstrap, *alerts)))
    producer.start()
    producer.join(60)

    # The writer keeps what the stack alerted: search again until the last revision is there.
    def kept() -> bool:
        search(page, q="Homs")
        return "toll rises to 11" in page.locator("#history tbody").inner_text()

    wait_until(kept, SHOWN_WITHIN_MS / 1000, interval=1)

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
    # The alert the silence stopped (test above) is marked so.
    search(page, q="Raqqa")
    assert page.locator("#history tbody tr.silenced").count() == 1
    assert (
        "silenced" in page.locator("#history tbody tr[data-alert-id=silenced-raqqa]").inner_text()
    )
    search(page, country="SY")
    page.locator("#history-section").screenshot(path=str(ARTIFACTS / "console-history.png"))

"""Message templates end to end: written through the API and the CLI, stored in real Redis,
rendered by the alert worker and delivered to a local webhook and a Slack-like receiver."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from alerts.api import create_api
from alerts.channels.registry import ChannelRegistry
from alerts.delivery import Outcome
from alerts.testing import FAST_POLICY, LocalReceiver, sample_alert
from alerts.worker import AlertWorker
from ingest.egress import EgressPolicy
from tests.integration.test_delivery_cli import run, stack_env  # noqa: F401

pytestmark = pytest.mark.integration

AUTH = {"Authorization": "Bearer t0ken"}
LOCAL = EgressPolicy(allow_private=True)
CHAT_LINE = {
    "title": "{{ alert.place.name }}: {{ alert.kind_label }}",
    "body": "{{ alert.title }} ({{ alert.toll or 'no toll' }}) via "
    "{{ alert.sources | map(attribute='name') | join(', ') }}",
}


@pytest.fixture
async def api(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_api(redis_url, "t0ken", egress=LOCAL)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://vigie", headers=AUTH
    ) as client:
        yield client


async def test_templated_alerts_reach_a_webhook_and_a_slack_receiver(
    redis_url: str, api: httpx.AsyncClient, receiver: LocalReceiver
) -> None:
    hook = await api.post(
        "/subscriptions", json={"channel": receiver.url("/hook"), "template": CHAT_LINE}
    )
    assert hook.status_code == 201, hook.text
    assert hook.json()["template"] == CHAT_LINE
    slack = await api.post(
        "/subscriptions",
        json={"channel": receiver.url("/slack", "slack+http"), "lang": "fr", "template": CHAT_LINE},
    )
    assert slack.status_code == 201, slack.text

    alert = sample_alert(
        "kherson",
        place="Kherson",
        country="UA",
        killed=3,
        headline_en="<!channel> Kherson retaken @here",
        headline_fr="<!channel> Kherson reprise @here",
    )
    redis = aioredis.Redis.from_url(redis_url)
    channels = ChannelRegistry(egress=LOCAL, timeout_s=2)
    worker = AlertWorker(redis, channels, FAST_POLICY)
    try:
        outcomes = await worker.handle(alert)
    finally:
        await channels.aclose()
        await redis.aclose()
    assert outcomes == [Outcome.DELIVERED, Outcome.DELIVERED]

    (webhook,) = receiver.on("/hook")
    body = webhook.json()
    assert body["title"] == "Kherson: City captured"
    assert body["text"] == "<!channel> Kherson retaken @here (3 killed) via AFP, Reuters"
    assert body["alert"] == alert.to_dict()
    assert {"schema", "type", "delivery_id", "timestamp", "sent_at", "lang"} <= set(body)

    (chat,) = receiver.on("/slack")
    payload = chat.json()
    text = json.dumps(payload, ensure_ascii=False)
    assert "<!channel>" not in text and "@here" not in text
    section = payload["blocks"][1]["text"]["text"]
    assert section.startswith("&lt;!channel&gt; Kherson reprise @\u2060here (3 morts) via AFP")
    assert payload["blocks"][0]["text"]["text"] == "Kherson: Prise de ville"


async def test_bad_templates_get_a_422_naming_the_field(api: httpx.AsyncClient) -> None:
    hook = "webhook+https://example.org/hook"
    refused = await api.post(
        "/subscriptions", json={"channel": hook, "template": {"body": "{{ alert.plaec }}"}}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0].startswith("template.body: unknown variable")
    escape = await api.post(
        "/subscriptions", json={"channel": hook, "template": {"title": "{{ ''.__class__ }}"}}
    )
    assert escape.status_code == 422
    assert escape.json()["errors"][0].startswith("template.title: not allowed")

    created = (await api.post("/subscriptions", json={"channel": hook})).json()
    path = f"/subscriptions/{created['id']}"
    edited = await api.patch(path, json={"template": {"body": "{% if %}"}})
    assert edited.status_code == 422 and edited.json()["errors"][0].startswith("template.body:")
    assert (await api.get(path)).json()["template"] is None


async def test_preview_renders_the_sample_alert_without_sending(api: httpx.AsyncClient) -> None:
    answer = await api.post("/subscriptions/preview", json={"template": CHAT_LINE, "lang": "fr"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "title": "Tadmur: Prise de ville",
        "text": "TEST de Vigie : Palmyre reprise (alerte d'exemple) (0 morts) "
        "via vigie-test, vigie-test",
    }
    wrapped = await api.post(
        "/subscriptions/preview", json={"template": {"body": ">> {{ default.title }}"}}
    )
    assert wrapped.json()["text"] == ">> TEST from Vigie: Palmyra recaptured (sample alert)"
    bad = await api.post("/subscriptions/preview", json={"template": {"body": "{{ nope }}"}})
    assert bad.status_code == 422
    assert bad.json()["errors"] == ["template.body: unknown variable: 'nope' is undefined"]


@pytest.mark.usefixtures("stack_env")
def test_cli_sets_edits_and_clears_a_template(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hook = "webhook+https://example.org/h"
    code, out, err = run(
        capsys, "subscriptions", "add", "--channel", hook, "--template-title", "{{ alert.title }}"
    )
    assert code == 0, err
    created = json.loads(out)
    assert created["template"] == {"title": "{{ alert.title }}", "body": None}

    mail = tmp_path / "mail.j2"
    mail.write_text("Hello,\n\n{{ default.text }}\n", encoding="utf-8")
    code, out, err = run(capsys, "subscriptions", "edit", created["id"], "--template", str(mail))
    assert code == 0, err
    assert json.loads(out)["template"] == {
        "title": "{{ alert.title }}",
        "body": "Hello,\n\n{{ default.text }}\n",
    }

    code, _, err = run(
        capsys, "subscriptions", "edit", created["id"], "--template-body", "{{ alert.nope }}"
    )
    assert code == 2 and "template.body: unknown variable" in err
    code, _, err = run(
        capsys, "subscriptions", "add", "--channel", hook, "--template", str(tmp_path / "none")
    )
    assert code == 2 and "template.body: cannot read" in err

    code, out, _ = run(capsys, "subscriptions", "edit", created["id"], "--clear", "template")
    assert code == 0 and json.loads(out)["template"] is None


async def test_the_default_templates_are_served_to_start_a_copy(api: httpx.AsyncClient) -> None:
    answer = await api.get("/subscriptions/templates/default", params={"channel": "slack"})
    assert answer.status_code == 200, answer.text
    templates = answer.json()["templates"]
    assert {"default/title.j2", "default/body.j2", "slack/alert.j2"} <= set(templates)
    assert not any(name.startswith("email/") for name in templates)
    copy = {"title": templates["default/title.j2"], "body": templates["default/body.j2"]}
    preview = await api.post("/subscriptions/preview", json={"template": copy, "lang": "fr"})
    default = await api.post("/subscriptions/preview", json={"template": {}, "lang": "fr"})
    assert preview.status_code == 200, preview.text
    assert preview.json() == default.json()


def test_cli_lists_and_prints_the_default_templates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "subscriptions", "template")
    assert code == 0 and "default/body.j2" in out.split() and "email/body.html.j2" in out.split()
    code, out, _ = run(capsys, "subscriptions", "template", "body")
    assert code == 0 and '{% include "default/footer.j2" %}' in out
    code, _, err = run(capsys, "subscriptions", "template", "nope")
    assert code == 2 and "known: title, body" in err

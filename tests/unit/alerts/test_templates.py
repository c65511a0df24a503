"""Message templates: what they render, what they refuse, and how channels send their text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import alerts
from alerts.channels.base import Message
from alerts.channels.discord import DiscordChannel
from alerts.channels.email import SmtpTarget, build_email
from alerts.channels.mattermost import MattermostChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.teams import TeamsChannel
from alerts.channels.webhook import webhook_body
from alerts.metrics import TEMPLATE_FAILURES
from alerts.subscriptions import (
    SubscriptionInvalid,
    build_subscription,
    edit_subscription,
)
from alerts.templating import MessageTemplate, packaged_sources, render_with_template
from alerts.testing import sample_alert

MOSUL = sample_alert(
    "alert-mosul",
    place="Mosul",
    country="IQ",
    killed=12,
    headline_en="Mosul retaken by government forces",
    headline_fr="Mossoul reprise par les forces gouvernementales",
)
HOSTILE = sample_alert(
    "alert-hostile",
    headline_en="<!channel> @here Kherson *captured* [click](http://evil.example)",
    evidence="@everyone <@U123> took Kherson",
)


def _template(body: str | None = None, title: str | None = None) -> MessageTemplate:
    return MessageTemplate.model_construct(title=title, body=body)


@pytest.mark.parametrize(
    ("body", "lang", "expected"),
    [
        ("{{ alert.place.name }} ({{ alert.place.country }})", "en", "Mosul (IQ)"),
        ("{{ alert.title }}", "fr", "Mossoul reprise par les forces gouvernementales"),
        ("{{ alert.headline.en }} / {{ lang }}", "fr", "Mosul retaken by government forces / fr"),
        ("{{ alert.casualties.killed }} killed", "en", "12 killed"),
        ("{{ alert.toll }}", "fr", "12 morts"),
        ("{{ alert.kind_label }} · {{ alert.status }}", "en", "City captured · reported"),
        (
            "{% for s in alert.sources %}{{ s.name }}:{{ s.lang }} {% endfor %}",
            "en",
            "AFP:fr Reuters:en",
        ),
        ("{{ alert.sources | map(attribute='name') | join(', ') }}", "en", "AFP, Reuters"),
        ("{{ alert.actor or 'someone' }} r{{ alert.revision }}", "en", "someone r0"),
        ("{{ alert.id }} {{ alert.reason }}", "en", "alert-mosul new"),
        ("{{ alerts | length }}", "en", "1"),
        ("{{ alert.place.lat is none }}", "en", "True"),
    ],
)
def test_template_renders_the_documented_context(body: str, lang: str, expected: str) -> None:
    rendered = render_with_template((MOSUL,), lang, _template(body))
    assert rendered.template_error is None
    assert rendered.text() == expected


def test_a_template_may_wrap_the_default_text_and_keep_the_default_title() -> None:
    rendered = render_with_template((MOSUL,), "en", _template("[vigie]\n{{ default.text }}"))
    default = render_with_template((MOSUL,), "en", None)
    assert rendered.title == default.title
    assert rendered.text() == "[vigie]\n" + default.text()


def test_title_comes_from_the_template_on_one_line() -> None:
    rendered = render_with_template(
        (MOSUL,), "en", _template(title="{{ alert.place.name }}\n{{ alert.kind }}")
    )
    assert rendered.title == "Mosul city_capture"
    assert rendered.body is None


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ({"body": "{{ alert.plase.name }}"}, "template.body: unknown variable"),
        ({"title": "{{ nothing }}"}, "template.title: unknown variable: 'nothing' is undefined"),
        ({"body": "{% for s in alert.sources %}"}, "template.body: line 1:"),
        ({"body": "{{ alert.title | nosuchfilter }}"}, "No filter named 'nosuchfilter'"),
        ({"body": "{{ 1 / 0 }}"}, "template.body: ZeroDivisionError"),
        ({"body": "{% for i in range(9000) %}{{ default.text }}{% endfor %}"}, "renders longer"),
        ({"title": "{{ default.text }}{{ default.text }}"}, "template.title: renders longer"),
        ({"body": "{{ 'x' * 1000000 }}"}, "a value longer than"),
        ({"body": "x" * 9000}, "template.body: String should have at most"),
        ({"colour": "red"}, "template.colour: Extra inputs are not permitted"),
    ],
)
def test_bad_templates_are_refused_naming_the_field(template: dict[str, str], problem: str) -> None:
    with pytest.raises(SubscriptionInvalid) as refused:
        build_subscription({"channel": "webhook+https://example.org/hook", "template": template})
    assert any(problem in text for text in refused.value.problems), refused.value.problems


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__ }}",
        "{{ namespace.__init__ }}",
        "{{ self.__init__ }}",
        "{{ alert.__class__ }}",
        "{{ alert.sources.append(1) }}",
        "{{ alert.place.update({'name': 'x'}) }}",
        "{{ ''|attr('__class__') }}",
        "{{ '{0.__class__}'.format('') }}",
        "{{ 'x'.ljust(100000000) }}",
        "{{ '%999999999s' % 'x' }}",
        "{{ 2 ** 1000000 }}",
    ],
)
def test_sandbox_escapes_are_refused(body: str) -> None:
    with pytest.raises(SubscriptionInvalid) as refused:
        build_subscription(
            {"channel": "webhook+https://example.org/hook", "template": {"body": body}}
        )
    assert refused.value.problems[0].startswith("template.body: ")


@pytest.mark.parametrize(
    "body",
    [
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        "{% set s = 'x' * 5000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "{{ lipsum(100000) }}",
        "{{ 'a' | center(100000000) }}",
        "{{ (['y'] * 10000) | join('z' * 10000) }}",
        # Values that double at every step stop at the size cap, whatever builds them.
        "{% set ns = namespace(x='ab') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}"
        "{% endfor %}",
        "{% set x = 'a' * 1000 %}" + "{% set x = x ~ x %}" * 40,
        "{% set x = 'a' * 1000 %}" + "{% set x = x + x %}" * 40,
        "{% set x = 'a' * 1000 %}" + "{% set x %}{{ x }}{{ x }}{% endset %}" * 40,
        "{% set x = ['a' * 1000] %}" + "{% set x = [x, x] %}" * 60 + "{{ x | string }}",
    ],
)
def test_pathological_templates_stop(body: str) -> None:
    rendered = render_with_template((MOSUL,), "en", _template(body))
    assert rendered.template_error
    assert rendered.body is None


def test_a_template_failing_at_send_time_sends_the_default_text_and_is_counted() -> None:
    subscription = build_subscription(
        {
            "channel": "webhook+https://example.org/hook",
            "template": {"body": "{{ alert.casualties.killed + 1 }} dead"},
        }
    )
    # The sample alert has a toll; this one has none, so the sum fails.
    alert = sample_alert("alert-no-toll")
    before = TEMPLATE_FAILURES.labels("webhook")._value.get()
    message = Message(subscription, (alert,), "delivery-1")
    assert message.rendered.template_error
    assert message.rendered.text() == render_with_template((alert,), "en", None).text()
    assert TEMPLATE_FAILURES.labels("webhook")._value.get() == before + 1


def _message(alert: object, **template: str) -> Message:
    subscription = build_subscription(
        {"channel": "slack+https://hooks.example.org/x", "template": template}
    )
    return Message(subscription, (alert,), "delivery-1")  # type: ignore[arg-type]


CHAT_TEMPLATE = {
    "title": "{{ alert.title }}",
    "body": "{{ alert.evidence }} — {{ alert.title }}",
}


def test_chat_channels_escape_the_templates_text() -> None:
    message = _message(HOSTILE, **CHAT_TEMPLATE)
    payloads = [
        channel.payload(message)  # type: ignore[abstract]
        for channel in (
            SlackChannel(None),
            DiscordChannel(None),
            MattermostChannel(None),
            TeamsChannel(None),
        )  # type: ignore[arg-type]
    ]
    for payload in payloads:
        flat = str(payload)
        for mention in ("<!channel>", "@here", "@everyone", "<@U123>"):
            assert mention not in flat
    # Markdown text (embed titles and Slack headers are plain text there).
    markdown = [
        payloads[1]["embeds"][0]["description"],
        payloads[2]["text"],
        str(payloads[3]["attachments"][0]["content"]["body"]),
    ]
    for text in markdown:
        assert "[click](http" not in text
    slack_text = payloads[0]["blocks"][1]["text"]["text"]
    assert "&lt;" in slack_text and "Kherson" in slack_text
    assert payloads[1]["allowed_mentions"] == {"parse": []}
    assert "\\*captured\\*" in payloads[2]["text"]


def test_webhook_body_keeps_its_fields_and_carries_the_templates_text() -> None:
    message = _message(MOSUL, title="{{ alert.place.name }}", body="{{ alert.toll }}")
    plain = Message(message.subscription.model_copy(update={"template": None}), (MOSUL,), "d-2")
    body = webhook_body(message)
    assert set(body) == set(webhook_body(plain))
    assert body["title"] == "Mosul"
    assert body["text"] == "12 killed"
    assert body["alert"] == MOSUL.to_dict()


def test_email_sends_the_templates_text_and_escapes_its_html() -> None:
    message = _message(HOSTILE, title="{{ alert.place.name }}", body="{{ alert.title }}\n\nbye")
    target = SmtpTarget.from_url("smtp://mail.example.org/?to=a@example.org")
    email = build_email(message, target)
    assert email["Subject"] == "Mosul"
    text, html = (part.get_content() for part in email.iter_parts())
    assert text.startswith("<!channel> @here Kherson")
    assert "<!channel>" not in html and "&lt;!channel&gt;" in html


def test_edit_sets_and_clears_a_template() -> None:
    subscription = build_subscription({"channel": "webhook+https://example.org/hook"})
    edited = edit_subscription(subscription, {"template": {"body": "{{ alert.title }}"}})
    assert edited.template is not None and edited.template.body == "{{ alert.title }}"
    assert edited.public_dict()["template"] == {"title": None, "body": "{{ alert.title }}"}
    assert edit_subscription(edited, {"template": None}).template is None
    with pytest.raises(SubscriptionInvalid, match=r"template\.body: unknown variable"):
        edit_subscription(subscription, {"template": {"body": "{{ alert.nope }}"}})


def test_the_documented_e_mail_template_renders() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[3] / "docs" / "channels.md").read_text(encoding="utf-8")
    body = doc.split("```jinja\n", 1)[1].split("```", 1)[0]
    rendered = render_with_template((MOSUL,), "en", MessageTemplate(body=body))
    assert rendered.template_error is None
    text = rendered.text()
    assert "Place: Mosul, IQ\nKilled: 12\n" in text
    assert "- AFP (fr) https://news.example.org/alert-mosul/0" in text
    assert text.endswith(render_with_template((MOSUL,), "en", None).text())


def test_a_digest_template_sees_every_alert() -> None:
    other = sample_alert("alert-raqqa", place="Raqqa", country="SY")
    template = _template("{% for each in alerts %}{{ each.place.name }};{% endfor %}", "{{ lang }}")
    rendered = render_with_template((MOSUL, other), "fr", template)
    assert (rendered.title, rendered.text()) == ("fr", "Mosul;Raqqa;")
    subscription = build_subscription(
        {
            "channel": "slack+https://hooks.example.org/x",
            "template": {"body": "{{ alerts | length }}"},
        }
    )
    payload = SlackChannel(None).payload(Message(subscription, (MOSUL, other), "d-3"))  # type: ignore[arg-type]
    assert payload["blocks"][1]["text"]["text"] == "2"


def test_declared_subscriptions_carry_checked_templates() -> None:
    from alerts.subscription_store import parse_declared

    entries = [
        {
            "name": "desk",
            "channel": "webhook+https://example.org/hook",
            "template": {"title": "{{ alert.place.name }}", "body": "{{ default.text }}"},
        },
        {
            "name": "typo",
            "channel": "webhook+https://example.org/hook",
            "template": {"body": "{{ x }}"},
        },
    ]
    with pytest.raises(SubscriptionInvalid) as refused:
        parse_declared(entries)
    assert refused.value.problems == [
        "subscriptions[1] (typo): template.body: unknown variable: 'x' is undefined"
    ]
    (desk,) = parse_declared(entries[:1])
    assert desk.template == MessageTemplate(
        title="{{ alert.place.name }}", body="{{ default.text }}"
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("alerts", [(MOSUL,), (MOSUL, HOSTILE)], ids=["single", "digest"])
def test_a_copy_of_the_default_templates_says_what_the_default_says(
    lang: str, alerts: tuple[object, ...]
) -> None:
    sources = packaged_sources()
    copy = _template(title=sources["default/title.j2"], body=sources["default/body.j2"])
    default = render_with_template(alerts, lang, None)  # type: ignore[arg-type]
    rendered = render_with_template(alerts, lang, copy)  # type: ignore[arg-type]
    assert rendered.template_error is None
    assert (rendered.title, rendered.text()) == (default.title, default.text())


def test_a_template_may_include_a_part_of_the_default_message() -> None:
    rendered = render_with_template(
        (MOSUL,), "fr", _template('[{% include "default/footer.j2" %}] {{ alert.facts[0].value }}')
    )
    assert rendered.text() == "[Vigie · alerte alert-mosul · révision 0] Prise de ville"
    outside = render_with_template((MOSUL,), "fr", _template('{% include "../render.py" %}'))
    assert outside.template_error and outside.body is None


def test_channel_templates_escape_what_they_print_and_default_ones_do_not() -> None:
    rendered = render_with_template((HOSTILE,), "en", None)
    assert rendered.title.startswith("<!channel> @here Kherson *captured*")
    assert "@everyone <@U123> took Kherson" in rendered.text()
    section = rendered.alerts[0].markup("slack/alert.j2")
    assert "> @\u2060everyone &lt;@\u2060U123&gt; took Kherson" in section
    # A link the template marks safe keeps its markup; its label is escaped.
    assert "<https://news.example.org/alert-hostile/0|AFP>" in section
    html = rendered.markup("email/body.html.j2")
    assert "&lt;!channel&gt; @here Kherson" in html and "<h2>" in html


def test_every_packaged_template_ships_in_the_wheel() -> None:
    root = Path(alerts.__file__).parent
    with open(root.parent / "pyproject.toml", "rb") as file:
        globs = tomllib.load(file)["tool"]["setuptools"]["package-data"]["alerts"]
    files = [path.relative_to(root) for path in (root / "templates").rglob("*") if path.is_file()]
    assert files and set(packaged_sources()) == {
        str(path.relative_to("templates")) for path in files
    }
    assert all(any(path.match(glob) for glob in globs) for path in files), globs

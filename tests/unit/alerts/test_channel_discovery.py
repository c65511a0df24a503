"""Channels are found, not listed: each module declares its kind and schemes and reads its own URL."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from alerts.channels import channel_class, channel_classes, check_channel_url, discover
from alerts.channels.base import HttpChannel


def test_every_channel_of_vigie_is_found_with_its_schemes() -> None:
    schemes = {kind: set(cls.schemes) for kind, cls in channel_classes().items()}
    assert schemes == {
        "console": {"console"},
        "webhook": {"webhook"},
        "slack": {"slack"},
        "discord": {"discord"},
        "teams": {"teams"},
        "mattermost": {"mattermost"},
        "email": {"smtp", "smtps"},
        "apprise": {"apprise"},
    }


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("webhook+http://h/x", "webhook"),
        ("slack://hooks.slack.com/x", "slack"),
        ("smtps://h/?to=a@b.c", "email"),
        ("apprise+tgram://token/chat", "apprise"),
        ("console+https://x", None),
        ("smtp+https://x", None),
        ("gopher://x", None),
    ],
)
def test_a_url_selects_its_channel_class(url: str, kind: str | None) -> None:
    cls = channel_class(url)
    assert (cls.kind if cls else None) == kind


def test_a_new_channel_is_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "more_channels"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "pager.py").write_text(
        textwrap.dedent(
            """
            from typing import Any, ClassVar

            from alerts.channels.base import HttpChannel, Message


            class PagerChannel(HttpChannel):
                kind: ClassVar[str] = "pager"

                def payload(self, message: Message) -> dict[str, Any]:
                    return {"summary": message.rendered.title}
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = discover("more_channels")
    finally:
        for name in [name for name in sys.modules if name.startswith("more_channels")]:
            del sys.modules[name]
    assert list(found) == ["pager"]
    pager = found["pager"]
    assert issubclass(pager, HttpChannel) and pager.schemes == frozenset({"pager"})
    assert pager.check_url("pager+https://events.example.org/v2") is None
    assert pager.target("pager://events.example.org/v2") == ("events.example.org", 443, True)
    assert "transport must be https or http" in (pager.check_url("pager+ftp://x/") or "")


def test_unknown_schemes_are_named_with_the_known_ones() -> None:
    problem = check_channel_url("gopher://example.org/")
    assert problem is not None and "known: apprise, console, discord" in problem

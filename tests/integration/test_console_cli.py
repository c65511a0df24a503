"""`vigie subscriptions edit` and `vigie silences` against real Redis, through the CLI."""

from __future__ import annotations

import json

import pytest

# The fixture is shared by name: every command finds the test Redis through the environment.
from tests.integration.test_delivery_cli import run, stack_env  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("stack_env")]


def test_subscriptions_edit(capsys: pytest.CaptureFixture[str]) -> None:
    hook = "webhook+https://example.org/h"
    _, out, _ = run(
        capsys, "subscriptions", "add", "--channel", hook, "--country", "IQ", "--secret", "k"
    )
    created = json.loads(out)
    code, out, _ = run(
        capsys,
        "subscriptions",
        "edit",
        created["id"],
        "--country",
        "sy",
        "--country",
        "lb",
        "--pause",
    )
    edited = json.loads(out)
    assert code == 0 and edited["countries"] == ["SY", "LB"] and edited["paused"] is True
    assert (edited["secret"], edited["channel"]) == ("***", hook)

    code, out, _ = run(
        capsys, "subscriptions", "edit", created["id"], "--resume", "--clear", "countries"
    )
    assert code == 0 and json.loads(out)["countries"] == [] and json.loads(out)["paused"] is False

    code, _, err = run(capsys, "subscriptions", "edit", created["id"], "--country", "Syria")
    assert code == 2 and "countries: country codes are ISO 3166" in err
    code, _, err = run(capsys, "subscriptions", "edit", "sub_none", "--pause")
    assert code == 1 and "no subscription" in err
    code, _, err = run(capsys, "subscriptions", "edit", created["id"])
    assert code == 2 and "nothing to change" in err


def test_silences_add_list_expire(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "silences",
        "add",
        "country=SY",
        "place=~Alep.*",
        "-d",
        "90m",
        "-c",
        "known",
        "--author",
        "ops",
    )
    silence = json.loads(out)
    assert code == 0 and silence["state"] == "active" and silence["created_by"] == "ops"
    assert [(m["name"], m["op"], m["value"]) for m in silence["matchers"]] == [
        ("country", "=", "SY"),
        ("place", "=~", "Alep.*"),
    ]
    code, out, _ = run(capsys, "silences", "list")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [silence["id"]]

    code, out, _ = run(capsys, "silences", "expire", silence["id"])
    assert code == 0 and json.loads(out)["state"] == "expired"
    assert run(capsys, "silences", "list")[1] == ""
    assert json.loads(run(capsys, "silences", "list", "--expired")[1])["id"] == silence["id"]

    code, _, err = run(capsys, "silences", "add", "Syria", "-c", "x")
    assert code == 2 and "name=value" in err
    code, _, err = run(capsys, "silences", "add", "kind=city_capture", "-c", "x", "-d", "soon")
    assert code == 2 and "--duration" in err
    assert run(capsys, "silences", "expire", "sil_none")[0] == 1


def test_feeds_add_list_pause_remove(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "feeds", "add", "afp-fr", "https://afp.example/fr.xml", "--lang", "fr"
    )
    assert code == 0 and json.loads(out)["lang"] == "fr" and json.loads(out)["paused"] is False
    code, _, err = run(capsys, "feeds", "add", "afp-fr", "https://afp.example/other.xml")
    assert code == 2 and "name: a feed named 'afp-fr' already exists" in err
    code, _, err = run(
        capsys, "feeds", "add", "afp-en", "https://afp.example/en", "--interval", "0"
    )
    assert code == 2 and "interval: must be at least" in err
    code, _, err = run(capsys, "feeds", "add", "meta", "http://169.254.169.254/latest")
    assert code == 2 and "url: refused target" in err

    code, out, _ = run(capsys, "feeds", "pause", "afp-fr")
    assert code == 0 and json.loads(out)["paused"] is True
    assert json.loads(run(capsys, "feeds", "list")[1])["paused"] is True
    assert json.loads(run(capsys, "feeds", "resume", "afp-fr")[1])["paused"] is False
    assert run(capsys, "feeds", "remove", "afp-fr")[0] == 0
    assert run(capsys, "feeds", "list")[1] == ""
    assert run(capsys, "feeds", "remove", "afp-fr")[0] == 1

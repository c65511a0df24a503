"""The production deployment: ``docker-compose.yml``, ``Dockerfile`` and the config they mount.

No Docker engine runs the tests, so these check the structure users rely on: the services,
their images, persistence, the environment every Vigie process reads and the commands.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from ingest.feeds import load_feeds
from kernel.contracts import ALL_TOPICS
from kernel.settings import Settings
from vigie.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
VIGIE_SERVICES = ("ingest", "streams", "alerts", "history-writer", "web")
SCALABLE = ("streams", "alerts")
REQUIRED_ENV = (
    "VIGIE_KAFKA_BOOTSTRAP",
    "REDIS_URL",
    "VIGIE_FEEDS_FILE",
    "VIGIE_SUBSCRIPTIONS_FILE",
    "VIGIE_INGEST_METRICS_PORT",
    "VIGIE_STREAMS_METRICS_PORT",
    "VIGIE_ALERTS_METRICS_PORT",
    "VIGIE_STATUS_PORT",
    "VIGIE_API_TOKEN",
    "VIGIE_BIND",
)
#: What an operator must export before `docker compose up` (``${NAME:?message}`` in the file).
OPERATOR_ENV = {"VIGIE_API_TOKEN": "k3J9-operator-chosen-token-0123456789"}


def _env(service: str) -> dict[str, str]:
    environment = SERVICES[service].get("environment") or {}
    if isinstance(environment, list):
        environment = dict(entry.split("=", 1) for entry in environment)
    return {key: str(value) for key, value in environment.items()}


def _command(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else [str(word) for word in command]


def _host_ports(service: str) -> list[str]:
    return [str(port) for port in SERVICES[service].get("ports", [])]


def _container_path(mount: str) -> str:
    return mount.split(":")[1]


# --- the services --------------------------------------------------------------------------


def test_every_part_of_the_stack_is_a_service() -> None:
    assert {"kafka", "topics", "redis", "postgres", *VIGIE_SERVICES} <= set(SERVICES)


def test_postgres_keeps_the_history_in_a_named_volume_and_is_waited_for() -> None:
    postgres = SERVICES["postgres"]
    assert postgres["image"].startswith("postgres:")
    volume, target = postgres["volumes"][0].split(":")[:2]
    assert target == "/var/lib/postgresql/data"
    assert volume in COMPOSE["volumes"]
    assert "pg_isready" in postgres["healthcheck"]["test"]
    url = urlsplit(_interpolate(_env("history-writer")["VIGIE_HISTORY_URL"]))
    assert (url.scheme, url.hostname, url.path) == ("postgresql", "postgres", "/vigie")
    assert url.username == _env("postgres")["POSTGRES_USER"]
    for service in VIGIE_SERVICES:
        assert SERVICES[service]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_kafka_is_a_single_kraft_node_without_topic_auto_creation() -> None:
    kafka = SERVICES["kafka"]
    env = _env("kafka")
    assert kafka["image"].startswith("apache/kafka:")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    voters = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
    assert voters == [f"{env['KAFKA_NODE_ID']}@kafka:9093"]
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in env["KAFKA_LISTENERS"]
    assert "zookeeper" not in json.dumps(kafka).lower()
    assert kafka["healthcheck"]["test"]


def test_vigie_services_bootstrap_from_an_advertised_kafka_listener() -> None:
    advertised = {
        listener.split("://", 1)[1]
        for listener in _env("kafka")["KAFKA_ADVERTISED_LISTENERS"].split(",")
    }
    for service in VIGIE_SERVICES:
        assert _env(service)["VIGIE_KAFKA_BOOTSTRAP"] in advertised, service


def test_topics_job_creates_every_vigie_topic_idempotently() -> None:
    topics = SERVICES["topics"]
    script = " ".join([*topics.get("entrypoint", []), *_command("topics")])
    assert topics["image"] == SERVICES["kafka"]["image"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "/opt/kafka/bin/kafka-topics.sh" in script
    assert "--create" in script and "--if-not-exists" in script and "--partitions" in script
    for topic in ALL_TOPICS:
        assert re.search(rf"(?<![\w.]){re.escape(topic)}(?![\w.])", script), topic


def test_redis_persists_its_append_only_file_in_a_named_volume() -> None:
    redis = SERVICES["redis"]
    command = _command("redis")
    assert redis["image"].startswith("redis:")
    assert command[command.index("--appendonly") + 1] == "yes"
    volume, target = redis["volumes"][0].split(":")[:2]
    assert target == "/data"
    assert volume in COMPOSE["volumes"]
    assert "redis-cli" in redis["healthcheck"]["test"] and "ping" in redis["healthcheck"]["test"]


@pytest.mark.parametrize("service", VIGIE_SERVICES)
def test_vigie_service_runs_the_image_with_the_shared_environment(service: str) -> None:
    env = _env(service)
    assert set(REQUIRED_ENV) <= set(env)
    assert urlsplit(env["REDIS_URL"]).hostname == "redis"
    assert SERVICES[service]["build"] == "."
    assert env == _env("ingest")


@pytest.mark.parametrize("service", VIGIE_SERVICES)
def test_vigie_service_starts_after_kafka_topics_and_redis(service: str) -> None:
    depends_on = SERVICES[service]["depends_on"]
    assert depends_on["kafka"]["condition"] == "service_healthy"
    assert depends_on["topics"]["condition"] == "service_completed_successfully"
    assert depends_on["redis"]["condition"] == "service_healthy"


def _interpolate(value: str) -> str:
    """Compose's interpolation with only ``OPERATOR_ENV`` set: defaults, required values."""
    value = re.sub(r"\$\{([A-Z_]+):\?[^}]*\}", lambda match: OPERATOR_ENV[match[1]], value)
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_environment_is_read_by_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = set(Settings.model_fields)
    for name, value in _env("ingest").items():
        if name.startswith("VIGIE_"):
            assert name.removeprefix("VIGIE_").lower() in fields, name
        monkeypatch.setenv(name, _interpolate(value))
    settings = Settings()
    assert settings.kafka_bootstrap == "kafka:9092"
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.feeds_file == Path("/config/feeds.yaml")
    assert settings.subscriptions_file == Path("/config/subscriptions.yaml")
    assert (
        settings.ingest_metrics_port,
        settings.streams_metrics_port,
        settings.alerts_metrics_port,
        settings.status_port,
    ) == (9401, 9402, 9403, 8470)
    assert settings.api_token is not None
    assert settings.api_token.get_secret_value() == OPERATOR_ENV["VIGIE_API_TOKEN"]
    assert settings.bind == "0.0.0.0"


def test_the_api_token_has_no_default_and_must_be_strong() -> None:
    from vigie.web.app import exposure_problem

    raw = _env("web")["VIGIE_API_TOKEN"]
    # ``${VIGIE_API_TOKEN:?…}``: compose refuses to start until the operator sets one.
    assert re.fullmatch(r"\$\{VIGIE_API_TOKEN:\?[^}]+\}", raw), raw
    token = _interpolate(raw)
    assert exposure_problem(_env("web")["VIGIE_BIND"], token) is None
    assert exposure_problem(_env("web")["VIGIE_BIND"], "change-me") is not None
    assert exposure_problem(_env("web")["VIGIE_BIND"], None) is not None


@pytest.mark.parametrize("service", VIGIE_SERVICES)
def test_services_listen_on_every_interface_inside_their_container(service: str) -> None:
    assert _env(service)["VIGIE_BIND"] == "0.0.0.0"


@pytest.mark.parametrize("service", SCALABLE)
def test_workers_can_be_scaled(service: str) -> None:
    assert "container_name" not in SERVICES[service]
    assert _host_ports(service) == []


def test_web_publishes_the_status_port() -> None:
    status_port = _env("web")["VIGIE_STATUS_PORT"]
    assert any(port.endswith(f":{status_port}") for port in _host_ports("web"))


# --- the commands --------------------------------------------------------------------------


@pytest.mark.parametrize("service", VIGIE_SERVICES)
def test_command_is_a_vigie_subcommand(service: str) -> None:
    assert _command(service)[0] == service
    assert service in COMMANDS


def test_commands_are_registered_with_the_parser() -> None:
    try:
        parser = build_parser()
    except (ImportError, AttributeError) as exc:  # a subcommand module not written yet
        pytest.skip(f"the CLI parser does not build yet: {exc}")
    subcommands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    for service in VIGIE_SERVICES:
        assert _command(service)[0] in subcommands.choices, service


# --- the mounted configuration -------------------------------------------------------------


def test_config_folder_is_mounted_read_only_where_the_settings_point() -> None:
    mounts = SERVICES["ingest"]["volumes"]
    assert "./deploy/config:/config:ro" in mounts
    config_dir = Path(_container_path("./deploy/config:/config:ro"))
    env = _env("ingest")
    for variable in ("VIGIE_FEEDS_FILE", "VIGIE_SUBSCRIPTIONS_FILE"):
        in_container = Path(env[variable])
        assert in_container.parent == config_dir
        assert (ROOT / "deploy" / "config" / in_container.name).is_file(), variable


def test_example_feeds_are_public_feeds_in_both_languages() -> None:
    feeds = load_feeds(ROOT / "deploy" / "config" / "feeds.yaml")
    assert {feed.lang for feed in feeds} == {"fr", "en"}
    assert all(feed.url.startswith("https://") for feed in feeds)


def test_example_subscriptions_file_declares_none_until_edited() -> None:
    text = (ROOT / "deploy" / "config" / "subscriptions.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {"subscriptions": None}
    assert "#    channel: webhook+https://" in text


# --- the image -----------------------------------------------------------------------------


def _dockerfile() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = re.sub(r"\\\n\s*", " ", text).splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_image_installs_the_package_and_runs_vigie_as_a_non_root_user() -> None:
    lines = _dockerfile()
    final_stage = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM "))]
    assert final_stage.split()[1] == "python:3.11-slim"
    assert any(line.startswith("RUN") and "pip install" in line for line in lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    entrypoint = [line for line in lines if line.startswith("ENTRYPOINT ")]
    assert json.loads(entrypoint[-1].removeprefix("ENTRYPOINT ")) == ["vigie"]


def test_build_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", ".vigie"} <= set(ignored)


def test_image_copies_every_package_the_project_installs() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        pattern.rstrip("*")
        for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    copied = {line.split()[1] for line in _dockerfile() if line.startswith("COPY ")}
    assert packages <= copied


def test_git_ignores_the_virtual_environment_as_a_directory_or_a_link() -> None:
    # ".venv/" matches only a directory: a worktree's link to a shared environment got committed.
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv" in ignored

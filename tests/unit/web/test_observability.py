"""Prometheus and Grafana of the compose deployment: they scrape, health-check and chart the
metrics the processes really export."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
#: Each Vigie service and the setting naming the port of its /metrics and /healthz.
METRICS_PORTS = {
    "ingest": "VIGIE_INGEST_METRICS_PORT",
    "streams": "VIGIE_STREAMS_METRICS_PORT",
    "alerts": "VIGIE_ALERTS_METRICS_PORT",
    "web": "VIGIE_STATUS_PORT",
}
DASHBOARD = json.loads((DEPLOY / "grafana" / "dashboards" / "vigie.json").read_text("utf-8"))


def port_of(service: str) -> int:
    return int(SERVICES[service]["environment"][METRICS_PORTS[service]])


def exported_names() -> set[str]:
    """Every sample name the Vigie processes can export, Faust's sensor included."""
    import faust

    from kernel.ops import install_faust_sensor

    for module in ("ingest.metrics", "streams.metrics", "alerts.metrics"):
        importlib.import_module(module)
    install_faust_sensor(faust.App("vigie-names", web_enabled=False))
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
    return names


@pytest.mark.parametrize("service", METRICS_PORTS)
def test_prometheus_scrapes_every_replica_of_each_service_on_its_metrics_port(service: str) -> None:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text(encoding="utf-8"))
    discovered = {
        (name, sd["port"])
        for job in config["scrape_configs"]
        for sd in job.get("dns_sd_configs", [])
        for name in sd["names"]
    }
    assert (service, port_of(service)) in discovered


@pytest.mark.parametrize("service", METRICS_PORTS)
def test_compose_health_checks_the_healthz_of_each_service(service: str) -> None:
    check = " ".join(SERVICES[service]["healthcheck"]["test"])
    assert f"127.0.0.1:{port_of(service)}/healthz" in check


def test_prometheus_and_grafana_run_with_provisioning_mounted() -> None:
    assert (
        "./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
        in SERVICES["prometheus"]["volumes"]
    )
    mounts = SERVICES["grafana"]["volumes"]
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
    assert "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro" in mounts
    provider = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "dashboards" / "vigie.yml").read_text("utf-8")
    )
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    source = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text("utf-8")
    )
    [datasource] = source["datasources"]
    assert datasource["url"] == "http://prometheus:9090"
    uids = {panel["datasource"]["uid"] for panel in DASHBOARD["panels"]}
    assert uids == {datasource["uid"]}


def test_dashboard_charts_throughput_lag_alerts_deliveries_and_feed_errors() -> None:
    titles = {panel["title"] for panel in DASHBOARD["panels"]}
    assert {"Throughput", "Consumer lag", "Alerts", "Deliveries", "Feed errors"} <= titles


def test_every_dashboard_query_uses_metrics_the_processes_export() -> None:
    exported = exported_names()
    for panel in DASHBOARD["panels"]:
        for target in panel["targets"]:
            for name in re.findall(r"\bvigie_\w+", target["expr"]):
                assert name in exported, f"{panel['title']}: {name}"

"""The broker store's command line: every port explicit, 127.0.0.1 only, no extras."""

from __future__ import annotations

from pathlib import Path

from vigie.embedded.storage import (
    COMPONENTS,
    GRPC_OFFSET,
    S3Credentials,
    SeaweedStore,
    weed_command,
    weed_env,
)


def test_every_port_is_explicit_and_distinct(tmp_path: Path) -> None:
    store = SeaweedStore(tmp_path)
    command = weed_command("weed", tmp_path, store.ports)
    ports = [int(arg.split("=")[1]) for arg in command if ".port" in arg and "=0" not in arg]
    assert len(ports) == 2 * len(COMPONENTS) == len(set(ports))
    for name in COMPONENTS:
        assert f"-{name}.port={store.ports[name]}" in command
        assert f"-{name}.port.grpc={store.ports[name] + GRPC_OFFSET}" in command
    for flag in (
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-admin.ui=false",
        "-webdav=false",
        "-master.telemetry=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ):
        assert flag in command


def test_credentials_and_memory_limit_go_through_the_environment_only(tmp_path: Path) -> None:
    credentials = S3Credentials("key", "secret")
    env = weed_env(credentials, 128)
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("key", "secret")
    assert env["GOMEMLIMIT"] == "128MiB"
    store = SeaweedStore(tmp_path, credentials=credentials)
    assert "secret" not in " ".join(weed_command("weed", tmp_path, store.ports))
    assert store.broker_env()["AWS_ENDPOINT"] == store.endpoint

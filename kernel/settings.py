"""Typed settings, read once from ``VIGIE_*`` environment variables at the entry point.

Everything below the CLI receives plain values or clients built from these, never the
environment itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.vocabulary import KIND_SPECS, EventKind

DEFAULT_DATA_DIR = Path(".vigie")

# Documented default ports of the embedded stack; 0 means "any free port".
DEFAULT_STATUS_PORT = 8470
DEFAULT_BROKER_METRICS_PORT = 9400
DEFAULT_INGEST_METRICS_PORT = 9401
DEFAULT_STREAMS_METRICS_PORT = 9402
DEFAULT_ALERTS_METRICS_PORT = 9403
DEFAULT_HISTORY_METRICS_PORT = 9404
DEFAULT_DEMO_FEEDS_PORT = 8479
DEFAULT_WEBSUB_PORT = 8475
#: Environment variables of every port the embedded stack opens; set them to 0 for any free one.
PORT_VARIABLES = (
    "VIGIE_STATUS_PORT",
    "VIGIE_BROKER_METRICS_PORT",
    "VIGIE_INGEST_METRICS_PORT",
    "VIGIE_STREAMS_METRICS_PORT",
    "VIGIE_ALERTS_METRICS_PORT",
    "VIGIE_HISTORY_METRICS_PORT",
    "VIGIE_DEMO_FEEDS_PORT",
)


class Settings(BaseSettings):
    """Every knob of Vigie, with the defaults of the embedded stack."""

    model_config = SettingsConfigDict(env_prefix="VIGIE_", extra="ignore")

    # Where the running stack keeps broker state, Redis AOF, logs and its state file.
    data_dir: Path = DEFAULT_DATA_DIR
    # Kafka bootstrap servers; unset means "the running embedded stack's broker".
    kafka_bootstrap: str | None = None
    # Redis URL; unset means "the running stack's Redis", or a spawned one for `vigie up`.
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("VIGIE_REDIS_URL", "REDIS_URL")
    )
    partitions: int = Field(default=4, ge=1, le=256)
    replication_factor: int = Field(default=1, ge=1)
    # Consumer session timeout; short in embedded mode so a first join is quick on Tansu.
    session_timeout_s: float = Field(default=6.0, gt=0)
    broker_port: int = Field(default=0, ge=0, le=65535)
    # Where the embedded broker keeps its log: "durable" (SeaweedFS S3 store under the data
    # directory, survives kill -9 and restarts) or "memory" (lost with the broker process).
    broker_storage: Literal["durable", "memory"] = "durable"
    # S3 port of the durable store (0: any free one) and Go's memory limit for it.
    broker_store_port: int = Field(default=0, ge=0, le=65535)
    broker_store_memory_mb: int = Field(default=256, ge=64)

    # Ingest
    feeds_file: Path | None = None
    poll_interval_s: float = Field(default=300.0, gt=0)
    connect_timeout_s: float = Field(default=5.0, gt=0)
    read_timeout_s: float = Field(default=15.0, gt=0)
    # Whole fetch of a feed (connect, headers, body): ends a server that trickles bytes.
    fetch_deadline_s: float = Field(default=30.0, gt=0)
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    user_agent: str = "Vigie/0.1 (+https://github.com/vigie-alerts/vigie)"
    seen_ttl_days: int = Field(default=30, ge=1)
    # Polls running at once in one ingest process, and at most this many per host (host:port).
    poll_in_flight: int = Field(default=256, ge=1)
    poll_per_host: int = Field(default=4, ge=1)
    # WebSub push: the public URL hubs call back (off when unset), where its listener binds
    # (VIGIE_BIND when unset: loopback by default), the lease asked for, and the interval of
    # the safety-net polls of a feed a hub pushes.
    websub_callback_url: str | None = None
    websub_bind: str | None = None
    websub_port: int = Field(default=DEFAULT_WEBSUB_PORT, ge=0, le=65535)
    websub_lease_s: int = Field(default=86400, ge=60)
    websub_poll_interval_s: float = Field(default=3600.0, gt=0)

    # Streams / dedup
    capture_window_hours: float = Field(
        default=KIND_SPECS[EventKind.CITY_CAPTURE].window_hours, gt=0
    )
    casualty_window_hours: float = Field(
        default=KIND_SPECS[EventKind.CASUALTY_REPORT].window_hours, gt=0
    )
    event_ttl_days: int = Field(default=7, ge=1)
    revision_min_ratio: float = Field(default=0.2, ge=0)
    revision_min_count: int = Field(default=3, ge=0)
    near_duplicate_threshold: float = Field(default=0.5, gt=0, le=1)

    # Egress: every outbound connection (feeds, their redirects, channels) goes to public
    # addresses only, unless private ones are allowed (demo, tests) or listed here: comma-
    # separated CIDRs, addresses and host names (".corp.example" covers its subdomains).
    allow_private_targets: bool = False
    allowed_targets: str = ""

    # Listening: the address every Vigie process binds (0.0.0.0 inside containers).
    bind: str = "127.0.0.1"

    # Delivery
    console: bool = True
    # Bearer token of the API and the status page; required when listening beyond loopback.
    api_token: SecretStr | None = None
    # Quick tries of a synchronous re-send; the alert worker retries until the horizon instead.
    delivery_attempts: int = Field(default=6, ge=1)
    delivery_backoff_s: float = Field(default=1.0, ge=0)
    delivery_backoff_max_s: float = Field(default=300.0, ge=0)
    delivery_timeout_s: float = Field(default=10.0, gt=0)
    # How long the alert worker retries a failing delivery before dead-lettering it (24 h).
    delivery_retry_horizon_s: float = Field(default=24 * 3600.0, gt=0)
    # Consecutive failures that pause a target (circuit breaker) until a probe succeeds.
    delivery_breaker_threshold: int = Field(default=5, ge=1)
    channel_concurrency: int = Field(default=4, ge=1)
    digest_threshold: int = Field(default=5, ge=1)
    digest_window_s: float = Field(default=300.0, ge=0)
    revision_merge_window_s: float = Field(default=60.0, ge=0)
    subscriptions_file: Path | None = None
    # How often the alert worker commits handled offsets (a crash re-reads at most this much).
    delivery_commit_interval_s: float = Field(default=1.0, gt=0)
    # Language of the console channel's headline (both headlines are always in the line).
    console_lang: str = Field(default="en", pattern="^(fr|en)$")

    # History: a SQLAlchemy URL (postgresql://user:password@host/db); unset means the SQLite
    # file history.db in the data directory.
    history_url: SecretStr | None = None

    # Operators
    status_port: int = Field(default=DEFAULT_STATUS_PORT, ge=0, le=65535)
    broker_metrics_port: int = Field(default=DEFAULT_BROKER_METRICS_PORT, ge=0, le=65535)
    ingest_metrics_port: int = Field(default=DEFAULT_INGEST_METRICS_PORT, ge=0, le=65535)
    streams_metrics_port: int = Field(default=DEFAULT_STREAMS_METRICS_PORT, ge=0, le=65535)
    alerts_metrics_port: int = Field(default=DEFAULT_ALERTS_METRICS_PORT, ge=0, le=65535)
    history_metrics_port: int = Field(default=DEFAULT_HISTORY_METRICS_PORT, ge=0, le=65535)
    demo_feeds_port: int = Field(default=DEFAULT_DEMO_FEEDS_PORT, ge=0, le=65535)
    log_level: str = "INFO"

    @property
    def state_file(self) -> Path:
        """The JSON file where a running `vigie up` records its addresses and ports."""
        return self.data_dir / "state.json"

    @property
    def history_database(self) -> str:
        """The history database URL: ``VIGIE_HISTORY_URL``, else SQLite in the data directory."""
        if self.history_url is not None:
            return self.history_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'history.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read the environment once; explicit overrides (from CLI flags) win over it."""
    values = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**values)  # type: ignore[arg-type]

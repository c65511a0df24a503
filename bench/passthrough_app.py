"""A pass-through Faust agent (bench.items -> bench.passthrough), the baseline of bench/pipeline.py."""

from __future__ import annotations

import sys

import faust


def main(bootstrap: str, session_timeout: float = 6.0) -> None:
    """Run the pass-through worker until stopped."""
    app = faust.App(
        "vigie-bench-passthrough",
        broker=f"kafka://{bootstrap}",
        store="memory://",
        web_enabled=False,
        topic_allow_declare=False,
        topic_disable_leader=True,
        broker_session_timeout=session_timeout,
        broker_heartbeat_interval=1.0,
        broker_commit_interval=1.0,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
    )
    source = app.topic("bench.items", key_serializer="raw", value_serializer="raw")
    sink = app.topic("bench.passthrough", key_serializer="raw", value_serializer="raw")

    @app.agent(source)
    async def passthrough(stream):  # type: ignore[no-untyped-def]
        async for key, value in stream.items():
            await sink.send(key=key, value=value)

    faust.Worker(
        app, loglevel="warn", quiet=True, redirect_stdouts=False
    ).execute_from_commandline()


if __name__ == "__main__":
    main(sys.argv[1])

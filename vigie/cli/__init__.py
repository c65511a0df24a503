"""The ``vigie`` command line: one module per subcommand, each with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from vigie import __version__

#: Subcommands (modules of the same name, ``-`` written ``_``), in the order ``vigie --help`` lists them.
COMMANDS = (
    "up",
    "detect",
    "replay",
    "history",
    "subscriptions",
    "silences",
    "feeds",
    "dead",
    "status",
    "ingest",
    "streams",
    "alerts",
    "history-writer",
    "web",
)


NOISY_LOGGERS = (
    "kafka",
    "aiokafka",
    "httpx",
    "httpcore",
    "faust.transport",
    "mode",
    "alembic",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="vigie",
        description="Streaming news-alert monitor: city captures and casualty reports.",
    )
    parser.add_argument("--version", action="version", version=f"vigie {__version__}")
    parser.add_argument(
        "--data-dir",
        default=None,
        help="data directory of the stack (default: $VIGIE_DATA_DIR or ./.vigie)",
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING (default INFO)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMANDS:
        import_module(f"vigie.cli.{name.replace('-', '_')}").register(subparsers)
    # The global options are accepted after the subcommand too, and listed in its --help:
    # `vigie up --data-dir X`.
    for subparser in subparsers.choices.values():
        subparser.add_argument(
            "--data-dir",
            default=argparse.SUPPRESS,
            help="data directory of the stack (default: $VIGIE_DATA_DIR or ./.vigie)",
        )
        subparser.add_argument(
            "--log-level", default=argparse.SUPPRESS, help="DEBUG, INFO, WARNING (default INFO)"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vigie`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from kernel.settings import load_settings

    settings = load_settings(data_dir=args.data_dir, log_level=args.log_level)
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Client libraries narrate every connection at INFO; their warnings are what operators need.
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        code = args.handler(args, settings)
        # Flush here, not at exit, so a reader that went away is noticed below.
        sys.stdout.flush()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return quiet_broken_pipe()
    return int(code or 0)


#: Exit status of a writer whose reader closed the pipe (128 + SIGPIPE), as `yes | head` gives.
BROKEN_PIPE_EXIT = 141


def quiet_broken_pipe() -> int:
    """The reader of stdout left (``vigie dead list | head -1``): stop without a traceback."""
    # Point stdout at /dev/null so the interpreter's final flush does not complain either.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (captured): nothing to redirect
        pass
    return BROKEN_PIPE_EXIT


if __name__ == "__main__":
    sys.exit(main())

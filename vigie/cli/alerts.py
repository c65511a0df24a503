"""`vigie alerts`: placeholder until its issue lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `alerts` subcommand."""
    parser = subparsers.add_parser("alerts", help="(not yet available)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace, settings: Any) -> int:
    print("vigie alerts: not available yet")
    return 2

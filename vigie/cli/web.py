"""`vigie web`: placeholder until its issue lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `web` subcommand."""
    parser = subparsers.add_parser("web", help="(not yet available)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace, settings: Any) -> int:
    print("vigie web: not available yet")
    return 2

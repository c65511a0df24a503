"""`vigie detect`: placeholder until its issue lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `detect` subcommand."""
    parser = subparsers.add_parser("detect", help="(not yet available)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace, settings: Any) -> int:
    print("vigie detect: not available yet")
    return 2

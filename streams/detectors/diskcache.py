"""Built indexes kept on disk between starts as ``marshal`` files (plain tables only)."""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any


def read_marshal(path: Path) -> Any | None:
    """The tables stored at ``path``, or None when the file is missing or unreadable."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def write_marshal(path: Path, tables: Any) -> None:
    """Store plain tables at ``path``; a read-only home only costs the next start the build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One partial file per process: two starts building at once never mix their bytes.
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(tables))
        partial.replace(path)
    except OSError:
        return

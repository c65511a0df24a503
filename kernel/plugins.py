"""Plug-ins found, not listed: every module of a package is read once, and each class it defines
that names itself (a channel's ``kind``, a source's ``format``) is registered under that name."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from typing import Any


def discover(
    package: str, name_of: Callable[[type[Any]], str | None], *, skip: frozenset[str] = frozenset()
) -> dict[str, type[Any]]:
    """Name -> class for each class defined in a module of ``package`` (modules in ``skip`` and
    private ones left out) for which ``name_of`` gives a name; two classes of one name are an error."""
    found: dict[str, type[Any]] = {}
    for info in pkgutil.iter_modules(import_module(package).__path__):
        if info.name.startswith("_") or info.name in skip:
            continue
        module = import_module(f"{package}.{info.name}")
        for value in vars(module).values():
            if not isinstance(value, type) or value.__module__ != module.__name__:
                continue
            name = name_of(value)
            if name is None:
                continue
            if name in found:
                raise RuntimeError(
                    f"{package}: two plug-ins named {name!r}: {found[name]}, {value}"
                )
            found[name] = value
    return found

"""How long a server asks us to wait: ``Retry-After`` and ``Cache-Control: max-age``. Pure."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MAX_AGE = re.compile(r"(?:^|,)\s*(s-maxage|max-age)\s*=\s*\"?(\d+)\"?\s*(?=,|$)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(no-cache|no-store)\s*(?=,|=|$)", re.IGNORECASE)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header (delta seconds or HTTP date) as seconds from ``now``; ``None`` if unreadable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    moment = now or datetime.now(UTC)
    return max(0.0, (when - moment).total_seconds())


def parse_max_age(value: str | None) -> float | None:
    """Seconds a ``Cache-Control`` header says the answer stays fresh; ``None`` if it says nothing.

    ``no-cache`` / ``no-store`` mean zero; ``s-maxage`` wins over ``max-age`` as for a shared
    cache (a poller serving many readers is one).
    """
    if not value:
        return None
    if _NO_CACHE.search(value):
        return 0.0
    found = {name.lower(): float(seconds) for name, seconds in _MAX_AGE.findall(value)}
    if "s-maxage" in found:
        return found["s-maxage"]
    return found.get("max-age")

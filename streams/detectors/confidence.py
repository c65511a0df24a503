"""How sure an event is: by kind and status, less for vague tolls, noun-only captures and
events without a point on the map."""

from __future__ import annotations

#: Confidence of an event by kind and status, before adjustments.
BASE_CONFIDENCE = {
    ("city_capture", "reported"): 0.9,
    ("city_capture", "claimed"): 0.65,
    ("city_capture", "disputed"): 0.4,
    ("casualty_report", "reported"): 0.85,
    ("casualty_report", "claimed"): 0.7,
    ("casualty_report", "disputed"): 0.45,
}


def confidence(kind: str, status: str, *, approximate: bool, nominal: bool, mapped: bool) -> float:
    """The confidence of an event, between 0.05 and 1.0."""
    value = BASE_CONFIDENCE[(kind, status)]
    if approximate:
        value -= 0.1
    if nominal:
        value -= 0.1
    if not mapped:
        value -= 0.05
    return round(max(0.05, min(1.0, value)), 2)

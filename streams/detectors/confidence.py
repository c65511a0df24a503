"""How sure an event is: by kind and status, less for vague tolls, noun-only captures and
events without a point on the map."""

from __future__ import annotations

from kernel.vocabulary import EventKind, EventStatus

#: Confidence of an event by kind and status, before adjustments.
BASE_CONFIDENCE: dict[tuple[EventKind, EventStatus], float] = {
    (EventKind.CITY_CAPTURE, EventStatus.REPORTED): 0.9,
    (EventKind.CITY_CAPTURE, EventStatus.CLAIMED): 0.65,
    (EventKind.CITY_CAPTURE, EventStatus.DISPUTED): 0.4,
    (EventKind.CASUALTY_REPORT, EventStatus.REPORTED): 0.85,
    (EventKind.CASUALTY_REPORT, EventStatus.CLAIMED): 0.7,
    (EventKind.CASUALTY_REPORT, EventStatus.DISPUTED): 0.45,
}


def confidence(
    kind: EventKind, status: EventStatus, *, approximate: bool, nominal: bool, mapped: bool
) -> float:
    """The confidence of an event, between 0.05 and 1.0."""
    value = BASE_CONFIDENCE[(kind, status)]
    if approximate:
        value -= 0.1
    if nominal:
        value -= 0.1
    if not mapped:
        value -= 0.05
    return round(max(0.05, min(1.0, value)), 2)

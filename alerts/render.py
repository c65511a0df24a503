"""The words of a message, in French or English: headline, place, toll, labelled facts. Pure.

How a message is laid out is in the packaged templates (``alerts/templates/``, rendered by
``alerts.templating``); this module gives them, and the console's JSON line, their values.
"""

from __future__ import annotations

from typing import Any

from kernel.vocabulary import LANGUAGES, kind_label, status_label, toll_phrase
from streams.events import Alert

#: Labels of the facts every default message lists, by language.
_FACT_LABELS = {
    "fr": {
        "kind": "Type",
        "place": "Lieu",
        "toll": "Bilan",
        "status": "Statut",
        "sources": "Sources",
        "actor": "Acteur",
    },
    "en": {
        "kind": "Kind",
        "place": "Place",
        "toll": "Toll",
        "status": "Status",
        "sources": "Sources",
        "actor": "Actor",
    },
}


def pick_language(lang: str) -> str:
    """``lang`` when Vigie speaks it, else English."""
    return lang if lang in LANGUAGES else "en"


def headline(alert: Alert, lang: str) -> str:
    """The alert headline in ``lang``, falling back to any headline, then to the evidence."""
    lang = pick_language(lang)
    other = "fr" if lang == "en" else "en"
    return alert.headline.get(lang) or alert.headline.get(other) or alert.event.evidence or alert.id


def place_text(alert: Alert) -> str:
    """``Mosul (IQ)``: the canonical name, else the name as written, with the country."""
    place = alert.event.place
    if place is None:
        return ""
    name = place.canonical or place.name
    return f"{name} ({place.country})" if place.country else name


def toll_text(alert: Alert, lang: str) -> str:
    """``at least 12 killed, 30 wounded (civilians)`` in ``lang``; empty when no toll was stated."""
    casualties = alert.event.casualties
    text = toll_phrase(casualties, pick_language(lang))
    if text and casualties is not None and casualties.group:
        text += f" ({casualties.group})"
    return text


def source_names(alert: Alert) -> list[str]:
    """Feed names that reported the alert, first-seen order, each once."""
    return list(dict.fromkeys(source.source for source in alert.sources if source.source))


def facts(alert: Alert, lang: str) -> list[tuple[str, str]]:
    """The labelled facts of the default message in ``lang``: kind, place, toll, actor, status, sources."""
    lang = pick_language(lang)
    labels = _FACT_LABELS[lang]
    event = alert.event
    listed: list[tuple[str, str]] = [(labels["kind"], kind_label(event.kind, lang))]
    if place_text(alert):
        listed.append((labels["place"], place_text(alert)))
    if toll_text(alert, lang):
        listed.append((labels["toll"], toll_text(alert, lang)))
    if event.actor:
        listed.append((labels["actor"], event.actor))
    status = status_label(event.status, lang)
    if event.attribution:
        status = f"{status} — {event.attribution}"
    listed.append((labels["status"], status))
    names = source_names(alert)
    listed.append(
        (labels["sources"], f"{len(alert.sources)} ({', '.join(names)})" if names else "0")
    )
    return listed


def console_record(alert: Alert, lang: str = "en") -> dict[str, Any]:
    """The one-line JSON object the console channel prints for an alert."""
    event = alert.event
    place = event.place
    casualties = event.casualties
    record: dict[str, Any] = {
        "type": "alert",
        "id": alert.id,
        "revision": alert.revision,
        "kind": event.kind,
        "status": event.status,
        "place": (place.canonical or place.name) if place else None,
        "country": place.country or None if place else None,
        "casualties": (
            {
                "killed": casualties.killed,
                "wounded": casualties.wounded,
                "approximate": casualties.approximate,
            }
            if casualties
            else None
        ),
        "sources": source_names(alert),
        "source_count": len(alert.sources),
        "headline": headline(alert, lang),
        "headlines": dict(alert.headline),
        "first_seen": alert.to_dict()["first_seen"],
        "reason": alert.reason,
        "supersedes": alert.supersedes,
    }
    if alert.backfill:
        # An old event of a replayed archive: said on the line, absent from live ones.
        record["backfill"] = True
    return record

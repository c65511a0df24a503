"""What a message says, in French or English: headline, facts, evidence, sources. Pure.

Channels turn a ``RenderedMessage`` into their native format and escape it their own way;
nothing here knows about Slack, HTML or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kernel.vocabulary import LANGUAGES, kind_label, status_label, toll_phrase
from streams.events import Alert

_LABELS = {
    "fr": {
        "kind": "Type",
        "place": "Lieu",
        "toll": "Bilan",
        "status": "Statut",
        "sources": "Sources",
        "actor": "Acteur",
        "update": "Mise à jour n°{revision}",
        "digest": "Vigie : {count} alertes",
        "footer": "Vigie · alerte {id} · révision {revision}",
    },
    "en": {
        "kind": "Kind",
        "place": "Place",
        "toll": "Toll",
        "status": "Status",
        "sources": "Sources",
        "actor": "Actor",
        "update": "Update {revision}",
        "digest": "Vigie: {count} alerts",
        "footer": "Vigie · alert {id} · revision {revision}",
    },
}


@dataclass(frozen=True, slots=True)
class RenderedAlert:
    """One alert as text: headline, labelled facts, the evidence sentence and source links."""

    alert_id: str
    revision: int
    headline: str
    facts: tuple[tuple[str, str], ...]
    evidence: str
    links: tuple[tuple[str, str], ...]
    footer: str


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """What one delivery says: a title and one or more alerts (several for a digest)."""

    lang: str
    title: str
    alerts: tuple[RenderedAlert, ...]
    #: The subscription template's text; channels then send it instead of their layout.
    body: str | None = None
    #: Why the subscription's template failed (the message is then the default one).
    template_error: str | None = None

    @property
    def is_digest(self) -> bool:
        """Whether the message groups several alerts."""
        return len(self.alerts) > 1

    def text(self) -> str:
        """Plain text, for e-mail bodies, Apprise and logs."""
        if self.body is not None:
            return self.body
        blocks = [self.title] if self.is_digest else []
        for alert in self.alerts:
            lines = [alert.headline]
            lines += [f"{label}: {value}" for label, value in alert.facts]
            if alert.evidence:
                lines.append(
                    f"« {alert.evidence} »" if self.lang == "fr" else f'"{alert.evidence}"'
                )
            lines += [f"- {name}: {url}" for name, url in alert.links]
            lines.append(alert.footer)
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)


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


def render_alert(alert: Alert, lang: str) -> RenderedAlert:
    """One alert as labelled text in ``lang``."""
    lang = pick_language(lang)
    labels = _LABELS[lang]
    event = alert.event
    facts: list[tuple[str, str]] = [(labels["kind"], kind_label(event.kind, lang))]
    if place_text(alert):
        facts.append((labels["place"], place_text(alert)))
    if toll_text(alert, lang):
        facts.append((labels["toll"], toll_text(alert, lang)))
    if event.actor:
        facts.append((labels["actor"], event.actor))
    status = status_label(event.status, lang)
    if event.attribution:
        status = f"{status} — {event.attribution}"
    facts.append((labels["status"], status))
    names = source_names(alert)
    facts.append(
        (labels["sources"], f"{len(alert.sources)} ({', '.join(names)})" if names else "0")
    )
    title = headline(alert, lang)
    if alert.revision > 0:
        title = f"{labels['update'].format(revision=alert.revision)} · {title}"
    links = tuple(
        (source.source or source.url, source.url) for source in alert.sources if source.url
    )
    return RenderedAlert(
        alert_id=alert.id,
        revision=alert.revision,
        headline=title,
        facts=tuple(facts),
        evidence=event.evidence,
        links=links,
        footer=labels["footer"].format(id=alert.id, revision=alert.revision),
    )


def render_message(alerts: tuple[Alert, ...] | list[Alert], lang: str) -> RenderedMessage:
    """A message for one alert or a digest of several, in ``lang``."""
    lang = pick_language(lang)
    rendered = tuple(render_alert(alert, lang) for alert in alerts)
    if len(rendered) == 1:
        title = rendered[0].headline
    else:
        title = _LABELS[lang]["digest"].format(count=len(rendered))
    return RenderedMessage(lang=lang, title=title, alerts=rendered)


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

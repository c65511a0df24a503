"""Message templates: the default messages and a subscription's own, Jinja2 in a sandbox. Pure.

Every message is rendered here, one way. The default title and text are packaged template
files (``alerts/templates/``: ``default/`` for every channel, a channel's folder where its
markup needs its own layout), loaded once; a subscription's ``template`` is rendered by the same
environment from the same context (``message_context``, see docs/channels.md): the alerts as
plain dicts and lists, the message language, and for a subscription's template the default
message, so it can wrap it. The environment is Jinja2's immutable sandbox
(no attribute of Python internals, no mutation of the context) with ``StrictUndefined`` (a
misspelt name is an error, not an empty string). A subscription's template makes plain text,
which channels escape their own way; a packaged template of a channel's markup escapes every
value it prints with that channel's escaping (``| safe`` marks what is already safe).
Pathological templates are bounded: the source length, the output length (rendering stops as
soon as it is exceeded), the iterations of all loops, the size of what a product, a call or a
filter builds, and the wall time of a render.

Errors never raise out of ``render_with_template``: the message falls back to the default
text and says why (``RenderedMessage.template_error``), so an alert is never lost to a template.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import html
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jinja2
from jinja2 import nodes, pass_eval_context
from jinja2.filters import do_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, field_validator

from alerts.markup import escape_markdown, escape_slack, safe_url
from alerts.render import facts, headline, pick_language, toll_text
from kernel.clock import format_time
from kernel.vocabulary import EventKind, kind_label, status_label
from streams.events import Alert, AlertSource, Casualties, DetectedEvent, Place

#: Longest template source, per part.
MAX_SOURCE_CHARS = 8_000
#: Longest rendered title; chat headers and e-mail subjects are short.
MAX_TITLE_CHARS = 300
#: Longest rendered body.
MAX_BODY_CHARS = 6_000
#: Iterations all loops of one render may take together.
MAX_ITERATIONS = 20_000
#: Longest string or list a step of a render (a product, a call, a filter) may build.
MAX_VALUE = 200_000
#: Wall time of one render, checked at every attribute access and call.
MAX_RENDER_SECONDS = 0.5

#: Compiled templates kept, by source.
COMPILED_CACHE_SIZE = 512

#: Package and folder of the default templates.
TEMPLATES_PACKAGE = ("alerts", "templates")
#: The default templates: title, plain text, and one alert's headline and footer.
DEFAULT_TITLE = "default/title.j2"
DEFAULT_BODY = "default/body.j2"
DEFAULT_HEADLINE = "default/headline.j2"
DEFAULT_FOOTER = "default/footer.j2"
#: Loop iterations and seconds a packaged template may take: as many as the longest digest needs.
PACKAGED_BUDGET = (10_000_000, 60.0)
#: Folder of a packaged template -> how the values it prints are escaped (``default/``: not).
MARKUP_ESCAPES: dict[str, Callable[[str], str]] = {
    "slack": escape_slack,
    "discord": escape_markdown,
    "mattermost": escape_markdown,
}

#: Part of a template -> its output limit.
LIMITS = {"title": MAX_TITLE_CHARS, "body": MAX_BODY_CHARS}


#: Validation context of subscriptions read back from the store: templates are not rendered again.
STORED = {"stored": True}


class TemplateError(ValueError):
    """A template that does not parse, names an unknown variable, or exceeds a limit."""


class MessageTemplate(BaseModel):
    """A subscription's template: a title, a body, or both (Jinja2, plain text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = Field(
        default=None, max_length=MAX_SOURCE_CHARS, description="Jinja2 template of the title"
    )
    body: str | None = Field(
        default=None, max_length=MAX_SOURCE_CHARS, description="Jinja2 template of the text"
    )

    @field_validator("title", "body")
    @classmethod
    def _renders(cls, value: str | None, info: Any) -> str | None:
        if value is None or not value.strip():
            return None
        if not (info.context or {}).get("stored"):
            check_template(value, info.field_name)
        return value


class _Budget:
    """What one render may still spend: loop iterations and time."""

    def __init__(
        self, iterations: int = MAX_ITERATIONS, seconds: float = MAX_RENDER_SECONDS
    ) -> None:
        self.iterations = iterations
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateError(f"rendering took longer than {self.seconds} s")

    def spend(self) -> None:
        self.iterations -= 1
        if self.iterations < 0:
            raise TemplateError(f"loops exceed {MAX_ITERATIONS} iterations")
        if self.iterations % 256 == 0:
            self.tick()


def _size(value: Any) -> int:
    """About how many characters ``value`` prints as, counted only up to just past ``MAX_VALUE``.

    A part shared many times is counted each time, as printing it would.
    """
    total = 0
    pending = [value]
    while pending and total <= MAX_VALUE:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            if total <= MAX_VALUE:
                pending += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            if total <= MAX_VALUE:
                pending += list(item)
        else:
            total += 8
    return total


def _check_size(value: Any) -> Any:
    """``value`` unless it would print longer than a step towards a message may be."""
    if (len(value) if isinstance(value, str) else _size(value)) > MAX_VALUE:
        raise TemplateError(f"a value longer than {MAX_VALUE} characters is not allowed")
    return value


class _SizedNamespace(Namespace):
    """Jinja's ``namespace``, whose attributes cannot grow past ``MAX_VALUE``."""

    def __setitem__(self, name: str, value: Any) -> None:
        _BUDGET.get().tick()
        super().__setitem__(name, _check_size(value))


class _SizedSteps(NodeTransformer):
    """Every loop counted; every ``~`` and ``{% set %}…{% endset %}`` checked for size."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)  # children first, in place
        node.iter = _filter(node.iter, "_counted")
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)  # children first, in place
        node.nodes = [_filter(part, "_sized") for part in node.nodes]
        return _filter(node, "_sized")

    def visit_AssignBlock(self, node: nodes.AssignBlock) -> nodes.Node:
        self.generic_visit(node)  # children first, in place
        node.filter = _filter(node.filter, "_sized")
        return node


def _filter(node: nodes.Node | None, name: str) -> nodes.Filter:
    """``node`` piped through the filter ``name`` (``None``: the block's body)."""
    return nodes.Filter(node, name, [], [], None, None, lineno=getattr(node, "lineno", 1))


#: Attributes of every dict: a key of the same name is found after them, as Jinja does.
_DICT_ATTRIBUTES = frozenset(dir(dict))

#: String methods whose result length a template could choose freely; refused outright.
_REFUSED_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "format"})
_REFUSED_METHODS |= {"format_map", "replace", "join"}


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with a budget: loops are counted, calls and products are bounded.

    Every ``for`` loop iterates through the ``_counted`` filter (added to the parsed template),
    so nested loops over long strings or ranges stop at ``MAX_ITERATIONS``.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self) -> None:
        self.packaged = jinja2.PackageLoader(*TEMPLATES_PACKAGE)
        super().__init__(
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            finalize=_finalize,
            loader=self.packaged,
            auto_reload=False,
        )
        # Globals and filters that build big strings from a small template are out.
        self.globals.pop("lipsum", None)
        self.globals["namespace"] = _SizedNamespace
        for name in ("center", "indent", "wordwrap", "format", "replace"):
            self.filters.pop(name, None)
        for name, function in list(self.filters.items()):
            self.filters[name] = _bounded_filter(function)
        self.filters["join"] = _bounded_join
        self.filters["_counted"] = self._counted
        self.filters["_sized"] = _check_size
        self.filters["safe_url"] = _bounded_filter(safe_url)

    def _counted(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            _BUDGET.get().spend()
            yield item

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every template, a string or a packaged file, parsed with its loops counted."""
        return _SizedSteps().visit(super()._parse(source, name, filename))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _BUDGET.get().tick()
        if operator == "**":
            raise jinja2.sandbox.SecurityError("the ** operator is not allowed in templates")
        if operator == "%" and isinstance(left, str):
            raise jinja2.sandbox.SecurityError("string formatting with % is not allowed")
        if isinstance(left, int) and isinstance(right, str | list | tuple):
            left, right = right, left
        sized = isinstance(left, str | list | tuple) and isinstance(right, int)
        if sized and _size(left) * right > MAX_VALUE:
            raise TemplateError(f"a value longer than {MAX_VALUE} characters is not allowed")
        return _check_size(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _BUDGET.get().tick()
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            # The context's data (``alert.place.name``): the key Jinja would find after failing
            # to find an attribute, without raising and catching an AttributeError.
            return obj[attribute]
        _refuse_method(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _BUDGET.get().tick()
        _refuse_method(obj, argument)
        return super().getitem(obj, argument)

    def call(self, context: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
        _BUDGET.get().tick()
        _check_size([args, kwargs])
        return _check_size(super().call(context, obj, *args, **kwargs))


def _refuse_method(obj: Any, name: Any) -> None:
    """Refuse the string methods that could build a string of any length."""
    if isinstance(obj, str) and name in _REFUSED_METHODS:
        raise jinja2.sandbox.SecurityError(f"str.{name} is not allowed in templates")


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` checking the time before and the result's size after."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        _BUDGET.get().tick()
        _check_size([args, kwargs])
        return _check_size(function(*args, **kwargs))

    # Jinja passes the context or environment to the filters that carry this mark.
    if hasattr(function, "jinja_pass_arg"):
        bounded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return bounded


@pass_eval_context
def _bounded_join(context: Any, value: Any, separator: str = "", attribute: Any = None) -> str:
    """Jinja's ``join``, refused when the separators alone would be too long."""
    items = list(value)
    if len(items) * len(str(separator)) > MAX_VALUE:
        raise TemplateError(f"a value longer than {MAX_VALUE} characters is not allowed")
    return _check_size(do_join(context, items, separator, attribute))


#: The budget of the render under way (each render sets its own; the environment is shared).
_BUDGET: contextvars.ContextVar[_Budget] = contextvars.ContextVar("template_budget")
#: How the render under way escapes the values it prints (``None``: plain text).
_ESCAPE: contextvars.ContextVar[Callable[[str], str] | None] = contextvars.ContextVar(
    "template_escape", default=None
)


def _finalize(value: Any) -> Any:
    """Every printed value: bounded, and escaped for the markup of the render under way."""
    value = _check_size(value)
    escape = _ESCAPE.get()
    if escape is None or isinstance(value, Markup):
        return value
    return escape(str(value))


@functools.cache
def _sandbox() -> _Sandbox:
    """The one sandboxed environment, every packaged template loaded and compiled."""
    sandbox = _Sandbox()
    # Compiled now, outside any render: Jinja folds constants through ``finalize`` when compiling.
    for name in sandbox.list_templates(extensions=["j2"]):
        sandbox.get_template(name)
    return sandbox


@functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _compiled(source: str) -> jinja2.Template:
    """``source`` compiled in the sandbox, once per source."""
    return _sandbox().from_string(source)


def _escape_of(name: str) -> Callable[[str], str] | None:
    """How the packaged template ``name`` escapes what it prints."""
    if name.endswith(".html.j2"):
        return html.escape
    return MARKUP_ESCAPES.get(name.partition("/")[0])


def _render(
    source: str,
    context: dict[str, Any],
    limit: int | None,
    *,
    packaged: bool = False,
) -> str:
    """A template rendered in the sandbox, stopped as soon as it exceeds ``limit`` chars.

    ``source`` is a subscription's template, or with ``packaged`` the name of a packaged one:
    those escape for their markup and may take as long and be as long as a digest needs.
    """
    budget = _BUDGET.set(_Budget(*PACKAGED_BUDGET) if packaged else _Budget())
    escaping = _ESCAPE.set(_escape_of(source) if packaged else None)
    try:
        template = _sandbox().get_template(source) if packaged else _compiled(source)
        if limit is None:
            return template.render(context).strip()
        parts: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > limit:
                raise TemplateError(f"renders longer than {limit} characters")
            parts.append(chunk)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"line {exc.lineno}: {exc.message}") from exc
    except jinja2.sandbox.SecurityError as exc:
        raise TemplateError(f"not allowed: {exc}") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"unknown variable: {exc.message}") from exc
    except TemplateError:
        raise
    except Exception as exc:  # a filter on a wrong type, a division by zero, deep recursion …
        raise TemplateError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _ESCAPE.reset(escaping)
        _BUDGET.reset(budget)
    return "".join(parts).strip()


def render_file(name: str, context: dict[str, Any]) -> str:
    """The packaged template ``name`` (``slack/alert.j2``) rendered from ``context``.

    What it prints is escaped for its markup; it is trusted, so only its loops are bounded.
    """
    return _render(name, context, None, packaged=True)


def packaged_sources(channel: str | None = None) -> dict[str, str]:
    """Name -> source of the packaged templates: every one, or ``default/`` and ``channel``'s own.

    A subscription's template may start from a copy of ``default/title.j2`` and
    ``default/body.j2``, or include them (``{% include "default/headline.j2" %}``).
    """
    sandbox = _sandbox()
    names = sandbox.list_templates(extensions=["j2"])
    if channel is not None:
        names = [name for name in names if name.startswith(("default/", f"{channel}/"))]
    return {name: sandbox.packaged.get_source(sandbox, name)[0] for name in names}


def check_template(source: str, part: str) -> None:
    """Raise ``TemplateError`` unless ``source`` renders ``sample_alert`` within its limits."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateError(f"longer than {MAX_SOURCE_CHARS} characters")
    alerts = (sample_alert(),)
    for lang in ("en", "fr"):
        _render(source, template_context(render_message(alerts, lang)), LIMITS[part])


def _source(source: AlertSource) -> dict[str, Any]:
    return {
        "name": source.source,
        "url": source.url or None,
        "lang": source.lang,
        "title": source.title or None,
        "seen_at": format_time(source.seen_at) if source.seen_at else None,
    }


def alert_context(alert: Alert, lang: str) -> dict[str, Any]:
    """One alert as the plain data a template sees (every key present; ``None`` when unknown)."""
    event = alert.event
    place = event.place or Place(name="")
    casualties = event.casualties or Casualties()
    return {
        "id": alert.id,
        "revision": alert.revision,
        "kind": event.kind,
        "kind_label": kind_label(event.kind, lang),
        "status": event.status,
        "status_label": status_label(event.status, lang),
        "attribution": event.attribution,
        "place": {
            "name": (place.canonical or place.name) or None,
            "as_written": place.name or None,
            "country": place.country or None,
            "lat": place.lat,
            "lon": place.lon,
        },
        "actor": event.actor,
        "casualties": {
            "killed": casualties.killed,
            "wounded": casualties.wounded,
            "approximate": casualties.approximate,
            "group": casualties.group,
        },
        "toll": toll_text(alert, lang) or None,
        "sources": [_source(source) for source in alert.sources],
        "evidence": event.evidence,
        "headline": {"fr": alert.headline.get("fr"), "en": alert.headline.get("en")},
        "title": headline(alert, lang),
        "facts": [{"label": label, "value": value} for label, value in facts(alert, lang)],
        "reason": alert.reason,
        "first_seen": format_time(alert.first_seen),
    }


def message_context(alerts: tuple[Alert, ...], lang: str) -> dict[str, Any]:
    """What every template of a message may name: ``alert``, ``alerts``, ``digest``, ``lang``."""
    lang = pick_language(lang)
    contexts = [alert_context(alert, lang) for alert in alerts]
    return {"alert": contexts[0], "alerts": contexts, "digest": len(contexts) > 1, "lang": lang}


def template_context(default: RenderedMessage) -> dict[str, Any]:
    """A subscription's template's context: the message's, and ``default`` (title and text)."""
    return {**default.context, "default": {"title": default.title, "text": default.text()}}


@dataclass(frozen=True, slots=True)
class RenderedAlert:
    """One alert of a message in its parts, for channels that lay alerts out in fields."""

    alert_id: str
    revision: int
    headline: str
    facts: tuple[tuple[str, str], ...]
    evidence: str
    links: tuple[tuple[str, str], ...]
    footer: str
    #: The template context of this alert alone (``alert``, ``alerts`` of one, the message's rest).
    context: dict[str, Any] = field(compare=False, repr=False)

    def markup(self, name: str) -> str:
        """The packaged template ``name`` (``slack/alert.j2``) rendered for this alert."""
        return render_file(name, self.context)


@dataclass(frozen=True)
class RenderedMessage:
    """What one delivery says: a title, a text, and its alerts (several for a digest).

    The default text and the alerts' parts are rendered when a channel first asks for them.
    """

    lang: str
    title: str
    #: The alerts of the message.
    source_alerts: tuple[Alert, ...] = field(repr=False)
    #: The message's template context.
    context: dict[str, Any] = field(compare=False, repr=False)
    #: The subscription template's text; channels then send it instead of their layout.
    body: str | None = None
    #: Why the subscription's template failed (the message is then the default one).
    template_error: str | None = None

    @property
    def is_digest(self) -> bool:
        """Whether the message groups several alerts."""
        return bool(self.context["digest"])

    @functools.cached_property
    def default_text(self) -> str:
        """The default text (``default/body.j2``)."""
        return render_file(DEFAULT_BODY, self.context)

    @functools.cached_property
    def alerts(self) -> tuple[RenderedAlert, ...]:
        """Each alert in its parts, for channels that lay alerts out in fields."""
        return tuple(
            _rendered_alert(alert, own, self.context)
            for alert, own in zip(self.source_alerts, self.context["alerts"], strict=True)
        )

    def text(self) -> str:
        """Plain text, for e-mail bodies, Apprise, webhooks and logs."""
        return self.default_text if self.body is None else self.body

    def markup(self, name: str) -> str:
        """The packaged template ``name`` (``email/body.html.j2``) rendered for the whole message."""
        return render_file(name, self.context)


def _rendered_alert(
    alert: Alert, context: dict[str, Any], message: dict[str, Any]
) -> RenderedAlert:
    own = {**message, "alert": context, "alerts": [context]}
    return RenderedAlert(
        alert_id=alert.id,
        revision=alert.revision,
        headline=render_file(DEFAULT_HEADLINE, own),
        facts=tuple((fact["label"], fact["value"]) for fact in context["facts"]),
        evidence=alert.event.evidence,
        links=tuple(
            (source.source or source.url, source.url) for source in alert.sources if source.url
        ),
        footer=render_file(DEFAULT_FOOTER, own),
        context=own,
    )


def render_message(alerts: tuple[Alert, ...] | list[Alert], lang: str) -> RenderedMessage:
    """The default message for one alert or a digest of several, in ``lang``."""
    alerts = tuple(alerts)
    context = message_context(alerts, lang)
    return RenderedMessage(
        lang=context["lang"],
        title=render_file(DEFAULT_TITLE, context),
        source_alerts=alerts,
        context=context,
    )


def render_with_template(
    alerts: tuple[Alert, ...] | list[Alert], lang: str, template: MessageTemplate | None
) -> RenderedMessage:
    """The message in ``lang``; its title and text from ``template`` when it renders.

    A template that fails gives the default message with ``template_error`` set.
    """
    alerts = tuple(alerts)
    default = render_message(alerts, lang)
    if template is None or (template.title is None and template.body is None):
        return default
    context = template_context(default)
    try:
        title = default.title
        if template.title is not None:
            title = " ".join(_render(template.title, context, MAX_TITLE_CHARS).split())
        body = _render(template.body, context, MAX_BODY_CHARS) if template.body else None
    except TemplateError as exc:
        return dataclasses.replace(default, template_error=str(exc))
    return dataclasses.replace(default, title=title or default.title, body=body)


def sample_alert(now: datetime | None = None) -> Alert:
    """A sample alert that says it is a test: a capture of Palmyra, in both languages.

    Every field a template may name is set, so rendering it finds misspelt names.
    """
    now = now or datetime.now(UTC)
    event = DetectedEvent(
        id="event-vigie-test",
        kind=EventKind.CITY_CAPTURE,
        item_id="item-vigie-test",
        lang="en",
        evidence="TEST: government forces recaptured Palmyra, according to a test wire.",
        place=Place(
            name="Palmyra",
            geoname_id=170_016,
            canonical="Tadmur",
            country="SY",
            lat=34.56,
            lon=38.28,
        ),
        actor="government forces",
        casualties=Casualties(killed=0),
        detected_at=now,
    )
    sources = (
        AlertSource("item-vigie-test-fr", "vigie-test", "fr", seen_at=now),
        AlertSource("item-vigie-test-en", "vigie-test", "en", seen_at=now),
    )
    return Alert(
        id="vigie-test",
        revision=0,
        event=event,
        sources=sources,
        first_seen=now,
        headline={
            "en": "TEST from Vigie: Palmyra recaptured (sample alert)",
            "fr": "TEST de Vigie : Palmyre reprise (alerte d'exemple)",
        },
        updated_at=now,
        reason="test",
    )

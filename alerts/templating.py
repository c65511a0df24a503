"""Message templates: a subscription's own title and body, Jinja2 in a sandbox. Pure.

A template renders plain text from a documented context (``template_context``, see
docs/channels.md): the alert as plain dicts and lists, the subscription's language and the
default message, so a template can wrap it. The environment is Jinja2's immutable sandbox
(no attribute of Python internals, no mutation of the context) with ``StrictUndefined`` (a
misspelt name is an error, not an empty string) and no autoescape: channels escape the
result their own way. Pathological templates are bounded: the source length, the output
length (rendering stops as soon as it is exceeded), the iterations of all loops, the size of
what a product, a call or a filter builds, and the wall time of a render.

Errors never raise out of ``render_with_template``: the message falls back to the default
text and says why (``RenderedMessage.template_error``), so an alert is never lost to a template.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import jinja2
from jinja2 import nodes, pass_eval_context
from jinja2.filters import do_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer
from pydantic import BaseModel, ConfigDict, Field, field_validator

from alerts.render import RenderedMessage, headline, render_message, toll_text
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

    def __init__(self) -> None:
        self.iterations = MAX_ITERATIONS
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateError(f"rendering took longer than {MAX_RENDER_SECONDS} s")

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
    if _size(value) > MAX_VALUE:
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
        super().__init__(autoescape=False, undefined=jinja2.StrictUndefined, finalize=_check_size)
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

    def _counted(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            _BUDGET.get().spend()
            yield item

    def compile_counted(self, source: str) -> jinja2.Template:
        """``source`` parsed, every loop counted, compiled."""
        return self.from_string(_SizedSteps().visit(self.parse(source)))

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


@functools.cache
def _sandbox() -> _Sandbox:
    """The one sandboxed environment."""
    return _Sandbox()


@functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _compiled(source: str) -> jinja2.Template:
    """``source`` compiled in the sandbox, once per source."""
    return _sandbox().compile_counted(source)


def _render(source: str, context: dict[str, Any], limit: int) -> str:
    """``source`` rendered in the sandbox, stopped as soon as it exceeds ``limit`` chars."""
    token = _BUDGET.set(_Budget())
    try:
        template = _compiled(source)
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
        _BUDGET.reset(token)
    return "".join(parts).strip()


def check_template(source: str, part: str) -> None:
    """Raise ``TemplateError`` unless ``source`` renders ``sample_alert`` within its limits."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateError(f"longer than {MAX_SOURCE_CHARS} characters")
    alerts = (sample_alert(),)
    for lang in ("en", "fr"):
        _render(source, template_context(alerts, lang, render_message(alerts, lang)), LIMITS[part])


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
        "reason": alert.reason,
        "first_seen": format_time(alert.first_seen),
    }


def template_context(
    alerts: tuple[Alert, ...], lang: str, default: RenderedMessage
) -> dict[str, Any]:
    """Everything a template may name: ``alert``, ``alerts``, ``lang``, ``default``."""
    contexts = [alert_context(alert, default.lang) for alert in alerts]
    return {
        "alert": contexts[0],
        "alerts": contexts,
        "lang": default.lang,
        "default": {"title": default.title, "text": default.text()},
    }


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
    context = template_context(alerts, lang, default)
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

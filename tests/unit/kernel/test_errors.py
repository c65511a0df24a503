"""One exception tree: every error Vigie raises on purpose descends from ``VigieError`` and
appears in the tree drawn in ``kernel/errors.py``."""

from __future__ import annotations

import kernel.errors
from alerts.errors import PermanentDeliveryError, RetryableDeliveryError, UnsafeTargetError
from alerts.silences import SilenceInvalid
from alerts.subscriptions import SubscriptionInvalid
from ingest.egress import EgressRefused
from ingest.feeds import FeedConfigError
from ingest.sources.base import FeedError
from kernel.errors import InputError, StackError, VigieError
from streams.processor import BadItem
from streams.store import DedupConflict
from vigie.embedded.broker import BrokerError
from vigie.embedded.redis import RedisServerError
from vigie.embedded.storage import StorageError
from vigie.runtime import StackNotFound
from vigie.web.app import WebConfigError

RETRYABLE = (FeedError, DedupConflict, RetryableDeliveryError, BrokerError, StorageError,
             RedisServerError, StackNotFound)  # fmt: skip
PERMANENT = (FeedConfigError, SubscriptionInvalid, SilenceInvalid, WebConfigError, BadItem,
             EgressRefused, PermanentDeliveryError, UnsafeTargetError)  # fmt: skip


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def test_every_error_is_in_the_tree_and_says_whether_to_retry() -> None:
    for error in RETRYABLE:
        assert issubclass(error, VigieError) and error.retryable, error
    for error in PERMANENT:
        assert issubclass(error, VigieError) and not error.retryable, error
    # Input errors stay ValueErrors and stack errors RuntimeErrors for callers that catch those.
    assert issubclass(InputError, ValueError) and issubclass(StackError, RuntimeError)


def test_the_drawn_tree_names_every_error() -> None:
    drawing = kernel.errors.__doc__ or ""
    for error in _all_subclasses(VigieError) | set(RETRYABLE) | set(PERMANENT):
        if error.__module__.startswith(("kernel", "ingest", "streams", "alerts", "vigie")):
            assert error.__name__ in drawing, error

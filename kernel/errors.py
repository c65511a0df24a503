"""Every error Vigie raises on purpose, in one tree; ``retryable`` says whether trying again can help.

    VigieError                          base of them all
    ├── InputError (ValueError)         what Vigie was given is wrong: fix the input, never retried
    │   ├── FeedConfigError             a feeds-file entry; names the entry and the field
    │   │   └── FeedFieldError          one feed's wrong ``field`` (the API's and CLI's feeds)
    │   │       └── FeedExists          a feed of that name is already stored
    │   ├── SubscriptionInvalid         a subscription; ``problems`` lists ``field: message``
    │   ├── SilenceInvalid              a silence; ``problems`` lists ``field: message``
    │   ├── WebConfigError              the web process would run open; says what to set
    │   └── BadItem                     a ``vigie.items`` record that is not a wire item
    ├── EgressRefused                   a target the egress policy refuses; ``host``, ``address``, ``rule``
    ├── FeedError                       a poll failed; ``reason`` (the metric label), ``status``;
    │                                   retryable: the feed is polled again after a backoff
    ├── DedupConflict (RuntimeError)    workers kept changing one event; retryable: process again
    ├── DeliveryError                   a delivery failed; ``reason``, ``channel``, ``status``
    │   ├── RetryableDeliveryError      try again later; ``retry_after`` when the target said when
    │   └── PermanentDeliveryError      retrying cannot help
    │       └── UnsafeTargetError       a private or metadata target; ``rule`` says which
    └── StackError (RuntimeError)       a part of the embedded stack; retryable: the supervisor restarts it
        ├── BrokerError                 the broker could not start or answer
        ├── StorageError                the broker's store could not start or answer
        ├── RedisServerError            no Redis could be reached or started
        └── StackNotFound               no running stack: start one with ``vigie up``

Each class lives beside the code that raises it (the module is named above the class in its
docstring); this module holds the roots. A caller that only needs to know whether to try
again catches ``VigieError`` and reads ``retryable``.
"""

from __future__ import annotations


class VigieError(Exception):
    """Base of every error Vigie raises on purpose."""

    #: Whether the same operation may succeed later without a change of input.
    retryable: bool = False


class InputError(VigieError, ValueError):
    """Something Vigie was given (a file, a record, a setting, a request) is wrong."""


class StackError(VigieError, RuntimeError):
    """A part of the embedded stack could not start or answer."""

    retryable = True

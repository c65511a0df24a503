"""Faust's Kafka transport with a short fetch wait.

Faust asks the broker to hold each fetch up to 1.5 s when no record is ready. Tansu then
answers at the end of the wait even if records arrive meanwhile, so every quiet moment
would cost up to 1.5 s of alert latency; a short wait keeps produce-to-alert in tens of
milliseconds for a few more (cheap) fetch requests.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka

#: Longest time the broker may hold a fetch that has no record to return.
FETCH_MAX_WAIT_MS = 100


class PromptConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """The aiokafka consumer thread of Faust, with ``FETCH_MAX_WAIT_MS``."""

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka reads this when it builds its fetcher, at start, after construction.
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer


class PromptConsumer(faust_aiokafka.Consumer):
    """Faust's aiokafka consumer using ``PromptConsumerThread``."""

    def _new_consumer_thread(self) -> PromptConsumerThread:
        return PromptConsumerThread(self, loop=self.loop, beacon=self.beacon)


class PromptTransport(faust_aiokafka.Transport):
    """Faust's aiokafka transport using ``PromptConsumer``."""

    Consumer = PromptConsumer


class PromptApp(faust.App):
    """A Faust app whose consumer fetches with a short wait."""

    def _new_transport(self) -> Any:
        return PromptTransport(self.conf.broker_consumer, self)

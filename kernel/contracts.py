"""The versioned contracts shared by every process: topic names, schemas, Redis keys.

Change a schema here and nowhere else; bump its version when a field changes meaning.
"""

from __future__ import annotations

TOPIC_ITEMS = "vigie.items"
TOPIC_EVENTS = "vigie.events"
TOPIC_ALERTS = "vigie.alerts"
TOPIC_DELIVERIES = "vigie.deliveries"
TOPIC_DEAD = "vigie.dead"
ALL_TOPICS: tuple[str, ...] = (
    TOPIC_ITEMS,
    TOPIC_EVENTS,
    TOPIC_ALERTS,
    TOPIC_DELIVERIES,
    TOPIC_DEAD,
)

SCHEMA_ITEM = "vigie.item/1"
SCHEMA_EVENT = "vigie.event/1"
SCHEMA_ALERT = "vigie.alert/1"
SCHEMA_DELIVERY = "vigie.delivery/1"
SCHEMA_DEAD = "vigie.dead/1"

#: Every Redis key Vigie writes starts with this prefix; bump it to change key layouts.
REDIS_PREFIX = "vigie:v1:"

#: Faust application id (the consumer group of the stream workers).
STREAMS_APP_ID = "vigie-streams"
#: Consumer group of the alert workers.
ALERTS_GROUP_ID = "vigie-alerts"
#: Consumer group of the history writers (every alert, apart from the deliveries).
HISTORY_GROUP_ID = "vigie-history"


def redis_key(*parts: str | int) -> str:
    """Join parts under the versioned prefix: ``redis_key("feed", "afp")`` -> ``vigie:v1:feed:afp``."""
    return REDIS_PREFIX + ":".join(str(part) for part in parts)

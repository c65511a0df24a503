"""``RedisDedupStore``: one alert per real-world event, whichever worker sees a report first.

The decisions are the pure functions of ``streams.dedup`` and ``streams.fingerprint``; this
module reads what Redis knows, lets them decide, and writes the outcome with a Lua script
that refuses the write when anything the decision read has changed meanwhile (optimistic
concurrency). The loser of a race simply reads again and decides again, so two workers
reporting one event produce one revision 0, and every state lives in Redis: a restarted
worker knows all that its predecessor knew.

Keys (all under ``vigie:v1:``, all with a TTL):

* ``dedup:item:<item id>``: content version -> verdict (``new``/``near_duplicate``), so a
  redelivered item gets the verdict it got the first time.
* ``dedup:fp:<item id>`` and ``dedup:band:<n>:<token>``: the near-duplicate index (MinHash
  values and numbers; LSH band -> first item id holding it).
* ``dedup:sig:<signature>``: set of the alert ids of events registered under a signature.
* ``dedup:event:<alert id>``: hash of one event: its merged state, ``version`` (bumped on
  every write), ``obs:<observation>`` -> revision it caused (``-1`` for none) and
  ``alert:<revision>`` -> the alert JSON, so a redelivered report returns the same alert.

Lua scripts name keys they derive from stored ids (events, fingerprints) through a prefix
argument, which is fine on one Redis but not on Redis Cluster.
"""

from __future__ import annotations

import json
import logging
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis

from ingest.items import WireItem, format_time, parse_time
from streams.dedup import (
    REASON_NEW,
    DedupPolicy,
    EventState,
    alert_id_for,
    build_alert,
    choose_event,
    event_incidents,
    index_signatures,
    is_material,
    is_stale,
    lookup_signatures,
    merge,
    new_state,
    observation_key,
    signature,
    source_of,
)
from streams.events import Alert, AlertSource, DetectedEvent, Place
from streams.fingerprint import content_digest, fingerprint
from vigie.contracts import redis_key

log = logging.getLogger(__name__)

NEW = "new"
REDELIVERED = "redelivered"
NEAR_DUPLICATE = "near_duplicate"

#: Optimistic writes retried this many times before giving up (each retry means another
#: worker changed the same event in between, which a handful of workers cannot do for long).
MAX_ATTEMPTS = 50

# Hash fields of an event's state, in the order the read script returns them.
STATE_FIELDS: tuple[str, ...] = (
    "kind",
    "sig",
    "first_seen",
    "last_seen",
    "revision",
    "status",
    "place",
    "killed",
    "wounded",
    "approximate",
    "alerted_killed",
    "alerted_wounded",
    "incidents",
    "tolls",
    "actor",
    "from_actor",
    "sources",
    "version",
)

_CHECK_ITEM = """
local item_key, fp_key = KEYS[1], KEYS[2]
local item_id, version, fp, numbers = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local threshold, item_ttl, fp_ttl, fp_prefix = tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8]

local known = redis.call('HGET', item_key, version)
if known == 'near_duplicate' then return {known, redis.call('HGET', item_key, 'of') or ''} end
if known then return {'redelivered', ''} end

local mine = {}
for number in string.gmatch(numbers, '%S+') do mine[number] = true end
local values = #fp / 4

-- Mirrors fingerprint.is_near_duplicate: a new number means an update; names ('@' tokens)
-- mean another story only when each title names something the other does not.
local function copies(other_fp, other_numbers)
  local theirs = {}
  for token in string.gmatch(other_numbers, '%S+') do theirs[token] = true end
  local new_name = false
  for token in pairs(mine) do
    if not theirs[token] then
      if string.sub(token, 1, 1) ~= '@' then return false end
      new_name = true
    end
  end
  if new_name then
    for token in pairs(theirs) do
      if string.sub(token, 1, 1) == '@' and not mine[token] then return false end
    end
  end
  local equal = 0
  for i = 0, values - 1 do
    if string.sub(fp, i * 4 + 1, i * 4 + 4) == string.sub(other_fp, i * 4 + 1, i * 4 + 4) then
      equal = equal + 1
    end
  end
  return equal / values >= threshold
end

local checked = {}
for i = 3, #KEYS do
  local other = redis.call('GET', KEYS[i])
  if other and other ~= item_id and not checked[other] then
    checked[other] = true
    local stored = redis.call('HMGET', fp_prefix .. other, 'fp', 'numbers')
    if stored[1] and copies(stored[1], stored[2] or '') then
      redis.call('HSET', item_key, version, 'near_duplicate', 'of', other)
      redis.call('EXPIRE', item_key, item_ttl)
      return {'near_duplicate', other}
    end
  end
end

local verdict = 'new'
if redis.call('HEXISTS', item_key, 'accepted') == 1 then verdict = 'redelivered' end
redis.call('HSET', item_key, version, 'new', 'accepted', '1')
redis.call('EXPIRE', item_key, item_ttl)
redis.call('HSET', fp_key, 'fp', fp, 'numbers', numbers)
redis.call('EXPIRE', fp_key, fp_ttl)
for i = 3, #KEYS do redis.call('SET', KEYS[i], item_id, 'NX', 'EX', fp_ttl) end
return {verdict, ''}
"""

_READ_EVENTS = """
local prefix, observed = ARGV[1], ARGV[2]
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
local cardinalities, states, seen = {}, {}, {}
for i = 1, #KEYS do
  cardinalities[i] = redis.call('SCARD', KEYS[i])
  for _, alert_id in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    if not seen[alert_id] then
      seen[alert_id] = true
      local key = prefix .. alert_id
      local caused = redis.call('HGET', key, observed)
      if caused then
        local alert = false
        if caused ~= '-1' then alert = redis.call('HGET', key, 'alert:' .. caused) end
        return {'replay', alert_id, caused, alert}
      end
      local values = redis.call('HMGET', key, unpack(fields))
      if values[1] then
        states[#states + 1] = alert_id
        states[#states + 1] = values
      end
    end
  end
end
return {'states', cardinalities, states}
"""

_WRITE_EVENT = """
local event_key = KEYS[1]
local expected, checks = ARGV[1], tonumber(ARGV[2])
if expected == '' then
  if redis.call('EXISTS', event_key) == 1 then return 0 end
elseif redis.call('HGET', event_key, 'version') ~= expected then
  return 0
end
for i = 1, checks do
  if redis.call('SCARD', KEYS[1 + i]) ~= tonumber(ARGV[2 + i]) then return 0 end
end
local ttl, member = ARGV[3 + checks], ARGV[4 + checks]
local pairs_ = {}
for i = 5 + checks, #ARGV do pairs_[#pairs_ + 1] = ARGV[i] end
redis.call('HSET', event_key, unpack(pairs_))
redis.call('HINCRBY', event_key, 'version', 1)
redis.call('EXPIRE', event_key, ttl)
for i = 2 + checks, #KEYS do
  redis.call('SADD', KEYS[i], member)
  redis.call('EXPIRE', KEYS[i], ttl)
end
return 1
"""


class DedupConflict(RuntimeError):
    """Other workers kept changing the same event; retryable: process the item again."""


@dataclass(slots=True)
class _Snapshot:
    """What the read script saw: candidate events, their versions, and the sets' sizes."""

    cardinalities: list[int] = field(default_factory=list)
    states: list[EventState] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    replayed: bool = False
    replay: Alert | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


def _optional_int(value: str) -> int | None:
    return int(value) if value else None


def _place_json(place: Place | None) -> str:
    if place is None:
        return ""
    fields = {
        "name": place.name,
        "geoname_id": place.geoname_id,
        "canonical": place.canonical,
        "country": place.country,
        "lat": place.lat,
        "lon": place.lon,
    }
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _source_dict(source: AlertSource) -> dict[str, Any]:
    # Field by field: ``dataclasses.asdict`` deep-copies and was a tenth of the time per item.
    return {
        "item_id": source.item_id,
        "source": source.source,
        "lang": source.lang,
        "url": source.url,
        "title": source.title,
        "seen_at": format_time(source.seen_at),
    }


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _toll_entry(text: str) -> tuple[datetime, int | None, int | None]:
    seen_at, killed, wounded = text.split(":")
    return datetime.fromtimestamp(int(seen_at), UTC), _optional_int(killed), _optional_int(wounded)


def state_fields(state: EventState) -> dict[str, str]:
    """An event state as the hash fields the store keeps (``version`` excepted)."""
    return {
        "kind": state.kind,
        "sig": state.signature,
        "first_seen": format_time(state.first_seen) or "",
        "last_seen": format_time(state.last_seen) or "",
        "revision": str(state.revision),
        "status": state.status,
        "place": _place_json(state.place),
        "killed": _number(state.killed),
        "wounded": _number(state.wounded),
        "approximate": "1" if state.approximate else "",
        "alerted_killed": _number(state.alerted_killed),
        "alerted_wounded": _number(state.alerted_wounded),
        "incidents": ",".join(sorted(state.incidents)),
        "tolls": ";".join(
            f"{int(seen_at.timestamp())}:{_number(killed)}:{_number(wounded)}"
            for seen_at, killed, wounded in state.tolls
        ),
        "actor": state.actor or "",
        "from_actor": state.from_actor or "",
        "sources": json.dumps(
            [_source_dict(source) for source in state.sources],
            ensure_ascii=False,
            separators=(",", ":"),
        ),
    }


def state_from_fields(alert_id: str, values: dict[str, str]) -> EventState:
    """Read an event state back from its hash fields."""
    first_seen = parse_time(values["first_seen"])
    last_seen = parse_time(values["last_seen"]) or first_seen
    if first_seen is None or last_seen is None:
        raise ValueError(f"event {alert_id} has no first_seen")
    return EventState(
        alert_id=alert_id,
        kind=values["kind"],
        signature=values["sig"],
        first_seen=first_seen,
        last_seen=last_seen,
        revision=int(values["revision"] or 0),
        status=values["status"] or "reported",
        place=Place.from_dict(json.loads(values["place"])) if values["place"] else None,
        killed=_optional_int(values["killed"]),
        wounded=_optional_int(values["wounded"]),
        approximate=bool(values["approximate"]),
        alerted_killed=_optional_int(values["alerted_killed"]),
        alerted_wounded=_optional_int(values["alerted_wounded"]),
        incidents=frozenset(filter(None, values["incidents"].split(","))),
        tolls=tuple(_toll_entry(entry) for entry in values["tolls"].split(";") if entry),
        actor=values["actor"] or None,
        from_actor=values["from_actor"] or None,
        sources=tuple(
            AlertSource.from_dict(source) for source in json.loads(values["sources"] or "[]")
        ),
    )


def _encode_alert(alert: Alert) -> bytes:
    # Kept only to answer redeliveries, and most of an event's memory: compressed (~2.5x).
    text = json.dumps(alert.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(), 6)


def _decode_alert(stored: bytes) -> Alert:
    return Alert.from_dict(json.loads(zlib.decompress(stored)))


class RedisDedupStore:
    """Near-duplicate items and event dedup with revisions, all state in Redis."""

    def __init__(
        self, redis: aioredis.Redis, policy: DedupPolicy, *, max_attempts: int = MAX_ATTEMPTS
    ) -> None:
        self.redis = redis
        self.policy = policy
        self.max_attempts = max_attempts
        self._check_item = redis.register_script(_CHECK_ITEM)
        self._read_events = redis.register_script(_READ_EVENTS)
        self._write_event = redis.register_script(_WRITE_EVENT)

    # --- items --------------------------------------------------------------------------

    async def check_item(self, item: WireItem) -> str:
        """``new``, ``redelivered`` (id seen before: process it again) or ``near_duplicate`` (skip)."""
        verdict, _original = await self.check_item_detail(item)
        return verdict

    async def check_item_detail(self, item: WireItem) -> tuple[str, str | None]:
        """The verdict of ``check_item`` and, for a near-duplicate, the id of the item it copies."""
        text = item.text
        print_ = fingerprint(text)
        keys = [redis_key("dedup", "item", item.id), redis_key("dedup", "fp", item.id)]
        keys += [
            redis_key("dedup", "band", index, token) for index, token in enumerate(print_.bands())
        ]
        verdict, original = await self._check_item(
            keys=keys,
            args=[
                item.id,
                content_digest(text),
                print_.to_bytes(),
                print_.numbers_field(),
                self.policy.near_duplicate_threshold,
                self.policy.event_ttl_seconds,
                self.policy.near_duplicate_ttl_seconds,
                redis_key("dedup", "fp", ""),
            ],
        )
        verdict, original = _text(verdict), _text(original)
        if verdict == NEAR_DUPLICATE:
            log.debug("item %s is a near-duplicate of %s", item.id, original)
        return verdict, original or None

    # --- events -------------------------------------------------------------------------

    async def observe(self, item: WireItem, event: DetectedEvent) -> Alert | None:
        """A new alert (revision 0), a new revision, or ``None`` when the report adds no news."""
        if is_stale(item, self.policy):
            log.info(
                "item %s tells of %s, older than events are kept: ignored", item.id, item.seen_at
            )
            return None
        seen_at = item.seen_at
        observed = "obs:" + observation_key(item, event, content_digest(item.text))
        lookup_keys = [
            self._signature_key(text) for text in lookup_signatures(event, seen_at, self.policy)
        ]
        incidents = event_incidents(event, item.title)
        source = source_of(item)
        for _attempt in range(self.max_attempts):
            snapshot = await self._read(lookup_keys, observed)
            if snapshot.replayed:
                return snapshot.replay
            target = choose_event(snapshot.states, event, seen_at, self.policy, incidents)
            if target is None:
                claimed = signature(event, seen_at, self.policy)
                state = new_state(
                    alert_id_for(claimed, observed), claimed, event, source, incidents
                )
                alert: Alert | None = build_alert(state, event, REASON_NEW)
                expected = ""
            else:
                reason = is_material(target, event, self.policy)
                state = merge(target, event, source, incidents, material=reason is not None)
                alert = build_alert(state, event, reason) if reason else None
                expected = snapshot.versions[target.alert_id]
            if await self._write(
                state, expected, lookup_keys, snapshot.cardinalities, observed, alert
            ):
                return alert
        raise DedupConflict(
            f"event of item {item.id} kept changing under {self.max_attempts} attempts; retry the item"
        )

    async def event_state(self, alert_id: str) -> EventState | None:
        """The stored state of one event (for operators and tests)."""
        values = await self.redis.hmget(self._event_key(alert_id), list(STATE_FIELDS))
        if values[0] is None:
            return None
        return state_from_fields(alert_id, dict(zip(STATE_FIELDS, map(_text, values), strict=True)))

    def _signature_key(self, signature_text: str) -> str:
        return redis_key("dedup", "sig", signature_text)

    def _event_key(self, alert_id: str) -> str:
        return redis_key("dedup", "event", alert_id)

    async def _read(self, lookup_keys: list[str], observed: str) -> _Snapshot:
        reply = await self._read_events(
            keys=lookup_keys, args=[self._event_key(""), observed, *STATE_FIELDS]
        )
        if _text(reply[0]) == "replay":
            alert = _decode_alert(reply[3]) if reply[3] else None
            return _Snapshot(replayed=True, replay=alert)
        snapshot = _Snapshot(cardinalities=[int(count) for count in reply[1]])
        flat = reply[2]
        for position in range(0, len(flat), 2):
            alert_id = _text(flat[position])
            values = dict(zip(STATE_FIELDS, map(_text, flat[position + 1]), strict=True))
            snapshot.states.append(state_from_fields(alert_id, values))
            snapshot.versions[alert_id] = values["version"]
        return snapshot

    async def _write(
        self,
        state: EventState,
        expected: str,
        lookup_keys: list[str],
        cardinalities: list[int],
        observed: str,
        alert: Alert | None,
    ) -> bool:
        index_keys = [self._signature_key(text) for text in index_signatures(state, self.policy)]
        values: dict[str, str | bytes] = {**state_fields(state)}
        values[observed] = str(alert.revision) if alert else "-1"
        if alert is not None:
            values[f"alert:{alert.revision}"] = _encode_alert(alert)
        flat = [part for pair in values.items() for part in pair]
        written = await self._write_event(
            keys=[self._event_key(state.alert_id), *lookup_keys, *index_keys],
            args=[
                expected,
                len(lookup_keys),
                *cardinalities,
                self.policy.event_ttl_seconds,
                state.alert_id,
                *flat,
            ],
        )
        return bool(written)

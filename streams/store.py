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
  values, numbers, event time and whether backfilled; LSH band -> first item id holding it).
  A backfilled item is a copy only of an item of the same day in event time.
* ``dedup:sig:<signature>``: set of the alert ids of events registered under a signature.
* ``dedup:event:<alert id>``: hash of one event: its merged state, ``version`` (bumped on
  every write), ``obs:<observation>`` -> revision it caused (``-1`` for none) and
  ``alert:<revision>`` -> the alert JSON, so a redelivered report returns the same alert;
  ``relinked:<observation>`` -> ``<alert id> <revision>`` of the reversal it caused on the
  next capture of the town.
* ``dedup:town:<place>``: per-town history of captures: alert id -> ``first last holder
  held_since held_until`` (event times), and ``version``, bumped on every capture written
  there, so decisions about one town are serialised and see every capture of the town.

Lua scripts name keys they derive from stored ids (events, fingerprints) through a prefix
argument, which is fine on one Redis but not on Redis Cluster.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis

from ingest.items import WireItem
from kernel.clock import format_time, parse_time
from kernel.contracts import redis_key
from kernel.errors import VigieError
from kernel.vocabulary import EventKind, EventStatus
from streams import metrics
from streams.dedup import (
    CAPTURE,
    REASON_REVERSAL,
    DedupPolicy,
    EventState,
    build_alert,
    decide,
    event_incidents,
    index_signatures,
    is_stale,
    lookup_signatures,
    observation_key,
    place_key,
    report_holder,
    source_of,
)
from streams.events import Alert, AlertSource, DetectedEvent, Place
from streams.fingerprint import content_digest, fingerprint

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
    "holder",
    "held_since",
    "held_until",
    "supersedes",
    "version",
)

#: Stored ``holder`` of a capture whose holder no report has named yet ("" is a state written
#: before holders were kept: its holder is read from its actor).
UNKNOWN_HOLDER = "?"

_CHECK_ITEM = """
local item_key, fp_key = KEYS[1], KEYS[2]
local item_id, version, fp, numbers = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local threshold, item_ttl, fp_ttl, fp_prefix = tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8]
local seen, reach, backfill = tonumber(ARGV[9]), tonumber(ARGV[10]), ARGV[11]

local known = redis.call('HGET', item_key, version)
if known == 'near_duplicate' then return {known, redis.call('HGET', item_key, 'of') or ''} end
if known then return {'redelivered', ''} end

local mine = {}
for number in string.gmatch(numbers, '%S+') do mine[number] = true end
local values = #fp / 4

-- The near-duplicate rule (streams/fingerprint.py says what it compares): a new number means an update; names ('@' tokens)
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
    local stored = redis.call('HMGET', fp_prefix .. other, 'fp', 'numbers', 'seen', 'backfill')
    -- An archive replayed in event time: copies are of the same day, not of any day.
    local apart = false
    if (backfill == '1' or stored[4] == '1') and stored[3] then
      apart = math.abs(tonumber(stored[3]) - seen) > reach
    end
    if stored[1] and not apart and copies(stored[1], stored[2] or '') then
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
redis.call('HSET', fp_key, 'fp', fp, 'numbers', numbers, 'seen', seen, 'backfill', backfill)
redis.call('EXPIRE', fp_key, fp_ttl)
for i = 3, #KEYS do redis.call('SET', KEYS[i], item_id, 'NX', 'EX', fp_ttl) end
return {verdict, ''}
"""

_READ_EVENTS = """
local prefix, observed, sets = ARGV[1], ARGV[2], tonumber(ARGV[3])
local moment, reach = tonumber(ARGV[4]), tonumber(ARGV[5])
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
local cardinalities, states, seen, stale = {}, {}, {}, {}

-- Candidates: members of the signature sets, and the town's captures near the report's time.
local candidates = {}
for i = 1, sets do
  cardinalities[i] = redis.call('SCARD', KEYS[i])
  for _, alert_id in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    candidates[#candidates + 1] = alert_id
  end
end
local town_version = ''
if #KEYS > sets then
  local town = redis.call('HGETALL', KEYS[sets + 1])
  for i = 1, #town, 2 do
    local name, value = town[i], town[i + 1]
    if name == 'version' then
      town_version = value
    else
      local first, last = string.match(value, '^(%d+) (%d+)')
      if redis.call('EXISTS', prefix .. name) == 0 then
        stale[#stale + 1] = name
      elseif tonumber(last) >= moment - reach and tonumber(first) <= moment + reach then
        candidates[#candidates + 1] = name
      end
    end
  end
end

for _, alert_id in ipairs(candidates) do
  if not seen[alert_id] then
    seen[alert_id] = true
    local key = prefix .. alert_id
    local caused = redis.call('HGET', key, observed)
    if caused then
      local alert = false
      if caused ~= '-1' then alert = redis.call('HGET', key, 'alert:' .. caused) end
      local relinked = false
      local link = redis.call('HGET', key, 'relinked:' .. observed)
      if link then
        local other, revision = string.match(link, '^(%S+) (%S+)$')
        relinked = redis.call('HGET', prefix .. other, 'alert:' .. revision)
      end
      return {'replay', alert_id, caused, alert, relinked}
    end
    local values = redis.call('HMGET', key, unpack(fields))
    if values[1] then
      states[#states + 1] = alert_id
      states[#states + 1] = values
    end
  end
end
return {'states', cardinalities, states, town_version, stale}
"""

_WRITE_EVENTS = """
-- KEYS: town (or any key when there is none), the looked-up signature sets, then per event
-- its key and the signature sets it is indexed under.
-- ARGV: ttl, town version expected ('-': no town), number of sets and their sizes, number
-- of events and per event (expected version or '' for a new one, member, number of index
-- keys, number of hash values, the values), then town entries and stale town entries.
local ttl, town_expected, checks = ARGV[1], ARGV[2], tonumber(ARGV[3])
for i = 1, checks do
  if redis.call('SCARD', KEYS[1 + i]) ~= tonumber(ARGV[3 + i]) then return 0 end
end
local town = KEYS[1]
if town_expected ~= '-' and (redis.call('HGET', town, 'version') or '') ~= town_expected then
  return 0
end
local at, key_at = 4 + checks, 2 + checks
local events = tonumber(ARGV[at])
at = at + 1
local plan = {}
for e = 1, events do
  local expected, member = ARGV[at], ARGV[at + 1]
  local indexes, values = tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local event_key = KEYS[key_at]
  if expected == '' then
    if redis.call('EXISTS', event_key) == 1 then return 0 end
  elseif redis.call('HGET', event_key, 'version') ~= expected then
    return 0
  end
  plan[e] = {event_key, member, key_at + 1, indexes, at + 4, values}
  at = at + 4 + values
  key_at = key_at + 1 + indexes
end
for e = 1, events do
  local event_key, member, first_index, indexes, first_value, values = unpack(plan[e])
  redis.call('HSET', event_key, unpack(ARGV, first_value, first_value + values - 1))
  redis.call('HINCRBY', event_key, 'version', 1)
  redis.call('EXPIRE', event_key, ttl)
  for i = first_index, first_index + indexes - 1 do
    redis.call('SADD', KEYS[i], member)
    redis.call('EXPIRE', KEYS[i], ttl)
  end
end
if town_expected ~= '-' then
  local entries = tonumber(ARGV[at])
  if entries > 0 then redis.call('HSET', town, unpack(ARGV, at + 1, at + entries)) end
  at = at + 1 + entries
  local stale = tonumber(ARGV[at])
  if stale > 0 then redis.call('HDEL', town, unpack(ARGV, at + 1, at + stale)) end
  redis.call('HINCRBY', town, 'version', 1)
  redis.call('EXPIRE', town, ttl)
end
return 1
"""


class DedupConflict(VigieError, RuntimeError):
    """Other workers kept changing the same event; retryable: process the item again."""

    retryable = True


@dataclass(slots=True)
class _Snapshot:
    """What the read script saw: candidate events, their versions, and the sets' sizes."""

    cardinalities: list[int] = field(default_factory=list)
    states: list[EventState] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    #: Version of the town's capture history ('' when it has none yet).
    town_version: str = ""
    #: Town history entries whose event expired: dropped by the next write.
    stale: list[str] = field(default_factory=list)
    replayed: bool = False
    replay: Alert | None = None
    relinked: list[Alert] = field(default_factory=list)


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


def _epoch(moment: datetime | None) -> str:
    return "" if moment is None else str(int(moment.timestamp()))


def _from_epoch(text: str) -> datetime | None:
    return datetime.fromtimestamp(int(text), UTC) if text else None


def town_entry(state: EventState) -> str:
    """One capture in its town's history: ``first last holder held_since held_until``."""
    return " ".join(
        (
            _epoch(state.first_seen),
            _epoch(state.last_seen),
            state.holder or UNKNOWN_HOLDER,
            _epoch(state.held_since) or "-",
            _epoch(state.held_until) or "-",
        )
    )


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
        "holder": (state.holder or UNKNOWN_HOLDER) if state.kind == CAPTURE else "",
        "held_since": _epoch(state.held_since),
        "held_until": _epoch(state.held_until),
        "supersedes": state.supersedes or "",
    }


def state_from_fields(alert_id: str, values: dict[str, str]) -> EventState:
    """Read an event state back from its hash fields."""
    first_seen = parse_time(values["first_seen"])
    last_seen = parse_time(values["last_seen"]) or first_seen
    if first_seen is None or last_seen is None:
        raise ValueError(f"event {alert_id} has no first_seen")
    state = EventState(
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
        holder=values.get("holder") or None,
        held_since=_from_epoch(values.get("held_since", "")),
        held_until=_from_epoch(values.get("held_until", "")),
        supersedes=values.get("supersedes") or None,
    )
    if state.kind != CAPTURE:
        return state
    if state.holder == UNKNOWN_HOLDER:
        return replace(state, holder=None)
    if state.holder is None:
        # Written before holders were kept: its actor names the holder for all its reports.
        holder = report_holder(
            DetectedEvent(id="", kind=CAPTURE, item_id="", lang="", evidence="",
                          place=state.place, actor=state.actor)
        )  # fmt: skip
        if holder is not None:
            return replace(state, holder=holder, held_since=first_seen, held_until=last_seen)
    return state


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
        self._write_events = redis.register_script(_WRITE_EVENTS)

    # --- items --------------------------------------------------------------------------

    async def check_item(self, item: WireItem) -> str:
        """``new``, ``redelivered`` (id seen before: process it again) or ``near_duplicate`` (skip)."""
        verdict, _original = await self.check_item_detail(item)
        return verdict

    async def check_item_detail(self, item: WireItem) -> tuple[str, str | None]:
        """The verdict of ``check_item`` and, for a near-duplicate, the id of the item it copies."""
        keys, args = self._check_call(item)
        return self._check_reply(item, await self._check_item(keys=keys, args=args))

    async def check_items(self, items: Sequence[WireItem]) -> list[str]:
        """``check_item`` of several items in one round trip, in order.

        The scripts run one after the other in Redis, so an item is checked against every
        item before it in ``items`` exactly as if each had been checked on its own."""
        if not items:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for item in items:
            keys, args = self._check_call(item)
            await self._check_item(keys=keys, args=args, client=pipe)  # queued on the pipe
        replies = await pipe.execute()
        return [
            self._check_reply(item, reply)[0] for item, reply in zip(items, replies, strict=True)
        ]

    def _check_call(self, item: WireItem) -> tuple[list[str], list[str | bytes | int | float]]:
        """Keys and arguments of the near-duplicate script for ``item``."""
        text = item.text
        print_ = fingerprint(text)
        keys = [redis_key("dedup", "item", item.id), redis_key("dedup", "fp", item.id)]
        keys += [
            redis_key("dedup", "band", index, token) for index, token in enumerate(print_.bands())
        ]
        args: list[str | bytes | int | float] = [
            item.id,
            content_digest(text),
            print_.to_bytes(),
            print_.numbers_field(),
            self.policy.near_duplicate_threshold,
            self.policy.event_ttl_seconds,
            self.policy.near_duplicate_ttl_seconds,
            redis_key("dedup", "fp", ""),
            int(item.seen_at.timestamp()),
            self.policy.near_duplicate_ttl_seconds,
            "1" if item.backfill else "",
        ]
        return keys, args

    @staticmethod
    def _check_reply(item: WireItem, reply: Any) -> tuple[str, str | None]:
        verdict, original = _text(reply[0]), _text(reply[1])
        if verdict == NEAR_DUPLICATE:
            log.debug("item %s is a near-duplicate of %s", item.id, original)
        return verdict, original or None

    # --- events -------------------------------------------------------------------------

    async def observe(self, item: WireItem, event: DetectedEvent) -> Alert | None:
        """A new alert (revision 0), a new revision, or ``None`` when the report adds no news.

        Only the report's own event; ``observe_all`` also returns the reversal it may cause on
        the next capture of the town, and is what the stream worker calls."""
        own, _relinked = await self._observe(item, event)
        return own

    async def observe_all(self, item: WireItem, event: DetectedEvent) -> list[Alert]:
        """Every alert one report causes: its own event's, then a reversal of the next capture."""
        own, relinked = await self._observe(item, event)
        return ([own] if own is not None else []) + relinked

    async def _observe(
        self, item: WireItem, event: DetectedEvent
    ) -> tuple[Alert | None, list[Alert]]:
        if is_stale(item, self.policy):
            metrics.ITEMS_TOO_OLD.labels(event.kind).inc()
            log.info(
                "item %s tells of %s, older than events are kept (%d days): not alerted; "
                "replay it with `vigie replay --backfill`",
                item.id,
                item.seen_at,
                self.policy.event_ttl_days,
            )
            return None, []
        seen_at = item.seen_at
        observed = "obs:" + observation_key(item, event, content_digest(item.text))
        lookup_keys = [
            self._signature_key(text) for text in lookup_signatures(event, seen_at, self.policy)
        ]
        town_key = self._town_key(event) if event.kind == CAPTURE else None
        incidents = event_incidents(event, item.title)
        source = source_of(item)
        for _attempt in range(self.max_attempts):
            snapshot = await self._read(lookup_keys, town_key, observed, seen_at)
            if snapshot.replayed:
                return snapshot.replay, snapshot.relinked
            decision = decide(snapshot.states, event, source, observed, self.policy, incidents)
            state = decision.state
            alert = build_alert(state, event, decision.reason) if decision.reason else None
            if alert is not None and item.backfill:
                alert = replace(alert, backfill=True)
            writes = [(state, "" if decision.created else snapshot.versions[state.alert_id])]
            values: dict[str, str | bytes] = {observed: str(alert.revision) if alert else "-1"}
            if alert is not None:
                values[f"alert:{alert.revision}"] = _encode_alert(alert)
            extra: list[dict[str, str | bytes]] = [values]
            relinked: list[Alert] = []
            following = decision.relinked
            if following is not None:
                reversal = build_alert(
                    following, await self._last_event(following), REASON_REVERSAL
                )
                if item.backfill:
                    reversal = replace(reversal, backfill=True)
                writes.append((following, snapshot.versions[following.alert_id]))
                extra.append({f"alert:{reversal.revision}": _encode_alert(reversal)})
                values[f"relinked:{observed}"] = f"{following.alert_id} {reversal.revision}"
                relinked.append(reversal)
            if await self._write(writes, extra, lookup_keys, snapshot, town_key):
                return alert, relinked
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

    def _town_key(self, event: DetectedEvent) -> str:
        return redis_key("dedup", "town", place_key(event.place))

    async def _read(
        self, lookup_keys: list[str], town_key: str | None, observed: str, seen_at: datetime
    ) -> _Snapshot:
        # A town's captures matter up to a window away, and so do theirs: read two, plus one.
        reach = int(3 * self.policy.window(CAPTURE).total_seconds())
        reply = await self._read_events(
            keys=[*lookup_keys, *([town_key] if town_key else [])],
            args=[
                self._event_key(""),
                observed,
                len(lookup_keys),
                int(seen_at.timestamp()),
                reach,
                *STATE_FIELDS,
            ],
        )
        if _text(reply[0]) == "replay":
            alert = _decode_alert(reply[3]) if reply[3] else None
            relinked = [_decode_alert(reply[4])] if reply[4] else []
            return _Snapshot(replayed=True, replay=alert, relinked=relinked)
        snapshot = _Snapshot(
            cardinalities=[int(count) for count in reply[1]],
            town_version=_text(reply[3]),
            stale=[_text(name) for name in reply[4]],
        )
        flat = reply[2]
        for position in range(0, len(flat), 2):
            alert_id = _text(flat[position])
            values = dict(zip(STATE_FIELDS, map(_text, flat[position + 1]), strict=True))
            snapshot.states.append(state_from_fields(alert_id, values))
            snapshot.versions[alert_id] = values["version"]
        return snapshot

    async def _last_event(self, state: EventState) -> DetectedEvent:
        """The detection behind an event's last alert: what a reversal revision shows again."""
        stored = await self.redis.hget(
            self._event_key(state.alert_id), f"alert:{state.revision - 1}"
        )
        if isinstance(stored, bytes):
            return _decode_alert(stored).event
        # Not kept (should not happen): the event as its state knows it.
        last = state.sources[-1] if state.sources else None
        return DetectedEvent(
            id=f"{state.alert_id}#{state.revision}",
            kind=EventKind(state.kind),
            item_id=last.item_id if last else "",
            lang=last.lang if last else "en",
            evidence="",
            place=state.place,
            actor=state.actor,
            from_actor=state.from_actor,
            status=EventStatus(state.status),
        )

    async def _write(
        self,
        writes: list[tuple[EventState, str]],
        extra: list[dict[str, str | bytes]],
        lookup_keys: list[str],
        snapshot: _Snapshot,
        town_key: str | None,
    ) -> bool:
        """Apply a decision if nothing it read has changed; ``writes``: (state, version read)."""
        keys: list[str] = [town_key or self._event_key(writes[0][0].alert_id), *lookup_keys]
        args: list[str | bytes | int] = [
            self.policy.event_ttl_seconds,
            snapshot.town_version if town_key else "-",
            len(lookup_keys),
            *snapshot.cardinalities,
            len(writes),
        ]
        for (state, expected), more in zip(writes, extra, strict=True):
            index_keys = [
                self._signature_key(text) for text in index_signatures(state, self.policy)
            ]
            values: dict[str, str | bytes] = {**state_fields(state), **more}
            keys += [self._event_key(state.alert_id), *index_keys]
            args += [expected, state.alert_id, len(index_keys), len(values) * 2]
            args += [part for pair in values.items() for part in pair]
        if town_key:
            entries = {state.alert_id: town_entry(state) for state, _ in writes}
            args += [len(entries) * 2, *(part for pair in entries.items() for part in pair)]
            args += [len(snapshot.stale), *snapshot.stale]
        written = await self._write_events(keys=keys, args=args)
        return bool(written)

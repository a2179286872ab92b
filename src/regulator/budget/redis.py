"""Redis counters: budgets, reservations and rate limits shared by every gateway replica.

Each backend call is one Lua script (see `redis_scripts`), so a reservation is checked and taken
on every applicable budget and rate limit at once, whichever replica sends it. Counter keys carry
their window start (`…|day@1767225600`), so a new window is a new key and the old one expires a
while after its window ends; `total` counters never expire.

A counter missing from Redis (first sight, or Redis restarted without persistence) is seeded once
from the ledger: the script reports it missing, the ledger is asked, and the seed is written only
if the key is still missing, so two replicas seeding at once never add the spend twice.

Reservations carry their expiry. `expire()` (called every second by each engine) reaps for the
whole fleet at most once per `reap_interval_s` (a short Redis lock): a reservation past its TTL
belongs to a replica that died or a call that hung, and is counted in spent at its reserved amount,
as journal recovery counts interrupted calls, because the provider may have billed it. The overshoot
guarantee therefore holds through a crash; the cost is that an unbilled call stays counted until
the window rolls over. A late settle counts only the difference from what the reaper charged.

A seeded counter remembers when its ledger read began (`seeded`). A row committed to the ledger
before then is in the counter already, so a settle replayed after Redis came back empty, or spend
pushed from local counters (`FailoverBackend`), both stamped with their rows' commit time, is not
added to it again. `clock_skew_s` is how far apart replicas' clocks may be: spend committed within
it of the seed is added anyway (counted twice rather than lost).

Keys: `<prefix>:{<org>}:…`. Every key one script touches (counters, rate-limit buckets, concurrency
counts, the held hash and expiry zset, tombstones) is tagged with the caller's org, so each script
runs in one Redis Cluster slot and orgs spread over the cluster. Budgets never span orgs; a fleet or
agent budget is tagged with the org of its keys. Only the reaper's claim and the set of orgs with
reservations (`<prefix>:{*}:…`) are fleet-wide, and no script touches them with an org's keys.

Redis unreachable → `CountersUnavailable` (HTTP 503): no call is admitted without a budget check.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from regulator.budget import redis_scripts as lua
from regulator.budget.backend import (
    BudgetRefusal,
    CounterState,
    Crossing,
    Expired,
    Overrun,
    ReserveOutcome,
    ReserveRequest,
    SettleOutcome,
    SpendLoader,
)
from regulator.budget.ratelimit import RateRefusal
from regulator.budget.slots import BudgetSlot
from regulator.errors import CountersUnavailable

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# During an outage every admission fails: say why in the log at most this often.
OUTAGE_LOG_INTERVAL_S = 10.0

log = logging.getLogger(__name__)


def connect(url: str, *, timeout_s: float = 1.0) -> aioredis.Redis:
    """A client that gives up fast: one quick retry (a stale pooled socket), then the error."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
    )


def _by_org(slots: Sequence[BudgetSlot]) -> dict[str, list[BudgetSlot]]:
    groups: dict[str, list[BudgetSlot]] = {}
    for slot in slots:
        groups.setdefault(slot.org, []).append(slot)
    return groups


def _crossings(values: Sequence[Any], at: int, count: int) -> list[Crossing]:
    return [
        Crossing(int(values[i]), float(values[i + 1]), float(values[i + 2]), float(values[i + 3]))
        for i in range(at, at + 4 * count, 4)
    ]


def hash_tag(org: str) -> str:
    """The org's Redis Cluster hash tag: its name, unless braces (or nothing) would break the tag."""
    if org and "{" not in org and "}" not in org:
        return org
    return "~" + hashlib.sha1(org.encode()).hexdigest()[:16]


class RedisBackend:
    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str = "rg",
        loader: SpendLoader | None = None,
        reservation_ttl_s: float = 900.0,
        reap_interval_s: float = 2.0,
        reap_batch: int = 500,
        clock_skew_s: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if "{" in prefix or "}" in prefix:
            raise ValueError("prefix must not contain braces (they delimit the hash tag)")
        self.client = client
        self.prefix = prefix
        self._fleet = f"{prefix}:{{*}}:"
        self._orgs: dict[str, str] = {}  # org → its key base; registered for the reaper
        self._loader = loader
        self._clock_skew_s = clock_skew_s
        self._clock = clock
        # Ledger reads in progress, per counter key: concurrent calls that find a counter missing
        # (a cold start, Redis back empty) wait for one read instead of each querying the ledger.
        self._loading: dict[str, asyncio.Future[str]] = {}
        # Counters outlive their window by this much, so late settles and the reaper still find them.
        self._keep_s = int(reservation_ttl_s) + 3600
        self._reap_interval_s = reap_interval_s
        self._next_outage_log = 0.0
        self._reap_batch = reap_batch
        self._reserve = client.register_script(lua.RESERVE)
        self._settle = client.register_script(lua.SETTLE)
        self._reap = client.register_script(lua.REAP)
        self._states = client.register_script(lua.STATES)
        self._push = client.register_script(lua.PUSH)
        self._claim = client.register_script(lua.CLAIM)
        self._committed = client.register_script(lua.COMMITTED)
        # Reservations made with a caller whose ledger rows are not known to be committed: org, expiry.
        self._unrecorded: dict[str, tuple[str, float]] = {}

    def set_loader(self, loader: SpendLoader | None) -> None:
        self._loader = loader

    async def close(self) -> None:
        await self.client.aclose()

    # key names

    def base(self, org: str) -> str:
        return f"{self.prefix}:{{{hash_tag(org)}}}:"

    def counter_key(self, slot: BudgetSlot) -> str:
        return f"{self.base(slot.org)}c:{slot.key}@{round(slot.start)}"

    async def _org_base(self, org: str) -> str:
        """The org's key base; the first time, the org joins the set the reaper walks."""
        base = self._orgs.get(org)
        if base is None:
            base = self.base(org)
            try:
                await self.client.sadd(self._fleet + "orgs", org)
            except UNREACHABLE as exc:
                raise self._unavailable(exc) from exc
            self._orgs[org] = base
        return base

    def _ttl(self, slot: BudgetSlot) -> int:
        # Relative, refreshed on every reservation: a whole window plus the margin, from the last use.
        if slot.resets_at is not None:
            return int(slot.resets_at - slot.start) + self._keep_s
        # A session's cap, idle for the margin, is dropped (sessions come and go by the million); if
        # the session returns, its counter is re-seeded from the ledger like any missing one.
        return self._keep_s if slot.scope.startswith("session:") else 0

    async def _run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        try:
            return await script(keys=keys, args=args)
        except UNREACHABLE as exc:
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: Exception) -> CountersUnavailable:
        """The error for callers, which names no address; the cause, with its address, for the log."""
        now = time.monotonic()
        if now >= self._next_outage_log:
            self._next_outage_log = now + OUTAGE_LOG_INTERVAL_S
            where = self.client.connection_pool.connection_kwargs
            address = where.get("path") or f"{where.get('host')}:{where.get('port')}"
            log.error("Redis counters at %s unreachable, refusing calls that need them: %s", address, exc)
        return CountersUnavailable()

    async def _seeds(self, slots: Sequence[BudgetSlot], missing: Sequence[Any]) -> dict[int, str]:
        seeds: dict[int, str] = {}
        for index in (int(i) for i in missing):
            key = self.counter_key(slots[index])
            loading = self._loading.get(key)
            if loading is None:
                loading = self._loading[key] = asyncio.ensure_future(self._load(slots[index]))
                loading.add_done_callback(functools.partial(self._loaded, key))
            seeds[index] = await asyncio.shield(loading)  # one caller going away leaves the read to the rest
        return seeds

    def _loaded(self, key: str, _: asyncio.Future[str]) -> None:
        self._loading.pop(key, None)

    async def _load(self, slot: BudgetSlot) -> str:
        """The counter's spend in the ledger, stamped with the time its read began: rows committed
        before it are in it. The wall clock, as the ledger's commit times are (`clock` in tests)."""
        now = self._clock()
        spent = 0.0
        if self._loader is not None:
            spent = await asyncio.to_thread(self._loader, slot.start, dict(slot.filters))
        return f"{float(spent)!r}@{now!r}"

    # the interface

    async def reserve(self, request: ReserveRequest) -> ReserveOutcome:
        slots = request.budgets
        base = await self._org_base(request.org)
        keys = [base + "held", base + "exp"]
        keys += [self.counter_key(s) for s in slots]
        keys += [base + b.key for b in request.buckets]
        keys += [base + c.key for c in request.concurrency]
        head: list[Any] = [
            request.reservation_id,
            repr(request.now),
            repr(request.expires_at),
            len(slots),
            len(request.buckets),
            len(request.concurrency),
            request.input_tokens,
            repr(request.input_usd),
            repr(request.usd_per_output_token),
            request.max_output_tokens,
            request.min_output_tokens,
            lua.slot_meta(slots),
        ]
        tail: list[Any] = [
            *(a for b in request.buckets for a in ("r" if b.kind == "requests_per_minute" else "t", b.per_minute)),
            *(c.limit for c in request.concurrency),
            lua.caller_arg(request.caller),
        ]
        seeds: dict[int, str] = {}
        while True:
            per_slot = [
                a
                for i, s in enumerate(slots)
                for a in (
                    repr(s.limit),
                    ",".join(map(repr, s.thresholds)),
                    self._ttl(s),
                    seeds.get(i, ""),
                )
            ]
            reply = await self._run(self._reserve, keys, [*head, *per_slot, *tail])
            if reply[0] != "seed":
                break
            seeds.update(await self._seeds(slots, reply[1:]))
        kind = reply[0]
        if kind == "held":
            raise ValueError(f"reservation {request.reservation_id!r} is already held")
        if kind == "rate":
            index = int(reply[2])
            if reply[1] == "c":
                conc = request.concurrency[index]
                return ReserveOutcome(rate_refusal=RateRefusal(conc.scope, "concurrent", conc.limit, 1.0))
            spec = request.buckets[index]
            return ReserveOutcome(rate_refusal=RateRefusal(spec.scope, spec.kind, spec.per_minute, float(reply[4])))
        if kind == "budget":
            blocking = tuple(int(i) for i in reply[4:])
            refusal = BudgetRefusal(int(reply[1]), float(reply[2]), float(reply[3]), blocking or (int(reply[1]),))
            return ReserveOutcome(refusal=refusal)
        if request.caller is not None:
            self._unrecorded[request.reservation_id] = (request.org, request.expires_at)
        return ReserveOutcome(
            output_tokens=int(reply[1]),
            reserved_usd=float(reply[2]),
            remaining_usd=float(reply[3]) if slots else None,
            crossings=_crossings(reply, 5, int(reply[4])),
        )

    async def settle(
        self,
        reservation_id: str,
        budgets: Sequence[BudgetSlot],
        actual_usd: float,
        actual_tokens: int | None,
        now: float,
        *,
        org: str,
    ) -> SettleOutcome:
        base = self.base(org)
        keys = [base + "held", base + "exp", base + "tomb:" + reservation_id]
        keys += [self.counter_key(s) for s in budgets]
        args: list[Any] = [
            reservation_id,
            repr(actual_usd),
            "" if actual_tokens is None else actual_tokens,
            repr(now),
            len(budgets),
        ]
        args += [a for s in budgets for a in (repr(s.limit), ",".join(map(repr, s.thresholds)))]
        args.append(repr(self._clock_skew_s))
        reply = await self._run(self._settle, keys, args)
        if reply[0] == "late" or not actual_usd:
            self._unrecorded.pop(reservation_id, None)  # no settled entry was left to clean up
        if reply[0] == "late":
            n_cross = int(reply[3])
            unseeded = tuple(budgets[int(i)] for i in reply[4 + 4 * n_cross :])
            return SettleOutcome(late=True, crossings=_crossings(reply, 4, n_cross), unseeded=unseeded)
        n_over, n_cross = int(reply[2]), int(reply[3])
        overruns = [
            Overrun(int(reply[i]), float(reply[i + 1]), float(reply[i + 2])) for i in range(4, 4 + 3 * n_over, 3)
        ]
        return SettleOutcome(
            reserved_usd=float(reply[1]),
            overruns=overruns,
            crossings=_crossings(reply, 4 + 3 * n_over, n_cross),
        )

    async def expire(self, now: float) -> list[Expired]:
        """Reap reservations past their expiry, for every replica; at most once per interval fleet-wide."""
        try:
            if self._orgs:  # again each time: a Redis restarted empty has forgotten them
                await self.client.sadd(self._fleet + "orgs", *self._orgs)
            claimed = await self._claim(keys=[self._fleet + "reaper"], args=[repr(now), self._reap_interval_s])
            orgs = await self.client.smembers(self._fleet + "orgs") if claimed else set()
        except UNREACHABLE:
            return []  # the next admit reports the outage; reaping waits for Redis to return
        expired: list[Expired] = []
        try:
            for org in sorted(str(o) for o in orgs):  # the client decodes replies: these are str
                base = self.base(org)
                while True:
                    args = [repr(now), self._reap_batch, base + "tomb:", self._keep_s]
                    reply = await self._run(self._reap, [base + "held", base + "exp"], args)
                    for i in range(0, len(reply), 5):
                        rid, amount, meta, caller, kind = reply[i : i + 5]
                        self._unrecorded.pop(rid, None)
                        slots = lua.slots_from_meta(meta)
                        expired.append(Expired(rid, float(amount), slots, lua.caller_from(caller, org), kind == "s"))
                    if len(reply) < 5 * self._reap_batch:
                        break
        except CountersUnavailable:
            pass  # Redis went away mid-reap: what was reaped is reported, the rest waits for the next claim
        for rid, (_, expires_at) in list(self._unrecorded.items()):
            if expires_at < now - self._keep_s:  # never settled nor reaped here: nothing left to clean
                del self._unrecorded[rid]
        return expired

    def awaits_rows(self) -> bool:
        """Whether some call settled here waits for word that its ledger row is committed."""
        return bool(self._unrecorded)

    async def rows_committed(self, call_ids: Sequence[str]) -> None:
        """These calls' ledger rows are in the database: their settled entries are no longer needed
        for a survivor to write them. Best effort: an entry left behind is recorded again by the
        reaper, and the ledger skips a call id it holds."""
        by_org: dict[str, list[str]] = {}
        for call_id in call_ids:
            held = self._unrecorded.pop(call_id, None)
            if held is not None:
                by_org.setdefault(held[0], []).append(call_id)
        for org, ids in by_org.items():
            base = self.base(org)
            try:
                await self._committed(keys=[base + "held", base + "exp"], args=ids)
            except UNREACHABLE:
                log.debug("could not drop %d settled entries of %s: the reaper will", len(ids), org)

    async def states(self, budgets: Sequence[BudgetSlot]) -> list[CounterState]:
        states: dict[BudgetSlot, CounterState] = {}
        for group in _by_org(budgets).values():  # one script per org: one cluster slot each
            keys = [self.counter_key(s) for s in group]
            seeds: dict[int, str] = {}
            while True:
                args = [a for i, s in enumerate(group) for a in (seeds.get(i, ""), self._ttl(s))]
                reply = await self._run(self._states, keys, args)
                if reply[0] != "seed":
                    break
                seeds.update(await self._seeds(group, reply[1:]))
            for i, slot in enumerate(group):
                states[slot] = CounterState(float(reply[1 + 2 * i]), float(reply[2 + 2 * i]))
        return [states[s] for s in budgets]

    async def push_spend(self, push_id: str, deltas: Mapping[BudgetSlot, Mapping[int, float]]) -> int:
        """Add spend counted elsewhere (while Redis was unreachable) exactly once per `push_id`.

        `deltas` maps each counter to the USD settled in each tick (`int(unix time × 10)`). Returns how many counters
        took it, or -1 if this push id was already applied (to every org it names).
        """
        pushed, repeated = 0, 0
        groups = _by_org(list(deltas))
        for org, slots in groups.items():
            keys = [f"{self.base(org)}push:{push_id}", *(self.counter_key(s) for s in slots)]
            per_counter = (",".join(f"{sec}:{usd!r}" for sec, usd in deltas[s].items()) for s in slots)
            args: list[Any] = [self._keep_s, repr(self._clock_skew_s), *per_counter]
            took = int(await self._run(self._push, keys, args))
            if took < 0:
                repeated += 1
            else:
                pushed += took
        return -1 if groups and repeated == len(groups) else pushed

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except UNREACHABLE:
            return False

"""The gateway's components, wired once at start: what the pipeline calls at each step."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regulator.budget.backend import CounterBackend, Expired
from regulator.budget.config import BudgetConfig
from regulator.budget.engine import BudgetEngine
from regulator.budget.memory import MemoryBackend
from regulator.budget.slots import BudgetEvent
from regulator.config import Config
from regulator.detect.judge import build_judge
from regulator.detect.registry import build_detectors
from regulator.errors import CountersUnavailable
from regulator.events import CallEvent, CallRecord
from regulator.policy.standing import StandingBook
from regulator.policy.supervisor import Supervisor
from regulator.pricing.catalog import PriceBook
from regulator.proxy.identity import KeyCache
from regulator.proxy.observer import DetectionWorker
from regulator.proxy.routing import Router
from regulator.proxy.session_budgets import SessionBudgets
from regulator.proxy.sessions import AnswerChains, SessionThreader
from regulator.proxy.streams import count_output_tokens
from regulator.proxy.tracing import TraceRecorder
from regulator.proxy.upstream import UpstreamClient
from regulator.store import JOURNAL_NAME, Ledger, Store, open_store
from regulator.store.journal import Reservation

if TYPE_CHECKING:
    from regulator.budget.failover import FailoverBackend

log = logging.getLogger("regulator.gateway")

# How often the store's registry version is polled: keys, budgets and standing state changed by the
# CLI or another replica take effect within this (plus the Redis bus, when configured, for pauses).
REGISTRY_POLL_S = 0.25


class Throttle:
    """Spacing between calls of throttled agents (the policy's `throttle` step)."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def check(self, agent: str, interval_s: float, now: float) -> float:
        """Seconds the agent must still wait; 0 admits the call and starts a new interval."""
        last = self._last.get(agent)
        if last is not None and now - last < interval_s:
            return interval_s - (now - last)
        self._last[agent] = now
        return 0.0


def merge_budgets(declared: list[BudgetConfig], stored: list[BudgetConfig]) -> list[BudgetConfig]:
    """Budgets in regulator.yaml, overridden scope by scope by those set at run time (the store)."""
    return list(({b.scope: b for b in declared} | {b.scope: b for b in stored}).values())


class Gateway:
    def __init__(self, config: Config, data_dir: Path, store: Store | None = None):
        self.config = config
        self.data_dir = data_dir
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # its files are the owner's alone
        self.store = store or open_store(config.storage.url or data_dir)
        self.ledger = Ledger(
            self.store,
            data_dir / JOURNAL_NAME,
            batch_size=config.storage.ledger_batch_size,
            flush_ms=config.storage.ledger_flush_ms,
            fsync_interval_s=config.storage.journal_fsync_s,
        )
        self.prices = PriceBook(config)
        self.router = Router(config)
        self.sessions = SessionThreader(
            config.sessions.max_tracked, config.sessions.idle_timeout_s, max_new=config.sessions.max_new
        )
        self.chains = AnswerChains(config.sessions.max_tracked)
        self.keys = KeyCache(self.store)
        self.upstreams = UpstreamClient(config)
        self.throttle = Throttle()
        # Redis counters come wrapped in their answer to an outage; the gateway reports and settles it.
        self._failover: FailoverBackend | None = None
        self.counters = self._counters()
        self.budget = BudgetEngine(
            self.counters,
            config.budgets,
            config.rate_limits,
            tz=config.counters.timezone,
            reservation_ttl_s=config.counters.reservation_ttl_s,
            clamp_floor_tokens=config.counters.clamp_floor_tokens,
            on_event=self._budget_event,
        )
        self.budget.on_reaped = self._record_reaped
        self.supervisor = Supervisor(
            build_detectors(config.detect), config.policy, StandingBook(self.store), build_judge(config.detect.judge)
        )
        self.detection = DetectionWorker(self.supervisor, on_summary=self._summarised)
        self.session_budgets = SessionBudgets(self.store, self.budget)
        # Idle sessions are forgotten by the detectors too, so memory stays bounded by live sessions.
        self.sessions.on_forget = self.detection.forget
        # How far apart a throttled agent's calls must be.
        self.throttle_interval_s = config.policy.throttle_min_interval_s
        self.count_tokens: Callable[[str], int] = count_output_tokens
        self._observers: list[Callable[[CallEvent], None]] = []
        self._call_listeners: list[Callable[[CallRecord], None]] = []
        self._budget_listeners: list[Callable[[BudgetEvent], None]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._detecting = False
        self._bus: Any = None
        self._tracer: TraceRecorder | None = None
        self._registry_version = -1
        self._serving = False  # between a finished start() and the beginning of stop()

    def _counters(self) -> CounterBackend:
        url = self.config.counters.url
        if url.startswith("memory:"):
            return MemoryBackend()
        if url.startswith(("redis://", "rediss://", "unix://")):
            from regulator.budget.failover import FailoverBackend
            from regulator.budget.redis import RedisBackend, connect

            primary = RedisBackend(
                connect(url),
                reservation_ttl_s=self.config.counters.reservation_ttl_s,
                clock_skew_s=self.config.counters.clock_skew_s,
            )
            failover = FailoverBackend(primary, fail_open=self.config.counters.fail_open, on_degraded=self._degraded)
            self.ledger.on_commit = failover.rows_committed
            self._failover = failover
            return failover
        raise ValueError(f"counters.url: unsupported {url!r}; expected memory:// or redis://host:port/db")

    # lifecycle

    async def start(self) -> None:
        report = await asyncio.to_thread(self.ledger.recover)
        if report.interrupted:
            log.warning(
                "recovered %d calls in flight at the last stop; counted at their reserved $%.4f",
                report.interrupted,
                report.interrupted_usd,
            )
        self.budget.load_spend(self.store.sum_cost)
        await self.reload_registry()
        await self.upstreams.start()
        self._tasks.append(asyncio.create_task(self._watch_registry()))
        self._tasks.append(asyncio.create_task(self._sweep_counters()))
        if self.config.counters.url.startswith(("redis://", "rediss://", "unix://")):
            from regulator.budget.redis import connect
            from regulator.policy.standing_sync import StandingSync

            self._bus = StandingSync(connect(self.config.counters.url))
            await self._bus.start(self._standing_changed)
        if self.config.trace.enabled:
            self._tracer = TraceRecorder(self.data_dir / self.config.trace.path)
            self.add_observer(self._tracer.submit)
        if self.config.detect.enabled and self.config.policy.enabled:
            self.add_observer(self.detection.submit)
            self.detection.start()
            self._detecting = True
        # Everything loaded so far (price catalog, tokenizer, config) lives as long as the process:
        # keep it out of the collector's full passes, whose pauses show up in tail latency.
        gc.freeze()
        # A parsed 300 KB conversation is thousands of containers (three per turn in Gemini's
        # shape), alive until its call ends: at the default 700 the young-generation collector ran
        # over them many times per call (~125 µs a call for Gemini). Garbage here is freed by
        # reference counting; only rare cycles wait for the collector, so it may run far less often.
        gc.set_threshold(10_000)
        self._serving = True

    async def stop(self) -> None:
        self._serving = False
        if self._detecting:
            await asyncio.to_thread(self.detection.stop)
        if self._bus is not None:
            await self._bus.stop()
        if self._tracer is not None:
            await asyncio.to_thread(self._tracer.close)
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.upstreams.close()
        await asyncio.to_thread(self.ledger.close)
        await self._push_local_spend()
        await asyncio.to_thread(self.store.close)

    async def ready(self) -> str | None:
        """Why no call could be admitted now, or None when one could (`/readyz`).

        Fail closed, that is while Redis does not answer; fail open, a Redis outage is served on local
        counters and the replica stays ready. One PING, bounded by the client's socket timeout.
        """
        if not self._serving:
            return "starting or stopping"
        if self._failover is not None and not self._failover.fail_open and not await self._failover.primary.ping():
            return "budget counters unreachable"
        return None

    async def _push_local_spend(self) -> None:
        """Spend counted locally while Redis was away waits for its ledger rows, which closing the ledger
        just committed: push it now, or a Redis that kept its data would never count it."""
        if self._failover is None:
            return
        await asyncio.sleep(0)  # the ledger's last commit notices come through the event loop
        try:
            await self._failover.sync()
        except CountersUnavailable:
            log.error("Redis unreachable at shutdown: spend counted on local counters is in the ledger only")

    async def reload_registry(self) -> None:
        """Keys, budgets and standing state as the store has them now."""
        self._registry_version = await asyncio.to_thread(self.store.registry_version)
        self.keys.invalidate()
        self.session_budgets.forget()
        stored = await asyncio.to_thread(self.store.list_budgets)
        self.budget.set_budgets(merge_budgets(self.config.budgets, stored))
        # Redis keeps each org's counters apart: reports must know whose a fleet or agent budget is.
        keys = await asyncio.to_thread(self.store.list_keys)
        self.budget.set_orgs(
            {f"{kind}:{name}": k.org for k in keys for kind, name in (("fleet", k.fleet), ("agent", k.agent))}
        )
        await asyncio.to_thread(self.supervisor.standing.load)

    async def _watch_registry(self) -> None:
        while True:
            await asyncio.sleep(REGISTRY_POLL_S)
            try:
                if await asyncio.to_thread(self.store.registry_version) != self._registry_version:
                    await self.reload_registry()
            except Exception:  # a transient store error must not stop the watcher
                log.exception("registry reload failed")

    async def _sweep_counters(self) -> None:
        """Reap expired reservations and replay what waited for Redis even when no call comes in; drop
        standing whose expiry passed (a `--for` pause lifts by itself: calls already pass it)."""
        while True:
            await asyncio.sleep(1.0)
            try:
                await self.budget.expire()
            except Exception:  # Redis still down: the next sweep tries again
                log.debug("counter sweep failed", exc_info=True)
            try:
                await asyncio.to_thread(self.supervisor.standing.expire)
            except Exception:  # a transient store error: the next sweep tries again
                log.exception("standing expiry sweep failed")

    async def _standing_changed(self, change: dict[str, Any] | None) -> None:
        await asyncio.to_thread(self.supervisor.standing.load)

    def _summarised(self, record: CallRecord, summary: str) -> None:
        """On the detection thread: the record object is the one the operator views hold, and the
        ledger row (queued or written) gets it by UPDATE."""
        record.summary = summary
        self.ledger.annotate(record.call_id, record.ts, summary)

    def forget_keys(self) -> None:
        """A key was revoked (or a delegated budget closed) here: refuse it from the next call rather
        than the next registry poll."""
        self.keys.invalidate()
        self.session_budgets.forget()

    async def publish_standing(self, change: dict[str, Any]) -> None:
        """After a pause / resume / kill: tell the other replicas now rather than at their next poll."""
        if self._bus is not None:
            await self._bus.publish(change)

    def _degraded(self, degraded: bool) -> None:
        log.error("counters %s", "unreachable: serving on local counters (fail_open)" if degraded else "recovered")

    def _record_reaped(self, gone: Expired) -> None:
        """A shared reservation outlived the replica that made it (or its call hung past the TTL): the
        ledger gets its row here, at the amount the counters hold for it, so that it never holds less
        than the counters say was spent. If the call's own row arrives later (a hung call, a replica
        back with its journal), it replaces this one."""
        c = gone.caller
        assert c is not None
        reservation = Reservation(gone.reservation_id, c.ts, c.org, c.fleet, c.agent, c.session, gone.amount_usd)
        self.ledger.record(reservation.as_record("reaped"))

    def _budget_event(self, event: BudgetEvent) -> None:
        for listener in self._budget_listeners:
            listener(event)

    # what the pipeline calls

    def is_degraded(self, reservation_id: str) -> bool:
        return self._failover is not None and self._failover.is_degraded(reservation_id)

    def observe(self, event: CallEvent) -> None:
        for observer in self._observers:
            observer(event)

    def after_call(self, record: CallRecord) -> None:
        for listener in self._call_listeners:
            listener(record)

    # listeners for the operator surfaces (metrics, alerts, live events)

    def add_observer(self, observer: Callable[[CallEvent], None]) -> None:
        self._observers.append(observer)

    def add_call_listener(self, listener: Callable[[CallRecord], None]) -> None:
        self._call_listeners.append(listener)

    def add_budget_listener(self, listener: Callable[[BudgetEvent], None]) -> None:
        self._budget_listeners.append(listener)

"""The gateway's components, wired once at start: what the pipeline calls at each step."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from regulator.budget.engine import BudgetEngine
from regulator.budget.memory import MemoryBackend
from regulator.config import Config
from regulator.errors import RegulatorError
from regulator.events import CallEvent, CallRecord
from regulator.policy.standing import StandingState
from regulator.pricing.catalog import PriceBook
from regulator.pricing.tokens import input_token_bound
from regulator.proxy.identity import KeyCache, key_from_headers
from regulator.proxy.routing import Router
from regulator.proxy.sessions import SessionThreader
from regulator.proxy.streams import count_output_tokens
from regulator.proxy.upstream import UpstreamClient
from regulator.store import JOURNAL_NAME, Ledger, Store, open_store

log = logging.getLogger("regulator.gateway")


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


class Gateway:
    def __init__(self, config: Config, data_dir: Path, store: Store | None = None):
        self.config = config
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.store = store or open_store(config.storage.url or data_dir)
        self.ledger = Ledger(
            self.store,
            data_dir / JOURNAL_NAME,
            batch_size=config.storage.ledger_batch_size,
            flush_ms=config.storage.ledger_flush_ms,
        )
        self.prices = PriceBook(config)
        self.router = Router(config)
        self.sessions = SessionThreader(config.sessions.max_tracked, config.sessions.idle_timeout_s)
        self.keys = KeyCache(self.store)
        self.upstreams = UpstreamClient(config)
        self.throttle = Throttle()
        self.budget = BudgetEngine(
            MemoryBackend(),
            config.budgets,
            config.rate_limits,
            reservation_ttl_s=config.counters.reservation_ttl_s,
        )
        self.policy = StandingState(self.store)
        # How far apart a throttled agent's calls must be.
        self.throttle_interval_s = 5.0
        self.count_tokens: Callable[[str], int] = count_output_tokens
        self._observers: list[Callable[[CallEvent], None]] = []
        self._call_listeners: list[Callable[[CallRecord], None]] = []
        self._refusal_listeners: list[Callable[[RegulatorError], None]] = []
        self._tasks: list[asyncio.Task[None]] = []

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
        await asyncio.to_thread(self.policy.load)
        await self.keys.start()
        await self.upstreams.start()

    async def stop(self) -> None:
        await self.keys.stop()
        await self.upstreams.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.to_thread(self.ledger.close)
        await asyncio.to_thread(self.store.close)

    # what the pipeline calls

    @staticmethod
    def key_from(headers: dict[str, str]) -> str | None:
        return key_from_headers(headers)

    def input_bound(self, model: str, raw: bytes, messages: list[dict[str, Any]], tools: bool) -> int:
        return input_token_bound(model, raw, messages, tools=tools)

    def observe(self, event: CallEvent) -> None:
        for observer in self._observers:
            observer(event)

    def after_call(self, record: CallRecord) -> None:
        for listener in self._call_listeners:
            listener(record)

    def after_refusal(self, error: RegulatorError) -> None:
        for listener in self._refusal_listeners:
            listener(error)

    def add_observer(self, observer: Callable[[CallEvent], None]) -> None:
        self._observers.append(observer)

    def add_call_listener(self, listener: Callable[[CallRecord], None]) -> None:
        self._call_listeners.append(listener)

"""The scheduled reconcile: every `reconcile.interval_s`, the last whole days, drift reported once.

A drift is reported (to `on_drift`) when a run finds it and the scheduled run before did not, so a
standing difference raises one alert, not one per run. The run before is read back from the store
each time, so neither a restart nor another replica's schedule repeats an alert (runs from the
CLI do not count: an operator's look does not silence the alert). Runs happen in a worker thread:
reading the providers' reports and the ledger must not hold up the gateway's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from regulator.config import Config
from regulator.reconcile.compare import Drift
from regulator.reconcile.run import ReconcileResult, reconcile
from regulator.reconcile.totals import DAY_S
from regulator.store.base import Store

log = logging.getLogger("regulator.reconcile")


class ReconcileScheduler:
    def __init__(self, config: Config, store: Store, on_drift: Callable[[list[Drift]], None]) -> None:
        self.config = config
        self.store = store
        self.on_drift = on_drift
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        cfg = self.config.reconcile
        return cfg.interval_s > 0 and bool(cfg.providers)

    async def start(self) -> None:
        if self.enabled:
            self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # a failed run must not end the schedule
                log.exception("scheduled reconcile failed")
            await asyncio.sleep(self.config.reconcile.interval_s)

    async def run_once(self, now: float | None = None) -> ReconcileResult:
        """Reconcile the last `lookback_days` whole days before `now`'s day; report new drifts."""
        today = (time.time() if now is None else now) // DAY_S * DAY_S
        since = today - self.config.reconcile.lookback_days * DAY_S
        known = await asyncio.to_thread(self._previous_keys)
        result = await asyncio.to_thread(reconcile, self.config, self.store, since, today, scheduled=True)
        for error in result.errors:
            log.warning("reconcile: %s", error)
        new = [d for d in result.drifts if d.key not in known]
        if new:
            self.on_drift(new)
        return result

    def _previous_keys(self) -> set[str]:
        """The drifts of the last scheduled run (any replica's)."""
        runs = self.store.list_reconcile_runs(limit=50)
        last = next((r for r in runs if r.result.get("scheduled")), None)
        if last is None:
            return set()
        return {d["key"] for d in last.result.get("drifts", []) if isinstance(d, dict) and "key" in d}

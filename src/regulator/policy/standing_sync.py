"""Fleet-wide standing state: a pause or kill made on one replica reaches every replica within 1 s.

The store is the truth (standing state survives restarts there); Redis pub/sub only says "reload
now". A replica that changes standing state writes the store, then `publish()`es; every replica's
listener calls `on_change(change)` on each message, and `on_change(None)` every `interval_s` as a
safety net for a message lost while it was reconnecting. `on_change` should reload the standing
state from the store (it is awaited; one call at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import redis.asyncio as aioredis

from regulator.budget.redis import UNREACHABLE

log = logging.getLogger(__name__)

OnChange = Callable[[dict[str, Any] | None], Awaitable[None]]
CHANNEL = "regulator:standing"


class StandingSync:
    def __init__(self, client: aioredis.Redis, *, channel: str = CHANNEL, interval_s: float = 1.0) -> None:
        self.client = client
        self.channel = channel
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None
        self._on_change: OnChange | None = None
        self._lock = asyncio.Lock()

    async def start(self, on_change: OnChange) -> None:
        """Subscribe, then keep listening (reconnecting after an outage) until `stop()`."""
        self._on_change = on_change
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.channel)  # before returning: a publish right after start is seen
        self._task = asyncio.create_task(self._run(pubsub), name="regulator-standing-bus")

    async def publish(self, change: dict[str, Any]) -> int:
        """Tell every replica to reload; returns how many listened (0 if Redis is down: they poll)."""
        try:
            return int(await self.client.publish(self.channel, orjson.dumps(change)))
        except UNREACHABLE as exc:
            log.warning(
                "standing-state notice not published (%s); replicas pick it up within %ss",
                exc,
                self.interval_s,
            )
            return 0

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _notify(self, change: dict[str, Any] | None) -> None:
        assert self._on_change is not None
        async with self._lock:
            try:
                await self._on_change(change)
            except Exception:
                log.exception("standing-state reload failed")

    async def _run(self, pubsub: Any) -> None:
        loop = asyncio.get_running_loop()
        next_poll = loop.time() + self.interval_s
        try:
            while True:
                try:
                    timeout = max(0.0, next_poll - loop.time())
                    message = await pubsub.get_message(timeout=timeout)
                except UNREACHABLE:
                    await asyncio.sleep(min(self.interval_s, 0.5))
                    message = None
                    with contextlib.suppress(*UNREACHABLE):
                        await pubsub.subscribe(self.channel)
                if message is not None and message.get("type") == "message":
                    try:
                        change = orjson.loads(message["data"])
                    except orjson.JSONDecodeError:
                        change = {}
                    await self._notify(change if isinstance(change, dict) else {})
                if loop.time() >= next_poll:
                    next_poll = loop.time() + self.interval_s
                    await self._notify(None)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

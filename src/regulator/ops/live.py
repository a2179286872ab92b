"""Fan-out of live events (calls, budget events, incidents, fleet summaries) to SSE subscribers.

Each subscriber has a bounded queue: a slow reader loses events (and is told how many) rather
than making the gateway buffer without limit or wait for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

import orjson

EVENT_KINDS = ("call", "budget", "incident", "standing", "summary")
QUEUE_SIZE = 1000
HEARTBEAT_S = 15.0


class Subscriber:
    def __init__(self, kinds: frozenset[str]) -> None:
        self.kinds = kinds
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(QUEUE_SIZE)
        self.dropped = 0


def sse_frame(kind: str, data: Any) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


class LiveFeed:
    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()

    def wants(self, kind: str) -> bool:
        """Whether anyone listens for `kind`: lets publishers skip building an event nobody reads."""
        return any(kind in s.kinds for s in self._subscribers)

    def publish(self, kind: str, data: Any) -> None:
        frame: bytes | None = None
        for sub in self._subscribers:
            if kind not in sub.kinds:
                continue
            if frame is None:
                frame = sse_frame(kind, data)
            try:
                sub.queue.put_nowait(frame)
            except asyncio.QueueFull:
                sub.dropped += 1

    def subscribe(self, kinds: Iterable[str]) -> Subscriber:
        sub = Subscriber(frozenset(kinds))
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def stream(self, sub: Subscriber, first: list[bytes]) -> AsyncIterator[bytes]:
        """The SSE body for one subscriber: `first` frames, then live events, with heartbeats."""
        try:
            yield b"retry: 2000\n\n"
            for frame in first:
                yield frame
            while True:
                try:
                    frame = await asyncio.wait_for(sub.queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if sub.dropped:
                    yield sse_frame("dropped", {"events": sub.dropped})
                    sub.dropped = 0
                yield frame
        finally:
            self.unsubscribe(sub)

"""Alert delivery to webhooks, off the request path, with retries and a dead-letter file.

`send()` only puts the alert on each matching webhook's queue (never blocks, never raises). A
worker per webhook posts it, retrying with exponential back-off; an alert that still fails after
the configured attempts is appended to `<data_dir>/alerts_dead_letter.jsonl` with the last error,
so nothing is silently lost while a receiver is down. One receiver being down does not delay
the others: each has its own queue, and deliveries to one receiver run a few at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from regulator.ops.config import AlertKind, AlertsConfig, WebhookConfig

log = logging.getLogger("regulator.alerts")
QUEUE_SIZE = 10_000
PARALLEL_PER_WEBHOOK = 4


@dataclass(slots=True)
class Alert:
    kind: AlertKind
    title: str
    text: str  # one or two plain sentences a person can act on
    data: dict[str, Any] = field(default_factory=dict)
    ts: float = field(default_factory=time.time)
    action: str | None = None  # the policy action, for incidents
    link: str | None = None  # the incident or fleet on the dashboard (alerts.dashboard_url)


def json_payload(alert: Alert) -> dict[str, Any]:
    payload = {"kind": alert.kind, "title": alert.title, "text": alert.text, "ts": alert.ts, "data": alert.data}
    return payload | ({"link": alert.link} if alert.link else {})


def slack_payload(alert: Alert) -> dict[str, Any]:
    when = datetime.fromtimestamp(alert.ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    text = alert.text[:2900] + (f"\n<{alert.link}|Open in regulator>" if alert.link else "")
    return {
        "text": f"{alert.title}: {alert.text}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"regulator · {alert.kind} · {when}"}],
            },
        ],
    }


def wants(hook: WebhookConfig, alert: Alert) -> bool:
    if alert.kind not in hook.kinds:
        return False
    return not (alert.kind == "incident" and hook.incident_actions and alert.action not in hook.incident_actions)


class AlertDispatcher:
    def __init__(self, config: AlertsConfig, data_dir: Path, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.dead_letter_path = data_dir / config.dead_letter_file
        self._transport = transport
        self._queues: list[tuple[WebhookConfig, asyncio.Queue[Alert]]] = [
            (hook, asyncio.Queue(QUEUE_SIZE)) for hook in config.webhooks
        ]
        self._client: httpx.AsyncClient | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._inflight: set[asyncio.Task[None]] = set()
        self.delivered = 0
        self.failed_attempts = 0
        self.dead_lettered = 0
        self.dropped = 0

    async def start(self) -> None:
        if not self._queues:
            return
        self._client = httpx.AsyncClient(timeout=self.config.timeout_s, transport=self._transport)
        self._workers = [asyncio.create_task(self._work(hook, queue)) for hook, queue in self._queues]

    async def stop(self) -> None:
        for task in [*self._workers, *self._inflight]:
            task.cancel()
        for task in [*self._workers, *self._inflight]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.aclose()

    def send(self, alert: Alert) -> None:
        for hook, queue in self._queues:
            if not wants(hook, alert):
                continue
            try:
                queue.put_nowait(alert)
            except asyncio.QueueFull:
                self.dropped += 1
                log.error("alert queue for %s is full; dropped %s alert", hook.url, alert.kind)

    def pending(self) -> int:
        return sum(q.qsize() for _, q in self._queues) + len(self._inflight)

    async def _work(self, hook: WebhookConfig, queue: asyncio.Queue[Alert]) -> None:
        slots = asyncio.Semaphore(PARALLEL_PER_WEBHOOK)
        while True:
            alert = await queue.get()
            await slots.acquire()
            task = asyncio.create_task(self._deliver(hook, alert))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
            task.add_done_callback(lambda _: slots.release())

    async def _deliver(self, hook: WebhookConfig, alert: Alert) -> None:
        assert self._client is not None
        body = orjson.dumps(slack_payload(alert) if hook.format == "slack" else json_payload(alert))
        delay = self.config.backoff_s
        error = ""
        for attempt in range(1, self.config.attempts + 1):
            try:
                response = await self._client.post(hook.url, content=body, headers={"content-type": "application/json"})
                if response.status_code < 300:
                    self.delivered += 1
                    return
                error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            self.failed_attempts += 1
            if attempt < self.config.attempts:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.config.max_backoff_s)
        log.warning("alert %s to %s failed %d times (%s); dead-lettered", alert.kind, hook.url, attempt, error)
        await asyncio.to_thread(self._dead_letter, hook, alert, attempt, error)

    def _dead_letter(self, hook: WebhookConfig, alert: Alert, attempts: int, error: str) -> None:
        line = orjson.dumps(
            {
                "ts": time.time(),
                "webhook": hook.url,
                "format": hook.format,
                "attempts": attempts,
                "error": error,
                "alert": json_payload(alert),
            }
        )
        # Webhook URLs carry their secrets (Slack's do): the file is the operator's alone.
        fd = os.open(self.dead_letter_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with open(fd, "ab") as f:
            f.write(line + b"\n")
        self.dead_lettered += 1

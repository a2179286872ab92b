"""Replay a trace: meter every recorded call as the gateway would, per session.

Replay never contacts a provider: the recorded responses are the provider's answers. Each call
becomes the same `CallEvent` the live path builds, so detectors and the policy can be plugged in
through `on_event`, called for each call before its cost is added to its session: whatever it
records on the session (actions, a stop) applies from that call on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from regulator.config import Config, PriceOverride
from regulator.errors import UnknownModelPrice
from regulator.events import CallEvent, CallRecord, Usage
from regulator.pricing.catalog import ModelPrice, PriceBook
from regulator.pricing.usage import usage_from_anthropic, usage_from_openai
from regulator.traces.format import TraceCall, iter_trace


@dataclass
class ReplaySession:
    """What replay learns about one session; `report()` is its line of the replay report."""

    session: str
    agent: str
    calls: int = 0
    cost_usd: float = 0.0
    recorded_cost_usd: float | None = None
    first: dict[str, int] = field(default_factory=dict)  # action → seq of the first call it applied to
    stopped_at: int | None = None  # first call that would not have been forwarded
    cost_after_stop_usd: float = 0.0
    incidents: list[dict[str, Any]] = field(default_factory=list)

    def add(self, event: CallEvent, recorded_cost: float | None) -> None:
        cost = event.record.cost_usd
        self.calls += 1
        self.cost_usd += cost
        if recorded_cost is not None:
            self.recorded_cost_usd = (self.recorded_cost_usd or 0.0) + recorded_cost
        if self.stopped_at is not None and event.seq >= self.stopped_at:
            self.cost_after_stop_usd += cost

    def report(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "agent": self.agent,
            "calls": self.calls,
            "cost_usd": self.cost_usd,
            "recorded_cost_usd": self.recorded_cost_usd,
            "first": dict(self.first),
            "stopped_at": self.stopped_at,
            "cost_after_stop_usd": self.cost_after_stop_usd,
            "incidents": list(self.incidents),
        }


OnEvent = Callable[[CallEvent, ReplaySession], None]


def recorded_cost(response: dict[str, Any]) -> float | None:
    """What the provider billed, when the trace recorded it (`response.usage.cost`, OpenRouter)."""
    usage = response.get("usage")
    cost = usage.get("cost") if isinstance(usage, dict) else None
    return float(cost) if isinstance(cost, int | float) and not isinstance(cost, bool) else None


def usage_of(call: TraceCall) -> Usage:
    usage = call.response.get("usage")
    if not isinstance(usage, dict):
        return Usage()
    return usage_from_anthropic(usage) if call.dialect == "anthropic" else usage_from_openai(usage)


log = logging.getLogger("regulator.replay")

# What replay meters a model at that the configuration cannot price (a live gateway refuses it). A
# session's saved share compares its own calls, so any one price per token keeps it right; the
# dollars are an estimate, and the warning says which config key prices the model exactly.
REPLAY_FALLBACK = PriceOverride(input=1.0, output=4.0)


def warn_unpriced(model: str) -> None:
    log.warning(
        "replay: no price for model %r; metered at $%s in / $%s out per MTok, an estimate (a session's "
        "saved share is unaffected). To price it: models[].price in regulator.yaml, or "
        "pricing.unknown_model: fallback with pricing.fallback_price",
        model,
        REPLAY_FALLBACK.input,
        REPLAY_FALLBACK.output,
    )


class ReplayPrices:
    """The configuration's prices, with unknown models metered at `REPLAY_FALLBACK` instead of refused."""

    def __init__(self, config: Config) -> None:
        self._prices = PriceBook(config)
        fallback = config.model_copy(deep=True)
        fallback.pricing.unknown_model = "fallback"
        fallback.pricing.fallback_price = REPLAY_FALLBACK
        self._fallback = PriceBook(fallback)
        self.unpriced: dict[str, int] = {}  # models metered at the fallback, and how many calls

    def price(self, model: str) -> ModelPrice:
        try:
            return self._prices.price(model)
        except UnknownModelPrice:
            if model not in self.unpriced:
                warn_unpriced(model)
            self.unpriced[model] = self.unpriced.get(model, 0) + 1
            return self._fallback.price(model)


def call_event(call: TraceCall, prices: PriceBook | ReplayPrices) -> CallEvent:
    """The `CallEvent` the live path would have produced for this recorded call, cost metered."""
    model = str(call.request.get("model", ""))
    usage = usage_of(call)
    record = CallRecord(
        call_id=f"{call.session}:{call.seq}",
        ts=call.ts,
        org="default",
        fleet="default",
        agent=call.agent,
        session=call.session,
        model=model,
        upstream="replay",
        dialect=call.dialect,
        endpoint="messages" if call.dialect == "anthropic" else "chat",
        served_model=model,
        usage=usage,
        cost_usd=prices.price(model).cost(usage),
        status=call.status,
        outcome="ok" if call.status < 400 else "upstream_error",
        latency_ms=call.latency_ms or 0.0,
        stream=bool(call.request.get("stream")),
    )
    return CallEvent(
        record=record,
        seq=call.seq,
        messages=call.messages,
        new_from=call.new_from,
        response=call.response,
        system=call.request.get("system"),
    )


def replay(
    paths: Iterable[str | os.PathLike[str]],
    config: Config,
    on_event: OnEvent | None = None,
    sessions: dict[str, ReplaySession] | None = None,
) -> Iterator[tuple[CallEvent, ReplaySession]]:
    """Every call of the traces as an event, with its session's running result (updated in place).

    `sessions` (filled in first-appearance order) may be passed in to keep the results after
    the generator is exhausted; `replay_sessions` does that.
    """
    prices = ReplayPrices(config)
    events = ((call_event(call, prices), recorded_cost(call.response)) for call in iter_trace(paths))
    return replay_events(events, on_event, sessions)


def replay_events(
    events: Iterable[tuple[CallEvent, float | None]],
    on_event: OnEvent | None = None,
    sessions: dict[str, ReplaySession] | None = None,
) -> Iterator[tuple[CallEvent, ReplaySession]]:
    """`replay` of calls already made events, each with what the provider billed for it (if recorded)."""
    known = {} if sessions is None else sessions
    for event, billed in events:
        record = event.record
        session = known.get(record.session)
        if session is None:
            session = known[record.session] = ReplaySession(record.session, record.agent)
        if on_event is not None:
            on_event(event, session)
        session.add(event, billed)
        yield event, session


def replay_sessions(
    paths: Iterable[str | os.PathLike[str]], config: Config, on_event: OnEvent | None = None
) -> list[ReplaySession]:
    """Replay whole traces; the sessions in the order they first appear."""
    sessions: dict[str, ReplaySession] = {}
    for _ in replay(paths, config, on_event, sessions):
        pass
    return list(sessions.values())

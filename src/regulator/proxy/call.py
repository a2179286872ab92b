"""One call's owner: who made it, in which session, where it goes, what is reserved for it.

A `Call` is made once the caller is identified and its request parsed, and it is settled exactly
once: `settle` refuses a second time, and the pipeline reaches it from one place, after whatever
ended the call (an answer, a stream's end, an upstream failure, an interruption) was decided.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from regulator.budget.slots import Admission
from regulator.events import CallEvent, CallRecord, Identity, Usage
from regulator.pricing.catalog import ModelPrice
from regulator.proxy.dialects import Api, ParsedRequest
from regulator.proxy.routing import ModelRoute
from regulator.proxy.sessions import Threaded
from regulator.proxy.streams import StreamMeter

if TYPE_CHECKING:
    from regulator.proxy.gateway import Gateway


@dataclass(slots=True)
class Call:
    api: Api
    request: ParsedRequest
    identity: Identity
    threaded: Threaded
    route: ModelRoute
    record: CallRecord
    started: float  # perf_counter at arrival: regulator's overhead is measured from here
    actions: list[str] = field(default_factory=list)
    price: ModelPrice | None = None
    admission: Admission | None = None  # the reservation, once admitted
    remaining_usd: float | None = None
    journaled: bool = False  # its reservation is in the journal: from then on it may have gone out
    settled: bool = False

    @classmethod
    def open(
        cls, api: Api, request: ParsedRequest, identity: Identity, threaded: Threaded, route: ModelRoute, started: float
    ) -> Call:
        record = CallRecord(
            call_id=uuid.uuid4().hex,
            ts=time.time(),
            org=identity.org,
            fleet=identity.fleet,
            agent=identity.agent,
            session=threaded.session,
            model=request.model,
            upstream=route.upstream.name,
            dialect=request.dialect,
            endpoint=api.name,
            served_model=route.upstream_model,
            stream=request.stream,
            key_id=identity.key_id,
        )
        return cls(api, request, identity, threaded, route, record, started)

    def headers(self, cost_usd: float) -> list[tuple[bytes, bytes]]:
        """What regulator tells the caller about this call, on answers and refusals alike."""
        headers = [
            (b"x-regulator-cost-usd", f"{cost_usd:.6f}".encode()),
            (b"x-regulator-session", self.record.session.encode()),
        ]
        if self.remaining_usd is not None:
            headers.append((b"x-regulator-budget-remaining-usd", f"{self.remaining_usd:.6f}".encode()))
        if self.actions:
            headers.append((b"x-regulator-action", ",".join(self.actions).encode()))
        return headers

    def reserved_usage(self) -> Usage:
        """The usage the call was reserved for: what it counts at when what was billed is unknown."""
        if self.admission is None:
            return Usage()
        return Usage(input_tokens=self.admission.input_tokens, output_tokens=self.admission.max_tokens)

    def produced_usage(self, meter: StreamMeter) -> Usage:
        """A stream that ended without (final) usage is metered for what was produced; without a
        reported prompt count, its input is charged at the bound reserved for it."""
        reported = meter.usage or Usage()
        if meter.usage is not None and meter.finished and not meter.ended_by_regulator:
            return reported
        output = max(reported.output_tokens, meter.billed_output_tokens())
        input_tokens = reported.input_tokens or (self.admission.input_tokens if self.admission else 0)
        return Usage(
            input_tokens, reported.cached_input_tokens, reported.cache_write_tokens, output, reported.reasoning_tokens
        )

    async def settle(self, gw: Gateway, usage: Usage) -> float:
        """Count what the call cost: on its budgets, in the ledger, to the call listeners. Once."""
        if self.settled:
            raise RuntimeError(f"call {self.record.call_id} settled twice")
        self.settled = True
        record = self.record
        record.usage = usage
        record.cost_usd = self.price.cost(usage) if self.price is not None else 0.0
        if self.admission is not None:
            await gw.budget.settle(
                self.admission, record.cost_usd, actual_tokens=usage.input_tokens + usage.output_tokens
            )
            if self.remaining_usd is not None:
                # Settling moves every applicable budget by the same amount, so the tightest stays tightest.
                self.remaining_usd += self.admission.reserved_usd - record.cost_usd
        record.overhead_ms = max(0.0, (time.perf_counter() - self.started) * 1000 - record.latency_ms)
        gw.ledger.record(record)
        gw.after_call(record)
        return record.cost_usd

    def event(self, answer: dict[str, Any] | None) -> CallEvent:
        """What the detectors see of this call."""
        return CallEvent(
            record=self.record,
            seq=self.threaded.seq,
            messages=self.request.messages,
            new_from=self.threaded.new_from,
            response=answer,
            system=self.request.system,
            budget_remaining_usd=self.remaining_usd,
        )

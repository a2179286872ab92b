"""The path of one call, top to bottom: identify → verdict → admit → forward → settle → record → observe.

`handle_call` is the whole story of a call; each step is a few lines calling the component that owns
it. Once a response has started, nothing here sends a second status: a stop mid-stream ends the
stream cleanly in the caller's dialect.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from regulator.budget.slots import Admission, AdmitRequest
from regulator.errors import AgentPaused, BudgetExceeded, Forbidden, RateLimited, RegulatorError, UpstreamError
from regulator.events import CallEvent, CallRecord, Identity, Usage
from regulator.pricing.catalog import ModelPrice
from regulator.pricing.tokens import input_token_bound, tight_input_token_bound
from regulator.pricing.usage import usage_from_anthropic, usage_from_openai
from regulator.proxy import dialects
from regulator.proxy.dialects import ParsedRequest
from regulator.proxy.identity import key_from_headers
from regulator.proxy.routing import ModelRoute
from regulator.proxy.sessions import Threaded
from regulator.proxy.streams import AnthropicStreamMeter, OpenAIStreamMeter, StreamMeter, split_events
from regulator.types import Receive, Send

if TYPE_CHECKING:
    from regulator.proxy.gateway import Gateway

PARSERS = {
    "chat": dialects.parse_openai_chat,
    "embeddings": dialects.parse_openai_embeddings,
    "messages": dialects.parse_anthropic_messages,
}
# When neither the caller, the config nor the catalog gives a model's output limit.
DEFAULT_MAX_OUTPUT_TOKENS = 16_384
UPSTREAM_PATHS = {"chat": "/chat/completions", "embeddings": "/embeddings", "messages": "/messages"}


@dataclass(slots=True)
class CallContext:
    request: ParsedRequest
    record: CallRecord
    started: float
    actions: list[str] = field(default_factory=list)
    admission: Admission | None = None
    price: ModelPrice | None = None
    settled: bool = False
    remaining_usd: float | None = None
    seq: int = 0
    new_from: int = 0

    def headers(self, cost_usd: float) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"x-regulator-cost-usd", f"{cost_usd:.6f}".encode()),
            (b"x-regulator-session", self.record.session.encode()),
        ]
        if self.remaining_usd is not None:
            headers.append((b"x-regulator-budget-remaining-usd", f"{self.remaining_usd:.6f}".encode()))
        if self.actions:
            headers.append((b"x-regulator-action", ",".join(self.actions).encode()))
        return headers


async def handle_call(
    gw: Gateway, endpoint: str, raw: bytes, headers: dict[str, str], send: Send, receive: Receive
) -> None:
    started = time.perf_counter()
    # identify
    identity = await gw.keys.identify(key_from_headers(headers))
    request = PARSERS[endpoint](raw)
    route = gw.router.route(request.model, request.dialect)
    threaded = gw.sessions.thread(
        identity.key_id, request.system, request.messages, headers.get(gw.config.sessions.header)
    )
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
        endpoint=endpoint,
        served_model=route.upstream_model,
        stream=request.stream,
        key_id=identity.key_id,
    )
    ctx = CallContext(request, record, started, seq=threaded.seq, new_from=threaded.new_from)
    try:
        await _serve(gw, ctx, identity, threaded, route, raw, headers, send, receive)
    except RegulatorError as error:
        # Refusals and failures too say which session they counted in and what they cost.
        error.headers.update({k.decode(): v.decode() for k, v in ctx.headers(record.cost_usd)})
        raise


async def _serve(
    gw: Gateway,
    ctx: CallContext,
    identity: Identity,
    threaded: Threaded,
    route: ModelRoute,
    raw: bytes,
    headers: dict[str, str],
    send: Send,
    receive: Receive,
) -> None:
    request, record, endpoint = ctx.request, ctx.record, ctx.record.endpoint
    # verdict: standing state from the policy, decided on earlier calls
    verdict = gw.supervisor.verdict(identity.agent, threaded.session)
    if verdict.state == "killed":
        raise Forbidden(f"Agent '{identity.agent}' was stopped by regulator: {verdict.reason}")
    if verdict.state == "paused":
        error = AgentPaused(
            f"Agent '{identity.agent}' is paused by regulator: {verdict.reason} "
            "An operator can resume it with 'regulator resume'.",
        )
        error.details = {"incident": verdict.incident_id}
        if verdict.until_ts:
            error.headers["retry-after"] = str(max(1, int(verdict.until_ts - time.time()) + 1))
        raise error
    if verdict.state == "throttled":
        wait = gw.throttle.check(identity.agent, gw.throttle_interval_s, time.monotonic())
        if wait > 0:
            raise RateLimited(
                f"Agent '{identity.agent}' is throttled by regulator ({verdict.reason}). Retry later.",
                headers={"retry-after": str(int(wait) + 1)},
            )
        ctx.actions.append("throttle")
    target = gw.router.downgrade_target(request.model) if verdict.state == "downgraded" else None
    if target and endpoint != "embeddings":
        route = gw.router.route(target, request.dialect)
        dialects.swap_model(request, route.upstream_model)
        record.served_model = route.upstream_model
        ctx.actions.append("downgrade")
    if verdict.nudge and endpoint != "embeddings":
        dialects.add_nudge(request, verdict.nudge)
        ctx.actions.append("nudge")
    record.action = ",".join(ctx.actions) or None
    price = ctx.price = gw.prices.price(route.model)
    # admit: worst case reserved on every applicable budget before anything is forwarded
    tools = "tools" in request.body
    embeddings = endpoint == "embeddings"
    admit = AdmitRequest(
        identity=identity,
        session=threaded.session,
        call_id=record.call_id,
        price=price,
        input_tokens=input_token_bound(raw, request.messages, tools=tools),
        max_tokens=0 if embeddings else request.max_tokens,
        model_max_output_tokens=0 if embeddings else price.max_output_tokens or DEFAULT_MAX_OUTPUT_TOKENS,
        now=record.ts,
    )
    try:
        ctx.admission = await gw.budget.admit(admit)
    except BudgetExceeded:
        # The fast bound counts bytes; where the model's tokenizer ships offline, a real count
        # (slower, cached per message) may show the call fits after all.
        tight = tight_input_token_bound(route.model, raw, request.messages, tools=tools)
        if tight >= admit.input_tokens:
            raise
        admit.input_tokens = tight
        ctx.admission = await gw.budget.admit(admit)
    ctx.remaining_usd = ctx.admission.remaining_usd
    gw.sessions.commit(threaded)  # only now: a refused call is not the session's progress
    if gw.is_degraded(ctx.admission.reservation_id):
        ctx.actions.append("degraded-counters")
    record.reserved_usd = ctx.admission.reserved_usd
    if not embeddings and ctx.admission.max_tokens != request.max_tokens:
        dialects.set_max_tokens(request, ctx.admission.max_tokens)
    gw.ledger.reserve(
        record.call_id, record.ts, record.org, record.fleet, record.agent, record.session, record.reserved_usd
    )
    try:
        await _forward(gw, ctx, route, headers, send, receive)
    except BaseException:
        if not ctx.settled:
            # Whatever went wrong before settling (a cancelled task at shutdown, a bug), the call is
            # recorded, and counted at its reservation: the provider may have billed it.
            ctx.record.outcome = "interrupted"
            await _settle(gw, ctx, _reserved_usage(ctx), time.perf_counter())
        raise


async def _forward(
    gw: Gateway, ctx: CallContext, route: Any, headers: dict[str, str], send: Send, receive: Receive
) -> None:
    request, record = ctx.request, ctx.record
    hide_usage = False
    if request.stream and request.dialect == "openai":
        hide_usage = dialects.ensure_stream_usage(request)
    body = request.edited_body()
    target = gw.upstreams.target(route.upstream)
    forward_at = time.perf_counter()
    try:
        response = await gw.upstreams.post(target, UPSTREAM_PATHS[record.endpoint], body, headers)
        await response.raise_for_status()
    except RegulatorError as exc:
        record.status = exc.status
        record.outcome = "timeout" if exc.status == 504 else "unreachable" if exc.status == 502 else "upstream_error"
        record.latency_ms = (time.perf_counter() - forward_at) * 1000
        # An error answer bills nothing; a request lost after it was sent may have been billed in full.
        await _settle(
            gw,
            ctx,
            _reserved_usage(ctx) if isinstance(exc, UpstreamError) and exc.maybe_billed else Usage(),
            forward_at,
        )
        raise
    if request.stream:
        await _stream(gw, ctx, response, send, receive, forward_at, hide_usage)
        return
    payload = await response.read()
    record.latency_ms = (time.perf_counter() - forward_at) * 1000
    usage, answer = _usage_of(request.dialect, payload)
    cost = await _settle(gw, ctx, usage, forward_at)
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": _response_headers(response.headers, ctx.headers(cost)),
        }
    )
    await send({"type": "http.response.body", "body": payload})
    _observe(gw, ctx, answer)


def _usage_of(dialect: str, payload: bytes) -> tuple[Usage, dict[str, Any] | None]:
    try:
        answer = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return Usage(), None
    if not isinstance(answer, dict):
        return Usage(), None
    usage = answer.get("usage")
    parse = usage_from_openai if dialect == "openai" else usage_from_anthropic
    return parse(usage if isinstance(usage, dict) else None), answer


def _response_headers(upstream: dict[str, str], extra: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in upstream.items()] + extra


async def _stream(
    gw: Gateway,
    ctx: CallContext,
    response: Any,
    send: Send,
    receive: Receive,
    forward_at: float,
    hide_usage: bool,
) -> None:
    request, record = ctx.request, ctx.record
    meter: StreamMeter
    if request.dialect == "openai":
        meter = OpenAIStreamMeter(request.max_tokens, gw.count_tokens, hide_usage)
    else:
        meter = AnthropicStreamMeter(request.max_tokens, gw.count_tokens)
    headers = _response_headers(response.headers, ctx.headers(record.reserved_usd))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    client_gone = asyncio.Event()
    streaming = asyncio.current_task()

    async def watch_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        client_gone.set()
        if streaming is not None:
            streaming.cancel()

    watcher = asyncio.create_task(watch_disconnect())
    buffer = bytearray()
    # The stream's last events ([DONE], message_stop, or regulator's own ending) are held back until
    # the call is settled: when the caller sees the end, the call is on the books.
    ending: list[bytes] = []
    try:
        async for chunk in response.iter_chunks():
            out = []
            for event in split_events(buffer, chunk):
                forwarded = meter.feed(event)
                if meter.ended_by_regulator:
                    out.append(meter.closing_events())
                    break
                if forwarded is not None:
                    out.append(forwarded)
            if meter.finished or meter.ended_by_regulator:
                ending += out
            elif out:
                await send({"type": "http.response.body", "body": b"".join(out), "more_body": True})
            if meter.ended_by_regulator:
                break
    except asyncio.CancelledError:
        if not client_gone.is_set():
            raise
        record.outcome = "client_gone"
    except RegulatorError:
        record.outcome = "cut"  # the upstream broke the stream
    finally:
        watcher.cancel()
        # A stream read to its end goes back to the pool; any other is closed, so the provider
        # stops generating for a caller that left or a stream regulator ended.
        if record.outcome == "ok" and meter.finished and not meter.ended_by_regulator:
            response.release()
        else:
            response.close()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    if record.outcome == "ok" and (meter.ended_by_regulator or not meter.finished):
        record.outcome = "cut"
    record.latency_ms = (time.perf_counter() - forward_at) * 1000
    usage = meter.usage or Usage()
    if meter.usage is None or meter.ended_by_regulator or not meter.finished:
        usage = _produced_usage(meter, usage, ctx)
    await _settle(gw, ctx, usage, forward_at)
    if record.outcome != "client_gone":
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"".join(ending), "more_body": False})
    _observe(gw, ctx, meter.answer())


def _produced_usage(meter: StreamMeter, reported: Usage, ctx: CallContext) -> Usage:
    """A stream that ended without (final) usage is metered for what was produced."""
    output = max(reported.output_tokens, meter.billed_output_tokens())
    # Without a reported prompt count, the input is charged at the bound that was reserved for it.
    input_tokens = reported.input_tokens or (ctx.admission.input_tokens if ctx.admission else 0)
    return Usage(
        input_tokens,
        reported.cached_input_tokens,
        reported.cache_write_tokens,
        output,
        reported.reasoning_tokens,
    )


def _reserved_usage(ctx: CallContext) -> Usage:
    """The usage a call was reserved for: what it is counted at when what was billed is unknown."""
    if ctx.admission is None:
        return Usage()
    return Usage(input_tokens=ctx.admission.input_tokens, output_tokens=ctx.admission.max_tokens)


async def _settle(gw: Gateway, ctx: CallContext, usage: Usage, forward_at: float) -> float:
    record = ctx.record
    record.usage = usage
    record.cost_usd = ctx.price.cost(usage) if ctx.price is not None else 0.0
    ctx.settled = True
    if ctx.admission is not None:
        await gw.budget.settle(ctx.admission, record.cost_usd, actual_tokens=usage.input_tokens + usage.output_tokens)
        if ctx.remaining_usd is not None:
            # Settling moves every applicable budget by the same amount, so the tightest stays tightest.
            ctx.remaining_usd += ctx.admission.reserved_usd - record.cost_usd
    record.overhead_ms = max(0.0, (time.perf_counter() - ctx.started) * 1000 - record.latency_ms)
    gw.ledger.record(record)
    gw.after_call(record)
    return record.cost_usd


def _observe(gw: Gateway, ctx: CallContext, answer: dict[str, Any] | None) -> None:
    if ctx.request.endpoint == "embeddings":
        return
    gw.observe(
        CallEvent(
            record=ctx.record,
            seq=ctx.seq,
            messages=ctx.request.messages,
            new_from=ctx.new_from,
            response=answer,
            system=ctx.request.system,
            budget_remaining_usd=ctx.remaining_usd,
        )
    )

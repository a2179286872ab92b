"""The path of one call, top to bottom: identify → verdict → admit → forward → settle → deliver → observe.

`handle_call` is the whole story of a call; each step is a few lines calling the component that owns
it. Forwarding ends in an `Ending` — what the provider billed and what is left to deliver — and the
call settles from one place only, before the caller sees the end: when the caller sees it, the call
is on the books. Once a response has started, nothing here sends a second status: a stop
mid-stream ends the stream cleanly in the caller's dialect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from regulator.budget.slots import AdmitRequest
from regulator.errors import (
    AgentKilled,
    AgentPaused,
    BudgetExceeded,
    RateLimited,
    RegulatorError,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from regulator.events import Usage
from regulator.policy.standing import Verdict
from regulator.pricing.tokens import input_token_bound, tight_input_token_bound
from regulator.proxy.call import Call
from regulator.proxy.dialects import Api, Target
from regulator.proxy.identity import key_from_headers
from regulator.proxy.session_budgets import HEADER as BUDGET_HEADER
from regulator.proxy.sessions import answer_texts, harness_session
from regulator.proxy.stream_failure import StreamAborted, failure_ending
from regulator.proxy.upstream import UpstreamResponse
from regulator.types import Receive, Send

if TYPE_CHECKING:
    from regulator.proxy.gateway import Gateway

log = logging.getLogger("regulator.proxy")

# When neither the caller, the config nor the catalog gives a model's output limit.
DEFAULT_MAX_OUTPUT_TOKENS = 16_384
# Input the request does not show (a stored previous response, cached content) is bounded by the
# model's context window; for a model whose window is unknown, by the largest in common use.
UNSEEN_INPUT_TOKENS = 1_048_576


@dataclass(slots=True)
class Ending:
    """How forwarding ended: the usage to settle at, and what is left to deliver once settled."""

    usage: Usage
    answer: dict[str, Any] | None = None  # the assistant's answer, for the detectors
    response: UpstreamResponse | None = None  # a whole answer to send: its status and headers
    body: bytes = b""  # that answer's body, or a stream's held-back last events
    error: BaseException | None = None  # raised once settled
    broken: RegulatorError | None = None  # why a started stream broke: told to the caller once settled


async def handle_call(
    gw: Gateway, api: Api, target: Target, raw: bytes, headers: dict[str, str], send: Send, receive: Receive
) -> None:
    started = time.perf_counter()
    # identify
    identity = await gw.keys.identify(key_from_headers(headers))
    request = api.parse(raw, target)
    route = gw.router.route(request.model, api.dialect)
    sessions = gw.config.sessions
    explicit = (
        headers.get(sessions.header)
        or harness_session(headers, sessions.harness_headers)
        or gw.chains.session_of(identity.key_id, api.continues(request))
    )
    threaded = gw.sessions.thread(identity.key_id, request.messages, explicit)
    # A delegated budget's key: the session's own budget (opened by header on its first call), if any.
    named = headers.get(sessions.header) is not None
    identity = await gw.session_budgets.resolve(identity, threaded.session, headers.get(BUDGET_HEADER), named)
    if request.unseen_input:
        # A call chained to a stored conversation sends only what is new: the detectors see all of it.
        threaded.new_from = 0
    call = Call.open(api, request, identity, threaded, route, started)
    try:
        await _serve(gw, call, headers, send, receive)
    except RegulatorError as error:
        # Refusals and failures too say which session they counted in and what they cost.
        error.headers.update({k.decode(): v.decode() for k, v in call.headers(call.record.cost_usd)})
        raise


async def _serve(gw: Gateway, call: Call, headers: dict[str, str], send: Send, receive: Receive) -> None:
    _apply_verdict(gw, call)
    await _admit(gw, call)
    try:
        ending = await _forward(gw, call, headers, send, receive)
    except BaseException as exc:
        if not call.journaled:
            # Nothing went out: no provider can have billed it, so it leaves no ledger row.
            assert call.admission is not None
            await gw.budget.release(call.admission)
            raise
        # Whatever went wrong before an ending was decided (a cancelled task at shutdown, a bug), the
        # call is recorded, and counted at its reservation: the provider may have billed it.
        call.record.outcome = "interrupted"
        ending = Ending(call.reserved_usage(), error=exc)
    cost = await call.settle(gw, ending.usage)  # the one place a call settles
    if ending.error is not None:
        raise ending.error
    abort = False
    if ending.response is not None:
        status, passed = ending.response.status, ending.response.headers
        await send({"type": "http.response.start", "status": status, "headers": _headers(passed, call.headers(cost))})
        await send({"type": "http.response.body", "body": ending.body})
    elif call.record.outcome != "client_gone":
        body = ending.body
        if ending.broken is not None:
            record = call.record
            log.warning(
                "call %s: %s (%s, %.0f ms)", record.call_id, ending.broken.message, record.outcome, record.latency_ms
            )
            body, abort = failure_ending(call.api.name, ending.broken)
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": body, "more_body": abort})
    answer_id = call.api.answer_id(ending.answer)
    if answer_id is not None:
        gw.chains.remember(call.identity.key_id, answer_id, call.record.session)
    if call.api.conversational:
        gw.sessions.remember_answer(call.identity.key_id, call.record.session, answer_texts(ending.answer))
        gw.observe(call.event(ending.answer))
    if abort:
        raise StreamAborted(f"call {call.record.call_id}: the upstream broke its stream")


def _apply_verdict(gw: Gateway, call: Call) -> None:
    """Standing state from the supervisor, decided on earlier calls: refuse, or change this one."""
    identity, request, record = call.identity, call.request, call.record
    verdict = gw.supervisor.verdict(identity.agent, call.threaded.session, fleet=identity.fleet, org=identity.org)
    if verdict.refused:
        raise _stopped(identity.agent, verdict)
    if verdict.state == "throttled":
        wait = gw.throttle.check(identity.agent, gw.throttle_interval_s, time.monotonic())
        if wait > 0:
            raise RateLimited(
                f"Agent '{identity.agent}' is throttled by regulator ({verdict.reason}). Retry later.",
                headers={"retry-after": str(int(wait) + 1)},
            )
        call.actions.append("throttle")
    target = gw.router.downgrade_target(request.model) if verdict.state == "downgraded" else None
    if target and call.api.conversational:
        call.route = gw.router.route(target, call.api.dialect)
        call.api.swap_model(request, call.route.upstream_model)
        record.served_model = call.route.upstream_model
        call.actions.append("downgrade")
    if verdict.nudge and call.api.conversational:
        call.api.add_nudge(request, verdict.nudge)
        call.actions.append("nudge")
    record.action = ",".join(call.actions) or None


def _stopped(agent: str, verdict: Verdict) -> RegulatorError:
    """The refusal of a paused or killed agent: says it is regulator's, why, and what an operator can do.
    A fleet's or org's pause or kill refuses each agent beneath it the same way, naming the fleet or org."""
    scoped = verdict.scope_kind in ("fleet", "org")
    who = f"agent '{agent}' (its {verdict.scope_kind} '{verdict.scope_name}')" if scoped else f"agent '{agent}'"
    target = f"{verdict.scope_kind}:{verdict.scope_name}" if scoped else agent
    if verdict.state == "killed":
        error: RegulatorError = AgentKilled(
            f"regulator stopped {who} for good ({verdict.reason}); this call was not sent to the "
            f"model. An operator can reinstate it with 'regulator reinstate {target}'."
        )
    else:
        also = "" if scoped else " (or '--session' for one session)"
        error = AgentPaused(
            f"regulator paused {who} ({verdict.reason}); this call was not sent to the model. "
            f"An operator can resume it with 'regulator resume {target}'{also}."
        )
        if verdict.until_ts:
            error.headers["retry-after"] = str(max(1, int(verdict.until_ts - time.time()) + 1))
    error.details = {"incident": verdict.incident_id}
    return error


async def _admit(gw: Gateway, call: Call) -> None:
    """Reserve the worst case on every applicable budget before anything is forwarded."""
    request, record, model = call.request, call.record, call.route.model
    price = call.price = gw.prices.price(model)
    bound = input_token_bound(request.raw, request.messages, tools=request.tools)
    if request.unseen_input:
        bound = price.context_window or max(bound, UNSEEN_INPUT_TOKENS)
    answers = request.answers
    if call.api.conversational:
        # Each answer (`n`, `candidateCount`) may use the whole limit.
        max_tokens = None if request.max_tokens is None else request.max_tokens * answers
        model_max = (price.max_output_tokens or DEFAULT_MAX_OUTPUT_TOKENS) * answers
    else:
        max_tokens = model_max = 0
    admit = AdmitRequest(
        identity=call.identity,
        session=call.threaded.session,
        call_id=record.call_id,
        price=price,
        input_tokens=bound,
        max_tokens=max_tokens,
        model_max_output_tokens=model_max,
        now=record.ts,
    )
    try:
        admission = await gw.budget.admit(admit)
    except BudgetExceeded:
        # The fast bound counts bytes; where the model's tokenizer ships offline, a real count
        # (slower, cached per message) may show the call fits after all.
        tight = tight_input_token_bound(model, request.raw, request.messages, tools=request.tools)
        if request.unseen_input or tight >= admit.input_tokens:
            raise
        admit.input_tokens = tight
        admission = await gw.budget.admit(admit)
    call.admission = admission
    call.remaining_usd = admission.remaining_usd
    gw.sessions.commit(call.threaded)  # only now: a refused call is not the session's progress
    if gw.is_degraded(admission.reservation_id):
        call.actions.append("degraded-counters")
    record.reserved_usd = admission.reserved_usd
    if call.api.conversational:
        per_answer = max(1, admission.max_tokens // answers)
        if per_answer != request.max_tokens:
            if request.max_tokens is not None and per_answer < request.max_tokens:
                call.actions.append("clamped")
                record.action = ",".join(call.actions)
            call.api.set_max_tokens(request, per_answer)


async def _forward(gw: Gateway, call: Call, headers: dict[str, str], send: Send, receive: Receive) -> Ending:
    request, record = call.request, call.record
    upstream = gw.upstreams.target(call.route.upstream)
    body = request.edited_body()
    # Journaled just before it goes out: from here on the provider may bill it.
    gw.ledger.reserve(
        record.call_id, record.ts, record.org, record.fleet, record.agent, record.session, record.reserved_usd
    )
    call.journaled = True
    forward_at = time.perf_counter()
    try:
        response = await gw.upstreams.post(
            upstream, request.upstream_path, body, call.api.upstream_headers(upstream.api_key, headers), headers
        )
        record.provider_request_id = response.headers.get("x-request-id") or response.headers.get("request-id", "")
        await response.raise_for_status()
    except UpstreamError as exc:
        record.status = exc.status
        record.outcome = exc.outcome
        record.latency_ms = (time.perf_counter() - forward_at) * 1000
        # An error answer bills nothing; a request lost after it was sent may have been billed in full.
        return Ending(call.reserved_usage() if exc.maybe_billed else Usage(), error=exc)
    if request.stream:
        return await _stream(gw, call, response, send, receive, forward_at)
    payload = await response.read()
    record.latency_ms = (time.perf_counter() - forward_at) * 1000
    answer = _answer(payload)
    if not record.provider_request_id and answer is not None:
        # No request-id header (a relay dropped it): the answer's own id (Gemini's responseId).
        found = answer.get("id") or answer.get("responseId")
        record.provider_request_id = found if isinstance(found, str) else ""
    usage = call.api.usage(answer) if answer is not None else Usage()
    return Ending(usage, answer, response, payload)


def _answer(payload: bytes) -> dict[str, Any] | None:
    try:
        answer = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    return answer if isinstance(answer, dict) else None


def _headers(upstream: dict[str, str], extra: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in upstream.items()] + extra


async def _stream(
    gw: Gateway, call: Call, response: UpstreamResponse, send: Send, receive: Receive, forward_at: float
) -> Ending:
    record = call.record
    meter = call.api.meter(call.request, gw.count_tokens)
    headers = _headers(response.headers, call.headers(record.reserved_usd))
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
    # The stream's last events ([DONE], message_stop, response.completed, or regulator's own
    # ending) are held back until the call is settled.
    ending: list[bytes] = []
    broken: RegulatorError | None = None
    try:
        async for chunk in response.iter_chunks():
            out = []
            for event in meter.split(buffer, chunk):
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
    except RegulatorError as exc:
        broken = exc  # the upstream broke the stream, or stalled past the timeout
        record.outcome = "timeout" if isinstance(exc, UpstreamTimeout) else "cut"
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
        if not meter.ended_by_regulator:
            broken = UpstreamUnreachable(f"Upstream {record.upstream!r} ended the stream before its end.")
    record.latency_ms = (time.perf_counter() - forward_at) * 1000
    if meter.finished:
        broken = None  # the end had arrived: the caller has the whole answer
    return Ending(call.produced_usage(meter), meter.answer(), body=b"".join(ending), broken=broken)

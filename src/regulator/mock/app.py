"""The mock upstream's ASGI app: routing, failure injection, scripted replies, the billing record.

A raw ASGI app rather than a framework because it must never be the bottleneck of a benchmark.
Answers are planned in `answers` and shaped per API (`wires`: chat and Messages in `dialects`,
`responses`, `gemini`); `server` runs it.

Request headers (each also settable per script rule): `x-mock-status`, `x-mock-retry-after`,
`x-mock-latency-ms`, `x-mock-first-byte-ms`, `x-mock-break-after`, `x-mock-ignore-max-tokens`,
`x-mock-output-tokens`, `x-mock-reply` (base64 JSON `{"content": ..., "tool_calls": [...]}`).

Every billed call is also recorded for the providers' usage and cost reports (`billing`, served by
`reports`), with the id of the key it came with and its request id (`x-request-id` /
`request-id` headers).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from regulator.mock.answers import AnswerOptions, Plan, PromptCache, plan_answer
from regulator.mock.billing import Billing, Caller, Provider
from regulator.mock.dialects import embeddings_body, models_body
from regulator.mock.inputs import BadMockRequest, decode_reply, json_object, mock_float, mock_int
from regulator.mock.reports import PATHS as REPORT_PATHS
from regulator.mock.reports import ReportError, answer, inject_drift
from regulator.mock.wires import CHAT, MESSAGES, RESPONSES, Routed, Wire, count_body, route, wire_of
from regulator.pricing.catalog import ModelPrice
from regulator.types import Receive, Scope, Send

_JSON = [(b"content-type", b"application/json")]
_SSE = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]
_USAGE_FIELDS = (
    "requests",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)
# Whose reports list a call of each API, and as which usage report's calls.
_BILLED_AS: dict[Wire, tuple[Provider, str]] = {
    CHAT: ("openai", "completions"),
    RESPONSES: ("openai", "completions"),
    MESSAGES: ("anthropic", "messages"),
}


class BrokenStream(Exception):
    """Raised after the last chunk of a deliberately broken stream so the server drops the connection."""


@dataclass(slots=True)
class Script:
    """A rule: requests whose raw body contains `contains` (and ask for `model`) get these settings."""

    reply: dict[str, Any] | None = None
    contains: bytes | None = None
    model: str | None = None
    times: int | None = None  # forget the rule after this many matches
    headers: dict[str, str] = field(default_factory=dict)


class MockUpstream:
    def __init__(
        self,
        *,
        latency_ms: float = 0.0,
        fail_rate: float = 0.0,
        seed: int = 0,
        price_of: Callable[[str], ModelPrice] | None = None,
    ) -> None:
        self.latency_ms = latency_ms
        self.billing = Billing(price_of)
        self.fail_rate = fail_rate
        self.seed = seed
        self._rng = random.Random(seed)
        self._cache = PromptCache()
        self._scripts: list[Script] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._models: dict[str, dict[str, int]] = {}
        self._errors: dict[str, int] = {}
        self._requests = 0
        # The latest requests as they arrived (method, path?query, headers), for tests of what a
        # gateway forwards.
        self.received: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=100)
        # Responses it answered, for `GET /v1/responses/{id}` and `previous_response_id`: (body, tokens).
        self._responses: OrderedDict[str, tuple[bytes, int]] = OrderedDict()

    # ---- the Python API -------------------------------------------------------------------------

    def script(
        self,
        reply: dict[str, Any] | None = None,
        *,
        contains: str | None = None,
        model: str | None = None,
        times: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make matching requests answer `reply` and/or behave as if they carried `headers`."""
        if reply is not None and not isinstance(reply, dict):
            raise ValueError("reply must be a dict with 'content' and/or 'tool_calls'")
        rule = Script(reply, contains.encode() if contains else None, model, times, dict(headers or {}))
        with self._lock:
            self._scripts.append(rule)

    def stats(self) -> dict[str, Any]:
        """What the mock billed: per model and in total, plus error answers by status."""
        with self._lock:
            models = {name: dict(counts) for name, counts in self._models.items()}
            errors = dict(self._errors)
            requests = self._requests
        totals = {f: sum(m[f] for m in models.values()) for f in _USAGE_FIELDS}
        return {"requests": requests, "errors": errors, "models": models, "totals": totals}

    def reset(self) -> None:
        """Back to as started: no billing, no cached prompts, no scripts, the failure draw reseeded."""
        with self._lock:
            self._models.clear()
            self._errors.clear()
            self._requests = 0
            self._scripts.clear()
            self._cache.clear()
            self._responses.clear()
            self.received.clear()
            self._rng = random.Random(self.seed)
        self.billing.clear()

    # ---- ASGI -----------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        body = await _read_body(receive)
        mock: dict[str, str] = {}
        headers = dict(scope["headers"])
        query = scope.get("query_string", b"")
        target = path + ("?" + query.decode("latin-1") if query else "")
        text_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()}
        self.received.append((method, target, text_headers))
        api_key = _api_key(text_headers)
        for name, value in headers.items():
            if name.startswith(b"x-mock-"):
                mock[name.decode("latin-1")] = value.decode("latin-1")
        routed = route(method, path, query)
        wire = routed.wire if routed is not None else wire_of(path, headers)
        try:
            if routed is not None and routed.count:
                # A token count: the mock's rough one (a token per 4 bytes of the request).
                await _respond(send, 200, count_body(routed, max(1, len(body) // 4)))
            elif routed is not None:
                await self._generate(routed, body, mock, receive, send, api_key)
            elif method == "POST" and path == "/v1/embeddings":
                await self._embeddings(body, mock, send, api_key)
            elif method == "GET" and path in REPORT_PATHS:
                await _respond(send, 200, answer(self.billing, path, query, text_headers))
            elif method == "POST" and path == "/mock/drift":
                inject_drift(self.billing, json_object(body))
                await _respond(send, 200, b'{"ok":true}')
            elif method == "GET" and path.startswith("/v1/responses/") and path[14:] in self._responses:
                await _respond(send, 200, self._responses[path[14:]][0])
            elif method == "GET" and path == "/v1/models":
                await _respond(send, 200, models_body("anthropic" if b"anthropic-version" in headers else "openai"))
            elif method == "GET" and path == "/mock/stats":
                await _respond(send, 200, orjson.dumps(self.stats()))
            elif method == "POST" and path == "/mock/reset":
                self.reset()
                await _respond(send, 200, b'{"ok":true}')
            elif method == "POST" and path == "/mock/scripts":
                self._add_script(body)
                await _respond(send, 200, b'{"ok":true}')
            else:
                await self._error(send, wire, 404, f"Unknown request URL: {method} {path}")
        except BadMockRequest as exc:
            await self._error(send, wire, 400, str(exc))
        except ReportError as exc:
            await self._error(send, MESSAGES if path.startswith("/v1/organizations/") else CHAT, exc.status, str(exc))

    def _add_script(self, body: bytes) -> None:
        rule = json_object(body)
        try:
            self.script(
                rule.get("reply"),
                contains=rule.get("contains"),
                model=rule.get("model"),
                times=rule.get("times"),
                headers=rule.get("headers"),
            )
        except ValueError as exc:
            raise BadMockRequest(str(exc)) from exc

    async def _error(
        self,
        send: Send,
        wire: Wire,
        status: int,
        message: str,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        with self._lock:
            self._requests += 1
            self._errors[str(status)] = self._errors.get(str(status), 0) + 1
        await _respond(send, status, wire.error(status, message), headers)

    def _apply_scripts(self, body: bytes, req: dict[str, Any], mock: dict[str, str]) -> dict[str, Any] | None:
        with self._lock:
            for i, rule in enumerate(self._scripts):
                if (rule.contains is None or rule.contains in body) and (rule.model in (None, req.get("model"))):
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            del self._scripts[i]
                    for name, value in rule.headers.items():
                        mock.setdefault(name.lower(), value)
                    return rule.reply
        return None

    async def _injected_failure(self, send: Send, wire: Wire, mock: dict[str, str]) -> bool:
        """Answer an error if the request asks for one or the seeded draw says so."""
        status = mock_int(mock, "x-mock-status")
        if status is None and self.fail_rate > 0:
            with self._lock:
                failed = self._rng.random() < self.fail_rate
            status = 500 if failed else None
        if status is None or status < 400:
            return False
        headers = None
        if status == 429:
            headers = [(b"retry-after", mock.get("x-mock-retry-after", "1").encode())]
            message = "Rate limit reached (injected by the mock upstream)."
        else:
            message = f"The mock upstream was asked to fail with {status}."
        await self._error(send, wire, status, message, headers)
        return True

    async def _generate(
        self, routed: Routed, body: bytes, mock: dict[str, str], receive: Receive, send: Send, api_key: str | None
    ) -> None:
        req = json_object(body)
        wire = routed.wire
        chat = wire.view(req, routed.model)  # the request as the planner reads it
        reply = self._apply_scripts(body, chat, mock) if self._scripts else None
        first_byte_s = (mock_float(mock, "x-mock-first-byte-ms") or 0.0) / 1000
        latency = mock_float(mock, "x-mock-latency-ms")
        latency_s = (self.latency_ms if latency is None else latency) / 1000
        stream = req.get("stream") is True if routed.stream is None else routed.stream
        if not stream and first_byte_s + latency_s > 0:
            await asyncio.sleep(first_byte_s + latency_s)
        elif stream and first_byte_s > 0:
            await asyncio.sleep(first_byte_s)
        if await self._injected_failure(send, wire, mock):
            return
        messages = chat.get("messages")
        if not isinstance(chat.get("model"), str) or not isinstance(messages, list) or not messages:
            raise BadMockRequest("'model' (string) and a non-empty conversation are required")
        if wire is MESSAGES and not isinstance(req.get("max_tokens"), int):
            raise BadMockRequest("max_tokens: Field required")
        answers = req.get("n", 1) if wire is CHAT else 1
        if answers is not None and (type(answers) is not int or not 1 <= answers <= 128):
            raise BadMockRequest("n: must be an integer from 1 to 128")
        if "x-mock-reply" in mock:
            reply = decode_reply(mock["x-mock-reply"])
        opts = AnswerOptions(reply, mock_int(mock, "x-mock-output-tokens"), mock.get("x-mock-ignore-max-tokens") == "1")
        plan = plan_answer(chat, wire.plan_dialect, len(body), opts, self._cache)
        if wire is RESPONSES:
            # The stored conversation a `previous_response_id` names is input too, as OpenAI bills it.
            plan.input_tokens += self._responses.get(str(req.get("previous_response_id")), (b"", 0))[1]
        call_id = next(self._ids)
        answer_id = f"{wire.id_prefix}{call_id:016x}"
        provider, endpoint = _BILLED_AS.get(wire, ("google", "generate"))
        caller = Caller(provider, api_key, f"req_mock{call_id:016x}", endpoint)
        if wire is RESPONSES:
            self._remember(answer_id, wire.body(plan, answer_id, req), plan.input_tokens + plan.output_tokens)
        if not stream:
            data = wire.body(plan, answer_id, req)
            self._bill(plan, plan.billed_output_tokens, plan.reasoning_tokens * plan.answers, caller)
            await _respond(send, 200, data, [caller.header()])
            return
        events = wire.stream(plan, answer_id, req, routed.sse)
        await self._stream(plan, events, mock_int(mock, "x-mock-break-after"), latency_s, caller, receive, send)

    def _remember(self, response_id: str, body: bytes, tokens: int) -> None:
        with self._lock:
            self._responses[response_id] = (body, tokens)
            if len(self._responses) > 10_000:
                self._responses.popitem(last=False)

    async def _stream(
        self,
        plan: Plan,
        events: list[tuple[bytes, int]],
        break_after: int | None,
        latency_s: float,
        caller: Caller,
        receive: Receive,
        send: Send,
    ) -> None:
        broken = break_after is not None and 0 <= break_after < len(events)
        todo = events[:break_after] if broken else events
        await send({"type": "http.response.start", "status": 200, "headers": [*_SSE, caller.header()]})
        sent = 0
        if latency_s > 0:
            # Like a real provider, stop generating (and billing) when the client goes away.
            gone = asyncio.ensure_future(receive())
            try:
                for data, _ in todo:
                    await asyncio.sleep(latency_s / len(events))
                    if gone.done():
                        break
                    await send({"type": "http.response.body", "body": data, "more_body": True})
                    sent += 1
            finally:
                gone.cancel()
        elif todo:
            body = b"".join(data for data, _ in todo)
            await send({"type": "http.response.body", "body": body, "more_body": True})
            sent = len(todo)
        reasoning = plan.reasoning_tokens * plan.answers if sent else 0
        self._bill(plan, sum(tokens for _, tokens in todo[:sent]), reasoning, caller)
        if sent < len(todo):
            return
        if broken:
            raise BrokenStream(f"stream broken after {break_after} events (x-mock-break-after)")
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _embeddings(self, body: bytes, mock: dict[str, str], send: Send, api_key: str | None) -> None:
        latency = mock_float(mock, "x-mock-latency-ms")
        latency_s = (
            (self.latency_ms if latency is None else latency) + (mock_float(mock, "x-mock-first-byte-ms") or 0)
        ) / 1000
        if latency_s > 0:
            await asyncio.sleep(latency_s)
        if await self._injected_failure(send, CHAT, mock):
            return
        req = json_object(body)
        result = embeddings_body(req, len(body))
        if isinstance(result, str):
            raise BadMockRequest(result)
        data, tokens = result
        caller = Caller("openai", api_key, f"req_mock{next(self._ids):016x}", "embeddings")
        self._bill_tokens(str(req.get("model", "")), tokens, 0, 0, 0, 0, caller)
        await _respond(send, 200, data, [caller.header()])

    def _bill(self, plan: Plan, output_tokens: int, reasoning_tokens: int, caller: Caller) -> None:
        inputs = (plan.input_tokens, plan.cached_tokens, plan.cache_write_tokens)
        self._bill_tokens(plan.model, *inputs, output_tokens, reasoning_tokens, caller)

    def _bill_tokens(
        self, model: str, inp: int, cached: int, write: int, out: int, reasoning: int, caller: Caller
    ) -> None:
        self.billing.bill(caller, model, inp, cached, write, out, reasoning)
        with self._lock:
            self._requests += 1
            counts = self._models.get(model)
            if counts is None:
                counts = self._models[model] = dict.fromkeys(_USAGE_FIELDS, 0)
            counts["requests"] += 1
            counts["input_tokens"] += inp
            counts["cached_input_tokens"] += cached
            counts["cache_write_tokens"] += write
            counts["output_tokens"] += out
            counts["reasoning_tokens"] += reasoning


async def _read_body(receive: Receive) -> bytes:
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body"):
        return body
    parts = [body]
    while message.get("more_body"):
        message = await receive()
        parts.append(message.get("body", b""))
    return b"".join(parts)


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status, "headers": _JSON + (headers or [])})
    await send({"type": "http.response.body", "body": body})


def _api_key(headers: dict[str, str]) -> str | None:
    """The provider key a call came with, in whichever header its API carries it."""
    bearer = headers.get("authorization", "").removeprefix("Bearer ")
    return headers.get("x-api-key") or headers.get("x-goog-api-key") or bearer or None

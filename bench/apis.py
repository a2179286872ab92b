"""The Responses API and Gemini beside chat completions: the gateway's CPU per request for the same
conversation in each API's shape (within a few % of the same bytes), at ~2 KB and at the largest
trace requests, streamed and not. Rounds alternate between the APIs, as elsewhere in the bench."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

import orjson

from bench.load import Rate, measured, throughput_py

# Non-reasoning models in each API, so the mock's answers are alike (text only, the same length).
MODELS = {"chat": "gpt-4o-mini", "responses": "gpt-4o-mini", "gemini": "gemini-2.0-flash"}
MAX_TOKENS = 16  # every answer is cut to the same 16 tokens: 4 stream chunks in each API


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def as_responses(messages: list[dict[str, Any]], stream: bool) -> bytes:
    items: list[dict[str, Any]] = []
    for m in messages:
        if m.get("role") == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": m.get("tool_call_id", ""),
                    "output": _text(m.get("content")),
                }
            )
            continue
        if m.get("content"):
            items.append({"role": m["role"], "content": _text(m["content"])})
        for call in m.get("tool_calls") or []:
            function = call.get("function") or {}
            items.append(
                {
                    "type": "function_call",
                    "call_id": call.get("id", ""),
                    "name": function.get("name", ""),
                    "arguments": function.get("arguments", ""),
                }
            )
    body = {"model": MODELS["responses"], "max_output_tokens": MAX_TOKENS, "stream": stream, "input": items}
    return orjson.dumps(body)


def as_gemini(messages: list[dict[str, Any]]) -> bytes:
    contents: list[dict[str, Any]] = []
    system = []
    for m in messages:
        role = m.get("role")
        if role == "system":
            system.append({"text": _text(m.get("content"))})
        elif role == "tool":
            response = {"name": "tool", "response": {"output": _text(m.get("content"))}}
            contents.append({"role": "user", "parts": [{"functionResponse": response}]})
        else:
            parts: list[dict[str, Any]] = [{"text": _text(m.get("content"))}] if m.get("content") else []
            for call in m.get("tool_calls") or []:
                function = call.get("function") or {}
                parts.append(
                    {"functionCall": {"name": function.get("name", ""), "args": {"raw": function.get("arguments", "")}}}
                )
            contents.append({"role": "model" if role == "assistant" else "user", "parts": parts or [{"text": ""}]})
    body: dict[str, Any] = {"contents": contents, "generationConfig": {"maxOutputTokens": MAX_TOKENS}}
    if system:
        body["systemInstruction"] = {"parts": system}
    return orjson.dumps(body)


def requests(chat_body: bytes, stream: bool) -> dict[str, tuple[str, bytes]]:
    """(path, body) of the same conversation in each API."""
    chat = orjson.loads(chat_body)
    messages = chat["messages"]
    gemini_path = f"/v1beta/models/{MODELS['gemini']}:" + (
        "streamGenerateContent?alt=sse" if stream else "generateContent"
    )
    plain = {"model": MODELS["chat"], "max_tokens": MAX_TOKENS, "stream": stream, "messages": messages}
    return {
        "chat": ("/v1/chat/completions", orjson.dumps(plain)),
        "responses": ("/v1/responses", as_responses(messages, stream)),
        "gemini": (gemini_path, as_gemini(messages)),
    }


def compare(
    base_url: str,
    key: str,
    pid: int,
    chat_bodies: list[bytes],
    stream: bool,
    rounds: int,
    seconds: float,
    concurrency: int,
) -> dict[str, Any]:
    """CPU per request of each API over `rounds` alternating rounds; the ratios to chat completions."""
    shaped = [requests(body, stream) for body in chat_bodies]
    cpu: dict[str, list[float]] = {api: [] for api in MODELS}
    out: dict[str, Any] = {}
    order = list(MODELS)
    for round_ in range(rounds):
        # Each API goes first in turn: work a load leaves behind (the detection thread's backlog,
        # a ledger batch) lands on the next measurement, and must not always land on the same API.
        for api in order[round_ % len(order) :] + order[: round_ % len(order)]:
            path = shaped[0][api][0]
            load: Callable[[], Rate] = lambda path=path, api=api: throughput_py(  # noqa: E731
                base_url + path, key, seconds, [[s[api][1]] for s in shaped], concurrency
            )
            rate = measured(pid, load)
            if rate.statuses.get(200, 0) != rate.requests:
                raise RuntimeError(f"{api}: answers other than 200: {dict(rate.statuses)}")
            assert rate.cpu_us_per_request is not None
            cpu[api].append(rate.cpu_us_per_request)
    for api in MODELS:
        out[f"{api}_cpu_us_per_request"] = round(statistics.median(cpu[api]), 1)
        out[f"{api}_mean_request_bytes"] = round(statistics.mean(len(s[api][1]) for s in shaped))
    for api in ("responses", "gemini"):
        ratios = [a / c for a, c in zip(cpu[api], cpu["chat"], strict=True)]
        out[f"{api}_vs_chat_cpu"] = round(statistics.median(ratios), 3)
        out[f"{api}_vs_chat_cpu_rounds"] = [round(r, 3) for r in ratios]
    return out

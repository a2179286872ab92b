"""The mock's Gemini API: the request read as chat completions for planning, and the answer as a
`GenerateContentResponse`, a stream of them (server-sent events, or one JSON array), with
`usageMetadata` as Google reports it (thoughts beside the candidates, cached content inside the
prompt count) and errors in Google's shape."""

from __future__ import annotations

from typing import Any

import orjson

from regulator.errors import GOOGLE_STATUS
from regulator.mock.answers import Plan
from regulator.mock.dialects import CHUNK_TOKENS, Event

_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP"}


def _text(parts: Any) -> str:
    return "".join(p["text"] for p in parts or () if isinstance(p, dict) and isinstance(p.get("text"), str))


def view(req: dict[str, Any], model: str) -> dict[str, Any]:
    """The request as a chat completion, which the mock plans answers for."""
    messages: list[dict[str, Any]] = []
    system = req.get("systemInstruction")
    if isinstance(system, dict) and _text(system.get("parts")):
        messages.append({"role": "system", "content": _text(system.get("parts"))})
    for content in req.get("contents") or ():
        if not isinstance(content, dict):
            continue
        parts = [p for p in content.get("parts") or () if isinstance(p, dict)]
        calls = [p["functionCall"] for p in parts if isinstance(p.get("functionCall"), dict)]
        results = [p["functionResponse"] for p in parts if isinstance(p.get("functionResponse"), dict)]
        if results:
            messages += [{"role": "tool", "content": orjson.dumps(r.get("response")).decode()} for r in results]
        elif calls:
            tool_calls = [
                {"type": "function", "function": {"name": c.get("name"), "arguments": orjson.dumps(c.get("args"))}}
                for c in calls
            ]
            messages.append({"role": "assistant", "content": _text(parts) or None, "tool_calls": tool_calls})
        else:
            messages.append(
                {"role": "assistant" if content.get("role") == "model" else "user", "content": _text(parts)}
            )
    declared = [d for t in req.get("tools") or () if isinstance(t, dict) for d in t.get("functionDeclarations") or ()]
    tools = [
        {"type": "function", "function": {"name": d["name"], "parameters": _schema(d)}}
        for d in declared
        if isinstance(d, dict) and isinstance(d.get("name"), str)
    ]
    mode = ((req.get("toolConfig") or {}).get("functionCallingConfig") or {}).get("mode")
    chat: dict[str, Any] = {"model": model, "messages": messages, "tools": tools}
    chat["tool_choice"] = {"NONE": "none", "ANY": "required"}.get(str(mode), "auto")
    limit = (req.get("generationConfig") or {}).get("maxOutputTokens")
    if isinstance(limit, int):
        chat["max_completion_tokens"] = limit
    return chat


def _schema(declaration: dict[str, Any]) -> dict[str, Any]:
    # Google reads proto field names in either case; google-genai sends `parameters_json_schema`.
    schema = (
        declaration.get("parametersJsonSchema")
        or declaration.get("parameters_json_schema")
        or declaration.get("parameters")
        or {}
    )
    return schema if isinstance(schema, dict) else {}


def usage(plan: Plan, candidates: int, thoughts: int) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "promptTokenCount": plan.input_tokens,
        "candidatesTokenCount": candidates,
        "totalTokenCount": plan.input_tokens + candidates + thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": plan.input_tokens}],
    }
    if plan.cached_tokens:
        metadata["cachedContentTokenCount"] = plan.cached_tokens
    if thoughts:
        metadata["thoughtsTokenCount"] = thoughts
    return metadata


def _chunk(
    plan: Plan, response_id: str, parts: list[dict[str, Any]], finish: str | None, meta: dict[str, Any]
) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "usageMetadata": meta, "modelVersion": plan.model, "responseId": response_id}


def _call_parts(plan: Plan) -> list[dict[str, Any]]:
    parts = []
    for call in plan.tool_calls:
        try:
            args = orjson.loads(call.arguments)
        except orjson.JSONDecodeError:  # cut short by maxOutputTokens
            args = {}
        parts.append({"functionCall": {"name": call.name, "args": args}})
    return parts


def body(plan: Plan, response_id: str) -> bytes:
    visible = plan.output_tokens - plan.reasoning_tokens
    parts = ([{"text": plan.text}] if plan.text_pieces else []) + _call_parts(plan)
    meta = usage(plan, visible, plan.reasoning_tokens)
    return orjson.dumps(_chunk(plan, response_id, parts, _FINISH[plan.stop], meta))


def chunks(plan: Plan, response_id: str) -> list[tuple[dict[str, Any], int]]:
    """The stream's responses and the output tokens each carries; thinking is billed with the first."""
    out: list[tuple[dict[str, Any], int]] = []
    visible = 0
    pieces = plan.text_pieces
    for i in range(0, len(pieces), CHUNK_TOKENS):
        part = pieces[i : i + CHUNK_TOKENS]
        visible += len(part)
        meta = usage(plan, visible, plan.reasoning_tokens)
        out.append((_chunk(plan, response_id, [{"text": "".join(part)}], None, meta), len(part)))
    calls = _call_parts(plan)
    call_tokens = sum(call.tokens for call in plan.tool_calls)
    meta = usage(plan, visible + call_tokens, plan.reasoning_tokens)
    final = _chunk(plan, response_id, calls, _FINISH[plan.stop], meta)
    if out and not calls:
        # The last text and the finish arrive together, as Gemini sends them.
        last, tokens = out.pop()
        final["candidates"][0]["content"]["parts"] = last["candidates"][0]["content"]["parts"]
        call_tokens += tokens
    out.append((final, call_tokens))
    first, tokens = out[0]
    out[0] = (first, tokens + plan.reasoning_tokens)
    return out


def sse_stream(plan: Plan, response_id: str) -> list[Event]:
    return [(b"data: " + orjson.dumps(chunk) + b"\r\n\r\n", tokens) for chunk, tokens in chunks(plan, response_id)]


def array_stream(plan: Plan, response_id: str) -> list[Event]:
    """Without `alt=sse`: one JSON array, each element sent as it is generated."""
    parts = chunks(plan, response_id)
    events = [((b"[" if i == 0 else b",\r\n") + orjson.dumps(chunk), tokens) for i, (chunk, tokens) in enumerate(parts)]
    events.append((b"]", 0))
    return events


def error_body(status: int, message: str) -> bytes:
    return orjson.dumps({"error": {"code": status, "message": message, "status": GOOGLE_STATUS.get(status, "UNKNOWN")}})

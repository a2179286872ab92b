"""The mock's OpenAI Responses API: the request read as chat completions for planning, and the answer
as a response object or the `response.*` event sequence, with usage as OpenAI reports it."""

from __future__ import annotations

import time
from typing import Any

import orjson

from regulator.mock.answers import Plan
from regulator.mock.dialects import CHUNK_TOKENS, Event, fragments

_CHAT_ROLES = {"developer": "system", "system": "system", "user": "user", "assistant": "assistant"}


def view(req: dict[str, Any]) -> dict[str, Any]:
    """The request as a chat completion, which the mock plans answers for."""
    messages: list[dict[str, Any]] = []
    instructions = req.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.append({"role": "system", "content": instructions})
    items = req.get("input")
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind = item.get("type", "message")
        if kind == "message" and item.get("role") in _CHAT_ROLES:
            messages.append({"role": _CHAT_ROLES[item["role"]], "content": item.get("content")})
        elif kind == "function_call":
            function = {"name": item.get("name"), "arguments": item.get("arguments", "")}
            call = {"id": item.get("call_id"), "type": "function", "function": function}
            messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            messages.append({"role": "tool", "tool_call_id": item.get("call_id"), "content": item.get("output")})
    listed = req.get("tools")
    tools = [
        {"type": "function", "function": {"name": t["name"], "parameters": t.get("parameters") or {}}}
        for t in (listed if isinstance(listed, list) else [])
        if isinstance(t, dict) and t.get("type") == "function" and isinstance(t.get("name"), str)
    ]
    choice = req.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") == "function":
        choice = {"type": "function", "function": {"name": choice.get("name")}}
    chat = {"model": req.get("model"), "messages": messages, "tools": tools, "tool_choice": choice}
    if isinstance(req.get("max_output_tokens"), int):
        chat["max_completion_tokens"] = req["max_output_tokens"]
    return chat


def usage(plan: Plan, output_tokens: int | None = None) -> dict[str, Any]:
    out = plan.output_tokens if output_tokens is None else output_tokens
    return {
        "input_tokens": plan.input_tokens,
        "input_tokens_details": {"cached_tokens": plan.cached_tokens},
        "output_tokens": out,
        "output_tokens_details": {"reasoning_tokens": plan.reasoning_tokens},
        "total_tokens": plan.input_tokens + out,
    }


def _output(plan: Plan, ids: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if plan.reasoning_tokens:
        items.append({"id": f"rs_{ids}", "type": "reasoning", "summary": []})
    if plan.text_pieces:
        text = {"type": "output_text", "text": plan.text, "annotations": [], "logprobs": []}
        message = {"id": f"msg_{ids}", "type": "message", "role": "assistant", "status": "completed"}
        items.append({**message, "content": [text]})
    for i, call in enumerate(plan.tool_calls):
        items.append(
            {
                "id": f"fc_{ids}{i:02d}",
                "type": "function_call",
                "status": "completed",
                "call_id": call.id,
                "name": call.name,
                "arguments": call.arguments,
            }
        )
    return items


def _response(plan: Plan, response_id: str, req: dict[str, Any], created: int) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "created_at": created,
        "status": "in_progress",
        "error": None,
        "incomplete_details": None,
        "instructions": req.get("instructions"),
        "max_output_tokens": req.get("max_output_tokens"),
        "model": plan.model,
        "output": [],
        "parallel_tool_calls": req.get("parallel_tool_calls", True),
        "previous_response_id": req.get("previous_response_id"),
        "store": req.get("store", True),
        "tool_choice": req.get("tool_choice", "auto"),
        "tools": req.get("tools") or [],
        "usage": None,
    }


def _finished(response: dict[str, Any], plan: Plan, ids: str) -> dict[str, Any]:
    done = {**response, "output": _output(plan, ids), "usage": usage(plan)}
    if plan.stop == "length":
        done.update(status="incomplete", incomplete_details={"reason": "max_output_tokens"})
    else:
        done["status"] = "completed"
    return done


def body(plan: Plan, response_id: str, req: dict[str, Any]) -> bytes:
    ids = response_id.removeprefix("resp_")
    return orjson.dumps(_finished(_response(plan, response_id, req, int(time.time())), plan, ids))


def stream(plan: Plan, response_id: str, req: dict[str, Any]) -> list[Event]:
    """The event sequence OpenAI sends; reasoning is billed with the first event, as it comes first."""
    ids = response_id.removeprefix("resp_")
    response = _response(plan, response_id, req, int(time.time()))
    events: list[Event] = []

    def emit(kind: str, tokens: int = 0, **fields: Any) -> None:
        data = {"type": kind, "sequence_number": len(events), **fields}
        events.append((b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n", tokens))

    emit("response.created", plan.reasoning_tokens, response=response)
    emit("response.in_progress", response=response)
    for index, item in enumerate(_output(plan, ids)):
        if item["type"] == "reasoning":
            emit("response.output_item.added", output_index=index, item=item)
            emit("response.output_item.done", output_index=index, item=item)
        elif item["type"] == "message":
            where = {"output_index": index, "item_id": item["id"], "content_index": 0}
            emit(
                "response.output_item.added", output_index=index, item={**item, "status": "in_progress", "content": []}
            )
            part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            emit("response.content_part.added", **where, part=part)
            pieces = plan.text_pieces
            for i in range(0, len(pieces), CHUNK_TOKENS):
                chunk = pieces[i : i + CHUNK_TOKENS]
                emit("response.output_text.delta", len(chunk), **where, delta="".join(chunk), logprobs=[])
            emit("response.output_text.done", **where, text=plan.text, logprobs=[])
            emit("response.content_part.done", **where, part=item["content"][0])
            emit("response.output_item.done", output_index=index, item=item)
        else:
            call = next(c for c in plan.tool_calls if c.id == item["call_id"])
            where = {"output_index": index, "item_id": item["id"]}
            emit(
                "response.output_item.added",
                output_index=index,
                item={**item, "status": "in_progress", "arguments": ""},
            )
            for fragment, tokens in fragments(call.arguments, call.tokens):
                emit("response.function_call_arguments.delta", tokens, **where, delta=fragment)
            emit("response.function_call_arguments.done", **where, arguments=call.arguments)
            emit("response.output_item.done", output_index=index, item=item)
    done = _finished(response, plan, ids)
    emit("response.completed" if done["status"] == "completed" else "response.incomplete", response=done)
    return events

"""What regulator needs to know of a request in each provider dialect, and the few edits it makes.

Parsing stays shallow: the body is decoded once (orjson), the fields regulator acts on are checked,
and the original bytes are forwarded untouched unless an edit was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from regulator.errors import BadRequest, InvalidJSON
from regulator.types import Dialect

# Far above any model's real output limit; larger values are refused as absurd rather than clamped.
ABSURD_MAX_TOKENS = 10_000_000


@dataclass(slots=True)
class ParsedRequest:
    dialect: Dialect
    endpoint: str  # chat | messages | embeddings
    body: dict[str, Any]
    raw: bytes
    model: str
    stream: bool
    max_tokens: int | None
    max_tokens_field: str | None
    messages: list[dict[str, Any]] = field(default_factory=list)
    system: Any = None
    edits: list[str] = field(default_factory=list)
    added: dict[str, Any] = field(default_factory=dict)  # top-level fields the caller did not send
    rewritten: bool = False  # a field the caller sent was changed

    def edited_body(self) -> bytes:
        """The bytes to forward: the caller's own unless regulator changed something.

        The usual edits add a field the caller left out (`max_tokens`, `stream_options`); those are
        spliced in front of the caller's bytes, because re-serialising a 300 KB conversation
        costs far more (~0.2 ms) than the splice.
        """
        if not self.edits:
            return self.raw
        if self.rewritten:
            return orjson.dumps(self.body)
        start = self.raw.index(b"{") + 1  # the body is a JSON object: its first brace opens it
        return b"{" + orjson.dumps(self.added)[1:-1] + b"," + self.raw[start:]

    def set_field(self, name: str, value: Any, edit: str) -> None:
        if name in self.body and name not in self.added:
            self.rewritten = True
        else:
            self.added[name] = value
        self.body[name] = value
        self.edits.append(edit)


def decode_json(raw: bytes) -> dict[str, Any]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidJSON("Request body is not valid UTF-8. Send JSON encoded as UTF-8.") from exc
        raise InvalidJSON(f"Request body is not valid JSON ({exc}). Send a JSON object.") from exc
    if not isinstance(body, dict):
        raise InvalidJSON("Request body must be a JSON object.")
    return body


def _require_model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if model is None:
        raise BadRequest("Missing required parameter: 'model'.", param="model")
    if not isinstance(model, str) or not model:
        raise BadRequest("'model' must be a non-empty string.", param="model")
    return model


def _optional_bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadRequest(f"'{name}' must be a boolean.", param=name)
    return value


def _max_tokens(body: dict[str, Any], names: tuple[str, ...]) -> tuple[int | None, str | None]:
    for name in names:
        if name not in body or body[name] is None:
            continue
        value = body[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequest(f"'{name}' must be an integer.", param=name)
        if value < 1:
            raise BadRequest(f"'{name}' must be at least 1 (got {value}).", param=name)
        if value > ABSURD_MAX_TOKENS:
            raise BadRequest(
                f"'{name}' of {value} is beyond any model's output limit; send a realistic value or omit it.",
                param=name,
            )
        return value, name
    return None, None


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if messages is None:
        raise BadRequest("Missing required parameter: 'messages'.", param="messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("'messages' must be a non-empty array of message objects.", param="messages")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise BadRequest(f"messages[{i}] must be an object with a string 'role'.", param=f"messages[{i}]")
    return messages


def parse_openai_chat(raw: bytes) -> ParsedRequest:
    body = decode_json(raw)
    model = _require_model(body)
    messages = _messages(body)
    max_tokens, field_name = _max_tokens(body, ("max_completion_tokens", "max_tokens"))
    return ParsedRequest(
        "openai", "chat", body, raw, model, _optional_bool(body, "stream"), max_tokens, field_name, messages
    )


def parse_openai_embeddings(raw: bytes) -> ParsedRequest:
    body = decode_json(raw)
    model = _require_model(body)
    value = body.get("input")
    if value is None:
        raise BadRequest("Missing required parameter: 'input'.", param="input")
    if not isinstance(value, str | list):
        raise BadRequest("'input' must be a string or an array.", param="input")
    return ParsedRequest("openai", "embeddings", body, raw, model, False, None, None)


def parse_anthropic_messages(raw: bytes) -> ParsedRequest:
    body = decode_json(raw)
    model = _require_model(body)
    messages = _messages(body)
    max_tokens, field_name = _max_tokens(body, ("max_tokens",))
    if max_tokens is None:
        # Anthropic requires max_tokens; regulator will set it from the budget, so this is not an error.
        field_name = "max_tokens"
    return ParsedRequest(
        "anthropic",
        "messages",
        body,
        raw,
        model,
        _optional_bool(body, "stream"),
        max_tokens,
        field_name,
        messages,
        system=body.get("system"),
    )


def set_max_tokens(request: ParsedRequest, value: int) -> None:
    name = request.max_tokens_field or "max_tokens"
    if request.body.get(name) != value:
        request.set_field(name, value, "max_tokens")
    request.max_tokens = value


def ensure_stream_usage(request: ParsedRequest) -> bool:
    """Ask an OpenAI stream for its usage chunk. True when regulator added it (and must hide it)."""
    options = request.body.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage") is True:
        return False
    request.set_field(
        "stream_options", {**(options if isinstance(options, dict) else {}), "include_usage": True}, "stream_usage"
    )
    return True


def swap_model(request: ParsedRequest, model: str) -> None:
    request.set_field("model", model, "downgrade")


def add_nudge(request: ParsedRequest, text: str) -> None:
    """Tell the agent, inside its own conversation, what it keeps repeating."""
    note = text if text.startswith("[regulator]") else f"[regulator] {text}"
    if request.dialect == "openai":
        request.messages.append({"role": "system", "content": note})
    else:
        last = request.messages[-1]
        content = last.get("content")
        if last.get("role") == "user" and isinstance(content, list):
            last["content"] = [*content, {"type": "text", "text": note}]
        elif last.get("role") == "user" and isinstance(content, str):
            last["content"] = [{"type": "text", "text": content}, {"type": "text", "text": note}]
        else:
            request.messages.append({"role": "user", "content": note})
    request.set_field("messages", request.messages, "nudge")

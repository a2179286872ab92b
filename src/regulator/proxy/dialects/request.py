"""A request as regulator sees it, whatever its API: the few fields it acts on, and its edits.

Parsing stays shallow: the body is decoded once (orjson), the fields regulator acts on are checked,
and the original bytes are forwarded untouched unless an edit was made. Each API module builds a
`ParsedRequest` with the helpers here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from regulator.errors import BadRequest, InvalidJSON
from regulator.proxy.validate import check_depth, check_messages
from regulator.types import Dialect

# Far above any model's real output limit; larger values are refused as absurd rather than clamped.
ABSURD_MAX_TOKENS = 10_000_000
# `: {` after a key, and whether the object is empty (`}` next).
_OBJECT_VALUE = re.compile(rb"\s*:\s*(\{)\s*(\})?")


@dataclass(slots=True)
class ParsedRequest:
    dialect: Dialect
    endpoint: str  # the API module's name: chat | embeddings | messages | responses | gemini
    body: dict[str, Any]
    raw: bytes
    model: str
    stream: bool
    max_tokens: int | None  # per answer (per candidate where the caller asks for several)
    max_tokens_field: str | None
    messages: list[dict[str, Any]] = field(default_factory=list)  # the conversation, in the API's shape
    system: Any = None
    upstream_path: str = ""  # where the call goes, below the upstream's base URL
    tools: bool = False  # declares tools: the provider adds a tool-use prompt
    answers: int = 1  # answers generated per call (`n`, `candidateCount`): each up to `max_tokens`
    # Input the body does not show (a stored previous response, a server-side cache): bounded by
    # the model's context window instead of by the body's bytes.
    unseen_input: bool = False
    edits: list[str] = field(default_factory=list)
    added: dict[str, Any] = field(default_factory=dict)  # top-level fields the caller did not send
    nested: dict[str, dict[str, Any]] = field(default_factory=dict)  # fields added inside an object
    rewritten: bool = False  # a field the caller sent was changed

    def edited_body(self) -> bytes:
        """The bytes to forward: the caller's own unless regulator changed something.

        The usual edits add a field the caller left out (`max_tokens`, `stream_options`,
        `generationConfig.maxOutputTokens`); those are spliced into the caller's bytes, because
        re-serialising a 300 KB conversation costs far more (~0.2 ms) than the splice.
        """
        if not self.edits:
            return self.raw
        if self.rewritten:
            return orjson.dumps(self.body)
        raw = self.raw
        for parent, fields in self.nested.items():
            spliced = _splice_into(raw, parent, fields)
            if spliced is None:
                return orjson.dumps(self.body)
            raw = spliced
        if not self.added:
            return raw
        start = raw.index(b"{") + 1  # the body is a JSON object: its first brace opens it
        rest = raw[start:].lstrip()
        comma = b"" if rest.startswith(b"}") else b","
        return b"{" + orjson.dumps(self.added)[1:-1] + comma + raw[start:]

    def set_field(self, name: str, value: Any, edit: str) -> None:
        if name in self.body and name not in self.added:
            self.rewritten = True
        else:
            self.added[name] = value
        self.body[name] = value
        self.edits.append(edit)

    def set_nested(self, parent: str, name: str, value: Any, edit: str) -> None:
        """Set `body[parent][name]`: a new field inside an object the caller sent is spliced in."""
        holder = self.body.get(parent)
        if not isinstance(holder, dict) or parent in self.added:
            self.set_field(parent, {**(holder if isinstance(holder, dict) else {}), name: value}, edit)
            return
        if name in holder and name not in self.nested.get(parent, {}):
            self.rewritten = True
        else:
            self.nested.setdefault(parent, {})[name] = value
        holder[name] = value
        self.edits.append(edit)


def _splice_into(raw: bytes, parent: str, fields: dict[str, Any]) -> bytes | None:
    """Insert `fields` at the start of the top-level object `parent`, or None when its place is not
    certain. A key quoted inside a JSON string has its quotes escaped, so a single bare `"parent"`
    in the bytes is the key itself."""
    key = b'"' + parent.encode() + b'"'
    if raw.count(key) != 1:
        return None
    opening = _OBJECT_VALUE.match(raw, raw.index(key) + len(key))
    if opening is None:
        return None
    brace = opening.start(1) + 1
    comma = b"" if opening.group(2) else b","
    return raw[:brace] + orjson.dumps(fields)[1:-1] + comma + raw[brace:]


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
    check_depth(body)
    return body


def require_model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if model is None:
        raise BadRequest("Missing required parameter: 'model'.", param="model")
    if not isinstance(model, str) or not model:
        raise BadRequest("'model' must be a non-empty string.", param="model")
    return model


def optional_bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadRequest(f"'{name}' must be a boolean.", param=name)
    return value


def token_limit(holder: dict[str, Any], names: tuple[str, ...], where: str = "") -> tuple[int | None, str | None]:
    """The first of `names` set in `holder`, checked: a positive, realistic integer."""
    for name in names:
        if name not in holder or holder[name] is None:
            continue
        value, param = holder[name], where + name
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequest(f"'{param}' must be an integer.", param=param)
        if value < 1:
            raise BadRequest(f"'{param}' must be at least 1 (got {value}).", param=param)
        if value > ABSURD_MAX_TOKENS:
            raise BadRequest(
                f"'{param}' of {value} is beyond any model's output limit; send a realistic value or omit it.",
                param=param,
            )
        return value, name
    return None, None


def answer_count(holder: dict[str, Any], name: str, where: str = "") -> int:
    """How many answers one call generates (`n`, `candidateCount`): each may use the whole limit."""
    value = holder.get(name)
    if value is None:
        return 1
    param = where + name
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 128:
        raise BadRequest(f"'{param}' must be an integer from 1 to 128.", param=param)
    return value


def object_list(body: dict[str, Any], name: str, what: str) -> list[dict[str, Any]]:
    """A required non-empty array of objects (`messages`, `contents`, `input` items)."""
    items = body.get(name)
    if items is None:
        raise BadRequest(f"Missing required parameter: '{name}'.", param=name)
    if not isinstance(items, list) or not items:
        raise BadRequest(f"'{name}' must be a non-empty array of {what}.", param=name)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadRequest(f"{name}[{i}] must be an object.", param=f"{name}[{i}]")
    return items


def chat_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    """OpenAI and Anthropic `messages`: objects with a string `role`."""
    messages = object_list(body, "messages", "message objects")
    for i, message in enumerate(messages):
        if not isinstance(message.get("role"), str):
            raise BadRequest(f"messages[{i}] must be an object with a string 'role'.", param=f"messages[{i}]")
    check_messages(messages)
    return messages

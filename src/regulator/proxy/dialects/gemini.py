"""Google's native Gemini API (`POST /v1beta/models/{model}:generateContent` and
`:streamGenerateContent`, also under `/v1/`), which gemini-cli and the `google-genai` SDK speak.

The model is named in the URL, the key comes in `x-goog-api-key` (or `?key=`), and the output limit
sits inside `generationConfig`. A stream is server-sent events with `alt=sse`, else one JSON array
sent piece by piece. Every chunk carries `usageMetadata` so far; the last one, with a
`finishReason`, carries the final counts. `candidateCount` answers share one call, each up to
`maxOutputTokens`. Content cached server-side (`cachedContent`) is input the body does not show.
"""

from __future__ import annotations

from typing import Any

import orjson

from regulator.errors import BadRequest
from regulator.events import Usage
from regulator.proxy.dialects.api import Api, Target, nudge_note
from regulator.proxy.dialects.request import (
    ParsedRequest,
    answer_count,
    decode_json,
    object_list,
    token_limit,
)
from regulator.proxy.streams import StreamMeter, TokenCounter, sse_json
from regulator.proxy.validate import check_messages

# Google reads proto field names in either case (`generationConfig` or `generation_config`): the
# fields regulator acts on are looked up both ways, and set the way the caller spelled them.
CONFIG = ("generationConfig", "generation_config")
MAX_TOKENS = ("maxOutputTokens", "max_output_tokens")


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def usage_from_gemini(usage: dict[str, Any] | None) -> Usage:
    """`promptTokenCount` includes cached content; thoughts are billed as output beside the
    candidates; a tool's prompt (`toolUsePromptTokenCount`) is billed as input."""
    if not usage:
        return Usage()
    thoughts = _int(usage.get("thoughtsTokenCount"))
    return Usage(
        input_tokens=_int(usage.get("promptTokenCount")) + _int(usage.get("toolUsePromptTokenCount")),
        cached_input_tokens=_int(usage.get("cachedContentTokenCount")),
        output_tokens=_int(usage.get("candidatesTokenCount")) + thoughts,
        reasoning_tokens=thoughts,
    )


def _spelled(holder: dict[str, Any], names: tuple[str, str]) -> str:
    """The spelling of a field the caller used (camelCase when it used neither)."""
    return names[1] if names[1] in holder and names[0] not in holder else names[0]


class GeminiApi(Api):
    name = "gemini"
    dialect = "google"

    def parse(self, raw: bytes, target: Target) -> ParsedRequest:
        body = decode_json(raw)
        if not target.model:
            raise BadRequest("The model is named in the URL: /v1beta/models/{model}:generateContent.", param="model")
        contents = object_list(body, "contents", "Content objects")
        check_messages(contents, "contents")
        config_key = _spelled(body, CONFIG)
        config = body.get(config_key)
        if config is None:
            config = {}
        elif not isinstance(config, dict):
            raise BadRequest(f"'{config_key}' must be an object.", param=config_key)
        max_tokens, field_name = token_limit(config, MAX_TOKENS, config_key + ".")
        request = ParsedRequest(
            "google",
            "gemini",
            body,
            raw,
            target.model,
            target.stream,
            max_tokens,
            f"{config_key}.{field_name or MAX_TOKENS[config_key != CONFIG[0]]}",
            contents,
            system=body.get(_spelled(body, ("systemInstruction", "system_instruction"))),
        )
        method = "generateContent"
        if target.stream:
            method = "streamGenerateContent?alt=sse" if target.sse else "streamGenerateContent"
        request.upstream_path = f"/models/{target.model}:{method}"
        request.tools = bool(body.get("tools"))
        request.answers = answer_count(
            config, _spelled(config, ("candidateCount", "candidate_count")), config_key + "."
        )
        request.unseen_input = bool(body.get("cachedContent") or body.get("cached_content"))
        return request

    def usage(self, answer: dict[str, Any]) -> Usage:
        usage = answer.get("usageMetadata")
        return usage_from_gemini(usage if isinstance(usage, dict) else None)

    def meter(self, request: ParsedRequest, count_tokens: TokenCounter) -> StreamMeter:
        limit = None if request.max_tokens is None else request.max_tokens * request.answers
        if request.upstream_path.endswith("alt=sse"):
            return GeminiStreamMeter(limit, count_tokens)
        return GeminiArrayMeter(limit, count_tokens)

    def set_max_tokens(self, request: ParsedRequest, value: int) -> None:
        config_key, _, name = (request.max_tokens_field or "").partition(".")
        config = request.body.get(config_key)
        if not isinstance(config, dict) or config.get(name) != value:
            request.set_nested(config_key, name, value, "max_tokens")
        request.max_tokens = value

    def swap_model(self, request: ParsedRequest, model: str) -> None:
        request.model = model
        request.upstream_path = f"/models/{model}:" + request.upstream_path.split(":", 1)[1]

    def add_nudge(self, request: ParsedRequest, text: str) -> None:
        part = {"text": nudge_note(text)}
        last = request.messages[-1]
        parts = last.get("parts")
        if last.get("role", "user") == "user" and isinstance(parts, list):
            last["parts"] = [*parts, part]
        else:
            request.messages.append({"role": "user", "parts": [part]})
        request.set_field("contents", request.messages, "nudge")

    def upstream_headers(self, api_key: str | None, caller: dict[str, str]) -> dict[str, str]:
        return {"x-goog-api-key": api_key} if api_key else {}


class GeminiStreamMeter(StreamMeter):
    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter):
        super().__init__(max_output_tokens, count_tokens)
        self.last_chunk: dict[str, Any] = {}
        self.parts: list[dict[str, Any]] = []  # function calls, in order, for the detectors
        self.final_usage: dict[str, Any] | None = None

    def feed(self, event: bytes) -> bytes | None:
        chunk = sse_json(event)
        return event if chunk is None or self.read(chunk) else None

    def read(self, chunk: dict[str, Any]) -> bool:
        """Take one chunk's output and usage; False once it passes the limit (and is not sent)."""
        for candidate in chunk.get("candidates") or ():
            for part in (candidate.get("content") or {}).get("parts") or ():
                text = part.get("text")
                call = part.get("functionCall")
                if isinstance(text, str):
                    if not self.admit_output(text):
                        return False
                    if not part.get("thought"):
                        self.text_parts.append(text)
                elif isinstance(call, dict):
                    if not self.admit_output(str(call.get("name", "")) + orjson.dumps(call.get("args")).decode()):
                        return False
                    self.parts.append({"functionCall": call})
            if candidate.get("finishReason"):
                self.finished = True
        self.last_chunk = chunk
        usage = chunk.get("usageMetadata")
        if isinstance(usage, dict):
            self.final_usage = usage
            self.usage = usage_from_gemini(usage)
        return True

    def closing_events(self) -> bytes:
        final = {
            "candidates": [{"content": {"role": "model", "parts": []}, "finishReason": "MAX_TOKENS", "index": 0}],
            "modelVersion": self.last_chunk.get("modelVersion", ""),
            "responseId": self.last_chunk.get("responseId", ""),
        }
        return b"data: " + orjson.dumps(final) + b"\r\n\r\n"

    def answer(self) -> dict[str, Any]:
        parts: list[dict[str, Any]] = [{"text": self.answer_text()}] if self.text_parts else []
        answer: dict[str, Any] = {"candidates": [{"content": {"role": "model", "parts": parts + self.parts}}]}
        if self.final_usage is not None:
            answer["usageMetadata"] = self.final_usage
        return answer


class GeminiArrayMeter(GeminiStreamMeter):
    """The stream without `alt=sse`: one JSON array, sent as it is generated. Pieces pass through
    as they come and are read when the array is whole; a stream cut before then is counted at its
    reservation (the provider was held to `maxOutputTokens`)."""

    def __init__(self, max_output_tokens: int | None, count_tokens: TokenCounter):
        super().__init__(max_output_tokens, count_tokens)
        self.body = bytearray()

    def split(self, buffer: bytearray, chunk: bytes) -> list[bytes]:
        return [chunk]

    def feed(self, event: bytes) -> bytes | None:
        self.body += event
        if not self.body[-64:].rstrip().endswith(b"]"):
            return event
        try:
            chunks = orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return event  # a `]` inside the array: not whole yet
        for chunk in chunks if isinstance(chunks, list) else ():
            if isinstance(chunk, dict):
                self.read(chunk)
        self.finished = True
        return event

    def admit_output(self, text: str) -> bool:
        return True  # read once the array is whole: nothing is left to cut

    def billed_output_tokens(self) -> int:
        if self.usage is not None or self.max_output_tokens is None:
            return super().billed_output_tokens()
        return self.max_output_tokens


GEMINI = GeminiApi()

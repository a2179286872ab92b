"""What every API module provides: the one place regulator learns how an API's calls look.

An API module (chat, embeddings, messages, responses, gemini) parses a request into a
`ParsedRequest`, makes the few edits regulator needs (the output limit, a downgrade, a nudge),
reads the usage of a whole answer and builds the meter that reads a streamed one. Its `dialect`
picks the error shape callers get (see `regulator.errors`) and how the provider key is sent.
Adding an API means adding one such module, its routes (`regulator.proxy.routes`) and its answers
in the mock provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regulator.events import Usage
from regulator.proxy.dialects.request import ParsedRequest
from regulator.proxy.streams import StreamMeter, TokenCounter
from regulator.types import Dialect


@dataclass(frozen=True, slots=True)
class Target:
    """What the route tells about a call beyond its body (Gemini puts model and streaming in the URL)."""

    model: str | None = None
    stream: bool = False
    sse: bool = True  # a Gemini stream as server-sent events (`alt=sse`), else one JSON array


class Api:
    name = ""  # the ledger's `endpoint`
    dialect: Dialect = "openai"
    conversational = True  # False: no output to bound, no conversation to detect on (embeddings)

    def parse(self, raw: bytes, target: Target) -> ParsedRequest:
        raise NotImplementedError

    def usage(self, answer: dict[str, Any]) -> Usage:
        """What the provider billed, from a whole (non-streamed) answer."""
        raise NotImplementedError

    def meter(self, request: ParsedRequest, count_tokens: TokenCounter) -> StreamMeter:
        raise NotImplementedError

    def continues(self, request: ParsedRequest) -> str | None:
        """The id of an earlier answer this call continues without resending it (None: none)."""
        return None

    def answer_id(self, answer: dict[str, Any] | None) -> str | None:
        """The id a later call may continue this answer by (None: the API has no such thing)."""
        return None

    def set_max_tokens(self, request: ParsedRequest, value: int) -> None:
        name = request.max_tokens_field or "max_tokens"
        if request.body.get(name) != value:
            request.set_field(name, value, "max_tokens")
        request.max_tokens = value

    def swap_model(self, request: ParsedRequest, model: str) -> None:
        request.set_field("model", model, "downgrade")

    def add_nudge(self, request: ParsedRequest, text: str) -> None:
        """Tell the agent, inside its own conversation, what it keeps repeating."""
        raise NotImplementedError

    def upstream_headers(self, api_key: str | None, caller: dict[str, str]) -> dict[str, str]:
        """Headers for the provider: its key, as this dialect sends it, and what the caller's
        protocol needs passed on. The caller's own key never leaves regulator."""
        return {"authorization": f"Bearer {api_key}"} if api_key else {}


def nudge_note(text: str) -> str:
    return text if text.startswith("[regulator]") else f"[regulator] {text}"

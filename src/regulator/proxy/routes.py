"""Which API a request speaks, from its method and path: the gateway's whole route table.

Metered calls go through the pipeline; a few provider endpoints that generate nothing (token
counts, a stored response) are forwarded as they are (`Route.forward`), unmetered.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from regulator.proxy.dialects import CHAT, EMBEDDINGS, GEMINI, MESSAGES, RESPONSES, Api, Target
from regulator.types import Dialect

_PLAIN = Target()


@dataclass(frozen=True, slots=True)
class Route:
    api: Api  # whose dialect the caller speaks (errors are answered in it)
    target: Target = _PLAIN
    forward: str | None = None  # unmetered: the upstream path it is forwarded to as it is


EXACT: dict[tuple[str, str], Route] = {
    ("POST", "/v1/chat/completions"): Route(CHAT),
    ("POST", "/v1/embeddings"): Route(EMBEDDINGS),
    ("POST", "/v1/messages"): Route(MESSAGES),
    ("POST", "/v1/responses"): Route(RESPONSES),
    ("POST", "/v1/messages/count_tokens"): Route(MESSAGES, forward="/messages/count_tokens"),
    ("POST", "/v1/responses/input_tokens"): Route(RESPONSES, forward="/responses/input_tokens"),
}
# Gemini names the model and the method in the path; `google-genai` uses v1, gemini-cli v1beta.
GEMINI_PREFIXES = ("/v1beta/models/", "/v1/models/")
STORED_RESPONSE = "/v1/responses/"


def match(method: str, path: str, query: bytes) -> Route | None:
    found = EXACT.get((method, path))
    if found is not None:
        return found
    if method == "POST" and ":" in path:
        for prefix in GEMINI_PREFIXES:
            if path.startswith(prefix):
                return _gemini(path[len(prefix) :], query)
    if method == "GET" and path.startswith(STORED_RESPONSE) and "/" not in path[len(STORED_RESPONSE) :]:
        return Route(RESPONSES, forward=path[len("/v1") :])
    return None


def _gemini(rest: str, query: bytes) -> Route | None:
    model, _, method = rest.partition(":")
    if not model or "/" in model:
        return None
    if method == "generateContent":
        return Route(GEMINI, Target(model))
    if method == "streamGenerateContent":
        sse = ("alt", "sse") in parse_qsl(query.decode("latin-1"))
        return Route(GEMINI, Target(model, stream=True, sse=sse))
    if method == "countTokens":
        return Route(GEMINI, Target(model), forward=f"/models/{model}:countTokens")
    return None


def caller_dialect(path: str, headers: dict[str, str]) -> Dialect:
    """The dialect to answer an unknown route in: what the path or the headers say the caller speaks."""
    if path.startswith("/v1beta/") or "x-goog-api-key" in headers:
        return "google"
    if "anthropic-version" in headers or path.startswith("/v1/messages"):
        return "anthropic"
    return "openai"

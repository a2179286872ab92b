"""The thirteenth set's agent shapes: the eight encoders of tests/heldout and tests/heldout2, each on two
models `regulator prices` knows and no earlier set used for that shape, one picked per session."""

from __future__ import annotations

SHAPES = ("claude-code", "codex-tools", "function-call", "responses", "text-fenced", "text-react", "aider", "openhands")
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claude-code": ("anthropic", ("claude-opus-4-0", "claude-3-opus-20240229")),
    "codex-tools": ("openai", ("gpt-5.2", "gpt-4o-mini-2024-07-18")),
    "function-call": ("openai", ("gpt-4o-2024-05-13", "gpt-3.5-turbo-0125")),
    "responses": ("openai", ("gpt-5.1-codex-max", "gpt-5.2-pro")),
    "text-fenced": ("openai", ("mistral-large-2411", "ministral-8b-latest")),
    "text-react": ("anthropic", ("claude-3-haiku-20240307", "claude-3-5-sonnet-20241022")),
    "aider": ("openai", ("grok-4-0709", "kimi-k2-thinking")),
    "openhands": ("openai", ("gemini-2.5-pro", "gemini-2.5-flash-lite")),
}

"""The eleventh set's agent shapes: the eight encoders of tests/heldout and tests/heldout2, each on two
models that `regulator prices` knows and that no earlier set used for that shape, chosen per session."""

from __future__ import annotations

SHAPES = ("claude-code", "codex-tools", "function-call", "responses", "text-fenced", "text-react", "aider", "openhands")
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claude-code": ("anthropic", ("claude-3-5-sonnet-20240620", "claude-3-haiku-20240307")),
    "codex-tools": ("openai", ("gpt-5-2025-08-07", "o1")),
    "function-call": ("openai", ("gpt-4o-2024-11-20", "gpt-4")),
    "responses": ("openai", ("gpt-5-chat-latest", "o1-pro")),
    "text-fenced": ("openai", ("codestral-2501", "mistral-medium-latest")),
    "text-react": ("anthropic", ("claude-3-5-haiku-latest", "claude-sonnet-4-0")),
    "aider": ("openai", ("grok-3", "kimi-k2-0905-preview")),
    "openhands": ("openai", ("gpt-oss-20b", "gemini-2.0-flash-lite")),
}

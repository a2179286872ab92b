"""The sixth set's agent shapes: the eight encoders of tests/heldout and tests/heldout2, on models none
of the earlier sets used for that shape (all priced by `regulator prices`), chosen per session."""

from __future__ import annotations

SHAPES = ("claude-code", "codex-tools", "function-call", "responses", "text-fenced", "text-react", "aider", "openhands")
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claude-code": ("anthropic", ("claude-opus-4-5", "claude-3-7-sonnet-20250219")),
    "codex-tools": ("openai", ("gpt-5.1", "gpt-4.1-nano")),
    "function-call": ("openai", ("gpt-5-nano", "o3-mini")),
    "responses": ("openai", ("gpt-5-codex", "gpt-5.1")),
    "text-fenced": ("openai", ("codestral-latest", "kimi-k2")),
    "text-react": ("anthropic", ("claude-haiku-4-5", "claude-opus-4-1")),
    "aider": ("openai", ("deepseek-chat", "grok-4")),
    "openhands": ("openai", ("gemini-2.5-flash", "o4-mini")),
}

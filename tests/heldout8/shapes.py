"""The eighth set's agent shapes: the eight encoders of tests/heldout and tests/heldout2, each on two
models no earlier set used for that shape (all priced by `regulator prices`), chosen per session."""

from __future__ import annotations

SHAPES = ("claude-code", "codex-tools", "function-call", "responses", "text-fenced", "text-react", "aider", "openhands")
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claude-code": ("anthropic", ("claude-3-5-sonnet-20241022", "claude-opus-4-20250514")),
    "codex-tools": ("openai", ("gpt-5.1-codex-mini", "gpt-4o-2024-08-06")),
    "function-call": ("openai", ("gpt-4-turbo", "o1-mini")),
    "responses": ("openai", ("o3-pro", "gpt-5.1-chat-latest")),
    "text-fenced": ("openai", ("devstral-small-2505", "mistral-small-latest")),
    "text-react": ("anthropic", ("claude-opus-4-5", "claude-3-opus-20240229")),
    "aider": ("openai", ("grok-code-fast-1", "magistral-medium-latest")),
    "openhands": ("openai", ("gemini-2.0-flash", "gpt-oss-120b")),
}

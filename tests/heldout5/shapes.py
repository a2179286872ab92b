"""The fifth set's agent shapes: all eight encoders of tests/heldout and tests/heldout2, each on two or
three models, chosen per session so one shape's traffic is not one model's."""

from __future__ import annotations

SHAPES = ("claude-code", "codex-tools", "function-call", "responses", "text-fenced", "text-react", "aider", "openhands")
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claude-code": ("anthropic", ("claude-opus-4-1", "claude-haiku-4-5", "claude-sonnet-4-5")),
    "codex-tools": ("openai", ("gpt-5-codex", "gpt-4.1-mini")),
    "function-call": ("openai", ("gpt-4o-mini", "gpt-3.5-turbo")),
    "responses": ("openai", ("gpt-5-mini", "o3")),
    "text-fenced": ("openai", ("qwen2.5-coder-32b-instruct", "llama-3.3-70b-instruct")),
    "text-react": ("anthropic", ("claude-3-5-haiku-20241022", "claude-sonnet-4-20250514")),
    "aider": ("openai", ("deepseek-reasoner", "gpt-4.1")),
    "openhands": ("openai", ("gpt-5", "mistral-large-latest")),
}

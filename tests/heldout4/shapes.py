"""The fourth set's agent shapes: all eight encoders of the earlier sets, mostly on models the
earlier sets did not use for that shape (two or three per shape, chosen per session).

Rendering is `heldout.shapes.Conversation`'s and `heldout2.shapes.Conversation2`'s; only the model differs.
"""

from __future__ import annotations

SHAPES = ("openhands", "text-react", "claude-code", "aider", "codex-tools", "function-call", "responses", "text-fenced")
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claude-code": ("anthropic", ("claude-opus-4-5", "claude-sonnet-4", "claude-haiku-4-5")),
    "codex-tools": ("openai", ("gpt-5.1-codex", "gpt-4.1")),
    "openhands": ("openai", ("gpt-5.1", "gpt-4.1-mini", "deepseek-chat")),
    "text-fenced": ("openai", ("gpt-5-nano", "gpt-4o-mini")),
    "responses": ("openai", ("gpt-5.1", "o3")),
    "aider": ("openai", ("deepseek-reasoner", "gpt-5-mini")),
    "function-call": ("openai", ("gpt-4.1-nano", "gpt-4o")),
    "text-react": ("anthropic", ("claude-opus-4-1", "claude-3-5-haiku-20241022")),
}

"""The third set's agent shapes: all eight encoders of the earlier sets, each on several models.

Rendering is `heldout.shapes.Conversation`'s and `heldout2.shapes.Conversation2`'s; only the model,
chosen per session from the shape's list, differs, so no one model stands for a shape.
"""

from __future__ import annotations

SHAPES = ("claude-code", "codex-tools", "openhands", "text-fenced", "responses", "aider", "function-call", "text-react")
MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claude-code": ("anthropic", ("claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5")),
    "codex-tools": ("openai", ("gpt-5-codex", "gpt-5-mini")),
    "openhands": ("openai", ("gpt-5", "o3")),
    "text-fenced": ("openai", ("gpt-4.1-mini", "gpt-4o")),
    "responses": ("openai", ("gpt-5", "o4-mini")),
    "aider": ("openai", ("gpt-4.1", "o3-mini")),
    "function-call": ("openai", ("gpt-4o-mini", "gpt-4.1")),
    "text-react": ("anthropic", ("claude-3-7-sonnet-20250219", "claude-sonnet-4-5")),
}

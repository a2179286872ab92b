"""Types every layer shares: the API dialects, budget windows and the ASGI callables.

The ASGI aliases are the same shapes as starlette's, so the gateway's own apps and the operator
surfaces (built on starlette) mount on each other without casts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal, get_args

# The wire families callers and providers speak: OpenAI (chat completions, embeddings, Responses),
# Anthropic (Messages) and Google (Gemini). A dialect decides the error shape and how a key is sent;
# each of its APIs is a module of `regulator.proxy.dialects`.
Dialect = Literal["openai", "anthropic", "google"]
DIALECTS: tuple[Dialect, ...] = get_args(Dialect)

Window = Literal["minute", "hour", "day", "week", "month", "total"]
# In the order reports show them.
WINDOWS: tuple[Window, ...] = get_args(Window)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

"""The APIs regulator speaks, one module each; see `api.Api` for what a module provides."""

from __future__ import annotations

from regulator.proxy.dialects.api import Api, Target
from regulator.proxy.dialects.chat import CHAT
from regulator.proxy.dialects.embeddings import EMBEDDINGS
from regulator.proxy.dialects.gemini import GEMINI
from regulator.proxy.dialects.messages import MESSAGES
from regulator.proxy.dialects.request import ParsedRequest
from regulator.proxy.dialects.responses import RESPONSES

APIS: dict[str, Api] = {api.name: api for api in (CHAT, EMBEDDINGS, MESSAGES, RESPONSES, GEMINI)}

__all__ = ["APIS", "CHAT", "EMBEDDINGS", "GEMINI", "MESSAGES", "RESPONSES", "Api", "ParsedRequest", "Target"]

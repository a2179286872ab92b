"""OpenAI embeddings (`POST /v1/embeddings`): input tokens only, never streamed."""

from __future__ import annotations

from typing import Any

from regulator.errors import BadRequest
from regulator.events import Usage
from regulator.pricing.usage import usage_from_openai
from regulator.proxy.dialects.api import Api, Target
from regulator.proxy.dialects.request import ParsedRequest, decode_json, require_model


class EmbeddingsApi(Api):
    name = "embeddings"
    dialect = "openai"
    conversational = False  # no output to bound, nothing for the detectors, no downgrade or nudge

    def parse(self, raw: bytes, target: Target) -> ParsedRequest:
        body = decode_json(raw)
        model = require_model(body)
        value = body.get("input")
        if value is None:
            raise BadRequest("Missing required parameter: 'input'.", param="input")
        if not isinstance(value, str | list):
            raise BadRequest("'input' must be a string or an array.", param="input")
        request = ParsedRequest("openai", "embeddings", body, raw, model, False, None, None)
        request.upstream_path = "/embeddings"
        return request

    def usage(self, answer: dict[str, Any]) -> Usage:
        usage = answer.get("usage")
        return usage_from_openai(usage if isinstance(usage, dict) else None)


EMBEDDINGS = EmbeddingsApi()

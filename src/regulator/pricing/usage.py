"""Provider usage blocks → `regulator.events.Usage` (every prompt token in `input_tokens`)."""

from __future__ import annotations

from typing import Any

from regulator.events import Usage


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def usage_from_openai(usage: dict[str, Any] | None) -> Usage:
    """OpenAI chat completions (and OpenRouter, vLLM, Ollama's OpenAI API).

    `prompt_tokens` already includes `prompt_tokens_details.cached_tokens`; `completion_tokens`
    includes `completion_tokens_details.reasoning_tokens`, except from some relays (Portkey in front
    of Gemini) that report thinking tokens beside the completion: a reasoning count larger than the
    completion count can only mean that, and then both are billed as output.
    """
    if not usage:
        return Usage()
    prompt = usage.get("prompt_tokens_details") or {}
    completion = usage.get("completion_tokens_details") or {}
    output = _int(usage.get("completion_tokens"))
    reasoning = _int(completion.get("reasoning_tokens"))
    if reasoning > output:
        output += reasoning
    return Usage(
        input_tokens=_int(usage.get("prompt_tokens")),
        cached_input_tokens=_int(prompt.get("cached_tokens")),
        cache_write_tokens=_int(prompt.get("cache_write_tokens")),
        output_tokens=output,
        reasoning_tokens=reasoning,
    )


def usage_from_anthropic(usage: dict[str, Any] | None) -> Usage:
    """Anthropic messages: `input_tokens` there excludes cache reads and cache writes."""
    if not usage:
        return Usage()
    cached = _int(usage.get("cache_read_input_tokens"))
    written = _int(usage.get("cache_creation_input_tokens"))
    return Usage(
        input_tokens=_int(usage.get("input_tokens")) + cached + written,
        cached_input_tokens=cached,
        cache_write_tokens=written,
        output_tokens=_int(usage.get("output_tokens")),
    )

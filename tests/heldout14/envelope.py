"""Responses, usage and cost for calls that were never made, metered the way the run's own calls were."""

from __future__ import annotations

import copy
import random
import string
import uuid
from typing import Any

from heldout14.dev import Run

# gemini-3-pro-preview on OpenRouter, USD per token: (input, cached input, output), up to and over 200k.
_PRICES = ((2e-6, 2e-7, 12e-6), (4e-6, 4e-7, 18e-6))


def price(usage: dict[str, Any]) -> None:
    """Set `cost` and `cost_details` as OpenRouter computes them (cached input at a tenth)."""
    if "cost" not in usage:
        return
    prompt = int(usage["prompt_tokens"])
    cached = int((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
    rate_in, rate_cached, rate_out = _PRICES[prompt > 200_000]
    prompt_cost = round((prompt - cached) * rate_in + cached * rate_cached, 10)
    completion_cost = round(int(usage["completion_tokens"]) * rate_out, 10)
    usage["cost"] = round(prompt_cost + completion_cost, 10)
    details = usage.get("cost_details")
    if isinstance(details, dict):
        details["upstream_inference_prompt_cost"] = prompt_cost
        details["upstream_inference_completions_cost"] = completion_cost


def restamp(response: dict[str, Any], ts: float) -> None:
    """Move a recorded response to a new start time (its `created` and the time inside its id)."""
    created = int(ts)
    shift = created - int(response.get("created") or created)
    response["created"] = created
    ident = str(response.get("id", ""))
    if ident.startswith("gen-"):
        _, stamp, rest = ident.split("-", 2)
        response["id"] = f"gen-{int(stamp) + shift}-{rest}"


class Meter:
    """Tokens, cache hits, providers and envelopes for new calls of one run."""

    def __init__(self, run: Run, rng: random.Random) -> None:
        self.run = run
        self.rng = rng
        self.per_char = run.tokens_per_char()
        self.chars_per_token = run.chars_per_completion_token()
        self.portkey = str(run.calls[0].response.get("id", "")).startswith("portkey-")
        # Gemini's implicit cache hits come in blocks: 2,048 tokens behind OpenRouter, 4,096 behind Portkey.
        self.block = 4096 if self.portkey else 2048
        self.template = next(
            (
                call.response
                for call in reversed(run.calls)
                if not call.response["choices"][0]["message"].get("reasoning")
            ),
            run.calls[-1].response,
        )

    def prompt_tokens(self, anchor_tokens: int, anchor_chars: int, chars: int) -> int:
        return anchor_tokens + round((chars - anchor_chars) * self.per_char)

    def cached(self, previous_prompt: int) -> int:
        if self.rng.random() < 0.13:
            return 0
        blocks = previous_prompt // self.block - (self.rng.random() < 0.12)
        return max(0, blocks * self.block - self.rng.randint(0, 8 + 7 * max(blocks, 0)))

    def response(self, said: str, ts: float, prompt: int, previous_prompt: int) -> dict[str, Any]:
        rng = self.rng
        response = copy.deepcopy(self.template)
        created = int(ts)
        choice = response["choices"][0]
        message = choice["message"]
        message["content"] = said
        thinking = rng.randint(60, 900) if rng.random() < 0.04 else 0
        visible = max(3, round(len(said) / self.chars_per_token * rng.uniform(0.93, 1.07)))
        usage = response["usage"]
        if self.portkey:
            response["id"] = f"portkey-{uuid.UUID(int=rng.getrandbits(128), version=4)}"
            message["content_blocks"] = [{"type": "text", "text": said}]
            completion = visible
        else:
            alphabet = string.ascii_letters + string.digits
            # OpenRouter's id carries its own clock, now and then a second behind `created`.
            stamp = created - (rng.random() < 0.06)
            response["id"] = f"gen-{stamp}-{''.join(rng.choice(alphabet) for _ in range(20))}"
            response["provider"] = rng.choice(self.run.providers)
            message["reasoning"] = None
            completion = visible + thinking
        response["created"] = created
        usage["prompt_tokens"] = prompt
        usage["completion_tokens"] = completion
        usage["total_tokens"] = prompt + completion
        usage.setdefault("prompt_tokens_details", {})["cached_tokens"] = min(self.cached(previous_prompt), prompt)
        usage.setdefault("completion_tokens_details", {})["reasoning_tokens"] = thinking
        price(usage)
        return response

    def thinking_seconds(self, response: dict[str, Any]) -> float:
        """How long gemini took to answer: the dev runs move at about 45 output tokens a second."""
        usage = response["usage"]
        tokens = int(usage["completion_tokens"])
        if self.portkey:
            tokens += int(usage["completion_tokens_details"].get("reasoning_tokens") or 0)
        return 1.6 + tokens / 45 + self.rng.uniform(0.0, 1.8)

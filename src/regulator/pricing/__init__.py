"""pricing: what a call costs (catalog + config overrides) and how many tokens it can bill."""

from __future__ import annotations

from regulator.pricing.catalog import ModelPrice, PriceBook
from regulator.pricing.tokens import input_token_bound, tight_input_token_bound
from regulator.pricing.usage import usage_from_anthropic, usage_from_openai

__all__ = [
    "ModelPrice",
    "PriceBook",
    "input_token_bound",
    "tight_input_token_bound",
    "usage_from_anthropic",
    "usage_from_openai",
]

"""What a model's tokens cost: the genai-prices catalog (bundled, never updated at run time) under
the overrides of regulator.yaml.

A `ModelPrice` is precomputed once per model into plain floats per tier, so pricing a call is a
handful of multiplications: `cost` (settle, exact), `worst_case` (admit, an upper bound) and
`affordable_output_tokens` (clamping `max_tokens` to what a budget can still pay for).

Long-context tiers work as the providers bill them: once a request's total input tokens (cached
reads and cache writes included) exceed a tier's start, that tier's rates apply to all its tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from genai_prices import data_snapshot
from genai_prices import types as catalog

from regulator.config import Config, ModelConfig, PriceOverride
from regulator.errors import UnknownModelPrice
from regulator.events import Usage

_PER = 1_000_000  # prices are USD per million tokens


@dataclass(slots=True, frozen=True)
class Rates:
    """USD per million tokens, for one tier."""

    input: float
    cached_input: float
    cache_write: float
    output: float
    reasoning: float  # equal to `output` unless the catalog prices thinking separately


@dataclass(slots=True, frozen=True)
class Tier:
    above: int  # these rates apply when total input tokens > above (-1: the base tier)
    rates: Rates
    # The dearest rate any input / output token could be billed at in this tier or a lower one:
    # an input token may turn out to be a cache write (dearer than plain input at Anthropic).
    worst_input: float
    worst_output: float


@dataclass(slots=True, frozen=True)
class ModelPrice:
    model: str
    tiers: tuple[Tier, ...]  # ascending by `above`, the first one's `above` is -1
    per_request: float = 0.0  # USD per call, for the few models that charge one
    unknown: bool = False  # no price was found and config allows pricing it at zero
    source: str = ""  # where the price came from, for reports: config, catalog:…, local, unknown
    max_output_tokens: int | None = None
    context_window: int | None = None

    def tier(self, input_tokens: int) -> Tier:
        tiers = self.tiers
        for tier in reversed(tiers):
            if input_tokens > tier.above:
                return tier
        return tiers[0]

    def cost(self, usage: Usage) -> float:
        """What the provider bills for this usage, in USD."""
        rates = self.tier(usage.input_tokens).rates
        uncached = usage.input_tokens - usage.cached_input_tokens - usage.cache_write_tokens
        visible = usage.output_tokens - usage.reasoning_tokens
        micro = (
            uncached * rates.input
            + usage.cached_input_tokens * rates.cached_input
            + usage.cache_write_tokens * rates.cache_write
            + visible * rates.output
            + usage.reasoning_tokens * rates.reasoning
        )
        return micro / _PER + self.per_request

    def worst_case(self, input_tokens: int, output_tokens: int) -> float:
        """An upper bound of `cost` for any usage with at most these token counts."""
        tier = self.tier(input_tokens)
        return (input_tokens * tier.worst_input + output_tokens * tier.worst_output) / _PER + self.per_request

    def affordable_output_tokens(self, budget_usd: float, input_tokens: int) -> int:
        """The largest output token count whose worst case, with this input, fits the budget."""
        tier = self.tier(input_tokens)
        left = budget_usd - self.worst_case(input_tokens, 0)
        if left < 0:
            return 0
        if tier.worst_output <= 0:
            return self.max_output_tokens or 2**31 - 1
        count = math.floor(left * _PER / tier.worst_output)
        # Float rounding can put `count` one off either way: settle it against worst_case itself.
        while count > 0 and self.worst_case(input_tokens, count) > budget_usd:
            count -= 1
        while self.worst_case(input_tokens, count + 1) <= budget_usd:
            count += 1
        return count


def _tiers(levels: list[tuple[int, Rates]]) -> tuple[Tier, ...]:
    tiers = []
    worst_input = worst_output = 0.0
    for above, rates in levels:
        worst_input = max(worst_input, rates.input, rates.cached_input, rates.cache_write)
        worst_output = max(worst_output, rates.output, rates.reasoning)
        tiers.append(Tier(above, rates, worst_input, worst_output))
    return tuple(tiers)


def _flat(rate_input: float, output: float, cached: float, write: float) -> tuple[Tier, ...]:
    return _tiers([(-1, Rates(rate_input, cached, write, output, output))])


def _at(price: Decimal | catalog.TieredPrices | None, above: int) -> float | None:
    if price is None:
        return None
    if isinstance(price, catalog.TieredPrices):
        applicable = price.base
        for tier in price.tiers:
            if tier.start <= above:
                applicable = tier.price
        return float(applicable)
    return float(price)


def _catalog_tiers(prices: catalog.ModelPrice) -> tuple[Tier, ...] | None:
    keys = ("input_mtok", "cache_read_mtok", "cache_write_mtok", "output_mtok", "output_reasoning_mtok")
    values: dict[str, Any] = {key: getattr(prices, key, None) for key in keys}
    if values["input_mtok"] is None and values["output_mtok"] is None:
        return None  # priced per character, per second, …: not something tokens can meter
    starts = sorted({t.start for v in values.values() if isinstance(v, catalog.TieredPrices) for t in v.tiers})
    levels = []
    for above in [-1, *starts]:
        rate = {key: _at(value, above) for key, value in values.items()}
        plain = rate["input_mtok"] or 0.0
        output = rate["output_mtok"] or 0.0
        # Without a cache price the provider bills those tokens as plain input (as genai-prices does).
        cached = plain if rate["cache_read_mtok"] is None else rate["cache_read_mtok"]
        write = plain if rate["cache_write_mtok"] is None else rate["cache_write_mtok"]
        reasoning = output if rate["output_reasoning_mtok"] is None else rate["output_reasoning_mtok"]
        levels.append((above, Rates(plain, cached, write, output, reasoning)))
    return _tiers(levels)


@dataclass(slots=True, frozen=True)
class _CatalogEntry:
    ref: str
    tiers: tuple[Tier, ...]
    per_request: float
    context_window: int | None


def _find_in_catalog(ref: str, at: datetime) -> _CatalogEntry | None:
    snapshot = data_snapshot.get_snapshot()
    # OpenRouter-style names ("google/gemini-3-pro-preview") are found by their last part.
    for candidate in dict.fromkeys([ref, ref.rsplit("/", 1)[-1]]):
        try:
            provider, info = snapshot.find_provider_model(candidate, None, None, None)
        except LookupError:
            continue
        prices = info.get_prices(at)
        tiers = _catalog_tiers(prices)
        if tiers is None:
            return None
        requests = getattr(prices, "requests_kcount", None)
        return _CatalogEntry(
            ref=f"catalog:{provider.id}/{info.id}",
            tiers=tiers,
            per_request=0.0 if requests is None else float(requests) / 1000,
            context_window=info.context_window,
        )
    return None


class PriceBook:
    """Prices per model name, from config overrides first, then the catalog; cached per model."""

    def __init__(self, config: Config, *, at: datetime | None = None):
        self._config = config
        self._models: dict[str, ModelConfig] = {m.name: m for m in config.models}
        self._local = {u.name for u in config.upstreams if u.local}
        # Prices as of `at` (default: now); replays of old traces may want their own date.
        self._at = at or datetime.now(tz=UTC)
        self._cache: dict[str, ModelPrice] = {}
        self._refused: dict[str, str] = {}

    def price(self, model: str) -> ModelPrice:
        found = self._cache.get(model)
        if found is not None:
            return found
        refused = self._refused.get(model)
        if refused is not None:
            raise UnknownModelPrice(refused, param="model")
        price = self._resolve(model)
        self._cache[model] = price
        return price

    def _resolve(self, model: str) -> ModelPrice:
        configured = self._models.get(model)
        max_output = configured.max_output_tokens if configured else None
        context = configured.context_window if configured else None
        entry = None
        if configured is None:
            entry = _find_in_catalog(model, self._at)
        else:
            for ref in (configured.catalog_ref or model, configured.upstream_model):
                if ref and entry is None:
                    entry = _find_in_catalog(ref, self._at)
        if entry is not None and context is None:
            context = entry.context_window
        local = configured is not None and configured.upstream in self._local

        def make(tiers: tuple[Tier, ...], source: str, per_request: float = 0.0, unknown: bool = False) -> ModelPrice:
            return ModelPrice(model, tiers, per_request, unknown, source, max_output, context)

        if configured is not None and configured.price is not None:
            return make(self._override(configured.price, entry, local), "config")
        if local:
            return make(_flat(0.0, 0.0, 0.0, 0.0), "local")
        if entry is not None:
            return make(entry.tiers, entry.ref, entry.per_request)
        pricing = self._config.pricing
        if pricing.unknown_model == "allow_zero":
            return make(_flat(0.0, 0.0, 0.0, 0.0), "unknown", unknown=True)
        if pricing.unknown_model == "fallback" and pricing.fallback_price is not None:
            return make(self._override(pricing.fallback_price, None, local), "fallback", unknown=True)
        message = self._unknown_message(model)
        self._refused[model] = message
        raise UnknownModelPrice(message, param="model")

    def _unknown_message(self, model: str) -> str:
        """Why `model` is refused, naming the config key that would price it."""
        index = next((i for i, m in enumerate(self._config.models) if m.name == model), None)
        if index is None:
            where = "add it to models[] in regulator.yaml with a price (models[].price: {input, output})"
        else:
            where = f"set models[{index}].price in regulator.yaml (input, output)"
        return (
            f"regulator has no price for model {model!r}, so it cannot meter the call: {where}, "
            "in USD per million tokens (cached_input and cache_write optional), or price it as a known "
            "model with catalog_ref; or let unknown models through at pricing.fallback_price "
            "(pricing.unknown_model: fallback)"
        )

    @staticmethod
    def _override(price: PriceOverride, entry: _CatalogEntry | None, local: bool) -> tuple[Tier, ...]:
        if entry is not None:
            base = entry.tiers[0].rates
            cached, write = base.cached_input, base.cache_write
        elif local:
            cached = write = 0.0
        else:
            cached = write = price.input
        if price.cached_input is not None:
            cached = price.cached_input
        if price.cache_write is not None:
            write = price.cache_write
        return _flat(price.input, price.output, cached, write)

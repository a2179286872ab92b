"""What the mock billed, kept the way the providers' reports need it: per UTC day, model and key.

Each billed call is priced when it is billed, with the same catalogue regulator uses (`price_of`),
split by token kind at the tier its prompt falls in, and added to its day's totals, so memory stays
flat however long a benchmark runs; the last `RECENT` calls are also kept whole (with their request
ids) so a test can find a call in both records. Drift is injected on purpose: a price factor per
model (the provider billing a model 10 % off regulator's price), or calls served outside regulator
(`inject`: a day of calls the ledger never saw).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from regulator.config import Config, PricingConfig
from regulator.pricing.catalog import ModelPrice, PriceBook

Provider = Literal["openai", "anthropic", "google"]  # the mock serves Google's API, but reports none
DAY_S = 86400
RECENT = 10_000
# The token kinds a cost is split into (OpenAI line items, Anthropic token types).
COST_KINDS = ("input", "cached", "write", "output")


@dataclass(slots=True, frozen=True)
class Served:
    """One billed call: `input_tokens` counts every prompt token, `output_tokens` includes reasoning."""

    ts: float
    provider: Provider
    endpoint: str  # completions | embeddings | messages
    model: str
    api_key_id: str | None
    input_tokens: int
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    request_id: str = ""


@dataclass(slots=True, frozen=True)
class Caller:
    """Who a served call is billed to, and the request id it was answered with."""

    provider: Provider
    api_key: str | None
    request_id: str
    endpoint: str  # completions | embeddings | messages | generate

    def header(self) -> tuple[bytes, bytes]:
        """The request-id header each provider answers with."""
        name = b"x-request-id" if self.provider == "openai" else b"request-id"
        return name, self.request_id.encode()


@dataclass(slots=True)
class DayTotals:
    """One key's calls to one model on one endpoint and UTC day; `usd` by cost kind, at catalogue prices."""

    calls: int = 0
    input_tokens: int = 0
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    usd: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COST_KINDS, 0.0))


@lru_cache(maxsize=1024)  # a handful of keys, hashed on every billed call otherwise
def api_key_id(provider: Provider, api_key: str | None) -> str | None:
    """The id a provider's reports name a key by (derived from the key, which is never shown)."""
    if not api_key:
        return None
    digest = hashlib.sha256(api_key.encode()).hexdigest()[:20]
    return ("key_" if provider == "openai" else "apikey_") + digest


def catalog_prices() -> Callable[[str], ModelPrice]:
    return PriceBook(Config(pricing=PricingConfig(unknown_model="allow_zero"))).price


class Billing:
    def __init__(self, price_of: Callable[[str], ModelPrice] | None = None) -> None:
        self.price_of = price_of or catalog_prices()
        self._days: dict[tuple[int, str, str, str, str | None], DayTotals] = {}
        self._recent: deque[Served] = deque(maxlen=RECENT)
        self._factors: dict[str, float] = {}
        self._lock = threading.Lock()

    def bill(self, caller: Caller, model: str, inp: int, cached: int, write: int, out: int, reasoning: int) -> None:
        key_id = api_key_id(caller.provider, caller.api_key)
        fields = (caller.provider, caller.endpoint, model, key_id, inp, cached, write, out, reasoning)
        self.inject([Served(time.time(), *fields, caller.request_id)])

    def inject(self, calls: Iterable[Served]) -> None:
        """Add billed calls; called directly, calls the provider billed that never went through regulator."""
        priced = [(s, self._parts(s)) for s in calls]
        with self._lock:
            for s, parts in priced:
                day = int(s.ts // DAY_S * DAY_S)
                key = (day, s.provider, s.endpoint, s.model, s.api_key_id)
                totals = self._days.get(key)
                if totals is None:
                    totals = self._days[key] = DayTotals()
                totals.calls += 1
                totals.input_tokens += s.input_tokens
                totals.cached_tokens += s.cached_tokens
                totals.cache_write_tokens += s.cache_write_tokens
                totals.output_tokens += s.output_tokens
                for kind, usd in parts.items():
                    totals.usd[kind] += usd
                self._recent.append(s)

    def price_factor(self, model: str, factor: float) -> None:
        """Bill `model` at `factor` times the catalogue price in the cost reports (1.0: no drift)."""
        with self._lock:
            self._factors[model] = factor

    def served(self) -> list[Served]:
        """The last `RECENT` billed calls, oldest first."""
        with self._lock:
            return list(self._recent)

    def day(self, day: int, provider: Provider) -> list[tuple[str, str, str | None, DayTotals, float]]:
        """(endpoint, model, api key id, totals, price factor) of one provider's calls on one day."""
        with self._lock:
            return [
                (endpoint, model, key_id, totals, self._factors.get(model, 1.0))
                for (start, billed_by, endpoint, model, key_id), totals in self._days.items()
                if start == day and billed_by == provider
            ]

    def clear(self) -> None:
        with self._lock:
            self._days.clear()
            self._recent.clear()
            self._factors.clear()

    def _parts(self, s: Served) -> dict[str, float]:
        """What one call cost, by kind, at the tier its prompt falls in."""
        price = self.price_of(s.model)
        rates = price.tier(s.input_tokens).rates
        uncached = s.input_tokens - s.cached_tokens - s.cache_write_tokens
        visible = s.output_tokens - s.reasoning_tokens
        return {
            "input": uncached * rates.input / 1e6 + price.per_request,
            "cached": s.cached_tokens * rates.cached_input / 1e6,
            "write": s.cache_write_tokens * rates.cache_write / 1e6,
            "output": (visible * rates.output + s.reasoning_tokens * rates.reasoning) / 1e6,
        }

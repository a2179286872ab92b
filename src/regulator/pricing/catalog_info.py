"""What `regulator prices` shows: the bundled catalogue's version and date, and where each model's price comes from.

The catalogue is genai-prices' bundled data (never updated at run time), so its version is the
package's; its date is the newest price change it knows that is already in effect (changes it
already knows are scheduled for later dates are counted apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib.metadata import version

from genai_prices import data_snapshot
from genai_prices import types as catalog

from regulator.config import Config
from regulator.errors import UnknownModelPrice
from regulator.pricing.catalog import ModelPrice, PriceBook


@dataclass(slots=True, frozen=True)
class CatalogInfo:
    package: str
    version: str
    prices_as_of: date | None  # newest price change in effect today
    scheduled_changes: int  # price changes the catalogue knows for later dates


@dataclass(slots=True, frozen=True)
class PriceRow:
    model: str
    source: str  # config, catalog:…, local, fallback, unknown, refused
    input: float | None  # USD per million tokens, base tier
    output: float | None
    cached_input: float | None
    cache_write: float | None
    catalog_input: float | None = None  # the catalogue's own rates, where a config override replaces them
    catalog_output: float | None = None
    note: str = ""


def catalog_info(today: date | None = None) -> CatalogInfo:
    today = today or datetime.now(UTC).date()
    newest: date | None = None
    scheduled = 0
    for provider in data_snapshot.get_snapshot().providers:
        for model in provider.models:
            prices = model.prices if isinstance(model.prices, list) else []
            for conditional in prices:
                constraint = conditional.constraint
                if not isinstance(constraint, catalog.StartDateConstraint):
                    continue
                if constraint.start_date > today:
                    scheduled += 1
                elif newest is None or constraint.start_date > newest:
                    newest = constraint.start_date
    return CatalogInfo("genai-prices", version("genai-prices"), newest, scheduled)


def price_rows(config: Config, extra_models: list[str]) -> list[PriceRow]:
    """Each configured model (and each of `extra_models`), priced as the gateway would price it."""
    book = PriceBook(config)
    bare = PriceBook(config.model_copy(update={"models": []}))
    rows = []
    names = list(dict.fromkeys([m.name for m in config.models] + extra_models))
    for name in names:
        try:
            price = book.price(name)
        except UnknownModelPrice as exc:
            rows.append(PriceRow(name, "refused", None, None, None, None, note=exc.message))
            continue
        rows.append(_row(name, price, bare, config))
    return rows


def _row(name: str, price: ModelPrice, bare: PriceBook, config: Config) -> PriceRow:
    rates = price.tiers[0].rates
    catalog_in = catalog_out = None
    note = ""
    if price.source == "config":
        configured = next((m for m in config.models if m.name == name), None)
        ref = (configured.catalog_ref or configured.upstream_model or name) if configured else name
        try:
            known = bare.price(ref)
        except UnknownModelPrice:
            known = None
        if known is not None and not known.unknown:
            catalog_in, catalog_out = known.tiers[0].rates.input, known.tiers[0].rates.output
            if (catalog_in, catalog_out) != (rates.input, rates.output):
                note = f"config override differs from the catalogue ({known.source})"
    elif len(price.tiers) > 1:
        note = f"{len(price.tiers)} tiers by prompt length; base tier shown"
    return PriceRow(
        name,
        price.source,
        rates.input,
        rates.output,
        rates.cached_input,
        rates.cache_write,
        catalog_in,
        catalog_out,
        note,
    )

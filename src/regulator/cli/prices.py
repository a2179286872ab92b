"""`regulator prices`: the price catalogue's version and date, and each model's price and where it comes from."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regulator.cli.serve import build_config
from regulator.pricing.catalog_info import PriceRow, catalog_info, price_rows


def register(app: typer.Typer) -> None:
    app.command("prices")(prices_cmd)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def prices_table(rows: list[PriceRow]) -> Table:
    table = Table(title="prices (USD per million tokens)")
    table.add_column("model")
    table.add_column("source")
    for name in ("input", "output", "cached input", "cache write", "catalogue input", "catalogue output"):
        table.add_column(name, justify="right")
    table.add_column("note")
    for r in rows:
        table.add_row(
            r.model,
            r.source,
            _rate(r.input),
            _rate(r.output),
            _rate(r.cached_input),
            _rate(r.cache_write),
            _rate(r.catalog_input),
            _rate(r.catalog_output),
            r.note,
        )
    return table


def prices_cmd(
    config: str | None = typer.Option(None, "--config", "-c", envvar="REGULATOR_CONFIG", help="regulator.yaml"),
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="Also price this model (repeatable).")
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
) -> None:
    """The price catalogue's version and date, and each model's price, source and overrides."""
    cfg = build_config(config, None)
    info = catalog_info()
    rows = price_rows(cfg, model or [])
    pricing = cfg.pricing
    fallback = pricing.fallback_price.model_dump() if pricing.fallback_price else None
    if as_json:
        payload = {
            "catalog": asdict(info) | {"prices_as_of": info.prices_as_of and info.prices_as_of.isoformat()},
            "unknown_model": pricing.unknown_model,
            "fallback_price": fallback,
            "models": [asdict(r) for r in rows],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    console = Console()
    as_of = info.prices_as_of.isoformat() if info.prices_as_of else "unknown"
    console.print(
        f"catalogue: {info.package} {info.version}, prices as of {as_of} "
        f"({info.scheduled_changes} known changes scheduled later)"
    )
    policy = f"unknown models: {pricing.unknown_model}"
    if fallback:
        policy += f" at {fallback}"
    console.print(policy)
    if rows:
        console.print(prices_table(rows))
    else:
        console.print("no models configured; pass --model NAME to price one")

"""One reconcile: read each provider's reports and the ledger for whole UTC days, compare, store the run.

The period is widened to whole UTC days because that is the grain both providers bill in; a
provider whose reports cannot be read is named in `errors` and left out of the comparison (its
groups would all look like drift otherwise), while the others are still compared.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from regulator.config import Config
from regulator.errors import RegulatorError
from regulator.pricing.catalog import PriceBook
from regulator.reconcile.anthropic_reports import read_anthropic
from regulator.reconcile.compare import Drift, Row, compare, drifts
from regulator.reconcile.fetch import ProviderError, admin_key
from regulator.reconcile.ledger_side import read_ledger
from regulator.reconcile.openai_reports import read_openai
from regulator.reconcile.totals import DAY_S, Report
from regulator.store.base import Store

READERS = {"openai": read_openai, "anthropic": read_anthropic}


@dataclass(slots=True)
class ReconcileResult:
    run_id: str
    ts: float
    since: float
    until: float
    providers: list[str]
    rows: list[Row] = field(default_factory=list)
    drifts: list[Drift] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    scheduled: bool = False  # run by the gateway's schedule (which alerts), not from the CLI

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for drift, found in zip(data["drifts"], self.drifts, strict=True):
            drift["key"] = found.key
        data["reservation_margins"] = [asdict(m) for m in reservation_margins(self.rows)]
        data["summary"] = {
            "groups": len({r.group for r in self.rows}),
            "drifts": len(self.drifts),
            "within_reservation": sum(r.status == "within_reservation" for r in self.rows),
            "errors": len(self.errors),
        }
        return data


@dataclass(slots=True, frozen=True)
class ReservationMargin:
    """What calls regulator could not see were counted at, against what the provider billed for them."""

    provider: str
    day: str
    model: str
    calls: int
    counted_usd: float  # regulator's estimate (their reservation, or what their stream showed)
    billed_usd: float  # the provider's figure less the calls regulator saw whole


def reservation_margins(rows: list[Row]) -> list[ReservationMargin]:
    margins = []
    for r in rows:
        if r.kind == "usd" and r.estimated_calls and r.provider_value is not None:
            billed = round(r.provider_value - (r.ledger - r.ledger_estimated), 9)
            margins.append(ReservationMargin(r.provider, r.day, r.model, r.estimated_calls, r.ledger_estimated, billed))
    return margins


def whole_days(since: float, until: float) -> tuple[int, int]:
    """[since, until) widened to UTC midnights."""
    start = math.floor(since / DAY_S) * DAY_S
    end = max(math.ceil(until / DAY_S) * DAY_S, start + DAY_S)
    return start, end


def price_sources(config: Config, models: Mapping[str, str]) -> dict[str, str]:
    book = PriceBook(config)
    sources = {}
    for canonical, billed in models.items():
        try:
            sources[canonical] = book.price(billed).source
        except RegulatorError:
            sources[canonical] = "unknown"
    return sources


def reconcile(
    config: Config,
    store: Store,
    since: float,
    until: float,
    *,
    scheduled: bool = False,
) -> ReconcileResult:
    start, end = whole_days(since, until)
    cfg = config.reconcile
    run_id = "rec_" + secrets.token_hex(8)
    result = ReconcileResult(run_id, time.time(), start, end, [p.name for p in cfg.providers], scheduled=scheduled)
    theirs: Report = {}
    failed: set[str] = set()
    with httpx.Client(timeout=cfg.timeout_s) as client:
        for provider in cfg.providers:
            try:
                key = admin_key(provider)
                theirs.update(READERS[provider.kind](client, provider, key, start, end))
            except ProviderError as exc:
                result.errors.append(str(exc))
                failed.add(provider.name)
    by_key = {p.name: p.kind == "openai" for p in cfg.providers}
    ours = read_ledger(store.ledger_day_totals(start, end), config, by_key)
    result.rows = compare(ours, theirs, cfg, failed)
    result.drifts = drifts(result.rows, price_sources(config, ours.models))
    store.add_reconcile_run(result.run_id, result.ts, start, end, len(result.drifts), result.to_json())
    return result

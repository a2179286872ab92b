"""The ledger's side of a reconcile: its calls summed per provider, UTC day, model and key.

Calls are split by what regulator knew of them. A call that ended normally carries the usage the
provider reported (`exact`). One that timed out, was cut or lost its caller was counted at an
estimate (its reservation, or what the stream showed): the provider billed it, regulator could
not see how much (`estimated`), so reconcile compares the provider's figure against the range the
two make and reports how far the estimate was from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from regulator.config import Config
from regulator.reconcile.config import ProviderConfig
from regulator.reconcile.totals import Group, Report, canonical_model, day_of, totals_at
from regulator.store.reconcile import DayTotal

# Outcomes whose usage is regulator's estimate rather than the provider's report.
ESTIMATED = frozenset({"timeout", "unreachable", "cut", "client_gone", "interrupted"})


@dataclass(slots=True)
class LedgerSide:
    exact: Report = field(default_factory=dict)
    estimated: Report = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)  # canonical name -> a model name as billed


def read_ledger(totals: Iterable[DayTotal], config: Config, usd_by_key: dict[str, bool]) -> LedgerSide:
    """Sum the ledger's day totals of the upstreams the configured providers bill; `usd_by_key` per provider."""
    billed_by: dict[str, list[ProviderConfig]] = {}
    for provider in config.reconcile.providers:
        for upstream in provider.upstreams:
            billed_by.setdefault(upstream, []).append(provider)
    upstream_names = {m.name: m.upstream_model for m in config.models if m.upstream_model}
    side = LedgerSide()
    for rec in totals:
        candidates = billed_by.get(rec.upstream)
        if not candidates:
            continue
        # An upstream that speaks several dialects (a gateway, the mock) is billed per dialect; a
        # call in a dialect none of its providers bills (Gemini on the mock) is left out.
        billing = next((p for p in candidates if p.kind == rec.dialect), None)
        if billing is None and len(candidates) == 1:
            billing = candidates[0]
        if billing is None:
            continue
        billed = rec.served_model or upstream_names.get(rec.model) or rec.model
        model = canonical_model(billed)
        side.models.setdefault(model, rec.model)
        key = billing.upstreams.get(rec.upstream) or ""
        day = day_of(rec.day_start)
        report = side.estimated if rec.outcome in ESTIMATED else side.exact
        tokens = totals_at(report, Group(billing.name, day, model, key))
        tokens.add_tokens(
            rec.input_tokens - rec.cached_input_tokens - rec.cache_write_tokens,
            rec.cached_input_tokens,
            rec.cache_write_tokens,
            rec.output_tokens,
            rec.reasoning_tokens,
        )
        tokens.calls += rec.calls
        usd_key = key if usd_by_key.get(billing.name, True) else ""
        dollars = totals_at(report, Group(billing.name, day, model, usd_key))
        dollars.add("usd", rec.cost_usd)
        if dollars is not tokens:
            dollars.calls += rec.calls
    return side

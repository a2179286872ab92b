"""Ledger against provider, group by group and kind by kind: which differences are drift.

For a group whose calls regulator saw whole, the ledger must equal the provider's figure within
the tolerance (the larger of `threshold_share` of the larger side and the unit's floor). For a
group with calls regulator had to estimate (timeouts, cut streams), the provider's figure must lie
between what the seen calls came to and that plus the estimates: inside is `within_reservation`,
and the row says how far the estimates were from what the provider billed for those calls. An
estimate cannot know how a prompt splits into uncached, cached and cache-write tokens (a
reservation counts it all as input), so there the three prompt kinds are judged on their sum.
Dollar differences under half a millionth of a dollar are rounding, not difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from regulator.reconcile.config import ReconcileConfig
from regulator.reconcile.ledger_side import LedgerSide
from regulator.reconcile.totals import KINDS, Group, Kind, Report, Totals

PROMPT_KINDS: tuple[Kind, ...] = ("input", "cached_read", "cache_write")
# Neither provider reports reasoning tokens apart from output: the ledger's figure is shown only.
NOT_REPORTED: frozenset[Kind] = frozenset({"reasoning"})

Status = Literal["match", "drift", "within_reservation", "ledger_only"]
USD_PLACES = 9  # dollars are reported to the nano-dollar; differences under USD_EPSILON are zero
USD_EPSILON = 5e-7


@dataclass(slots=True)
class Row:
    provider: str
    day: str
    model: str
    api_key_id: str
    kind: Kind
    ledger: float  # every call, estimates included
    provider_value: float | None  # None: the provider does not report this kind at this grain
    difference: float  # provider - ledger
    share: float  # |difference| / the larger side
    estimated_calls: int
    ledger_estimated: float  # the part of `ledger` that was estimated
    status: Status

    @property
    def group(self) -> Group:
        return Group(self.provider, self.day, self.model, self.api_key_id)


@dataclass(slots=True)
class Drift:
    """A model on a day where ledger and provider disagree (on any key or kind): one alert's worth."""

    provider: str
    day: str
    model: str
    rows: list[Row] = field(default_factory=list)
    price_source: str = ""  # where regulator's price came from: config, catalog:…, unknown

    @property
    def key(self) -> str:
        return "|".join((self.provider, self.day, self.model))


def _round(kind: Kind, value: float) -> float:
    return round(value, USD_PLACES) if kind == "usd" else float(round(value))


def _judge(kind: Kind, exact: float, estimated: float, provider: float, calls: int, cfg: ReconcileConfig) -> Status:
    ledger = exact + estimated
    floor = cfg.min_usd if kind == "usd" else cfg.min_tokens
    tolerance = max(cfg.threshold_share * max(abs(provider), abs(ledger)), floor)
    if kind == "usd":
        tolerance = max(tolerance, USD_EPSILON)
    if calls:
        inside = exact - tolerance <= provider <= ledger + tolerance
        return "within_reservation" if inside else "drift"
    return "match" if abs(provider - ledger) <= tolerance else "drift"


def compare(ledger: LedgerSide, provider: Report, cfg: ReconcileConfig, skip: set[str]) -> list[Row]:
    """Rows for every group and kind either side has; providers named in `skip` could not be read."""
    groups = sorted({g for g in [*ledger.exact, *ledger.estimated, *provider] if g.provider not in skip})
    empty = Totals()
    rows = []
    for group in groups:
        exact = ledger.exact.get(group, empty)
        estimated = ledger.estimated.get(group, empty)
        theirs = provider.get(group, empty)
        for kind in KINDS:
            if kind not in exact.reported | estimated.reported | theirs.reported:
                continue
            ours = exact.values[kind] + estimated.values[kind]
            if kind in NOT_REPORTED:
                rows.append(_row(group, kind, ours, None, estimated, "ledger_only"))
                continue
            # A group the provider has no row for is one it billed nothing for.
            value = theirs.values[kind]
            pooled = (kind,) if kind not in PROMPT_KINDS or not estimated.calls else PROMPT_KINDS
            mine, guessed, billed = (sum(side.values[k] for k in pooled) for side in (exact, estimated, theirs))
            status = _judge(kind, mine, guessed, billed, estimated.calls, cfg)
            rows.append(_row(group, kind, ours, value, estimated, status))
    return rows


def _row(group: Group, kind: Kind, ours: float, theirs: float | None, estimated: Totals, status: Status) -> Row:
    difference = 0.0 if theirs is None else _round(kind, theirs - ours)
    if kind == "usd" and abs(difference) < USD_EPSILON:
        difference = 0.0
    larger = max(abs(ours), abs(theirs or 0.0))
    share = 0.0 if larger == 0 else round(abs(difference) / larger, 6)
    return Row(
        *group,
        kind=kind,
        ledger=_round(kind, ours),
        provider_value=None if theirs is None else _round(kind, theirs),
        difference=difference,
        share=share,
        estimated_calls=estimated.calls,
        ledger_estimated=_round(kind, estimated.values[kind]),
        status=status,
    )


def drifts(rows: list[Row], price_sources: dict[str, str]) -> list[Drift]:
    """The drifting rows, one `Drift` per provider, day and model."""
    found: dict[tuple[str, str, str], Drift] = {}
    for row in rows:
        if row.status != "drift":
            continue
        where = (row.provider, row.day, row.model)
        drift = found.get(where)
        if drift is None:
            drift = found[where] = Drift(*where, price_source=price_sources.get(row.model, ""))
        drift.rows.append(row)
    return list(found.values())

"""The comparison rule: what is a match, what is drift, and how calls regulator could only estimate are judged."""

from __future__ import annotations

from regulator.reconcile.compare import compare, drifts
from regulator.reconcile.config import ReconcileConfig
from regulator.reconcile.ledger_side import LedgerSide
from regulator.reconcile.totals import Group, Kind, Report, Totals

G = Group("openai", "2026-12-06", "gpt-4o-mini", "key_a")
CFG = ReconcileConfig(threshold_share=0.02, min_usd=0.01, min_tokens=0)


def totals(calls: int = 0, **values: float) -> Totals:
    t = Totals(calls=calls)
    for kind, value in values.items():
        t.add(kind, value)  # type: ignore[arg-type]
    return t


def statuses(exact: Report, estimated: Report, provider: Report) -> dict[Kind, str]:
    rows = compare(LedgerSide(exact, estimated), provider, CFG, set())
    return {r.kind: r.status for r in rows}


def test_a_difference_within_the_share_or_the_floor_is_a_match_and_beyond_both_is_drift() -> None:
    ours = {G: totals(input=1000, usd=1.0)}
    assert statuses(ours, {}, {G: totals(input=1019, usd=1.009)}) == {"input": "match", "usd": "match"}
    assert statuses(ours, {}, {G: totals(input=1021, usd=1.03)}) == {"input": "drift", "usd": "drift"}
    # Under the dollar floor (one cent) a large share is still no drift.
    assert statuses({G: totals(usd=0.001)}, {}, {G: totals(usd=0.002)}) == {"usd": "match"}


def test_a_kind_the_provider_does_not_report_is_shown_not_judged() -> None:
    assert statuses({G: totals(reasoning=50)}, {}, {G: totals(input=0)}) == {
        "input": "match",
        "reasoning": "ledger_only",
    }


def test_estimated_calls_are_judged_against_the_range_from_the_seen_calls_to_their_estimate() -> None:
    exact = {G: totals(input=1000, output=100)}
    estimated = {G: totals(calls=2, input=8000, output=4000)}  # two reservations
    inside = {G: totals(input=1500, output=300)}
    assert statuses(exact, estimated, inside) == {"input": "within_reservation", "output": "within_reservation"}
    above = {G: totals(input=1500, output=9000)}  # billed more than was reserved: drift
    assert statuses(exact, estimated, above)["output"] == "drift"
    below = {G: totals(input=500, output=300)}  # less than the calls regulator saw whole: drift
    assert statuses(exact, estimated, below)["input"] == "drift"


def test_with_estimated_calls_the_prompt_kinds_are_judged_on_their_sum() -> None:
    exact = {G: totals(input=1000, cached_read=0)}
    estimated = {G: totals(calls=1, input=5000, cached_read=0)}  # a reservation counts every prompt token as input
    provider = {G: totals(input=1200, cached_read=3000)}
    assert statuses(exact, estimated, provider) == {"input": "within_reservation", "cached_read": "within_reservation"}


def test_dollar_differences_under_half_a_millionth_are_reported_as_zero() -> None:
    (row,) = compare(LedgerSide({G: totals(usd=0.1 + 0.2)}), {G: totals(usd=0.3)}, CFG, set())
    assert row.difference == 0.0 and row.status == "match"


def test_drifting_rows_of_one_model_and_day_make_one_drift_whatever_their_keys() -> None:
    usd_group = G._replace(api_key_id="")
    ours: Report = {G: totals(input=1000)}
    theirs: Report = {G: totals(input=2000), usd_group: totals(usd=5.0)}
    rows = compare(LedgerSide(ours), theirs, CFG, set())
    (drift,) = drifts(rows, {"gpt-4o-mini": "config"})
    assert (drift.key, drift.price_source) == ("openai|2026-12-06|gpt-4o-mini", "config")
    assert sorted(r.kind for r in drift.rows) == ["input", "usd"]


def test_a_provider_that_could_not_be_read_is_left_out() -> None:
    assert compare(LedgerSide({G: totals(input=1)}), {}, CFG, {"openai"}) == []

"""`regulator reconcile`: the ledger against the providers' own usage and cost reports."""

from __future__ import annotations

import json
import time

import typer
from rich.console import Console
from rich.table import Table

from regulator.cli.options import USAGE, DataDir, Since, fail, opened_store
from regulator.cli.report import time_option
from regulator.cli.serve import build_config
from regulator.reconcile.compare import Row
from regulator.reconcile.run import ReconcileResult, reconcile, reservation_margins


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile_cmd)


def _amount(kind: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.6f}" if kind == "usd" else f"{int(value):,}"


def rows_table(rows: list[Row], title: str) -> Table:
    table = Table(title=title)
    for name in ("provider", "day", "model", "key", "kind"):
        table.add_column(name)
    for name in ("ledger", "provider", "difference", "share", "estimated calls"):
        table.add_column(name, justify="right")
    table.add_column("status")
    for r in rows:
        table.add_row(
            r.provider,
            r.day,
            r.model,
            r.api_key_id or "(all)",
            r.kind,
            _amount(r.kind, r.ledger),
            _amount(r.kind, r.provider_value),
            _amount(r.kind, r.difference),
            f"{r.share:.1%}",
            f"{r.estimated_calls:,}" if r.estimated_calls else "",
            r.status,
        )
    return table


def print_result(result: ReconcileResult, show_all: bool) -> None:
    console = Console()
    wanted = (
        ("drift", "within_reservation") if not show_all else ("drift", "within_reservation", "match", "ledger_only")
    )
    shown = [r for r in result.rows if r.status in wanted]
    groups = len({r.group for r in result.rows})
    title = f"reconcile {result.run_id}: {groups} groups, {len(result.drifts)} drifting"
    if shown:
        console.print(rows_table(shown, title))
    else:
        console.print(f"{title}: the ledger matches the providers' reports")
    for drift in result.drifts:
        if drift.price_source == "config" and any(r.kind == "usd" for r in drift.rows):
            console.print(
                f"note: {drift.model} is priced by a config override (models[].price) "
                f"and the provider billed differently on {drift.day}"
            )
    for m in reservation_margins(result.rows):
        console.print(
            f"{m.model} on {m.day}: {m.calls} calls regulator could not see whole were counted at "
            f"${m.counted_usd:,.6f}; {m.provider} billed ${m.billed_usd:,.6f} for them"
        )
    for error in result.errors:
        typer.echo(f"regulator: {error}", err=True)


def reconcile_cmd(
    since: Since = "7d",
    until: str | None = typer.Option(None, "--until", help="End (exclusive), same forms as --since; default now."),
    config: str | None = typer.Option(None, "--config", "-c", envvar="REGULATOR_CONFIG", help="regulator.yaml"),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Share (0.02 = 2 %) above which a difference is drift; default from config."
    ),
    as_json: bool = typer.Option(False, "--json", help="The whole result as JSON."),
    show_all: bool = typer.Option(False, "--all", help="Show matching rows too."),
    data_dir_opt: DataDir = None,
) -> None:
    """Compare the ledger with the providers' usage and cost reports, per UTC day, model and key."""
    cfg = build_config(config, None)
    if not cfg.reconcile.providers:
        fail("no providers to reconcile with: add reconcile.providers to regulator.yaml (see docs/reconcile.md)", USAGE)
    if threshold is not None:
        if not 0 <= threshold <= 1:
            fail(f"--threshold: expected a share between 0 and 1, got {threshold}", USAGE)
        cfg.reconcile.threshold_share = threshold
    now = time.time()
    start = time_option("--since", since, now)
    end = now if until is None else time_option("--until", until, now)
    if end <= start:
        fail("--until must be after --since", USAGE)
    with opened_store(data_dir_opt) as store:
        result = reconcile(cfg, store, start, end)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        print_result(result, show_all)
    if result.errors:
        if as_json:
            for error in result.errors:
                typer.echo(f"regulator: {error}", err=True)
        raise typer.Exit(1)

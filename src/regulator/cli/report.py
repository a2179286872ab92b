"""`regulator report`: spend and tokens from the ledger, grouped by agent, fleet, model, session or org."""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import asdict, fields
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from regulator.cli.options import USAGE, DataDir, Since, fail, opened_store
from regulator.store import ReportRow
from regulator.store.base import REPORT_BY, ReportBy
from regulator.timeparse import parse_time


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)


def time_option(name: str, text: str, now: float) -> float:
    """`parse_time` for the option `name`; a bad value is a one-line usage error."""
    try:
        return parse_time(text, now)
    except ValueError as exc:
        fail(f"{name}: {exc}", USAGE)


def report_json(rows: list[ReportRow]) -> str:
    return json.dumps([asdict(r) for r in rows], indent=2)


def report_csv(rows: list[ReportRow], by: ReportBy) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([by, *(f.name for f in fields(ReportRow)[1:])])
    for row in rows:
        writer.writerow(list(asdict(row).values()))
    return out.getvalue()


def report_table(rows: list[ReportRow], by: ReportBy, title: str) -> Table:
    table = Table(title=title)
    table.add_column(by)
    for name in ("calls", "input", "cached", "output", "reasoning", "cost USD", "errors"):
        table.add_column(name, justify="right")
    for r in rows:
        table.add_row(
            r.key or "(none)",
            f"{r.calls:,}",
            f"{r.input_tokens:,}",
            f"{r.cached_input_tokens:,}",
            f"{r.output_tokens:,}",
            f"{r.reasoning_tokens:,}",
            f"{r.cost_usd:,.4f}",
            f"{r.errors:,}",
        )
    if len(rows) > 1:
        table.add_section()
        table.add_row(
            "total",
            f"{sum(r.calls for r in rows):,}",
            f"{sum(r.input_tokens for r in rows):,}",
            f"{sum(r.cached_input_tokens for r in rows):,}",
            f"{sum(r.output_tokens for r in rows):,}",
            f"{sum(r.reasoning_tokens for r in rows):,}",
            f"{sum(r.cost_usd for r in rows):,.4f}",
            f"{sum(r.errors for r in rows):,}",
        )
    return table


def report_cmd(
    since: Since = "24h",
    until: str | None = typer.Option(None, "--until", help="End (exclusive), same forms as --since."),
    by: str = typer.Option("agent", "--by", help="Group by agent, fleet, model, session or org."),
    as_json: bool = typer.Option(False, "--json", help="JSON array instead of a table."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV instead of a table."),
    data_dir_opt: DataDir = None,
) -> None:
    """Spend and tokens per agent, fleet, model, session or org, from the ledger."""
    if by not in REPORT_BY:
        fail(f"--by: expected one of {', '.join(REPORT_BY)}, got {by!r}", USAGE)
    if as_json and as_csv:
        fail("choose one of --json and --csv", USAGE)
    now = time.time()
    start = time_option("--since", since, now)
    end = None if until is None else time_option("--until", until, now)
    group = REPORT_BY[REPORT_BY.index(by)]
    with opened_store(data_dir_opt) as store:
        rows = store.report(start, end, group)
    if as_json:
        typer.echo(report_json(rows))
    elif as_csv:
        typer.echo(report_csv(rows, group), nl=False)
    else:
        span = f"{datetime.fromtimestamp(start, UTC):%Y-%m-%d %H:%M} → "
        span += "now" if end is None else f"{datetime.fromtimestamp(end, UTC):%Y-%m-%d %H:%M}"
        Console().print(report_table(rows, group, f"spend by {group}, {span} UTC"))

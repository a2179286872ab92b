"""`regulator report`: spend and tokens from the ledger, grouped by agent, fleet, model, session or org."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regulator.config import data_dir
from regulator.store import ReportRow, Store, open_store
from regulator.store.base import REPORT_BY, ReportBy

_DATA_DIR_HELP = "Data directory or store URL (default ./.regulator)."
DataDir = Annotated[str | None, typer.Option("--data-dir", envvar="REGULATOR_DATA_DIR", help=_DATA_DIR_HELP)]
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)


def parse_time(text: str, now: float | None = None) -> float:
    """`15m`, `24h`, `7d` (that long before now), or an ISO date/datetime (UTC unless it says)."""
    text = text.strip()
    match = _DURATION.match(text)
    if match:
        return (time.time() if now is None else now) - float(match[1]) * _UNITS[match[2]]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is neither a duration (15m, 24h, 7d) nor an ISO date") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def build_report(store: Store, since: float, until: float | None, by: ReportBy) -> list[ReportRow]:
    return store.report(since, until, by)


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
    since: str = typer.Option("24h", "--since", help="Duration back from now (15m, 24h, 7d) or ISO date."),
    until: str | None = typer.Option(None, "--until", help="End (exclusive), same forms as --since."),
    by: str = typer.Option("agent", "--by", help="Group by agent, fleet, model, session or org."),
    as_json: bool = typer.Option(False, "--json", help="JSON array instead of a table."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV instead of a table."),
    data_dir_opt: DataDir = None,
) -> None:
    """Spend and tokens per agent, fleet, model, session or org, from the ledger."""
    if by not in REPORT_BY:
        raise typer.BadParameter(f"expected one of {', '.join(REPORT_BY)}", param_hint="--by")
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
    now = time.time()
    try:
        start = parse_time(since, now)
        end = None if until is None else parse_time(until, now)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    group = REPORT_BY[REPORT_BY.index(by)]
    store = open_store(data_dir(data_dir_opt))
    try:
        rows = build_report(store, start, end, group)
    finally:
        store.close()
    if as_json:
        typer.echo(report_json(rows))
    elif as_csv:
        typer.echo(report_csv(rows, group), nl=False)
    else:
        span = f"{datetime.fromtimestamp(start, UTC):%Y-%m-%d %H:%M} → "
        span += "now" if end is None else f"{datetime.fromtimestamp(end, UTC):%Y-%m-%d %H:%M}"
        Console().print(report_table(rows, group, f"spend by {group}, {span} UTC"))

"""`regulator budgets set | list | rm`: budgets managed at run time, in the store.

A running gateway polls the store's registry version and applies a change within a second.
`list` rebuilds each budget's spend from the ledger; amounts reserved by calls in flight are known
only to the running gateway (its admin API's `/admin/v1/budgets` shows them).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from regulator.budget.config import BudgetConfig, BudgetLimits
from regulator.budget.engine import BudgetEngine
from regulator.budget.memory import MemoryBackend
from regulator.budget.slots import BudgetStatus
from regulator.cli.options import USAGE, DataDir, fail, opened_store
from regulator.config import ConfigError, load_config
from regulator.types import Window

budgets_app = typer.Typer(help="Set, list and remove spending budgets.", no_args_is_help=True)

# Checked against `BudgetLimits` below, as the admin API and the store check them: finite, above 0.
Usd = Annotated[float | None, typer.Option(help="USD")]


def register(app: typer.Typer) -> None:
    app.add_typer(budgets_app, name="budgets")


@budgets_app.command("set")
def set_budget(
    scope: Annotated[str, typer.Argument(help="org:NAME, fleet:NAME or agent:NAME")],
    minute: Usd = None,
    hour: Usd = None,
    day: Usd = None,
    week: Usd = None,
    month: Usd = None,
    total: Usd = None,
    session: Annotated[float | None, typer.Option(help="cap for each session, USD")] = None,
    data_dir_opt: DataDir = None,
) -> None:
    """Set (replace) the budget of a scope: window limits in USD, and a per-session cap."""
    try:
        BudgetConfig(scope=scope)
    except ValidationError as exc:
        fail(f"SCOPE: {exc.errors()[0]['msg'].removeprefix('Value error, ')}", USAGE)
    limits: dict[Window, float | None] = {
        "minute": minute,
        "hour": hour,
        "day": day,
        "week": week,
        "month": month,
        "total": total,
    }
    if all(v is None for v in limits.values()) and session is None:
        fail("give at least one of --minute --hour --day --week --month --total --session", USAGE)
    try:  # the store would refuse them too, but with a traceback instead of the option's name
        BudgetLimits.model_validate({**limits, "session": session})
    except ValidationError as exc:
        error = exc.errors()[0]
        fail(f"--{error['loc'][0]}: {error['msg'].lower()}, got {error['input']!r}", USAGE)
    # Budgets may be set before the first `serve`: this command may create the store.
    with opened_store(data_dir_opt, create=True) as store:
        saved = store.set_budget(scope, limits, session)
    shown = ", ".join(f"{k} ${v:g}" for k, v in saved.model_dump().items() if isinstance(v, float))
    typer.echo(f"budget {scope}: {shown}")


@budgets_app.command("rm")
def remove_budget(scope: str, data_dir_opt: DataDir = None) -> None:
    """Remove a scope's budget."""
    with opened_store(data_dir_opt) as store:
        removed = store.remove_budget(scope)
    if not removed:
        fail(f"no budget for {scope}")
    typer.echo(f"removed budget {scope}")


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def status_dict(status: BudgetStatus) -> dict[str, Any]:
    return {
        "scope": status.scope,
        "window": status.window,
        "limit_usd": status.limit_usd,
        "spent_usd": status.spent_usd,
        "reserved_usd": status.reserved_usd,
        "remaining_usd": status.remaining_usd,
        "resets_at": _iso(status.resets_at),
    }


@budgets_app.command("list")
def list_budgets(
    json_out: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
    config: Annotated[str | None, typer.Option("--config", "-c", envvar="REGULATOR_CONFIG")] = None,
    data_dir_opt: DataDir = None,
) -> None:
    """Every budget with its limit, spent, reserved, remaining and next reset."""
    try:
        declared = load_config(config).budgets
    except ConfigError as exc:
        fail(str(exc), USAGE)
    with opened_store(data_dir_opt) as store:
        stored = store.list_budgets()
        merged = {b.scope: b for b in declared} | {b.scope: b for b in stored}
        engine = BudgetEngine(MemoryBackend(), list(merged.values()), [])
        engine.load_spend(store.sum_cost)
        statuses = asyncio.run(engine.snapshot())
    rows = [status_dict(s) for s in statuses]
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(caption="USD; reserved amounts are known to the running gateway only")
    for name in ("scope", "window", "limit", "spent", "reserved", "remaining", "resets at (UTC)"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["scope"],
            row["window"],
            f"{row['limit_usd']:.4f}",
            f"{row['spent_usd']:.4f}",
            f"{row['reserved_usd']:.4f}",
            f"{row['remaining_usd']:.4f}",
            row["resets_at"] or "never",
        )
    Console().print(table)

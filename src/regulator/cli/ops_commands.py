"""`regulator status | agents | incidents | pause | resume | kill | reinstate` against a running gateway.

These talk to the gateway's admin API (`--url`, `REGULATOR_URL`; `--token`, `REGULATOR_ADMIN_TOKEN`,
else the `admin_token` file in the data directory), so they act on the live standing state at once.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from regulator.config import data_dir

Url = Annotated[str, typer.Option("--url", envvar="REGULATOR_URL", help="The gateway's base URL.")]
Token = Annotated[
    str | None,
    typer.Option("--token", help="Admin token (default $REGULATOR_ADMIN_TOKEN, else <data dir>/admin_token)."),
]
DEFAULT_URL = "http://127.0.0.1:8080"


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("agents")(agents)
    app.command("incidents")(incidents)
    for action in ("pause", "resume", "kill", "reinstate"):
        app.command(action, help=f"{action.capitalize()} an agent (or a session with --session).")(_action(action))


def _token(explicit: str | None) -> str:
    token = explicit or os.environ.get("REGULATOR_ADMIN_TOKEN")
    if token:
        return token
    path = Path(data_dir()) / "admin_token"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    typer.echo("regulator: no admin token: pass --token or set REGULATOR_ADMIN_TOKEN", err=True)
    raise typer.Exit(2)


def _request(url: str, token: str | None, method: str, path: str, **kwargs: Any) -> Any:
    try:
        response = httpx.request(
            method,
            url.rstrip("/") + "/admin/v1" + path,
            headers={"authorization": f"Bearer {_token(token)}"},
            timeout=15,
            **kwargs,
        )
    except httpx.HTTPError as exc:
        typer.echo(f"regulator: cannot reach the gateway at {url}: {exc}", err=True)
        raise typer.Exit(1) from exc
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.status_code >= 400:
        message = body.get("error", {}).get("message", response.text) if isinstance(body, dict) else response.text
        typer.echo(f"regulator: {response.status_code}: {message}", err=True)
        raise typer.Exit(1)
    return body


def _usd(value: float | None) -> str:
    return "–" if value is None else f"${value:,.4f}"


def _when(ts: float | None) -> str:
    return "–" if not ts else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def status(url: Url = DEFAULT_URL, token: Token = None) -> None:
    """Fleet summary: spend today and this month, burn rate, projection, budgets."""
    s = _request(url, token, "GET", "/summary")
    table = Table(title="regulator fleet", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    day = f" of {_usd(s['day_budget_usd'])}" if s.get("day_budget_usd") else ""
    month = f" of {_usd(s['month_budget_usd'])}" if s.get("month_budget_usd") else ""
    table.add_row("spend today", _usd(s["spend_today_usd"]) + day)
    table.add_row("spend this month", _usd(s["spend_month_usd"]) + month)
    table.add_row("burn rate", _usd(s["burn_rate_usd_per_hour"]) + "/h")
    table.add_row("month-end projection", _usd(s["month_end_projection_usd"]))
    table.add_row("calls today", f"{s['calls_today']:,} ({s['errors_today']:,} upstream failures)")
    table.add_row("agents", f"{s['agents']:,} ({s['agents_paused']} paused, {s['agents_killed']} killed)")
    console = Console()
    console.print(table)
    if s["budgets"]:
        budgets = Table(title="budgets")
        for name in ("scope", "window", "limit", "spent", "reserved", "remaining", "resets (UTC)"):
            budgets.add_column(name, justify="left" if name in ("scope", "window") else "right")
        for b in s["budgets"]:
            budgets.add_row(
                b["scope"],
                b["window"],
                _usd(b["limit_usd"]),
                _usd(b["spent_usd"]),
                _usd(b["reserved_usd"]),
                _usd(b["remaining_usd"]),
                _when(b["resets_at"]),
            )
        console.print(budgets)


def agents(
    url: Url = DEFAULT_URL,
    token: Token = None,
    status_filter: str | None = typer.Option(None, "--status", help="Only agents in this state."),
    sort: str = typer.Option("spend", help="spend, burn, calls or name."),
    limit: int = typer.Option(50, help="Show at most this many."),
) -> None:
    """Agents with status, spend today, burn rate, calls and current session."""
    params = {"status": status_filter} if status_filter else {}
    rows = _request(url, token, "GET", "/agents", params=params)["agents"]
    keys = {"spend": "spend_today_usd", "burn": "burn_rate_usd_per_hour", "calls": "calls_today", "name": "agent"}
    if sort not in keys:
        raise typer.BadParameter(f"expected one of {', '.join(keys)}", param_hint="--sort")
    rows.sort(key=lambda r: r[keys[sort]], reverse=sort != "name")
    table = Table(title=f"agents ({len(rows)})")
    for name in ("agent", "fleet", "status", "spend today", "burn $/h", "calls", "session", "last incident"):
        table.add_column(name, justify="right" if name in ("spend today", "burn $/h", "calls") else "left")
    for r in rows[:limit]:
        inc = r["last_incident"]
        table.add_row(
            r["agent"],
            r["fleet"],
            r["status"],
            _usd(r["spend_today_usd"]),
            _usd(r["burn_rate_usd_per_hour"]),
            f"{r['calls_today']:,}",
            r["session"] or "",
            f"{inc['detector']} → {inc['action']}" if inc else "",
        )
    Console().print(table)


def incidents(
    url: Url = DEFAULT_URL,
    token: Token = None,
    since: str = typer.Option("24h", help="Duration back from now (15m, 24h, 7d) or ISO date."),
    agent: str | None = typer.Option(None, help="Only this agent's."),
    limit: int = typer.Option(50),
) -> None:
    """Incidents with their evidence, newest first."""
    params: dict[str, Any] = {"since": since, "limit": limit}
    if agent:
        params["agent"] = agent
    rows = _request(url, token, "GET", "/incidents", params=params)["incidents"]
    table = Table(title=f"incidents since {since} ({len(rows)})")
    for name in ("when (UTC)", "agent", "session", "detector", "action", "evidence"):
        table.add_column(name, overflow="fold")
    for i in rows:
        table.add_row(_when(i["ts"]), i["agent"], i["session"], i["detector"], i["action"], i["evidence"])
    Console().print(table)


def _action(action: str) -> Any:
    def command(
        name: str = typer.Argument(..., help="Agent name, or session id with --session."),
        session: bool = typer.Option(False, "--session", help="NAME is a session, not an agent."),
        reason: str = typer.Option("", help="Why (kept with the standing state)."),
        url: Url = DEFAULT_URL,
        token: Token = None,
    ) -> None:
        target = "session" if session else "agent"
        body = {"target": target, "name": name, "action": action, "reason": reason or f"{action} from the CLI"}
        result = _request(url, token, "POST", "/actions", json=body)
        typer.echo(f"{target} {name}: {result['state']}")

    command.__name__ = action
    return command

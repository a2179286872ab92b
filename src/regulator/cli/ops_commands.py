"""`regulator status | agents | incidents | pause | resume | kill | reinstate` against a running gateway.

These talk to the gateway's admin API (`--url`, `REGULATOR_URL`; `--token`, `REGULATOR_ADMIN_TOKEN`,
else the `admin_token` file in the data directory), so they act on the live standing state at once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from regulator.cli.options import DEFAULT_URL, USAGE, Since, Token, Url, admin_request, fail
from regulator.cli.report import time_option
from regulator.events import SCOPE_KINDS
from regulator.timeparse import parse_duration


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("agents")(agents)
    app.command("incidents")(incidents)
    app.command(
        "pause",
        help="Pause an agent (a session with --session, fleet:NAME or org:NAME, a fleet incident's agents "
        "with --incident).",
    )(_pause)
    for action in ("resume", "kill", "reinstate"):
        app.command(action, help=f"{action.capitalize()} an agent, a session (--session), fleet:NAME or org:NAME.")(
            _action(action)
        )


def _usd(value: float | None) -> str:
    return "–" if value is None else f"${value:,.4f}"


def _when(ts: float | None) -> str:
    return "–" if not ts else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def status(url: Url = DEFAULT_URL, token: Token = None) -> None:
    """Fleet summary: spend today and this month, burn rate, projection, spend prevented per day and
    fleet, budgets."""
    s = admin_request(url, token, "GET", "/summary")
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
    table.add_row("spend prevented today", _usd(s["prevented_today_usd"]))
    console = Console()
    console.print(table)
    days = admin_request(url, token, "GET", "/reports/prevented", params={"since": "7d"})["days"]
    if days:
        saved = Table(title="spend and spend prevented, per day and fleet (UTC)")
        for name in ("day", "fleet", "spend", "prevented"):
            saved.add_column(name, justify="left" if name in ("day", "fleet") else "right")
        for d in days:
            saved.add_row(d["day"], d["fleet"], _usd(d["spend_usd"]), _usd(d["prevented_usd"]))
        console.print(saved)
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
    limit: int = typer.Option(50, min=1, help="Show at most this many."),
) -> None:
    """Agents with status, spend today, burn rate, calls and current session."""
    keys = {"spend": "spend_today_usd", "burn": "burn_rate_usd_per_hour", "calls": "calls_today", "name": "agent"}
    if sort not in keys:
        fail(f"--sort: expected one of {', '.join(keys)}, got {sort!r}", USAGE)
    params = {"status": status_filter} if status_filter else {}
    rows = admin_request(url, token, "GET", "/agents", params=params)["agents"]
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
    since: Since = "24h",
    agent: str | None = typer.Option(None, help="Only this agent's."),
    limit: int = typer.Option(50, min=1, max=1000, help="Show at most this many."),
) -> None:
    """Incidents with their evidence, newest first."""
    params: dict[str, Any] = {"since": time_option("--since", since, time.time()), "limit": limit}
    if agent:
        params["agent"] = agent
    rows = admin_request(url, token, "GET", "/incidents", params=params)["incidents"]
    table = Table(title=f"incidents since {since} ({len(rows)})")
    for name in ("when (UTC)", "agent", "session", "detector", "action", "evidence"):
        table.add_column(name, overflow="fold")
    for i in rows:
        table.add_row(_when(i["ts"]), i["agent"], i["session"], i["detector"], i["action"], i["evidence"])
    Console().print(table)


def _pause(
    name: str = typer.Argument(
        ..., help="Agent name; fleet:NAME or org:NAME; session id with --session; incident id with --incident."
    ),
    session: bool = typer.Option(False, "--session", help="NAME is a session, not an agent."),
    incident: bool = typer.Option(False, "--incident", help="NAME is a fleet incident: pause all its agents."),
    reason: str = typer.Option("", help="Why (kept with the standing state)."),
    lasting: str | None = typer.Option(None, "--for", help="Lift by itself after this long (30s, 30m, 2h)."),
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    if session and incident:
        fail("--session and --incident: choose one", USAGE)
    if not incident:
        _action("pause")(name=name, session=session, reason=reason, lasting=lasting, url=url, token=token)
        return
    result = admin_request(url, token, "POST", f"/incidents/{name}/pause", json={"reason": reason})
    typer.echo(f"incident {name}: paused {len(result['agents'])} agents: {', '.join(result['agents'])}")


def _target(name: str, session: bool) -> tuple[str, str]:
    """`fleet:coders` / `org:acme` (or `agent:` / `session:`) name the scope; a bare NAME is an agent."""
    kind, sep, rest = name.partition(":")
    if sep and kind in SCOPE_KINDS and not session:
        if not rest:
            fail(f"NAME: {name!r} names no {kind}", USAGE)
        return kind, rest
    return ("session" if session else "agent"), name


def _action(action: str) -> Any:
    def command(
        name: str = typer.Argument(..., help="Agent name; fleet:NAME or org:NAME for every agent beneath it."),
        session: bool = typer.Option(False, "--session", help="NAME is a session, not an agent."),
        reason: str = typer.Option("", help="Why (kept with the standing state)."),
        lasting: str | None = typer.Option(
            None, "--for", help="Lift by itself after this long (30s, 30m, 2h); pause and kill only."
        ),
        url: Url = DEFAULT_URL,
        token: Token = None,
    ) -> None:
        target, scope_name = _target(name, session)
        body: dict[str, Any] = {
            "target": target,
            "name": scope_name,
            "action": action,
            "reason": reason or f"{action} from the CLI",
        }
        if lasting is not None:
            try:
                body["for_s"] = parse_duration(lasting)
            except ValueError as exc:
                fail(f"--for: {exc}", USAGE)
        result = admin_request(url, token, "POST", "/actions", json=body)
        until = f" until {_when(result['until_ts'])} UTC" if result.get("until_ts") else ""
        stops = f" ({result['agents']} agents)" if target in ("fleet", "org") else ""
        typer.echo(f"{target} {scope_name}{stops}: {result['state']}{until}")

    command.__name__ = action
    return command

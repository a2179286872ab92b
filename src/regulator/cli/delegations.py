"""`regulator delegations open | list | close`: delegated budgets on a running gateway.

Through the admin API (docs/budgets.md, "Delegated budgets"): `open` prints the child's key once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from regulator.cli.options import DEFAULT_URL, USAGE, Token, Url, admin_request, fail
from regulator.timeparse import parse_duration

delegations_app = typer.Typer(help="Open, list and close delegated budgets.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(delegations_app, name="delegations")


@delegations_app.command("open")
def open_(
    budget: float = typer.Option(..., "--budget", min=0, help="USD the child may spend (capped by the parent's left)."),
    parent: str | None = typer.Option(None, "--parent", help="Parent delegation (dlg_…) or its key id; none: a root."),
    agent: str | None = typer.Option(None, "--agent", help="Agent name (a root needs one; a child: the parent's)."),
    fleet: str = typer.Option("default", "--fleet", help="A root's fleet (a child takes its parent's)."),
    org: str = typer.Option("default", "--org", help="A root's org (a child takes its parent's)."),
    ttl: str | None = typer.Option(None, "--ttl", help="Expires after this long (30m, 2h, 1d)."),
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    """Open a delegated budget and print its key (shown once)."""
    body: dict[str, Any] = {"budget_usd": budget, "parent": parent, "agent": agent, "fleet": fleet, "org": org}
    if ttl is not None:
        try:
            body["ttl_s"] = parse_duration(ttl)
        except ValueError as exc:
            fail(f"--ttl: {exc}", USAGE)
    row = admin_request(url, token, "POST", "/delegations", json=body)
    typer.echo(f"{row['delegation_id']}  cap ${row['cap_usd']:.6f} (asked ${row['requested_usd']:.6f})  key:")
    typer.echo(row["key"])


@delegations_app.command("list")
def list_(url: Url = DEFAULT_URL, token: Token = None) -> None:
    """Delegated budgets as a tree, with what each (its subtree included) has spent."""
    rows = admin_request(url, token, "GET", "/delegations")["delegations"]
    table = Table(title=f"delegated budgets ({len(rows)})")
    for name in ("delegation", "agent", "cap", "spent", "held", "state", "expires (UTC)"):
        table.add_column(name, justify="right" if name in ("cap", "spent", "held") else "left")
    for d in rows:
        depth = d["path"].count("/")
        expires = datetime.fromtimestamp(d["expires_at"], UTC).strftime("%Y-%m-%d %H:%M") if d["expires_at"] else ""
        state = "live" if d["live"] else ("closed" if d["closed_at"] else "expired")
        table.add_row(
            "  " * depth + d["delegation_id"],
            d["agent"],
            f"${d['cap_usd']:.6f}",
            f"${d['spent_usd']:.6f}",
            f"${d['reserved_usd']:.6f}",
            state,
            expires,
        )
    Console().print(table)


@delegations_app.command("close")
def close(
    delegation: str = typer.Argument(..., help="The delegation (dlg_…) to close, with its subtree."),
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    """Close a delegated budget and everything under it; their keys stop working at once."""
    closed = admin_request(url, token, "DELETE", f"/delegations/{delegation}")["closed"]
    typer.echo(f"closed {len(closed)}: {', '.join(closed)}")

"""`regulator sessions show ID`: a session's calls and what the agent did on each, from a running gateway.

Read through the admin API (the ledger, so every replica's calls), with the incidents raised on the
session and the calls each cites marked, which is what a person wants before resuming or killing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from regulator.cli.options import DEFAULT_URL, Token, Url, admin_request

sessions_app = typer.Typer(help="Look into agents' sessions.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(sessions_app, name="sessions")


@sessions_app.command("show")
def show(
    session: str = typer.Argument(..., help="Session id (as the dashboard and `regulator agents` show it)."),
    limit: int = typer.Option(200, min=1, max=5000, help="The latest this many calls."),
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    """A session's calls, oldest first: cost, outcome and what the agent did; then its incidents."""
    body = admin_request(url, token, "GET", f"/sessions/{quote(session, safe='')}/calls", params={"limit": limit})
    cited: dict[str, list[str]] = {}
    for incident in body["incidents"]:
        for call_id in incident["call_ids"]:
            cited.setdefault(call_id, []).append(incident["incident_id"])
    calls = body["calls"]
    table = Table(title=f"session {body['session']} · agent {body['agent']} · {len(calls)} calls")
    for name in ("#", "time (UTC)", "model", "cost", "outcome", "what the agent did", "incident"):
        table.add_column(name, justify="right" if name in ("#", "cost") else "left", overflow="fold")
    for i, c in enumerate(calls, 1):
        table.add_row(
            str(i),
            datetime.fromtimestamp(c["ts"], UTC).strftime("%H:%M:%S"),
            c["model"],
            f"${c['cost_usd']:.6f}",
            f"{c['outcome']} {c['status']}",
            escape(c["summary"] or ""),  # "[REDACTED]" is text, not rich markup
            ", ".join(cited.get(c["call_id"], [])),
        )
    console = Console()
    console.print(table)
    for incident in body["incidents"]:
        when = datetime.fromtimestamp(incident["ts"], UTC).strftime("%H:%M:%S")
        console.print(
            f"{incident['incident_id']} {when} {incident['detector']} → {incident['action']}: {incident['evidence']}"
        )

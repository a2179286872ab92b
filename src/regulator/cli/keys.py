"""`regulator keys create | list | revoke`: manage agents' regulator keys.

On the data directory (or store URL) directly by default — safe while a gateway serves from it —
or, with `--url`, through a running gateway's admin API (a gateway on another machine).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from regulator.cli.options import USAGE, DataDir, Token, admin_request, fail, opened_store
from regulator.store import KeyNotFound, KeyRow, NameTaken, Store

GatewayUrl = Annotated[
    str | None,
    typer.Option("--url", help="Manage keys through this running gateway's admin API instead of the data directory."),
]

keys_app = typer.Typer(help="Create, list and revoke agents' regulator keys.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


def _when(ts: float | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def key_dict(row: KeyRow) -> dict[str, Any]:
    """A key as shown to people and scripts: never the key itself."""
    return {
        "key_id": row.key_id,
        "prefix": f"rg-{row.prefix}…",
        "agent": row.agent,
        "fleet": row.fleet,
        "org": row.org,
        "created_at": row.created_at,
        "revoked_at": row.revoked_at,
    }


def keys_table(rows: list[KeyRow]) -> Table:
    table = Table(caption="times in UTC")
    for name in ("id", "key"):
        table.add_column(name, no_wrap=True)
    for name in ("agent", "fleet", "org", "created", "revoked"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row.key_id,
            f"rg-{row.prefix}…",
            row.agent,
            row.fleet,
            row.org,
            _when(row.created_at),
            _when(row.revoked_at),
        )
    return table


def create_key(store: Store, agent: str, fleet: str, org: str) -> tuple[str, KeyRow]:
    if not agent.strip():
        fail("--agent must not be empty", USAGE)
    try:
        return store.create_key(agent, fleet=fleet, org=org)
    except NameTaken as exc:
        fail(str(exc), USAGE)


def _row(data: dict[str, Any]) -> KeyRow:
    fields = ("key_id", "agent", "fleet", "org", "created_at", "revoked_at", "prefix")
    return KeyRow(**{name: data[name] for name in fields if name in data})


def revoke_key(store: Store, key_or_id: str) -> KeyRow:
    try:
        return store.revoke_key(key_or_id)
    except KeyNotFound as exc:
        fail(str(exc), USAGE)


@keys_app.command("create")
def create_cmd(
    agent: str = typer.Option(..., "--agent", help="The agent this key identifies."),
    fleet: str = typer.Option("default", "--fleet", help="The agent's fleet."),
    org: str = typer.Option("default", "--org", help="The agent's organisation."),
    data_dir_opt: DataDir = None,
    url: GatewayUrl = None,
    token: Token = None,
) -> None:
    """Create a key; it is printed once and never stored."""
    if url:
        body = admin_request(url, token, "POST", "/keys", json={"agent": agent, "fleet": fleet, "org": org})
        plaintext, row = str(body["key"]), _row(body)
    else:
        # The first key may come before the first `serve`: this command may create the store.
        with opened_store(data_dir_opt, create=True) as store:
            plaintext, row = create_key(store, agent, fleet, org)
    typer.echo(plaintext)
    typer.echo(f"id {row.key_id}  agent {row.agent}  fleet {row.fleet}  org {row.org}", err=True)
    typer.echo("Store this key now: it cannot be shown again.", err=True)


@keys_app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="One JSON array instead of a table."),
    data_dir_opt: DataDir = None,
    url: GatewayUrl = None,
    token: Token = None,
) -> None:
    """List keys (ids and prefixes only)."""
    if url:
        rows = [_row(k) for k in admin_request(url, token, "GET", "/keys")["keys"]]
    else:
        with opened_store(data_dir_opt) as store:
            rows = store.list_keys()
    if as_json:
        typer.echo(json.dumps([key_dict(r) for r in rows], indent=2))
    else:
        Console().print(keys_table(rows))


@keys_app.command("revoke")
def revoke_cmd(
    key_or_id: str = typer.Argument(..., metavar="KEY_OR_ID", help="The key itself or its id (key_…)."),
    data_dir_opt: DataDir = None,
    url: GatewayUrl = None,
    token: Token = None,
) -> None:
    """Revoke a key: a running gateway refuses it from its next registry poll."""
    if url:
        if key_or_id.startswith("rg-"):
            # A key in a URL path ends up in access logs: through the API, keys go by their id.
            fail("through --url, revoke by key id (key_…); `regulator keys list --url …` shows them", USAGE)
        row = _row(admin_request(url, token, "DELETE", f"/keys/{key_or_id}"))
    else:
        with opened_store(data_dir_opt) as store:
            row = revoke_key(store, key_or_id)
    typer.echo(f"revoked {row.key_id} (agent {row.agent}) at {_when(row.revoked_at)} UTC")

"""`regulator keys create | list | revoke`: manage agents' regulator keys on the data directory.

The command logic lives in functions that take a `Store`, so the same commands can later run
against a gateway's admin API instead of the database.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from regulator.config import data_dir
from regulator.store import KeyNotFound, KeyRow, Store, open_store

keys_app = typer.Typer(help="Create, list and revoke agents' regulator keys.", no_args_is_help=True)

_DATA_DIR_HELP = "Data directory or store URL (default ./.regulator)."
DataDir = Annotated[str | None, typer.Option("--data-dir", envvar="REGULATOR_DATA_DIR", help=_DATA_DIR_HELP)]


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


def _open(data_dir_opt: str | None) -> Store:
    return open_store(data_dir(data_dir_opt))


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
        raise typer.BadParameter("must not be empty", param_hint="--agent")
    return store.create_key(agent, fleet=fleet, org=org)


def revoke_key(store: Store, key_or_id: str) -> KeyRow:
    try:
        return store.revoke_key(key_or_id)
    except KeyNotFound as exc:
        raise typer.BadParameter(str(exc), param_hint="KEY_OR_ID") from exc


@keys_app.command("create")
def create_cmd(
    agent: str = typer.Option(..., "--agent", help="The agent this key identifies."),
    fleet: str = typer.Option("default", "--fleet", help="The agent's fleet."),
    org: str = typer.Option("default", "--org", help="The agent's organisation."),
    data_dir_opt: DataDir = None,
) -> None:
    """Create a key; it is printed once and never stored."""
    store = _open(data_dir_opt)
    try:
        plaintext, row = create_key(store, agent, fleet, org)
    finally:
        store.close()
    typer.echo(plaintext)
    typer.echo(f"id {row.key_id}  agent {row.agent}  fleet {row.fleet}  org {row.org}", err=True)
    typer.echo("Store this key now: it cannot be shown again.", err=True)


@keys_app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="One JSON array instead of a table."),
    data_dir_opt: DataDir = None,
) -> None:
    """List keys (ids and prefixes only)."""
    store = _open(data_dir_opt)
    try:
        rows = store.list_keys()
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps([key_dict(r) for r in rows], indent=2))
    else:
        Console().print(keys_table(rows))


@keys_app.command("revoke")
def revoke_cmd(
    key_or_id: str = typer.Argument(..., metavar="KEY_OR_ID", help="The key itself or its id (key_…)."),
    data_dir_opt: DataDir = None,
) -> None:
    """Revoke a key: a running gateway refuses it from its next registry poll."""
    store = _open(data_dir_opt)
    try:
        row = revoke_key(store, key_or_id)
    finally:
        store.close()
    typer.echo(f"revoked {row.key_id} (agent {row.agent}) at {_when(row.revoked_at)} UTC")

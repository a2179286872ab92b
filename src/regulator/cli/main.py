"""The `regulator` command: one sub-command per module in this package, wired here."""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="regulator",
    help="A cost-control gateway for fleets of LLM agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """A cost-control gateway for fleets of LLM agents."""


# Each command's module, in the order `regulator --help` lists them.
_MODULES = (
    "serve",
    "keys",
    "budgets",
    "report",
    "mock_upstream",
    "replay",
    "demo",
    "ops_commands",
    "run",
    "reconcile",
    "prices",
    "sessions",
    "delegations",
)
# Commands named on the command line that need one module: `regulator replay …` then skips importing
# the others (the gateway, the stores and their drivers, the budget engine: a fifth of its start-up).
_MODULE_OF = {
    "mock-upstream": "mock_upstream",
    "status": "ops_commands",
    "agents": "ops_commands",
    "incidents": "ops_commands",
    "pause": "ops_commands",
    "resume": "ops_commands",
    "kill": "ops_commands",
    "reinstate": "ops_commands",
} | {name: name for name in _MODULES if name not in ("mock_upstream", "ops_commands")}


def _register(command: str | None = None) -> None:
    """Register every command, or only the one named (anything else, `--help` included: all of them)."""
    # Imported here so `regulator --help` stays fast and each command owns its module.
    module = _MODULE_OF.get(command or "")
    for name in (module,) if module is not None else _MODULES:
        importlib.import_module(f"regulator.cli.{name}").register(app)


def main() -> None:
    _register(sys.argv[1] if len(sys.argv) > 1 else None)
    app()

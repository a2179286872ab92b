"""The `regulator` command: one sub-command per module in this package, wired here."""

from __future__ import annotations

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


def _register() -> None:
    # Imported here so `regulator --help` stays fast and each command owns its module.
    from regulator.cli import (
        budgets,
        delegations,
        demo,
        keys,
        mock_upstream,
        ops_commands,
        prices,
        reconcile,
        replay,
        report,
        run,
        serve,
        sessions,
    )

    serve.register(app)
    keys.register(app)
    budgets.register(app)
    report.register(app)
    mock_upstream.register(app)
    replay.register(app)
    demo.register(app)
    ops_commands.register(app)
    run.register(app)
    reconcile.register(app)
    prices.register(app)
    sessions.register(app)
    delegations.register(app)


def main() -> None:
    _register()
    app()

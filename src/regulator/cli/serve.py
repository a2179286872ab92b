"""`regulator serve`: run the gateway."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    config: str | None = typer.Option(None, "--config", "-c", envvar="REGULATOR_CONFIG", help="regulator.yaml"),
    host: str | None = typer.Option(None, help="Listen address (default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Listen port (default 8080)."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="SQLite and state (default ./.regulator)."),
    upstream: str | None = typer.Option(
        None, help="Route every model to this one upstream URL (the mock, or a local Ollama/vLLM)."
    ),
) -> None:
    """Run the gateway."""
    raise typer.Exit(1)

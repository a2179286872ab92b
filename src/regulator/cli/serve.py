"""`regulator serve`: run the gateway."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from regulator.config import Config, ConfigError, UpstreamConfig, data_dir, load_config
from regulator.proxy.routing import DEFAULT_UPSTREAM
from regulator.types import DIALECTS


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def build_config(config_path: str | None, upstream: str | None, mock_headers: bool = False) -> Config:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        typer.echo(f"regulator: {exc}", err=True)
        raise typer.Exit(2) from exc
    if upstream:
        # The quick start: one upstream (the mock, or a local Ollama/vLLM) serves every model.
        config.upstreams = [u for u in config.upstreams if u.name != DEFAULT_UPSTREAM]
        config.upstreams.append(
            UpstreamConfig(name=DEFAULT_UPSTREAM, base_url=upstream, dialects=list(DIALECTS), mock_headers=mock_headers)
        )
    return config


def serve(
    config: str | None = typer.Option(None, "--config", "-c", envvar="REGULATOR_CONFIG", help="regulator.yaml"),
    host: str | None = typer.Option(None, help="Listen address (default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Listen port (default 8080)."),
    data_dir_opt: str | None = typer.Option(None, "--data-dir", help="SQLite and state (default ./.regulator)."),
    upstream: str | None = typer.Option(
        None, help="Route every model to this one upstream base URL, e.g. http://127.0.0.1:9999/v1."
    ),
    mock_headers: bool = typer.Option(
        False, "--mock-headers", help="The --upstream is regulator's mock provider: forward x-mock-* test headers."
    ),
    log_level: str = typer.Option("info", help="debug, info, warning or error."),
) -> None:
    """Run the gateway."""
    import uvicorn

    from regulator.app import RegulatorApp, connection_limits
    from regulator.serving import uvicorn_config

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = build_config(config, upstream, mock_headers)
    if host:
        cfg.server.host = host
    if port is not None:
        cfg.server.port = port
    app = RegulatorApp(cfg, Path(data_dir(data_dir_opt)))
    settings = uvicorn_config(
        app,
        lifespan="on",
        log_level=log_level,
        limits=connection_limits(cfg.server),
        host=cfg.server.host,
        port=cfg.server.port,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(settings).run()

"""`regulator mock-upstream`: a fake OpenAI + Anthropic provider for tests, benchmarks and the demo."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("mock-upstream")(mock_upstream)


def mock_upstream(
    host: str = typer.Option("127.0.0.1", help="Listen address."),
    port: int = typer.Option(9999, help="Listen port (0 picks a free one; the URL is printed)."),
    latency_ms: float = typer.Option(
        0.0, "--latency-ms", min=0, max=600_000, help="Added to every answer (spread over streams)."
    ),
    fail_rate: float = typer.Option(0.0, "--fail-rate", min=0, max=1, help="Share of calls answered with a 500."),
    seed: int = typer.Option(0, help="Seed of the --fail-rate draw."),
) -> None:
    """Run the mock upstream: OpenAI and Anthropic dialects, failure injection, a billing record."""
    from regulator.mock.server import MockUpstream, uvicorn_server
    from regulator.serving import listen_socket

    sock = listen_socket(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    app = MockUpstream(latency_ms=latency_ms, fail_rate=fail_rate, seed=seed)
    # The first stdout line is read by run_mock_upstream(subprocess=True) to learn the port.
    print(f"mock-upstream listening on http://{bound_host}:{bound_port}", flush=True)
    uvicorn_server(app).run(sockets=[sock])

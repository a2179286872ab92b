"""Shared fixtures. Each owner adds their own below; keep them independent of one another."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from regulator.mock.server import MockServer


@pytest.fixture(scope="session")
def _mock_upstream_server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def mock_upstream(_mock_upstream_server: MockServer) -> MockServer:
    """A running mock provider (`.url`, `.app.script()`, `.app.stats()`), reset for each test."""
    _mock_upstream_server.app.reset()
    _mock_upstream_server.app.latency_ms = 0.0
    _mock_upstream_server.app.fail_rate = 0.0
    return _mock_upstream_server


# -- the gateway, in-process on a free port, in front of the mock upstream ----------------------

from collections.abc import Callable  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from processes import ThrowawayRedis  # noqa: E402
from regulator.app import GatewayServer  # noqa: E402
from regulator.config import Config, UpstreamConfig  # noqa: E402
from regulator.proxy.routing import DEFAULT_UPSTREAM  # noqa: E402
from regulator.types import DIALECTS  # noqa: E402


@dataclass
class RunningGateway:
    url: str
    key: str
    server: GatewayServer
    data_dir: Path

    @property
    def gateway(self) -> Any:
        return self.server.gateway

    def new_key(self, agent: str, fleet: str = "default", org: str = "org-1") -> str:
        plaintext, _ = self.gateway.store.create_key(agent, fleet, org)
        return str(plaintext)


def gateway_config(upstream_url: str, **sections: Any) -> Config:
    config = Config.model_validate(sections)
    config.upstreams.append(
        UpstreamConfig(name=DEFAULT_UPSTREAM, base_url=upstream_url + "/v1", dialects=list(DIALECTS), mock_headers=True)
    )
    return config


@contextmanager
def _gateways(upstream_url: str, tmp_path: Path) -> Iterator[Callable[..., RunningGateway]]:
    servers: list[GatewayServer] = []

    def start(**sections: Any) -> RunningGateway:
        data_dir = tmp_path / f"gw{len(servers)}"
        server = GatewayServer(gateway_config(upstream_url, **sections), data_dir).start()
        servers.append(server)
        key, _ = server.gateway.store.create_key("agent-1", "fleet-1", "org-1")
        return RunningGateway(server.url, key, server, data_dir)

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def start_gateway(mock_upstream: MockServer, tmp_path: Path) -> Iterator[Callable[..., RunningGateway]]:
    """Start a gateway with config sections given as keyword arguments; stopped after the test."""
    with _gateways(mock_upstream.url, tmp_path) as start:
        yield start


@pytest.fixture
def own_mock() -> Iterator[MockServer]:
    """A mock provider for one test alone: no other test's late call (a stalled stream the shared
    mock bills seconds later) lands in what this one counts."""
    with MockServer() as server:
        yield server


@pytest.fixture
def start_own_gateway(own_mock: MockServer, tmp_path: Path) -> Iterator[Callable[..., RunningGateway]]:
    """`start_gateway`, in front of `own_mock`."""
    with _gateways(own_mock.url, tmp_path) as start:
        yield start


@pytest.fixture
def gateway(start_gateway: Callable[..., RunningGateway]) -> RunningGateway:
    return start_gateway()


# -- real PostgreSQL and Redis on 127.0.0.1 (scale-out backends); skipped when not reachable -----

import os  # noqa: E402
import secrets  # noqa: E402

PG_URL = os.environ.get("REGULATOR_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REGULATOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The test PostgreSQL server's URL; skips the test when it does not answer."""
    import psycopg

    try:
        psycopg.connect(PG_URL, connect_timeout=2).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({exc}); set REGULATOR_TEST_PG_URL")
    return PG_URL


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A fresh, empty schema name for one test; the schema and everything in it is dropped after."""
    import psycopg

    name = f"rgtest_{secrets.token_hex(6)}"
    yield name
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis server's URL; skips the test when it does not answer."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({exc}); set REGULATOR_TEST_REDIS_URL")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix unique to one test; every key under it is deleted after."""
    import redis

    prefix = f"rgtest{secrets.token_hex(6)}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def throwaway() -> Iterator[ThrowawayRedis]:
    """A `redis-server` of the test's own, to kill and bring back."""
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()

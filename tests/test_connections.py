"""Slow and idle clients on loopback: the configured timeouts close them while fresh clients are served,
and connections beyond the cap are turned away at once. Every loop here is bounded in count and time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from conftest import RunningGateway

LIMITS = {"header_timeout_s": 1.5, "body_timeout_s": 1.5, "idle_timeout_s": 1.0, "max_connections": 2048}
HEAD = b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed the connection within `seconds`, and what it sent first."""
    got = b""
    try:
        async with asyncio.timeout(seconds):
            while chunk := await reader.read(4096):
                got += chunk
    except TimeoutError:
        return False, got
    except ConnectionResetError:
        pass
    return True, got


async def slowloris(url: str, count: int, drip_until: float) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    host, port = url.removeprefix("http://").split(":")
    conns = [await asyncio.open_connection(host, int(port)) for _ in range(count)]
    for _, writer in conns:
        writer.write(HEAD)

    async def drip() -> None:
        n = 0
        while time.monotonic() < drip_until:
            for _, writer in conns:
                if not writer.is_closing():
                    writer.write(b"x-drip-%d: 1\r\n" % n)
            n += 1
            await asyncio.sleep(0.3)

    asyncio.get_running_loop().create_task(drip())
    return conns


async def test_500_slowloris_connections_are_closed_by_the_header_timeout_while_fresh_clients_are_served(
    start_gateway: Callable[..., RunningGateway],
) -> None:
    gateway = start_gateway(server=LIMITS)
    started = time.monotonic()
    conns = await slowloris(gateway.url, 500, drip_until=started + 6)
    async with httpx.AsyncClient(base_url=gateway.url, timeout=2) as fresh:
        latencies = []
        for _ in range(10):
            t = time.monotonic()
            assert (await fresh.get("/healthz")).status_code == 200
            latencies.append(time.monotonic() - t)
            await asyncio.sleep(0.05)
    assert max(latencies) < 1.0, latencies
    results = await asyncio.gather(*(closed_within(r, started + 4.0 - time.monotonic()) for r, _ in conns))
    elapsed = time.monotonic() - started
    assert all(closed for closed, _ in results), f"{sum(not c for c, _ in results)} of 500 still open"
    assert all(sent.startswith(b"HTTP/1.1 408") for _, sent in results)
    assert elapsed < 4.5
    for _, writer in conns:
        writer.close()
    print(
        f"500 slowloris connections closed {elapsed:.2f} s after they opened (header_timeout_s 1.5); "
        f"fresh clients meanwhile: slowest answer {max(latencies) * 1000:.0f} ms"
    )


async def test_a_connection_that_sends_nothing_or_a_body_too_slowly_is_closed_and_not_charged(
    start_gateway: Callable[..., RunningGateway],
) -> None:
    gateway = start_gateway(server=LIMITS)
    host, port = gateway.url.removeprefix("http://").split(":")
    silent_r, silent_w = await asyncio.open_connection(host, int(port))
    body_r, body_w = await asyncio.open_connection(host, int(port))
    body_w.write(HEAD + f"authorization: Bearer {gateway.key}\r\ncontent-length: 1000\r\n\r\n".encode() + b'{"model"')
    assert await closed_within(silent_r, 2.5) == (True, b"")
    closed, sent = await closed_within(body_r, 2.5)
    assert closed and not sent.startswith(b"HTTP/1.1 200")
    for writer in (silent_w, body_w):
        writer.close()
    gateway.gateway.ledger.flush(5)
    assert gateway.gateway.store.sum_cost(0) == 0.0
    async with httpx.AsyncClient(base_url=gateway.url) as client:  # a keep-alive connection idles out
        assert (await client.get("/healthz")).status_code == 200
        assert len(client._transport._pool.connections) == 1  # type: ignore[attr-defined]
        await asyncio.sleep(1.5)
        assert (await client.get("/healthz")).status_code == 200  # on a new connection, transparently


async def test_connections_beyond_the_cap_are_refused_at_once_and_slots_free_up_after_the_timeout(
    start_gateway: Callable[..., RunningGateway],
) -> None:
    gateway = start_gateway(server=LIMITS | {"max_connections": 20})
    host, port = gateway.url.removeprefix("http://").split(":")
    held = [await asyncio.open_connection(host, int(port)) for _ in range(20)]
    await asyncio.sleep(0.1)
    extra_r, extra_w = await asyncio.open_connection(host, int(port))
    closed, sent = await closed_within(extra_r, 1.0)
    assert closed and sent.startswith(b"HTTP/1.1 503") and b"retry-after: 1" in sent
    await asyncio.gather(*(closed_within(r, 2.5) for r, _ in held))  # the header timeout frees them
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        assert (await client.get("/healthz")).status_code == 200
    for _, writer in [*held, (extra_r, extra_w)]:
        writer.close()

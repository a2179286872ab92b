"""Talking to providers and local model servers; their transport failures mapped in one place."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import aiohttp
import orjson

from regulator.config import Config, UpstreamConfig
from regulator.errors import UpstreamError, UpstreamTimeout, UpstreamUnreachable

log = logging.getLogger("regulator.upstream")

# Pooled connections are dropped before the upstream drops them: uvicorn (vLLM), Node and regulator's
# own listener close an idle keep-alive connection after 5 s, and a call sent on a connection the
# server is closing fails ("Can not write request body") as a 502 (seen in clean-clone test runs).
KEEPALIVE_S = 4.0

# Response headers worth passing back to the caller; everything else (cookies, provider account
# details, rate-limit headers of regulator's shared provider key) stays behind.
PASSED_RESPONSE_HEADERS = frozenset({"content-type", "x-request-id", "request-id", "openai-processing-ms"})


@contextmanager
def map_transport_errors(upstream: str) -> Iterator[None]:
    try:
        yield
    except TimeoutError as exc:
        raise UpstreamTimeout(f"Upstream {upstream!r} did not answer in time.") from exc
    except aiohttp.ClientConnectorError as exc:
        # The address and OS error are the operator's to read, not the agent's: they go to the log.
        log.warning("upstream %r unreachable: %s", upstream, exc.os_error)
        raise UpstreamUnreachable(f"Upstream {upstream!r} is unreachable; retry later.") from exc
    except (aiohttp.ClientError, ConnectionError) as exc:
        log.warning("upstream %r failed mid-call: %s: %s", upstream, exc.__class__.__name__, exc)
        error = UpstreamUnreachable(f"Upstream {upstream!r} closed the connection during the call.")
        error.maybe_billed = True  # the request went out; the provider may have processed it
        raise error from exc


@dataclass(slots=True)
class UpstreamTarget:
    """Where one call goes: the upstream and the provider key to send (read from its env var)."""

    upstream: UpstreamConfig
    api_key: str | None


class UpstreamResponse:
    """An open upstream answer: status, passed headers and the body, read whole or streamed."""

    def __init__(self, target: UpstreamTarget, response: aiohttp.ClientResponse):
        self.target = target
        self._response = response
        self.status = response.status
        self.headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in PASSED_RESPONSE_HEADERS}
        self.retry_after = response.headers.get("retry-after")

    async def read(self) -> bytes:
        with map_transport_errors(self.target.upstream.name):
            return await self._response.read()

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        with map_transport_errors(self.target.upstream.name):
            async for chunk in self._response.content.iter_any():
                yield chunk

    def close(self) -> None:
        # close(), not release(): when the caller leaves mid-stream the provider must stop generating.
        self._response.close()

    def release(self) -> None:
        """A body read to its end: the connection goes back to the pool for the next call."""
        self._response.release()

    async def raise_for_status(self) -> None:
        if self.status < 400:
            return
        body = await self.read()
        self.close()
        headers = {"retry-after": self.retry_after} if self.retry_after else {}
        name = self.target.upstream.name
        if not _is_json(body):
            # An HTML error page (a proxy's, a load balancer's): SDKs parse errors as JSON, so it is
            # told in the caller's dialect instead of passed on under a JSON content type.
            kind = self.headers.get("content-type", "no content type")
            text = " ".join(body[:2000].decode("utf-8", "replace").split())[:200]
            message = f"Upstream {name!r} answered {self.status} with a non-JSON body ({kind}): {text!r}"
            raise UpstreamError(message, status=self.status, headers=headers)
        message = f"Upstream {name!r} answered {self.status}."
        raise UpstreamError(message, status=self.status, raw_body=body, headers=headers)


def _is_json(body: bytes) -> bool:
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return True


class UpstreamClient:
    def __init__(self, config: Config):
        self.config = config
        self._session: aiohttp.ClientSession | None = None
        self._keys = {u.name: os.environ.get(u.api_key_env) if u.api_key_env else None for u in config.upstreams}

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, keepalive_timeout=KEEPALIVE_S)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=self.config.server.upstream_connect_timeout_s,
            sock_read=self.config.server.upstream_timeout_s,
        )
        # No cookie jar: one session serves every agent, so a provider's cookie must not travel from
        # one agent's call to another's (and skipping the jar saves its work on every call).
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            auto_decompress=True,
            skip_auto_headers=("User-Agent",),
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def target(self, upstream: UpstreamConfig) -> UpstreamTarget:
        return UpstreamTarget(upstream, self._keys.get(upstream.name))

    async def model_ids(self, upstream: UpstreamConfig) -> list[str]:
        """The models an OpenAI-compatible upstream lists; none when it cannot say."""
        assert self._session is not None, "UpstreamClient.start() was not awaited"
        target = self.target(upstream)
        headers = {"authorization": f"Bearer {target.api_key}"} if target.api_key else {}
        try:
            async with self._session.get(upstream.base_url + "/models", headers=headers) as response:
                if response.status != 200:
                    return []
                listing = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return []
        data = listing.get("data") if isinstance(listing, dict) else None
        return [m["id"] for m in data or [] if isinstance(m, dict) and isinstance(m.get("id"), str)]

    async def post(
        self, target: UpstreamTarget, path: str, body: bytes, headers: dict[str, str], caller_headers: dict[str, str]
    ) -> UpstreamResponse:
        """POST `body` to the upstream with `headers` (the provider key as the API sends it)."""
        return await self.request("POST", target, path, body, headers, caller_headers)

    async def request(
        self,
        method: str,
        target: UpstreamTarget,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
        caller_headers: dict[str, str],
    ) -> UpstreamResponse:
        assert self._session is not None, "UpstreamClient.start() was not awaited"
        sent = {"content-type": "application/json", "accept-encoding": "identity", **headers}
        if target.upstream.mock_headers:
            # Failure injection for the project's own mock provider; never sent to any other upstream.
            sent.update((name, value) for name, value in caller_headers.items() if name.startswith("x-mock-"))
        url = target.upstream.base_url + path
        with map_transport_errors(target.upstream.name):
            try:
                response = await self._session.request(method, url, data=body, headers=sent)
            except TimeoutError as exc:
                raise UpstreamTimeout(f"Upstream {target.upstream.name!r} did not answer in time.") from exc
        return UpstreamResponse(target, response)

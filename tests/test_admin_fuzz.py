"""The admin API fuzzed on a real gateway: every operation of its OpenAPI schema (schemathesis), then
query strings, path parameters and JSON bodies made of hostile values (hypothesis). Any answer of
5xx fails, with the request that caused it. Runs are derandomized: the same cases each run."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import httpx
import hypothesis
import hypothesis.strategies as st
import pytest

from conftest import RunningGateway
from test_admin_api import ADMIN, admin, admin_token, call

SETTINGS = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": list(hypothesis.HealthCheck),
}

# What people and programs put where a number or a time goes, and what attackers add to it.
NASTY_VALUES = [
    "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "-1", "0", "00", "1.0", "1e3", "0x10",
    "1_000", " 1", "1 ", "+1", "²", "¹²", "١٢", "１２", "߁", "9" * 40, "-" + "9" * 40, "", " ", "null", "true",
    "[]", "{}", "15m", "24h", "7d", "0d", "1.5h", "99999999999d", "1e309d", "2026-01-01", "2026-13-01",
    "2026-01-01T25:00", "0001-01-01", "9999-12-31T23:59:59", "9999-12-31T23:59:59-23:59", "1700000000",
    "1700000000.123456789", "253402300800", "\x00", "%00", "../../etc/passwd", "'; DROP TABLE calls; --",
    "<script>alert(1)</script>", "agent:x", "org:*", "a" * 5000, "🙂",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.text(max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(repr),
)
# Each GET route's query parameters, and the parameters no route knows (ignored, never a 500).
QUERY_ROUTES: dict[str, list[str]] = {
    "/summary": [],
    "/keys": [],
    "/agents": ["status", "fleet"],
    "/agents/agent-1": ["minutes", "step", "session"],
    "/sessions": ["agent", "limit"],
    "/budgets": [],
    "/incidents": ["since", "agent", "limit"],
    "/reports/spend": ["by", "since", "until"],
}
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),  # nan and ±inf included: written as NaN / Infinity, as some clients do
    st.sampled_from([1e308, -1e308, 5e-324, 1e12, 1e12 + 1]),
    st.text(max_size=20),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
WINDOWS = ["minute", "hour", "day", "week", "month", "total", "session"]
AMOUNTS = st.one_of(st.floats(), st.sampled_from([1e308, 1e12, 1e12 + 1, 5e-324, 1e-9]), JSON_VALUES)
BUDGETS = st.dictionaries(st.sampled_from([*WINDOWS, "thresholds", "scope", "x"]), AMOUNTS, min_size=1, max_size=3)
# Number literals no JSON encoder writes, but a hand-written body may: parsed as ±inf or 0 by some readers.
LITERALS = ["1e999", "-1e999", "1E400", "NaN", "-Infinity", "Infinity", "1e308", "0.0", "-0", "1000000000001"]
RAW_BUDGETS = st.builds(
    lambda window, literal: f'{{"{window}": {literal}}}', st.sampled_from(WINDOWS), st.sampled_from(LITERALS)
)
BODIES: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("PUT", "/budgets/{scope}"): st.one_of(BUDGETS, RAW_BUDGETS),
    ("POST", "/actions"): st.dictionaries(st.sampled_from(["target", "name", "action", "reason", "x"]), JSON_VALUES),
    ("POST", "/keys"): st.dictionaries(st.sampled_from(["agent", "fleet", "org", "key"]), JSON_VALUES, max_size=3),
}
SCOPES = st.one_of(st.sampled_from(["agent:agent-1", "fleet:fleet-1", "org:org-1", "org:*", "agent:", ":x"]), st.text())


def dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


class Fuzz:
    """Sends the requests, counts them, remembers every 5xx."""

    def __init__(self, gateway: RunningGateway) -> None:
        self.client = admin(gateway)
        self.sent = 0
        self.server_errors: list[str] = []

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        self.sent += 1
        try:
            response = self.client.request(method, ADMIN + path, **kwargs)
        except httpx.TransportError as exc:  # the server dropped the connection: as bad as a 500
            self.server_errors.append(f"{method} {path} {kwargs} → {exc!r}")
            self.client = httpx.Client(base_url=self.client.base_url, headers=self.client.headers, timeout=10)
            return None
        if response.status_code >= 500:
            self.server_errors.append(f"{method} {path} {kwargs} → {response.status_code} {response.text[:200]}")
        return response


@pytest.fixture
def fuzz(gateway: RunningGateway) -> Fuzz:
    assert call(gateway).status_code == 200  # agent-1 has made a call: its routes have something to show
    return Fuzz(gateway)


def test_every_operation_of_the_openapi_schema_answers_without_a_server_error(gateway: RunningGateway) -> None:
    import schemathesis
    from schemathesis.checks import not_a_server_error

    raw = httpx.get(gateway.url + ADMIN + "/openapi.json").json()
    del raw["paths"]["/admin/v1/events"]  # endless by design; its parameter is fuzzed below
    schema = schemathesis.openapi.from_dict(raw)
    schema.config.update(base_url=gateway.url, headers={"authorization": f"Bearer {admin_token(gateway)}"})
    failures: list[str] = []
    sent = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.settings(max_examples=120, **SETTINGS)
        @hypothesis.given(case=operation.as_strategy())
        def run(case: Any) -> None:
            nonlocal sent
            response = case.call()
            sent += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} → {response.status_code}")
            case.validate_response(response, checks=[not_a_server_error])

        run()
    print(f"schemathesis: {sent} requests in {time.monotonic() - started:.1f} s, {len(failures)} server errors")
    assert failures == []


def test_hostile_query_strings_never_cause_a_server_error(fuzz: Fuzz) -> None:
    routes = sorted(QUERY_ROUTES)

    @hypothesis.settings(max_examples=2500, **SETTINGS)
    @hypothesis.given(
        route=st.sampled_from(routes),
        picks=st.lists(st.tuples(st.integers(0, 10), VALUES), max_size=4),
    )
    def run(route: str, picks: list[tuple[int, str]]) -> None:
        names = [*QUERY_ROUTES[route], "types", "unknown"]
        query = "&".join(f"{quote(names[i % len(names)], safe='')}={quote(v, safe='')}" for i, v in picks)
        fuzz.send("GET", f"{route}?{query}")

    started = time.monotonic()
    run()
    print(f"query strings: {fuzz.sent} requests in {time.monotonic() - started:.1f} s")
    assert fuzz.server_errors == []


def test_hostile_path_parameters_and_json_bodies_never_cause_a_server_error(fuzz: Fuzz) -> None:
    @hypothesis.settings(max_examples=800, **SETTINGS)
    @hypothesis.given(
        target=st.sampled_from(sorted(BODIES)),
        data=st.data(),
        scope=SCOPES,
        raw=st.booleans(),
    )
    def run(target: tuple[str, str], data: st.DataObject, scope: str, raw: bool) -> None:
        method, route = target
        body = data.draw(BODIES[target])
        content = body.encode() if isinstance(body, str) else dumps(body)
        if raw:
            content = data.draw(st.binary(max_size=64))
        path = route.replace("{scope}", quote(scope, safe=""))
        fuzz.send(method, path, content=content, headers={"content-type": "application/json"})

    @hypothesis.settings(max_examples=300, **SETTINGS)
    @hypothesis.given(kind=st.sampled_from(["agents", "sessions", "keys", "budgets"]), name=st.text(max_size=40))
    def paths(kind: str, name: str) -> None:
        quoted = quote(name, safe="")
        method, path = {
            "agents": ("GET", f"/agents/{quoted}"),
            "sessions": ("GET", f"/sessions/{quoted}/calls"),
            "keys": ("DELETE", f"/keys/{quoted}"),
            "budgets": ("DELETE", f"/budgets/{quoted}"),
        }[kind]
        fuzz.send(method, path)

    started = time.monotonic()
    run()
    paths()
    print(f"bodies and paths: {fuzz.sent} requests in {time.monotonic() - started:.1f} s")
    assert fuzz.server_errors == []
    # The budgets stored meanwhile are all finite and within bounds: the listing still renders.
    for route in ("/budgets", "/summary"):
        answer = fuzz.send("GET", route)
        assert answer is not None and answer.status_code == 200


def test_the_event_streams_types_parameter_is_checked_before_streaming(fuzz: Fuzz) -> None:
    for types in ["nan", "call,", ",", "call,call", "x" * 5000, "%00", "summary,budget"]:
        with fuzz.client.stream("GET", ADMIN + "/events", params={"types": types}, timeout=2) as response:
            assert response.status_code < 500, types
            assert response.status_code in (200, 400)

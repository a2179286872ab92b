"""`regulator reconcile` against the mock's usage and cost reports after a mixed run through the gateway.

The run covers both dialects, cache writes and reads, reasoning tokens, two timeouts (the mock bills
them in full after the gateway gave up) and two cut streams. With no drift injected every group the
gateway saw whole matches to the token and the millionth of a dollar; then two drifts are injected
(gpt-4o-mini billed 10 % above regulator's price, a day of claude-sonnet-4-5 calls the ledger never
saw) and reconcile must name each one with its day, model and amount, and the schedule alert once.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from conftest import RunningGateway
from regulator.cli.main import _register, app
from regulator.config import Config, ConfigError, load_config
from regulator.mock.billing import Served, api_key_id
from regulator.mock.server import MockServer
from regulator.ops.alert_rules import drift_alert
from regulator.reconcile.compare import Drift
from regulator.reconcile.run import ReconcileResult, reconcile
from regulator.reconcile.schedule import ReconcileScheduler
from regulator.reconcile.totals import DAY_S, day_of

OPENAI_KEY, ANTHROPIC_KEY = "sk-mock-openai-1", "sk-ant-mock-1"
LONG = "The quarterly report covers revenue, churn and the hiring plan in detail. " * 80  # ~1,500 tokens


def sections(mock_url: str) -> dict[str, Any]:
    base = mock_url + "/v1"
    return {
        "server": {"upstream_timeout_s": 0.5},
        "upstreams": [
            # mock_headers: the x-mock-* headers that time out and cut calls reach only a marked mock.
            {
                "name": "oai",
                "base_url": base,
                "dialect": "openai",
                "api_key_env": "RG_TEST_OPENAI_KEY",
                "mock_headers": True,
            },
            {
                "name": "ant",
                "base_url": base,
                "dialect": "anthropic",
                "api_key_env": "RG_TEST_ANTHROPIC_KEY",
                "mock_headers": True,
            },
        ],
        "models": [
            {"name": "gpt-4o-mini", "upstream": "oai"},
            {"name": "o3-mini", "upstream": "oai"},
            {"name": "gpt-4.1-mini", "upstream": "oai"},
            {"name": "claude-sonnet-4-5", "upstream": "ant"},
            {"name": "claude-haiku-4-5", "upstream": "ant"},
        ],
        "reconcile": {
            "threshold_share": 0.01,
            "min_usd": 0,
            "providers": [
                {
                    "name": "openai",
                    "kind": "openai",
                    "admin_key_env": "RG_TEST_OPENAI_ADMIN",
                    "base_url": base,
                    "upstreams": {"oai": api_key_id("openai", OPENAI_KEY)},
                },
                {
                    "name": "anthropic",
                    "kind": "anthropic",
                    "admin_key_env": "RG_TEST_ANTHROPIC_ADMIN",
                    "base_url": base,
                    "upstreams": {"ant": api_key_id("anthropic", ANTHROPIC_KEY)},
                },
            ],
        },
    }


def chat(client: httpx.Client, model: str, last: str, *, stream: bool = False, **extra: Any) -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": LONG}, {"role": "user", "content": last}]}
    return client.post("/v1/chat/completions", json=body | {"stream": stream}, headers=extra)


def message(client: httpx.Client, model: str, last: str, *, stream: bool = False, **extra: Any) -> httpx.Response:
    body = {
        "model": model,
        "max_tokens": 200,
        "system": [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": last}],
        "stream": stream,
    }
    return client.post("/v1/messages", json=body, headers={"anthropic-version": "2023-06-01", **extra})


def mixed_run(gw: RunningGateway) -> None:
    with httpx.Client(base_url=gw.url, headers={"authorization": f"Bearer {gw.key}"}, timeout=30) as client:
        for i in range(3):  # the second and third read the first one's cached prefix
            assert chat(client, "gpt-4o-mini", f"question {i}").status_code == 200
        assert chat(client, "gpt-4o-mini", "streamed", stream=True).status_code == 200
        assert chat(client, "o3-mini", "think").status_code == 200  # reasoning tokens
        assert chat(client, "o3-mini", "think, streamed", stream=True).status_code == 200
        for i in range(2):  # answered after the gateway's 0.5 s: billed, never seen
            assert chat(client, "gpt-4.1-mini", f"slow {i}", **{"x-mock-latency-ms": "1200"}).status_code == 504
        for i in range(3):  # a cache write, then reads
            assert message(client, "claude-sonnet-4-5", f"part {i}").status_code == 200
        assert message(client, "claude-sonnet-4-5", "streamed", stream=True).status_code == 200
        for i in range(2):  # the mock breaks these streams after a few events
            message(client, "claude-haiku-4-5", f"cut {i}", stream=True, **{"x-mock-break-after": "4"})
    time.sleep(1.0)  # the timed-out calls are billed when the mock finishes them
    gw.gateway.ledger.flush(5.0)


@pytest.fixture
def mock_upstream() -> Iterator[MockServer]:
    """A mock of this module's own, for each test: a call another test left in flight on the shared
    mock could otherwise bill into these reports after its reset."""
    with MockServer() as server:
        yield server


@pytest.fixture
def run(
    start_gateway: Callable[..., RunningGateway], mock_upstream: MockServer, monkeypatch: pytest.MonkeyPatch
) -> tuple[RunningGateway, Config]:
    for name, value in {
        "RG_TEST_OPENAI_KEY": OPENAI_KEY,
        "RG_TEST_ANTHROPIC_KEY": ANTHROPIC_KEY,
        "RG_TEST_OPENAI_ADMIN": "sk-admin-openai",
        "RG_TEST_ANTHROPIC_ADMIN": "sk-ant-admin01-test",
    }.items():
        monkeypatch.setenv(name, value)
    gw = start_gateway(**sections(mock_upstream.url))
    mixed_run(gw)
    return gw, gw.gateway.config


@pytest.fixture
def today(run: tuple[RunningGateway, Config]) -> str:
    """The day the run's calls are stamped with: the clock's at import may be the day before (midnight)."""
    gw, _ = run
    (day,) = {day_of(record.ts) for record in gw.gateway.store.iter_records(time.time() - 3600)}
    return day


def rows_of(result: ReconcileResult, model: str, day: str) -> dict[tuple[str, str], Any]:
    return {(r.kind, r.api_key_id): r for r in result.rows if r.model == model and r.day == day}


def test_reconcile_reports_no_difference_where_the_mock_billed_what_the_ledger_recorded(
    run: tuple[RunningGateway, Config], today: str
) -> None:
    gw, config = run
    result = reconcile(config, gw.gateway.store, time.time() - 3600, time.time())
    assert result.errors == []
    assert result.drifts == [], [r for d in result.drifts for r in d.rows]
    seen_whole = [r for r in result.rows if r.estimated_calls == 0 and r.status != "ledger_only"]
    assert {r.model for r in seen_whole} == {"gpt-4o-mini", "o3-mini", "claude-sonnet-4-5"}
    assert all(r.difference == 0 and r.status == "match" for r in seen_whole), [r for r in seen_whole if r.difference]
    # The run really had cache reads and writes and reasoning, on both sides of the comparison.
    gpt = rows_of(result, "gpt-4o-mini", today)
    assert gpt[("cached_read", api_key_id("openai", OPENAI_KEY))].provider_value > 0
    sonnet = rows_of(result, "claude-sonnet-4-5", today)
    assert sonnet[("cache_write", api_key_id("anthropic", ANTHROPIC_KEY))].provider_value > 0
    assert sonnet[("cached_read", api_key_id("anthropic", ANTHROPIC_KEY))].provider_value > 0
    reasoning = rows_of(result, "o3-mini", today)[("reasoning", api_key_id("openai", OPENAI_KEY))]
    assert reasoning.ledger > 0 and reasoning.status == "ledger_only"  # no provider reports it apart


def test_calls_the_gateway_could_not_see_are_within_their_reservation_and_measured(
    run: tuple[RunningGateway, Config], today: str
) -> None:
    gw, config = run
    result = reconcile(config, gw.gateway.store, time.time() - 3600, time.time())
    slow = rows_of(result, "gpt-4.1-mini", today)
    usd = slow[("usd", api_key_id("openai", OPENAI_KEY))]
    assert usd.estimated_calls == 2 and usd.status == "within_reservation"
    # The timed-out calls were counted at their reservation: more than the provider billed for them.
    assert 0 < usd.provider_value < usd.ledger == usd.ledger_estimated
    (margin,) = [m for m in result.to_json()["reservation_margins"] if m["model"] == "gpt-4.1-mini"]
    assert margin["calls"] == 2 and margin["billed_usd"] == usd.provider_value < margin["counted_usd"]
    cut = rows_of(result, "claude-haiku-4-5", today)
    assert cut[("output", api_key_id("anthropic", ANTHROPIC_KEY))].estimated_calls == 2
    assert all(r.status in ("within_reservation", "ledger_only") for r in cut.values())


def test_each_injected_drift_is_named_with_its_day_model_and_amount(
    run: tuple[RunningGateway, Config], mock_upstream: MockServer, today: str
) -> None:
    gw, config = run
    mock_upstream.app.billing.price_factor("gpt-4o-mini", 1.1)
    unseen_at = time.time() - DAY_S
    key = api_key_id("anthropic", ANTHROPIC_KEY)
    unseen = [
        Served(unseen_at + i, "anthropic", "messages", "claude-sonnet-4-5", key, 3000, 0, 0, 400) for i in range(5)
    ]
    mock_upstream.app.billing.inject(unseen)
    result = reconcile(config, gw.gateway.store, time.time() - DAY_S, time.time())
    found = {(d.provider, d.day, d.model): d for d in result.drifts}
    assert set(found) == {("openai", today, "gpt-4o-mini"), ("anthropic", day_of(unseen_at), "claude-sonnet-4-5")}

    priced = found["openai", today, "gpt-4o-mini"]
    assert [r.kind for r in priced.rows] == ["usd"]  # tokens agree, dollars do not
    (usd,) = priced.rows
    assert usd.difference == pytest.approx(0.1 * usd.ledger, abs=1e-9) and usd.share == pytest.approx(
        0.1 / 1.1, abs=1e-4
    )
    assert "price differs" in drift_alert(priced).text

    missing = found["anthropic", day_of(unseen_at), "claude-sonnet-4-5"]
    amounts = {r.kind: r for r in missing.rows}
    assert amounts["input"].provider_value == 5 * 3000 and amounts["input"].ledger == 0
    assert amounts["output"].provider_value == 5 * 400
    # Catalog price of claude-sonnet-4-5: $3 / $15 per million tokens in and out.
    assert amounts["usd"].provider_value == pytest.approx(5 * (3000 * 3 + 400 * 15) / 1e6, abs=1e-6)
    alert = drift_alert(missing)
    assert alert.kind == "reconcile_drift" and "claude-sonnet-4-5" in alert.title and day_of(unseen_at) in alert.title
    assert "no calls" in alert.text
    stored = gw.gateway.store.last_reconcile_run()
    assert stored is not None and stored.run_id == result.run_id and stored.drifts == 2


async def test_the_scheduled_reconcile_alerts_once_per_drift(
    run: tuple[RunningGateway, Config], mock_upstream: MockServer, today: str
) -> None:
    gw, config = run
    mock_upstream.app.billing.price_factor("o3-mini", 1.1)
    alerted: list[Drift] = []
    scheduler = ReconcileScheduler(config, gw.gateway.store, alerted.extend)
    tomorrow = time.time() + DAY_S  # today is a whole day by then
    await scheduler.run_once(now=tomorrow)
    assert [(d.day, d.model) for d in alerted] == [(today, "o3-mini")]
    await scheduler.run_once(now=tomorrow)  # the same drift again: no second alert
    assert len(alerted) == 1
    # A restarted gateway (or another replica) reads the last scheduled run back: no alert again,
    # and a look from the CLI in between does not count as one.
    reconcile(config, gw.gateway.store, tomorrow - DAY_S, tomorrow)
    restarted: list[Drift] = []
    await ReconcileScheduler(config, gw.gateway.store, restarted.extend).run_once(now=tomorrow)
    assert restarted == []
    # A new drift is alerted on its own.
    mock_upstream.app.billing.price_factor("claude-sonnet-4-5", 0.8)
    await scheduler.run_once(now=tomorrow)
    assert [(d.day, d.model) for d in alerted[1:]] == [(today, "claude-sonnet-4-5")]


def test_the_ledger_keeps_the_providers_request_id_of_each_call(
    run: tuple[RunningGateway, Config], mock_upstream: MockServer
) -> None:
    gw, _ = run
    billed = {s.request_id: s for s in mock_upstream.app.billing.served()}
    records = list(gw.gateway.store.iter_records(time.time() - 3600))
    answered = [r for r in records if r.outcome == "ok"]
    assert len(answered) == 10
    for record in answered:  # the same call, found in both records
        assert billed[record.provider_request_id].model == record.model
    # A timed-out call never got the provider's id: it is found by time and model instead.
    assert [r.provider_request_id for r in records if r.outcome == "timeout"] == ["", ""]
    # The admin API (and the dashboard's session timeline) shows it beside each call.
    token = os.environ.get("REGULATOR_ADMIN_TOKEN") or (gw.data_dir / "admin_token").read_text().strip()
    session = answered[0].session
    calls = httpx.get(
        f"{gw.url}/admin/v1/sessions/{session}/calls", headers={"authorization": f"Bearer {token}"}
    ).json()["calls"]
    assert {c["provider_request_id"] for c in calls} <= set(billed) | {""} and any(
        c["provider_request_id"] for c in calls
    )


def test_regulator_reconcile_json_names_the_drift_and_stores_the_run(
    run: tuple[RunningGateway, Config], mock_upstream: MockServer, tmp_path: Path, today: str
) -> None:
    gw, _ = run
    mock_upstream.app.billing.price_factor("claude-sonnet-4-5", 1.1)
    path = tmp_path / "regulator.yaml"
    path.write_text(yaml.safe_dump(sections(mock_upstream.url)))
    _register()
    out = CliRunner().invoke(
        app, ["reconcile", "--since", "1h", "--json", "-c", str(path), "--data-dir", str(gw.data_dir)]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [(d["day"], d["model"]) for d in data["drifts"]] == [(today, "claude-sonnet-4-5")]
    assert data["summary"]["drifts"] == 1
    args = ["reconcile", "--since", "1h", "-c", str(path), "--data-dir", str(gw.data_dir)]
    table = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "claude-sonnet-4-5" in table.stdout and "drift" in table.stdout
    # The dashboard's source: the admin API's last run.
    token = os.environ.get("REGULATOR_ADMIN_TOKEN") or (gw.data_dir / "admin_token").read_text().strip()
    last = httpx.get(gw.url + "/admin/v1/reconcile", headers={"authorization": f"Bearer {token}"}).json()["run"]
    assert last["run_id"] != data["run_id"] and [d["model"] for d in last["drifts"]] == ["claude-sonnet-4-5"]


def test_an_unreadable_provider_is_named_and_the_others_still_compared(
    run: tuple[RunningGateway, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    gw, config = run
    monkeypatch.delenv("RG_TEST_ANTHROPIC_ADMIN")
    result = reconcile(config, gw.gateway.store, time.time() - 3600, time.time())
    assert len(result.errors) == 1 and "RG_TEST_ANTHROPIC_ADMIN" in result.errors[0]
    assert {r.provider for r in result.rows} == {"openai"} and result.drifts == []


def test_a_gateway_with_a_reconcile_interval_alerts_each_drift_once_through_its_webhooks(
    start_gateway: Callable[..., RunningGateway], mock_upstream: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_alerts import Receiver, wait_for

    monkeypatch.setenv("RG_TEST_OPENAI_ADMIN", "sk-admin-openai")
    monkeypatch.setenv("RG_TEST_ANTHROPIC_ADMIN", "sk-ant-admin01-test")
    key = api_key_id("anthropic", ANTHROPIC_KEY)
    unseen_at = time.time() - DAY_S
    mock_upstream.app.billing.inject([Served(unseen_at, "anthropic", "messages", "claude-sonnet-4-5", key, 900)])
    receiver = Receiver()
    try:
        config = sections(mock_upstream.url)
        config["reconcile"]["interval_s"] = 3600
        start_gateway(**config, alerts={"webhooks": [receiver.url]})
        alerts = wait_for(lambda: [b for b in receiver.bodies if b["kind"] == "reconcile_drift"])
        assert [(a["data"]["day"], a["data"]["model"]) for a in alerts] == [(day_of(unseen_at), "claude-sonnet-4-5")]
        assert "claude-sonnet-4-5" in alerts[0]["title"] and day_of(unseen_at) in alerts[0]["title"]
    finally:
        receiver.close()


def test_reconcile_needs_providers_and_names_the_key_of_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "regulator.yaml"
    path.write_text(yaml.safe_dump({}))
    _register()
    out = CliRunner().invoke(app, ["reconcile", "-c", str(path), "--data-dir", str(tmp_path)])
    assert out.exit_code == 2 and "reconcile.providers" in out.output
    provider = {"name": "openai", "kind": "openai", "admin_key_env": "X", "upstreams": {"nope": None}}
    path.write_text(yaml.safe_dump({"reconcile": {"providers": [provider]}}))
    with pytest.raises(ConfigError, match=r"reconcile\.providers\[0\]\.upstreams: 'nope'"):
        load_config(path, environ={})
    provider["upstreams"] = {"a": "key_1", "b": None}
    path.write_text(yaml.safe_dump({"reconcile": {"providers": [provider]}}))
    with pytest.raises(ConfigError, match=r"reconcile\.providers\.0\.upstreams: .*every upstream its provider key id"):
        load_config(path, environ={})


def test_a_config_price_override_the_provider_disagrees_with_is_reported(
    start_gateway: Callable[..., RunningGateway],
    mock_upstream: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    for name, value in {"RG_TEST_OPENAI_KEY": OPENAI_KEY, "RG_TEST_OPENAI_ADMIN": "sk-admin-openai"}.items():
        monkeypatch.setenv(name, value)
    config = sections(mock_upstream.url)
    config["reconcile"]["providers"] = config["reconcile"]["providers"][:1]
    config["models"][0]["price"] = {"input": 0.135, "output": 0.54}  # 10 % under the catalogue
    gw = start_gateway(**config)
    with httpx.Client(base_url=gw.url, headers={"authorization": f"Bearer {gw.key}"}, timeout=30) as client:
        assert chat(client, "gpt-4o-mini", "short").status_code == 200
    gw.gateway.ledger.flush(5.0)
    path = tmp_path / "regulator.yaml"
    path.write_text(yaml.safe_dump(config))
    _register()
    args = ["reconcile", "--since", "1h", "-c", str(path), "--data-dir", str(gw.data_dir)]
    out = CliRunner().invoke(app, [*args, "--json"])
    (drift,) = json.loads(out.stdout)["drifts"]
    assert (drift["model"], drift["price_source"], [r["kind"] for r in drift["rows"]]) == (
        "gpt-4o-mini",
        "config",
        ["usd"],
    )
    assert drift["rows"][0]["difference"] > 0  # the provider bills the catalogue price, above the override
    table = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert "priced by a config override" in table.stdout

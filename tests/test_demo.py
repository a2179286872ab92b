"""`regulator demo`: a short run through the real gateway, checked against the ledger."""

from __future__ import annotations

import http.cookiejar
import urllib.request
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from regulator.cli.demo import render_summary
from regulator.cli.main import _register, app
from regulator.sim.demo import DemoOptions, Progress, run_demo
from regulator.traces.format import iter_trace, read_labels


def _dashboard_while_running(url: str, token: str) -> dict[str, object]:
    """Sign in to the printed dashboard with the printed token, as a newcomer would; its live summary."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    # What the login page's script sends: the token as JSON; the answer sets the session cookie.
    login = urllib.request.Request(
        url + "/login", orjson.dumps({"token": token}), headers={"content-type": "application/json"}
    )
    with opener.open(login, timeout=10) as answer:
        assert answer.status == 200
    with opener.open(url, timeout=10) as page:  # the dashboard itself, signed in
        assert page.status == 200 and page.url.rstrip("/") == url and b"<html" in page.read().lower()
    origin = url.removesuffix("/dashboard")
    with opener.open(origin + "/admin/v1/summary", timeout=10) as response:
        summary: dict[str, object] = orjson.loads(response.read())
    return summary


async def test_short_demo_summary_matches_the_ledger(tmp_path: Path) -> None:
    printed: list[tuple[str, str]] = []
    live: list[dict[str, object]] = []

    def progress(p: Progress) -> None:
        if not live:  # once, mid-run: the gateway runs in its own thread, a blocking read is fine
            live.append(_dashboard_while_running(*printed[0]))

    summary = await run_demo(
        DemoOptions(agents=20, duration_s=15, seed=1, data_dir=tmp_path),
        on_start=lambda url, token, _: printed.append((url, token)),
        on_progress=progress,
    )

    assert live and live[0]["agents"] == 20 and int(str(live[0]["calls_today"])) > 0

    assert summary["calls"] > 200
    assert summary["calls"] == summary["ledger_calls"] == summary["mock_requests"]
    # The fleet adds up the per-call cost headers (6 decimals); the ledger sums exact costs.
    assert abs(summary["spend_usd"] - summary["ledger_spend_usd"]) <= summary["calls"] * 1e-6
    assert summary["stopped_without_incident"] == []
    assert summary["productive_stopped"] == 0
    assert summary["agents_stopped"] == len(summary["stopped"])
    # Each figure is rounded to 6 decimals on its own.
    assert abs(summary["prevented_usd"] - sum(s["prevented_usd"] for s in summary["stopped"])) <= 1e-5
    # What the dashboard shows as prevented is the summary's figure (both rounded to 6 decimals).
    assert summary["prevented_usd"] > 0
    assert summary["dashboard_prevented_usd"] == pytest.approx(summary["prevented_usd"], abs=2e-6)
    assert summary["rss_mb_start"] > 0 and summary["rss_mb_end"] > 0
    # The trace replays: every forwarded call, with labels for every session.
    calls = list(iter_trace([tmp_path / "trace.jsonl"]))
    assert len(calls) == summary["calls"]
    labels = read_labels(tmp_path / "labels.jsonl")
    assert {c.session for c in calls} <= set(labels)
    assert any(label.label == "loop" for label in labels.values())
    text = render_summary(summary)
    assert "productive agents stopped: 0" in text and "(matches)" in text


def test_demo_command_prints_one_json_object(tmp_path: Path) -> None:
    _register()
    result = CliRunner().invoke(
        app, ["demo", "--agents", "4", "--duration", "3", "--seed", "2", "--json", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    for key in ("calls", "spend_usd", "prevented_usd", "dashboard_prevented_usd", "agents_stopped",
                "productive_stopped", "ledger_calls", "ledger_spend_usd", "calls_sent", "rss_mb_start",
                "rss_mb_end"):  # fmt: skip
        assert key in summary
    assert summary["calls_sent"] == summary["ledger_calls"] > 0


async def test_ten_agents_sharing_one_outage_make_one_fleet_incident(tmp_path: Path) -> None:
    summary = await run_demo(DemoOptions(agents=10, duration_s=10, scenario="shared-outage", seed=3, data_dir=tmp_path))
    [fleet] = summary["fleet_incidents"]
    assert fleet["cause"] == "unreachable `port 6379`" and fleet["fleet"] == "demo"
    assert len(fleet["agents"]) == 10  # every agent that hit the cause, also those that joined after it was raised
    assert summary["incidents_by_action"]["fleet"] == 1
    assert summary["wasteful_stopped"] == 10 and summary["stopped_without_incident"] == []
    assert f"regulator pause --incident {fleet['incident']}" in render_summary(summary)

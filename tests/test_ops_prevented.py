"""Spend prevented: what a stopped agent or session was burning, projected to its natural end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import RunningGateway
from regulator.events import CallRecord, Standing
from regulator.ops.prevented import by_fleet, counted, daily, on_lift, on_stop, series
from regulator.store import Store, open_store
from regulator.store.prevented import DAY_S, Prevented
from test_admin_api import admin, call, wait_for

DAY = 20_000  # a UTC day number
NOON = DAY * DAY_S + 12 * 3600.0


def spent(
    call_id: str, ts: float, usd: float, agent: str = "a1", fleet: str = "coders", session: str = "s1"
) -> CallRecord:
    return CallRecord(call_id, ts, "acme", fleet, agent, session, "m", "u", "openai", cost_usd=usd)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path)
    for name, fleet in (("a1", "coders"), ("a2", "coders"), ("w1", "writers")):
        s.create_key(name, fleet, "acme")
    yield s
    s.close()


def test_a_stopped_agent_is_projected_at_its_burn_to_the_end_of_the_day(store: Store) -> None:
    # $0.50 over the last 30 minutes: $1/h; stopped at noon, 12 h are left in the day.
    store.insert_calls([spent("c1", NOON - 1800, 0.25), spent("c2", NOON - 60, 0.25), spent("old", NOON - 7200, 9.0)])
    [row] = on_stop(store, ("agent", "a1"), Standing("agent", "a1", "paused"), NOON)
    assert (row.scope, row.fleet, row.session, row.basis) == ("agent:a1", "coders", "", "burn")
    assert row.burn_usd_per_hour == pytest.approx(1.0)
    assert row.end_ts == (DAY + 1) * DAY_S and row.usd == pytest.approx(12.0)
    assert store.list_prevented(0) == [row]


def test_a_pause_that_lifts_by_itself_is_projected_to_its_end_and_a_resume_cuts_it(store: Store) -> None:
    store.insert_calls([spent("c1", NOON - 3600, 2.0, session="s9")])
    [row] = on_stop(store, ("session", "s9"), Standing("session", "s9", "paused", until_ts=NOON + 1800), NOON)
    assert (row.scope, row.session, row.usd) == ("session:s9", "s9", pytest.approx(1.0))
    [cut] = on_lift(store, ("session", "s9"), NOON + 900)
    assert cut.end_ts == NOON + 900 and cut.usd == pytest.approx(0.5)
    assert store.list_prevented(0) == [cut]


def test_a_fleet_stop_projects_each_agent_beneath_it_that_was_burning(store: Store) -> None:
    store.insert_calls([spent("c1", NOON - 600, 0.1), spent("c2", NOON - 600, 0.3, agent="w1", fleet="writers")])
    rows = on_stop(store, ("fleet", "coders"), Standing("fleet", "coders", "killed"), NOON)
    assert [r.scope for r in rows] == ["agent:a1"], "a2 spent nothing: nothing to prevent"
    assert by_fleet(store.list_prevented(0)) == {"coders": pytest.approx(0.6 * 12)}
    assert on_lift(store, ("fleet", "writers"), NOON + 10) == []
    [cut] = on_lift(store, ("fleet", "coders"), NOON + 3600)
    assert cut.usd == pytest.approx(0.6)


def test_an_agent_stop_covers_its_sessions_stopped_the_same_day() -> None:
    def row(scope: str, session: str, usd: float, day: int = DAY) -> Prevented:
        ts = day * DAY_S + 12 * 3600.0
        return Prevented(day, scope, ts, "acme", "coders", "a1", session, 1.0, ts, usd)

    rows = [row("session:s1", "s1", 1.0), row("agent:a1", "", 5.0), row("session:s2", "s2", 2.0, day=DAY + 1)]
    assert [r.scope for r in counted(rows)] == ["agent:a1", "session:s2"]
    days = daily(rows, [(DAY * DAY_S, "coders", 3.0), (DAY * DAY_S, "writers", 1.0)])
    assert days == [
        {"day": "2024-10-04", "fleet": "coders", "spend_usd": 3.0, "prevented_usd": 5.0},
        {"day": "2024-10-04", "fleet": "writers", "spend_usd": 1.0, "prevented_usd": 0.0},
        {"day": "2024-10-05", "fleet": "coders", "spend_usd": 0.0, "prevented_usd": 2.0},
    ]
    chart = series(rows, [(NOON - 600, "coders", 0.5)], NOON - 1200, 600, NOON + 10)
    assert chart["coders"]["spend_usd"] == [0.0, 0.5, 0.0]
    assert chart["coders"]["prevented_usd"] == [0.0, 0.0, 5.0]


def test_spend_series_buckets_spend_per_fleet(store: Store) -> None:
    store.insert_calls(
        [spent("c1", NOON + 10, 1.0), spent("c2", NOON + 700, 2.0), spent("c3", NOON + 20, 4.0, fleet="w")]
    )
    assert store.spend_series(NOON, 600) == [(NOON, "coders", 1.0), (NOON, "w", 4.0), (NOON + 600, "coders", 2.0)]


def test_a_fleet_pause_shows_as_spend_prevented_in_the_summary_reports_and_status(gateway: RunningGateway) -> None:
    coder = gateway.new_key("coder-9", "coders")
    for _ in range(3):
        assert call(gateway, coder).status_code == 200
    gateway.gateway.ledger.flush(5)
    with admin(gateway) as client:
        client.post("/admin/v1/actions", json={"target": "fleet", "name": "coders", "action": "pause"})
        summary = wait_for(lambda: (s := client.get("/admin/v1/summary").json())["prevented_today_usd"] > 0 and s)
        [fleet] = [f for f in summary["fleets"] if f["fleet"] == "coders"]
        assert fleet["prevented_today_usd"] == pytest.approx(summary["prevented_today_usd"])
        report = client.get("/admin/v1/reports/prevented").json()
        [today] = [d for d in report["days"] if d["fleet"] == "coders"]
        assert today["spend_usd"] > 0 and today["prevented_usd"] == pytest.approx(summary["prevented_today_usd"])
        chart = client.get("/admin/v1/fleets/series", params={"hours": 1, "step": 60}).json()
        assert sum(chart["fleets"]["coders"]["prevented_usd"]) == pytest.approx(summary["prevented_today_usd"])
        assert sum(chart["fleets"]["coders"]["spend_usd"]) == pytest.approx(today["spend_usd"])

    from typer.testing import CliRunner

    from regulator.cli.main import _register, app
    from test_admin_api import admin_token

    _register()
    env = {"REGULATOR_URL": gateway.url, "REGULATOR_ADMIN_TOKEN": admin_token(gateway), "COLUMNS": "200"}
    status = CliRunner().invoke(app, ["status"], env=env)
    assert status.exit_code == 0 and "spend prevented today" in status.output
    assert "per day and fleet" in status.output and "coders" in status.output

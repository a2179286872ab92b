from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from regulator.cli import report as report_cli
from regulator.events import CallRecord, Usage
from regulator.store import open_store
from regulator.store.ledger import Ledger


def cli() -> typer.Typer:
    app = typer.Typer()
    report_cli.register(app)

    @app.callback()
    def _root() -> None:
        """Group root, as in regulator.cli.main."""

    return app


def rec(call_id: str, ts: float, cost: float, agent: str, model: str = "gpt-4o", outcome: str = "ok") -> CallRecord:
    return CallRecord(
        call_id=call_id,
        ts=ts,
        org="acme",
        fleet="research",
        agent=agent,
        session=f"{agent}-s",
        model=model,
        upstream="openai",
        dialect="openai",
        usage=Usage(1000, 200, 0, 300, 50),
        cost_usd=cost,
        outcome=outcome,  # type: ignore[arg-type]
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    now = time.time()
    store = open_store(tmp_path)
    ledger = Ledger(store, tmp_path / "journal.log")
    ledger.recover()
    ledger.record(rec("c1", now - 60, 0.25, "alice"))
    ledger.record(rec("c2", now - 120, 0.75, "alice", outcome="timeout"))
    ledger.record(rec("c3", now - 30, 2.0, "bob", model="claude-sonnet-4"))
    ledger.record(rec("old", now - 3 * 86400, 100.0, "bob"))
    ledger.close()
    store.close()
    return tmp_path


def test_parse_time_reads_durations_and_iso_dates() -> None:
    now = 1_000_000.0
    assert report_cli.parse_time("15m", now) == now - 900
    assert report_cli.parse_time("24h", now) == now - 86400
    assert report_cli.parse_time("7d", now) == now - 7 * 86400
    assert report_cli.parse_time("30s", now) == now - 30
    assert report_cli.parse_time("2026-01-02") == datetime(2026, 1, 2, tzinfo=UTC).timestamp()
    assert report_cli.parse_time("2026-01-02T03:00:00+01:00") == datetime(2026, 1, 2, 2, tzinfo=UTC).timestamp()
    with pytest.raises(ValueError, match="neither a duration"):
        report_cli.parse_time("yesterday")


def test_report_json_by_agent_covers_the_last_24h_by_default(data_dir: Path) -> None:
    result = CliRunner().invoke(cli(), ["report", "--json", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"alice", "bob"}
    assert rows["alice"]["calls"] == 2 and rows["alice"]["errors"] == 1
    assert rows["alice"]["cost_usd"] == pytest.approx(1.0)
    assert rows["bob"]["cost_usd"] == pytest.approx(2.0)  # the 3-day-old call is outside the window
    assert rows["alice"]["input_tokens"] == 2000 and rows["alice"]["reasoning_tokens"] == 100


def test_report_csv_by_model_with_a_wider_window(data_dir: Path) -> None:
    result = CliRunner().invoke(
        cli(), ["report", "--csv", "--by", "model", "--since", "7d"], env={"REGULATOR_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["model"] for r in rows] == ["gpt-4o", "claude-sonnet-4"]
    assert float(rows[0]["cost_usd"]) == pytest.approx(101.0)


def test_report_until_excludes_later_calls(data_dir: Path) -> None:
    result = CliRunner().invoke(
        cli(), ["report", "--json", "--since", "7d", "--until", "1h", "--by", "org", "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert [(r["key"], r["calls"]) for r in json.loads(result.stdout)] == [("acme", 1)]


def test_report_table_shows_each_group_and_a_total(data_dir: Path) -> None:
    result = CliRunner().invoke(cli(), ["report", "--by", "session", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    for text in ("alice-s", "bob-s", "total", "3.0000"):
        assert text in result.stdout


@pytest.mark.parametrize(
    "args",
    [["--by", "color"], ["--since", "yesterday"], ["--json", "--csv"]],
)
def test_report_rejects_bad_options(data_dir: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli(), ["report", *args, "--data-dir", str(data_dir)])
    assert result.exit_code == 2

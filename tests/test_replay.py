from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from regulator.cli.main import _register, app
from regulator.config import Config
from regulator.events import CallEvent
from regulator.traces.replay import ReplaySession, replay, replay_sessions

DEV = Path("/work/shared/traces/dev/calls.jsonl.gz")


def _call(session: str, seq: int, model: str = "gpt-4o", cost: float | None = None, **usage: Any) -> dict[str, Any]:
    usage = {"prompt_tokens": 1_000, "completion_tokens": 100, **usage}
    if cost is not None:
        usage["cost"] = cost
    return {
        "v": 1,
        "session": session,
        "agent": f"agent-{session}",
        "seq": seq,
        "ts": 1000.0 + seq,
        "dialect": "openai",
        "request": {"model": model, "messages": [{"role": "user", "content": f"step {seq}"}]},
        "response": {"choices": [], "usage": usage},
    }


def _trace(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


GPT_4O_CALL = (1_000 * 2.5 + 100 * 10) / 1e6  # catalog price of one default call


def test_sessions_in_first_appearance_order_with_costs(tmp_path: Path) -> None:
    path = _trace(tmp_path, [_call("b", 0, cost=0.01), _call("a", 0), _call("b", 1, cost=0.02), _call("a", 1)])
    sessions = replay_sessions([path], Config())
    assert [(s.session, s.agent, s.calls) for s in sessions] == [("b", "agent-b", 2), ("a", "agent-a", 2)]
    assert sessions[0].cost_usd == pytest.approx(2 * GPT_4O_CALL)
    assert sessions[0].recorded_cost_usd == pytest.approx(0.03)
    assert sessions[1].recorded_cost_usd is None


def test_events_carry_what_detectors_need(tmp_path: Path) -> None:
    path = _trace(tmp_path, [_call("s", 0), _call("s", 1, prompt_tokens_details={"cached_tokens": 400})])
    events = [event for event, _ in replay([path], Config())]
    second = events[1]
    assert (second.seq, second.record.session, second.record.model, second.record.dialect) == (
        1,
        "s",
        "gpt-4o",
        "openai",
    )
    assert second.record.usage.cached_input_tokens == 400
    assert second.record.cost_usd == pytest.approx((600 * 2.5 + 400 * 1.25 + 100 * 10) / 1e6)
    assert second.messages == [{"role": "user", "content": "step 1"}]


def test_on_event_hook_can_stop_a_session_and_count_what_it_saves(tmp_path: Path) -> None:
    path = _trace(tmp_path, [_call("s", seq) for seq in range(5)])

    def stop_at_three(event: CallEvent, session: ReplaySession) -> None:
        if event.seq == 3:
            session.stopped_at = 3
            session.first.setdefault("kill", 3)

    (session,) = replay_sessions([path], Config(), on_event=stop_at_three)
    report = session.report()
    assert report["stopped_at"] == 3 and report["first"] == {"kill": 3}
    assert report["cost_after_stop_usd"] == pytest.approx(2 * GPT_4O_CALL)
    assert report["cost_usd"] == pytest.approx(5 * GPT_4O_CALL)


def test_cli_writes_jsonl_report(tmp_path: Path) -> None:
    _register()
    path = _trace(tmp_path, [_call("s1", 0, cost=0.5), _call("s2", 0)])
    out = tmp_path / "report.jsonl"
    result = CliRunner().invoke(app, ["replay", str(path), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [line["session"] for line in lines] == ["s1", "s2"]
    assert set(lines[0]) >= {
        "session",
        "agent",
        "calls",
        "cost_usd",
        "recorded_cost_usd",
        "stopped_at",
        "incidents",
    }
    assert lines[0]["recorded_cost_usd"] == 0.5 and lines[1]["recorded_cost_usd"] is None


def test_cli_reads_a_directory_as_its_trace_files_without_the_labels(tmp_path: Path) -> None:
    _register()
    _trace(tmp_path, [_call("s1", 0), _call("s2", 0)])
    (tmp_path / "labels.jsonl").write_bytes(orjson.dumps({"session": "s1", "label": "productive"}) + b"\n")
    out = tmp_path / "report.out"
    result = CliRunner().invoke(app, ["replay", str(tmp_path), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [orjson.loads(line)["session"] for line in out.read_bytes().splitlines()] == ["s1", "s2"]


def test_cli_names_a_directory_without_traces_instead_of_crashing(tmp_path: Path) -> None:
    _register()
    result = CliRunner().invoke(app, ["replay", str(tmp_path), "--json"])
    assert result.exit_code == 2
    assert "no trace files" in result.output


def test_replay_meters_an_unpriced_model_at_the_fallback_and_names_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A live gateway refuses a model it cannot price; replay goes on (detection does not need the
    # price, and a session's saved share compares its own calls) and says how to price it.
    _register()
    path = _trace(tmp_path, [_call("s", 0, model="no-such-model-xyz"), _call("s", 1, model="no-such-model-xyz")])
    result = CliRunner().invoke(app, ["replay", str(path), "--json"])
    assert result.exit_code == 0
    report = orjson.loads(result.stdout.splitlines()[0])
    assert report["calls"] == 2 and report["cost_usd"] > 0
    warnings = [r.getMessage() for r in caplog.records if "no-such-model-xyz" in r.getMessage()]
    assert len(warnings) == 1 and "models[].price" in warnings[0]


@pytest.mark.skipif(not DEV.exists(), reason="dev traces not present")
def test_dev_traces_meter_to_the_recorded_cost() -> None:
    started = time.perf_counter()
    sessions = replay_sessions([DEV], Config())
    elapsed = time.perf_counter() - started
    assert sum(s.calls for s in sessions) == 15_486
    recorded = [s for s in sessions if s.recorded_cost_usd is not None]
    metered = sum(s.cost_usd for s in recorded)
    billed = sum(s.recorded_cost_usd or 0.0 for s in recorded)
    assert billed > 100
    assert metered == pytest.approx(billed, rel=1e-9)  # the brief asks for 0.5 %; it is exact
    assert elapsed < 30

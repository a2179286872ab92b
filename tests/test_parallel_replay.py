from __future__ import annotations

import gc
import logging
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from regulator.cli.main import _register, app
from regulator.config import Config
from regulator.policy import parallel_replay
from regulator.policy.parallel_replay import MIN_SPLIT_BYTES, replay_in_parallel, worth_splitting
from regulator.policy.shadow import ShadowPolicy
from regulator.policy.supervisor import load_supervisor
from regulator.traces.replay import replay_sessions

DEV = Path("/work/shared/traces/dev")


def _call(session: str, agent: str, seq: int, ts: float, prompt_tokens: int, model: str = "gpt-4o") -> dict[str, Any]:
    return {
        "v": 1,
        "session": session,
        "agent": agent,
        "seq": seq,
        "ts": ts,
        "dialect": "openai",
        "request": {"model": model, "messages": [{"role": "user", "content": f"{session} step {seq}"}]},
        "response": {"choices": [], "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 50}},
    }


def _share(session: str) -> int:
    return zlib.crc32(session.encode()) % 2


def _burst_trace(tmp_path: Path) -> Path:
    """Two hours of cheap calls from three agents, then one agent's second session burns dollars a minute."""
    quiet, burning = "a1-quiet", "a1-burst-0"
    assert _share(quiet) != _share(burning)  # the agent's sessions land in different workers
    lines = []
    for minute in range(120):
        for agent in ("a1", "a2", "a3"):
            session = quiet if agent == "a1" else f"{agent}-work"
            lines.append(_call(session, agent, minute, 1_000.0 + 60 * minute, 1_000))
    for step in range(40):
        lines.append(_call(burning, "a1", step, 1_000.0 + 7_200 + 10 * step, 200_000))
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def _serial_report(paths: list[Path], policy: str = "default") -> list[dict[str, Any]]:
    hook = ShadowPolicy(load_supervisor(policy))
    return [session.report() for session in replay_sessions(paths, Config(), hook)]


def test_an_agents_burn_rate_is_judged_across_workers_as_in_one_process(tmp_path: Path) -> None:
    path = _burst_trace(tmp_path)
    # The default ladder warns on two findings in 8 calls; burn rate finds once in 10 minutes.
    policy = tmp_path / "policy.yaml"
    policy.write_text("policy:\n  ladder:\n    - {action: warn, min_severity: 0.5}\n", encoding="utf-8")
    serial = _serial_report([path], str(policy))
    sessions, _ = replay_in_parallel([path], Config(), str(policy), workers=2)
    assert [s.report() for s in sessions] == serial
    burst = next(report for report in serial if report["session"] == "a1-burst-0")
    assert any(incident["detector"] == "burn_rate" for incident in burst["incidents"])


def test_a_model_without_a_price_is_named_once_whichever_workers_met_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines = [_call(f"s{n}", f"a{n}", 0, 1_000.0 + n, 1_000, model="house-model-7b") for n in range(8)]
    assert {_share(f"s{n}") for n in range(8)} == {0, 1}
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    with caplog.at_level(logging.WARNING, logger="regulator.replay"):
        sessions, _ = replay_in_parallel([path], Config(), "default", workers=2)
    # Only replay's own records: a thread another test left behind may log in this process meanwhile.
    named = [r.message.count("house-model-7b") for r in caplog.records if r.name == "regulator.replay"]
    assert named == [1]
    assert all(session.cost_usd > 0 for session in sessions)


def test_a_machine_that_cannot_start_workers_replays_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = _burst_trace(tmp_path)

    def no_semaphores(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")  # what SemLock raises where /dev/shm is missing

    monkeypatch.setattr(parallel_replay, "worth_splitting", lambda paths: True)
    monkeypatch.setattr(parallel_replay, "ProcessPoolExecutor", no_semaphores)
    with caplog.at_level(logging.WARNING, logger="regulator.replay"):
        sessions, _ = parallel_replay.replay_with_policy([path], Config(), "default", workers=2)
    assert [s.report() for s in sessions] == _serial_report([path])
    assert any("no worker processes" in r.message for r in caplog.records if r.name == "regulator.replay")


def test_the_callers_collector_is_left_as_it_was(tmp_path: Path) -> None:
    path = _burst_trace(tmp_path)
    assert gc.isenabled()
    replay_in_parallel([path], Config(), "default", workers=2)
    assert gc.isenabled()


def test_the_installed_command_replays_on_two_workers_as_on_one(tmp_path: Path) -> None:
    """`regulator replay` as a user runs it: workers start as fresh interpreters from the console script."""
    lines = _burst_trace(tmp_path).read_bytes()
    big = tmp_path / "big.jsonl"
    big.write_bytes(lines * (MIN_SPLIT_BYTES // len(lines) + 1))  # enough bytes to be worth two workers
    assert worth_splitting([big])
    reports = []
    for workers in ("1", "2"):
        out = tmp_path / f"report-{workers}.jsonl"
        command = [str(Path(sys.executable).parent / "regulator"), "replay", str(big), "--json", "--workers", workers]
        done = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "no worker processes" not in done.stderr
        reports.append(out.read_bytes())
    assert reports[0] == reports[1] and reports[0]


def test_a_small_trace_is_not_worth_a_worker(tmp_path: Path) -> None:
    assert not worth_splitting([_burst_trace(tmp_path)])


@pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")
@pytest.mark.parametrize("policy", ["default", "openhands"])
def test_the_dev_set_report_is_the_same_bytes_on_two_workers_as_on_one(tmp_path: Path, policy: str) -> None:
    _register()
    reports = []
    for workers in ("1", "2"):
        out = tmp_path / f"report-{workers}.jsonl"
        args = ["replay", str(DEV), "--json", "--policy", policy, "--workers", workers, "--out", str(out)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        reports.append(out.read_bytes())
    assert reports[0] == reports[1]
    assert b'"stopped_at":null' in reports[0] and b'"stopped_at":1' in reports[0]  # some stopped, some not

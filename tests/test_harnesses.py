"""Harness conformance: real agent CLIs, pinned, installed by the tests, against a scripted mock:
Claude Code, OpenClaw, Codex CLI, gemini-cli, mini-swe-agent and aider.

Each harness runs each scenario once (in parallel, a mock and a gateway of its own per run):
- finish: the task ends by itself: one session in the ledger, and the ledger is what the mock billed;
- stuck: the model asks for the same failing command over and over: regulator refuses within 10
  calls with no session header of its own, and the harness exits within 30 s of that refusal, with
  regulator's message in its output, after at most 2 further requests;
- pause, kill, budget ($0.01 left): the same prompt exit on the first call;
- clamp (Claude Code): with $1 left its 32,000-token calls are lowered and served.
The measured table is in docs/agents.md (`python -m tests.test_harnesses` prints it).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness_runs import HARNESSES, SCENARIOS, Outcome, run_scenario

# Harness runs that cannot happen here, measured: aider answers one call per message (and at most
# three reflections), so a model cannot make it loop.
NOT_APPLICABLE = {("aider", "stuck"): "aider sends one call per --message: a model cannot make it loop"}
WORKERS = (
    2  # the machine has 2 cores: more at once slows each harness's own exit (OpenClaw: 3 s alone, 40 s four at a time)
)

Runs = dict[tuple[str, str], Outcome | BaseException]


def _cases() -> list[tuple[str, str]]:
    return [
        (h, s)
        for h in HARNESSES
        for s in SCENARIOS
        if (s != "clamp" or h == "claude-code") and (h, s) not in NOT_APPLICABLE
    ]


def run_all(cases: list[tuple[str, str]], root: Path) -> Runs:
    results: Runs = {}

    def one(case: tuple[str, str]) -> None:
        try:
            results[case] = run_scenario(HARNESSES[case[0]], case[1], root)
        except BaseException as failed:  # a skip (registry unreachable) or an error, reported by its test
            results[case] = failed

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, cases))
    return results


ARTIFACT = Path(__file__).resolve().parents[1] / "test-artifacts" / "harnesses.md"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    results = run_all(_cases(), tmp_path_factory.mktemp("harnesses"))
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(table(results) + "\n")  # the measured table, for docs/agents.md
    return results


def outcome(runs: Runs, harness: str, scenario: str) -> Outcome:
    result = runs[(harness, scenario)]
    if isinstance(result, BaseException):
        raise result
    return result


def _describe(o: Outcome) -> str:
    calls = [(round(c.ts - o.calls[0].ts, 1), c.status, c.code) for c in o.calls] if o.calls else []
    return f"{o.harness}/{o.scenario}: exit {o.exit_code}, calls {calls}\n{o.output[-1500:]}"


@pytest.mark.parametrize("harness", list(HARNESSES))
def test_a_finishing_task_is_one_session_metered_exactly(runs: Runs, harness: str) -> None:
    o = outcome(runs, harness, "finish")
    assert o.exit_code == 0, _describe(o)
    assert o.sessions == 1, _describe(o)
    assert o.billed_equal and o.mock_usd_calls == o.served, _describe(o)


def _assert_stopped_promptly(o: Outcome) -> None:
    assert o.first_final is not None, _describe(o)
    assert o.exit_code is not None, "still running at the time limit: " + _describe(o)
    assert o.requests_after_final is not None and o.requests_after_final <= 2, _describe(o)
    assert o.exit_s_after_final is not None and o.exit_s_after_final <= 30, _describe(o)
    assert "regulator" in o.output, _describe(o)


@pytest.mark.parametrize("harness", [h for h in HARNESSES if (h, "stuck") not in NOT_APPLICABLE])
def test_a_stuck_harness_is_refused_within_ten_calls_and_exits(runs: Runs, harness: str) -> None:
    o = outcome(runs, harness, "stuck")
    _assert_stopped_promptly(o)
    assert o.served_before_final <= 10, _describe(o)


@pytest.mark.parametrize("scenario", ["pause", "kill", "budget"])
@pytest.mark.parametrize("harness", list(HARNESSES))
def test_an_operator_stop_or_a_spent_budget_makes_the_harness_exit(runs: Runs, harness: str, scenario: str) -> None:
    _assert_stopped_promptly(outcome(runs, harness, scenario))


def test_claude_code_is_clamped_and_served_with_a_dollar_left(runs: Runs) -> None:
    o = outcome(runs, "claude-code", "clamp")
    assert o.exit_code == 0, _describe(o)
    assert o.served >= 1 and "clamped" in ",".join(o.actions), _describe(o)
    assert o.ledger_usd <= 1.0


def table(results: Runs) -> str:
    """The docs/agents.md table: harness × scenario × exit after refusal × requests after × sessions."""
    lines = [
        "| harness | scenario | calls served before the refusal | exit after refusal | requests after | sessions |",
        "|---|---|---|---|---|---|",
    ]
    for (harness, scenario), o in sorted(results.items()):
        if isinstance(o, BaseException):
            lines.append(f"| {harness} | {scenario} | not run: {o} | | | |")
            continue
        exit_s = "–" if o.exit_s_after_final is None else f"{o.exit_s_after_final} s"
        after = "–" if o.requests_after_final is None else str(o.requests_after_final)
        lines.append(f"| {harness} | {scenario} | {o.served_before_final} | {exit_s} | {after} | {o.sessions} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(table(run_all([c for c in _cases() if not sys.argv[1:] or c[0] in sys.argv[1:]], Path(tmp))))

"""The optional AI judge, asked for real through the gateway in front of the mock upstream."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import openai
import pytest

from conftest import RunningGateway, gateway_config
from detect_support import ScriptedSession
from processes import free_port
from regulator.app import GatewayServer
from regulator.detect.base import Finding
from regulator.detect.config import JudgeConfig
from regulator.detect.judge import Judge, condense, parse_answer
from regulator.detect.repetition import RepetitionDetector
from regulator.events import CallEvent, Incident
from regulator.mock.server import MockServer
from regulator.policy.config import PersistenceConfig, PolicyConfig
from regulator.policy.standing import MemoryStandingStore, StandingBook
from regulator.policy.supervisor import Supervisor, load_supervisor
from regulator.sim.fleet import SimAgent
from regulator.sim.scenarios import SCENARIOS, AgentSpec

ASKED = "An automatic detector suspects"  # in every judge prompt, never in an agent's
LISTING = "\n".join(f"src/module_{i}.py" for i in range(20))


@pytest.fixture
def judge_gateway(
    start_gateway: Callable[..., RunningGateway], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[RunningGateway, JudgeConfig]]:
    gw = start_gateway()
    monkeypatch.setenv("TEST_JUDGE_KEY", gw.new_key("regulator-judge", fleet="regulator"))
    config = JudgeConfig(
        enabled=True, url=gw.url + "/v1", api_key_env="TEST_JUDGE_KEY", model="gpt-4o-mini", timeout_s=2.0
    )
    yield gw, config


# These tests are about the judge's borderline steps, reached on a straight climb without the
# advisory steps: the nudge-first ladder (tests/test_policy_persistence.py) would hold them for a
# nudge instead, and warn and nudge are never judged.
STRAIGHT = PolicyConfig(
    persistence=PersistenceConfig(enabled=False),
    ladder=[step for step in PolicyConfig().ladder if step.action not in ("warn", "nudge")],
)


def _supervisor(config: JudgeConfig) -> tuple[Supervisor, MemoryStandingStore]:
    # Repetition alone: its ramp (0.1 a run) sets the steps these tests walk through, no other
    # detector adding its agreement.
    store = MemoryStandingStore()
    return Supervisor([RepetitionDetector()], STRAIGHT, standing=StandingBook(store), judge=Judge(config)), store


def _loop_until_held(supervisor: Supervisor, session: ScriptedSession) -> list[Incident]:
    """Repeat one command until the policy reaches a borderline step.

    The 6th call brings the 5th run's result: repetition at 0.75, a downgrade.
    """
    incidents: list[Incident] = []
    for _ in range(6):
        incidents += supervisor.observe(session.call("ls src", LISTING))
    return incidents


def _wait_for(store: MemoryStandingStore, count: int, timeout: float = 10.0) -> list[Incident]:
    deadline = time.monotonic() + timeout
    while len(store.incidents) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return store.incidents


def test_answer_format_is_strict() -> None:
    assert parse_answer('{"progress": true, "reason": "tests improve"}').progress is True
    assert parse_answer('```json\n{"progress": false, "reason": "same error"}\n```').progress is False
    assert parse_answer("Yes, it is making progress.").progress is None
    assert parse_answer('{"progress": "yes"}').progress is None
    assert parse_answer('{"progress": false}').reason == "no reason given"


def test_condensed_context_has_task_and_last_actions_in_both_dialects() -> None:
    config = JudgeConfig(last_calls=3, result_lines=2)
    for style in ("openai", "anthropic", "text"):
        session = ScriptedSession(style=style, task="Make parse_date accept ISO weeks.")
        event = None
        for i in range(6):
            event = session.call(f"cat part{i}.py", f"line one of {i}\nline two\nline three\nline four")
        assert event is not None
        text = condense(event, config)
        assert text.startswith("TASK:\nMake parse_date accept ISO weeks.")
        assert "cat part5.py" in text and "(result not seen yet)" in text
        assert "cat part2.py" not in text  # only the last three actions
        assert "line one of 4" in text and "line three" not in text and "… (2 more lines)" in text


def test_judge_answering_progress_dismisses_a_borderline_finding(
    judge_gateway: tuple[RunningGateway, JudgeConfig], mock_upstream: MockServer
) -> None:
    gw, config = judge_gateway
    mock_upstream.app.script(
        {"content": '{"progress": true, "reason": "each listing informs a new edit"}'}, contains=ASKED
    )
    # One question per session: the next call's sixth run is borderline too and would ask again.
    supervisor, store = _supervisor(config.model_copy(update={"max_per_session": 1}))
    session = ScriptedSession(session="s-progress", style="openai")
    assert _loop_until_held(supervisor, session) == []  # held: nothing acted while the judge thinks
    dismissal = _wait_for(store, 1)[0]
    assert dismissal.detector == "judge" and dismissal.action == "warn"
    assert "each listing informs a new edit" in dismissal.evidence and "repetition" in dismissal.evidence
    assert supervisor.verdict("agent-1", "s-progress").state == "active"
    # The dismissal is reported with the next call's incidents (for the worker's listeners).
    assert dismissal in supervisor.observe(session.call("git diff", "diff --git a/x b/x"))
    assert gw.gateway.ledger.flush(timeout=5)
    judge_calls = [r for r in gw.gateway.store.iter_records(0) if r.agent == "regulator-judge"]
    assert len(judge_calls) == 1 and judge_calls[0].fleet == "regulator" and judge_calls[0].cost_usd > 0


def test_judge_answering_no_progress_confirms_the_finding(
    judge_gateway: tuple[RunningGateway, JudgeConfig], mock_upstream: MockServer
) -> None:
    _, config = judge_gateway
    mock_upstream.app.script({"content": '{"progress": false, "reason": "the same listing again"}'}, contains=ASKED)
    supervisor, store = _supervisor(config)
    session = ScriptedSession(session="s-stuck", style="anthropic")
    _loop_until_held(supervisor, session)
    confirmed = _wait_for(store, 1)[0]
    assert confirmed.detector == "repetition" and confirmed.action == "downgrade"
    assert confirmed.evidence.endswith("; judge: the same listing again")
    assert supervisor.verdict("agent-1", "s-stuck").state == "downgraded"


@pytest.mark.parametrize(
    ("script", "why"),
    [
        ({"reply": {"content": "I believe it is progressing."}}, "not JSON"),
        ({"reply": {"content": "{}"}, "headers": {"x-mock-latency-ms": "3000"}}, "failed"),  # the 1 s timeout
        ({"reply": None, "headers": {"x-mock-status": "500"}}, "refused"),
    ],
)
def test_judge_without_an_opinion_neither_crashes_nor_blocks(
    judge_gateway: tuple[RunningGateway, JudgeConfig],
    mock_upstream: MockServer,
    script: dict[str, object],
    why: str,
) -> None:
    _, config = judge_gateway
    mock_upstream.app.script(contains=ASKED, **script)  # type: ignore[arg-type]
    supervisor, store = _supervisor(config.model_copy(update={"timeout_s": 1.0}))
    session = ScriptedSession(session="s-silent", style="text")
    started = time.monotonic()
    _loop_until_held(supervisor, session)
    assert time.monotonic() - started < 0.5  # observing never waits for the judge
    applied = _wait_for(store, 1)[0]
    assert applied.action == "downgrade" and "judge gave no opinion" in applied.evidence and why in applied.evidence


def test_overwhelming_findings_are_not_judged_and_supersede_a_held_one(
    judge_gateway: tuple[RunningGateway, JudgeConfig], mock_upstream: MockServer
) -> None:
    _, config = judge_gateway
    late = {"x-mock-latency-ms": "500"}
    mock_upstream.app.script({"content": '{"progress": true, "reason": "late"}'}, contains=ASKED, headers=late)
    store = MemoryStandingStore()
    supervisor = Supervisor([_Fixed([0.76, 0.95])], STRAIGHT, standing=StandingBook(store), judge=Judge(config))
    session = ScriptedSession(session="s-fast", style="openai")
    incidents = supervisor.observe(session.call("ls src", LISTING))  # a downgrade at 0.76: borderline, held
    incidents += supervisor.observe(session.call("ls src", LISTING))  # 0.95: overwhelming
    assert [i.action for i in incidents] == ["pause"]
    time.sleep(1.0)  # the judge's late answer about the superseded step changes nothing
    assert [i.action for i in store.incidents] == ["pause"]
    assert supervisor.verdict("agent-1", "s-fast").state == "paused"


class _Fixed:
    """A detector whose severities are given, one per call: the ladder under exact control."""

    name = "fixed"

    def __init__(self, severities: list[float]) -> None:
        self.severities = iter(severities)

    def observe(self, event: CallEvent) -> list[Finding]:
        severity = next(self.severities)
        record = event.record
        return [Finding(self.name, record.session, record.agent, event.seq, severity, "made up", [event.seq])]

    def forget(self, session: str) -> None:
        pass


def test_judge_calls_are_capped_per_session(
    judge_gateway: tuple[RunningGateway, JudgeConfig], mock_upstream: MockServer
) -> None:
    _, config = judge_gateway
    mock_upstream.app.script({"content": '{"progress": true, "reason": "fine"}'}, contains=ASKED)
    store = MemoryStandingStore()
    judge = Judge(config.model_copy(update={"max_per_session": 1}))
    supervisor = Supervisor([_Fixed([0.72, 0.0, 0.85])], STRAIGHT, standing=StandingBook(store), judge=judge)
    session = ScriptedSession(session="s-cap")
    assert supervisor.observe(session.call("make", "ok")) == []  # throttle at 0.72: borderline, asked
    assert [i.detector for i in _wait_for(store, 1)] == ["judge"]
    supervisor.observe(session.call("make", "ok"))
    paused = supervisor.observe(session.call("make", "ok"))  # pause at 0.85: borderline, but the cap is spent
    assert [i.action for i in paused] == ["pause"] and "judge" not in paused[0].evidence
    assert mock_upstream.app.stats()["requests"] == 1


def test_replay_supervisors_never_have_a_judge() -> None:
    assert load_supervisor("default").judge is None


def test_gateway_builds_the_judge_only_when_enabled(start_gateway: Callable[..., RunningGateway]) -> None:
    assert start_gateway().gateway.supervisor.judge is None
    judged = start_gateway(detect={"judge": {"enabled": True, "api_key_env": "TEST_JUDGE_KEY"}})
    assert judged.gateway.supervisor.judge is not None


def test_a_busy_judge_has_no_opinion_at_once(
    judge_gateway: tuple[RunningGateway, JudgeConfig], mock_upstream: MockServer
) -> None:
    _, config = judge_gateway
    slow = {"x-mock-latency-ms": "1500"}
    mock_upstream.app.script({"content": '{"progress": true, "reason": "slow"}'}, contains=ASKED, headers=slow)
    store = MemoryStandingStore()
    supervisor = Supervisor(
        [RepetitionDetector()],
        STRAIGHT,
        standing=StandingBook(store),
        judge=Judge(config.model_copy(update={"max_waiting": 1})),
    )
    incidents = []
    for name in ("s-a", "s-b", "s-c"):  # one asked, one waiting, one too many
        incidents += _loop_until_held(supervisor, ScriptedSession(session=name, style="openai"))
    assert [(i.session, i.action) for i in store.incidents] == [("s-c", "downgrade")]
    assert "judge gave no opinion: the judge is busy" in store.incidents[0].evidence


# -- end to end: a live stuck agent, the gateway's own supervisor, the judge through the gateway -----


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        ('{"progress": false, "reason": "the same failure again and again"}', "confirmed"),
        ('{"progress": true, "reason": "it tries a new fix each time"}', "dismissed"),
    ],
)
async def test_a_live_stuck_agent_is_judged_through_the_gateway_and_still_stopped(
    mock_upstream: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, verdict: str
) -> None:
    """A simulated agent stuck on one error calls a gateway whose judge asks the same gateway (its own
    key, metered) and the mock answers for the model. Confirmed: the held step applies with the
    judge's reason. Dismissed: borderline steps are let go, but the loop is paused all the same once
    its findings are beyond doubt — a wrong judge cannot keep a loop running forever."""
    port = free_port()
    judge = {
        "enabled": True,
        "url": f"http://127.0.0.1:{port}/v1",
        "api_key_env": "TEST_JUDGE_KEY",
        "model": "gpt-4o-mini",
    }
    server = GatewayServer(gateway_config(mock_upstream.url, detect={"judge": judge}), tmp_path / "gw", port=port)
    server.start()
    try:
        store = server.gateway.store
        monkeypatch.setenv("TEST_JUDGE_KEY", store.create_key("regulator-judge", "regulator", "org-1")[0])
        mock_upstream.app.script({"content": answer}, contains=ASKED)
        # The agent thinks as long as a fast one does: the judge (one more call through the gateway) answers
        # before the next turns, even on a busy machine, and so decides the step it was asked about.
        scenario = dataclasses.replace(SCENARIOS["default"], think_s=(0.15, 0.25), latency_ms=(5, 10))
        client = openai.AsyncOpenAI(
            base_url=server.url + "/v1", api_key=store.create_key("stuck-1", "fleet-1", "org-1")[0], max_retries=0
        )
        price = server.gateway.prices.price(scenario.model)
        agent = SimAgent(AgentSpec("stuck-1", "stuck", tools=True, seed=3), scenario, client, price, None)
        await asyncio.wait_for(agent.run(asyncio.Event()), timeout=60)
        await client.close()
        assert agent.state.stop == "paused", agent.state
        incidents = store.list_incidents(0, agent="stuck-1")
        judged = [i for i in incidents if "judge" in i.evidence or i.detector == "judge"]
        if verdict == "confirmed":
            assert any(i.evidence.endswith("; judge: the same failure again and again") for i in judged)
        else:
            dismissals = [i for i in judged if i.detector == "judge"]
            assert dismissals and all(i.action == "warn" for i in dismissals)
            assert "it tries a new fix each time" in dismissals[0].evidence
        assert any(i.action == "pause" for i in incidents)
        assert server.gateway.ledger.flush(timeout=5)
        judge_calls = [r for r in store.iter_records(0) if r.agent == "regulator-judge"]
        assert judge_calls and all(r.cost_usd > 0 and r.fleet == "regulator" for r in judge_calls)
        print(f"{verdict}: paused after {agent.state.calls} calls; {len(judge_calls)} judge calls")
    finally:
        server.stop()

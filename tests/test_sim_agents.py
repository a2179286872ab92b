"""The simulated agents' behaviours: conversation shapes, without a gateway."""

from __future__ import annotations

import random
import re
import urllib.request
from collections import Counter
from itertools import islice, pairwise
from pathlib import Path

import orjson

from regulator.mock.server import MockServer, encode_reply
from regulator.sim import agents
from regulator.sim.agents import Conversation, Step, answer_message, estimate_usage, steps
from regulator.sim.fleet import TraceSink
from regulator.sim.scenarios import SCENARIOS
from regulator.sim.workspace import issue_text, make_repo
from regulator.traces.format import read_labels

BASH_BLOCK = re.compile(r"^THOUGHT: .+\n\n```bash\n.+\n```$", re.DOTALL)


def _run(
    behaviour: agents.Behaviour, turns: int, seed: int = 1, tools: bool = False
) -> tuple[list[Step], Conversation]:
    rng = random.Random(seed)
    repo = make_repo(rng)
    conv = Conversation.for_task(issue_text(repo, rng), tools)
    taken = []
    for i, step in enumerate(islice(steps(behaviour, repo, rng), turns)):
        reply = conv.reply_for(step)
        conv.add_observation(step, conv.add_answer(answer_message(reply, f"call_{i}")))
        taken.append(step)
        if step.submit:
            break
    return taken, conv


def test_productive_agent_explores_reproduces_edits_tests_and_submits() -> None:
    taken, conv = _run("productive", 100)
    commands = [s.command for s in taken]
    assert taken[-1].submit and commands[-1] == agents.SUBMIT
    assert commands[0] == "ls" and any(c.startswith("grep -rn") for c in commands)
    assert any("sed -i" in c for c in commands) and any("pytest" in c for c in commands)
    assert not any(s.looping for s in taken)
    assert 8 <= len(taken) <= 20
    # mini-SWE-agent shape: system, task, then assistant / observation pairs
    roles = [m["role"] for m in conv.messages]
    assert roles[:2] == ["system", "user"] and roles[2::2] == ["assistant"] * len(taken)
    assert all(BASH_BLOCK.match(m["content"]) for m in conv.messages[2::2])
    assert all(m["content"].startswith("<returncode>") for m in conv.messages[3::2])
    last_test = [s for s in taken if "pytest" in s.command][-1]
    assert " passed in " in last_test.output and " failed" not in last_test.output


def test_stuck_agent_varies_its_attempts_but_hits_the_same_root_error() -> None:
    taken, _ = _run("stuck", 60, seed=3)
    loop = [s for s in taken if s.looping]
    assert len(loop) >= 50 and not any(s.submit for s in taken)
    assert len({s.command for s in loop}) >= 8
    assert len({s.thought for s in loop}) >= 8
    error_lines = Counter(
        line.removeprefix("E   ") for s in loop for line in s.output.splitlines() if "Error" in line.split(":")[0]
    )
    root, count = error_lines.most_common(1)[0]
    assert count >= len(loop) // 2, (root, error_lines)
    assert all(s.returncode != 0 for s in loop if root in s.output)


def test_oscillating_agent_applies_and_reverts_the_same_two_edits() -> None:
    taken, _ = _run("oscillating", 40, seed=5)
    edits = [s.command for s in taken if s.looping and "sed -i" in s.command]
    patterns = [re.search(r"s/(.+?)/(.+?)/", c).groups() for c in edits]  # type: ignore[union-attr]
    assert len(set(patterns)) == 2 and patterns[0] == patterns[1][::-1]
    assert all(a != b for a, b in pairwise(patterns))
    tests = [s for s in taken if s.looping and "pytest" in s.command]
    assert tests and all(" failed, " in s.output for s in tests)


def test_runaway_agent_appends_kilobytes_of_output_every_turn() -> None:
    taken, conv = _run("runaway", 12, tools=True)
    assert all(len(s.output) >= 4000 for s in taken[1:])
    assert conv.chars > 12 * 4000
    assert any(s.looping for s in taken)


def test_fanout_agent_reviews_files_in_parallel_then_submits() -> None:
    taken, _ = _run("fanout", 20)
    fanned = [s for s in taken if s.fanout]
    assert fanned and all(len(s.fanout) >= 4 for s in fanned)
    assert all("```python" in prompt for s in fanned for prompt in s.fanout)
    assert taken[-1].submit and not any(s.looping for s in taken)


def test_tool_agents_answer_with_tool_calls_and_get_tool_results() -> None:
    taken, conv = _run("productive", 6, tools=True)
    assert conv.messages[0]["content"] == agents.SYSTEM_TOOLS
    for answer, result, step in zip(conv.messages[2::2], conv.messages[3::2], taken, strict=True):
        call = answer["tool_calls"][0]
        assert call["function"]["name"] == "bash"
        assert orjson.loads(call["function"]["arguments"]) == {"command": step.command}
        assert result == {"role": "tool", "tool_call_id": call["id"], "content": result["content"]}


def test_same_seed_gives_the_same_conversation() -> None:
    assert _run("stuck", 20, seed=9)[1].messages == _run("stuck", 20, seed=9)[1].messages
    assert _run("stuck", 20, seed=9)[1].messages != _run("stuck", 20, seed=10)[1].messages


def test_estimated_usage_is_what_the_mock_bills() -> None:
    with MockServer() as mock:
        for behaviour in ("productive", "stuck", "runaway"):
            for tools in (False, True):
                rng = random.Random(2)
                repo = make_repo(rng)
                conv = Conversation.for_task(issue_text(repo, rng), tools)
                for step in islice(steps(behaviour, repo, rng), 5):
                    reply = conv.reply_for(step)
                    expected = estimate_usage(conv, reply, "claude-sonnet-4-5")
                    body: dict[str, object] = {"model": "claude-sonnet-4-5", "messages": conv.messages}
                    if tools:
                        body["tools"] = [agents.BASH_TOOL]
                    headers = {
                        "content-type": "application/json",
                        "x-mock-reply": encode_reply(reply["content"], reply["tool_calls"]),
                    }
                    request = urllib.request.Request(
                        mock.url + "/v1/chat/completions", orjson.dumps(body), headers, method="POST"
                    )
                    with urllib.request.urlopen(request, timeout=10) as response:
                        answer = orjson.loads(response.read())
                    usage = answer["usage"]
                    assert (expected.input_tokens, expected.output_tokens) == (
                        usage["prompt_tokens"],
                        usage["completion_tokens"],
                    ), (behaviour, tools)
                    message = answer["choices"][0]["message"]
                    received = {"role": "assistant", "content": message["content"]}
                    if message.get("tool_calls"):
                        received["tool_calls"] = message["tool_calls"]
                    conv.add_observation(step, conv.add_answer(received))


def test_scenario_fleet_has_the_mix_in_proportion_and_is_seeded() -> None:
    fleet = SCENARIOS["default"].fleet(100, seed=4)
    counts = Counter(spec.behaviour for spec in fleet)
    assert counts["productive"] == 76 and sum(counts.values()) == 100
    assert counts["stuck"] >= 5 and counts["oscillating"] >= 3 and counts["runaway"] >= 3
    assert len({spec.name for spec in fleet}) == 100
    assert fleet == SCENARIOS["default"].fleet(100, seed=4)
    assert Counter(s.behaviour for s in SCENARIOS["default"].fleet(20, seed=1))["productive"] >= 14


def test_running_the_same_tests_twice_collects_the_same_tests_and_only_the_timing_changes() -> None:
    taken, _ = _run("oscillating", 30, seed=5)
    runs = [s.output for s in taken if s.looping and "pytest" in s.command]
    same_fix = runs[0::2]  # the fix alternates, so every other run has the same code under test
    without_timing = {re.sub(r" in \d+\.\d\ds ", " in <t> ", out) for out in same_fix}
    assert len(same_fix) >= 3 and len(without_timing) == 1
    assert len({re.search(r" in \d+\.\d\ds ", out).group(0) for out in same_fix}) > 1  # type: ignore[union-attr]
    assert runs[0] != runs[1]  # the other fix fails the other test


def test_runaway_agent_reading_a_file_again_gets_the_same_content() -> None:
    taken, _ = _run("runaway", 40, seed=2, tools=True)
    by_command: dict[str, set[str]] = {}
    reads = Counter(s.command for s in taken[1:] if s.command.startswith("cat "))
    for step in taken[1:]:
        if step.command in reads:
            by_command.setdefault(step.command, set()).add(step.output)
    assert max(reads.values()) >= 3
    assert all(len(outputs) == 1 for outputs in by_command.values())
    assert len({next(iter(outputs)) for outputs in by_command.values()}) == len(by_command)


def test_trace_sink_writes_each_label_as_its_session_ends_and_keeps_nothing(tmp_path: Path) -> None:
    sink = TraceSink(tmp_path / "trace.jsonl")
    for i in range(500):
        sink.end_session(f"a-t{i}", "stuck" if i % 2 else "productive", 3 if i % 2 else None)
    sink.labels.flush()
    # On disk before the run ends: a soak's thousands of sessions are not held in memory meanwhile.
    labels = read_labels(tmp_path / "labels.jsonl")
    assert len(labels) == 500
    assert labels["a-t1"].label == "loop" and labels["a-t1"].loop_from_seq == 3
    assert labels["a-t2"].label == "productive"
    sink.close()
    assert len(read_labels(tmp_path / "labels.jsonl")) == 500

"""Every agent shape is read: Claude Code, Codex-like tool calls, legacy `function_call`, Responses
API items, and text agents (`$ ` prompts in fenced blocks, ReAct `Action Input:`)."""

from __future__ import annotations

import random

import pytest

from heldout.shapes import SHAPES, Conversation, Step
from regulator.detect.error_signature import error_signature
from regulator.detect.steps import StepTracker
from regulator.events import CallEvent, CallRecord

SCRIPT = [
    Step("shell", "npm test", "Tests: 1 failed, 9 passed, 10 total", 1),
    Step("read", "src/tax.ts", "export function total() {\n  return 1;\n}"),
    Step("shell", "npm run build", "build finished, 0 errors"),
]


def _events(shape: str) -> list[CallEvent]:
    convo = Conversation(shape, random.Random(1), "Fix the tax total.")
    events = []
    sent = 0
    for seq, step in enumerate([*SCRIPT, None]):
        body, added = convo.answer(step)
        record = CallRecord(f"c{seq}", 1.0 + seq, "o", "f", "a", "s", convo.model, "u", convo.dialect)  # type: ignore[arg-type]
        events.append(CallEvent(record, seq, list(convo.messages), sent, body))
        sent = len(convo.messages)
        convo.messages = convo.messages + added
    return events


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_pairs_its_actions_with_their_results(shape: str) -> None:
    tracker = StepTracker()
    steps = [step for event in _events(shape) for step in tracker.advance(event)]
    assert len(steps) == len(SCRIPT)
    test, read, build = steps
    assert "npm test" in test.action_key and "npm run build" in build.action_key
    assert "src/tax.ts" in read.action_key
    assert "return 1;" in read.observation.text
    # The failure is seen as one, whatever way the harness reports the exit status.
    assert error_signature(test.observation.text) is not None or test.observation.is_error
    assert error_signature(build.observation.text) is None


def test_incidental_fields_and_argv_lists_do_not_make_two_runs_differ() -> None:
    from regulator.detect.steps import action_key

    assert action_key("Bash", '{"command": "npm test", "description": "Run the tests"}') == action_key(
        "Bash", '{"command": "npm test", "description": "Re-run them"}'
    )
    assert action_key("shell", '{"command": ["bash", "-lc", "npm test"], "timeout_ms": 1000}') == action_key(
        "shell", '{"command": "npm test"}'
    )


def test_a_responses_local_shell_call_is_the_command_it_runs() -> None:
    from regulator.detect.messages import actions_of_response
    from regulator.detect.steps import action_key

    shell = {"type": "local_shell_call", "action": {"type": "exec", "command": ["bash", "-lc", "npm test"]}}
    [action] = actions_of_response({"output": [shell, "not an item"]})
    assert action_key(action.tool, action.text) == action_key("shell", '{"command": "npm test"}')

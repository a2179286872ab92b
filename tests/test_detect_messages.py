from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.detect.messages import parse
from regulator.detect.steps import StepTracker


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
def test_actions_and_results_are_paired_in_every_dialect(style: str) -> None:
    session = ScriptedSession(style=style)
    tracker = StepTracker()
    first = session.call("pytest tests/test_x.py", "1 failed")
    assert tracker.advance(first) == []  # the task is not an observation
    (action,) = parse(first).actions
    assert "pytest tests/test_x.py" in action.text
    second = session.call("cat setup.py", "from setuptools import setup")
    steps = tracker.advance(second)
    assert len(steps) == 1
    assert steps[0].seq == 0
    assert "pytest tests/test_x.py" in steps[0].command
    assert steps[0].observation.text == "1 failed"


def test_only_the_new_messages_are_read() -> None:
    session = ScriptedSession()
    for i in range(5):
        event = session.call(f"ls dir{i}", f"file{i}")
    assert [o.text for o in parse(event).observations] == ["file3"]


def test_anthropic_is_error_flag_is_kept() -> None:
    session = ScriptedSession(style="anthropic")
    session.call("make", "boom", is_error=True)
    event = session.call("make", "boom")
    assert parse(event).observations[0].is_error

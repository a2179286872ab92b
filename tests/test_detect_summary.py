"""What the agent did, one line per call: the result that came back and the action asked for."""

from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.detect.summary import summarise
from regulator.proxy.observer import call_summary
from regulator.store.schema import SUMMARY_MAX

FAILING = (
    "<returncode>1</returncode>\n<output>\n"
    "FAILED tests/test_parse.py::test_dates - AssertionError: assert 3 == 4\n"
    "1 failed, 12 passed in 0.40s\n</output>"
)


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
def test_a_stuck_agents_calls_each_say_its_command_and_the_error_it_got(style: str) -> None:
    session = ScriptedSession(style=style)
    first = summarise(session.call("pytest tests/test_parse.py", FAILING))
    lines = [summarise(session.call("pytest tests/test_parse.py", FAILING)) for _ in range(3)]
    assert first is not None and first.startswith("action: ") and "pytest tests/test_parse.py" in first
    for line in lines:
        assert line is not None
        result, action = line.split(" · ")
        assert result == "result: failing tests/test_parse.py::test_dates (1 failed)"
        assert "pytest tests/test_parse.py" in action


def test_a_result_without_a_failure_reads_ok_and_a_tool_call_shows_its_name() -> None:
    session = ScriptedSession(style="openai")
    session.call("ls src", "<returncode>0</returncode>\n<output>\napp.py\n</output>")
    line = summarise(session.call("cat src/app.py", "print('hi')"))
    assert line == "result: ok · action: cat src/app.py"
    session = ScriptedSession(style="anthropic")
    event = session.call("x")
    event.response = {"content": [{"type": "tool_use", "id": "t1", "name": "edit", "input": {"path": "a.py"}}]}
    assert summarise(event) == 'action: edit {"path":"a.py"}'


def test_the_stored_line_is_redacted_before_it_is_cut_to_the_ledgers_length() -> None:
    session = ScriptedSession(style="text")
    secret = "sk-proj-" + "a" * 40
    long_tail = " --verbose" * 40
    event = session.call(f"curl -H 'Authorization: Bearer {secret}' https://api.example.com{long_tail}")
    line = call_summary(event)
    assert line is not None and secret not in line and "sk-proj-" not in line
    assert "[REDACTED]" in line and len(line) == SUMMARY_MAX and line.endswith("…")
    password = call_summary(session.call("mysql --password hunter2secret -h db", "ok"))
    assert password is not None and "hunter2secret" not in password


def test_a_call_with_neither_result_nor_action_has_no_summary() -> None:
    session = ScriptedSession(style="openai")
    event = session.call("echo")
    event.response = {"choices": [{"message": {"role": "assistant", "content": "All done."}}]}
    assert summarise(event) is None

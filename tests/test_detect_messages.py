from __future__ import annotations

import orjson
import pytest

from detect_support import ScriptedSession
from regulator.detect.error_signature import error_signature
from regulator.detect.messages import actions_of_response, observations, parse, result_text
from regulator.detect.steps import StepTracker, action_key


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


# -- aider: SEARCH/REPLACE edits ---------------------------------------------------------------------

_AIDER_REPLY = """I'll fix the total and add a changelog.

app/models/order.rb
```ruby
<<<<<<< SEARCH
  def total
    items.sum
  end
=======
  def total
    items.sum(&:price)
  end
>>>>>>> REPLACE
```

CHANGELOG.md
```
<<<<<<< SEARCH
=======
# Changelog
>>>>>>> REPLACE
```

```bash
bundle exec rubocop app/models/order.rb
```
"""


def _aider_answer(text: str) -> dict[str, object]:
    return {"choices": [{"message": {"role": "assistant", "content": text}}]}


def test_an_aider_reply_with_two_edits_and_a_command_is_three_actions_in_order() -> None:
    actions = actions_of_response(_aider_answer(_AIDER_REPLY))
    assert [a.tool for a in actions] == ["edit", "edit", "bash"]
    assert [orjson.loads(a.text)["path"] for a in actions[:2]] == ["app/models/order.rb", "CHANGELOG.md"]
    assert orjson.loads(actions[1].text)["search"] == ""  # a new file: nothing to find
    assert actions[2].text == "bundle exec rubocop app/models/order.rb"  # the unlabelled edit fence is no command


def test_different_aider_edits_are_different_actions_and_a_reapplied_edit_is_the_same() -> None:
    def edit(new: str, fence: str = "ruby", prose: str = "") -> str:
        (action,) = actions_of_response(
            _aider_answer(
                f"{prose}\n\nlib/tax.rb\n```{fence}\n<<<<<<< SEARCH\nRATE = 1\n=======\n{new}\n>>>>>>> REPLACE\n```"
            )
        )
        return action_key(action.tool, action.text)

    assert edit("RATE = 2") != edit("RATE = 3")
    assert edit("RATE = 2") == edit("RATE = 2", fence="rb", prose="Trying that again.")


def test_a_block_without_a_path_edits_the_previous_blocks_file() -> None:
    text = (
        "lib/a.rb\n```ruby\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n```\n\n"
        "```ruby\n<<<<<<< SEARCH\ny = 1\n=======\ny = 2\n>>>>>>> REPLACE\n```\n"
    )
    assert [orjson.loads(a.text)["path"] for a in actions_of_response(_aider_answer(text))] == ["lib/a.rb"] * 2


def test_aiders_one_reply_gives_each_edit_its_acknowledgement_and_the_command_its_output() -> None:
    reply = (
        "Applied edit to app/models/order.rb\n"
        "I ran this command:\n\nbundle exec rubocop app/models/order.rb\n\nAnd got this output:\n\n"
        "app/models/order.rb:3:5: C: Layout/IndentationWidth\n"
    )
    messages = [{"role": "assistant", "content": _AIDER_REPLY}, {"role": "user", "content": reply}]
    edit, new_file, lint = (o.text for o in observations(messages, 1))
    assert edit == "Applied edit to app/models/order.rb"
    assert new_file == ""  # nothing said about it: an edit prints nothing
    assert lint.startswith("I ran this command:") and "Layout/IndentationWidth" in lint


def test_aiders_output_of_each_line_of_a_shell_block_is_that_commands_result() -> None:
    edit = "app.py\n```python\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```"
    answer = f"{edit}\n\n```bash\nruff check .\npytest -q\n```"
    reply = "Output from ruff check .\nAll checks passed!\nOutput from pytest -q\n1 failed, 3 passed\n"
    messages = [{"role": "assistant", "content": answer}, {"role": "user", "content": reply}]
    edited, run = (o.text for o in observations(messages, 1))
    assert edited == ""
    assert "All checks passed!" in run and "1 failed, 3 passed" in run


# -- OpenHands: str_replace_editor and execute_bash ----------------------------------------------------


def _openhands_key(**arguments: str) -> str:
    (action,) = actions_of_response(
        {
            "choices": [
                {
                    "message": {
                        "role": "assistant",
                        "tool_calls": [
                            {"function": {"name": "str_replace_editor", "arguments": orjson.dumps(arguments).decode()}}
                        ],
                    }
                }
            ]
        }
    )
    return action_key(action.tool, action.text)


def test_openhands_view_is_a_read_of_its_path_and_edits_differ_by_their_content() -> None:
    view = _openhands_key(command="view", path="/workspace/app/lib/tax.rb")
    assert view == _openhands_key(command="view", path="/workspace/app/lib/tax.rb")
    assert "view" in view and "/workspace/app/lib/tax.rb" in view
    assert view != _openhands_key(command="view", path="/workspace/app/lib/order.rb")
    first = _openhands_key(
        command="str_replace", path="/workspace/app/lib/tax.rb", old_str="RATE = 1", new_str="RATE = 2"
    )
    other = _openhands_key(
        command="str_replace", path="/workspace/app/lib/tax.rb", old_str="RATE = 1", new_str="RATE = 3"
    )
    assert len({view, first, other}) == 3


def test_openhands_exit_code_trailer_is_the_exit_status() -> None:
    failed = result_text(
        "rake aborted!\nLoadError: cannot load such file -- pg\n[The command completed with exit code 1.]\n"
        "[Current working directory: /workspace/freight]\n[Python interpreter: /openhands/py-5O4_aCHf/bin/python]"
    )
    assert failed == "rake aborted!\nLoadError: cannot load such file -- pg\nexit code 1"
    assert error_signature(failed) == "LoadError: cannot load such file -- pg"
    # The working directory, printed after every command, is no failure's last line.
    trailer = "\n[Current working directory: /workspace/freight]"
    make = error_signature(result_text(f"make: *** [all] Error 2\n[The command completed with exit code 2.]{trailer}"))
    lint = error_signature(result_text(f"3 offenses detected\n[The command completed with exit code 1.]{trailer}"))
    assert make == "exit code: make: *** [all] Error 2"
    assert lint == "exit code: 3 offenses detected"
    # A success says only its output: the trailer, the same after every command, is not part of it.
    passed = result_text("3 examples, 0 failures\n[The command completed with exit code 0.]\n")
    assert passed == "3 examples, 0 failures"

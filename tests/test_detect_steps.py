"""What a step is: whether it changes the code the next check runs."""

from __future__ import annotations

import pytest

from regulator.detect.messages import Action, Observation
from regulator.detect.steps import Step


def _step(tool: str, text: str) -> Step:
    return Step(0, Action(tool, text), Observation(""))


@pytest.mark.parametrize(
    ("tool", "text", "changes"),
    [
        ("bash", "sed -i 's/a/b/' x.py", True),  # an edit
        ("str_replace_based_edit_tool", '{"command": "str_replace", "path": "x.py"}', True),
        ("bash", "git bisect good", True),  # another commit checked out
        ("bash", "git stash", True),
        ("bash", "git stash pop", True),
        ("bash", "cd /testbed && git checkout HEAD~3", True),
        ("bash", "git -C /testbed restore x.py", True),
        ("bash", "git apply fix.patch", True),
        ("Bash", '{"command": "git bisect bad", "description": "Mark this commit"}', True),  # Claude Code
        ("shell", '{"command": ["bash", "-lc", "git stash"], "workdir": "/w"}', True),  # Codex
        ("bash", "git stash list", False),  # listing changes nothing
        ("bash", "git -C /testbed stash show -p", False),
        ("bash", "git bisect log", False),
        ("bash", "git status && git diff", False),
        ("bash", "python -m pytest tests -q", False),
        ("bash", "pip install requests==2.31", False),  # a change to the environment, not to the code
    ],
)
def test_a_step_changes_the_code_when_it_edits_or_git_puts_other_code_in_the_tree(
    tool: str, text: str, changes: bool
) -> None:
    assert _step(tool, text).changes_code is changes

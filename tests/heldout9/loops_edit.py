"""Loops of edits: a new edit each round and the same failure (same-failure-new-edits), and two or
three alternative fixes applied in turn with `git checkout`/`git stash` between (revert-reapply)."""

from __future__ import annotations

import random

from .drift import drifted
from .edits import edit, near
from .instance import Instance
from .protocol import Step
from .texts import failing_test, script_failure, test_run, view

AGAIN = [
    "Run the reproduction again.",
    "Let me check if this fixes it.",
    "Now re-run the script to verify.",
    "Check the result of this change.",
    "Test again.",
]


def _check(inst: Instance, rng: random.Random, use_test: bool) -> tuple[str, int, str]:
    """The command that keeps failing, its return code and base output."""
    if use_test:
        code, output = test_run(inst, rng)
        return inst.test_command, code, output
    code, output = script_failure(inst, rng)
    return f"python {inst.script}", code, output


def same_failure_new_edits(inst: Instance, rng: random.Random, n: int) -> list[Step]:
    command, code, output = _check(inst, rng, rng.random() < 0.5)
    lines = near(inst, rng.choice(inst.functions()))
    steps: list[Step] = []
    while len(steps) < n:
        number = rng.choice(lines)
        if rng.random() < 0.3:
            steps.append(
                Step(
                    f"The same error. Let me look around line {number} again.",
                    f"nl -ba {inst.source} | sed -n '{number - 12},{number + 12}p'",
                    view(inst, inst.source, number - 12, number + 12),
                )
            )
        thought, change = edit(inst, rng, number)
        steps.append(Step(("Still the same failure. " if steps else "") + thought, change))
        steps.append(Step(rng.choice(AGAIN), command, drifted(output, rng), code, seconds=rng.uniform(1, 8)))
    return steps[:n]


def revert_reapply(inst: Instance, rng: random.Random, n: int) -> list[Step]:
    lines = near(inst, rng.choice(inst.functions()))
    fixes = [rng.choice(lines) for _ in range(rng.choice([2, 3]))]
    edits = [edit(inst, rng, number) for number in fixes]
    failures = [
        failing_test(inst, rng, f"test_{rng.choice(inst.functions()).strip('_')}", message)
        for message in ("Lists differ: [1, 2] != [2, 1]", "None != 'expected'", "TypeError: unhashable type: 'list'")[
            : len(fixes)
        ]
    ]
    steps: list[Step] = []
    turn = 0
    while len(steps) < n:
        which = turn % len(fixes)
        thought, change = edits[which]
        other = "the first approach" if which else "the alternative approach"
        steps.append(Step(f"That broke another test. Going back to {other}. {thought}", change))
        code, output = failures[which]
        steps.append(
            Step("Run the targeted tests.", inst.test_command, drifted(output, rng), code, seconds=rng.uniform(2, 10))
        )
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "Revert this change before trying the other one.",
                    f"git checkout {inst.source}",
                    "Updated 1 path from the index\n",
                )
            )
        else:
            sha = "".join(rng.choice("0123456789abcdef") for _ in range(10))
            steps.append(
                Step(
                    "Stash this attempt.",
                    "git stash",
                    f"Saved working directory and index state WIP on main: {sha} Merge pull request #{rng.randint(1000, 30000)}\n",
                )
            )
        turn += 1
    return steps[:n]

"""Loops that come round: a round of 5–9 steps again and again with small variations (long-cycle),
and one failing command rerun identically or nearly, with sleeps and wrappers (retry-storm)."""

from __future__ import annotations

import random

from .drift import drifted
from .edits import diff, edit, near
from .instance import Instance
from .protocol import Step
from .texts import grep, script_failure, test_run, view


def long_cycle(inst: Instance, rng: random.Random, n: int) -> list[Step]:
    function = rng.choice(inst.functions())
    number = rng.choice(near(inst, function))
    code, failure = script_failure(inst, rng)
    test_code, test_failure = test_run(inst, rng)
    size = rng.randint(5, 9)
    steps: list[Step] = []
    while len(steps) < n:
        shift = rng.randint(-3, 3)
        thought, change = edit(inst, rng, number)
        new_text = inst.lines(inst.source)[number].replace(inst.lines(inst.source)[number].strip(), "# edited", 1)
        round_: list[Step] = [
            Step(
                f"Let me look at `{function}` again.",
                f"nl -ba {inst.source} | sed -n '{number - 15 + shift},{number + 15 + shift}p'",
                view(inst, inst.source, number - 15 + shift, number + 15 + shift),
            ),
            Step(
                f"Where is `{function}` used?",
                f"grep -n{rng.choice(['', ' -w'])} '{function}' {inst.source}",
                grep(inst, inst.source, function),
                0 if grep(inst, inst.source, function) else 1,
            ),
            Step(thought, change),
            Step(
                "Run the reproduction script.",
                f"python {inst.script}",
                drifted(failure, rng),
                code,
                seconds=rng.uniform(1, 5),
            ),
            Step(
                "Check what I changed.",
                rng.choice(["git diff", f"git diff {inst.source}"]),
                diff(inst, rng, number, new_text),
            ),
            Step(
                "Run the tests too.",
                inst.test_command + rng.choice(["", " 2>&1 | tail -30"]),
                drifted(test_failure, rng)[-3000:],
                test_code,
                seconds=rng.uniform(2, 12),
            ),
            Step(
                "That did not help. Revert and rethink.",
                f"git checkout {inst.source}",
                "Updated 1 path from the index\n",
            ),
            Step("Confirm the tree is clean.", "git status --short", f"?? {inst.script}\n"),
            Step(
                "Check the exact error once more.",
                f"python {inst.script} 2>&1 | tail -5",
                "\n".join(drifted(failure, rng).splitlines()[-5:]) + "\n",
            ),
        ][:size]
        steps += round_
    return steps[:n]


def retry_storm(inst: Instance, rng: random.Random, n: int) -> list[Step]:
    """One failing command rerun; the suite keeps timing out or failing, its output maybe growing."""
    use_timeout = rng.random() < 0.4
    base = inst.test_command if rng.random() < 0.6 else f"python {inst.script}"
    code, output = test_run(inst, rng) if base == inst.test_command else script_failure(inst, rng)
    wrappers = [
        "{c}",
        "{c}",
        "{c} 2>&1",
        "sleep 5 && {c}",
        "timeout 60 {c}",
        "{c}",
        "sleep 10; {c} 2>&1",
        "{c} 2>&1 | tail -40",
    ]
    thoughts = [
        "Let me run it again.",
        "Try once more; it may have been a fluke.",
        "Wait a bit and retry.",
        "Run it again with stderr merged.",
        "Once more.",
    ]
    steps: list[Step] = []
    grown = output
    for i in range(n):
        command = rng.choice(wrappers).format(c=base) if i else base
        if use_timeout:
            partial = "\n".join(grown.splitlines()[: 4 + i % 7])
            steps.append(Step(rng.choice(thoughts), command, partial, -9, seconds=60, timed_out=True))
            continue
        if rng.random() < 0.3:  # a rerun appends the warnings it printed before the failure
            grown = (
                f"{inst.site}/{rng.choice(['numpy', 'pkg_resources', 'setuptools'])}/__init__.py:{rng.randint(80, 900)}: DeprecationWarning: deprecated call\n"
                + grown
            )
        steps.append(Step(rng.choice(thoughts), command, drifted(grown, rng), code, seconds=rng.uniform(1, 15)))
    return steps

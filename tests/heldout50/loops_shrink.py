# ruff: noqa: E501
"""Loops where the reproduction never holds still: one exception after another, and a minimal repro that drifts."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout50.text import (
    EXCEPTIONS,
    INPUTS,
    Ctx,
    Repro,
    churn,
    edit_step,
    failing_case,
    line_of,
    other,
    py_edit,
    right,
    test_step,
)


def repro_exception_relay(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Each patch gets the script past one exception and into the next; the relay never reaches an answer."""
    repro = Repro.drawn(
        ctx, rng, rng.choice(["reproduce.py", "repro_issue.py", "reproduce_bug.py"]), style=rng.choice([0, 2, 3])
    )
    seen: list[str] = []

    def run(thought: str) -> Step:
        error = rng.choice(seen) if seen and rng.random() < 0.25 else rng.choice(EXCEPTIONS)
        seen.append(error)
        output, rc = repro.run(rng, error=error, depth=rng.randint(1, 4))
        runner = rng.choice(
            [
                f"python {repro.path}",
                f"python {repro.path} 2>&1 | tail -5",
                f"python -X faulthandler {repro.path}",
                f"python {repro.path}; echo exit=$?",
            ]
        )
        if "tail -5" in runner:
            output = "\n".join(output.splitlines()[-5:])
        elif "exit=" in runner:
            output += f"\nexit={rc}"
            rc = 0
        return Step(thought, runner, output, rc, seconds=rng.uniform(0.3, 2.5))

    steps = [Step("Let me reproduce the issue with a script first.", repro.write, ""), run("Run it.")]

    def patch(k: int) -> list[Step]:
        last = seen[-1].split(":")[0]
        if len(seen) > 1 and seen[-1] == seen[-2]:
            thought = f"Still the same {last}; my last change did not reach it. Let me try another spot."
        else:
            thought = f"Now a {last}. {rng.choice(['Let me guard against it where the traceback points.', 'I will handle that case explicitly.', 'That is a different error from before, so the last fix did something.'])}"
        return [
            edit_step(ctx, rng, thought),
            run(
                rng.choice(
                    [
                        "And again.",
                        "Rerun the script.",
                        "Let's see if it gets further now.",
                        "Check the script once more.",
                    ]
                )
            ),
        ]

    def wrap(k: int) -> list[Step]:
        line = line_of(rng)
        return [
            Step(
                "Let me catch the error inside the helper and fall back to the raw value.",
                py_edit(
                    ctx.source,
                    f"        key = {ctx.helper}(item)\n",
                    f"        try:\n            key = {ctx.helper}(item)\n        except ({rng.choice(['TypeError', 'AttributeError', 'ValueError'])}, {rng.choice(['KeyError', 'IndexError', 'UnicodeError'])}):\n            key = item\n",
                ),
                "patched",
            ),
            run(f"Rerun; the fallback is at line {line}."),
        ]

    def tests(k: int) -> list[Step]:
        return [
            test_step(
                ctx,
                rng,
                "Let me see what the test suite makes of the current state.",
                [failing_case(ctx, rng) for _ in range(rng.randint(1, 5))],
            )
        ]

    attempts = [patch, patch, wrap, tests]
    return churn(ctx, rng, n, steps, attempts, "this chain of exceptions")


_MINIMAL = ("min_repro.py", "minimal.py", "repro_min.py", "tiny.py", "/tmp/min.py", "smallest.py", "repro_small.py")


def repro_minimisation_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The repro cut down by hand: the small versions stop reproducing, or show something else, never the same bug."""
    full = Repro.drawn(ctx, rng, rng.choice(["reproduce.py", "reproduce_issue.py"]), style=rng.choice([0, 1]))
    bug = full.wrong(rng)
    names = [
        f"{name[:-3]}{'' if i == 0 else i + 1}.py" for i in range(6) for name in rng.sample(_MINIMAL, len(_MINIMAL))
    ]
    small: list[Repro] = []
    steps = [
        Step("Let me write a script reproducing the issue as described.", full.write, ""),
        full.step(rng, "Run it.", got=bug),
    ]

    def outcome_small(repro: Repro) -> dict[str, str]:
        roll = rng.random()
        if roll < 0.35:
            return {"got": repro.wanted}  # the small script does not reproduce
        if roll < 0.65:
            return {"error": rng.choice(EXCEPTIONS)}
        return {"got": repro.wrong(rng)}

    def shrink(k: int) -> list[Step]:
        repro = Repro.drawn(ctx, rng, names[len(small)], style=rng.randrange(4))
        repro.value = other(rng, INPUTS, full.value) if rng.random() < 0.5 else full.value
        repro.wanted = right(repro.value)
        small.append(repro)
        thought = rng.choice(
            [
                "Let me cut the reproduction down to the essentials so I can see exactly which input triggers it.",
                "The script is doing too much. A smaller one with a single call should isolate the bug.",
                "Let me try an even more minimal version, without the extra arguments.",
                "Maybe the bug needs the input exactly as in the issue; let me write a minimal script around that.",
            ]
        )
        return [repro.written_and_run(rng, thought, **outcome_small(repro))]

    def head_cut(k: int) -> list[Step]:
        keep = rng.randint(3, 9)
        cut = f"/tmp/r{keep}_{k}.py"
        command = f'head -n {keep} {full.path} > {cut} && echo "print(repr({full.call}))" >> {cut} && python {cut}'
        if rng.random() < 0.4:
            output, rc = (
                f"Traceback (most recent call last):\n  File \"{cut}\", line {keep + 1}, in <module>\n    print(repr({full.call}))\nNameError: name '{ctx.func}' is not defined",
                1,
            )
        else:
            output, rc = other(rng, (full.wanted, bug, full.wrong(rng)), ""), 0
        return [
            Step("Let me bisect the script by hand: keep only its first lines and print the call.", command, output, rc)
        ]

    def fix_small(k: int) -> list[Step]:
        repro = rng.choice(small) if small else full
        return [
            edit_step(ctx, rng, f"The small script {repro.path} points at a different cause."),
            repro.step(rng, f"Check {repro.path}.", got=repro.wanted),
            full.step(
                rng,
                f"The small script passes now. And the full one, {full.path}?",
                got=full.wrong(rng),
                error=rng.choice(EXCEPTIONS) if rng.random() < 0.3 else None,
            ),
        ]

    def compare(k: int) -> list[Step]:
        repro = rng.choice(small) if small else full
        lines = [
            f"{line_of(rng) % 12 + 1}c{line_of(rng) % 8 + 1}",
            f"< value = {full.value}",
            "---",
            f"> value = {repro.value}",
        ]
        if full.kw != repro.kw:
            lines += [f"< result = {ctx.func}(value{full.kw})", "---", f"> out = {ctx.func}(value{repro.kw})"]
        return [
            Step(
                f"What differs between {full.path} and {repro.path}?",
                f"diff {full.path} {repro.path}",
                "\n".join(lines),
                rc=1,
            )
        ]

    def tests(k: int) -> list[Step]:
        return [
            test_step(
                ctx,
                rng,
                "Let me see whether the test suite reproduces anything.",
                [failing_case(ctx, rng)] if rng.random() < 0.6 else [],
            )
        ]

    attempts = [shrink, shrink, head_cut, fix_small, compare, tests]
    return churn(ctx, rng, n, steps, attempts, "finding a minimal reproduction")

# ruff: noqa: E501
"""Loops where the reproduction itself keeps moving: its expected value rewritten, its table of cases regrown."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout50.text import (
    CASES,
    INPUTS,
    Ctx,
    churn,
    edit_step,
    failing_case,
    heredoc,
    line_of,
    other,
    right,
    test_step,
)

_REREADS = (
    "Re-reading the issue, I think the expected result is actually {}.",
    "On reflection the caller would want {} here, not what I wrote.",
    "The docstring hints that it should give {}; let me update the script.",
    "Looking at how the callers use it, {} makes more sense as the expectation.",
    "Maybe I had the expectation backwards: it should be {}.",
)


def repro_expectation_rewritten(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The script's EXPECTED and the function both edited round after round; they never meet, or the tests object."""
    path = rng.choice(["reproduce.py", "repro_expected.py", "reproduce_issue.py"])
    value = rng.choice(INPUTS)
    results = CASES[value]
    state = {"expected": results[0] if rng.random() < 0.6 else rng.choice(results), "got": ""}
    state["got"] = other(rng, results, state["expected"])
    body = f'{ctx.imports}\nEXPECTED = {state["expected"]}\nvalue = {value}\ngot = {ctx.func}(value)\nprint("got     ", repr(got))\nprint("expected", repr(EXPECTED))\nprint("PASS" if got == EXPECTED else "FAIL")\n'

    def run(thought: str, passes: bool = False) -> Step:
        if passes:
            state["got"] = state["expected"]
        elif state["got"] == state["expected"]:
            state["got"] = other(rng, results, state["expected"])
        verdict = "PASS" if state["got"] == state["expected"] else "FAIL"
        runner = rng.choice([f"python {path}", f"python {path} 2>&1", f"cd /testbed && python {path}"])
        return Step(
            thought,
            runner,
            f"got      {state['got']}\nexpected {state['expected']}\n{verdict}",
            seconds=rng.uniform(0.3, 2.0),
        )

    steps = [
        Step("Let me write a script with the behaviour I expect from the issue.", heredoc(path, body), ""),
        run("Run it."),
    ]

    def reconsider(k: int) -> list[Step]:
        state["expected"] = other(rng, results, state["expected"], state["got"])
        thought = rng.choice(_REREADS).format(state["expected"])
        return [
            Step(thought, f'sed -i "s/^EXPECTED = .*/EXPECTED = {state["expected"]}/" {path}', ""),
            run("Rerun with the new expectation.", passes=rng.random() < 0.2),
        ]

    def chase(k: int) -> list[Step]:
        state["got"] = other(rng, results, state["expected"], state["got"])
        return [
            edit_step(ctx, rng, f"The function should return {state['expected']}."),
            run("Let me check the script now.", passes=rng.random() < 0.3),
        ]

    def tests(k: int) -> list[Step]:
        case = failing_case(ctx, rng)
        return [
            test_step(
                ctx,
                rng,
                rng.choice(
                    [
                        "Let me see whether the existing tests agree with my expectation.",
                        "The script aside, what do the tests say?",
                    ]
                ),
                [case] + ([failing_case(ctx, rng)] if rng.random() < 0.4 else []),
            )
        ]

    def doc(k: int) -> list[Step]:
        line = line_of(rng)
        return [
            Step(
                "Let me read the docstring again for the intended behaviour.",
                rng.choice(
                    [f"sed -n '{line},{line + 12}p' {ctx.source}", f"grep -n -A10 'def {ctx.func}' {ctx.source}"]
                ),
                f'{line}:def {ctx.func}(value, sep=\',\', **options):\n{line + 1}-    """Return the items of `value` as a list.\n{line + 2}-\n{line + 3}-    Strings are split on `sep`; {rng.choice(["empty items are dropped", "items are stripped", "duplicates are removed", "order is preserved"])}.\n{line + 4}-    """',
            )
        ]

    attempts = [reconsider, chase, chase, tests, doc]
    return churn(ctx, rng, n, steps, attempts, "settling what the result should even be")


def _table(ctx: Ctx, cases: list[tuple[str, str]]) -> str:
    rows = "".join(f"    ({value}, {wanted}),\n" for value, wanted in cases)
    return f'{ctx.imports}\nCASES = [\n{rows}]\n\nfor value, wanted in CASES:\n    try:\n        got = {ctx.func}(value)\n    except Exception as exc:\n        got = exc\n    print("PASS" if got == wanted else "FAIL", repr(value), "->", repr(got))\n'


def repro_case_accretion(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A table of cases rewritten whole with one more case each round; some other case always fails."""
    path = rng.choice(["repro_cases.py", "check_cases.py", "reproduce_all.py"])
    pool = list(INPUTS)
    rng.shuffle(pool)
    cases = [(value, right(value)) for value in pool[:2]]

    def run_table(thought: str, write: bool) -> Step:
        failing = set(rng.sample(range(len(cases)), rng.randint(1, min(3, len(cases)))))
        lines = []
        for i, (value, wanted) in enumerate(cases):
            got = other(rng, CASES[value], wanted) if i in failing else wanted
            if i in failing and rng.random() < 0.2:
                got = rng.choice(
                    [
                        "TypeError(\"'NoneType' object is not iterable\")",
                        "AttributeError(\"'tuple' object has no attribute 'split'\")",
                        "KeyError('j')",
                    ]
                )
            lines.append(f"{'FAIL' if i in failing else 'PASS'} {value} -> {got}")
        command = (
            heredoc(path, _table(ctx, cases), f"python {path}")
            if write
            else rng.choice([f"python {path}", f"python {path} | grep -c PASS; python {path} | grep FAIL"])
        )
        output = "\n".join(lines)
        if "grep -c" in command:
            output = f"{len(cases) - len(failing)}\n" + "\n".join(line for line in lines if line.startswith("FAIL"))
        return Step(thought, command, output, seconds=rng.uniform(0.3, 2.5))

    steps = [run_table("Let me write a table of cases covering the issue and run it.", True)]

    def grow(k: int) -> list[Step]:
        spare = [value for value in pool if value not in {c[0] for c in cases}]
        if spare:
            cases.append((spare[0], right(spare[0]) if rng.random() < 0.75 else rng.choice(CASES[spare[0]])))
        else:
            i = rng.randrange(len(cases))
            cases[i] = (cases[i][0], other(rng, CASES[cases[i][0]], cases[i][1]))
        return [
            run_table(
                rng.choice(
                    [
                        "Let me add another case the issue implies and rewrite the script.",
                        "I should also cover this input; rewriting the case table.",
                        "One more case, and I'll restructure the script while I'm at it.",
                    ]
                ),
                True,
            )
        ]

    def fix(k: int) -> list[Step]:
        return [
            edit_step(
                ctx,
                rng,
                rng.choice(
                    [
                        "Let me fix the failing case.",
                        "This case fails for a different reason than the last one.",
                        "The newest case needs its own branch.",
                    ]
                ),
            ),
            run_table("Run the table again.", False),
        ]

    def drop(k: int) -> list[Step]:
        if len(cases) > 2:
            cases.pop(rng.randrange(len(cases)))
            return [run_table("That case may have been wrong to include. Let me drop it and rewrite the table.", True)]
        i = rng.randrange(len(cases))
        cases[i] = (cases[i][0], other(rng, CASES[cases[i][0]], cases[i][1]))
        return [
            run_table("I may have the expected value of that case wrong. Let me change it and rewrite the table.", True)
        ]

    def tests(k: int) -> list[Step]:
        return [
            test_step(
                ctx, rng, "Let me run the real tests too.", [failing_case(ctx, rng) for _ in range(rng.randint(1, 3))]
            )
        ]

    attempts = [grow, grow, fix, fix, drop, tests]
    return churn(ctx, rng, n, steps, attempts, "getting every case in the table to pass")

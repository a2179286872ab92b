# ruff: noqa: E501
"""Loops on pytest's own memory: the last-failed cache showing old failures, and a shared fixture mutated.

Both are pytest's, so these families go to runs whose repository tests with pytest.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout49.text import Attempt, Ctx, churn, one_test, py_edit, rerun, run_output, stale, test_step


def _edit(thought: str, command: str) -> Step:
    return Step(thought, command, "patched")


def _with_line(output: str, line: str) -> str:
    """pytest's output with a plugin's status line after the rootdir line, as --lf and --sw print theirs."""
    return output.replace("rootdir: /testbed\n", f"rootdir: /testbed\n{line}\n", 1)


def _node(ctx: Ctx, rng: random.Random) -> str:
    module = rng.choice(
        [
            ctx.test_file,
            ctx.test_file.replace(".py", "_api.py"),
            f"{ctx.tests_dir}/test_{rng.choice(['utils', 'compat', 'config', 'io'])}.py",
        ]
    )
    return f"{module}::{ctx.case(rng)}"


def lastfailed_mirage(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`--lf`, `--ff` and `--sw` rerun what the cache remembers; each green rerun hides failures elsewhere."""
    code = f"assert {ctx.func}(value) == expected"

    def full(thought: str, extra: str = "") -> Step:
        tests = dict.fromkeys(_node(ctx, rng).split("::")[1] for _ in range(rng.randint(1, 4)))
        failing = [(test, stale(rng)) for test in tests]
        return test_step(
            ctx, rng, thought, ctx.tests_dir, failing, extra=extra, code=code, passed=rng.randint(120, 900)
        )

    def lf_green(thought: str) -> Step:
        k = rng.randint(1, 4)
        line = rng.choice(
            [
                f"run-last-failure: rerun previous {k} failure{'s' if k > 1 else ''} (skipped {rng.randint(3, 40)} files)",
                f"run-last-failure: rerun previous {k} failure{'s' if k > 1 else ''}",
                f"run-last-failure: {k} known failures not in selected tests",
            ]
        )
        out = _with_line(run_output(ctx, rng, ctx.tests_dir, k, [], code), line)
        return Step(
            thought,
            ctx.tests(ctx.tests_dir, rng.choice([" --lf", " --lf -q", " --last-failed"])),
            out,
            seconds=rng.uniform(0.4, 3),
        )

    first = [
        lf_green("Let me rerun the tests that failed before my fix."),
        full("They pass. Let me run the whole test directory to be sure."),
    ]

    def edit_then_lf(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("return default", "return options.get('default', default)"),
                ("if value is None:", "if value is None or value == '':"),
                ("result = []", "result: list = []"),
                ("parts = str(value).split(sep)", "parts = [p for p in str(value).split(sep) if p]"),
            ]
        )
        return [
            _edit("Let me fix the case those failures point at.", py_edit(ctx.source, old, new)),
            lf_green(rerun(rng)),
        ]

    def ff(k: int) -> list[Step]:
        return [
            full(
                "Let me run everything with the failures first.",
                rng.choice([" --ff -x", " --ff", " --failed-first --maxfail=2"]),
            )
        ]

    def stepwise(k: int) -> list[Step]:
        skipped = rng.randint(8, 200)
        name = _node(ctx, rng)
        out = run_output(ctx, rng, ctx.tests_dir, rng.randint(0, 30), [(name.split("::")[1], stale(rng))], code)
        line = rng.choice(
            [
                f"stepwise: skipping {skipped} already passed items.",
                "stepwise: no previously failed tests, not skipping.",
            ]
        )
        return [
            Step(
                "Let me go through the failures one at a time with stepwise.",
                ctx.tests(ctx.tests_dir, rng.choice([" --sw", " --stepwise -q", " --sw -x"])),
                _with_line(out, line),
                rc=1,
                seconds=rng.uniform(1, 12),
            ),
        ]

    def cache_show(k: int) -> list[Step]:
        nodes = sorted({_node(ctx, rng) for _ in range(rng.randint(2, 5))})
        body = "\n".join(f"  '{node}': True," for node in nodes)
        return [
            Step(
                "Let me look at what pytest has stored as last failed.",
                "python -m pytest --cache-show 'cache/lastfailed'",
                f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncachedir: .pytest_cache\n{'-' * 20} cache values for 'cache/lastfailed' {'-' * 20}\ncache/lastfailed contains:\n  {{\n{body}\n  }}\n\n{'=' * 27} no tests ran in {rng.uniform(0.01, 0.2):.2f}s {'=' * 27}",
                seconds=rng.uniform(0.3, 1.5),
            ),
            lf_green("Those are what --lf reruns. Run them again."),
        ]

    def one(k: int) -> list[Step]:
        node = _node(ctx, rng)
        return [
            test_step(
                ctx,
                rng,
                rng.choice(
                    [
                        "Let me run one of the failing tests from the full run directly.",
                        f"What does {node.split('::')[1]} do on its own?",
                        "Let me take one failure from the full run and run it alone.",
                    ]
                ),
                node,
                [] if rng.random() < 0.6 else [(node.split("::")[1], stale(rng))],
                code=code,
                passed=1,
            )
        ]

    def new_first(k: int) -> list[Step]:
        return [
            full(
                "Let me run the suite with the new and changed tests first.",
                rng.choice([" --nf", " --new-first -q", " -p no:randomly"]),
            )
        ]

    attempts: list[Attempt] = [edit_then_lf, ff, stepwise, cache_show, one, new_first]
    return churn(ctx, rng, n, first, attempts, "the failures that keep coming back in the full run")


def shared_fixture_mutated(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A module-scoped fixture's dict is changed in place by the code under test; later tests see it changed."""
    names = ctx.cases(rng, 5)
    code = f"assert {ctx.func}(value, **{ctx.fixture}) == expected"

    def fails(most: int = 3) -> list[tuple[str, str]]:
        out = []
        for name in rng.sample(names, rng.randint(1, most)):
            key = rng.choice(["sep", "default", "items", "strict"])
            a = rng.randint(1, 9)
            out.append(
                (
                    name,
                    rng.choice(
                        [
                            f"KeyError: '{key}'",
                            f"AssertionError: assert ['a', 'b', 'x{a}'] == ['a', 'b']",
                            f"AssertionError: assert {a + 2} == {a}",
                            stale(rng),
                        ]
                    ),
                )
            )
        return out

    first = [
        test_step(ctx, rng, "Let me run the module's tests with my change.", "", fails(2), code=code),
        test_step(ctx, rng, "Let me run a failing one alone.", one_test(ctx, names[0]), [], code=code, passed=1),
    ]

    def setup_show(k: int) -> list[Step]:
        name = rng.choice(names)
        return [
            Step(
                "Let me see how the fixtures are set up for that test.",
                ctx.tests(one_test(ctx, name), " --setup-show -q"),
                f"\n{ctx.test_file} \n        SETUP    M {ctx.fixture}\n        {ctx.test_file}::{name} ({ctx.fixture}).\n        TEARDOWN M {ctx.fixture}\n\n{'=' * 30} 1 passed in {rng.uniform(0.02, 0.9):.2f}s {'=' * 30}",
                seconds=rng.uniform(0.4, 2),
            ),
            test_step(
                ctx, rng, "The fixture is set up fine there. Let me run the module again.", "", fails(), code=code
            ),
        ]

    def shallow_copy(k: int) -> list[Step]:
        how = rng.choice([f"dict({ctx.fixture})", f"{ctx.fixture}.copy()", f"{{**{ctx.fixture}}}"])
        return [
            _edit(
                "Let me give the test its own copy of the config.",
                py_edit(ctx.test_file, f"**{ctx.fixture})", f"**{how})", None),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(2), code=code),
        ]

    def fixture_values(k: int) -> list[Step]:
        key, value = rng.choice([("sep", "','"), ("items", "['a', 'b']"), ("default", "None"), ("strict", "False")])
        return [
            _edit(
                f"The fixture seems to be missing '{key}' sometimes. Let me make sure it's always set in conftest.",
                py_edit(ctx.conftest, "    return {", f"    return {{'{key}': {value}, "),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), code=code),
        ]

    def pairs(k: int) -> list[Step]:
        a, b = rng.sample(names, 2)
        return [
            test_step(ctx, rng, f"Let me run {a} and {b} together.", "", fails(1), extra=f" -k '{a} or {b}'", code=code)
        ]

    def source_get(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("options.pop('sep'", "options.get('sep'"),
                ("options.setdefault('items', [])", "options.get('items', [])"),
                ("options['strict'] = strict", "strict = options.get('strict', strict)"),
            ]
        )
        return [
            _edit(
                "Maybe this line in the function changes the options. Let me not modify them there.",
                py_edit(ctx.source, old, new),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), code=code),
        ]

    def order(k: int) -> list[Step]:
        return [
            test_step(
                ctx,
                rng,
                "Let me check if the order matters.",
                "",
                fails(),
                extra=rng.choice(
                    [
                        " -p no:randomly",
                        f" -p randomly --randomly-seed={rng.randint(1, 99999)}",
                        " -x",
                        " -k 'not slow'",
                    ]
                ),
                code=code,
            )
        ]

    attempts: list[Attempt] = [setup_show, shallow_copy, fixture_values, pairs, source_get, order]
    return churn(ctx, rng, n, first, attempts, "the tests that only fail when run together")

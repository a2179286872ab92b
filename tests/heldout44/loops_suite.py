# ruff: noqa: E501
"""Loops across the suite: the failures move to other modules, defaults and messages tugged between tests."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout44.text import Ctx, assertion, churn, py_edit, test_step

_MODS = (
    "test_api",
    "test_utils",
    "test_core",
    "test_compat",
    "test_io",
    "test_config",
    "test_base",
    "test_regression",
    "test_misc",
    "test_formats",
)


def _suite_output(ctx: Ctx, rng: random.Random, failing: list[str]) -> str:
    total = rng.randint(900, 4200)
    lines = [
        "=" * 29 + " test session starts " + "=" * 30,
        ctx.run.pytest_header,
        "rootdir: /testbed",
        f"collected {total} items",
        "",
    ]
    lines += [
        f"{'/'.join([ctx.tests_dir, m])}.py {'.' * rng.randint(10, 50)}{'F' if any(m in f for f in failing) else ''}"
        for m in rng.sample(_MODS, 5)
    ]
    lines += ["", "=" * 27 + " short test summary info " + "=" * 28]
    lines += [f"FAILED {f} - {assertion(rng)}" for f in failing]
    lines.append(
        f" {len(failing)} failed, {total - len(failing) - 7} passed, 7 skipped in {rng.uniform(40, 400):.2f}s ".center(
            80, "="
        )
    )
    return "\n".join(lines)


def _failing(ctx: Ctx, rng: random.Random) -> list[str]:
    return [
        f"{ctx.tests_dir}/{m}.py::test_{ctx.stem}_{rng.choice(['compat', 'legacy', 'defaults', 'empty', 'reprs', 'pickling', 'copy'])}"
        for m in rng.sample(_MODS, rng.randint(1, 3))
    ]


def suite_failures_migrate(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The module's tests pass, the full suite fails elsewhere; each fix moves the failures to other modules."""

    def suite(thought: str) -> Step:
        flags = rng.choice(
            [" -q", " -q -x", " -q -p no:cacheprovider", " -q -n 4", " -q --lf", " -q -rf", " -q --maxfail=5"]
        )
        return Step(
            thought,
            f"python -m pytest {ctx.tests_dir}{flags}"
            if not ctx.django
            else f"cd tests && python runtests.py --parallel {rng.randint(2, 8)}",
            _suite_output(ctx, rng, _failing(ctx, rng)),
            rc=1,
            seconds=rng.uniform(40, 280),
        )

    first = [
        test_step(ctx, rng, "The module's tests first.", "", []),
        suite("They pass. Now the whole suite, to check for regressions."),
    ]

    def fix(k: int) -> list[Step]:
        where = rng.choice(_MODS)
        old, new = rng.sample(["return default", "return []", "return default or []", "return None", "return ()"], 2)
        return [
            Step(
                f"{where} fails because it relied on the old return value. I'll make the function compatible with it.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                f"First {where} alone.",
                f"{ctx.tests_dir}/{where}.py",
                [] if rng.random() < 0.7 else [(f"test_{ctx.stem}_compat", assertion(rng))],
                rng.choice([" -q", " -q -x"]) if not ctx.django else "",
            ),
            suite("It passes. The full suite again."),
        ]

    def last_failed(k: int) -> list[Step]:
        return [
            Step(
                "Let me rerun only the last failures, verbosely.",
                f"python -m pytest {ctx.tests_dir} --lf -q{rng.choice(['', ' -vv', ' --tb=short', ' --tb=line'])}"
                if not ctx.django
                else f"cd tests && python runtests.py {rng.choice(_MODS)} --failfast",
                "\n".join(f"{f} FAILED" for f in _failing(ctx, rng)),
                rc=1,
                seconds=rng.uniform(3, 30),
            )
        ]

    def test_edit(k: int) -> list[Step]:
        where = rng.choice(_MODS)
        return [
            Step(
                f"Maybe {where} encodes the old buggy behaviour; let me update its expectation.",
                py_edit(f"{ctx.tests_dir}/{where}.py", "== []", rng.choice(["is None", "== ()", "== [None]"])),
                "patched",
            ),
            suite("Suite again."),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [fix, fix, last_failed, test_edit],
        "regressions elsewhere in the suite that move every time I fix one",
    )


def default_value_tug(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Two tests want different defaults for the same argument; the default flips between them."""
    values = ["None", "()", "[]", "''", "False", "0", "_MISSING", "NOT_PROVIDED"]
    a, b = ctx.case(rng), ctx.case(rng)

    def flip(k: int) -> list[Step]:
        old, new = rng.sample(values, 2)
        now, broke = rng.sample([a, b, ctx.case(rng)], 2)
        return [
            Step(
                f"{now} expects the default to be `{new}`. Changing the signature.",
                py_edit(ctx.source, f"default={old}", f"default={new}"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                f"{now} should pass now.",
                "",
                [(broke, assertion(rng))],
                rng.choice(["", " -q", " -k default"]) if not ctx.django else rng.choice(["", " -v 2"]),
            ),
        ]

    def sentinel(k: int) -> list[Step]:
        name = rng.choice(["_MISSING", "_sentinel", "NOT_GIVEN", "_unset"])
        return [
            Step(
                f"A sentinel might let both tests have their way: use `{name} = object()` as the default and map it.",
                py_edit(ctx.source, "def ", f"{name} = object()\n\n\ndef "),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Tests with the sentinel.",
                "",
                [
                    (rng.choice([a, b]), assertion(rng)),
                    *(
                        [
                            (
                                ctx.case(rng),
                                f"AssertionError: assert <object object at 0x7f{rng.randrange(16**10):010x}> == None",
                            )
                        ]
                        if rng.random() < 0.5
                        else []
                    ),
                ],
            ),
        ]

    def inspect(k: int) -> list[Step]:
        test = rng.choice([a, b])
        return [
            Step(
                f"What exactly does {test} pass?",
                f"grep -n -B2 -A10 'def {test}' {ctx.test_file}",
                f"def {test}(self):\n    result = {ctx.func}({rng.choice(['[]', 'None', 'value', 'value, default=None'])})\n    self.assertEqual(result, {rng.choice(values)})\n",
            )
        ]

    first = [test_step(ctx, rng, "Running the tests after changing the default.", "", [(b, assertion(rng))])]
    return churn(
        ctx,
        rng,
        n,
        first,
        [flip, flip, sentinel, inspect],
        f"the default of {ctx.func}: one of the two tests always fails",
    )


def exception_message_tug(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The message or type the new test wants breaks the `pytest.raises(match=...)` of an older one."""
    messages = [
        f"{ctx.stem} must not be empty",
        f"invalid {ctx.stem}",
        f"Invalid value for {ctx.stem}: ''",
        f"{ctx.stem!r} cannot be None",
        f"expected a {ctx.stem}, got NoneType",
        f"{ctx.cls} requires a value",
    ]
    kinds = ["ValueError", "TypeError", "ImproperlyConfigured" if ctx.django else "RuntimeError", "KeyError"]

    def fail_line(kind: str, msg: str) -> str:
        return rng.choice(
            [
                f"AssertionError: Regex pattern did not match.\n Regex: '{rng.choice(messages)}'\n Input: '{msg}'",
                f"{kind}: {msg}",
                f"Failed: DID NOT RAISE <class '{rng.choice(kinds)}'>",
            ]
        )

    def reword(k: int) -> list[Step]:
        old, new = rng.sample(messages, 2)
        return [
            Step(f"The new test matches on '{new}'. Rewording the message.", py_edit(ctx.source, old, new), "patched"),
            test_step(
                ctx,
                rng,
                "Rerunning.",
                "",
                [(ctx.case(rng), fail_line(rng.choice(kinds), new))],
                rng.choice(["", " -q", " -k raises", " -k error"]) if not ctx.django else "",
            ),
        ]

    def retype(k: int) -> list[Step]:
        old, new = rng.sample(kinds, 2)
        return [
            Step(
                f"Maybe the test expects {new}, not {old}. Switching the exception class.",
                py_edit(ctx.source, f"raise {old}(", f"raise {new}("),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And again.",
                "",
                [(ctx.case(rng), fail_line(old, rng.choice(messages)))],
                rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                "Which tests assert on this message?",
                rng.choice(
                    [
                        f"grep -rn 'match=' {ctx.tests_dir} | grep -i {ctx.stem} | head",
                        f"grep -rn 'assertRaisesMessage\\|pytest.raises' {ctx.test_file} | head -12",
                    ]
                ),
                "\n".join(
                    f'{ctx.test_file}:{rng.randint(20, 900)}:    with pytest.raises({rng.choice(kinds)}, match="{rng.choice(messages)}"):'
                    for _ in range(rng.randint(2, 4))
                ),
            )
        ]

    first = [
        test_step(
            ctx,
            rng,
            "Running the tests with the new validation.",
            "",
            [(ctx.case(rng), fail_line("ValueError", messages[0]))],
        )
    ]
    return churn(
        ctx,
        rng,
        n,
        first,
        [reword, reword, retype, grep],
        "the error message: each wording satisfies one test and breaks another",
    )

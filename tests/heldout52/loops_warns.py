# ruff: noqa: E501
"""Loops over a deprecation warning: its category and text against `pytest.warns`, and the filters that turn it into errors."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout52.failures import BUILTINS, emitted, filtered, not_warned, parse_error
from heldout52.text import Ctx, churn, edit, py_edit, run_output, test_step


def _categories(ctx: Ctx) -> list[str]:
    return sorted({ctx.warning, *BUILTINS})


def _tests_file(ctx: Ctx) -> str:
    return ctx.test_file if not ctx.django else f"tests/{ctx.stem}_tests/tests.py"


def warns_category_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The deprecation's category, text and stacklevel rewritten in turn; `pytest.warns` never matches."""
    categories = _categories(ctx)
    first = [
        test_step(
            ctx,
            rng,
            f"Let me run the tests for the deprecated `{ctx.arg}` argument.",
            "",
            [not_warned(ctx, rng, f"test_{ctx.stem}_warns_deprecated", ctx.warning, rng.choice(BUILTINS))],
        )
    ]

    def category(k: int) -> list[Step]:
        old, new = rng.sample(categories, 2)
        expected, got = rng.sample(categories, 2)
        return [
            Step(
                f"The test wants another category. Let me emit {new} instead of {old}.",
                *edit(rng, ctx.source, f", {old}, stacklevel=", f", {new}, stacklevel="),
            ),
            test_step(
                ctx,
                rng,
                "Rerunning the tests.",
                "",
                [not_warned(ctx, rng, ctx.case(rng), expected, got) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q", " -x", " -W default"]) if not ctx.django else rng.choice(["", " -v 2"]),
            ),
        ]

    def wording(k: int) -> list[Step]:
        new = rng.choice(
            [
                f"'{ctx.arg}' is deprecated; pass it through options instead",
                f"The {ctx.arg!r} argument is deprecated since {rng.randint(1, 6)}.{rng.randint(0, 12)}",
                f"{ctx.func}({ctx.arg}=...) is deprecated and will be removed in {rng.randint(1, 7)}.0.",
                f"The '{ctx.arg}' argument of {ctx.func}() is deprecated.",
            ]
        )
        expected, got = rng.sample(categories, 2)
        return [
            Step(
                "The match= pattern may be what fails. Let me reword the message closer to the test's regex.",
                py_edit(ctx.source, ctx.deprecated if rng.random() < 0.5 else ctx.deprecated.split(" and ")[0], new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And again.",
                "",
                [not_warned(ctx, rng, ctx.case(rng), expected, got)],
                rng.choice(["", " -q", " -rw"]) if not ctx.django else "",
            ),
        ]

    def stacklevel(k: int) -> list[Step]:
        old, new = rng.sample(["stacklevel=1", "stacklevel=2", "stacklevel=3", "stacklevel=4"], 2)
        return [
            Step(
                f"The warning may be attributed to the wrong frame. Let me try `{new}`.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Running the warning tests.",
                "",
                [not_warned(ctx, rng, ctx.case(rng), *rng.sample(categories, 2))],
                rng.choice(["", " -q", " -k warn"]) if not ctx.django else "",
            ),
        ]

    def helper(k: int) -> list[Step]:
        helper = {
            "matplotlib": f"_api.warn_deprecated('3.8', name={ctx.arg!r}, obj_type='argument')",
            "sympy": f"sympy_deprecation_warning({ctx.deprecated!r}, deprecated_since_version='1.13', active_deprecations_target='deprecated-{ctx.arg}')",
            "astropy": f"warnings.warn({ctx.deprecated!r}, AstropyDeprecationWarning)",
            "django": f"warnings.warn({ctx.deprecated!r}, RemovedInDjango50Warning, stacklevel=2)",
        }.get(ctx.run.owner, f"warnings.warn({ctx.deprecated!r}, {rng.choice(BUILTINS)}, stacklevel=2)")
        return [
            Step(
                "Let me use the project's own deprecation helper the way other deprecations here do.",
                py_edit(
                    ctx.source,
                    f"warnings.warn(\n            {ctx.deprecated!r},",
                    f"{helper}  # (\n            {ctx.deprecated!r},",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Tests with the helper.",
                "",
                [not_warned(ctx, rng, ctx.case(rng), *rng.sample(categories, 2))],
                rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    def probe(k: int) -> list[Step]:
        category = rng.choice(categories)
        return [
            Step(
                "Let me see exactly what gets emitted, outside pytest.",
                f'python -W always -c "from {ctx.dotted} import {ctx.func}; {ctx.func}([], {ctx.arg}=True)" 2>&1 | tail -3',
                f"/testbed/{rng.choice([ctx.source, ctx.test_file, '<string>'])}:{rng.randint(1, 900)}: {ctx.category.rsplit('.', 1)[0] + '.' if category == ctx.warning and '.' in ctx.category else ''}{category}: {emitted(ctx, rng, category).split('(', 1)[1][1:-2]}\n  warnings.warn(",
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [category, category, wording, stacklevel, helper, probe],
        "the deprecation warning (the expected category and message never both match)",
    )


def warnings_filter_precedence_fight(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """filterwarnings lines, -W flags, PYTHONWARNINGS and markers reordered; the warning is an error somewhere or ignored where it is recorded."""
    short = ctx.warning
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the wider tests now that the argument is deprecated.",
            f"{ctx.tests_dir}" if not ctx.django else "",
            [filtered(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(2, 3))],
        )
    ]

    def ini(k: int) -> list[Step]:
        spec = rng.choice(
            [
                f"ignore:The '{ctx.arg}' argument:{short}",
                f"ignore::{ctx.category}",
                f"ignore:.*{ctx.arg}.*:{ctx.category}",
                f"default::{short}",
                f"ignore::{short}:{ctx.dotted}",
                f"always:The '{ctx.arg}' argument",
                "ignore::DeprecationWarning",
            ]
        )
        where = rng.choice(["before the `error` line", "at the end of filterwarnings", "right after `error`"])
        bad = (
            "." not in spec.split(":")[2]
            if spec.count(":") >= 2 and spec.split(":")[2] and spec.split(":")[2] not in BUILTINS
            else False
        )
        run = (
            Step(
                "Running the tests with the new filter.",
                ctx.tests(ctx.tests_dir, rng.choice(["", " -q"])),
                parse_error(ctx, rng, spec),
                rc=4,
                seconds=rng.uniform(0.4, 1.5),
            )
            if bad
            else test_step(
                ctx,
                rng,
                "Running the tests with the new filter.",
                ctx.tests_dir,
                [filtered(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 3))],
                rng.choice(["", " -q", " -x"]),
            )
        )
        return [
            Step(
                f"Let me add `{spec}` to filterwarnings in {ctx.config}, {where}.",
                f"sed -i '/^filterwarnings/,/^$/{{/    error/a\\    {spec}\n}}' {ctx.config} && sed -n '/filterwarnings/,/^$/p' {ctx.config}",
                "filterwarnings =\n    error\n"
                + f"    {spec}\n"
                + rng.choice(
                    [
                        "    ignore::ImportWarning\n",
                        "    ignore:distutils Version classes are deprecated:DeprecationWarning\n",
                        "",
                    ]
                ),
            ),
            run,
        ]

    def flag(k: int) -> list[Step]:
        if ctx.django:
            option = rng.choice(
                [
                    f" -W ignore::{ctx.category}",
                    " -W error::DeprecationWarning",
                    f" -W 'ignore:The {ctx.arg}'",
                    " -W default",
                ]
            )
        else:
            option = rng.choice(
                [
                    f" -W ignore::{ctx.category}",
                    f" -W 'ignore:The {ctx.arg}'",
                    " -W error::FutureWarning",
                    " -p no:warnings",
                    f" -W default::{short}",
                    " -W ignore::DeprecationWarning -W error",
                ]
            )
        warned = [
            f"{ctx.test_file}::{ctx.case(rng)}",
            f"  /testbed/{ctx.source}:{rng.randint(40, 900)}: {short}: {ctx.deprecated}",
            "    warnings.warn(",
        ]
        step = test_step(
            ctx,
            rng,
            f"Let me try the filter on the command line first: `{option.strip()}`.",
            ctx.tests_dir,
            [filtered(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 2))],
            option,
            warnings=warned if rng.random() < 0.5 and "no:warnings" not in option else None,
        )
        if ctx.django:
            step.command = (
                f"cd tests && python{option} runtests.py {ctx.stem}_tests{rng.choice(['', ' --parallel 1', ' -v 2'])}"
            )
        return [step]

    def env(k: int) -> list[Step]:
        value = rng.choice([f"ignore::{short}", "ignore::DeprecationWarning", f"default:The '{ctx.arg}'"])
        command = (
            f'cd tests && PYTHONWARNINGS="{value}" python runtests.py {ctx.stem}_tests'
            if ctx.django
            else f'PYTHONWARNINGS="{value}" {ctx.tests(ctx.tests_dir, " -q")}'
        )
        return [
            Step(
                f"Maybe PYTHONWARNINGS={value} applies before the test runner's own filters.",
                command,
                run_text(ctx, rng),
                rc=1,
                seconds=rng.uniform(2.0, 12.0),
            )
        ]

    def marker(k: int) -> list[Step]:
        mark = rng.choice(
            [
                f'pytestmark = pytest.mark.filterwarnings("ignore::{ctx.category}")',
                f"@pytest.mark.filterwarnings(\"default:The '{ctx.arg}' argument\")",
                f"warnings.simplefilter('ignore', {short})",
            ]
        )
        if ctx.django:
            mark = rng.choice(
                [
                    f"@ignore_warnings(category={short})",
                    f"warnings.filterwarnings('ignore', category={short})",
                    f"@override_settings()  # with warnings.catch_warnings(): simplefilter('ignore', {short})",
                ]
            )
        return [
            Step(
                f"Let me scope the filter to the test module instead: `{mark}`.",
                py_edit(
                    _tests_file(ctx),
                    "import pytest\n" if not ctx.django else "from django.test import SimpleTestCase\n",
                    ("import pytest\n" if not ctx.django else "from django.test import SimpleTestCase\n")
                    + f"\n{mark}\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Running the module and the wider tests.",
                "" if ctx.django else f"{ctx.test_file} {ctx.tests_dir}",
                [filtered(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 2))],
                rng.choice(["", " -q"]) if not ctx.django else rng.choice(["", " --parallel 1"]),
            ),
        ]

    def grep(k: int) -> list[Step]:
        if ctx.django:
            return [
                Step(
                    "Where does the test runner set up warnings filters?",
                    rng.choice(
                        [
                            "grep -n 'simplefilter\\|filterwarnings' tests/runtests.py",
                            "grep -rn 'filterwarnings' tests/runtests.py django/test/*.py | head",
                        ]
                    ),
                    "\n".join(
                        rng.sample(
                            [
                                f"tests/runtests.py:{rng.randint(30, 80)}:warnings.simplefilter('error', {short})",
                                f"tests/runtests.py:{rng.randint(30, 80)}:warnings.simplefilter('error', RuntimeWarning)",
                                f"tests/runtests.py:{rng.randint(81, 99)}:warnings.filterwarnings('ignore', r'\\(1003\\) Field', module='django.db.backends.mysql.base')",
                            ],
                            rng.randint(1, 3),
                        )
                    ),
                )
            ]
        return [
            Step(
                "Where are warnings filters set up in this repo?",
                f"grep -rn 'filterwarnings\\|simplefilter' {ctx.config} {ctx.tests_dir}/conftest.py conftest.py 2>/dev/null | head",
                "\n".join(
                    rng.sample(
                        [
                            f"{ctx.config}:{rng.randint(10, 80)}:filterwarnings =",
                            f"{ctx.tests_dir}/conftest.py:{rng.randint(5, 90)}:    warnings.simplefilter('error', {short})",
                            f"conftest.py:{rng.randint(5, 60)}:        warnings.filterwarnings('ignore', category=ResourceWarning)",
                        ],
                        rng.randint(1, 3),
                    )
                ),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [ini, ini, flag, env, marker, grep] if not ctx.django else [flag, env, marker, marker, grep],
        "the warnings filters (the deprecation is an error in unrelated tests, or ignored where it is recorded)",
    )


def run_text(ctx: Ctx, rng: random.Random) -> str:
    """A wider run where the env filter changed nothing: pytest's own filters come after it."""
    return run_output(
        ctx,
        rng,
        ctx.tests_dir,
        rng.randint(30, 300),
        [filtered(ctx, rng, ctx.case(rng)) for _ in range(rng.randint(1, 3))],
    )

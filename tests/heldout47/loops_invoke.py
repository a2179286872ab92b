# ruff: noqa: E501
"""Loops over how the program is invoked: the name its usage line gives, the defaults it takes from the environment."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout47.text import (
    Attempt,
    Ctx,
    Fail,
    churn,
    cli_step,
    edit,
    numbered,
    raised_fail,
    rerun,
    stream_fail,
    test_step,
)


def usage_prog_name_wrong(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The usage line must name the program; it says `__main__.py`, `pytest` or `-c` depending on how it is run."""
    want = f"usage: {ctx.prog}" if not ctx.django else f"usage: django-admin {ctx.command}"
    case = ctx.case(rng, "usage_line")

    def seen() -> str:
        return rng.choice(
            [
                "usage: __main__.py",
                "usage: pytest",
                "usage: -c",
                "usage: python -m " + ctx.prog,
                "usage: py.test",
                "usage: manage.py" if ctx.django else f"usage: {ctx.prog}.py",
                "usage: runtests.py",
            ]
        )

    def fails() -> list[Fail]:
        got = seen()
        return [
            stream_fail(ctx, case, rng.choice(["out", "err"]), want, f"{got} [-h] [{ctx.opt} {ctx.dest.upper()}]\n")
        ]

    first = [test_step(ctx, rng, "Let me run the tests for the usage message.", "", fails())]

    def prog_kw(k: int) -> list[Step]:
        new = rng.choice([f"prog={ctx.prog!r}", "prog=os.path.basename(sys.argv[0])", "prog=None", "prog=prog_name"])
        return [
            edit(
                ctx,
                rng,
                f"Let me set the parser's prog explicitly: {new}.",
                rng.choice(["ArgumentParser(", "CommandParser("]),
                f"ArgumentParser({new}, ",
            ),
            test_step(ctx, rng, rerun(rng), f"{ctx.cli_tests}::{case}", fails(), rng.choice(["", " -q", " -s"])),
        ]

    def argv0(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "The name comes from sys.argv[0]; let me normalise it in the module entry point.",
                "main()",
                rng.choice(
                    [
                        f"sys.argv[0] = {ctx.prog!r}\n    main()",
                        "main(prog=os.path.basename(sys.argv[0]).replace('__main__.py', 'python -m ' + __package__))",
                    ]
                ),
            ),
            cli_step(
                ctx,
                rng,
                "Check the usage line both ways by hand.",
                "--help | head -1",
                seen() + f" [-h] [{ctx.opt} {ctx.dest.upper()}]",
                0,
                module=rng.random() < 0.6,
            ),
            test_step(ctx, rng, rerun(rng), f"{ctx.cli_tests}::{case}", fails()),
        ]

    def test_side(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "Maybe the test should control argv. Let me monkeypatch sys.argv in it.",
                f"def {case}(",
                rng.choice([f"def {case}(monkeypatch, ", f"@mock.patch('sys.argv', [{ctx.prog!r}])\n    def {case}("]),
                path=ctx.cli_tests,
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -q", " -x"])),
        ]

    def console_script(k: int) -> list[Step]:
        return [
            Step(
                "Which script does the console entry point run?",
                rng.choice([f"cat $(which {ctx.prog})", f"head -12 $(which {ctx.prog})"]),
                f"#!/opt/miniconda3/envs/testbed/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {ctx.cli_module} import {ctx.entry}\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit({ctx.entry}())\n",
            ),
            cli_step(
                ctx,
                rng,
                "And through the console script:",
                "--help | head -2",
                seen() + f" [-h] [{ctx.opt} {ctx.dest.upper()}]\n",
                0,
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -vv"])),
        ]

    attempts: list[Attempt] = [prog_kw, argv0, test_side, console_script]
    return churn(ctx, rng, n, first, attempts, f"the program name in {ctx.prog}'s usage line")


def envvar_default_stale(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The option's default comes from an environment variable; the tests set it and the parser never sees it."""
    case = ctx.case(rng, "from_env")

    def fails() -> list[Fail]:
        want, got = rng.sample(["120", "40", "80", "7", "3", "None", "'auto'"], 2)
        return [
            raised_fail(
                ctx,
                case,
                f"assert args.{ctx.dest} == {want}"
                if not ctx.django
                else f"self.assertEqual(options['{ctx.dest}'], {want})",
                [f"AssertionError: assert {got} == {want}" if not ctx.django else f"AssertionError: {got} != {want}"],
            )
        ]

    first = [test_step(ctx, rng, f"Let me run the test that sets {ctx.env}.", f"{ctx.cli_tests}::{case}", fails())]

    def getenv(k: int) -> list[Step]:
        new = rng.choice(
            [
                f"default=os.getenv({ctx.env!r})",
                f"default=os.environ.get({ctx.env!r}, 80)",
                f"default=int(os.environ.get({ctx.env!r}, '80'))",
            ]
        )
        return [
            edit(
                ctx,
                rng,
                f"Let me read the default with {new.split('=', 1)[1].split('(')[0]} instead.",
                rng.choice([f"default=DEFAULT_{ctx.dest.upper()}", f"default=os.environ.get({ctx.env!r})"]),
                new,
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                f"{ctx.cli_tests}::{case}",
                fails(),
                rng.choice(["", " -q", " -p no:randomly"]),
            ),
        ]

    def by_hand(k: int) -> list[Step]:
        value = rng.choice(["120", "40", "7"])
        return [
            Step(
                f"By hand, with {ctx.env}={value}:",
                f"{ctx.env}={value} {ctx.invoke('--verbose')} 2>&1 | grep -i {ctx.dest.split('_')[0]}",
                f"{ctx.dest}: {rng.choice([value, '80', 'None'])}\n",
                rc=0,
            ),
            test_step(
                ctx, rng, "So by hand it is picked up. The whole test module:", "", fails(), rng.choice(["", " -q"])
            ),
        ]

    def reload(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "Maybe the test must reload the module after setting the variable.",
                f"monkeypatch.setenv({ctx.env!r}",
                f"importlib.reload({ctx.run.module})\n    monkeypatch.setenv({ctx.env!r}",
                path=ctx.cli_tests,
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                f"{ctx.cli_tests}::{case}",
                fails() if rng.random() < 0.8 else [],
                rng.choice(["", " -x"]),
            ),
            test_step(
                ctx,
                rng,
                "And the whole module, since reloading might affect other tests.",
                "",
                fails(),
                rng.choice(["", " -q", " -p no:cacheprovider"]),
            ),
        ]

    def name_check(k: int) -> list[Step]:
        return [
            Step(
                "Is the variable name spelled the same in the test and the code?",
                f"grep -rn '{ctx.env.split('_')[0]}_' {ctx.cli} {ctx.cli_tests}",
                numbered(
                    rng, [f"default=os.environ.get({ctx.env!r})", f"DEFAULT_{ctx.dest.upper()} = 80"], f"{ctx.cli}:"
                )
                + "\n"
                + numbered(
                    rng,
                    [
                        f"monkeypatch.setenv({ctx.env + 'S'!r}, '120')",
                        f"monkeypatch.delenv({ctx.env!r}, raising=False)",
                    ],
                    f"{ctx.cli_tests}:",
                ),
            ),
            edit(
                ctx,
                rng,
                "The test sets a misspelt name. Let me make it use the one the code reads.",
                f"{ctx.env}S",
                ctx.env,
                path=ctx.cli_tests,
            ),
            test_step(ctx, rng, rerun(rng), "", fails()),
        ]

    def lazy_parser(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "The parser is built at import. Let me build it inside main() instead.",
                "PARSER = build_parser()",
                rng.choice(["def get_parser():\n    return build_parser()", "PARSER = None"]),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -q", " -x"])),
        ]

    attempts: list[Attempt] = [getenv, by_hand, reload, name_check, lazy_parser]
    return churn(ctx, rng, n, first, attempts, f"{ctx.env} not reaching the {ctx.opt} default")

# ruff: noqa: E501
"""Loops over how the program rejects bad arguments: the exit status it gives, the option prefixes it accepts."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout47.text import (
    Attempt,
    Ctx,
    Fail,
    churn,
    cli_step,
    code_fail,
    edit,
    raised_fail,
    rerun,
    stream_fail,
    test_step,
    usage,
)

# Options already there that share a prefix with each new one, and the abbreviation the tests use.
SIBLINGS = {
    "columns": ("--col", ["--color", "--collapse", "--column-width", "--colour"]),
    "color": ("--col", ["--columns", "--collapse", "--colour", "--collect"]),
    "format": ("--fo", ["--force", "--fold", "--footer", "--follow"]),
    "limit": ("--li", ["--list", "--lines", "--line-length", "--link"]),
    "indent": ("--in", ["--include", "--ignore", "--info", "--input"]),
    "sort-keys": ("--so", ["--sort", "--source", "--sort-order", "--sorted"]),
    "width": ("--wi", ["--with-header", "--wide", "--window", "--with-units"]),
}


def _bad(rng: random.Random) -> str:
    return rng.choice(["-1", "abc", "0", "''", "1.5", "-3", "x9"])


def _error(ctx: Ctx, rng: random.Random, value: str) -> str:
    return rng.choice(
        [
            f"error: argument {ctx.opt}: invalid {ctx.dest} value: {value}",
            f"error: {ctx.opt} must be a positive integer, got {value}",
            f"Error: Invalid value for '{ctx.opt}': {value!r} is not a valid integer.",
            f"CommandError: {ctx.opt} must be > 0 (got {value})",
        ]
    )


def systemexit_code_wrong(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An invalid option value must exit with status 2 and say why on stderr; the status the tests see keeps being another."""
    name = ctx.case(rng, "invalid_exit_code")
    msg_case = ctx.case(rng, "invalid_message")

    def failing(got: object) -> list[Fail]:
        fails = [code_fail(ctx, name, got, 2)]
        if rng.random() < 0.5:
            fails.append(
                stream_fail(ctx, msg_case, "err", f"{ctx.opt} must be", rng.choice(["", f"usage: {ctx.prog}"]))
            )
        return fails

    def got() -> object:
        return rng.choice([1, 0, None, 1, f"error: {ctx.opt} must be a positive integer"])

    first = [
        test_step(
            ctx,
            rng,
            f"Let me run the CLI tests to see whether the new validation of {ctx.opt} exits correctly.",
            "",
            failing(1),
        ),
    ]

    def status(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("return 1", "return 2"),
                ("sys.exit(1)", "sys.exit(2)"),
                ("status = 1", "status = 2"),
                ("returncode=1", "returncode=2"),
            ]
        )
        return [
            edit(
                ctx,
                rng,
                f"The tests want status 2, not 1. Let me change the failure path to return {new.split('=')[-1].strip(' ()')}.",
                old,
                new,
            ),
            test_step(
                ctx,
                rng,
                "Rerun the exit-code test.",
                f"{ctx.cli_tests}::{name}",
                failing(got()),
                rng.choice(["", " -q", " -x"]),
            ),
        ]

    def parser_error(k: int) -> list[Step]:
        value = _bad(rng)
        return [
            edit(
                ctx,
                rng,
                "argparse itself exits with 2 on usage errors. Let me report the bad value through parser.error() instead of my own exit.",
                "raise ValueError(msg)",
                rng.choice(["parser.error(msg)", "self.error(msg)", "parser.error(str(exc))"]),
            ),
            cli_step(
                ctx,
                rng,
                "Let me run it by hand with a bad value.",
                f"{ctx.opt} {value}",
                f"{usage(ctx)}\n{ctx.prog}: {_error(ctx, rng, value)}\n",
                rng.choice([2, 2, 1]),
            ),
            test_step(
                ctx,
                rng,
                "By hand it looks right now. The tests again:",
                "",
                failing(got()),
                rng.choice(["", " -q", " --tb=short"]),
            ),
        ]

    def systemexit(k: int) -> list[Step]:
        new = rng.choice(
            [
                "raise SystemExit(2)",
                "sys.exit(2)",
                "raise SystemExit(2) from exc",
                "raise CommandError(msg, returncode=2)" if ctx.django else "ctx.exit(2)",
            ]
        )
        return [
            edit(
                ctx,
                rng,
                f"Maybe the status is lost on the way out. Let me exit directly with `{new}` at the point of failure.",
                rng.choice(["return 1", "raise ValueError(msg)", "print(msg)\n        return 1"]),
                new,
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                f"{ctx.cli_tests}::{rng.choice([name, msg_case])}",
                failing(got()),
                rng.choice(["", " -vv", " -x -q"]),
            ),
        ]

    def by_hand(k: int) -> list[Step]:
        value = _bad(rng)
        rc = rng.choice([0, 1, 2, 1])
        out = rng.choice(
            [
                f"{_error(ctx, rng, value)}\n",
                f'Traceback (most recent call last):\n  File "/testbed/{ctx.cli}", line {rng.randint(60, 600)}, in main\nValueError: {ctx.opt} must be positive\n',
                "",
            ]
        )
        return [
            cli_step(
                ctx,
                rng,
                f"Let me check the status by hand with {ctx.opt} {value}.",
                f"{ctx.opt} {value}",
                out,
                rc,
                module=rng.random() < 0.5,
            ),
            test_step(
                ctx,
                rng,
                f"By hand it exits with {rc}. What do the tests see?",
                f"{ctx.cli_tests}::{name}",
                failing(got()),
                rng.choice([" -s", " -q", " -rA"]),
            ),
        ]

    def return_value(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "Maybe the caller ignores main's return value. Let me make the entry point exit with what main returns.",
                rng.choice(["main(sys.argv[1:])", "main()"]),
                rng.choice(["sys.exit(main(sys.argv[1:]))", "raise SystemExit(main())"]),
            ),
            test_step(
                ctx, rng, "Run the tests again.", "", failing(got()), rng.choice(["", " -q", " -p no:cacheprovider"])
            ),
        ]

    attempts: list[Attempt] = [status, parser_error, systemexit, by_hand, return_value]
    return churn(ctx, rng, n, first, attempts, f"the exit status of {ctx.prog} with an invalid {ctx.opt}")


def argparse_prefix_clash(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A new option makes abbreviations the tests and users rely on ambiguous; every rename breaks another parse."""
    short, names = SIBLINGS[ctx.opt_name]
    siblings = rng.sample(names, 3)

    def ambiguous() -> tuple[list[str], str]:
        shown = rng.sample([ctx.opt, *siblings], rng.randint(2, 3))
        return [
            f"SystemExit: {rng.choice([2, 2, 1])}"
        ], f"{usage(ctx)}\n{ctx.prog}: error: ambiguous option: {short} could match {', '.join(shown)}\n"

    def fails() -> list[Fail]:
        kind = rng.randrange(4)
        case = ctx.case(rng, rng.choice(["abbrev", "short_form", "alias", "legacy"]))
        if kind == 0:
            return [raised_fail(ctx, case, f"args = parse_args(['{short}', '{rng.randint(2, 9)}'])", *ambiguous())]
        if kind == 1:
            return [
                raised_fail(
                    ctx,
                    case,
                    f"args = parse_args(['{short}', '{rng.randint(2, 9)}'])",
                    ["SystemExit: 2"],
                    f"{usage(ctx)}\n{ctx.prog}: error: unrecognized arguments: {short} {rng.randint(2, 9)}\n",
                )
            ]
        if kind == 2:
            return [
                raised_fail(
                    ctx,
                    case,
                    f"parser.add_argument('{rng.choice(siblings)}', dest='{ctx.dest}')",
                    [
                        f"argparse.ArgumentError: argument {rng.choice(siblings)}: conflicting option string: {rng.choice([short, *siblings])}"
                    ],
                )
            ]
        return [
            raised_fail(
                ctx,
                case,
                f"assert args.{ctx.dest} == {rng.randint(2, 9)}",
                [
                    f"AssertionError: assert None == {rng.randint(2, 9)}",
                    f" +  where None = Namespace({ctx.dest}=None, verbose=False).{ctx.dest}",
                ],
            )
        ]

    first = [test_step(ctx, rng, f"Now that {ctx.opt} exists, let me run the CLI tests.", "", fails())]

    def rename(k: int) -> list[Step]:
        new = rng.choice(
            [
                f"--{ctx.opt_name}-{rng.choice(['n', 'count', 'value'])}",
                f"--out-{ctx.opt_name}",
                f"--n-{ctx.opt_name}",
            ]
        )
        return [
            edit(
                ctx,
                rng,
                f"Let me rename the new option to {new} so it no longer shares the prefix {short}.",
                f"'{ctx.opt}'",
                f"'{new}'",
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -q", " -x"])),
        ]

    def no_abbrev(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "Turning off prefix matching should make the parse unambiguous.",
                rng.choice(["argparse.ArgumentParser(", "CommandParser("]),
                rng.choice(["argparse.ArgumentParser(allow_abbrev=False, ", "CommandParser(allow_abbrev=False, "]),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -rA", " --tb=line"])),
        ]

    def alias(k: int) -> list[Step]:
        target = rng.choice(siblings)
        return [
            edit(
                ctx,
                rng,
                f"Let me give {target} the explicit alias {short} so the short form keeps working.",
                f"'{target}'",
                f"'{target}', '{short}'",
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -q", " -k abbrev"])),
        ]

    parser = f"BaseCommand().create_parser('django-admin', '{ctx.command}')" if ctx.django else "create_parser()"

    def parse_by_hand(k: int) -> list[Step]:
        return [
            Step(
                "Let me parse a few argument lists directly to see what argparse makes of them.",
                f"python -c \"from {ctx.cli_module} import *; p = {parser}; print(p.parse_args(['{rng.choice([short, *siblings])}', '{rng.randint(2, 9)}']))\"",
                rng.choice(
                    [
                        f"{usage(ctx)}\n{ctx.prog}: error: ambiguous option: {short} could match {', '.join(rng.sample(siblings, 2))}\n",
                        f"Namespace({ctx.dest}={rng.choice(['None', str(rng.randint(2, 9))])}, {siblings[1][2:].replace('-', '_')}={rng.choice(['None', repr(str(rng.randint(2, 9)))])}, verbose=False)\n",
                    ]
                ),
                rc=rng.choice([0, 2]),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice([" -x", "", " -q"])),
        ]

    def restore(k: int) -> list[Step]:
        return [
            Step(
                "Let me put the parser back and re-add the option in a different place.",
                f"git checkout -- {ctx.cli} && git diff --stat",
                "",
            ),
            edit(
                ctx,
                rng,
                f"Add {ctx.opt} after the existing options this time, with dest='{ctx.dest}'.",
                "parser.add_argument('--verbose'",
                f"parser.add_argument('{ctx.opt}', dest='{ctx.dest}', default=None)\n    parser.add_argument('--verbose'",
            ),
            test_step(ctx, rng, rerun(rng), "", fails()),
        ]

    attempts: list[Attempt] = [rename, no_abbrev, alias, parse_by_hand, restore]
    return churn(ctx, rng, n, first, attempts, f"the option prefixes around {ctx.opt}")

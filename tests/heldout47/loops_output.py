# ruff: noqa: E501
"""Loops over what the program prints: its --help against a snapshot, its warnings on the right stream."""

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
    usage,
)


def snapshot_path(ctx: Ctx) -> str:
    if ctx.django:
        return f"tests/user_commands/help_{ctx.command}.txt"
    return f"{ctx.cli_tests.rsplit('/', 1)[0]}/data/{ctx.prog}_help.txt"


def _help_diff(ctx: Ctx, rng: random.Random) -> list[str]:
    """The lines by which the help printed under the tests differs from the snapshot, drifting each run."""
    meta = ctx.dest.upper()
    kind = rng.randrange(4)
    if kind == 0:
        lines = ["- options:", "+ optional arguments:"]
    elif kind == 1:
        lines = [
            f"-   {ctx.opt} {meta}  {ctx.dest.replace('_', ' ')} of the output (default: {rng.choice(['80', 'None', 'auto'])})",
            f"+   {ctx.opt} {meta}",
            f"+                         {ctx.dest.replace('_', ' ')} of the output (default:",
            f"+                         {rng.choice(['80', 'None', 'auto'])})",
        ]
    elif kind == 2:
        lines = [
            f"- {usage(ctx)}",
            f"+ usage: {ctx.prog} [-h] [{ctx.opt} {rng.choice([meta, 'N', meta[:3]])}]",
            "+        [--verbose]",
        ]
    else:
        lines = [
            f"-   --verbose{' ' * rng.randint(11, 16)}print more",
            f"+   --verbose{' ' * rng.randint(2, 9)}print more",
            f"?            {'-' * rng.randint(3, 8)}",
        ]
    return lines


def _with_columns(step: Step, width: int) -> Step:
    step.command = step.command.replace("python ", f"COLUMNS={width} python ", 1)
    return step


def help_snapshot_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The --help snapshot test never matches: regenerated, rewrapped, reworded, the diff only moves."""
    case = ctx.case(rng, "help_snapshot")
    snap = snapshot_path(ctx)

    def fails() -> list[Fail]:
        diff = _help_diff(ctx, rng)
        if ctx.django:
            return [
                raised_fail(
                    ctx,
                    case,
                    "self.assertEqual(out.getvalue(), expected)",
                    [
                        f"AssertionError: 'usage: django-admin {ctx.command} [-h] [{ctx.opt[:5]}[{rng.randint(300, 900)} chars]ore\\n' != 'usage: django-admin {ctx.command} [-h] [{ctx.opt[:5]}[{rng.randint(300, 900)} chars]ore\\n'",
                        *diff,
                    ],
                )
            ]
        skipped = rng.randint(40, 380)
        return [
            raised_fail(
                ctx,
                case,
                "assert captured.out == expected",
                [
                    f"AssertionError: assert 'usage: {ctx.prog[:5]}...t more\\n' == 'usage: {ctx.prog[:5]}...t more\\n'",
                    f"  Skipping {skipped} identical leading characters in diff, use -v to show",
                    *(f"  {line}" for line in diff),
                ],
            )
        ]

    first = [test_step(ctx, rng, "Let me run the CLI tests, including the help snapshot.", "", fails())]

    def regenerate(k: int) -> list[Step]:
        return [
            Step(
                "The snapshot is just out of date after adding the option; let me regenerate it from the program itself.",
                f"{ctx.invoke('--help', module=rng.random() < 0.5)} > {snap} && wc -l {snap}",
                f"{rng.randint(14, 40)} {snap}\n",
            ),
            test_step(
                ctx,
                rng,
                "Now the snapshot test should pass.",
                f"{ctx.cli_tests}::{case}",
                fails(),
                rng.choice(["", " -q", " -vv"]),
            ),
        ]

    def columns(k: int) -> list[Step]:
        width = rng.choice([80, 100, 120, 72])
        return [
            _with_columns(
                test_step(
                    ctx,
                    rng,
                    f"argparse wraps to the terminal width. Let me run the test with COLUMNS={width}.",
                    f"{ctx.cli_tests}::{case}",
                    fails(),
                ),
                width,
            ),
            Step(
                "And compare by hand.",
                f"COLUMNS={width} {ctx.invoke('--help')} | diff - {snap}",
                "\n".join(
                    f"{rng.randint(3, 20)}c{rng.randint(3, 20)}\n< {rng.choice(['options:', '  --verbose   print more', f'  {ctx.opt} {ctx.dest.upper()}'])}\n---\n> {rng.choice(['optional arguments:', '  --verbose             print more', f'  {ctx.opt} N'])}"
                    for _ in range(rng.randint(1, 3))
                ),
                rc=1,
            ),
        ]

    def formatter(k: int) -> list[Step]:
        new = rng.choice(
            [
                "RawDescriptionHelpFormatter",
                "ArgumentDefaultsHelpFormatter",
                "RawTextHelpFormatter",
                "lambda prog: argparse.HelpFormatter(prog, width=80)",
            ]
        )
        return [
            edit(
                ctx,
                rng,
                f"Let me fix the layout with formatter_class={new.split('(')[0]}.",
                "description=__doc__,",
                f"description=__doc__, formatter_class={'argparse.' if 'lambda' not in new else ''}{new},",
            ),
            Step(
                "Regenerate the snapshot with the new formatter.",
                f"{ctx.invoke('--help')} > {snap}; git diff --stat {snap}",
                f" {snap} | {rng.randint(2, 12)} +++++-----\n 1 file changed, {rng.randint(2, 8)} insertions(+), {rng.randint(2, 8)} deletions(-)\n",
            ),
            test_step(ctx, rng, "Run the snapshot test.", f"{ctx.cli_tests}::{case}", fails()),
        ]

    def reword(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "The help string wraps differently in different places. Let me shorten it so it fits on one line everywhere.",
                f"help='{ctx.dest.replace('_', ' ')} of the output (default: %(default)s)'",
                rng.choice(
                    [
                        f"help='{ctx.dest.replace('_', ' ')}'",
                        f"help='output {ctx.dest.replace('_', ' ')}'",
                        "help=argparse.SUPPRESS",
                    ]
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -q", " -x"])),
        ]

    def inspect(k: int) -> list[Step]:
        return [
            Step(
                "Let me look at the snapshot itself, with line endings.",
                f"cat -A {snap} | sed -n '1,{rng.randint(8, 14)}p'",
                f"{usage(ctx)}$\n$\n{rng.choice(['options', 'optional arguments'])}:$\n  -h, --help            show this help message and exit$\n  {ctx.opt} {ctx.dest.upper()}$\n                        {ctx.dest.replace('_', ' ')} of the output$\n",
            ),
            test_step(ctx, rng, "Let me see the full diff.", f"{ctx.cli_tests}::{case}", fails(), " -vv"),
        ]

    attempts: list[Attempt] = [regenerate, columns, formatter, reword, inspect]
    return churn(ctx, rng, n, first, attempts, f"the {ctx.prog} --help snapshot")


def stderr_stdout_crossed(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A warning must go to stderr with stdout kept clean for pipes; the captured streams never show it where wanted."""
    case = ctx.case(rng, "deprecated_warns_on_stderr")
    clean = ctx.case(rng, "stdout_is_clean")
    warning = f"Warning: {ctx.opt} is deprecated; use {ctx.opt}-{rng.choice(['value', 'n', 'count'])} instead"

    def fails() -> list[Fail]:
        rows = f"{rng.randint(2, 40)} rows\n"
        kind = rng.randrange(3)
        if kind == 0:
            return [stream_fail(ctx, case, "err", "is deprecated", "", warning + "\n" + rows)]
        if kind == 1:
            return [
                stream_fail(ctx, case, "err", "is deprecated", ""),
                raised_fail(
                    ctx,
                    clean,
                    "assert captured.out == expected"
                    if not ctx.django
                    else "self.assertEqual(out.getvalue(), expected)",
                    [
                        f"AssertionError: assert '{warning[:20]}...{rows[:-1]}\\n' == '{rows[:-1]}\\n'"
                        if not ctx.django
                        else f"AssertionError: '{warning}\\n{rows[:-1]}\\n' != '{rows[:-1]}\\n'"
                    ],
                ),
            ]
        return [
            raised_fail(
                ctx,
                clean,
                "assert captured.out == expected" if not ctx.django else "self.assertEqual(out.getvalue(), expected)",
                [
                    f"AssertionError: assert '\\n{rows[:-1]}\\n' == '{rows[:-1]}\\n'"
                    if not ctx.django
                    else f"AssertionError: '\\n{rows[:-1]}\\n' != '{rows[:-1]}\\n'"
                ],
            )
        ]

    first = [test_step(ctx, rng, "Let me run the CLI tests for the deprecation warning.", "", fails())]
    writers = [
        "print(msg, file=sys.stderr)",
        "sys.stderr.write(msg + '\\n')",
        "warnings.warn(msg, DeprecationWarning)",
        "logger.warning(msg)",
    ]
    writers.append(
        "self.stderr.write(msg)"
        if ctx.django
        else "click.echo(msg, err=True)"
        if ctx.click
        else "print(msg, file=sys.stderr, flush=True)"
    )

    def writer(k: int) -> list[Step]:
        old, new = rng.sample(writers, 2)
        return [
            edit(ctx, rng, f"Let me write the warning with `{new}` instead of `{old}`.", old, new),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -q", " -x", " -rA"])),
        ]

    def redirect(k: int) -> list[Step]:
        how = rng.choice(["2>/dev/null", ">/dev/null", "2>&1 >/dev/null", "2>err.txt"])
        shown = rng.choice(
            [warning + "\n", f"{rng.randint(2, 40)} rows\n", warning + f"\n{rng.randint(2, 40)} rows\n", ""]
        )
        return [
            cli_step(
                ctx,
                rng,
                f"Let me check by hand which stream the warning really goes to ({how}).",
                f"{ctx.opt} 3 {how}",
                shown,
                0,
                module=rng.random() < 0.5,
            ),
            test_step(
                ctx,
                rng,
                "So what do the tests capture?",
                f"{ctx.cli_tests}::{rng.choice([case, clean])}",
                fails(),
                rng.choice([" -s", "", " -vv"]),
            ),
        ]

    def capfd(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "Maybe capsys misses it; let me try capturing at the file-descriptor level in the test.",
                f"def {case}(capsys",
                f"def {case}(capfd",
                path=ctx.cli_tests,
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -p no:cacheprovider", " -q"])),
        ]

    def flush(k: int) -> list[Step]:
        return [
            edit(
                ctx,
                rng,
                "Perhaps the ordering is a buffering issue. Let me flush stdout before writing the warning.",
                "    emit(rows)",
                rng.choice(["    sys.stdout.flush()\n    emit(rows)", "    emit(rows)\n    sys.stdout.flush()"]),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -x"])),
        ]

    def grep_stream(k: int) -> list[Step]:
        return [
            Step(
                "Where does the module get its streams from?",
                f"grep -n 'stderr\\|stdout\\|OutputWrapper' {ctx.cli} | head -{rng.randint(8, 15)}",
                numbered(
                    rng,
                    [
                        "self.stdout = OutputWrapper(stdout or sys.stdout)",
                        "self.stderr = OutputWrapper(stderr or sys.stderr)",
                        "print(msg, file=sys.stderr)",
                        "_out = sys.stdout",
                        "stream.write(line)",
                        "warn(msg)",
                    ],
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", fails(), rng.choice(["", " -q"])),
        ]

    attempts: list[Attempt] = [writer, redirect, capfd, flush, grep_stream]
    return churn(ctx, rng, n, first, attempts, f"where {ctx.prog}'s warning is written")

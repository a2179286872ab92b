# ruff: noqa: E501
"""A loop over the program's shell completion: asked every which way, it offers nothing useful."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout47.text import (
    Attempt,
    Ctx,
    Fail,
    churn,
    edit,
    raised_fail,
    rerun,
    test_step,
    usage,
)


def complete_command(ctx: Ctx, words: str) -> str:
    """The command that asks the program for completions as the shell would."""
    if ctx.django:
        return f"cd tests && DJANGO_SETTINGS_MODULE=test_sqlite DJANGO_AUTO_COMPLETE=1 COMP_WORDS='django-admin {ctx.command} {words}' COMP_CWORD=2 python -m django"
    if ctx.click:
        return f"_FLASK_COMPLETE=bash_complete COMP_WORDS='flask {words}' COMP_CWORD=1 flask"
    return f"_ARGCOMPLETE=1 COMP_LINE='{ctx.prog} {words}' COMP_POINT={len(ctx.prog) + 1 + len(words)} {ctx.prog} 8>&1 9>/dev/null"


def completion_output_empty(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Shell completion of the new option offers nothing (or the old options, or a usage error) however it is wired."""
    case = ctx.case(rng, "completion")
    words = ctx.opt[: rng.randint(3, 4)]

    def offered() -> str:
        return rng.choice(
            [
                "",
                "",
                "--verbose\n--help\n",
                f"{usage(ctx)}\n{ctx.prog}: error: the following arguments are required: {rng.choice(['path', 'files', 'target'])}\n",
                "Traceback (most recent call last):\nOSError: [Errno 9] Bad file descriptor\n",
            ]
        )

    def fails() -> list[Fail]:
        got = rng.choice(["[]", "['--verbose', '--help']", "['']"])
        return [
            raised_fail(
                ctx,
                case,
                f"assert {ctx.opt!r} in completions" if not ctx.django else f"self.assertIn({ctx.opt!r}, completions)",
                [
                    f"AssertionError: assert {ctx.opt!r} in {got}"
                    if not ctx.django
                    else f"AssertionError: {ctx.opt!r} not found in {got}"
                ],
            )
        ]

    first = [
        Step(
            f"Let me ask for completions of `{words}` the way the shell does.",
            complete_command(ctx, words),
            offered(),
            rc=rng.choice([0, 1]),
        ),
        test_step(ctx, rng, "Nothing useful. The completion test:", f"{ctx.cli_tests}::{case}", fails()),
    ]

    def env_value(k: int) -> list[Step]:
        value = rng.choice(["source_bash", "bash_source", "complete_bash", "bash_complete", "1", "zsh_complete"])
        command = (
            complete_command(ctx, words)
            .replace("=bash_complete", f"={value}")
            .replace(
                "_ARGCOMPLETE=1",
                f"_ARGCOMPLETE={rng.choice(['1', '2'])} _ARGCOMPLETE_SHELL={rng.choice(['bash', 'zsh'])}",
            )
        )
        return [
            Step(
                f"Maybe the instruction value is different in this version; trying {value}.",
                command,
                offered(),
                rc=rng.choice([0, 1, 2]),
            ),
            test_step(ctx, rng, rerun(rng), f"{ctx.cli_tests}::{case}", fails(), rng.choice(["", " -q", " -s"])),
        ]

    def hook(k: int) -> list[Step]:
        new = rng.choice(
            [
                "argcomplete.autocomplete(parser)\n    args = parser.parse_args(argv)",
                "args = parser.parse_args(argv)\n    argcomplete.autocomplete(parser)",
                f"parser.add_argument({ctx.opt!r}).completer = ChoicesCompleter(CHOICES)",
            ]
        )
        return [
            edit(
                ctx,
                rng,
                "Let me change where the completion hook is installed relative to parsing.",
                "args = parser.parse_args(argv)",
                new,
            ),
            Step(
                "Try the completion again.",
                complete_command(ctx, words[: rng.randint(2, len(words))]),
                offered(),
                rc=rng.choice([0, 1]),
            ),
        ]

    def marker(k: int) -> list[Step]:
        return [
            Step(
                "Does the entry-point script carry the completion marker?",
                f"head -5 $(which {ctx.prog}) && grep -n 'PYTHON_ARGCOMPLETE_OK\\|autocomplete' {ctx.cli}",
                f"#!/opt/miniconda3/envs/testbed/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {ctx.cli_module} import {ctx.entry}\n{rng.randint(1, 30)}:{rng.choice(['# PYTHON_ARGCOMPLETE_OK', 'import argcomplete', 'def autocomplete(self):'])}\n",
            ),
            edit(ctx, rng, "Let me add the marker at the top of the module.", '"""', '# PYTHON_ARGCOMPLETE_OK\n"""'),
            test_step(ctx, rng, rerun(rng), f"{ctx.cli_tests}::{case}", fails(), rng.choice(["", " -x"])),
        ]

    def compgen(k: int) -> list[Step]:
        return [
            Step(
                "Let me check what bash itself has registered.",
                f"bash -ic 'complete -p {ctx.prog}' 2>&1 | tail -{rng.randint(1, 3)}",
                rng.choice(
                    [
                        f"bash: complete: {ctx.prog}: no completion specification\n",
                        f"complete -o default -F _python_argcomplete {ctx.prog}\n",
                        "",
                    ]
                ),
                rc=rng.choice([0, 1]),
            ),
            test_step(ctx, rng, "And the full CLI tests.", "", fails(), rng.choice(["", " -q"])),
        ]

    attempts: list[Attempt] = [env_value, hook, marker, compgen]
    return churn(ctx, rng, n, first, attempts, f"shell completion for {ctx.opt}")

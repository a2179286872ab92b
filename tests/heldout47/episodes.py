# ruff: noqa: E501
"""The hard negatives: the same command-line trouble met once or twice, then its cause found and the tests green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout47.loops_args import SIBLINGS
from heldout47.loops_complete import complete_command
from heldout47.loops_output import snapshot_path
from heldout47.text import Ctx, cli_step, code_fail, edit, raised_fail, stream_fail, test_step, usage


def exit_code_aligned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Status 1 where 2 is wanted, twice; a catch-all around main found swallowing SystemExit; narrowed; green."""
    case = ctx.case(rng, "invalid_exit_code")
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the test for an invalid {ctx.opt}.",
            f"{ctx.cli_tests}::{case}",
            [code_fail(ctx, case, 1, 2)],
        )
    ]
    steps.append(
        edit(
            ctx,
            rng,
            "It exits with 1; the usage error should be 2. Let me exit through parser.error().",
            "raise ValueError(msg)",
            "parser.error(msg)",
        )
    )
    steps.append(
        test_step(ctx, rng, "Rerun.", f"{ctx.cli_tests}::{case}", [code_fail(ctx, case, 1, 2)], rng.choice(["", " -q"]))
    )
    if rng.random() < 0.5:
        steps.append(
            cli_step(
                ctx,
                rng,
                "Still 1. What does it do by hand?",
                f"{ctx.opt} -1",
                f"{usage(ctx)}\n{ctx.prog}: error: {ctx.opt} must be a positive integer\n",
                1,
            )
        )
    at = rng.randint(200, 440)
    handler = "except BaseException as exc:" if not ctx.click else "except (Exception, SystemExit) as exc:"
    steps.append(
        Step(
            "parser.error() raises SystemExit(2), so something above it must turn that into 1. Let me look at the handlers around the call.",
            f"grep -n -B2 -A4 'except' {ctx.cli} | head -30",
            f"{at}-    try:\n{at + 1}-        return run(args)\n{at + 2}:    {handler}\n{at + 3}-        print('error: %s' % exc, file=sys.stderr)\n{at + 4}-        return 1\n",
        )
    )
    steps.append(
        edit(
            ctx,
            rng,
            "That's it: the catch-all also catches SystemExit and returns 1. Catch Exception only, so argparse's exit status goes through.",
            handler,
            "except Exception as exc:",
        )
    )
    steps.append(test_step(ctx, rng, "Rerun the test.", f"{ctx.cli_tests}::{case}", []))
    steps.append(test_step(ctx, rng, "And the whole CLI test module.", "", [], rng.choice(["", " -q"])))
    return steps


def help_width_pinned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The help snapshot differs by wrapping; regenerated once, still off; the width pinned in the test; green."""
    case = ctx.case(rng, "help_snapshot")
    snap = snapshot_path(ctx)
    diff = [
        f"  -   {ctx.opt} {ctx.dest.upper()}  {ctx.dest.replace('_', ' ')} of the output",
        f"  +   {ctx.opt} {ctx.dest.upper()}",
        f"  +                         {ctx.dest.replace('_', ' ')} of the output",
    ]
    fail = raised_fail(
        ctx,
        case,
        "assert captured.out == expected" if not ctx.django else "self.assertEqual(out.getvalue(), expected)",
        [
            "AssertionError: assert 'usage: ...' == 'usage: ...'",
            f"  Skipping {rng.randint(60, 300)} identical leading characters in diff, use -v to show",
            *diff,
        ],
    )
    steps = [
        test_step(ctx, rng, "Let me run the CLI tests after adding the option.", "", [fail]),
        Step(
            "The snapshot predates the new option. Let me regenerate it.",
            f"{ctx.invoke('--help')} > {snap} && git diff --stat {snap}",
            f" {snap} | {rng.randint(2, 4)} ++\n 1 file changed, {rng.randint(2, 4)} insertions(+)\n",
        ),
        test_step(ctx, rng, "Rerun the snapshot test.", f"{ctx.cli_tests}::{case}", [fail]),
        Step(
            "Still a wrapping difference: my shell is wider than the test run. argparse takes the width from COLUMNS (shutil.get_terminal_size). Does the test pin it?",
            f"grep -n 'COLUMNS\\|get_terminal_size\\|def {case}' {ctx.cli_tests}",
            f"{rng.randint(30, 400)}:def {case}(capsys):\n",
        ),
        edit(
            ctx,
            rng,
            "It doesn't. Let me pin COLUMNS=80 in the test so the help wraps the same everywhere.",
            f"def {case}(capsys):",
            f"def {case}(capsys, monkeypatch):\n    monkeypatch.setenv('COLUMNS', '80')",
            path=ctx.cli_tests,
        ),
        Step(
            "And regenerate the snapshot at the same width.",
            f"COLUMNS=80 {ctx.invoke('--help')} > {snap} && git diff --stat {snap}",
            f" {snap} | {rng.randint(3, 6)} +++--\n 1 file changed, {rng.randint(3, 4)} insertions(+), {rng.randint(1, 2)} deletions(-)\n",
        ),
        test_step(ctx, rng, "Run the CLI tests.", "", [], rng.choice(["", " -q"])),
    ]
    return steps


def stream_looked_up_late(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The warning never reaches the captured stderr; a default argument bound sys.stderr at import; fixed; green."""
    case = ctx.case(rng, "deprecated_warns_on_stderr")
    warning = f"Warning: {ctx.opt} is deprecated"
    at = rng.randint(40, 200)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the test of the deprecation warning.",
            f"{ctx.cli_tests}::{case}",
            [stream_fail(ctx, case, "err", "is deprecated", "")],
        )
    ]
    steps.append(
        edit(
            ctx,
            rng,
            "The warning should be on stderr. Let me make sure it is printed there.",
            "warn(msg)",
            "warn(msg, file=sys.stderr)",
        )
    )
    steps.append(
        test_step(
            ctx,
            rng,
            "Rerun.",
            f"{ctx.cli_tests}::{case}",
            [stream_fail(ctx, case, "err", "is deprecated", "")],
            rng.choice(["", " -s"]),
        )
    )
    steps.append(cli_step(ctx, rng, "By hand, with stdout thrown away:", f"{ctx.opt} 3 >/dev/null", warning + "\n", 0))
    steps.append(
        Step(
            "By hand it is on stderr, yet capsys sees nothing: the stream must be looked up before capture starts. Let me see how warn() is defined.",
            f"grep -n -A4 'def warn' {ctx.cli}",
            f"{at}:def warn(msg, file=sys.stderr):\n{at + 1}-    print(msg, file=file)\n",
        )
    )
    steps.append(
        edit(
            ctx,
            rng,
            "The default argument bound the real sys.stderr at import, before pytest swapped it. Look it up at call time instead.",
            "def warn(msg, file=sys.stderr):\n    print(msg, file=file)",
            "def warn(msg, file=None):\n    print(msg, file=file if file is not None else sys.stderr)",
        )
    )
    steps.append(test_step(ctx, rng, "Run the CLI tests.", "", [], rng.choice(["", " -q"])))
    return steps


def option_alias_added(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The new option makes the tests' abbreviation ambiguous once; an exact alias added to the old option; green."""
    short, names = SIBLINGS[ctx.opt_name]
    sibling = names[0]
    case = ctx.case(rng, "abbrev")
    amb = f"{usage(ctx)}\n{ctx.prog}: error: ambiguous option: {short} could match {sibling}, {ctx.opt}\n"
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the CLI tests now that {ctx.opt} is added.",
            "",
            [raised_fail(ctx, case, f"args = parse_args(['{short}', 'auto'])", ["SystemExit: 2"], amb)],
        )
    ]
    if rng.random() < 0.5:
        steps.append(cli_step(ctx, rng, f"The same by hand with {short}:", f"{short} auto", amb, 2))
    steps.append(
        Step(
            f"Which option did {short} mean before? Let me look at the test and the existing option.",
            f"grep -n -- '{short}\\b\\|{sibling}' {ctx.cli_tests} {ctx.cli}",
            f"{ctx.cli_tests}:{rng.randint(30, 300)}:    args = parse_args(['{short}', 'auto'])\n{ctx.cli}:{rng.randint(40, 300)}:    parser.add_argument('{sibling}', choices=['auto', 'always', 'never'])\n",
        )
    )
    steps.append(
        edit(
            ctx,
            rng,
            f"{short} used to be a unique prefix of {sibling}. argparse prefers an exact match, so naming {short} as an alias of {sibling} keeps it working without touching the new option.",
            f"parser.add_argument('{sibling}'",
            f"parser.add_argument('{sibling}', '{short}'",
        )
    )
    steps.append(test_step(ctx, rng, "Run the CLI tests again.", "", [], rng.choice(["", " -q"])))
    return steps


def completion_var_renamed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Completion comes back empty with the old instruction; the code read for the one it expects; completions; green."""
    case = ctx.case(rng, "completion")
    words = ctx.opt[:4]
    command = complete_command(ctx, words)
    old = (
        command.replace("bash_complete", "complete_bash")
        .replace("8>&1 9>/dev/null", "")
        .replace("COMP_CWORD=2", "COMP_CWORD=1")
    )
    steps = [
        Step("Let me check that the new option completes, as the docs show.", old.rstrip(), "", rc=rng.choice([0, 1]))
    ]
    steps.append(
        test_step(
            ctx,
            rng,
            "Nothing. And the completion test?",
            f"{ctx.cli_tests}::{case}",
            [
                raised_fail(
                    ctx, case, f"assert {ctx.opt!r} in completions", [f"AssertionError: assert {ctx.opt!r} in []"]
                )
            ],
        )
    )
    where = {
        True: ("django/core/management/__init__.py", "DJANGO_AUTO_COMPLETE\\|COMP_CWORD"),
        False: ("src/flask/cli.py" if ctx.click else ctx.cli, "_COMPLETE\\|bash_complete\\|argcomplete"),
    }[ctx.django]
    shown = (
        "cword = int(os.environ['COMP_CWORD'])\n    curr = cwords[cword - 1]"
        if ctx.django
        else "instruction = os.environ.get(complete_var)  # e.g. 'bash_complete'"
        if ctx.click
        else "argcomplete.autocomplete(parser)  # writes to fd 8"
    )
    steps.append(
        Step(
            "Let me read how the program expects to be asked.",
            f"grep -n '{where[1]}' {where[0]} | head -8",
            f"{rng.randint(100, 400)}:    {shown}\n",
        )
    )
    steps.append(
        Step(
            "So I was asking the wrong way. With the right instruction:",
            command,
            f"{ctx.opt}\n{rng.choice(['--verbose', '--help'])}\n",
            rc=0,
        )
    )
    fix = (
        ("'COMP_CWORD': '1'", "'COMP_CWORD': '2'")
        if ctx.django
        else ("complete_bash", "bash_complete")
        if ctx.click
        else (
            "argcomplete.autocomplete(parser)",
            "argcomplete.autocomplete(parser, output_stream=out, exit_method=sys.exit)",
        )
    )
    steps.append(
        edit(
            ctx,
            rng,
            "The test used the old form too. Let me update it to ask the way the code expects.",
            *fix,
            path=ctx.cli_tests,
        )
    )
    steps.append(test_step(ctx, rng, "Run the CLI tests.", "", [], rng.choice(["", " -q"])))
    return steps


def envvar_read_at_call(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The env default not seen by the test; the constant found evaluated at import; read at call time; green."""
    case = ctx.case(rng, "from_env")
    line = f"assert args.{ctx.dest} == 120" if not ctx.django else f"self.assertEqual(options['{ctx.dest}'], 120)"
    error = "AssertionError: assert 80 == 120" if not ctx.django else "AssertionError: 80 != 120"
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the test that sets {ctx.env}.",
            f"{ctx.cli_tests}::{case}",
            [raised_fail(ctx, case, line, [error])],
        )
    ]
    steps.append(
        Step(
            f"By hand, with {ctx.env}=120:",
            f"{ctx.env}=120 {ctx.invoke('--verbose')} 2>&1 | grep {ctx.dest}",
            f"{ctx.dest}: 120\n",
        )
    )
    steps.append(
        Step(
            "It works by hand but not in the test, where the variable is set after import. Where is the default computed?",
            f"grep -n '{ctx.env}\\|DEFAULT_{ctx.dest.upper()}' {ctx.cli}",
            f"{rng.randint(20, 60)}:DEFAULT_{ctx.dest.upper()} = int(os.environ.get('{ctx.env}', 80))\n{rng.randint(100, 400)}:        default=DEFAULT_{ctx.dest.upper()},\n",
        )
    )
    steps.append(
        edit(
            ctx,
            rng,
            "The module-level constant is evaluated once at import. Let me resolve the default when the parser is built.",
            f"default=DEFAULT_{ctx.dest.upper()},",
            f"default=int(os.environ.get('{ctx.env}', DEFAULT_{ctx.dest.upper()})),",
        )
    )
    steps.append(
        edit(
            ctx,
            rng,
            "And keep the constant as the plain fallback.",
            f"DEFAULT_{ctx.dest.upper()} = int(os.environ.get('{ctx.env}', 80))",
            f"DEFAULT_{ctx.dest.upper()} = 80",
        )
    )
    steps.append(test_step(ctx, rng, "Rerun the test.", f"{ctx.cli_tests}::{case}", []))
    steps.append(test_step(ctx, rng, "And the whole module.", "", [], rng.choice(["", " -q"])))
    return steps

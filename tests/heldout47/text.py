# ruff: noqa: E501
"""Names the families' steps use (the run's command-line program, its option, its tests) and what they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

# Each repository's command-line program: its source, its name, its tests and how `python -m` runs it.
_CLIS = {
    "astropy": (
        "astropy/io/fits/scripts/fitsheader.py",
        "fitsheader",
        "astropy/io/fits/tests/test_fitsheader.py",
        "astropy.io.fits.scripts.fitsheader",
    ),
    "django": ("django/core/management/base.py", "django-admin", "tests/user_commands/tests.py", "django"),
    "sympy": ("isympy.py", "isympy", "sympy/interactive/tests/test_isympy_cli.py", "isympy"),
    "sphinx-doc": ("sphinx/ext/apidoc.py", "sphinx-apidoc", "tests/test_ext_apidoc.py", "sphinx.ext.apidoc"),
    "pytest-dev": ("src/_pytest/config/argparsing.py", "pytest", "testing/test_parseopt.py", "pytest"),
    "pylint-dev": ("pylint/lint/run.py", "pylint", "tests/test_self.py", "pylint"),
    "pallets": ("src/flask/cli.py", "flask", "tests/test_cli.py", "flask"),
}
_OPTS = ("columns", "color", "format", "limit", "indent", "sort-keys", "width")
_COMMANDS = ("dumpdata", "inspectdb", "showmigrations", "diffsettings", "check", "sqlflush")

Attempt = text.Attempt
Fail = tuple[str, str, list[str]]
_CAPTURED = "-" * 29 + " Captured stderr call"  # a failing test: its name, the line that failed, the error's lines


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the command-line program the agent changes and its tests."""

    @property
    def _cli(self) -> tuple[str, str, str, str]:
        if self.run.owner in _CLIS:
            return _CLIS[self.run.owner]
        module = self.run.module
        tests = "tests/test_main.py" if self.run.owner == "psf" else f"{self.run.package}/tests/test_main.py"
        return f"{self.run.package}/__main__.py", module, tests, module

    @property
    def cli(self) -> str:
        return self._cli[0]

    @property
    def prog(self) -> str:
        return self._cli[1]

    @property
    def cli_tests(self) -> str:
        return self._cli[2]

    @property
    def cli_module(self) -> str:
        """The module the console script imports its entry point from."""
        if self.django:
            return "django.core.management"
        return self.cli.removeprefix("src/").removesuffix(".py").replace("/", ".").removesuffix(".__main__")

    @property
    def entry(self) -> str:
        return "execute_from_command_line" if self.django else "main"

    @property
    def click(self) -> bool:
        return self.run.owner == "pallets"

    @property
    def _pick(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def opt_name(self) -> str:
        return _OPTS[self._pick % len(_OPTS)]

    @property
    def opt(self) -> str:
        return f"--{self.opt_name}"

    @property
    def dest(self) -> str:
        return self.opt_name.replace("-", "_")

    @property
    def env(self) -> str:
        """The environment variable the option's default is read from."""
        return f"{self.prog.upper().replace('-', '_').replace('.', '_')}_{self.dest.upper()}"

    @property
    def command(self) -> str:
        """The subcommand the tests run (Django's management command, else the program itself)."""
        return _COMMANDS[self._pick % len(_COMMANDS)] if self.django else self.prog

    def case(self, rng: random.Random, what: str) -> str:
        return f"test_{self.dest}_{what}"

    def invoke(self, args: str, module: bool = False) -> str:
        """The agent's command running the program by hand."""
        if self.django:
            return f"cd tests && python -m django {self.command} --settings=test_sqlite {args}".rstrip()
        if module or self.run.owner not in _CLIS:
            return f"python -m {self._cli[3]} {args}".rstrip()
        return f"{self.prog} {args}".rstrip()

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the CLI's tests (of `target`, or the whole module)."""
        if self.django:
            name = target.partition("::")[2]
            label = "user_commands" + (f".tests.CommandTests.{name.split('[')[0]}" if name else "")
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.cli_tests}{extra}"


def code_fail(ctx: Ctx, name: str, got: object, want: object) -> Fail:
    """A test of the exit status that saw another one."""
    if ctx.django:
        return name, f"self.assertEqual(cm.exception.code, {want})", [f"AssertionError: {got!r} != {want!r}"]
    if ctx.click:
        return (
            name,
            f"assert result.exit_code == {want}",
            [f"assert {got!r} == {want}", f" +  where {got!r} = <Result SystemExit({got!r})>.exit_code"],
        )
    return (
        name,
        f"assert excinfo.value.code == {want}",
        [f"assert {got!r} == {want}", f" +  where {got!r} = SystemExit({got!r}).code"],
    )


def stream_fail(ctx: Ctx, name: str, stream: str, want: str, got: str, other: str = "") -> Fail:
    """A test that looked for `want` in one captured stream and found `got` there."""
    if ctx.django:
        return name, f"self.assertIn({want!r}, {stream}.getvalue())", [f"AssertionError: {want!r} not found in {got!r}"]
    if ctx.click:
        field = "output" if stream == "out" else "stderr"
        return (
            name,
            f"assert {want!r} in result.{field}",
            [f"AssertionError: assert {want!r} in {got!r}", f" +  where {got!r} = <Result okay>.{field}"],
        )
    out, err = (got, other) if stream == "out" else (other, got)
    return (
        name,
        f"assert {want!r} in captured.{stream}",
        [
            f"AssertionError: assert {want!r} in {got!r}",
            f" +  where {got!r} = CaptureResult(out={out!r}, err={err!r}).{stream}",
        ],
    )


def raised_fail(ctx: Ctx, name: str, line: str, errors: list[str], stderr: str = "") -> Fail:
    """A test that failed on `line` with `errors`, what the program wrote to stderr shown after them."""
    if not stderr:
        return name, line, errors
    if ctx.django:
        return name, line, [*errors, stderr.rstrip("\n")]
    return name, line, [*errors, f"{_CAPTURED} {'-' * 29}", stderr.rstrip("\n")]


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[Fail]) -> str:
    """A run of the CLI's tests with `failing` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += ["System check identified no issues (0 silenced)."]
        marks = ["."] * passed + ["F"] * len(failing)
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, line, errors in failing:
            lines += [
                "=" * 70,
                f"FAIL: {name} (user_commands.tests.CommandTests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/user_commands/tests.py", line {rng.randint(40, 560)}, in {name}',
                f"    {line}",
                *errors,
                "",
            ]
        lines += [
            "-" * 70,
            f"Ran {passed + len(failing)} test{'s' if passed + len(failing) != 1 else ''} in {rng.uniform(0.05, 6.0):.3f}s",
            "",
        ]
        lines.append(f"FAILED (failures={len(failing)})" if failing else "OK")
        return "\n".join(lines)
    path = target.split("::")[0].split(" ")[0]
    fixture = "runner" if ctx.click else rng.choice(["capsys", "capsys, monkeypatch", "tmp_path, capsys"])
    failures = []
    for name, line, errors in failing:
        cut = next((i for i, error in enumerate(errors) if error.startswith(_CAPTURED)), len(errors))
        body = [f"    def {name}({fixture}):", f">       {line}", *(f"E       {error}" for error in errors[:cut]), ""]
        body.append(
            f"{path}:{rng.randint(20, 640)}: {errors[0].split(':')[0] if ':' in errors[0] else 'AssertionError'}"
        )
        failures.append((name, body + errors[cut:], errors[0]))
    return text.pytest_output(ctx, rng, path if len(path) < 66 else path.rsplit("/", 1)[-1], passed, failures)


_RERUN = (
    "Rerun.",
    "Run the tests again.",
    "And the tests:",
    "Let me rerun the CLI tests.",
    "Tests again.",
    "Let's see what the tests say now.",
    "Check again.",
    "Run them once more.",
)
# What the agent passes Django's runner where it would pass pytest a flag.
_DJANGO_FLAGS = {"-q": " -v 0", "-x": " --failfast", "-vv": " -v 2", "-s": " --parallel 1", "-rA": " -v 2"}


def rerun(rng: random.Random) -> str:
    return rng.choice(_RERUN)


def test_step(ctx: Ctx, rng: random.Random, thought: str, target: str, failing: list[Fail], extra: str = "") -> Step:
    """A run of the CLI's tests, or of one of them (retargeted to a failing one if it named another)."""
    if "::" in target:
        named = [fail for fail in failing if fail[0] == target.split("::")[1]]
        if failing and not named:
            named = failing[:1]
            target = f"{target.split('::')[0]}::{named[0][0]}"
        failing, passed = named, 0 if named else 1
    else:
        passed = rng.randint(5, 48)
    if ctx.django and extra:
        extra = "".join(_DJANGO_FLAGS.get(flag, "") for flag in extra.split() if not flag.startswith("-p"))
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.cli_tests, passed, failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.6, 11.0),
    )


def cli_step(ctx: Ctx, rng: random.Random, thought: str, args: str, output: str, rc: int, module: bool = False) -> Step:
    """The program run by hand, its status echoed after it (or not)."""
    command = ctx.invoke(args, module)
    if rng.random() < 0.5:
        return Step(thought, f'{command}; echo "exit: $?"', f"{output.rstrip()}\nexit: {rc}\n".lstrip("\n"), rc=0)
    return Step(thought, command, output, rc=rc)


def numbered(rng: random.Random, texts: list[str], prefix: str = "") -> str:
    """Some of `texts` as grep -n prints them: at increasing line numbers, in file order."""
    chosen = rng.sample(texts, rng.randint(min(2, len(texts)), len(texts)))
    lines = sorted(rng.sample(range(12, 640), len(chosen)))
    return "\n".join(f"{prefix}{line}:    {text}" for line, text in zip(lines, chosen, strict=True))


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def edit(ctx: Ctx, rng: random.Random, thought: str, old: str, new: str, path: str = "") -> Step:
    """One change to the CLI's source (or `path`), by a Python replace or by sed on the line."""
    path = path or ctx.cli
    if rng.random() < 0.3 and "/" not in old + new and "'" not in old + new and "\n" not in old + new:
        return Step(thought, f"sed -i '{rng.randint(40, 620)}s/{old}/{new}/' {path}", "")
    return Step(thought, py_edit(path, old, new), "patched")


def usage(ctx: Ctx, prog: str | None = None) -> str:
    shown = prog or (f"django-admin {ctx.command}" if ctx.django else ctx.prog)
    return f"usage: {shown} [-h] [{ctx.opt} {ctx.dest.upper()}] [--verbose]"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the parser's source, the test's body, the help."""
    line = rng.randint(30, 520)
    case = ctx.case(rng, rng.choice(["default", "invalid", "help", "env", "stderr", "exit_code"]))
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.cli}\n" + rng.choice(["", f" M {ctx.cli_tests}\n", "?? repro.sh\n", "?? out.txt\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.cli}", "git diff -U1"]),
            f"diff --git a/{ctx.cli} b/{ctx.cli}\n--- a/{ctx.cli}\n+++ b/{ctx.cli}\n@@ -{line},6 +{line},{rng.randint(7, 12)} @@\n     parser.add_argument(\n-        '{ctx.opt}', type=int,\n+        '{ctx.opt}', type={rng.choice(['int', '_positive', 'str', '_parse_' + ctx.dest])}, default={rng.choice(['None', '80', 'DEFAULT_' + ctx.dest.upper(), 'os.environ.get(' + repr(ctx.env) + ')'])},\n         help='{ctx.dest.replace('_', ' ')} of the output',\n",
        ),
        Step(
            "Let me re-read the parser setup.",
            f"sed -n '{line},{line + 14}p' {ctx.cli}",
            f"    parser = {'click.Group' if ctx.click else 'argparse.ArgumentParser'}(\n        prog={rng.choice(['None', repr(ctx.prog), 'prog_name'])},\n        description=__doc__,\n    )\n    parser.add_argument('{ctx.opt}', metavar='{ctx.dest.upper()}', help='{ctx.dest.replace('_', ' ')} (default: %(default)s)')\n    parser.add_argument('--verbose', action='store_true')\n    args = parser.parse_args(argv)\n    try:\n        return run(args)\n    except {rng.choice(['Exception', 'BaseException', 'ValueError'])} as exc:\n        {'self.stderr.write' if ctx.django else 'print'}('error: %s' % exc)\n        return 1\n",
        ),
        rng.choice(
            [
                Step(
                    "Where else are the options and exit paths defined?",
                    f"grep -n 'add_argument\\|sys.exit\\|SystemExit' {ctx.cli}",
                    numbered(
                        rng,
                        [
                            f"parser.add_argument({ctx.opt!r}, type=int)",
                            "sys.exit(main())",
                            "raise SystemExit(status)",
                            "parser.add_argument('--verbose', action='store_true')",
                            "parser.exit(status, message)",
                        ],
                    ),
                ),
                Step(
                    f"Where else is {ctx.opt} used?",
                    f"grep -rn -- '{ctx.opt}' {ctx.run.package} | head -20",
                    numbered(
                        rng,
                        [
                            f"parser.add_argument({ctx.opt!r}, type=int)",
                            f"# {ctx.opt} N: {ctx.dest.replace('_', ' ')} of the output",
                            f"argv = [{ctx.opt!r}, str(n)]",
                        ],
                        f"{ctx.cli}:",
                    ),
                ),
            ]
        ),
        Step(
            "Let me look at what the failing test does.",
            f"grep -n -A9 'def {case}' {ctx.cli_tests}",
            f"{line}:    def {case}(self{'' if ctx.django else ', capsys'}):\n{line + 1}-        with {'self.assertRaises(CommandError) as cm' if ctx.django else 'pytest.raises(SystemExit) as excinfo'}:\n{line + 2}-            main(['{ctx.opt}', '{rng.choice(['-1', 'abc', '0', ''])}'])\n{line + 3}-        {'self.assertEqual(cm.exception.returncode, 2)' if ctx.django else 'assert excinfo.value.code == 2'}\n",
        ),
        Step(
            "Let me see the current --help output.",
            f"{ctx.invoke('--help')} | head -{rng.randint(6, 12)}",
            f"{usage(ctx)}\n\n{rng.choice(['options', 'optional arguments'])}:\n  -h, --help            show this help message and exit\n  {ctx.opt} {ctx.dest.upper()}\n                        {ctx.dest.replace('_', ' ')} of the output\n  --verbose             print more\n",
        ),
        Step(
            "Let me see the recent history of the CLI module.",
            f"git log --oneline -4 -- {ctx.cli}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Fix exit status",
                        "Add --verbose",
                        "Refs #30112 -- Tidy parser",
                        "Merge pull request",
                        "Use argparse",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing steps, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)

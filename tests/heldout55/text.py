# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the test runs they print."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("_{}_path", "resolve_{}_file", "find_{}_files", "_locate_{}", "load_{}_data", "_{}_dir")
_NAMES = ("sample", "config", "fixture", "expected", "input", "golden")

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the path helper the agent changes and the tests it runs."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def data_name(self) -> str:
        return f"{self.stem}_{_NAMES[sum(map(ord, self.run.session)) % len(_NAMES)]}.txt"

    @property
    def data_dir(self) -> str:
        """Where the tests keep the file the helper opens."""
        return f"tests/{self.stem}_tests/data" if self.django else f"{self.tests_dir}/data"

    @property
    def data_file(self) -> str:
        return f"{self.data_dir}/{self.data_name}"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    @property
    def pkg_dir(self) -> str:
        return self.source.rsplit("/", 1)[0]

    def case(self, rng: random.Random, what: str = "") -> str:
        return f"test_{self.stem}_{what or rng.choice(['path', 'dir', 'files', 'load', 'relative', 'nested', 'copy', 'write'])}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            # runtests.py takes none of pytest's options: only its own are kept.
            extra = extra if extra.startswith((" --parallel", " -v", " --settings")) else ""
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".tests.{self.cls}Tests.{name.split('[')[0]}" if name and not path else ""
            label += f".{name.split('[')[0]}" if name and path else ""
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"


def tmp_base(rng: random.Random) -> str:
    """pytest's base temporary directory for one session, its number moving on each run."""
    return f"/tmp/pytest-of-root/pytest-{rng.randint(0, 60)}"


def tmp_path_of(rng: random.Random, test: str) -> str:
    return f"{tmp_base(rng)}/{test[:30]}0"


def mkdtemp_name(rng: random.Random) -> str:
    return "/tmp/tmp" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789_", k=8))


def run_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[tuple[str, str]], code: str = ""
) -> str:
    """A test run with `failing` (test, error line) failing, as pytest or Django's runner prints it."""
    code = code or f"result = {ctx.func}(path)"
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + ["F" if e.startswith("AssertionError") else "E" for _, e in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, error in failing:
            kind = "FAIL" if error.startswith("AssertionError") else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {name}',
                f"    {code}",
            ]
            if kind == "ERROR":
                lines += [
                    f'  File "/testbed/{ctx.source}", line {rng.randint(20, 700)}, in {ctx.func}',
                    f"    {rng.choice(['with open(path) as fh:', 'return os.listdir(path)', 'os.makedirs(path)', 'return Path(path)'])}",
                ]
            lines += [error, ""]
        total = passed + len(failing)
        failures = sum(e.startswith("AssertionError") for _, e in failing)
        errors = len(failing) - failures
        lines += ["-" * 70, f"Ran {total} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        if failing:
            parts = [f"failures={failures}" if failures else "", f"errors={errors}" if errors else ""]
            lines.append(f"FAILED ({', '.join(p for p in parts if p)})")
        else:
            lines.append("OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    failures = [
        (
            name,
            [
                f"    def {name}(tmp_path):",
                f">       {code}",
                f"E       {error}",
                "",
                f"{target.split('::')[0]}:{rng.randint(20, 700)}: {error.split(':')[0]}",
            ],
            error,
        )
        for name, error in failing
    ]
    shown = target.split(" ")[0]
    return text.pytest_output(
        ctx, rng, shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1], passed, failures
    )


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    failing: list[tuple[str, str]],
    extra: str = "",
    code: str = "",
    command: str = "",
) -> Step:
    """The tests run (by `command` when given), `failing` failing."""
    passed = rng.randint(5, 60)
    command = command or ctx.tests(target, extra)
    output = run_output(ctx, rng, target or ctx.test_file, passed, failing, code)
    workers = re.search(r"--parallel (\d+)", command)
    if workers:
        output = re.sub(r"with up to \d+ processes", f"with up to {workers.group(1)} processes", output)
    return Step(
        thought,
        command,
        output,
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def not_found(path: str) -> str:
    return f"FileNotFoundError: [Errno 2] No such file or directory: '{path}'"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the helper's source, the data directory, the test's body."""
    line = rng.randint(30, 700)
    case = ctx.case(rng)
    sub = rng.choice(["sub", "data", "link", "out"])
    arg = rng.choice(["target", "str(target)", "target / 'a.txt'", "os.fspath(target)"])
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", f"?? {ctx.data_dir}/\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},6 +{line},{rng.randint(6, 10)} @@ def {ctx.func}(path, base=None):\n-    path = os.path.join(base or '', path)\n+    path = {rng.choice(['os.path.abspath(os.path.join(base or os.getcwd(), path))', 'Path(base or Path.cwd()) / path', 'os.path.normpath(os.path.join(base or HERE, path))', 'os.fspath(Path(path).resolve())'])}\n     if not os.path.exists(path):\n",
        ),
        Step(
            "Let me re-read the helper around my change.",
            f"sed -n '{line},{line + 12}p' {ctx.source}",
            f'def {ctx.func}(path, base=None):\n    """Return the {ctx.stem} path for `path`, relative to `base`."""\n    if base is None:\n        base = {rng.choice(["os.getcwd()", "os.path.dirname(__file__)", "Path.cwd()", "HERE"])}\n    path = os.path.join(base, path)\n    if {rng.choice(["not os.path.exists(path)", "not Path(path).is_file()", "not os.path.isdir(path)"])}:\n        raise FileNotFoundError(path)\n    return path\n',
        ),
        Step(
            "Where is the data directory, and what is in it?",
            rng.choice(
                [f"ls -la {ctx.data_dir}", f"ls -la {ctx.data_dir} | head", f"find {ctx.data_dir} -maxdepth 1 | head"]
            ),
            f"total {rng.randint(8, 60)}\ndrwxr-xr-x {rng.randint(2, 5)} root root 4096 {rng.choice(['Mar', 'Jun', 'Oct'])} {rng.randint(1, 28)} 12:{rng.randint(10, 59)} .\ndrwxr-xr-x {rng.randint(3, 9)} root root 4096 Mar  3 09:{rng.randint(10, 59)} ..\n-rw-r--r-- 1 root root  {rng.randint(80, 4000)} Mar  3 09:14 {ctx.data_name}\n-rw-r--r-- 1 root root  {rng.randint(80, 900)} Mar  3 09:14 README\n",
        ),
        Step(
            "Let me look at what the failing test does.",
            f"grep -n -A8 'def {case}' {ctx.test_file}",
            f"{line}:def {case}(tmp_path):\n{line + 1}-    target = tmp_path / {sub!r}\n{line + 2}-    target.mkdir()\n{line + 3}-    result = {ctx.func}({arg})\n{line + 4}-    assert result == {rng.choice(['expected', 'str(target)', 'target', 'sorted(expected)'])}\n",
        ),
        Step(
            "Let me see who else calls the helper.",
            rng.choice(
                [f"grep -rn '{ctx.func}(' {ctx.run.package} | head -20", f"git grep -n '{ctx.func}' -- '*.py' | head"]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'core', 'io', 'config', 'loader'])}.py:{rng.randint(10, 900)}:    path = {ctx.func}({rng.choice(['name', 'filename, base=root', 'os.path.join(root, name)', 'Path(name)'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Where am I, and which directory does pytest treat as root?",
            rng.choice(["pwd && ls", "pwd; ls -d */ | head", "pwd && git rev-parse --show-toplevel"]),
            "/testbed\n"
            + rng.choice(
                [
                    "/testbed\n",
                    f"{ctx.run.package.split('/')[0]}/\ntests/\n",
                    "AUTHORS\nLICENSE\nREADME.rst\nsetup.cfg\nsetup.py\ntests\n",
                ]
            ),
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)

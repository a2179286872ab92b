"""What a family's episode reads from its run, and the shell and test-runner output its commands print."""

from __future__ import annotations

import posixpath
import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from heldout20 import text
from heldout20.calls import SUBMIT, Step
from heldout20.runs import Run, answer_of

_FLAT_TESTS = {"django", "sphinx-doc", "pytest-dev", "psf", "pallets", "pylint-dev"}
SCIENTIFIC = {"matplotlib", "mwaskom", "scikit-learn", "astropy", "pydata", "sympy"}

_COMMAND = re.compile(r"```bash\n(.*?)\n```", re.S)
_DJANGO_LABEL = re.compile(r"runtests\.py\s+(?:--?[\w=-]+\s+)*([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)")
_PYTEST_FILE = re.compile(r"pytest\s+(?:-[\w=-]+\s+)*((?:[\w.-]+/)+test_\w+\.py)")
_DEF = re.compile(r"^\s*(?:\d+\s+|\d+:)?\s*def (\w+)\(", re.M)
_REPRO = re.compile(r"^python3?\s+([\w-]+\.py)\s*$", re.M)

# Where Django keeps the tests of a package, when the run never ran them.
_DJANGO_LABELS = {
    "utils": "utils_tests",
    "models": "model_fields",
    "fields": "model_fields",
    "sql": "queries",
    "template": "template_tests",
    "forms": "forms_tests",
    "admin": "admin_views",
    "auth": "auth_tests",
    "management": "user_commands",
    "http": "httpwrappers",
    "views": "view_tests",
    "urls": "urlpatterns_reverse",
    "core": "check_framework",
}


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, and the names its steps use."""

    run: Run
    upto: int  # the real calls before the splice
    written: list[str] = field(default_factory=list)  # the reproduction script's lines, when a step wrote it

    @cached_property
    def commands(self) -> list[str]:
        """Every command the run's agent ran, the calls after the splice too (they name its tests)."""
        return [m.group(1) for call in self.run.calls for m in [_COMMAND.search(answer_of(call))] if m]

    @cached_property
    def functions(self) -> list[str]:
        """Functions the run's outputs showed defined in its repository (what a traceback into it would name)."""
        seen: dict[str, None] = {}
        for message in self.run.calls[-1].messages[2:]:
            if message["role"] == "user":
                for name in _DEF.findall(str(message["content"])):
                    if not name.startswith(("test", "assert", "__", "setUp")) and len(name) > 3:
                        seen[name] = None
        return list(seen)[:12] or ["_resolve", "_collect", "_walk"]

    @property
    def tests_dir(self) -> str:
        if self.run.owner in _FLAT_TESTS or self.run.owner == "mwaskom":
            return "tests"
        if self.run.owner in ("pydata", "matplotlib"):
            return f"{self.run.package}/tests"
        return posixpath.join(posixpath.dirname(self.source), "tests")

    @property
    def scientific(self) -> bool:
        return self.run.owner in SCIENTIFIC

    @property
    def pyver(self) -> str:
        return self.site.split("/python")[1].split("/")[0]

    @property
    def abi(self) -> str:
        return f"cpython-{self.pyver.replace('.', '')}-x86_64-linux-gnu"

    @cached_property
    def label(self) -> str:
        """The Django test label the run used, or the one its source file's tests live under."""
        for command in self.commands:
            found = _DJANGO_LABEL.search(command)
            if found:
                return found.group(1)
        folder = posixpath.basename(posixpath.dirname(self.source))
        return _DJANGO_LABELS.get(folder, folder)

    @cached_property
    def test_file(self) -> str:
        if self.django:
            parts = self.label.split(".")
            return f"tests/{parts[0]}/{parts[1] if len(parts) > 1 else 'tests'}.py"
        for command in self.commands:
            found = _PYTEST_FILE.search(command)
            if found and not found.group(1).startswith(("/", "..")):
                return found.group(1)
        return f"{self.tests_dir}/test_{self.stem}.py"

    @cached_property
    def repro(self) -> str:
        for command in self.commands:
            found = _REPRO.search(command)
            if found and not re.match(r"test|apply|edit|fix|patch", found.group(1)):
                return found.group(1)
        return "reproduce_issue.py"

    @property
    def django_class(self) -> str:
        """The dotted name of the Django test case the run's tests live in."""
        return f"{self.label}{'' if '.' in self.label else '.tests'}.{self.cls}Tests"

    @cached_property
    def py(self) -> str:
        """How the run's agent called Python: `python3` or `python`."""
        counts = [
            sum(command.startswith(f"{name} ") or f"&& {name} " in command for command in self.commands)
            for name in ("python3", "python")
        ]
        return "python3" if counts[0] > counts[1] else "python"

    @property
    def repro_seen(self) -> bool:
        """Whether the agent wrote or ran its reproduction script before the splice."""
        return any(self.repro in answer_of(call) for call in self.run.calls[: self.upto])

    @cached_property
    def repro_output(self) -> str:
        """What the reproduction script last printed, run cleanly, before the splice (or a plain line)."""
        printed = ""
        for call in self.run.calls[1 : self.upto + 1]:
            found = _COMMAND.search(answer_of(self.run.calls[call.seq - 1]))
            reply = str(call.messages[-1]["content"])
            if (
                found
                and re.search(rf"python3? {re.escape(self.repro)}", found.group(1))
                and reply.startswith("<returncode>0</returncode>\n<output>\n")
            ):
                body = reply.split("<output>\n", 1)[1].rsplit("</output>", 1)[0].strip()
                if body and len(body) < 1500:
                    printed = body
        return printed or f"{self.cls}: ok"

    def test_cmd(self, extra: str = "", target: str = "") -> str:
        """The command that runs the tests near the run's change, with `extra` options."""
        if self.django:
            return f"python tests/runtests.py {target or self.label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"


def lineno(rng: random.Random, path: str, function: str) -> int:
    """Where `function` sits in `path`: the same on every run, give or take the agent's own edits under /testbed."""
    crc = zlib.crc32(f"{path}:{function}".encode())
    if path.count("/") == 2 and path.startswith(("/testbed/", "/tmp/")):
        return 3 + crc % 5 + rng.choice([0, 0, 1])  # the agent's own short scripts
    line = 12 + crc % 640
    edited = path.startswith("/testbed/") and "/site-packages/" not in path
    return line + (rng.choice([0, 0, 0, 1, 2, 4, -1]) if edited else 0)


def addr(rng: random.Random) -> str:
    """A heap address as CPython prints one: 16-byte aligned."""
    return f"0x7f{rng.randrange(16**9):09x}0"


Failure = tuple[str, str, list[str]]  # the test, the line that failed, what was raised


def _pytest_output(
    ctx: Ctx, rng: random.Random, target: str, passed: int, failures: list[Failure], deselected: int
) -> str:
    total = passed + len(failures)
    collected = (
        f"collected {total + deselected} items / {deselected} deselected / {total} selected"
        if deselected
        else f"collected {total} item{'s' if total != 1 else ''}"
    )
    marks = ["."] * passed + ["F"] * len(failures)
    if len(marks) > 2:  # in a pair run as named, the polluter runs first and the victim fails second
        rng.shuffle(marks)
    path = target.split("::")[0]
    lines = [
        "=" * 29 + " test session starts " + "=" * 30,
        ctx.run.pytest_header,
        "rootdir: /testbed",
        collected,
        "",
        f"{path} {''.join(marks):<{max(1, 70 - len(path))}}[100%]",
        "",
    ]
    if failures:
        lines.append("=" * 35 + " FAILURES " + "=" * 35)
        for name, code, raised in failures:
            at = lineno(rng, "/testbed/" + path, name)
            lines += [f"{'_' * 20} {name} {'_' * 20}", "", f"    def {name}():", "        ...", f">       {code}"]
            lines += [f"E       {line}" for line in raised]
            lines += ["", f"{path}:{at}: {raised[0].split(':')[0]}"]
        lines.append("=" * 27 + " short test summary info " + "=" * 28)
        lines += [f"FAILED {path}::{name} - {raised[0][:60]}" for name, _, raised in failures]
    took = f"{rng.uniform(0.05, 3.5):.2f}s"
    counts = ", ".join(
        part
        for part in (
            f"{len(failures)} failed" if failures else "",
            f"{passed} passed" if passed else "",
            f"{deselected} deselected" if deselected else "",
        )
        if part
    )
    lines.append(f" {counts} in {took} ".center(80, "="))
    return "\n".join(lines)


def _django_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failures: list[Failure]) -> str:
    total = passed + len(failures)
    marks = ["."] * passed + ["F"] * len(failures)
    if len(marks) > 2:  # in a pair run as named, the polluter runs first and the victim fails second
        rng.shuffle(marks)
    module = target.replace(".", "/")
    path = f"/testbed/tests/{module if '/' in module else module + '/tests'}.py"
    lines = [
        "Testing against Django installed in '/testbed/django' with up to 8 processes",
        f"Found {total} test(s).",
        "Creating test database for alias 'default'...",
        "System check identified no issues (0 silenced).",
        "".join(marks),
    ]
    for name, code, raised in failures:
        lines += [
            "=" * 70,
            f"FAIL: {name} ({ctx.django_class})",
            "-" * 70,
            "Traceback (most recent call last):",
            f'  File "{path}", line {lineno(rng, path, name)}, in {name}',
            f"    {code}",
            *raised,
            "",
        ]
    lines += ["-" * 70, f"Ran {total} test{'s' if total != 1 else ''} in {rng.uniform(0.01, 2.5):.3f}s", ""]
    lines.append(f"FAILED (failures={len(failures)})" if failures else "OK")
    lines.append("Destroying test database for alias 'default'...")
    return "\n".join(lines)


def test_output(
    ctx: Ctx,
    rng: random.Random,
    passed: int,
    failures: list[Failure] | None = None,
    target: str = "",
    deselected: int = 0,
) -> str:
    """A run of the tests near the change, as Django's runner or pytest prints it."""
    if ctx.django:
        return _django_output(ctx, rng, target or ctx.label, passed, failures or [])
    return _pytest_output(ctx, rng, target or ctx.test_file, passed, failures or [], deselected)


def traceback(ctx: Ctx, rng: random.Random, frames: list[tuple[str, str, str]], raised: str, script: str = "") -> str:
    """A Python traceback through `frames` (file, function, line of code), each at a drifting line number."""
    lines = ["Traceback (most recent call last):"]
    for path, function, code in frames:
        if path == "<string>":
            lines.append('  File "<string>", line 1, in <module>')
            continue
        line = lineno(rng, path, function)
        if path == f"/testbed/{ctx.repro}" and code in ctx.written:
            line = ctx.written.index(code) + 1
        elif code and code in script.split("\n"):  # the first frame's script, whose text the step wrote
            line = script.split("\n").index(code) + 1
        lines += [f'  File "{path}", line {line}, in {function}', f"    {code}"]
    return "\n".join([*lines, raised])


def give_up(rng: random.Random, what: str) -> Step:
    """The answer a looping agent ends on: submitting what it has."""
    thought = rng.choice(
        [
            f"I keep going around in circles with {what}. The change for the issue itself is in place, so I'll submit what I have.",
            f"I've spent a lot of steps on {what} without getting anywhere. I'll stop here and submit the current state of the fix.",
            f"{what[0].upper() + what[1:]} still isn't resolved, but I don't think I can make further progress on it. Submitting.",
            f"This is not converging ({what}). The core fix is done; I'm going to submit.",
            f"I can't get past {what} in this environment. The code change looks right to me, so I'll submit it as is.",
        ]
    )
    return Step(thought, SUBMIT)


Move = Callable[[int], Step]


def write_repro(ctx: Ctx, rng: random.Random, body: str) -> list[Step]:
    """The answer writing the reproduction script, when the run had not written one before the splice."""
    if ctx.repro_seen:
        return []
    ctx.written[:] = body.split("\n")
    thought = vary(
        rng,
        [
            "Let me write a script that reproduces the issue.",
            "First, a small reproduction script.",
            f"Create {ctx.repro} to exercise the code path.",
        ],
    )
    return [Step(thought, f"cat <<'EOF' > {ctx.repro}\n{body}\nEOF", "")]


def loop_steps(
    rng: random.Random,
    n: int,
    opener: Step,
    moves: list[tuple[Move, int]],
    what: str,
    preamble: list[Step] | None = None,
    opened_by: Move | None = None,
) -> list[Step]:
    """`n` answers: the preamble and opener, the family's moves drawn by weight (none twice running), then giving up.

    `opened_by` is the move the opener was made with, so the first move after it is a different one.
    """
    steps = [*(preamble or []), opener]
    last = opened_by
    while len(steps) < n - 1:
        options = [(move, weight) for move, weight in moves if move is not last]
        last = rng.choices([move for move, _ in options], [weight for _, weight in options])[0]
        step = last(len(steps))
        before = steps[-1]
        if step.command == before.command:
            # Two moves can land on the same command; the agent seldom types the same one twice running.
            options = [(move, weight) for move, weight in options if move is not last]
            last = rng.choices([move for move, _ in options], [weight for _, weight in options])[0]
            step = last(len(steps))
        if (before.rc == 0 and not before.timed_out) or before is opener:
            # Nothing failed last time, or nothing was tried yet: there is no setback to remark on.
            for setback in _SETBACKS:
                if setback and step.thought.startswith(setback + " "):
                    step = replace(step, thought=step.thought[len(setback) + 1 :])
        steps.append(step)
    steps.append(give_up(rng, what))
    return steps


def vary(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


_SETBACKS = [
    "",
    "",
    "Still the same.",
    "That didn't help.",
    "Hmm, no change.",
    "Same error again.",
    "No luck.",
    "Still failing.",
    "OK, that didn't do it either.",
]


def think(rng: random.Random, intentions: list[str], setbacks: list[str] | None = None) -> str:
    """A thought: now and then a word on how the last attempt went, then what the agent does next."""
    before = rng.choice(setbacks if setbacks is not None else _SETBACKS)
    intention = rng.choice(intentions)
    return f"{before} {intention}" if before else intention

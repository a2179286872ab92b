"""Names the families' steps use, read from the run they are spliced into, and the output they print."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cached_property

from heldout20 import text
from heldout20.calls import Step

_REPROS = ("repro_cycle.py", "check_fix.py", "reproduce_bug.py", "try_issue.py", "scratch_repro.py", "issue_case.py")
_FUNCS = ("_build_{}", "{}_lookup", "_merge_{}_options", "convert_{}", "_iter_{}_parts", "parse_{}_spec")
_SUBJECTS = (
    "Refs #{n} -- Simplified option handling",
    "Fix typo in docstring",
    "MAINT: tidy imports",
    "Merge pull request #{n} from contributor/patch-{k}",
    "Add regression test for #{n}",
    "Deprecate positional arguments",
    "Use f-strings in error messages",
    "BUG: handle empty input (#{n})",
    "Bump version for development",
    "Move helpers to private module",
    "CI: pin build tools",
    "Clean up test fixtures",
    "ENH: accept tuples as well as lists",
    "Improve error message for invalid key",
)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the script, function and test its agent keeps coming back to."""

    @cached_property
    def stem(self) -> str:
        return text.Ctx.stem.fget(self)  # type: ignore[attr-defined,no-any-return]

    @property
    def repro(self) -> str:
        return _REPROS[(len(self.run.session) + self.upto) % len(_REPROS)]

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def test_name(self) -> str:
        return f"test_{self.func.strip('_')}_regression"


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**40):040x}"


def subject(rng: random.Random) -> str:
    return rng.choice(_SUBJECTS).replace("#{n}", f"#{rng.randint(9000, 26000)}").replace("{k}", str(rng.randint(1, 9)))


def failure(
    ctx: Ctx, rng: random.Random, test: str, error: str, got: str, want: str, line: int = 0
) -> tuple[str, list[str], str]:
    """One pytest failure block: the test's lines around the assertion, and the error it ended on."""
    line = line or rng.randint(40, 900)
    body = [
        f"    def {test}():",
        f"        result = {ctx.func}(sample)",
        f">       assert result == {want}",
        f"E       {error}: assert {got} == {want}",
        "",
        f"{ctx.test_file}:{line}: {error}",
    ]
    return test, body, f"{error}: assert {got} == {want}"


def traceback(ctx: Ctx, rng: random.Random, error: str) -> str:
    """A traceback through the script into the source file, its line numbers where the edits left them."""
    return "\n".join(
        [
            "Traceback (most recent call last):",
            f'  File "/testbed/{ctx.repro}", line {rng.randint(6, 40)}, in <module>',
            f"    out = {ctx.func}(case)",
            f'  File "/testbed/{ctx.source}", line {rng.randint(100, 1200)}, in {ctx.func}',
            f"    return _{ctx.stem}_step(items, **kwargs)",
            f'  File "/testbed/{ctx.source}", line {rng.randint(100, 1200)}, in _{ctx.stem}_step',
            "    raise " + error.split(":")[0] + "(message)",
            error,
        ]
    )


def edit(ctx: Ctx, old: str, new: str, path: str | None = None) -> str:
    """The agent's usual way of swapping one snippet of a file for another."""
    return (
        f"python - <<'EOF'\nfrom pathlib import Path\np = Path('{path or ctx.source}')\ns = p.read_text()\n"
        f"assert {old!r} in s\np.write_text(s.replace({old!r}, {new!r}, 1))\nprint('ok')\nEOF"
    )


def pytest_cmd(rng: random.Random, target: str) -> str:
    """A pytest invocation of `target`, its flags as the agent happens to type them this time."""
    flags = rng.choice(["-q", "-q -x", "-rf", "-q -p no:cacheprovider", "-x -q --tb=short", "-vv --tb=line", "-q -rA"])
    runner = rng.choice(["python -m pytest", "pytest", "python -m pytest"])
    tail = rng.choice(["", "", " 2>&1 | tail -n 25", " 2>&1 | tail -n 40"])
    return f"{runner} {target} {flags}{tail}"


def python_version(ctx: Ctx) -> str:
    """What `which python && python --version` prints in the run's environment."""
    version = ctx.run.pytest_header.split("Python ", 1)[1].split(",", 1)[0]
    return f"/opt/miniconda3/envs/testbed/bin/python\nPython {version}"


def shell(thought: str, command: str, output: str = "", rc: int = 0, seconds: float = 1.0) -> Step:
    """A step whose output is cut as a trailing `| tail -n K` or `| head` would cut it, the pipe's status 0."""
    last = command.rsplit("|", 1)[-1].strip() if "|" in command and "<<'EOF'" not in command else ""
    cut = re.fullmatch(r"(tail|head)(?: -n)?(?: -?(\d+))?", last)
    if cut:
        lines = output.split("\n")
        count = int(cut.group(2) or 10)
        output, rc = "\n".join(lines[-count:] if cut.group(1) == "tail" else lines[:count]), 0
    return Step(thought, command, output, rc, seconds)


def timeit_line(rng: random.Random, usec: float) -> str:
    """What `python -m timeit` prints for a statement taking `usec`: loops chosen to run at least 0.2 s."""
    loops = next(n * 10**k for k in range(9) for n in (1, 2, 5) if n * 10**k * usec >= 200_000)
    usec *= rng.uniform(0.98, 1.02)
    return f"{loops} loops, best of 5: {usec:.3g} usec per loop"

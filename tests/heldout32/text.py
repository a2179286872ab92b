# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the output they print."""

from __future__ import annotations

import posixpath
import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import pytest_output

_REPROS = ("repro_bug.py", "check_issue.py", "reproduce_bug.py", "try_issue.py", "issue_demo.py")
_FUNCS = ("_{}_entries", "coerce_{}", "_split_{}", "to_{}_list", "_merge_{}", "validate_{}")
_HELPERS = ("utils.py", "compat.py", "_helpers.py", "base.py")
_HELPER_FUNCS = ("_normalize", "_as_list", "_clean_value", "_expand")

Failure = tuple[str, list[str], str]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the repro script, function and neighbouring helper module it works on."""

    @property
    def repro(self) -> str:
        return _REPROS[len(self.run.session) % len(_REPROS)]

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def test_name(self) -> str:
        return f"test_{self.func.strip('_')}_issue"

    @property
    def helper(self) -> str:
        """A second module beside the source, which the source's function calls into."""
        names = [name for name in _HELPERS if name != posixpath.basename(self.source)]
        return posixpath.join(posixpath.dirname(self.source), names[len(self.run.session) % len(names)])

    @property
    def helper_stem(self) -> str:
        return posixpath.basename(self.helper)[:-3].strip("_")

    @property
    def helper_mod(self) -> str:
        """The helper's module name, as a relative import spells it."""
        return posixpath.basename(self.helper)[:-3]

    @property
    def helper_test(self) -> str:
        return f"{self.tests_dir}/test_{self.helper_stem}.py"

    @property
    def helper_func(self) -> str:
        return _HELPER_FUNCS[sum(map(ord, self.run.session[::2])) % len(_HELPER_FUNCS)]


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def edit(rng: random.Random, path: str, old: str, new: str) -> str:
    """One snippet of `path` replaced, in one of the ways the agent writes it."""
    if rng.random() < 0.7:
        return (
            f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\nassert {old!r} in s\n"
            f"s = s.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(s)\nprint('patched', p)\nEOF"
        )
    return (
        f"python - <<'EOF'\nfrom pathlib import Path\np = Path('{path}')\n"
        f"p.write_text(p.read_text().replace({old!r}, {new!r}, 1))\nprint('ok')\nEOF"
    )


def edited(command: str, path: str) -> str:
    return f"patched {path}" if "patched" in command else "ok"


def revert(rng: random.Random, path: str) -> str:
    return rng.choice([f"git checkout -- {path}", f"git restore {path}", f"git checkout HEAD -- {path}"])


def traceback(ctx: Ctx, rng: random.Random, error: str, via_helper: bool = False) -> str:
    lines = [
        "Traceback (most recent call last):",
        f'  File "/testbed/{ctx.repro}", line {rng.randint(6, 30)}, in <module>',
        f"    print({ctx.func}(data))",
        f'  File "/testbed/{ctx.source}", line {rng.randint(90, 900)}, in {ctx.func}',
        f"    return {ctx.helper_func}(value, strict=strict)" if via_helper else f"    return _{ctx.stem}_impl(values)",
    ]
    if via_helper:
        lines += [f'  File "/testbed/{ctx.helper}", line {rng.randint(20, 400)}, in {ctx.helper_func}', "    raise exc"]
    lines.append(error)
    return "\n".join(lines)


def run_tests(
    ctx: Ctx, rng: random.Random, thought: str, target: str, passed: int, failures: list[Failure], flags: str = ""
) -> Step:
    command = f"python -m pytest {target} -q{flags}"
    if rng.random() < 0.25:
        command += f" 2>&1 | tail -n {rng.choice([25, 30, 40, 60])}"
    return Step(
        thought,
        command,
        pytest_output(ctx, rng, target, passed, failures),
        rc=1 if failures and "| tail" not in command else 0,
        seconds=rng.uniform(0.8, 7),
    )


def assertion(ctx: Ctx, rng: random.Random, name: str, call: str, got: str, want: str, test_file: str = "") -> Failure:
    body = [
        f"    def {name}():",
        f">       assert {call} == {want}",
        f"E       AssertionError: assert {got} == {want}",
        "",
        f"{test_file or ctx.test_file}:{rng.randint(30, 700)}: AssertionError",
    ]
    return name, body, f"AssertionError: assert {got} == {want}"


def look(ctx: Ctx, rng: random.Random, files: tuple[str, ...] = ()) -> Step:
    """A look between attempts: the tree, the diff, the code, a grep."""
    files = files or (ctx.source,)
    path = rng.choice(files)
    line = rng.randint(30, 700)
    changed = "\n".join(f" M {f}" for f in files)
    choices = [
        Step("Let me check the state of the tree.", "git status --short", f"{changed}\n?? {ctx.repro}\n"),
        Step(
            "Let me look at what is currently changed.",
            rng.choice(["git diff --stat", "git diff --stat HEAD"]),
            "".join(f" {f} | {rng.randint(2, 9)} ++{'-' * rng.randint(1, 3)}\n" for f in files)
            + f" {len(files)} file{'s' if len(files) > 1 else ''} changed, {rng.randint(2, 12)} insertions(+), {rng.randint(1, 5)} deletions(-)\n",
        ),
        Step(
            f"Let me re-read {ctx.func} once more.",
            f"sed -n '{line},{line + rng.choice([15, 20, 25, 30])}p' {ctx.source}",
            "\n".join(
                [
                    f"def {ctx.func}(values, strict=False):",
                    "    result = []",
                    "    for value in values:",
                    f"        value = {ctx.helper_func}(value, strict=strict)",
                    "        if value is None:",
                    "            continue",
                    "        result.append(value)",
                    "    return result",
                ]
            )
            + "\n",
        ),
        Step(
            f"Where else is {ctx.helper_func} used?",
            f"grep -rn '{ctx.helper_func}' {posixpath.dirname(ctx.source)} | head -{rng.choice([5, 8, 10])}",
            f"{ctx.helper}:{rng.randint(10, 90)}:def {ctx.helper_func}(value, strict=False):\n"
            f"{ctx.source}:{line}:        value = {ctx.helper_func}(value, strict=strict)\n"
            f"{ctx.source}:{line + rng.randint(20, 120)}:    return [{ctx.helper_func}(v) for v in values]\n",
        ),
        Step(
            f"Let me look at {posixpath.basename(path)} around the change.",
            f"grep -n -A{rng.randint(3, 8)} 'def {ctx.helper_func if path == ctx.helper else ctx.func}' {path}",
            f"{line}:def {ctx.helper_func if path == ctx.helper else ctx.func}(value, strict=False):\n{line + 1}-    if value is None:\n{line + 2}-        return None\n{line + 3}-    return value\n",
        ),
        Step(
            "Let me check the last commit touching this code.",
            f"git log --oneline -{rng.randint(2, 5)} -- {path}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Fix handling of empty input",
                        "Refactor helpers",
                        "Add strict mode",
                        "Deprecate positional use",
                        "Tidy imports",
                    ],
                    2,
                )
            )
            + "\n",
        ),
    ]
    return rng.choice(choices)

"""What mini-swe-agent's harness says back, and the shapes of gemini's answers and of test output.

The harness's wordings (observation, too-long warning, timeout, format error) are copied from the
dev set's real runs; the answers follow gemini's: "THOUGHT: …" then exactly one bash block.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from heldout12.runs import Ctx, Exchange

TOO_LONG = (
    "<warning>\nThe output of your last command was too long.\nPlease try a different command that produces less output.\n"
    "If you're looking at a file you can try use head, tail or sed to view a smaller number of lines selectively.\n"
    "If you're using grep or find and it produced too much output, you can use a more selective search pattern.\n"
    "If you really need to see something from the full command's output, you can redirect output to a file and then search in that file.\n"
    "</warning>"
)
FORMAT_ERROR = (
    "Please always provide EXACTLY ONE action in triple backticks, found {n} actions.\n\n"
    "Please format your action in triple backticks as shown in <response_example>.\n\n"
    "<response_example>\nHere are some thoughts about why you want to perform the action.\n\n```bash\n<action>\n```\n"
    "</response_example>\n\nIf you have completed your assignment, please consult the first message about how to\n"
    "submit your solution (you will not be able to continue working on this task after that)."
)
SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"


def observation(rc: int, output: str) -> str:
    if output and not output.endswith("\n"):
        output += "\n"
    if len(output) > 10_000:
        head, tail = output[:5000], output[-5000:]
        elided = len(output) - 10_000
        return (
            f"<returncode>{rc}</returncode>\n{TOO_LONG}<output_head>\n{head}\n</output_head>\n"
            f"<elided_chars>\n{elided} characters elided\n</elided_chars>\n<output_tail>\n{tail}\n</output_tail>"
        )
    return f"<returncode>{rc}</returncode>\n<output>\n{output}</output>"


def timed_out(command: str, output: str) -> str:
    if output and not output.endswith("\n"):
        output += "\n"
    return (
        f"The last command <command>{command}</command> timed out and has been killed.\n"
        f"The output of the command was:\n <output>\n{output}\n</output>\n"
        "Please try another command and make sure to avoid those requiring interactive input."
    )


def answer(thought: str, command: str) -> str:
    return f"THOUGHT: {thought}\n\n```bash\n{command}\n```"


def step(thought: str, command: str, rc: int, output: str, secs: float = 0.4) -> Exchange:
    return Exchange(answer(thought, command), observation(rc, output), secs)


def hang(thought: str, command: str, output: str) -> Exchange:
    """A command the harness kills at its 60 s timeout."""
    return Exchange(answer(thought, command), timed_out(command, output), 60.0)


def doubled(rng: random.Random, thought: str, first: str, second: str) -> Exchange:
    """Two bash blocks in one answer: the harness refuses it without running either."""
    text = f"THOUGHT: {thought}\n\n```bash\n{first}\n```\n\n" + rng.choice(
        ["Then I will run:\n\n", "After that:\n\n", "And then verify with:\n\n", ""]
    )
    return Exchange(text + f"```bash\n{second}\n```", FORMAT_ERROR.format(n=2), 0.0)


def say(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def para(rng: random.Random, *parts: str | Sequence[str] | None) -> str:
    """A thought from parts (a string, or options to choose one of), joined the way gemini breaks lines."""
    chosen = [part if isinstance(part, str) else rng.choice(list(part)) for part in parts if part]
    chosen = [part for part in chosen if part]
    out = chosen[0]
    for part in chosen[1:]:
        out += rng.choice(["\n\n", "\n\n", " ", "\n"]) + part
    return out


def maybe(rng: random.Random, p: float, *options: str) -> str:
    return rng.choice(options) if rng.random() < p else ""


# ---------------------------------------------------------------- test runs


def rule(text: str, char: str = "=") -> str:
    if not text:
        return char * 80
    side = (80 - len(text) - 2) // 2
    return f"{char * side} {text} {char * (80 - len(text) - 2 - side)}"


def duration(rng: random.Random, low: float = 0.05, high: float = 2.5) -> str:
    return f"{rng.uniform(low, high):.2f}s"


def test_node(ctx: Ctx, name: str) -> str:
    return f"{ctx.test}::{name}"


def pytest_run(
    ctx: Ctx,
    rng: random.Random,
    results: Sequence[tuple[str, str]],
    failures: dict[str, str],
    quiet: bool = False,
    secs: tuple[float, float] = (0.05, 2.5),
) -> tuple[int, str]:
    """pytest's report of (test name, '.'/'F'/'E'/'s') results; failures maps a name to its traceback."""
    marks = "".join(mark for _, mark in results)
    lines = []
    if not quiet:
        lines += [
            rule("test session starts"),
            f"platform linux -- Python {ctx.py_full}, pytest-{ctx.pytest}, pluggy-1.5.0",
            "rootdir: /testbed",
            f"configfile: {ctx.configfile}",
            f"collected {len(results)} item{'s' if len(results) != 1 else ''}",
            "",
        ]
        lines.append(f"{ctx.test} {marks}".ljust(74) + " [100%]")
    else:
        lines.append(marks.ljust(74) + " [100%]")
    failed = [name for name, mark in results if mark == "F"]
    if failed:
        lines += ["", rule("FAILURES")]
        for name in failed:
            lines += [rule(name, "_"), "", failures.get(name, "E       AssertionError")]
            lines.append("")
        lines += [rule("short test summary info")]
        for name in failed:
            body = failures.get(name, "E       AssertionError").strip().splitlines()
            said = [line.removeprefix("E").strip() for line in body if line.startswith("E ")]
            last = said[0] if said else body[-1]
            lines.append(f"FAILED {test_node(ctx, name)} - {last}"[:200])
    passed = sum(1 for _, mark in results if mark == ".")
    skipped = sum(1 for _, mark in results if mark == "s")
    counts = ", ".join(
        part
        for part in (
            f"{len(failed)} failed" if failed else "",
            f"{passed} passed" if passed else "",
            f"{skipped} skipped" if skipped else "",
        )
        if part
    )
    summary = f"{counts} in {duration(rng, *secs)}"
    lines.append(summary if quiet else rule(summary))
    return (1 if failed else 0), "\n".join(lines) + "\n"


def django_run(
    ctx: Ctx, rng: random.Random, results: Sequence[tuple[str, str]], failures: dict[str, str]
) -> tuple[int, str]:
    """Django's runtests.py report of the same results (unittest's format, on stderr)."""
    klass = "".join(word.title() for word in ctx.app.split("_")) + "Tests"
    lines = [
        f"Testing against Django installed in '/testbed/django' with up to {rng.choice([4, 8, 16])} processes",
        f"Found {len(results)} test(s).",
        "Creating test database for alias 'default'...",
        "System check identified no issues (0 silenced).",
        "".join(mark for _, mark in results),
    ]
    failed = [name for name, mark in results if mark == "F"]
    for name in failed:
        failure = failures.get(name, "AssertionError")
        lines += [
            "=" * 70,
            f"FAIL: {name} ({ctx.app}.tests.{klass}.{name})",
            "-" * 70,
            "Traceback (most recent call last):",
            failure
            if failure.startswith("  File")
            else f'  File "/testbed/{ctx.test}", line {rng.randint(20, 900)}, in {name}\n    {rng.choice(["self.assertTrue(result)", "result = self.run_case()", "self.assertEqual(value, expected)"])}\n{failure}',
            "",
        ]
    lines += ["-" * 70, f"Ran {len(results)} tests in {rng.uniform(0.01, 0.9):.3f}s", ""]
    lines.append(f"FAILED (failures={len(failed)})" if failed else "OK")
    lines.append("Destroying test database for alias 'default'...")
    return (1 if failed else 0), "\n".join(lines) + "\n"


def run_tests(
    ctx: Ctx,
    rng: random.Random,
    results: Sequence[tuple[str, str]],
    failures: dict[str, str] | None = None,
    quiet: bool = False,
) -> tuple[int, str]:
    if ctx.django:
        return django_run(ctx, rng, results, failures or {})
    return pytest_run(ctx, rng, results, failures or {}, quiet=quiet)


def test_command(ctx: Ctx, rng: random.Random, name: str | None = None) -> tuple[str, bool]:
    """A command running the run's test file (or one test of it): (command, quiet)."""
    if ctx.django:
        label = f"{ctx.app}.tests" + (f".{name}" if name and rng.random() < 0.3 else "")
        return rng.choice(
            [
                f"python tests/runtests.py {label}",
                f"cd tests && ./runtests.py {label}",
                f"./tests/runtests.py {ctx.app} --parallel 1",
            ]
        ), False
    target = f"{ctx.test}::{name}" if name else ctx.test
    options = [
        (f"python -m pytest {target}", False),
        (f"pytest {target} -q", True),
        (f"python -m pytest -q {target}", True),
        (f"pytest {target}", False),
        (f"pytest -x {target} 2>&1 | tail -n 40", False),
    ]
    if name:
        options.append((f"python -m pytest {ctx.test} -k {name} -q", True))
    return rng.choice(options)


def traceback_at(path: str, line: int, func: str, code: str, error: str) -> str:
    return f'  File "/testbed/{path}", line {line}, in {func}\n    {code}\n{error}'


# ---------------------------------------------------------------- code the outputs show

_NAMES = ("value", "result", "items", "obj", "name", "args", "kwargs", "other", "data", "key", "node", "parts")
_SIMPLE = (
    "{a} = {b}.copy()",
    "{a}.append({b})",
    "{a} = getattr(self, '_{b}', None)",
    "{a} = [x for x in {b} if x is not None]",
    "self._{a} = {b}",
    "{a} = {b}.get('{a}', {b})",
    "{a} = self._convert({b})",
)
_BLOCKS = (
    ("if {a} is None:", "return {b}"),
    ("for {a} in {b}:", "{b}.update({a})"),
    ("if not isinstance({a}, (list, tuple)):", "{a} = [{a}]"),
    ("if {a} == {b}:", 'raise ValueError(f"invalid {a}: {{{b}!r}}")'),
    ("while {a}:", "{a} = {a}[1:]"),
    ("try:", "{a} = {b}[0]"),
)


def code_lines(rng: random.Random, symbol: str, count: int, indent: str = "    ") -> list[str]:
    """Plausible Python lines of a method named `symbol` (what `nl`/`sed -n` show of it)."""
    body = indent + "    "
    out = [
        f"{indent}def {symbol}(self, {rng.choice(_NAMES[:5])}, **kwargs):",
        f'{body}"""Return the {symbol.strip("_").replace("_", " ")}."""',
    ]
    while len(out) < count:
        a, b = rng.sample(_NAMES, 2)
        if rng.random() < 0.35:
            head, inner = rng.choice(_BLOCKS)
            out += [body + head.format(a=a, b=b), body + "    " + inner.format(a=a, b=b)]
            if head == "try:":
                out += [body + "except (IndexError, TypeError):", body + f"    {a} = None"]
        else:
            out.append(body + rng.choice(_SIMPLE).format(a=a, b=b))
    out.append(body + f"return {rng.choice(_NAMES)}")
    return out[:count]


def numbered(lines: list[str], start: int) -> str:
    return "\n".join(f"{start + i:6d}\t{line}" for i, line in enumerate(lines)) + "\n"

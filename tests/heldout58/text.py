# ruff: noqa: E501
"""Names the families' steps use (the graph and tree code the agent changes, its nodes), and the test runs they print."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_WALKS = ("_dependency_order", "walk_{}", "_resolve_{}_graph", "iter_{}_nodes", "_visit_{}", "sorted_{}_deps")
_TREES = ("merge_{}", "_flatten_{}", "{}_to_tree", "_combine_{}", "collect_{}", "_expand_{}")
# Node names as each project's graphs spell them: apps and models, expression classes, documents, options.
_NODES = {
    "django": [
        "auth",
        "contenttypes",
        "sessions",
        "admin",
        "sites",
        "messages",
        "Author",
        "Book",
        "Publisher",
        "Tag",
        "0001_initial",
        "0002_auto",
    ],
    "sympy": ["Add", "Mul", "Pow", "Symbol", "Integer", "Rational", "Function", "Derivative", "Piecewise", "Tuple"],
    "sphinx-doc": [
        "index",
        "usage",
        "api",
        "changes",
        "intro",
        "glossary",
        "tutorial/first",
        "ext/autodoc",
        "config",
        "faq",
    ],
    "matplotlib": ["Figure", "Axes", "XAxis", "YAxis", "Legend", "Line2D", "Text", "Patch", "Spine", "Tick"],
    "scikit-learn": ["scaler", "pca", "clf", "union", "select", "imputer", "onehot", "poly", "svc", "ridge"],
    "astropy": ["m", "s", "kg", "Hz", "Jy", "deg", "arcsec", "pc", "erg", "AU"],
    "pydata": ["x", "y", "time", "lat", "lon", "band", "level", "member", "station", "depth"],
}
_DEFAULT_NODES = [
    "core",
    "io",
    "utils",
    "config",
    "plugins",
    "cli",
    "cache",
    "hooks",
    "compat",
    "report",
    "main",
    "session",
]

Attempt = text.Attempt
# pytest's flags as the agent spells them for Django's runner (what has no counterpart is dropped).
_DJANGO_FLAGS = {
    "-x": "--failfast",
    "-q": "",
    "-vv": "-v 2",
    "-v": "-v 2",
    "-s": "",
    "-p": "",
    "no:cacheprovider": "",
    "no:randomly": "",
}
_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IS = re.compile(r"^assert (.+?) is (.+)$")


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    for pattern, method in ((_ASSERT_EQ, "assertEqual"), (_ASSERT_IS, "assertIs")):
        found = pattern.match(code)
        if found:
            return f"self.{method}({found.group(1)}, {found.group(2)})"
    return code


def unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    first = error.split("\n")[0]
    if first.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {first.split(chr(39))[1]} not raised"
    if first.startswith("AssertionError: assert "):
        body = first.removeprefix("AssertionError: assert ")
        for sep, shown in ((" == ", " != "), (" is ", " is not ")):
            if sep in body:
                left, right = body.split(sep, 1)
                return f"AssertionError: {left}{shown}{right}"
    return first


@dataclass
class Fail:
    """One failing test: its name, the error, the test's line that failed, the (function, line) frames below it."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its graph walk, its tree helper and its node names."""

    @property
    def walk(self) -> str:
        return _WALKS[sum(map(ord, self.run.session)) % len(_WALKS)].format(self.stem)

    @property
    def tree(self) -> str:
        return _TREES[sum(map(ord, self.run.session)) % len(_TREES)].format(self.stem)

    @property
    def node_names(self) -> list[str]:
        return _NODES.get(self.run.owner, _DEFAULT_NODES)

    def nodes(self, rng: random.Random, k: int) -> list[str]:
        return rng.sample(self.node_names, k)

    def case(self, rng: random.Random, cases: Sequence[str]) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            flags = " ".join(_DJANGO_FLAGS.get(flag, "") for flag in flags.split()).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}{rest}"
        return f"python -m pytest {target or self.test_file}{extra}"


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: Sequence[Fail]) -> str:
    """A test run with `failing` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + [("F" if f.error.startswith("AssertionError") else "E") for f in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in failing:
            kind = "FAIL" if fail.error.startswith("AssertionError") else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {unittest_code(fail.code or f'{ctx.walk}(graph)')}",
            ]
            for func, code in fail.frames:
                lines += [f'  File "/testbed/{ctx.source}", line {rng.randint(20, 800)}, in {func}', f"    {code}"]
            lines += [unittest_error(fail.error), ""]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        fails = sum(f.error.startswith("AssertionError") for f in failing)
        parts = [f"failures={fails}"] if fails else []
        parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
        lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1]
    failures = []
    for fail in failing:
        body = [f"    def {fail.name}():", f">       {fail.code or f'{ctx.walk}(graph)'}", ""]
        for func, code in fail.frames:
            body += [f"{ctx.source}:{rng.randint(20, 800)}: in {func}", f"    {code}"]
        head = fail.error.split(":")[0]
        body += [f"E       {fail.error}", "", f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {head}"]
        failures.append((fail.name, body, fail.error))
    return text.pytest_output(ctx, rng, shown, passed, failures)


def _timed(secs: int, command: str) -> str:
    """`command` under GNU timeout, its exit status echoed (after the `cd` of a Django run)."""
    cd, _, rest = command.rpartition("&& ")
    return f"{cd}{'&& ' if cd else ''}timeout {secs} {rest}; echo rc=$?"


def hang(ctx: Ctx, rng: random.Random, command: str, thought: str) -> Step:
    dots = "." * rng.randint(0, 9)
    kind = rng.choice(["harness", "timeout", "pytest-timeout"])
    if ctx.django:
        head = f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes\nCreating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n{dots}"
    else:
        head = f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {rng.randint(8, 40)} items\n\n{ctx.test_file} {dots}"
    if kind == "harness":
        return Step(thought, command, head, timed_out=True, seconds=rng.uniform(60, 120))
    if kind == "timeout" or ctx.django:
        secs = rng.choice([20, 30, 45, 60])
        return Step(thought, _timed(secs, command), f"{head}rc=124", seconds=secs)
    line = rng.randint(40, 600)
    secs = rng.choice([10, 15, 30])
    return Step(
        thought,
        f"{command} -p timeout --timeout={secs}",
        f'{head}F\n{"+" * 35} Timeout {"+" * 35}\n~~~~~ Stack of MainThread ({rng.randint(139000000000000, 140999999999999)}) ~~~~~\n  File "/testbed/{ctx.source}", line {line}, in {ctx.walk}\n    {rng.choice(["for child in node.children:", "stack.extend(neighbours(node))", "if key not in seen:", "queue.append(child)"])}\n  File "/testbed/{ctx.source}", line {line + rng.randint(5, 60)}, in {rng.choice(["children", "neighbours", "__iter__", "wrap"])}\n    {rng.choice(["return [Node(c) for c in self._raw[key]]", "yield self._wrap(item)", "return list(map(Entry, raw))"])}\n{"+" * 35} Timeout {"+" * 35}\nFAILED {ctx.test_file}::test_{ctx.stem}_{rng.choice(["cyclic", "walk", "back_edge", "diamond"])} - Failed: Timeout >{secs}.0s',
        rc=1,
        seconds=secs + rng.uniform(0.5, 3),
    )


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: Sequence[Fail], extra: str = ""
) -> Step:
    passed = rng.randint(5, 60)
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, passed, failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def edges(ctx: Ctx, rng: random.Random, k: int) -> str:
    """A graph's adjacency as the agent prints it: a dict of node to the nodes it depends on."""
    names = ctx.nodes(rng, k)
    pairs = [
        f"{a!r}: [{', '.join(repr(b) for b in rng.sample([n for n in names if n != a], rng.randint(0, 2)))}]"
        for a in names
    ]
    return "{" + ", ".join(pairs) + "}"


_WALK_BODY = "def {walk}(graph, roots=None):\n    seen = set()\n    order = []\n    stack = list(roots or graph)\n    while stack:\n        node = stack.pop()\n        if node in seen:\n            continue\n        seen.add(node)\n        stack.extend(graph.get(node, ()))\n        order.append(node)\n    return order\n"


def look(ctx: Ctx, rng: random.Random, func: str, body: str) -> Step:
    """A look between attempts: the tree, the diff, the changed function's source, its callers, a test, the history."""
    line = rng.randint(30, 700)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {text}" for text in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {text}" for text in lines[k + 1 : k + 3])
    )
    case = f"test_{ctx.stem}_{rng.choice(['basic', 'nested', 'cycle', 'order', 'copy', 'empty', 'roundtrip'])}"
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n" + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", "?? debug_walk.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(3, 30)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 6)}\n 1 file changed, {rng.randint(3, 20)} insertions(+), {rng.randint(1, 9)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 5])}p' {ctx.source}",
            body,
        ),
        Step(
            f"Let me see who calls {func}.",
            rng.choice(
                [
                    f"grep -rn '{func}(' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'graph', 'loader', 'registry', 'core'])}.py:{rng.randint(10, 900)}:    {rng.choice(['result', 'nodes', 'out', 'value'])} = {func}({rng.choice(['self._items', 'items', 'data', 'self.tree', 'config'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at a test of it again.",
            f"grep -n -A6 'def {case}' {ctx.test_file}",
            f"{line}:    def {case}(self):\n{line + 1}-        data = self.make_{rng.choice(['tree', 'graph', 'items'])}()\n{line + 2}-        result = {func}(data)\n{line + 3}-        {unittest_code('assert result == self.expected') if ctx.django else 'assert result == expected'}\n"
            if ctx.django
            else f"{line}:def {case}():\n{line + 1}-    data = make_{rng.choice(['tree', 'graph', 'items'])}()\n{line + 2}-    result = {func}(data)\n{line + 3}-    assert result == expected\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Fix ordering of dependencies",
                        "Refactor helpers",
                        "Merge pull request",
                        "Use iterative traversal",
                        "Tidy imports",
                        "Cache resolved order",
                        "Support nested values",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    func: str = "",
    body: str = "",
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    func = func or ctx.walk
    body = body or _WALK_BODY.replace("{walk}", ctx.walk)
    looker: Callable[[], Step] = lambda: look(ctx, rng, func, body)  # noqa: E731
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.4)

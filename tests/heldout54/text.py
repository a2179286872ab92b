# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and the test runs they print."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("collect_{}", "_build_{}_index", "iter_{}_rows", "resolve_{}", "_expand_{}", "get_{}_map")
_APPS = ("queries", "prefetch_related", "select_related", "admin_views", "generic_views", "model_forms")
# The model a Django family's view lists, its foreign key, its many-to-many field and that field's model.
_MODELS = (
    ("Book", "author", "tags", "tag"),
    ("Article", "reporter", "publications", "publication"),
    ("Order", "customer", "items", "item"),
    ("Comment", "post", "likes", "like"),
    ("Invoice", "client", "lines", "line"),
    ("Event", "venue", "attendees", "attendee"),
)
# What a family's code calls that a test mocks out and counts.
_LOADERS = ("_load_config", "_fetch_remote", "read_manifest", "_compile_pattern", "_query_backend", "get_connection")

Attempt = text.Attempt
T = TypeVar("T")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the function it speeds up, its models and its tests."""

    @property
    def pick(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def func(self) -> str:
        return _FUNCS[self.pick % len(_FUNCS)].format(self.stem)

    @property
    def loader(self) -> str:
        return _LOADERS[self.pick % len(_LOADERS)]

    @property
    def app(self) -> str:
        return _APPS[self.pick % len(_APPS)]

    @property
    def model(self) -> str:
        return _MODELS[self.pick % len(_MODELS)][0]

    @property
    def fk(self) -> str:
        return _MODELS[self.pick % len(_MODELS)][1]

    @property
    def m2m(self) -> str:
        return _MODELS[self.pick % len(_MODELS)][2]

    @property
    def m2m_model(self) -> str:
        return _MODELS[self.pick % len(_MODELS)][3]

    def table(self, name: str) -> str:
        return f'"{self.app}_{name.lower()}"'

    @property
    def view(self) -> str:
        """Where a Django family's listing queryset is built."""
        return f"tests/{self.app}/views.py"

    @property
    def test_file(self) -> str:
        return f"tests/{self.app}/tests.py" if self.django else f"{self.tests_dir}/test_{self.stem}.py"

    def one(self, name: str) -> str:
        """The test `name` as the agent's runner selects one test."""
        return f"{self.app}.tests.{self.cls}Tests.{name}" if self.django else f"{self.test_file}::{name}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            return f"cd tests && python runtests.py {target or self.app}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"

    def flags(self, rng: random.Random) -> str:
        if self.django:
            return rng.choice(["", " -v 2", " --parallel 1", " --debug-sql", " -v 2 --parallel 1"])
        return rng.choice(["", " -q", " -x", " -vv", " -q -x", " -p no:cacheprovider"])


@dataclass
class Fail:
    """One failing test: its name, the line that raised and the error lines under it."""

    name: str
    code: str
    lines: list[str] = field(default_factory=list)


def _kind(line: str) -> str:
    return "AssertionError" if line.startswith("assert ") else line.split(":")[0]


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, fails: list[Fail], took: float) -> str:
    """A test run with `fails` failing, as pytest or Django's runner prints it."""
    if ctx.django:
        total = passed + len(fails)
        lines = [
            f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes",
            f"Found {total} test(s).",
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
        ]
        kinds = ["F" if fail.lines[0].startswith("AssertionError") else "E" for fail in fails]
        marks = ["."] * passed + kinds
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in fails:
            lines += [
                "=" * 70,
                f"{'FAIL' if fail.lines[0].startswith('AssertionError') else 'ERROR'}: {fail.name} ({ctx.app}.tests.{ctx.cls}Tests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.app}/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {fail.code}",
                *fail.lines,
                "",
            ]
        lines += ["-" * 70, f"Ran {total} tests in {took:.3f}s", ""]
        counts = [f"{word}={kinds.count(mark)}" for word, mark in (("failures", "F"), ("errors", "E")) if mark in kinds]
        lines.append(f"FAILED ({', '.join(counts)})" if fails else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    path = shown.split("::")[0]
    failures = [
        (
            fail.name,
            [
                f"    def {fail.name}():",
                f">       {fail.code}",
                *[f"E       {line}" for line in fail.lines],
                "",
                f"{path}:{rng.randint(20, 700)}: {_kind(fail.lines[0])}",
            ],
            fail.lines[0],
        )
        for fail in fails
    ]
    out = text.pytest_output(ctx, rng, shown if len(path) < 66 else shown.rsplit("/", 1)[-1], passed, failures)
    *lines, last = out.split("\n")
    counts = last.strip("= ").rsplit(" in ", 1)[0]
    return "\n".join([*lines, f" {counts} in {took:.2f}s ".center(80, "=")])


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    fails: list[Fail],
    extra: str = "",
    took: float | None = None,
) -> Step:
    """The agent running the tests: its command and what the runner printed."""
    took = took if took is not None else rng.uniform(0.3, 6.0)
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, rng.randint(5, 48), fails, took),
        rc=1 if fails else 0,
        seconds=took + rng.uniform(0.5, 3.0),
    )


def deck(rng: random.Random, options: list[T]) -> Callable[[], T]:
    """Draws from `options` without repeating one until all were drawn, as an agent tries each idea once a round."""
    pool: list[T] = []

    def draw() -> T:
        if not pool:
            pool.extend(rng.sample(options, len(options)))
        return pool.pop()

    return draw


def clear_cache(ctx: Ctx, name: str, what: str) -> str:
    """The agent's edit clearing `what`'s cache before test `name` (setUp in Django, an autouse fixture in pytest)."""
    if ctx.django:
        return py_edit(
            ctx.test_file,
            f"    def {name}(self",
            f"    def setUp(self):\n        {what}.cache_clear()\n\n    def {name}(self",
        )
    return py_edit(
        ctx.test_file,
        f"def {name}(",
        f"@pytest.fixture(autouse=True)\ndef _clear_cache():\n    {what}.cache_clear()\n    yield\n\n\ndef {name}(",
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the source, the callers, the test's body, the history."""
    line = rng.randint(30, 700)
    where = ctx.view if ctx.django and rng.random() < 0.6 else ctx.source
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {where}\n" + rng.choice(["", f" M {ctx.test_file}\n", "?? bench.py\n", "?? prof.out\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {where}", "git diff -U1", "git diff --stat"]),
            f"diff --git a/{where} b/{where}\n--- a/{where}\n+++ b/{where}\n@@ -{line},6 +{line},{rng.randint(6, 10)} @@ def {ctx.func}(items, **options):\n-    result = []\n+    result = {rng.choice(['[]', 'list()', 'deque()', 'set()'])}\n     for item in items:\n-        if item not in seen:\n+        if item not in {rng.choice(['seen', 'seen_set', 'index', 'cache'])}:\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + 11}p' {where}",
            f"def {ctx.func}(items, **options):\n    seen = {rng.choice(['[]', 'set()', 'dict()'])}\n    result = []\n    for item in items:\n        key = {ctx.loader}(item)\n        if key in seen:\n            continue\n        seen.{rng.choice(['append', 'add'])}(key)\n        result.append(item)\n    return result\n",
        ),
        Step(
            "Who else calls this function?",
            rng.choice(
                [
                    f"grep -rn '{ctx.func}(' {ctx.run.package} | head -20",
                    f"grep -rn '{ctx.func}' --include=*.py . | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'core', 'api', 'query'])}.py:{rng.randint(10, 900)}:        rows = {ctx.func}({rng.choice(['items', 'self.rows', 'objs', 'values'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at the test's body again.",
            f"grep -n -B2 -A9 'def test_{ctx.stem}' {ctx.test_file} | head -30",
            f"{line}-\n{line + 1}-    def test_{ctx.stem}_{rng.choice(['bounded', 'budget', 'large', 'queries'])}(self):\n{line + 2}-        data = make_{ctx.stem}(n={rng.choice([1000, 2000, 5000, 20])})\n{line + 3}-        result = {ctx.func}(data)\n{line + 4}-        self.assertEqual(len(result), {rng.randint(10, 2000)})\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -4 -- {where}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    ["Fix edge case", "Speed up lookups", "Merge pull request", "Refactor helpers", "Tidy imports"], 3
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)

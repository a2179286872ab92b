# ruff: noqa: E501
"""Names the families' steps use (handlers, receivers, hooks, phases), their test runs and the looks between attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_EVENTS = ("changed", "saved", "updated", "registered", "created", "reset")
_CASES = (
    "save",
    "update",
    "delete",
    "create",
    "bulk",
    "nested",
    "reload",
    "copy",
    "clear",
    "rename",
    "twice",
    "subclass",
)
PHASES = ("init", "configure", "setup", "ready", "teardown")

Attempt = text.Attempt


@dataclass
class Fail:
    """A failing test: its name, the check it makes (`a == b`), and what it got and wanted, or an error line."""

    name: str
    check: str
    got: str = ""
    want: str = ""
    error: str = ""


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the handler the agent wires up and the tests it runs."""

    @property
    def event(self) -> str:
        return _EVENTS[sum(map(ord, self.run.session)) % len(_EVENTS)]

    @property
    def handler(self) -> str:
        return f"on_{self.stem}_{self.event}"

    @property
    def app(self) -> str:
        """The Django test app the receivers live in."""
        return f"{self.stem}_tests"

    @property
    def receivers(self) -> str:
        """The module the handler is defined and connected in."""
        return f"tests/{self.app}/signals.py" if self.django else self.source

    @property
    def registry(self) -> str:
        return f"_{self.stem.upper()}_CALLBACKS"

    @property
    def func(self) -> str:
        """The code path that fires the event."""
        return f"{_verb(self.run.session)}_{self.stem}"

    @property
    def conftest(self) -> str:
        return "tests/conftest.py" if self.django else f"{self.tests_dir}/conftest.py"

    @property
    def seed(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def module_tests(self) -> int:
        """How many tests the module (or Django app) runs: the same on every run of it."""
        return 9 + self.seed % 31

    def case(self, rng: random.Random) -> str:
        return f"test_{self.stem}_{rng.choice(_CASES)}"

    def single(self, name: str) -> str:
        """The target of one test."""
        if self.django:
            return f"tests/{self.app}/tests.py::{self.cls}SignalTests.{name}"
        return f"{self.test_file}::{name}"

    def repeat(self, runs: int) -> str:
        """The agent's loop running the module's tests `runs` times, printing each run's last line."""
        if self.django:
            return f"cd tests && for i in $(seq {runs}); do python runtests.py {self.app} 2>&1 | tail -1; done"
        return f"for i in $(seq {runs}); do python -m pytest {self.test_file} -q 2>&1 | tail -1; done"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else self.app
            label += f".{name.split('[')[0]}" if name else ""
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"


def _verb(seed: str) -> str:
    return ("emit", "notify", "dispatch", "fire", "run")[sum(map(ord, seed)) % 5]


def _django_check(check: str) -> str:
    left, sep, right = check.partition(" == ")
    return f"self.assertEqual({left}, {right})" if sep else f"self.assertTrue({check})"


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[Fail], printed: str = "") -> str:
    """A test run with `failing` failing, as pytest or Django's runner prints it (`printed`: what the code printed)."""
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {4 + ctx.seed % 13} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        if printed:
            lines.append(printed)
        marks = ["."] * passed + ["F"] * len(failing)
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in failing:
            error = fail.error or f"AssertionError: {fail.got} != {fail.want}"
            lines += [
                "=" * 70,
                f"{'ERROR' if fail.error and not fail.error.startswith('AssertionError') else 'FAIL'}: {fail.name} ({ctx.app}.tests.{ctx.cls}SignalTests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.app}/tests.py", line {rng.randint(20, 400)}, in {fail.name}',
                f"    {f'{ctx.func}()' if fail.error and not fail.error.startswith('AssertionError') else _django_check(fail.check)}",
                error,
                "",
            ]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} test{'s' if total != 1 else ''} in {rng.uniform(0.02, 3.0):.3f}s", ""]
        lines.append(f"FAILED (failures={len(failing)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 60 else shown.rsplit("/", 1)[-1]
    failures = []
    for fail in failing:
        error = fail.error or f"AssertionError: assert {fail.got} == {fail.want}"
        body = [
            f"    def {fail.name}({('', 'tmp_path', 'monkeypatch', 'recorder')[sum(map(ord, fail.name)) % 4]}):",
            f">       {f'{ctx.func}()' if fail.error and not fail.error.startswith('AssertionError') else 'assert ' + fail.check}",
        ]
        if not fail.error:
            body.append(f"E       assert {fail.got} == {fail.want}")
        else:
            body.append(f"E       {error}")
        if printed:
            body += ["", "-" * 30 + " Captured stdout call " + "-" * 29, printed]
        body += ["", f"{shown.split('::')[0]}:{rng.randint(15, 500)}: {error.split(':')[0]}"]
        failures.append((fail.name, body, error.splitlines()[0]))
    return text.pytest_output(ctx, rng, shown, passed, failures)


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: list[Fail], extra: str = "", printed: str = ""
) -> Step:
    single = "::" in target and " " not in target
    total = 1 if single else ctx.module_tests + (2 if " " in target else 0)
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.test_file, max(0, total - len(failing)), failing, printed),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.6, 9.0),
    )


def flags(ctx: Ctx, rng: random.Random) -> str:
    if ctx.django:
        return rng.choice(["", " -v 2", " --parallel 1", " --noinput"])
    return rng.choice(["", " -q", " -x", " -q -p no:cacheprovider", " -s", " -vv"])


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


@dataclass
class Topic:
    """What a family's looks show: diff hunks of the file it changes, a view of that file, the name it greps for."""

    changed: str
    hunks: list[str]
    view: str
    term: str
    where: list[str]
    test: str = ""  # the failing test's name, its body grepped when set
    body: str = ""


def receiver_topic(ctx: Ctx) -> Topic:
    """The looks of families wiring a receiver (Django) or a callback into the module's registry (the default)."""
    if not ctx.django:
        return registry_topic(ctx)
    return Topic(
        ctx.receivers,
        [
            f"+@receiver(post_save, sender={ctx.cls})\n def {ctx.handler}(sender, instance, **kwargs):\n",
            f"-@receiver(post_save, sender={ctx.cls})\n+@receiver(post_save, sender={ctx.cls}, dispatch_uid='{ctx.handler}')\n def {ctx.handler}(sender, instance, **kwargs):\n",
            f"+@receiver(post_save, sender={ctx.cls}, weak=False)\n def {ctx.handler}(sender, instance, **kwargs):\n+    CALLS.append(instance.pk)\n",
        ],
        f"from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\nfrom .models import {ctx.cls}\n\nCALLS = []\n\n\n@receiver(post_save, sender={ctx.cls})\ndef {ctx.handler}(sender, instance, **kwargs):\n    CALLS.append(instance.pk)\n",
        ctx.handler,
        [ctx.receivers, f"tests/{ctx.app}/apps.py", f"tests/{ctx.app}/tests.py"],
    )


def registry_topic(ctx: Ctx) -> Topic:
    """The looks of families changing the module's own callback registry."""
    return Topic(
        ctx.source,
        [
            f"+    {ctx.registry}.append((phase, callback))\n     return callback\n",
            f"-    {ctx.registry}.append((phase, callback))\n+    {ctx.registry}.insert(0, (phase, callback))\n",
            f"+    ref = weakref.WeakMethod(callback)\n+    {ctx.registry}.append((phase, ref))\n",
        ],
        f"{ctx.registry} = []\n\n\ndef connect(callback, phase='configure'):\n    {ctx.registry}.append((phase, callback))\n    return callback\n\n\ndef _emit(phase, *args):\n    for when, callback in {ctx.registry}:\n        if when == phase:\n            callback(*args)\n",
        ctx.handler,
        [ctx.source, ctx.test_file],
    )


def look(ctx: Ctx, rng: random.Random, topic: Topic | None = None) -> Step:
    """A look between attempts: the tree, the diff, the changed code, where a name is used, a test, the history."""
    topic = topic or receiver_topic(ctx)
    line = rng.randint(12, 400)
    case = ctx.case(rng)
    hunk = rng.choice(topic.hunks)
    added, removed = hunk.count("\n+") + hunk.startswith("+"), hunk.count("\n-") + hunk.startswith("-")
    others = sorted({ctx.source, topic.changed} - {topic.changed})
    choices = [
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {topic.changed}", "git diff -U2"]),
            f"diff --git a/{topic.changed} b/{topic.changed}\n--- a/{topic.changed}\n+++ b/{topic.changed}\n@@ -{line},{6 + removed} +{line},{6 + added} @@\n{hunk}",
        ),
        Step(
            "Which files have I touched?",
            "git diff --stat",
            "".join(
                f" {path} | {rng.randint(2, 12)} ++++{'-' * rng.randint(0, 2)}\n" for path in [topic.changed, *others]
            )
            + f" {1 + len(others)} file{'s' if others else ''} changed, {rng.randint(3, 16)} insertions(+), {rng.randint(1, 4)} deletions(-)\n",
        ),
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            "".join(f" M {path}\n" for path in [topic.changed, *others])
            + rng.choice(["", f"?? reproduce_{ctx.stem}.py\n"]),
        ),
        Step(
            "Let me re-read the code I changed.",
            f"sed -n '{line},{line + topic.view.count(chr(10))}p' {topic.changed}",
            topic.view,
        ),
        Step(
            f"Where is {topic.term} used?",
            rng.choice(
                [
                    f"grep -rn '{topic.term}' --include=*.py .",
                    f"grep -rn '{topic.term}' {' '.join(sorted(set(topic.where)))}",
                ]
            ),
            "\n".join(
                f"{rng.choice(topic.where)}:{rng.randint(5, 600)}:{rng.choice(['', '    ', '        '])}{topic.term}"
                + rng.choice(["(", "", ")", " = "])
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at what the failing test does.",
            f"grep -n -A8 'def {topic.test}' {ctx.test_file if not ctx.django else f'tests/{ctx.app}/tests.py'}",
            "".join(f"{line + i}{':' if i == 0 else '-'}{row}\n" for i, row in enumerate(topic.body.splitlines())),
        )
        if topic.test
        else Step(
            "Let me look at what the failing test does.",
            f"grep -n -A8 'def {case}' {ctx.test_file if not ctx.django else f'tests/{ctx.app}/tests.py'}",
            f"{line}:    def {case}(self):\n{line + 1}-        CALLS.clear()\n{line + 2}-        obj = {ctx.cls}.objects.create(name='x')\n{line + 3}-        self.assertEqual(CALLS, [obj.pk])\n"
            if ctx.django
            else f"{line}:def {case}(recorder):\n{line + 1}-    connect(recorder.append)\n{line + 2}-    {ctx.func}()\n{line + 3}-    assert recorder == ['{ctx.event}']\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -4 -- {topic.changed}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Fix edge case",
                        "Refactor signal handling",
                        "Merge pull request",
                        "Add callback hooks",
                        "Tidy imports",
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
    topic: Topic | None = None,
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng, topic), lambda: give_up(rng, what), 0.4)

# ruff: noqa: E501
"""Names the families' steps use, the reproduction scripts the agent writes, and what running them prints."""

from __future__ import annotations

import posixpath
import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("_normalize_{}", "parse_{}", "_merge_{}", "format_{}", "_{}_items", "split_{}")
_HELPERS = ("_coerce", "_flatten", "_join_parts", "_key_for", "_iter_items", "_clean")
_CASES = ("empty", "none", "nested", "unicode", "duplicates", "whitespace", "tuple", "mapping", "bytes", "ordering")

# Inputs a reproduction feeds the function, each with the result the issue wants first and the wrong ones after.
CASES: dict[str, tuple[str, ...]] = {
    "'a, b,,c'": ("['a', 'b', 'c']", "['a', ' b', '', 'c']", "['a', 'b', '', 'c']", "['a', ' b', 'c']", "'a, b,,c'"),
    "['x', '', 'y']": ("['x', 'y']", "['x', '', 'y']", "['x', 'y', '']", "None", "['y', 'x']"),
    "{'k': None, 'j': 2}": ("{'j': 2}", "{'k': None, 'j': 2}", "['k', 'j']", "[None, 2]"),
    "('a', ('b', 'c'))": ("['a', 'b', 'c']", "['a', ('b', 'c')]", "('a', 'b', 'c')", "['a', 'b']"),
    "' spaced  out '": (
        "['spaced', 'out']",
        "[' spaced  out ']",
        "['spaced', '', 'out']",
        "['', 'spaced', '', 'out', '']",
    ),
    "[3, 1, 2, 1]": ("[3, 1, 2]", "[1, 1, 2, 3]", "[1, 2, 3]", "[3, 1, 2, 1]"),
    "None": ("[]", "None", "[None]", "()"),
    "''": ("[]", "['']", "None", "''"),
    "'ä,ö'": ("['ä', 'ö']", "['a', 'o']", "['ä,ö']", "['Ä', 'Ö']"),
    "b'a;b'": ("['a', 'b']", "[b'a', b'b']", "['a;b']", "[97, 59, 98]"),
    "[('k', 1), ('k', 2)]": ("[('k', 2)]", "[('k', 1)]", "[('k', 1), ('k', 2)]", "{'k': 2}"),
}
INPUTS = tuple(CASES)
RESULTS = tuple(dict.fromkeys(result for results in CASES.values() for result in results))
# Edits the agent makes to the function's body: each an (old, new) snippet, its hypothesis in words.
EDITS = (
    (
        "parts = value.split(sep)",
        "parts = [p.strip() for p in value.split(sep)]",
        "the parts keep their surrounding whitespace",
    ),
    (
        "if value is None:\n        return default",
        "if not value:\n        return default",
        "empty input should short-circuit like None",
    ),
    ("return result", "return [r for r in result if r]", "empty strings are leaking into the result"),
    (
        "for item in value:",
        "for item in (value if isinstance(value, (list, tuple)) else [value]):",
        "a bare string is iterated character by character",
    ),
    ("key = item.lower()", "key = str(item).lower()", "non-string items reach .lower()"),
    (
        "result.append(item)",
        "result.extend(item if isinstance(item, tuple) else [item])",
        "nested tuples are not flattened",
    ),
    ("return tuple(result)", "return list(result)", "the caller expects a list, not a tuple"),
    ("seen = set()", "seen = []", "the set is losing the order"),
    (
        "value = value.decode()",
        "value = value.decode('utf-8', 'replace')",
        "bytes input is decoded with the wrong codec",
    ),
    ("return sorted(result)", "return result", "sorting reorders what the caller passed"),
    ("sep = ','", "sep = options.get('sep', ',')", "the separator option is ignored"),
    ("if isinstance(value, str):", "if isinstance(value, (str, bytes)):", "bytes take the wrong branch"),
)
EXCEPTIONS = (
    "TypeError: 'NoneType' object is not iterable",
    "AttributeError: 'tuple' object has no attribute 'split'",
    "AttributeError: 'bytes' object has no attribute 'encode'",
    "KeyError: 'j'",
    "ValueError: not enough values to unpack (expected 2, got 1)",
    "IndexError: list index out of range",
    "RecursionError: maximum recursion depth exceeded while calling a Python object",
    "TypeError: unhashable type: 'list'",
    "TypeError: sequence item 1: expected str instance, int found",
    "NameError: name 'parts' is not defined",
    "TypeError: '<' not supported between instances of 'str' and 'int'",
    "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe4' in position 0: ordinal not in range(128)",
)

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the function the agent reproduces and the tests it runs."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def helper(self) -> str:
        return _HELPERS[sum(map(ord, self.run.session)) // 7 % len(_HELPERS)]

    @property
    def new_module(self) -> str:
        """The small module the agent moves its helper into."""
        return posixpath.join(posixpath.dirname(self.source), f"_{self.stem}_utils.py")

    @property
    def new_dotted(self) -> str:
        return self.dotted.rsplit(".", 1)[0] + f"._{self.stem}_utils"

    @property
    def setup(self) -> str:
        """What a stand-alone script needs before it can import the function."""
        if self.django:
            return "import django\nfrom django.conf import settings\nsettings.configure()\ndjango.setup()\n"
        return ""

    @property
    def imports(self) -> str:
        return f"{self.setup}from {self.dotted} import {self.func}\n"

    def case(self, rng: random.Random) -> str:
        return f"test_{self.stem}_{rng.choice(_CASES)}"

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else self.stem
            label += f".{name.split('[')[0]}" if name else ""
            return f"cd tests && python runtests.py {label}{extra}"
        return f"python -m pytest {target or self.test_file}{extra}"


def line_of(rng: random.Random) -> int:
    return rng.randint(40, 900)


def traceback(ctx: Ctx, rng: random.Random, script: str, call: str, error: str, depth: int = 1) -> str:
    """What Python prints when the script's call into the function raises `error`, `depth` frames down."""
    where = script if script.startswith("/") else f"/testbed/{script}"
    lines = [
        "Traceback (most recent call last):",
        f'  File "{where}", line {rng.randint(4, 14)}, in <module>',
        f"    {call}",
        f'  File "/testbed/{ctx.source}", line {line_of(rng)}, in {ctx.func}',
        f"    {rng.choice(['key = ' + ctx.helper + '(item)', 'for item in value:', 'parts = value.split(sep)', 'seen.add(key)', 'return sorted(result)'])}",
    ]
    for _ in range(depth - 1):
        lines += [
            f'  File "/testbed/{ctx.source}", line {line_of(rng)}, in {ctx.helper}',
            f"    {rng.choice(['return item.strip().lower()', 'item = item.decode()', 'return [' + ctx.helper + '(i) for i in item]', 'a, b = item', 'return sep.join(item)'])}",
        ]
    return "\n".join([*lines, error])


def right(value: str) -> str:
    """What the issue wants the function to return for `value`."""
    return CASES[value][0]


def other(rng: random.Random, pool: tuple[str, ...], *not_these: str) -> str:
    return rng.choice([item for item in pool if item not in not_these])


@dataclass
class Repro:
    """A reproduction script the agent writes: where, in which shape, and what it feeds and expects."""

    ctx: Ctx
    path: str
    style: int
    value: str
    wanted: str
    second: tuple[str, str]
    kw: str

    @classmethod
    def drawn(cls, ctx: Ctx, rng: random.Random, path: str, style: int | None = None) -> Repro:
        value = rng.choice(INPUTS)
        wanted = right(value) if rng.random() < 0.8 else rng.choice(CASES[value][1:])
        second_value = other(rng, INPUTS, value)
        second = (second_value, right(second_value))
        kw = rng.choice(["", "", ", sep=','", ", strict=True", ", default=[]"])
        return cls(ctx, path, rng.randrange(4) if style is None else style, value, wanted, second, kw)

    @property
    def call(self) -> str:
        return f"{self.ctx.func}({self.value}{self.kw})"

    @property
    def where(self) -> str:
        return self.path if self.path.startswith("/") else f"/testbed/{self.path}"

    @property
    def body(self) -> str:
        ctx, func, value, wanted = self.ctx, self.ctx.func, self.value, self.wanted
        if self.style == 0:
            return f'{ctx.imports}\nvalue = {value}\nresult = {func}(value{self.kw})\nprint("input:   ", repr(value))\nprint("result:  ", repr(result))\nprint("expected:", {wanted})\nprint("OK" if result == {wanted} else "MISMATCH")\n'
        if self.style == 1:
            return f'{ctx.imports}\ncases = [\n    ({value}, {wanted}),\n    ({self.second[0]}, {self.second[1]}),\n]\nfor value, expected in cases:\n    got = {func}(value{self.kw})\n    print("ok  " if got == expected else "FAIL", repr(value), "->", repr(got))\n'
        if self.style == 2:
            return f"import traceback\n{ctx.imports}\ntry:\n    print(repr({self.call}))\nexcept Exception:\n    traceback.print_exc()\n"
        return f'import sys\nsys.path.insert(0, "/testbed")\n{ctx.imports}\nout = {self.call}\nassert out == {wanted}, (out, {wanted})\nprint("fixed")\n'

    @property
    def write(self) -> str:
        return heredoc(self.path, self.body)

    def run(
        self, rng: random.Random, got: str | None = None, error: str | None = None, depth: int = 1
    ) -> tuple[str, int]:
        """What running the script prints, and its return code: `got` back from the call, or `error` raised."""
        crash = traceback(self.ctx, rng, self.path, self.call, error, depth) if error else ""
        got = got if got is not None else self.wanted
        if self.style == 0:
            if crash:
                return crash, 1
            verdict = "OK" if got == self.wanted else "MISMATCH"
            return f"input:    {self.value}\nresult:   {got}\nexpected: {self.wanted}\n{verdict}", 0
        if self.style == 1:
            if crash:
                return crash, 1
            first = f"{'ok  ' if got == self.wanted else 'FAIL'} {self.value} -> {got}"
            second = rng.choice(
                [
                    f"ok   {self.second[0]} -> {self.second[1]}",
                    f"FAIL {self.second[0]} -> {other(rng, CASES[self.second[0]], self.second[1])}",
                ]
            )
            return f"{first}\n{second}", 0
        if self.style == 2:
            return (crash, 0) if crash else (got, 0)
        if crash:
            return crash, 1
        if got == self.wanted:
            return "fixed", 0
        return (
            f'Traceback (most recent call last):\n  File "{self.where}", line {rng.randint(6, 12)}, in <module>\n'
            f"    assert out == {self.wanted}, (out, {self.wanted})\nAssertionError: ({got}, {self.wanted})",
            1,
        )

    def step(
        self, rng: random.Random, thought: str, got: str | None = None, error: str | None = None, runner: str = ""
    ) -> Step:
        """Running the script (`runner` its command, `python path` unless given)."""
        output, rc = self.run(rng, got, error, rng.randint(1, 3))
        return Step(thought, runner or f"python {self.path}", output, rc, seconds=rng.uniform(0.3, 2.5))

    def written_and_run(
        self, rng: random.Random, thought: str, got: str | None = None, error: str | None = None
    ) -> Step:
        """Writing the whole script and running it, in one command."""
        output, rc = self.run(rng, got, error, rng.randint(1, 3))
        return Step(
            thought, heredoc(self.path, self.body, f"python {self.path}"), output, rc, seconds=rng.uniform(0.3, 2.5)
        )

    def wrong(self, rng: random.Random) -> str:
        """A result the call gives back that is not what the script expects."""
        return other(rng, CASES[self.value], self.wanted)


def heredoc(path: str, body: str, then: str = "") -> str:
    """`cat > path` of a whole file, optionally followed by a command on the next line."""
    return f"cat > {path} <<'EOF'\n{body.rstrip()}\nEOF" + (f"\n{then}" if then else "")


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[tuple[str, str]]) -> str:
    """A test run with `failing` (test, error line) failing, as pytest or Django's runner prints it."""
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + ["F"] * len(failing)
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, error in failing:
            lines += [
                "=" * 70,
                f"FAIL: {name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {name}',
                f"    self.assertEqual({ctx.func}(value), expected)",
                error,
                "",
            ]
        lines += ["-" * 70, f"Ran {passed + len(failing)} tests in {rng.uniform(0.02, 4.0):.3f}s", ""]
        lines.append(f"FAILED (failures={len(failing)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    failures = [
        (
            name,
            [
                f"    def {name}():",
                f">       assert {ctx.func}(value) == expected",
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


def test_step(ctx: Ctx, rng: random.Random, thought: str, failing: list[tuple[str, str]], target: str = "") -> Step:
    return Step(
        thought,
        ctx.tests(
            target, rng.choice(["", ""] + ([" -v 1", " --parallel 1"] if ctx.django else [" -x", " --tb=short"]))
        ),
        run_output(ctx, rng, target or ctx.test_file, rng.randint(6, 60), failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 9.0),
    )


def failing_case(ctx: Ctx, rng: random.Random) -> tuple[str, str]:
    value = rng.choice(INPUTS)
    return ctx.case(rng), f"AssertionError: assert {rng.choice(CASES[value][1:])} == {right(value)}"


def edit_step(ctx: Ctx, rng: random.Random, thought: str, reverse: bool = False) -> Step:
    old, new, why = rng.choice(EDITS)
    if reverse:
        old, new = new, old
    return Step(f"{thought} Maybe {why}.", py_edit(ctx.source, old, new), "patched")


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the function's source, its callers, a test's body."""
    line = rng.randint(30, 700)
    case = ctx.case(rng)
    value = rng.choice(INPUTS)
    choices = [
        Step(
            "Let me see which scratch files I have lying around and what I changed.",
            rng.choice(["git status --short", "git status --short && ls *.py"]),
            f" M {ctx.source}\n"
            + "".join(
                f"?? {name}\n"
                for name in rng.sample(
                    [
                        "reproduce.py",
                        "reproduce_issue.py",
                        "repro2.py",
                        f"repro_{ctx.stem}.py",
                        "scratch.py",
                        "check.py",
                    ],
                    rng.randint(1, 4),
                )
            ),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},7 +{line},{rng.randint(7, 12)} @@ def {ctx.func}(value, sep=',', **options):\n     if value is None:\n         return default\n-    parts = value.split(sep)\n+    {rng.choice([edit[1] for edit in EDITS]).splitlines()[0]}\n     result = []\n",
        ),
        Step(
            "Let me re-read the function.",
            f"sed -n '{line},{line + 16}p' {ctx.source}",
            f"def {ctx.func}(value, sep=',', **options):\n    if value is None:\n        return options.get('default')\n    if isinstance(value, {rng.choice(['str', '(str, bytes)', 'bytes'])}):\n        parts = value.split(sep)\n    else:\n        parts = list(value)\n    result = []\n    seen = set()\n    for item in parts:\n        key = {ctx.helper}(item)\n        if key in seen:\n            continue\n        seen.add(key)\n        result.append(item)\n    return result\n",
        ),
        Step(
            "Who calls this function?",
            rng.choice(
                [
                    f"grep -rn '{ctx.func}(' {ctx.run.package} | head -20",
                    f"git grep -n '{ctx.func}' -- '*.py' | grep -v test | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'core', 'api', 'compat'])}.py:{rng.randint(10, 900)}:    items = {ctx.func}({rng.choice(['value', 'raw', 'self.items', 'kwargs.get(name)'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me check what the existing test expects.",
            f"grep -n -A6 'def {case}' {ctx.test_file}",
            f"{line}:def {case}():\n{line + 1}-    value = {value}\n{line + 2}-    assert {ctx.func}(value) == {right(value)}\n",
        ),
        Step(
            "Let me read the helper it relies on.",
            f"grep -n -A8 'def {ctx.helper}' {ctx.source}",
            f"{line}:def {ctx.helper}(item):\n{line + 1}-    if isinstance(item, bytes):\n{line + 2}-        item = item.decode()\n{line + 3}-    return item.strip().lower()\n",
        ),
    ]
    return rng.choice(choices)


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)

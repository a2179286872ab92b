# ruff: noqa: E501
"""The code a family's agent keeps changing, run for real: each state of it rendered as source and applied to the test cases.

A family's function is a small model (its state a few named choices); what the tests print is what that
code returns for each case, compared with what the test expects, so every diff shown is one Python makes.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from heldout20.calls import Step
from heldout72.text import Ctx, Fail, py_edit, sha, test_step, tty

State = dict[str, str]


@dataclass(frozen=True)
class Case:
    """One test of the family: the call it makes (`call`, with `args`), what it expects, the lines before it."""

    name: str
    args: tuple[Any, ...]
    want: str | bytes
    call: str
    setup: tuple[str, ...] = ()
    act: str = ""  # the line calling the function, when the assertion only reads what it did
    params: str = ""  # the test's fixtures


class Crash(Exception):
    """The function raising: the error as printed and the line of its code that raised."""

    def __init__(self, error: str, code: str) -> None:
        super().__init__(error)
        self.error, self.code = error, code


@dataclass
class Model:
    ctx: Ctx
    func: str
    cases: Sequence[Case]
    impl: Callable[[State, Case], str | bytes]
    render: Callable[[State], str]
    state: State

    def __post_init__(self) -> None:
        self.start = dict(self.state)
        self.seen: State = {}  # the state the agent last ran the tests on
        self.line = 30 + (self.ctx.key >> 12) % 700  # where the function starts in its module

    @property
    def names(self) -> list[str]:
        return [self.ctx.test_name(case.name) for case in self.cases]

    def case(self, name: str) -> Case:
        return next(case for case in self.cases if case.name == name)

    def result(self, case: Case, state: State | None = None) -> str | bytes | Crash:
        try:
            return self.impl(state or self.state, case)
        except Crash as crash:
            return crash

    def fail(self, case: Case, state: State | None = None) -> Fail | None:
        got = self.result(case, state)
        code = f"assert {case.call} == expected"
        name = self.ctx.test_name(case.name)
        if isinstance(got, Crash):
            lines = self.render(state or self.state).split("\n")
            at = self.at(got, state)
            frame = (self.func, "\n".join(lines[: at + 1]), self.line + at)
            return Fail(name, case.act or code, case.setup, error=got.error, frames=(frame,), params=case.params)
        setup = (*case.setup, case.act) if case.act else case.setup
        return None if got == case.want else Fail(name, code, setup, got=got, want=case.want, params=case.params)

    def at(self, crash: Crash, state: State | None = None) -> int:
        """The index of the line that raised, in the function's source."""
        lines = self.render(state or self.state).split("\n")
        return next((i for i, line in enumerate(lines) if line.strip() == crash.code.strip()), len(lines) - 1)

    def fails(self, state: State | None = None) -> list[Fail]:
        return [f for case in self.cases if (f := self.fail(case, state)) is not None]

    def change(self, **changes: str) -> str:
        """Moves to a new state; returns the agent's command making that change in the source."""
        before = self.render(self.state)
        self.state = {**self.state, **changes}
        return edit_command(self.ctx.source, before, self.render(self.state))

    def reset(self) -> None:
        self.state = dict(self.start)

    def run(self, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
        self.seen = dict(self.state)
        return test_step(self.ctx, rng, thought, self.names, self.fails(), target, extra)

    def run_one(self, rng: random.Random, thought: str, name: str, extra: str = "") -> Step:
        return self.run(rng, thought, f"{self.ctx.test_file}::{self.ctx.test_name(name)}", extra)

    def check(self, rng: random.Random, thought: str) -> Step:
        """A rerun as the agent varies it: the file, the test that failed last, or a `-k` of its words."""
        focus = self.failing_names(self.seen) if self.seen else []
        kind = rng.choice(["file", "file", "file", "node", "keyword"])
        if kind == "node" and focus:
            step = self.run_one(rng, thought, rng.choice(focus), rng.choice(["", "", " -q"]))
        elif kind == "keyword" and focus and not self.ctx.django:
            words = sorted({rng.choice(name.split("_")) for name in rng.sample(focus, min(2, len(focus)))})
            words = [w for w in words if w not in self.ctx.test_file and len(w) > 2] or [focus[0]]
            step = self.run(rng, thought, extra=f" -k '{' or '.join(words)}'" + rng.choice(["", " -q"]))
        else:
            step = self.run(rng, thought, extra=rng.choice(["", " -q", " -x", " -q", " -x -q", " -p no:cacheprovider"]))
        self.seen = dict(self.state)
        return step

    def failing_names(self, state: State | None = None) -> list[str]:
        return [case.name for case in self.cases if self.fail(case, state) is not None]

    def show(self, rng: random.Random, thought: str) -> Step:
        """The agent reading the function as it stands."""
        body = self.render(self.state)
        count = body.count("\n") - 1  # the lines after the `def` line
        if rng.random() < 0.5:
            return Step(thought, f"sed -n '{self.line},{self.line + count}p' {self.ctx.source}", body)
        numbered = [
            f"{self.line + i}{':' if i == 0 else '-'}{line}" for i, line in enumerate(body.rstrip("\n").split("\n"))
        ]
        return Step(thought, f"grep -n -A{count} 'def {self.func}' {self.ctx.source}", "\n".join(numbered))

    def diff(self, rng: random.Random, thought: str) -> Step:
        return Step(
            thought,
            rng.choice(["git diff", f"git diff {self.ctx.source}", "git diff -U3"]),
            git_diff(self.ctx.source, self.render(self.start), self.render(self.state), self.line, rng),
        )

    def probe(self, rng: random.Random, thought: str, name: str) -> Step:
        """The agent calling the function by hand on a test's input and printing the repr of what it returns."""
        case = self.case(name)
        args = ", ".join(repr(a) for a in case.args)
        got = self.result(case)
        command = py([f"from {self.ctx.dotted} import {self.func}", f"print(repr({self.func}({args})))"])
        if len(command) > 400:
            command = f"python - <<'EOF'\nfrom {self.ctx.dotted} import {self.func}\nout = {self.func}({args})\nprint(repr(out))\nEOF"
        if isinstance(got, Crash):
            where = '"<string>"' if command.startswith("python -c") else '"<stdin>"'
            return Step(
                thought,
                command,
                f'Traceback (most recent call last):\n  File {where}, line 1, in <module>\n  File "/testbed/{self.ctx.source}", line {self.line + self.at(got)}, in {self.func}\n    {got.code.strip()}\n{got.error}',
                rc=1,
            )
        return Step(thought, command, repr(got))


def py(statements: Sequence[str], after: str = "") -> str:
    """The agent's one-off Python: `python -c` when the shell leaves it as it is, a heredoc when it would not."""
    code = "; ".join(statements)
    if any(bad in code for bad in ('"', "$", "`", "\\\\")):
        return f"python - <<'EOF'{after}\n" + "\n".join(statements) + "\nEOF"
    return f'python -c "{code}"{after}'


def edit_command(path: str, before: str, after: str) -> str:
    """The agent's replacement of the lines that changed (with the line above when it only inserts)."""
    a, b = before.split("\n"), after.split("\n")
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    i1, j1, i2, j2 = ops[0][1], ops[0][3], ops[-1][2], ops[-1][4]
    if i1 == i2 or j1 == j2:  # only inserting or only deleting: take the line above along
        i1, j1 = i1 - 1, j1 - 1
    return py_edit(path, "\n".join(a[i1:i2]), "\n".join(b[j1:j2]))


def git_diff(path: str, before: str, after: str, start: int, rng: random.Random) -> str:
    """`git diff` of the function's change, its hunks numbered where the function sits in the file."""
    a, b = before.splitlines(True), after.splitlines(True)
    head = f"diff --git a/{path} b/{path}\nindex {sha(rng)}..{sha(rng)} 100644\n--- a/{path}\n+++ b/{path}\n"
    out = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        context = f" {a[0].rstrip()}" if i1 > 0 else ""
        out.append(f"@@ -{start + i1},{i2 - i1} +{start + j1},{j2 - j1} @@{context}\n")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                out += [f" {line}" for line in a[x1:x2]]
                continue
            out += [f"-{line}" for line in a[x1:x2]]
            out += [f"+{line}" for line in b[y1:y2]]
    return tty(head + "".join(out)) if out else ""


def od_c(data: bytes) -> str:
    """`od -c` of some bytes."""
    names = {0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
    rows = []
    for offset in range(0, len(data), 16):
        cells = [names.get(c, chr(c) if 32 <= c < 127 else f"{c:03o}").rjust(4) for c in data[offset : offset + 16]]
        rows.append(f"{offset:07o}" + "".join(cells))
    return "\n".join([*rows, f"{len(data):07o}"])


def cat_a(data: str) -> str:
    """`cat -A` of some text: tabs as ^I, carriage returns as ^M, each line's end as $."""
    return data.replace("\t", "^I").replace("\r", "^M").replace("\n", "$\n")


def flip(rng: random.Random, model: Model, options: Sequence[tuple[str, str, str]], tried: set[str]) -> tuple[str, str]:
    """A change the agent has not made from this state: (thought, command); the model moves to it.

    `options` are (key, value, thought); a change that would leave nothing failing is not one this agent finds.
    """
    fresh = [
        o
        for o in options
        if model.state[o[0]] != o[1] and model.fails({**model.state, o[0]: o[1]}) and f"{o[0]}={o[1]}" not in tried
    ]
    pool = fresh or [o for o in options if model.state[o[0]] != o[1] and model.fails({**model.state, o[0]: o[1]})]
    assert pool, model.state
    key, value, thought = rng.choice(pool)
    again = f"{key}={value}" in tried
    tried.add(f"{key}={value}")
    if again:
        thought = (
            rng.choice(["Going back to an earlier idea: ", "Let me try this again, now that the rest changed: "])
            + thought[0].lower()
            + thought[1:]
        )
    return thought, model.change(**{key: value})


def looks(model: Model, rng: random.Random) -> Step:
    """A look between attempts: the diff so far, the function, the status, its size."""
    kind = rng.choice(["diff", "diff", "show", "status", "stat"])
    if kind == "diff" and model.state != model.start:
        return model.diff(
            rng,
            rng.choice(["Let me look at the diff so far.", "What have I changed so far?", "Let me review my changes."]),
        )
    if kind == "status":
        extra = ["", "?? reproduce.py\n", "?? out.txt\n"][model.ctx.key % 3]
        return Step("Let me check the working tree.", "git status --short", f" M {model.ctx.source}\n{extra}")
    if kind == "stat" and model.state != model.start:
        changed = git_diff(model.ctx.source, model.render(model.start), model.render(model.state), model.line, rng)
        plus = sum(1 for line in changed.split("\n") if line.startswith("+") and not line.startswith("+++"))
        minus = sum(1 for line in changed.split("\n") if line.startswith("-") and not line.startswith("---"))
        return Step(
            "Let me see how big the change is.",
            "git diff --stat",
            f" {model.ctx.source} | {plus + minus} {'+' * plus}{'-' * minus}\n 1 file changed"
            + (f", {plus} insertion{'s' if plus != 1 else ''}(+)" if plus else "")
            + (f", {minus} deletion{'s' if minus != 1 else ''}(-)" if minus else ""),
        )
    return model.show(
        rng,
        rng.choice(
            ["Let me re-read the function.", f"Let me look at {model.func} again.", "Let me see the code as it is now."]
        ),
    )

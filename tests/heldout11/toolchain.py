"""What a session needs of a toolchain: its project's files, its commands, and how its tools print.

Every toolchain is one project of a beekeeping cooperative (hive inspections, mite counts, honey lots,
queen lineage, brood frames, swarm alerts), so the six read as one organisation's repositories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .drift import fill


@dataclass(frozen=True, slots=True)
class Blocker:
    """An environment nothing in the session can fix, and the ways an agent tries to get past it."""

    tries: tuple[str, ...]  # commands aimed at the wall; `{alt}` takes a mirror, host, flag or path
    alts: tuple[str, ...]
    errors: tuple[str, ...]  # how the wall answers, worded differently each time; `{alt}` allowed
    looks: tuple[tuple[str, str, int], ...]  # (diagnostic command, its output, exit code)
    config: str  # the file the agent edits to get around it
    settings: tuple[str, ...]  # lines the agent writes there, one per edit


@dataclass(frozen=True, slots=True)
class Poll:
    start: str
    started: str
    status: str
    pending: str  # {pct}
    hiccup: str  # a status check that fails on the way
    ready: str


@dataclass(frozen=True, slots=True)
class Toolchain:
    name: str
    root: str
    sources: tuple[str, str, str, str, str]  # code, helper, tests, manifest, config
    bodies: tuple[str, str, str, str, str]  # their text as checked out
    hot: int  # the line of sources[0] the bugs are on (0-based)
    fixes: tuple[str, ...]  # ways to write the hot line; none passes the failing test
    guards: tuple[str, ...]  # lines written above the hot line
    flip: tuple[str, str]  # two hot lines: each passes one of tests[0:2] and fails the other
    more: tuple[str, ...]  # further files of the project
    filler: tuple[str, ...]  # lines those files are made of
    comment: str
    tests: tuple[str, ...]
    failures: tuple[str, ...]  # assertion messages, failures[k] for tests[k]
    packages: tuple[str, ...]
    test_cmd: str
    test_one: str  # {test}
    pkg_cmd: str  # {pkg}
    build_cmd: str
    lint_cmd: str
    lint_ok: str
    run_cmd: str
    bench_cmd: str
    install_cmd: str
    header: str
    pass_line: str  # {name}; empty where a runner prints only failures
    fail_line: str  # {name} {msg} {file} {ln}
    summary: str  # {passed} {failed} {total}
    crash: str  # a test dying on the hot line: {test} {file} {line} {code} {msg}
    build_ok: str
    build_err: str  # {file} {line} {msg}
    compile_msgs: tuple[str, ...]
    bench_line: str  # {name} {value}
    benches: tuple[str, ...]
    debug: str  # a debugging print: {value}
    blockers: tuple[Blocker, Blocker]
    transient: tuple[str, str, str]  # (command, a failure that clears, its output once it works)
    poll: Poll
    fixenv: tuple[str, str, str, str, str, str]  # (command, error, a wrong try, its error, the fix, its output)
    tune: tuple[str, str, tuple[str, ...], str, str]  # (file, its line {value}, values, command, metric {value})
    stuck: tuple[str, str]  # a command that fails the same way however often it is run
    rename: tuple[str, str]  # a name a refactoring changes everywhere


class Tree:
    """A session's checkout: files read the same until an edit changes them."""

    def __init__(self, tc: Toolchain) -> None:
        self.tc = tc
        self.files: dict[str, list[str]] = {
            path: body.split("\n") for path, body in zip(tc.sources, tc.bodies, strict=True)
        }
        self.touched: dict[str, None] = {}  # edited files, in the order first edited

    def lines(self, path: str) -> list[str]:
        if path not in self.files:
            pool = random.Random(f"heldout11/{self.tc.name}/{path}")
            body = [pool.choice(self.tc.filler) for _ in range(pool.randint(14, 40))]
            self.files[path] = [f"{self.tc.comment} {path}", *body]
        return self.files[path]

    def text(self, path: str) -> str:
        return "\n".join(self.lines(path))

    def change(self, path: str, index: int, new: str) -> str:
        """Writes line `index`; the line it replaced."""
        lines = self.lines(path)
        old, lines[index] = lines[index], new
        self.touched[path] = None
        return old

    def insert(self, path: str, index: int, new: str) -> None:
        self.lines(path).insert(index, new)
        self.touched[path] = None


def _put(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def report(tc: Toolchain, rng: random.Random, failed: dict[str, str]) -> str:
    """The whole suite's output with `failed` (test → message) failing, in the order the tests ran."""
    names = list(tc.tests)
    rng.shuffle(names)
    lines = [fill(tc.header, rng)]
    for name in names:
        if name in failed:
            ln = str(12 + 9 * tc.tests.index(name))  # where the test is: the same every run
            lines.append(fill(_put(tc.fail_line, name=name, msg=failed[name], file=tc.sources[2], ln=ln), rng))
        elif tc.pass_line:
            lines.append(fill(_put(tc.pass_line, name=name), rng))
    passed = len(names) - len(failed)
    lines.append(fill(_put(tc.summary, passed=str(passed), failed=str(len(failed)), total=str(len(names))), rng))
    return "\n".join(lines)


def crash(tc: Toolchain, rng: random.Random, test: str, at: int, code: str, msg: str) -> str:
    """One test dying on the hot line (now line `at`, 0-based), the line quoted as it now reads."""
    where = str(at + 1)
    return fill(_put(tc.crash, test=test, file=tc.sources[0], line=where, code=code.strip(), msg=msg), rng)


def build_error(tc: Toolchain, rng: random.Random, file: str, line: int, msg: str) -> str:
    return fill(_put(tc.build_err, file=file, line=str(line), msg=msg), rng)


def bench(tc: Toolchain, rng: random.Random, values: dict[str, float]) -> str:
    return "\n".join(fill(_put(tc.bench_line, name=k, value=f"{v:.1f}"), rng) for k, v in values.items())


def put(template: str, rng: random.Random, **values: str) -> str:
    """A template with its named slots and its drift holes filled."""
    return fill(_put(template, **values), rng)

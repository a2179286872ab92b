"""A toolchain's table (its commands, files and how its tools print) and a session being written:
the steps so far and the files as the agent's edits left them."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from heldout.shapes import Step

from .drift import fill

Failure = tuple[str, str]  # (test, message)


@dataclass(frozen=True, slots=True)
class Toolchain:
    name: str
    root: str
    comment: str  # a line comment in the sources
    files: tuple[str, ...]  # sources the agent reads and edits (six)
    manifest: str  # the file the toolchain resolves dependencies from
    test_files: tuple[str, ...]  # where new tests are written
    tests: tuple[str, ...]
    units: tuple[str, ...]  # packages / targets a sweep walks
    suite: str
    one: str  # {test}
    unit: str  # {pkg}
    build: str
    lint: str
    lint_ok: str
    lint_warn: str  # {file} {line}
    header: str
    passed: str  # {name}; empty when the runner prints nothing for a passing test
    failed: str  # {name} {msg}
    summary_fail: str  # {passed} {failed} {total}
    summary_ok: str  # {total}
    build_ok: str
    build_err: str  # {file} {line} {msg}
    compile_msgs: tuple[str, ...]
    failures: tuple[str, ...]
    code: tuple[str, ...]  # lines an edit writes
    bench: str
    bench_names: tuple[str, ...]
    bench_line: str  # {name} {value}
    run: str
    debug: tuple[str, str]  # (a print statement, what it prints: {value})
    blocked: tuple[tuple[str, str], ...]  # attempts at an environment that cannot work: (command {k}, error)
    knobs: tuple[str, ...]  # flags and variables varied between those attempts
    blocked_config: tuple[str, tuple[str, ...]]  # (config file, lines tried in it)
    transient: tuple[str, str, str]  # (command, error of a passing fault, output once it works)
    poll: tuple[str, str, str, str, str, str]  # (start, started, status, pending {pct}, failing, ready)
    fixenv: tuple[str, str, str, str, str]  # (command, error, the fix, its output, the command's once fixed)
    tune: tuple[str, str, tuple[str, ...], str, str]  # (file, its line {value}, values, command, metric {value})
    docs: tuple[str, ...]  # further files exploration reads, the README first


_NUMBER = re.compile(r"\d+(\.\d+)?")


def variant(line: str, rng: random.Random) -> str:
    """The line with its numbers changed: a new attempt at the same edit."""
    return _NUMBER.sub(lambda m: str(rng.randint(1, 99)) if not m.group(1) else f"{rng.uniform(0, 50):.2f}", line)


@dataclass
class Session:
    tc: Toolchain
    rng: random.Random
    steps: list[Step] = field(default_factory=list)
    edits: dict[str, list[str]] = field(default_factory=dict)

    # -- files ------------------------------------------------------------------------------------
    def text(self, path: str) -> str:
        """The file as it stands: the same every time it is read, until an edit changes it."""
        tc = self.tc
        own = random.Random(f"heldout8/{tc.name}/{path}")
        if path in tc.files or path in tc.test_files:
            body = own.sample(tc.code, k=6)
        elif path == tc.blocked_config[0]:
            body = list(tc.blocked_config[1][:2])
        else:  # a README, manifest or build file: how to work on the project
            body = [f"build: {tc.build}", f"test:  {tc.suite}", f"lint:  {tc.lint}", f"deps:  {tc.manifest}"]
            own.shuffle(body)
        head = f"{tc.comment} {path} (catchlog)"
        return "\n".join([head, *body, *self.edits.get(path, [])]) + "\n"

    def read(self, path: str) -> Step:
        return self._add(Step("read", path, self.text(path)))

    def edit(self, path: str, new: str) -> Step:
        old = self.text(path).splitlines()[-1]
        self.edits.setdefault(path, []).append(new)
        return self._add(Step("edit", path, old, extra=new))

    # -- commands ---------------------------------------------------------------------------------
    def sh(self, command: str, output: str, code: int = 0, seconds: float = 0.0) -> Step:
        return self._add(Step("shell", fill(command, self.rng), fill(output, self.rng), code, seconds=seconds))

    def grep(self, pattern: str, hits: str, where: str = ".") -> Step:
        return self._add(Step("grep", pattern, fill(hits, self.rng), extra=where))

    def todo(self, items: str) -> Step:
        return self._add(Step("todo", items, ""))

    def wait(self, command: str, job: str, output: str, seconds: float) -> Step:
        """A look at a background job: the harness's own tool where it has one, else the command."""
        return self._add(Step("wait", fill(command, self.rng), fill(output, self.rng), extra=job, seconds=seconds))

    def report(self, tests: list[str], failing: list[Failure]) -> tuple[str, int]:
        """A run's output: header, a line a test as they finish, summary; and its exit code."""
        tc, rng = self.tc, self.rng
        rows: list[tuple[str, str | None]] = [(t, None) for t in tests if t not in dict(failing)]
        rows += [(t, m) for t, m in failing]
        rng.shuffle(rows)
        lines = [tc.header] if tc.header else []
        for name, msg in rows:
            if msg is not None:
                lines.append(tc.failed.replace("{name}", name).replace("{msg}", msg))
            elif tc.passed:
                lines.append(tc.passed.replace("{name}", name))
        counts = {"{passed}": len(rows) - len(failing), "{failed}": len(failing), "{total}": len(rows)}
        summary = tc.summary_fail if failing else tc.summary_ok
        for hole, n in counts.items():
            summary = summary.replace(hole, str(n))
        lines.append(summary)
        return "\n".join(lines), 1 if failing else 0

    def suite(self, failing: list[Failure] | None = None, command: str = "") -> Step:
        output, code = self.report(list(self.tc.tests), failing or [])
        return self.sh(command or self.tc.suite, output, code, seconds=self.rng.uniform(4, 90))

    def one(self, test: str, msg: str | None = None) -> Step:
        output, code = self.report([test], [(test, msg)] if msg else [])
        return self.sh(self.tc.one.replace("{test}", test), output, code, seconds=self.rng.uniform(1, 25))

    def build(self, error: tuple[str, int, str] | None = None) -> Step:
        if error is None:
            return self.sh(self.tc.build, self.tc.build_ok, seconds=self.rng.uniform(3, 60))
        file, line, msg = error
        text = self.tc.build_err.replace("{file}", file).replace("{line}", str(line)).replace("{msg}", msg)
        return self.sh(self.tc.build, text, 1, seconds=self.rng.uniform(3, 40))

    def lint(self, finding: tuple[str, int] | None = None) -> Step:
        if finding is None:
            return self.sh(self.tc.lint, self.tc.lint_ok)
        text = self.tc.lint_warn.replace("{file}", finding[0]).replace("{line}", str(finding[1]))
        return self.sh(self.tc.lint, text, 1)

    def bench(self, values: dict[str, float]) -> Step:
        rows = [self.tc.bench_line.replace("{name}", k).replace("{value}", f"{v:.1f}") for k, v in values.items()]
        return self.sh(self.tc.bench, "\n".join(rows), seconds=self.rng.uniform(10, 120))

    def diff(self, path: str) -> Step:
        added = self.edits.get(path, [])[-1:] or ["(no changes)"]
        return self.sh(
            f"git diff --stat && git diff {path}",
            f" {path} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n@@ -@line@,6 +@line@,6 @@\n+{added[0]}",
        )

    def commit(self, message: str) -> Step:
        return self.sh(f'git add -A && git commit -qm "{message}" && git log --oneline -1', f"@sha@ {message}")

    def _add(self, step: Step) -> Step:
        self.steps.append(step)
        return step

    # -- orientation --------------------------------------------------------------------------------
    def opening(self, n: int, runs: bool = True) -> int:
        """n calls of orientation (listing, reading, searching, a first run unless not `runs`); the seq
        of the next call."""
        tc, rng = self.tc, self.rng
        files = list(tc.files)
        rng.shuffle(files)
        moves = [
            lambda: self.sh(
                f"cd {tc.root} && git status -sb && git log --oneline -4",
                "## main...origin/main\n@sha@ landings: accept partial declarations\n@sha@ quota: carry-over for 2026\n@sha@ vms: drop duplicate pings\n@sha@ build: pin toolchain",
            ),
            lambda: self.sh(
                f"ls {tc.root}", "  ".join(sorted({f.split("/")[0] for f in tc.files} | {tc.manifest, "README.md"}))
            ),
            lambda: self.read(files[0]),
            lambda: self.read(tc.manifest),
            lambda: self.grep("TODO|FIXME|XXX", f"{files[1]}:@line@:{tc.comment} TODO: species without FAO code"),
            lambda: self.read(files[1]),
            lambda: self.suite([(tc.tests[rng.randrange(len(tc.tests))], rng.choice(tc.failures))]),
            lambda: self.todo("Reproduce;Find the cause;Fix;Run the checks"),
            lambda: self.read(files[2]),
            lambda: self.sh(
                f"git log --oneline -8 -- {files[0]}",
                "@sha@ quota: round to kilograms\n@sha@ quota: allocation per stock area\n@sha@ initial import",
            ),
            lambda: self.grep(
                files[0].rsplit("/", 1)[-1].split(".")[0], f"{files[3]}:@line@:  uses {files[0].rsplit('/', 1)[-1]}"
            ),
            lambda: self.build(),
        ]
        if not runs:  # the build and the suite would meet what blocks the session before it starts
            del moves[-1], moves[6]
        order = [0, 1, *rng.sample(range(2, len(moves)), k=len(moves) - 2)]
        for k in order[:n]:
            moves[k]()
        for k in range(n - len(moves)):
            self.read(files[3 + k % 3])
        return len(self.steps)

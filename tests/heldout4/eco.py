"""A toolchain of the fourth set: its commands and how its tools print, as templates.

Each ecosystem (`ecos_a`, `ecos_b`) fills one `Eco`; the families only ask it for a suite run with
some tests failing, a build with some errors, a clean lint, a benchmark, a pipeline run, so one
family builder gives realistic output in every toolchain. Templates take `@key@` holes (see drift).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from heldout.shapes import Step

from .drift import fill


@dataclass(frozen=True)
class Eco:
    name: str
    root: str
    sources: tuple[str, ...]
    tests: tuple[tuple[str, str], ...]  # (test id, what its failure says)
    packages: tuple[str, ...]
    suite_cmd: str
    one_cmd: str  # {test}
    pkg_cmd: str  # {pkg}
    build_cmd: str
    lint_cmd: str
    bench_cmd: str
    run_cmd: str
    log_path: str
    head: str
    block: str  # @test@ @msg@
    summary: str  # one line per failing test, after the blocks ("" when the tool prints none)
    tail_fail: str  # @failed@ @passed@ @total@
    tail_ok: str  # @passed@ @total@
    compile_err: str  # @file@ @msg@
    compile_msgs: tuple[str, ...]
    compile_tail: str  # @count@
    build_ok: str
    lint_clean: str
    bench: str  # @value@ @unit@
    unit: str
    run_out: str  # @rows@ @dropped@ @note@
    debug: str  # a print statement's output: @var@ @value@
    debug_stmt: str  # the print statement: @var@
    code: tuple[str, ...]  # lines a source file shows when read

    def suite(self, rng: random.Random, failing: Sequence[int], total: int) -> tuple[str, int]:
        """A full suite run with these tests (indexes into `tests`) failing."""
        parts = [fill(rng, self.head)]
        for i in failing:
            test, msg = self.tests[i % len(self.tests)]
            parts.append(fill(rng, self.block, test=test, msg=msg))
        if failing and self.summary:
            parts.extend(fill(rng, self.summary, test=self.tests[i % len(self.tests)][0]) for i in failing)
        passed = total - len(failing)
        if failing:
            parts.append(fill(rng, self.tail_fail, failed=len(failing), passed=passed, total=total))
            return "\n".join(parts), 1
        parts.append(fill(rng, self.tail_ok, passed=total, total=total))
        return "\n".join(parts), 0

    def run_one(self, rng: random.Random, index: int, ok: bool = False, extra: str = "") -> Step:
        """One test run alone (failing unless `ok`), with `extra` lines (debug output) before its result."""
        test = self.tests[index % len(self.tests)][0]
        out, code = self.suite(rng, [] if ok else [index], 1)
        if extra:
            out = f"{extra}\n{out}"
        return Step("shell", self.one_cmd.format(test=test), out, code, seconds=rng.uniform(2, 40))

    def test_id(self, index: int) -> str:
        return self.tests[index % len(self.tests)][0]

    def build(self, rng: random.Random, errors: Sequence[tuple[str, int]]) -> Step:
        """A build with these errors: (source file, index into `compile_msgs`)."""
        if not errors:
            return Step("shell", self.build_cmd, fill(rng, self.build_ok), 0, seconds=rng.uniform(3, 60))
        lines = [
            fill(rng, self.compile_err, file=f, msg=self.compile_msgs[m % len(self.compile_msgs)]) for f, m in errors
        ]
        lines.append(fill(rng, self.compile_tail, count=len(errors)))
        return Step("shell", self.build_cmd, "\n".join(lines), 1, seconds=rng.uniform(3, 60))

    def lint(self, rng: random.Random) -> Step:
        return Step("shell", self.lint_cmd, fill(rng, self.lint_clean), 0, seconds=rng.uniform(1, 20))

    def benchmark(self, rng: random.Random, value: float) -> Step:
        out = fill(rng, self.bench, value=f"{value:,.1f}", unit=self.unit)
        return Step("shell", self.bench_cmd, out, 0, seconds=rng.uniform(20, 120))

    def pipeline(self, rng: random.Random, rows: int, dropped: int, note: str, code: int = 0) -> Step:
        out = fill(rng, self.run_out, rows=f"{rows:,}", dropped=dropped, note=note)
        return Step("shell", self.run_cmd, out, code, seconds=rng.uniform(5, 90))

    def read(self, rng: random.Random, path: str, start: int = 0, size: int = 14) -> Step:
        lines = [self.code[(start + k) % len(self.code)] for k in range(size)]
        return Step("read", path, "\n".join(lines))

    def edit(self, rng: random.Random, path: str, old: str, new: str) -> Step:
        return Step("edit", path, old, extra=new)

    def source(self, index: int) -> str:
        return self.sources[index % len(self.sources)]

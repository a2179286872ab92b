"""What a session needs of a toolchain: its commands, its files, and how its tools print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .drift import fill


@dataclass(frozen=True, slots=True)
class Eco:
    name: str
    root: str
    files: tuple[str, ...]  # source files the agent reads and edits
    tests: tuple[str, ...]  # test names
    packages: tuple[str, ...]  # modules / packages a sweep walks
    test_cmd: str
    test_one: str  # {test}
    pkg_cmd: str  # {pkg}
    build_cmd: str
    lint_cmd: str
    run_cmd: str
    bench_cmd: str
    header: str  # printed before a test report (drift holes allowed)
    pass_line: str  # {name}
    fail_line: str  # {name} {msg}
    summary: str  # {passed} {failed} {total}
    build_ok: str
    build_err: str  # {file} {line} {msg}
    compile_msgs: tuple[str, ...]
    lint_ok: str
    bench_line: str  # {name} {value}
    snippets: tuple[str, ...]  # lines of code an edit writes
    env_blocks: tuple[tuple[str, str], ...]  # (command, error) attempts against an environment that cannot work
    transient: tuple[str, str, str]  # (command, passing error, output once it works)
    poll: tuple[str, str, str, str, str, str]  # (start, started, status, pending {pct}, failing, ready)
    fixenv: tuple[str, str, str, str]  # (command, error, fix, fix output)
    tune: tuple[str, str, tuple[str, ...], str, str]  # (file, key, values, command, metric line {value})
    failures: tuple[str, ...]  # assertion messages


def report(eco: Eco, rng: random.Random, passed: list[str], failed: list[tuple[str, str]]) -> str:
    """A test run's output: header, one line a test, summary; passes and failures interleave as they run."""
    lines = [fill(eco.header, rng)]
    rows = [(name, None) for name in passed] + [(name, msg) for name, msg in failed]
    rng.shuffle(rows)
    for name, msg in rows:
        template = eco.pass_line if msg is None else eco.fail_line
        lines.append(fill(template.replace("{name}", name).replace("{msg}", msg or ""), rng))
    total = len(passed) + len(failed)
    lines.append(
        fill(
            eco.summary.replace("{passed}", str(len(passed)))
            .replace("{failed}", str(len(failed)))
            .replace("{total}", str(total)),
            rng,
        )
    )
    return "\n".join(lines)


def build_error(eco: Eco, rng: random.Random, file: str, msg: str, line: int | None = None) -> str:
    where = str(line if line is not None else rng.randint(8, 220))
    return fill(eco.build_err.replace("{file}", file).replace("{line}", where).replace("{msg}", msg), rng)


def bench(eco: Eco, rng: random.Random, values: dict[str, float]) -> str:
    rows = [eco.bench_line.replace("{name}", k).replace("{value}", f"{v:.1f}") for k, v in values.items()]
    return fill("\n".join(rows), rng)

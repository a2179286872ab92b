"""A toolchain as the sessions use it: its commands, its files, and how each of its tools prints."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .drift import fill

Attempt = tuple[str, str, int]  # a command against an environment that cannot work, its error, its exit code


@dataclass(frozen=True, slots=True)
class Chain:
    name: str
    root: str
    files: tuple[str, ...]  # files[0] holds the bug every loop is about; the last is a test or config file
    code: tuple[str, ...]  # lines the files are made of; code[1] is where fixes land
    fixes: tuple[str, ...]  # edits an agent tries on files[0]; `{k}` takes a number, so no two are alike
    tests: tuple[str, ...]
    units: tuple[str, ...]  # what a per-package sweep walks
    suite: str
    one: str  # {test}
    unit: str  # {unit}
    build: str
    lint: str
    bench: str
    bench_names: tuple[str, ...]
    head: str  # before a test report
    ok_row: str  # {name}
    bad_row: str  # {name} {msg}
    tails: tuple[str, str]  # after a report that passed, that failed: {passed} {failed} {total}
    built: str
    build_err: str  # {file} {line} {msg}
    compile_msgs: tuple[str, ...]
    lint_ok: str
    bench_row: str  # {name} {value}
    asserts: tuple[str, ...]
    stack: str  # one test failing, quoting the line it failed on: {test} {file} {line} {code} {msg}
    blocked: tuple[Attempt, ...]  # the environment's wall, by ever different commands
    prefixes: tuple[str, ...]  # env vars and wrappers an agent puts before a blocked command
    wall_config: tuple[str, tuple[str, ...]]  # the config file an agent edits against the wall, and its edits
    flaky: tuple[str, str, str]  # command, an error that passes, its output once it works
    watch: tuple[str, str, str, str, str, str]  # start, started, status, pending, failing, ready
    fixenv: tuple[str, str, str, str]  # command, error, fix, fix output
    knob: tuple[str, str, tuple[str, ...], str, str]  # file, key, values, command, metric {value}
    rename: tuple[str, str]
    probe: tuple[str, str]  # a file and the debug print an agent adds to it
    printed: str  # what it prints: {value}


def _comment(path: str) -> str:
    return (
        "#"
        if path.rsplit(".", 1)[-1] in ("py", "gd", "hcl", "yaml", "yml", "toml", "sh", "cfg", "godot", "rego", "bats")
        else "//"
    )


_NOTES = (
    "keep in sync with the bulletin schema (docs/bulletin.md)",
    "danger levels follow the European scale, 1 (low) to 5 (very high)",
    "elevation bands: below treeline, treeline, alpine",
    "observations older than 72 h are ignored",
    "see the forecasters' runbook before changing this",
    "values in SI units unless named otherwise",
)


def lines_of(chain: Chain, path: str, now: str | None = None) -> list[str]:
    """A file as it stands: the same every time it is read; an edit (`now`) replaces its spot line."""
    rng = random.Random(f"heldout13/{chain.name}/{path}")
    mark = _comment(path)
    lines = [f"{mark} {path} — snowline avalanche forecasting"]
    for _ in range(rng.randint(22, 58)):
        pick = rng.random()
        lines.append("" if pick < 0.14 else f"{mark} {rng.choice(_NOTES)}" if pick < 0.27 else rng.choice(chain.code))
    lines[spot(chain, path)] = chain.code[1] if now is None else now  # the line every fix is about
    return lines


def spot(chain: Chain, path: str) -> int:
    """Where edits to `path` land (0-based): the line a failure there quotes."""
    return random.Random(f"heldout13/{chain.name}/{path}/spot").randint(6, 20)


def report(chain: Chain, rng: random.Random, tests: Sequence[str], failed: Sequence[tuple[str, str]]) -> str:
    """A run of `tests`: header, one row a test as they finish (in no fixed order), the tail."""
    bad = dict(failed)
    rows = [chain.bad_row.replace("{msg}", bad[t]) if t in bad else chain.ok_row for t in tests]
    rows = [row.replace("{name}", t) for row, t in zip(rows, tests, strict=True)]
    rng.shuffle(rows)
    tail = chain.tails[1 if bad else 0]
    counts = {"{passed}": len(tests) - len(bad), "{failed}": len(bad), "{total}": len(tests)}
    for hole, count in counts.items():
        tail = tail.replace(hole, str(count))
    return fill("\n".join([chain.head, *rows, tail]), rng)


def build_error(chain: Chain, rng: random.Random, path: str, msg: str, line: int) -> str:
    return fill(chain.build_err.replace("{file}", path).replace("{line}", str(line)).replace("{msg}", msg), rng)


def stack(chain: Chain, rng: random.Random, test: str, path: str, code: str, msg: str) -> str:
    where = str(spot(chain, path) + 1)
    text = chain.stack.replace("{test}", test).replace("{file}", path).replace("{line}", where)
    return fill(text.replace("{code}", code.strip()).replace("{msg}", msg), rng)


def bench(chain: Chain, rng: random.Random, values: dict[str, float]) -> str:
    rows = [chain.bench_row.replace("{name}", k).replace("{value}", f"{v:.1f}") for k, v in values.items()]
    return fill("\n".join(rows), rng)

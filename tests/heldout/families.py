"""The behaviours: loops (waste from an onset on) and productive sessions of many shapes.

A builder returns `(steps, onset)`: the agent's steps, and the index of the first step of the loop
(None for productive work). Every session opens the way real ones do (look around, read, run the
tests), so a loop starts in a session that was doing useful work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .causes import TARGETS, failure
from .ecosystems import Eco, ident, source
from .shapes import Step


@dataclass(frozen=True)
class Params:
    pool: tuple[str, ...]
    pick: int  # which half of the name lists (0: tuning, 1: held-out)
    causes: tuple[str, ...]
    periods: tuple[int, ...]
    retries: tuple[int, ...]
    polls: tuple[int, int]
    loop_len: tuple[int, int]


def _files(eco: Eco, rng: random.Random, p: Params, n: int) -> dict[str, str]:
    return {
        f"{eco.src_dir}/{ident(rng, p.pool)}.{eco.ext}": source(eco, rng, p.pool, rng.randint(2, 5)) for _ in range(n)
    }


def opening(eco: Eco, rng: random.Random, p: Params, files: dict[str, str]) -> list[Step]:
    listing = "\n".join(sorted({path.split("/")[0] for path in files} | {"README.md", "Makefile", ".gitignore"}))
    steps = [Step("shell", rng.choice(["ls", "ls -la", "git status && ls"]), listing)]
    for path in list(files)[: rng.randint(1, 3)]:
        steps.append(Step("read", path, files[path]))
    name = ident(rng, p.pool)
    steps.append(Step("grep", name, f"{next(iter(files))}:{rng.randint(3, 40)}:    {name}(x)", extra=eco.src_dir))
    return steps


def _edit(eco: Eco, rng: random.Random, p: Params, files: dict[str, str]) -> Step:
    path = rng.choice(list(files))
    new = f"    {ident(rng, p.pool)} = {ident(rng, p.pool)}({rng.randint(1, 999)})"
    return Step("edit", path, rng.choice(files[path].splitlines()[:6] or ["x"]), extra=new)


def _tests(eco: Eco, rng: random.Random, failing: list[str], total: int) -> Step:
    return Step("shell", rng.choice(eco.test_cmds), eco.test_output(rng, failing, total), 1 if failing else 0)


# -- loops ----------------------------------------------------------------------------------------


def env_failure(eco: Eco, rng: random.Random, p: Params) -> tuple[list[Step], int]:
    """Every attempt differs, the environment makes them all fail for one cause."""
    files = _files(eco, rng, p, 4)
    kind = rng.choice(p.causes)
    pool = TARGETS[kind][eco.name] if kind == "module" else TARGETS[kind]
    targets = pool[p.pick] if pool[p.pick] else pool[1 - p.pick]
    target = rng.choice(targets)
    steps = opening(eco, rng, p, files)
    steps.append(Step("shell", rng.choice(eco.test_cmds), failure(kind, eco.name, target, rng), 1))
    onset = len(steps)
    attempts = [
        *list(eco.test_cmds + eco.build_cmds + eco.install_cmds),
        f"{rng.choice(eco.install_cmds)} --verbose",
        f"rm -rf {rng.choice(['node_modules', 'target', 'build', '.venv', 'vendor'])} && {rng.choice(eco.install_cmds)}",
        f"{rng.choice(['make', 'make build', 'make test', 'make dev'])}",
        f"{rng.choice(['./scripts/setup.sh', './scripts/bootstrap', 'docker compose up -d'])}",
        f"export PATH=$PATH:/usr/local/bin && {rng.choice(eco.build_cmds)}",
        f"{rng.choice(['sudo ', 'env CI=1 ', 'DEBUG=1 '])}{rng.choice(eco.test_cmds)}",
    ]
    looks = [
        ("shell", f"cat {rng.choice(['package.json', 'go.mod', 'Cargo.toml', 'pyproject.toml', 'pom.xml', '.env'])}"),
        ("shell", f"env | grep -i {rng.choice(['path', 'proxy', 'url', 'home'])}"),
        ("shell", f"ls -la {rng.choice(['/usr/local/bin', 'node_modules/.bin', '~/.cargo/bin', '/opt'])}"),
    ]
    n = rng.randint(*p.loop_len)
    while len(steps) - onset < n:
        if rng.random() < 0.2:
            kind_look, command = rng.choice(looks)
            steps.append(
                Step(kind_look, command, "\n".join(ident(rng, p.pool, 3, " ") for _ in range(rng.randint(2, 6))))
            )
            continue
        command = rng.choice(attempts) + rng.choice(["", "", " 2>&1 | tail -30", " 2>&1", " ; echo done"])
        steps.append(Step("shell", command, failure(kind, eco.name, target, rng), rng.choice([1, 1, 2, 127])))
    return steps, onset


def long_cycle(eco: Eco, rng: random.Random, p: Params) -> tuple[list[Step], int]:
    """A round of 5-9 steps (edit, build, test, read, revert …) that comes round again, a little varied."""
    files = _files(eco, rng, p, 3)
    path = next(iter(files))
    period = rng.choice(p.periods)
    failing = [ident(rng, p.pool)]
    edits = [f"    return {ident(rng, p.pool)}({rng.randint(1, 9)})" for _ in range(2)]
    test_rng_seed = rng.random()
    pieces = [
        lambda k: Step("edit", path, files[path].splitlines()[2], extra=edits[k % 2]),
        lambda k: Step("shell", rng.choice(eco.build_cmds), f"build finished in {rng.uniform(0.5, 20):.1f}s, 0 errors"),
        lambda k: Step(
            "shell", rng.choice(eco.test_cmds), eco.test_output(random.Random(test_rng_seed), failing, 12), 1
        ),
        lambda k: Step("read", path, files[path]),
        lambda k: Step(
            "shell",
            f"git diff {path}",
            f"--- a/{path}\n+++ b/{path}\n@@ -3 +3 @@\n-{files[path].splitlines()[2]}\n+{edits[k % 2]}",
        ),
        lambda k: Step(
            "shell", rng.choice([f"git checkout -- {path}", f"git restore {path}", "git stash && git stash drop"]), ""
        ),
        lambda k: Step("grep", failing[0], f"{path}:{rng.randint(3, 9)}:    {failing[0]}(state)", extra=eco.src_dir),
        lambda k: Step(
            "shell",
            f"tail -n {rng.choice([20, 30, 50])} {rng.choice(['test.log', 'logs/test.log'])}",
            eco.test_output(random.Random(test_rng_seed), failing, 12),
        ),
        lambda k: Step(
            "shell",
            f"{rng.choice(eco.test_cmds)} {rng.choice(['-t ', '-run ', '-k ', ''])}{failing[0]}",
            eco.test_output(random.Random(test_rng_seed), failing, 12),
            1,
        ),
    ]
    order = [0, 2, 3, 4, 5, 1, 6, 7, 8][:period]
    steps = opening(eco, rng, p, files)
    steps.append(_tests(eco, rng, failing, 12))
    onset = len(steps)
    n = rng.randint(*p.loop_len)
    k = 0
    while len(steps) - onset < n:
        for index in order:
            steps.append(pieces[index](k))
        if rng.random() < 0.15:  # a small variation of the round: one look in between
            steps.append(Step("shell", rng.choice(["git status --short", "ls"]), f" M {path}"))
        k += 1
    return steps[: onset + n], onset


def stubborn_retry(eco: Eco, rng: random.Random, p: Params) -> tuple[list[Step], int]:
    """The same failing step again and again, flags shuffled, output equal but for timings."""
    files = _files(eco, rng, p, 3)
    failing = [ident(rng, p.pool), ident(rng, p.pool)][: rng.randint(1, 2)]
    steps = opening(eco, rng, p, files)
    seed = rng.random()
    steps.append(Step("shell", eco.test_cmds[0], eco.test_output(random.Random(seed), failing, 20), 1))
    onset = len(steps)
    n = rng.randint(*p.loop_len)
    for _ in range(n):
        out = eco.test_output(random.Random(seed), failing, 20)
        command = rng.choice(eco.test_cmds) + rng.choice(["", " 2>&1", " | tail -40", " --verbose"])
        steps.append(Step("shell", command, out, 1))
    return steps, onset


def compile_churn(eco: Eco, rng: random.Random, p: Params) -> tuple[list[Step], int]:
    """Edit, build, the same compile error; another edit of the same line, the same error again."""
    files = _files(eco, rng, p, 3)
    path = next(iter(files))
    name = ident(rng, p.pool)
    steps = opening(eco, rng, p, files)
    error_seed = rng.random()
    steps.append(Step("shell", eco.build_cmds[0], eco.compile_error(random.Random(error_seed), name, 1), 1))
    onset = len(steps)
    n = rng.randint(*p.loop_len)
    while len(steps) - onset < n:
        steps.append(
            Step(
                "edit",
                path,
                files[path].splitlines()[2],
                extra=f"    {name} = {ident(rng, p.pool)}({rng.randint(1, 99)})",
            )
        )
        if rng.random() < 0.3:
            steps.append(Step("read", path, files[path]))
        steps.append(
            Step("shell", rng.choice(eco.build_cmds), eco.compile_error(random.Random(error_seed), name, 1), 1)
        )
    return steps[: onset + n], onset

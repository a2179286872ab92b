"""Productive sessions: work that must not be stopped, including the hard cases for detectors.

Retries that recover, environment errors that are fixed, polling a build or a server, TDD loops,
compile-error fixing, refactors with a todo list, long explorations, lint between edits.
"""

from __future__ import annotations

import random

from .causes import TARGETS, failure
from .ecosystems import Eco, ident
from .families import Params, _edit, _files, _tests, opening
from .shapes import Step


def _finish(eco: Eco, rng: random.Random, p: Params, files: dict[str, str], failing: list[str]) -> list[Step]:
    """Work that moves: edits and test runs with failures falling, then green."""
    steps: list[Step] = []
    failing = list(failing)
    while failing:
        steps.append(_edit(eco, rng, p, files))
        failing.pop(rng.randrange(len(failing)))
        steps.append(_tests(eco, rng, failing, 14))
    steps.append(
        Step("shell", "git diff --stat", f" {next(iter(files))} | {rng.randint(2, 30)} ++++--\n 1 file changed")
    )
    return steps


def retry_recover(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    """A failing step retried as is a few times (a flaky network, a lock), then a different approach works."""
    files = _files(eco, rng, p, 4)
    steps = opening(eco, rng, p, files)
    retries = rng.choice(p.retries)
    flake = rng.randrange(3)
    host = rng.choice(TARGETS["host"][p.pick])
    command = rng.choice(eco.install_cmds if flake != 2 else eco.test_cmds)
    seed = rng.random()
    for _ in range(retries):
        r = random.Random(seed)
        if flake == 0:
            out = failure("host", eco.name, host, r, 3)
        elif flake == 1:
            out = f"error: timed out waiting for lock on {rng.choice(['package-lock.json', 'Cargo.lock', 'go.sum', '.venv'])}\nanother process is using it"
        else:
            out = eco.test_output(r, [ident(r, p.pool)], 10)
        steps.append(Step("shell", command, out, 1))
    # A different approach, and it works.
    fix = rng.choice(
        [
            f"{command} --prefer-offline",
            f"rm -f *.lock && {command}",
            f"{command} --registry https://mirror.example.org",
            f"{command} -j1",
        ]
    )
    steps.append(
        Step(
            "shell",
            fix,
            f"added {rng.randint(10, 400)} packages, audited {rng.randint(400, 900)} in {rng.randint(2, 40)}s",
        )
    )
    steps += _finish(eco, rng, p, files, [ident(rng, p.pool) for _ in range(rng.randint(2, 4))])
    return steps


def fixable_env(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    """An environment error met two or three times, then fixed (installed, started, configured)."""
    files = _files(eco, rng, p, 4)
    steps = opening(eco, rng, p, files)
    kind = rng.choice([k for k in ("module", "binary", "service") if k in p.causes] or ["module"])
    pool = TARGETS[kind][eco.name] if kind == "module" else TARGETS[kind]
    target = rng.choice(pool[p.pick] or pool[1 - p.pick])
    for _ in range(rng.randint(2, 3)):
        steps.append(Step("shell", rng.choice(eco.test_cmds + eco.build_cmds), failure(kind, eco.name, target, rng), 1))
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "shell",
                    f"grep -rn '{target.split(':')[0]}' {eco.src_dir} | head",
                    f"{next(iter(files))}:3:import {target}",
                )
            )
    steps.append(
        Step(
            "shell",
            f"{rng.choice(['apt-get install -y', 'npm install', 'go get', 'cargo add', 'pip install', 'docker compose up -d'])} {target.split(':')[0]}",
            f"Setting up {target.split(':')[0]} ... done",
        )
    )
    steps += _finish(eco, rng, p, files, [ident(rng, p.pool) for _ in range(rng.randint(2, 4))])
    return steps


def polling(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    """Start something long, then sleep-and-check until it is ready; then go on working."""
    files = _files(eco, rng, p, 3)
    steps = opening(eco, rng, p, files)
    polls = rng.randint(*p.polls)
    kind = rng.randrange(4)
    job = f"bash_{rng.randint(1, 9)}"
    if kind == 0:
        steps.append(
            Step("shell", f"nohup {rng.choice(eco.build_cmds)} > build.log 2>&1 &", f"[1] {rng.randint(1000, 9999)}")
        )
    elif kind == 1:
        steps.append(
            Step(
                "shell",
                f"{rng.choice(['npm run dev', 'go run ./cmd/server', 'cargo run --bin server', 'docker compose up -d api'])} &",
                f"[1] {rng.randint(1000, 9999)}",
            )
        )
    elif kind == 2:
        steps.append(
            Step(
                "shell",
                "gh workflow run ci.yml && gh run list --limit 1",
                f"in_progress\tci\tmain\t{rng.randint(10**9, 10**10)}",
            )
        )
    else:
        steps.append(Step("shell", "kubectl apply -f deploy/api.yaml", "deployment.apps/api configured"))
    port = rng.choice(["3000", "8080", "8000"])
    for i in range(polls):
        done = i == polls - 1
        wait = rng.choice([10, 15, 20, 30, 60])
        if kind == 0:
            pct = min(100, int(100 * (i + 1) / polls))
            out = f"[{pct:3d}%] Building {ident(rng, p.pool)}.o" if not done else "[100%] Built target app"
            command = rng.choice([f"sleep {wait} && tail -n 3 build.log", "tail -n 3 build.log"])
            steps.append(Step("wait", command, out, seconds=wait, extra=job if rng.random() < 0.3 else ""))
        elif kind == 1:
            out = (
                f"curl: (7) Failed to connect to localhost port {port} after 0 ms: Couldn't connect to server"
                if not done
                else '{"status":"ok"}'
            )
            steps.append(
                Step("wait", f"sleep {wait}; curl -s localhost:{port}/health", out, 0 if done else 7, seconds=wait)
            )
        elif kind == 2:
            out = "completed\tsuccess\tci\tmain" if done else "in_progress\t\tci\tmain"
            steps.append(
                Step(
                    "wait",
                    rng.choice([f"sleep {wait} && gh run list --limit 1", f"gh run watch --exit-status; sleep {wait}"]),
                    out,
                    seconds=wait,
                )
            )
        else:
            ready = min(3, i * 3 // max(1, polls - 1))
            out = (
                f'Waiting for deployment "api" rollout to finish: {ready} of 3 updated replicas are available...'
                if not done
                else 'deployment "api" successfully rolled out'
            )
            steps.append(
                Step(
                    "wait", f"kubectl rollout status deploy/api --timeout={wait}s", out, 0 if done else 1, seconds=wait
                )
            )
    steps += _finish(eco, rng, p, files, [ident(rng, p.pool) for _ in range(rng.randint(1, 3))])
    return steps


def tdd(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    files = _files(eco, rng, p, 4)
    steps = opening(eco, rng, p, files)
    failing = [ident(rng, p.pool) for _ in range(rng.randint(3, 7))]
    steps.append(_tests(eco, rng, failing, 20))
    while failing:
        for _ in range(rng.randint(1, 2)):
            steps.append(_edit(eco, rng, p, files))
        if rng.random() < 0.7:
            failing.pop(rng.randrange(len(failing)))
        steps.append(_tests(eco, rng, failing, 20))
    return steps


def compile_fix(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    """Fixing compile errors one after another; an edit sometimes does not fix it the first time."""
    files = _files(eco, rng, p, 4)
    steps = opening(eco, rng, p, files)
    for k in range(rng.randint(4, 8)):
        name = ident(rng, p.pool)
        error = eco.compile_error(rng, name, k)
        steps.append(Step("shell", rng.choice(eco.build_cmds), error, 1))
        if rng.random() < 0.35:  # the first edit did not do it
            steps.append(_edit(eco, rng, p, files))
            steps.append(Step("shell", rng.choice(eco.build_cmds), error, 1))
        steps.append(_edit(eco, rng, p, files))
    steps.append(Step("shell", eco.build_cmds[0], "build finished, 0 errors"))
    steps.append(_tests(eco, rng, [], 14))
    return steps


def refactor_todos(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    """Many files edited one by one, the todo list updated after each (its answer never changes)."""
    files = _files(eco, rng, p, 8)
    steps = opening(eco, rng, p, files)
    tasks = [f"Update {path}" for path in files]
    for i, path in enumerate(files):
        steps.append(Step("todo", ";".join(tasks[i:]), ""))
        steps.append(Step("read", path, files[path]))
        steps.append(_edit(eco, rng, p, {path: files[path]}))
        if rng.random() < 0.4:
            steps.append(Step("shell", rng.choice(eco.build_cmds), "build finished, 0 errors"))
    steps.append(_tests(eco, rng, [], 30))
    return steps


def exploration(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    files = _files(eco, rng, p, rng.randint(14, 24))
    steps = opening(eco, rng, p, files)
    for path, text in files.items():
        if rng.random() < 0.3:
            name = ident(rng, p.pool)
            steps.append(Step("grep", name, f"{path}:{rng.randint(1, 40)}:    {name}()", extra="."))
        steps.append(Step("read", path, text))
    steps.append(_edit(eco, rng, p, files))
    steps.append(_tests(eco, rng, [], 10))
    return steps


def lint_between_edits(eco: Eco, rng: random.Random, p: Params) -> list[Step]:
    """The same lint command after each edit, the same clean answer every time."""
    files = _files(eco, rng, p, 6)
    steps = opening(eco, rng, p, files)
    lint = rng.choice(eco.lint_cmds)
    clean = rng.choice(
        [
            "All checks passed!",
            "✔ No problems found (0 errors, 0 warnings) in the checked files",
            "Found 0 issues in the project sources.",
        ]
    )
    for _ in range(rng.randint(5, 9)):
        steps.append(_edit(eco, rng, p, files))
        steps.append(Step("shell", lint, clean))
    steps.append(_tests(eco, rng, [], 12))
    return steps

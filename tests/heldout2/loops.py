"""Loop families of the second held-out set: waste from an onset on.

A builder returns `(steps, onset)`, onset the index of the first wasted step. As in real runs, every
loop starts in a session that was doing useful work, and its onset is the first step after the
agent has seen the thing it cannot get past.

Parameters (fixed before anything was replayed):
- `env-unfixable`: one cause of eight, 18-40 attempts that all differ (reinstall, rebuild, wipe caches,
  edit config, sudo, another package manager, env vars, starting the service, looking around);
- `long-cycle`: a round of 5-10 steps out of ten (edit with one of two fixes, build, test, read, diff,
  revert, log, grep, lint, one test alone), flags varying, sometimes a `git status` between rounds; 20-40;
- `bug-churn`: a different line or approach every time, the same test failing; debug prints make the
  output grow; 16-34;
- `stubborn-retry`: one failing command 12-30 times, exact, with flags shuffled, or with a log that grows.
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .causes import KINDS, cause, eco_cache
from .common import edit, opening, tests, workspace
from .ecosystems import Eco
from .names import camel, ident

_CONFIG = {
    "ruby": ("config/database.yml", ".bundle/config"),
    "php": (".env", "composer.json"),
    "dotnet": ("Freight.Core/appsettings.Development.json", "NuGet.Config"),
    "cpp": ("CMakeLists.txt", "CMakePresets.json"),
    "elixir": ("config/test.exs", "mix.exs"),
    "kotlin": ("gradle.properties", "settings.gradle.kts"),
}
_ENV_PREFIXES = ("CI=1 ", "TMPDIR=/tmp/x ", "DEBUG=1 ", "LANG=C.UTF-8 ", "HOME=/tmp/h ", "VERBOSE=1 ")
_SUFFIXES = ("", " 2>&1", " 2>&1 | tail -40", " ; echo exit=$?", " --verbose")


def _exit_status(output: str) -> int:
    """What a cause-specific attempt exits with: looking around succeeds, trying to change things fails."""
    failed = (
        "denied",
        "not permitted",
        "not found",
        "required",
        "sudoers",
        "fail",
        "Error",
        "error",
        "timed out",
        "Could not",
        "No such",
        "Can't",
    )
    return 1 if any(word in output for word in failed) else 0


def env_unfixable(eco: Eco, rng: random.Random, index: int) -> tuple[list[Step], int]:
    """Attempts that all differ, one cause defeating every one of them."""
    kind = KINDS[index % len(KINDS)]
    why = cause(kind, eco.name)
    files = workspace(eco, rng, 4)
    steps = opening(eco, rng, files)
    steps.append(Step("shell", rng.choice(eco.test_cmds), why.error(rng), 1))
    onset = len(steps)
    config = _CONFIG[eco.name]
    used: set[str] = set()
    n = rng.randint(18, 40)
    while len(steps) - onset < n:
        roll = rng.random()
        if roll < 0.25:
            command, text = rng.choice(why.attempts)
            out = text(rng)
            step = Step("shell", command, out, _exit_status(out))
        elif roll < 0.37:
            path = rng.choice(config)
            step = Step(
                "edit", path, f"{ident(rng)}: {rng.randint(1, 9)}", extra=f"{ident(rng)}: {rng.randint(10, 99)}"
            )
        elif roll < 0.50:
            command = rng.choice(
                [
                    f"cat {rng.choice(config)}",
                    f"env | grep -i {rng.choice(['path', 'proxy', 'home', 'url', 'key'])}",
                    f"which {eco.test_cmds[0].split()[0]}",
                    f"git diff {rng.choice(config)}",
                    "uname -a && id",
                ]
            )
            step = Step("shell", command, "\n".join(ident(rng, 3, " ") for _ in range(rng.randint(1, 5))))
        else:
            base = rng.choice(
                [
                    *eco.test_cmds,
                    *eco.build_cmds,
                    *eco.install_cmds,
                    f"rm -rf {rng.choice(eco.cache_dirs)} && {rng.choice(eco.install_cmds)}",
                    f"rm -rf {eco_cache(eco.name)} && {rng.choice(eco.build_cmds)}",
                ]
            )
            command = rng.choice(["", "", *_ENV_PREFIXES]) + base + rng.choice(_SUFFIXES)
            step = Step("shell", command, why.error(rng), rng.choice([1, 1, 2]))
        if step.kind == "shell" and step.text in used:
            continue  # every attempt differs
        used.add(step.text)
        steps.append(step)
    return steps, onset


def long_cycle(eco: Eco, rng: random.Random, index: int) -> tuple[list[Step], int]:
    """A round of 5-10 steps that comes round again, with small variations."""
    files = workspace(eco, rng, 3)
    path = next(iter(files))
    line = files[path].splitlines()[1]
    failing = [ident(rng)]
    fixes = [f"    return {ident(rng)}({rng.randint(1, 9)})", f"    return nil_safe({ident(rng)})"]

    def diff(k: int) -> str:
        return f"--- a/{path}\n+++ b/{path}\n@@ -2 +2 @@\n-{line}\n+{fixes[k % 2]}"

    pieces = [
        lambda k: Step("edit", path, line, extra=fixes[k % 2]),
        lambda k: Step(
            "shell",
            rng.choice(eco.build_cmds),
            f"done in {rng.uniform(0.4, 25):.1f}s, 0 errors, {rng.randint(0, 3)} warnings",
        ),
        lambda k: tests(eco, rng, failing, 18, rng.choice(eco.test_cmds) + rng.choice(["", "", " 2>&1"])),
        lambda k: Step("read", path, files[path]),
        lambda k: Step(
            "shell", rng.choice([f"git diff {path}", "git diff", f"git diff --stat && git diff {path}"]), diff(k)
        ),
        lambda k: Step("shell", rng.choice([f"git checkout -- {path}", f"git restore {path}"]), ""),
        lambda k: Step(
            "shell",
            rng.choice(["git log --oneline -3", "git log -1 --stat"]),
            f"{rng.getrandbits(28):07x} route {failing[0]} through depot\n",
        ),
        lambda k: Step("grep", failing[0], f"{path}:{rng.randint(2, 9)}:  {failing[0]}(s)", extra=eco.src_dir),
        lambda k: Step("shell", eco.lint_cmd, eco.lint_clean),
        lambda k: tests(eco, rng, failing, 1, f"{eco.test_cmds[0]} {rng.choice(['', '-v '])}{failing[0]}"),
    ]
    period = rng.randint(5, 10)
    # Edit, build, test, then the round's other steps; a revert (when drawn) closes the round.
    order = [0, 1, 2, *sorted(rng.sample(range(3, 10), period - 3), key=lambda i: (i == 5, i))]
    steps = opening(eco, rng, files)
    steps.append(tests(eco, rng, failing, 18))
    onset = len(steps)
    n = rng.randint(20, 40)
    k = 0
    while len(steps) - onset < n:
        for i in order:
            steps.append(pieces[i](k))
        if rng.random() < 0.25:
            steps.append(Step("shell", "git status --short", f" M {path}"))
        k += 1
    return steps[: onset + n], onset


def bug_churn(eco: Eco, rng: random.Random, index: int) -> tuple[list[Step], int]:
    """Another line, another approach, the same test failing; debug output piles up."""
    files = workspace(eco, rng, 4)
    failing = [ident(rng)]
    steps = opening(eco, rng, files)
    steps.append(tests(eco, rng, failing, 24))
    onset = len(steps)
    debug: list[str] = []
    n = rng.randint(16, 34)
    while len(steps) - onset < n:
        roll = rng.random()
        if roll < 0.2:
            debug.append(f"DEBUG {ident(rng)}={rng.choice(['nil', '0', 'None', '{}', '[]'])} at {camel(ident(rng))}")
            steps.append(Step("edit", rng.choice(list(files)), "", extra=f"    log_debug({ident(rng)})"))
        elif roll < 0.3:
            steps.append(Step("read", rng.choice(list(files)), files[rng.choice(list(files))]))
        else:
            steps.append(edit(rng, files))
        out = eco.test_output(rng, failing, 24)
        steps.append(Step("shell", rng.choice(eco.test_cmds), "\n".join(debug * 3) + "\n" + out, 1))
    return steps[: onset + n], onset


def stubborn_retry(eco: Eco, rng: random.Random, index: int) -> tuple[list[Step], int]:
    """One failing command again and again: as is, with flags shuffled, or with a log that grows."""
    files = workspace(eco, rng, 3)
    failing = [ident(rng) for _ in range(rng.randint(1, 2))]
    how = index % 3
    command = rng.choice(eco.test_cmds)
    steps = opening(eco, rng, files)
    steps.append(tests(eco, rng, failing, 20, command))
    onset = len(steps)
    log: list[str] = []
    for _ in range(rng.randint(12, 30)):
        out = eco.test_output(rng, failing, 20)
        if how == 0:
            steps.append(Step("shell", command, out, 1))
        elif how == 1:
            steps.append(Step("shell", command + rng.choice(_SUFFIXES), out, 1))
        else:
            log.append(out)
            steps.append(Step("shell", f"{command} >> ci.log 2>&1; cat ci.log", "".join(log), 1))
    return steps, onset

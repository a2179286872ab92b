"""Loop families of the fourth set: each returns (steps, onset), onset the index of the first step whose
call is waste. Openings are realistic (3–12 steps); 15–40 wasted steps follow.

- env_blocked: the environment forbids the work (service down, no credentials, no SDK, egress
  policy, read-only disk, license server); the agent tries many different things.
- unfixable_bug: a different edit each time, the same test failing the same way.
- long_cycle: a round of 4–10 steps repeated with small variations.
- stubborn_retry: one failing command rerun (exact or near exact), some outputs growing.
- reread: the same files and logs read again and again, nothing done.
- flip_flop: two versions of a fix applied in turn, the test failing after each.
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .blockers_b import BLOCKERS
from .common import git_diff, grep, look_around
from .drift import fill
from .eco import Eco


def _waste(rng: random.Random) -> int:
    return rng.randint(15, 40)


def _edit(eco: Eco, rng: random.Random, path: str, tag: str) -> Step:
    line = eco.code[rng.randrange(len(eco.code))]
    return Step("edit", path, line, extra=f"{line.rstrip()}  {tag}".rstrip())


def env_blocked(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    blocker = BLOCKERS[eco.name][i % len(BLOCKERS[eco.name])]
    steps = look_around(eco, rng, rng.randint(2, 6))
    steps.append(Step("shell", blocker.trigger, fill(rng, blocker.error), 1, seconds=rng.uniform(2, 40)))
    steps.append(_attempt(rng, blocker.attempts[0]))
    onset = len(steps)
    target = onset + _waste(rng)
    last = 0
    while len(steps) < target:
        if rng.random() < 0.3:
            steps.append(Step("shell", blocker.trigger, fill(rng, blocker.error), 1, seconds=rng.uniform(2, 40)))
            continue
        pick = rng.choice([k for k in range(len(blocker.attempts)) if k != last])
        last = pick
        steps.append(_attempt(rng, blocker.attempts[pick]))
    return steps, onset


def _attempt(rng: random.Random, attempt: tuple[str, str, str, int | str]) -> Step:
    kind, text, out, code = attempt
    if kind == "edit":  # (edit, path, old text, new text)
        return Step("edit", text, out, extra=str(code))
    if kind == "read":
        return Step("read", text, out)
    return Step("shell", text, fill(rng, out), int(code), seconds=rng.uniform(0.5, 30))


def unfixable_bug(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    test = rng.randrange(len(eco.tests))
    steps = look_around(eco, rng, rng.randint(2, 5))
    steps.append(eco.run_one(rng, test))
    steps.append(eco.read(rng, eco.source(i), rng.randrange(len(eco.code))))
    steps.append(_edit(eco, rng, eco.source(i), "# first fix"))
    steps.append(eco.run_one(rng, test))
    onset = len(steps)
    target = onset + _waste(rng)
    debug: list[str] = []
    grow = i % 2 == 0
    while len(steps) < target:
        path = eco.source(rng.randrange(8))
        if rng.random() < 0.3:
            steps.append(eco.read(rng, path, rng.randrange(len(eco.code))))
        steps.append(_edit(eco, rng, path, f"# attempt {len(steps)}"))
        if rng.random() < 0.25:
            steps.append(eco.build(rng, []))
        if grow:
            debug.append(fill(rng, eco.debug, var=rng.choice(("total", "rows", "state")), value=rng.randint(0, 999)))
        steps.append(eco.run_one(rng, test, extra="\n".join(debug)))
    return steps[:target], onset


def long_cycle(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    test = rng.randrange(len(eco.tests))
    size = rng.randint(4, 10)
    path, other = eco.source(i), eco.source(i + 1)
    kinds = ["edit", "test", "grep", "read", "build", "diff", "log", "revert"]
    rng.shuffle(kinds)
    round_kinds = (["edit", "test"] + kinds * 2)[:size]
    steps = look_around(eco, rng, rng.randint(2, 12 - size))
    onset = len(steps) + size  # the first round is a fair try
    target = onset + _waste(rng)
    n = 0
    while len(steps) < target:
        n += 1
        for kind in round_kinds:
            if kind == "edit":
                steps.append(_edit(eco, rng, path if n % 3 else other, f"// v{n % 2}"))
            elif kind == "test":
                steps.append(eco.run_one(rng, test))
            elif kind == "grep":
                steps.append(grep(eco, rng, "retry" if n % 2 else "retries"))
            elif kind == "read":
                steps.append(eco.read(rng, path, 3 + n % 2))
            elif kind == "build":
                steps.append(eco.build(rng, []))
            elif kind == "diff":
                steps.append(git_diff(eco, rng, [path]))
            elif kind == "log":
                steps.append(
                    Step(
                        "shell",
                        f"tail -n {40 + 10 * (n % 2)} {eco.log_path}",
                        fill(rng, "@ts@ ERROR request @req@ failed after @ms@ms\n@ts@ WARN retrying (@n@)"),
                    )
                )
            else:
                steps.append(Step("shell", f"git checkout -- {path}", ""))
    return steps[:target], onset


_NEAR = ("", " -v", " 2>&1 | tail -n 60", "", " ", "")


def stubborn_retry(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    steps = look_around(eco, rng, rng.randint(3, 9))
    variant = i % 3
    if variant == 0:
        blocker = BLOCKERS[eco.name][(i // 3) % len(BLOCKERS[eco.name])]
        command, error, code = blocker.trigger, blocker.error, 1
    elif variant == 1:
        command, error, code = eco.suite_cmd, "", 1
    else:
        command, error, code = eco.build_cmd, "", 1
    onset = len(steps) + 2  # a first run and one retry are fair
    target = onset + _waste(rng)
    attempt = 0
    grown: list[str] = []
    while len(steps) < target:
        attempt += 1
        suffix = rng.choice(_NEAR) if i % 2 else ""
        if variant == 0:
            out = fill(rng, error)
        elif variant == 1:
            out, code = eco.suite(rng, [i, i + 2], 40 + i)
        else:
            out = eco.build(rng, [(eco.source(i), i), (eco.source(i + 3), i + 1)]).output
        if i % 4 == 1:  # the tool appends to a log it prints whole: the output grows each run
            grown.append(fill(rng, "[@clock@] attempt @k@ failed (exit @c@)", k=attempt, c=code))
            out = "\n".join(grown) + "\n" + out
        steps.append(Step("shell", command + suffix, out, code, seconds=rng.uniform(2, 60)))
    return steps, onset


def reread(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    test = rng.randrange(len(eco.tests))
    steps = look_around(eco, rng, rng.randint(2, 5))
    steps.append(eco.run_one(rng, test))
    files = [eco.source(i + k) for k in range(rng.randint(3, 5))]
    looks: list[Step] = [eco.read(rng, f, k * 3) for k, f in enumerate(files)]
    log_cmd = f"tail -n 80 {eco.log_path}"
    looks.append(Step("shell", log_cmd, ""))
    looks.append(grep(eco, rng, "timeout"))
    steps.extend(_fresh(eco, rng, s, log_cmd) for s in looks)  # the first pass over them is fair
    onset = len(steps)
    target = onset + _waste(rng)
    while len(steps) < target:
        order = looks[:]
        rng.shuffle(order)
        steps.extend(_fresh(eco, rng, s, log_cmd) for s in order[: rng.randint(2, len(order))])
    return steps[:target], onset


def _fresh(eco: Eco, rng: random.Random, step: Step, log_cmd: str) -> Step:
    if step.text != log_cmd:
        return step
    out = fill(
        rng,
        "@ts@ WARN pool exhausted, waiting @ms@ms (pid @pid@)\n@ts@ ERROR request @req@ failed: deadline exceeded\n@ts@ INFO health ok",
    )
    return Step("shell", log_cmd, out)


def flip_flop(eco: Eco, rng: random.Random, i: int) -> tuple[list[Step], int]:
    a_test, b_test = rng.sample(range(len(eco.tests)), 2)
    path = eco.source(i)
    old = eco.code[(i + 4) % len(eco.code)]
    version_a, version_b = old.replace("0", "1") + "  # A", old.rstrip() + "  # B"
    steps = look_around(eco, rng, rng.randint(2, 6))
    steps.append(eco.run_one(rng, a_test))
    steps.append(eco.read(rng, path, 2))
    steps.append(Step("edit", path, old, extra=version_a))
    steps.append(eco.run_one(rng, b_test))
    steps.append(Step("edit", path, version_a, extra=version_b))
    steps.append(eco.run_one(rng, a_test))
    onset = len(steps)  # applying A a second time is where it turns
    target = onset + _waste(rng)
    current = version_b
    while len(steps) < target:
        new = version_a if current == version_b else version_b
        steps.append(Step("edit", path, current, extra=new))
        current = new
        if rng.random() < 0.2:
            steps.append(eco.build(rng, []))
        steps.append(eco.run_one(rng, b_test if new == version_a else a_test))
    return steps[:target], onset

"""A loop that goes round the project's history: bisects restarted further back, every commit failing alike."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish, submit
from heldout28.text import Ctx, sha, shell, subject, traceback


def bisect_restart(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Bisects that each end on the oldest commit: the 'good' one fails too, reset, an older good, again."""
    steps: list[Step] = []
    depth = rng.choice([50, 80, 120])
    err = rng.choice(["ValueError: cannot interpret", "TypeError: unhashable type: 'list'", "KeyError: 'fill'"])
    while len(steps) < 70:
        good = rng.choice([f"HEAD~{depth}", f"v{rng.randint(1, 5)}.{rng.randint(0, 9)}", sha(rng)[:10]])
        left = depth
        steps.append(
            shell(
                rng.choice(
                    [
                        f"Bisect between HEAD and {good}.",
                        f"Start a bisect with {good} as the good end.",
                        f"Let me bisect again, this time from {good}.",
                    ]
                ),
                f"git bisect start HEAD {good}",
                f"Bisecting: {left // 2} revisions left to test after this (roughly {left.bit_length() - 1} steps)\n"
                f"[{sha(rng)}] {subject(rng)}",
            )
        )
        steps.append(
            shell(
                rng.choice(["Test the midpoint.", "Run the reproduction here."]),
                f"python {ctx.repro} 2>&1 | tail -n 3",
                traceback(ctx, rng, f"{err} ({rng.randint(0, 99)})"),
                rc=1,
            )
        )
        last_sha, last_subject = sha(rng), subject(rng)
        while left > 2 and len(steps) < 70:
            left //= 2
            mark = rng.choice(["git bisect bad", "git bisect bad", "git bisect bad HEAD"])
            last_sha, last_subject = sha(rng), subject(rng)
            steps.append(
                shell(
                    rng.choice(["Fails here too, mark it bad.", "Bad again.", "Same error; bad.", "Still failing."]),
                    mark,
                    f"Bisecting: {left // 2} revisions left to test after this "
                    f"(roughly {max(left.bit_length() - 1, 0)} steps)\n"
                    f"[{last_sha}] {last_subject}",
                )
            )
            steps.append(
                shell(
                    rng.choice(["And run the reproduction at this commit.", "Test this one.", "Reproduce here."]),
                    rng.choice(
                        [
                            f"python {ctx.repro}",
                            f"python {ctx.repro} 2>&1 | tail -n 2",
                            f"timeout 60 python {ctx.repro}",
                        ]
                    ),
                    traceback(ctx, rng, f"{err} ({rng.randint(0, 99)})"),
                    rc=1,
                )
            )
        steps.append(
            shell(
                rng.choice(["Mark the last one.", "Last step."]),
                "git bisect bad" if steps[-1].command != "git bisect bad" else "git bisect bad HEAD",
                f"{last_sha} is the first bad commit\ncommit {last_sha}\n"
                f"Author: dev <dev@example.com>\n\n    {last_subject}",
            )
        )
        steps.append(
            shell(
                rng.choice(
                    [
                        "That's the commit right after my 'good' one. Let me verify the good one really works.",
                        f"A first bad commit titled '{last_subject}' can't be it. Is {good} actually good?",
                    ]
                ),
                f"git checkout -q {good} && python {ctx.repro} 2>&1 | tail -n 1",
                f"{err} ({rng.randint(0, 99)})",
                rc=1,
            )
        )
        steps.append(
            shell(
                f"{good} fails as well, so it was never good. Reset and start further back.",
                rng.choice(["git bisect reset", "git bisect reset && git status --short | head"]),
                f"Previous HEAD position was {sha(rng)[:7]} {subject(rng)}\nSwitched to branch 'main'",
            )
        )
        if rng.random() < 0.5:
            steps.append(
                shell(
                    "Pick an older starting point.",
                    f"git log --oneline --reverse | head -n {rng.randint(3, 8)}",
                    "\n".join(f"{sha(rng)[:9]} {subject(rng)}" for _ in range(4)),
                )
            )
        depth *= 2
    last = submit("Every commit I bisect to fails the same way, however far back I go. Submitting the current fix.")
    return finish(steps, n, last)

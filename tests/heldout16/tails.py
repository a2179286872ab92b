"""How a loop's tail is put together: a way in, attempts, looks between them, re-runs of what fails.

A stuck agent does not repeat itself word for word: each attempt is written anew (`Move` gets how
many steps came before, so details drift), looks sit between attempts, and the failing check is
re-run now and then; the last answer gives up and submits.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from heldout16.replies import give_up, pick
from heldout16.wire import Step

Move = Callable[[int], Step]

KEY = re.compile(
    r"Error|error|denied|not found|Killed|refused|in use|mismatch|No module|unknown option|unexpected EOF|not permitted|Read-only|FAIL"
)


def react(reply: str | None, rng: random.Random) -> str:
    """What the agent says first about the last reply: the line that matters to it, quoted."""
    if not reply:
        return ""
    if reply.startswith("Please always provide"):
        found = re.search(r"found (\d+) actions", reply)
        count = found[1] if found else "several"
        return pick(
            rng,
            f"The harness rejected that response ({count} actions).",
            "That response was rejected again.",
            f"Rejected: it counted {count} actions.",
            "Format error again.",
        )
    code = re.match(r"<returncode>(\d+)</returncode>", reply)
    if code and code[1] == "137":
        return pick(rng, "Killed (exit 137).", "The process was killed.", "137: killed by the system.", "Killed.", "")
    body = re.sub(r"^<returncode>\d+</returncode>\n<output>\n|</output>$", "", reply)
    lines = [
        line.strip()
        for line in body.splitlines()
        if line.strip() and not line.startswith(("==", "__", "!!", "  File", "    "))
    ]
    if not lines:
        return pick(rng, "", "", "No output.", "It ran quietly.")
    key = next((line for line in reversed(lines) if KEY.search(line)), None)
    if key is None:
        return pick(rng, "", f"Output: `{lines[-1][:100]}`.", "")
    key = re.sub(r"\s+", " ", key)
    key = key if len(key) <= 110 else key[: key.rfind(" ", 0, 100)] + " ..."
    return pick(
        rng,
        f"Still `{key}`.",
        f"That failed: `{key}`.",
        f"Same problem: `{key}`.",
        f"`{key}` again.",
        f"It didn't work (`{key}`).",
        f"Hmm. `{key}`.",
        f"No luck: `{key}`.",
        f"The output says `{key}`.",
    )


def with_reaction(step: Step, reply: str | None, rng: random.Random, musings: Sequence[str]) -> Step:
    said = react(reply, rng)
    if musings and rng.random() < 0.3:
        said = f"{said} {rng.choice(musings)}".strip()
    if not said or not step.answer.startswith("THOUGHT: "):
        return step
    return Step(f"THOUGHT: {said} {step.answer.removeprefix('THOUGHT: ')}", step.reply, step.seconds)


def weave(
    rng: random.Random,
    n: int,
    start: list[Step],
    attempts: Sequence[Move],
    looks: Sequence[Move],
    check: Move,
    why: str,
    musings: Sequence[str] = (),
) -> list[Step]:
    """`n` steps: `start`, then attempts (each used once per round, in a new order) with looks and checks."""
    steps = list(start)
    pool: list[Move] = []
    last = ""
    while len(steps) < n - 1:
        roll = rng.random()
        kind = "look" if roll < 0.24 else "check" if roll < 0.42 else "attempt"
        if kind == last and kind != "attempt":
            kind = "attempt"
        if kind == "look":
            steps.append(rng.choice(looks)(len(steps)))
        elif kind == "check":
            steps.append(check(len(steps)))
        else:
            pool = pool or rng.sample(attempts, len(attempts))
            steps.append(pool.pop()(len(steps)))
        last = kind
    steps = [*steps[: n - 1], give_up(rng, why)]
    return [steps[0]] + [with_reaction(step, before.reply, rng, musings) for before, step in pairwise(steps)]

"""env-unfixable: the environment makes the task impossible; the agent keeps varying its attack.

Five blockers — a compiled extension out of date with no compiler, no network, an optional
dependency needing a missing system library, a test needing an absent service/display/locale, a
read-only location — each met with ever different commands whose errors drift in their wording.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .env_install import Attack, compiled, offline, system_lib
from .env_machine import absent_service, read_only
from .instance import Instance
from .protocol import Step

Attacks = Callable[[Instance, random.Random], list[Attack]]

OPENERS = [
    "",
    "Still failing. ",
    "That didn't work either. ",
    "Hmm, same problem. ",
    "No luck. ",
    "Another approach. ",
    "OK. ",
]
BLOCKERS: list[Attacks] = [compiled, offline, system_lib, absent_service, read_only]


def env_unfixable(inst: Instance, rng: random.Random, blocker: Attacks, n: int) -> list[Step]:
    """`n` varied attacks on one blocker, an occasional reread of the failing test between them."""
    attacks = blocker(inst, rng)
    rng.shuffle(attacks)
    steps: list[Step] = []
    while len(steps) < n:
        thought, command, code, output = attacks[len(steps) % len(attacks)]
        if len(steps) >= len(attacks):  # a second pass: the same idea with other flags
            command = command.replace(" -y", " -y -q") if " -y" in command else command + " 2>&1"
        if steps:
            thought = rng.choice(OPENERS) + thought
        steps.append(Step(thought, command, output, code, seconds=rng.uniform(1, 20)))
    return steps

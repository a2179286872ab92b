"""Names the families' steps use, the values that drift between attempts, and the loop every family runs."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from heldout20.calls import Step
from heldout20.text import finish
from heldout30 import text
from heldout30.text import give_up, look, sha

__all__ = ["Ctx", "Step", "attempts_loop", "give_up", "look", "pid", "req_id", "sha", "uuid"]

# Packages an agent reaches for to test its change, none of them in the sandbox's environment.
_TEST_EXTRAS = ("hypothesis", "pytest-timeout", "pytest-xdist", "freezegun", "pytest-randomly", "responses")


class Ctx(text.Ctx):
    """heldout30's context, with the upstream repository, an issue number and a test extra of its own."""

    @property
    def repo(self) -> str:
        """`owner/name` of the run's upstream repository, as GitHub spells it."""
        owner, rest = self.run.session.split("__", 1)
        return f"{owner}/{rest.rsplit('-', 1)[0]}"

    @property
    def issue(self) -> int:
        tail = self.run.session.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else 1000 + len(self.run.session)

    @property
    def package_init(self) -> str:
        return f"{self.run.package}/__init__.py"

    @property
    def extra(self) -> str:
        return _TEST_EXTRAS[sum(map(ord, self.run.session)) % len(_TEST_EXTRAS)]


def req_id(rng: random.Random) -> str:
    return f"{sha(rng, 8).upper()}:{sha(rng, 4).upper()}:{sha(rng, 6).upper()}"


def uuid(rng: random.Random) -> str:
    return f"{sha(rng, 8)}-{sha(rng, 4)}-4{sha(rng, 3)}-{rng.choice('89ab')}{sha(rng, 3)}-{sha(rng, 12)}"


def pid(rng: random.Random) -> int:
    return rng.randint(1200, 48000)


# What an agent says of the last attempt before the next one: never quite the same words twice.
_REACTIONS = (
    "Still the same failure.",
    "That didn't help.",
    "No luck.",
    "Same problem again.",
    "Hmm, that didn't work either.",
    "Still blocked.",
    "Not that either.",
    "OK, another approach.",
    "That failed as well.",
)


def attempts_loop(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    opening: list[Step],
    attempts: list[Callable[[], Step]],
    looks: list[Callable[[], Step]],
    what: str,
) -> list[Step]:
    """The opening, then attempts drawn in turn with a look now and then between them, then giving up."""
    steps = list(opening)
    while len(steps) < 3 * n + 12:
        attempt = rng.choice(attempts)()
        if len(steps) > len(opening) and rng.random() < 0.55:
            attempt = replace(attempt, thought=f"{rng.choice(_REACTIONS)} {attempt.thought}")
        steps.append(attempt)
        if rng.random() < 0.45:
            steps.append(rng.choice(looks)() if looks and rng.random() < 0.6 else look(ctx, rng))
    return finish(steps, n, give_up(rng, what))

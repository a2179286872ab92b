"""Where in a real run a spliced scene fits: its reproduction runs, its edits, its plain replies."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from heldout18.runs import Run, command_of
from heldout18.wire import Step, answer

OPENING = (3, 18)  # the real calls a loop keeps
TAIL = (12, 40)  # the calls of a loop's tail, its last the answer

REPRO = re.compile(r"^(?:cd /testbed && )?(?:python3?|pytest|python3? -m pytest)\s+(?:-\S+\s+)*(\S+\.py)\s*$")


def plain(reply: str) -> bool:
    """A reply that is the command's whole output (not cut, not a timeout, not a format error)."""
    return reply.startswith("<returncode>") and "<warning>" not in reply


def output_of(reply: str) -> tuple[int, str]:
    found = re.fullmatch(r"<returncode>(-?\d+)</returncode>\n<output>\n(.*)</output>", reply, re.S)
    assert found, reply[:200]
    return int(found.group(1)), found.group(2)


def edits_source(run: Run, command: str) -> bool:
    return any(
        path in command and re.search(r"sed -i|> *" + re.escape(path) + r"|open\(|\.write|patch|perl -pi", command)
        for path in run.sources[:3]
    )


@dataclass(frozen=True)
class Rerun:
    """A reproduction the agent ran, edited the package for, then ran again."""

    command: str  # as first run
    before: int  # the last run before the edit
    again: int  # the first run after it
    returncode: int
    output: str  # what it printed before the edit


def rerun_after_edit(run: Run, latest: int) -> Rerun | None:
    """The first reproduction rerun after an edit of the package, at or before exchange `latest`."""
    exchanges = run.exchanges
    runs: dict[str, list[int]] = {}
    for i, (said, reply) in enumerate(exchanges[: latest + 1]):
        found = REPRO.match(command_of(said))
        if not found:
            continue
        script = found.group(1)
        earlier = runs.setdefault(script, [])
        if earlier and plain(exchanges[earlier[-1]][1]) and plain(reply):
            edited = any(edits_source(run, command_of(a)) for a, _ in exchanges[earlier[-1] + 1 : i])
            if edited and output_of(reply)[1] != output_of(exchanges[earlier[-1]][1])[1]:
                first = earlier[-1]
                code, output = output_of(exchanges[first][1])
                return Rerun(command_of(exchanges[first][0]), first, i, code, output)
        earlier.append(i)
    return None


READ_ONLY = re.compile(
    r"^(cat [^<>]*|nl |sed -n|grep |head |tail |ls|find |git (diff|status|log|show)|python3? [\w/.-]+\.py$|pytest |"
    r"python3? -m pytest |\./tests/runtests\.py |bin/test |cd tests && \./runtests\.py )"
)


def reads_only(command: str) -> bool:
    """A command that only reads or runs something, so running it again would print the same."""
    return (
        bool(READ_ONLY.match(command)) and " > " not in command and ">>" not in command and "-i" not in command.split()
    )


def plain_after(run: Run, rng: random.Random, low: float, high: float, first: int = 1) -> int | None:
    """A random answer between fractions `low` and `high` of the run, at or after answer `first`, whose command
    only read something and returned plainly; never the last two answers (the submission and the one before)."""
    count = len(run.exchanges)
    spots = [
        i
        for i in range(max(first, int(count * low)), min(count - 2, int(count * high) + 1))
        if plain(run.exchanges[i][1]) and reads_only(command_of(run.exchanges[i][0]))
    ]
    return rng.choice(spots) if spots else None


def revisit(run: Run, rng: random.Random, at: int) -> Step:
    """The agent runs answer `at`'s command again, to pick up where it was; the harness replies as it did."""
    command = command_of(run.exchanges[at][0])
    thought = pick(
        rng,
        "Back to where I was. Let me look at that again.",
        "With that settled, let me get back to the task and rerun the previous command.",
        "OK. Returning to what I was checking before.",
        "Good. Now back to the main investigation.",
    )
    return Step(answer(thought, command), run.exchanges[at][1], 2)


def last_edit(run: Run) -> int | None:
    found = [i for i, (a, _) in enumerate(run.exchanges) if edits_source(run, command_of(a))]
    return found[-1] if found else None


def first_edit(run: Run) -> int | None:
    found = [i for i, (a, _) in enumerate(run.exchanges) if edits_source(run, command_of(a))]
    return found[0] if found else None


def vary_timing(rng: random.Random, output: str) -> str:
    """The same output as a rerun prints it: run times and object addresses redrawn, one-time notices gone."""
    output = output.replace("Matplotlib is building the font cache; this may take a moment.\n", "")
    moved: dict[str, str] = {}
    output = re.sub(
        r"0x[0-9a-f]{8,12}",
        lambda m: moved.setdefault(m.group(0), hex(int(m.group(0), 16) + rng.randrange(-(2**20), 2**20, 16))),
        output,
    )
    return re.sub(
        r"(in )(\d+\.\d+)(s| seconds)",
        lambda m: f"{m.group(1)}{float(m.group(2)) * rng.uniform(0.8, 1.3):.2f}{m.group(3)}",
        output,
    )


def pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)

"""Writing a held-out set: sessions of steps → call lines and labels in the trace format.

heldout3 … heldout6, heldout8, heldout11 and heldout13 were written by different people from one
description; they differ in their families, toolchains, the pace of their agents (`Pace`) and how
they spread families over shapes and toolchains (`Place`), not in how a session becomes calls.
Each set's output is frozen by checksum (tests/test_detect_heldout*.py), so this must write exactly
what each set wrote before: the random draws come in the same order.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from heldout.shapes import Step, usage_for
from heldout2.shapes import Conversation2

Builder = Callable[[Any, random.Random, int], tuple[list[Step], int | None]]
Line = dict[str, Any]


class _Conversation(Protocol):
    messages: list[dict[str, Any]]

    @property  # read-only: the sets' conversations compute both from their shape
    def dialect(self) -> str: ...

    @property
    def model(self) -> str: ...

    def answer(self, step: Step | None) -> tuple[dict[str, Any], list[dict[str, Any]]]: ...


@dataclass(frozen=True)
class Pace:
    """How a set's agents run: when, how big their prompts and answers are, how long they take."""

    epoch: float  # the first session starts within `days` of this
    days: int
    task_numbers: tuple[int, int]  # ticket numbers in the task text
    base_tokens: tuple[int, int]  # the harness's system prompt and tool schemas
    latency_ms: tuple[float, float]
    output_tokens: tuple[int, int]
    max_tokens: int
    think_s: float  # at most this long between an answer and the next call


def builders(
    loops: dict[str, tuple[Any, int]], productive: dict[str, tuple[Any, int]]
) -> list[tuple[str, int, Builder]]:
    """(family, sessions, builder → (steps, onset)) for loops then productive work (onset None)."""
    found: list[tuple[str, int, Builder]] = [(family, count, loop) for family, (loop, count) in loops.items()]
    found += [
        (family, count, lambda eco, rng, i, job=job: (job(eco, rng, i), None))  # type: ignore[misc]
        for family, (job, count) in productive.items()
    ]
    return found


Models = Mapping[str, tuple[str, Sequence[str]]]  # shape → (dialect, the models a session may run on)


@dataclass
class ConversationOn(Conversation2):
    """The eight shapes' encoders (tests/heldout, tests/heldout2) on a model of the set's choosing."""

    models: Models = field(default_factory=dict)
    model_name: str = ""

    @property
    def dialect(self) -> str:
        return self.models[self.shape][0]

    @property
    def model(self) -> str:
        return self.model_name or self.models[self.shape][1][0]


# (session, agent, shape, steps, rng) → the session's call lines
Lines = Callable[[str, str, str, list[Step], random.Random], list[Line]]
# (the session's turn in the set, its family's number, the family, its index in it) → (shape, toolchain)
Place = Callable[[int, int, str, int], tuple[str, Any]]


def lines_on_models(tasks: Sequence[str], pace: Pace, models: Models) -> Lines:
    """Call lines of a session on a model drawn from its shape's (`models[shape] = (dialect, names)`)."""

    def lines(session: str, agent: str, shape: str, steps: list[Step], rng: random.Random) -> list[Line]:
        def on_model(shape: str, rng: random.Random, task: str) -> _Conversation:
            return ConversationOn(shape, rng, task, models=models, model_name=rng.choice(models[shape][1]))

        return call_lines(session, agent, shape, steps, rng, tasks, on_model, pace)

    return lines


def spread(
    name: str,
    loops: dict[str, tuple[Any, int]],
    productive: dict[str, tuple[Any, int]],
    place: Place,
    agents: int,
    lines: Lines,
) -> list[tuple[Line, list[Line]]]:
    """Every session of a set: (its labels line, its call lines), placed on shapes and toolchains by `place`.

    Each session draws from its own string-seeded generator, so a set is the same on every machine;
    `place` is where the sets differ (how families spread over shapes and toolchains).
    """
    found = []
    turn = 0
    for number, (family, count, builder) in enumerate(builders(loops, productive)):
        for i in range(count):
            rng = random.Random(f"{name}/{family}/{i}")
            shape, where = place(turn, number, family, i)
            turn += 1
            steps, onset = builder(where, rng, i)
            session = f"{name}/{family}/{where.name}/{shape}/{i}"
            found.append((label(session, family, onset), lines(session, f"{shape}-{i % agents}", shape, steps, rng)))
    return found


def label(session: str, family: str, onset: int | None) -> Line:
    kind = "productive" if onset is None else "loop"
    return {"session": session, "label": kind, "loop_from_seq": onset, "family": family, "resolved": None}


def call_lines(
    session: str,
    agent: str,
    shape: str,
    steps: list[Step],
    rng: random.Random,
    tasks: Sequence[str],
    conversation: Callable[[str, random.Random, str], _Conversation],
    pace: Pace,
) -> list[Line]:
    """The session's calls, each with the messages new since the last (`messages_from`)."""
    task = rng.choice(tasks).format(n=rng.randint(*pace.task_numbers), family=session.split("/")[1])
    convo = conversation(shape, rng, task)
    ts = pace.epoch + rng.uniform(0, pace.days * 86_400)
    lines: list[Line] = []
    sent = 0
    base = rng.randint(*pace.base_tokens)
    size = sum(len(json.dumps(m)) for m in convo.messages)  # a running total: rebuilding it is quadratic
    for seq, step in enumerate([*steps, None]):
        messages = convo.messages
        body, added = convo.answer(step)
        latency = rng.uniform(*pace.latency_ms)
        body["usage"] = usage_for(convo.dialect, shape, base + size // 4, rng.randint(*pace.output_tokens))
        request: Line = {"model": convo.model, "messages": messages[sent:], "max_tokens": pace.max_tokens}
        if sent:
            request["messages_from"] = sent
        lines.append(
            {
                "v": 1,
                "session": session,
                "agent": agent,
                "seq": seq,
                "ts": round(ts, 3),
                "dialect": convo.dialect,
                "request": request,
                "response": body,
                "latency_ms": round(latency, 1),
            }
        )
        sent = len(messages)
        convo.messages = messages + added
        size += sum(len(json.dumps(m)) for m in added)
        ts += latency / 1000 + rng.uniform(0.2, pace.think_s) + (step.seconds if step else 0)
    return lines


def write(directory: Path, built: list[tuple[Line, list[Line]]]) -> Path:
    """`calls.jsonl.gz` and `labels.jsonl` in `directory`; the calls' path."""
    directory.mkdir(parents=True, exist_ok=True)
    with gzip.open(directory / "calls.jsonl.gz", "wt", encoding="utf-8") as out:
        for _, lines in built:
            for line in lines:
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
    with (directory / "labels.jsonl").open("w", encoding="utf-8") as out:
        for labelled, _ in built:
            out.write(json.dumps(labelled) + "\n")
    return directory / "calls.jsonl.gz"

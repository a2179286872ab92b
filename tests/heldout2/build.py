"""HELDOUT2: a second held-out set of labelled traces, written from a description, never tuned on.

Other toolchains (Ruby, PHP, .NET, C/C++, Elixir, Kotlin), other agent shapes (two new: aider and
OpenHands), other causes, names, seeds and family builders than the dev set and `tests/heldout`.
`write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in docs/trace-format.md
(delta-encoded requests), ready for `regulator replay --json --summary`.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout.shapes import Step, usage_for

from . import loops
from . import productive as prod
from .ecosystems import ECOS, Eco
from .shapes import SHAPES, Conversation2

NAME = "heldout2"
Loop = Callable[[Eco, random.Random, int], tuple[list[Step], int]]
Work = Callable[[Eco, random.Random, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-unfixable": (loops.env_unfixable, 20),
    "long-cycle": (loops.long_cycle, 14),
    "bug-churn": (loops.bug_churn, 12),
    "stubborn-retry": (loops.stubborn_retry, 10),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (prod.retry_recover, 14),
    "polling": (prod.polling, 14),
    "fixable-env": (prod.fixable_env, 12),
    "tdd": (prod.tdd, 10),
    "compile-fix": (prod.compile_fix, 10),
    "bisect": (prod.bisect, 8),
    "monorepo-sweep": (prod.monorepo_sweep, 8),
    "exploration": (prod.exploration, 8),
    "lint-refactor": (prod.lint_refactor, 8),
    "bench-iterate": (prod.bench_iterate, 8),
}
_ECO_ORDER = ("ruby", "php", "dotnet", "cpp", "elixir", "kotlin")


def _task(rng: random.Random, family: str) -> str:
    return (
        f"Ticket FRT-{rng.randint(1000, 9999)}: shipments are routed to the wrong lane in some cases "
        f"({family.split('-')[0]} area). Fix it and keep the build and the test suite green."
    )


def _lines(session: str, agent: str, shape: str, steps: list[Step], rng: random.Random) -> list[dict[str, Any]]:
    convo = Conversation2(shape, rng, _task(rng, session.split("/")[1]))
    ts = 1_765_000_000.0 + rng.uniform(0, 7 * 86_400)
    lines: list[dict[str, Any]] = []
    sent = 0
    base = rng.randint(2500, 9000)  # the harness's system prompt and tool schemas, in tokens
    for seq, step in enumerate([*steps, None]):
        messages = convo.messages
        prompt = base + sum(len(json.dumps(m)) for m in messages) // 4
        body, added = convo.answer(step)
        latency = rng.uniform(1200, 12000)
        body["usage"] = usage_for(convo.dialect, shape, prompt, rng.randint(40, 600))
        request: dict[str, Any] = {"model": convo.model, "messages": messages[sent:], "max_tokens": 8192}
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
        ts += latency / 1000 + rng.uniform(0.3, 4) + (step.seconds if step else 0)
    return lines


def _builders() -> list[tuple[str, int, int, Callable[[Eco, random.Random, int], tuple[list[Step], int | None]]]]:
    """(family, its number among loops or productive families, sessions, builder) of every family."""
    found: list[tuple[str, int, int, Callable[[Eco, random.Random, int], tuple[list[Step], int | None]]]] = []
    for number, (family, (loop, count)) in enumerate(LOOPS.items()):
        found.append((family, number, count, loop))
    for number, (family, (work, count)) in enumerate(PRODUCTIVE.items()):
        found.append((family, number, count, lambda eco, rng, i, work=work: (work(eco, rng, i), None)))  # type: ignore[misc]
    return found


def sessions() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every session of the set: (its labels line, its call lines)."""
    found = []
    for family, number, count, builder in _builders():
        for i in range(count):
            rng = random.Random(f"{NAME}/{family}/{i}")
            eco = ECOS[_ECO_ORDER[(i + number) % len(_ECO_ORDER)]]
            shape = SHAPES[(i + i // len(_ECO_ORDER) + 2 * number) % len(SHAPES)]
            steps, onset = builder(eco, rng, i)
            session = f"{NAME}/{family}/{eco.name}/{shape}/{i}"
            label = {
                "session": session,
                "label": "productive" if onset is None else "loop",
                "loop_from_seq": onset,
                "family": family,
                "resolved": None,
            }
            found.append((label, _lines(session, f"{shape}-{i % 4}", shape, steps, rng)))
    return found


def write(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    built = sessions()
    with gzip.open(directory / "calls.jsonl.gz", "wt", encoding="utf-8") as out:
        for _, lines in built:
            for line in lines:
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
    with (directory / "labels.jsonl").open("w", encoding="utf-8") as out:
        for label, _ in built:
            out.write(json.dumps(label) + "\n")
    return directory / "calls.jsonl.gz"


if __name__ == "__main__":
    import sys

    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else NAME)))

"""Two deterministic sets of labelled traces: TUNING (to tune on) and HELDOUT (never tuned on).

They differ in seeds and in their families' parameters: languages, agent shapes, names, causes,
cycle lengths, retry counts and polling lengths. `write(set, directory)` writes `calls.jsonl.gz`
and `labels.jsonl` as in docs/trace-format.md (delta-encoded requests), ready for
`regulator replay --json --summary`.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import productive as prod
from .ecosystems import ECOS, POOL_A, POOL_B, Eco
from .families import Params, compile_churn, env_failure, long_cycle, stubborn_retry
from .shapes import SHAPES, Conversation, Step, usage_for

Loop = Callable[[Eco, random.Random, Params], tuple[list[Step], int]]
Work = Callable[[Eco, random.Random, Params], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-failure": (env_failure, 24),
    "long-cycle": (long_cycle, 12),
    "stubborn-retry": (stubborn_retry, 8),
    "compile-churn": (compile_churn, 8),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (prod.retry_recover, 12),
    "fixable-env": (prod.fixable_env, 12),
    "polling": (prod.polling, 14),
    "tdd": (prod.tdd, 12),
    "compile-fix": (prod.compile_fix, 12),
    "refactor-todos": (prod.refactor_todos, 10),
    "exploration": (prod.exploration, 10),
    "lint-between-edits": (prod.lint_between_edits, 10),
}


@dataclass(frozen=True)
class TraceSet:
    name: str
    params: Params
    ecos: tuple[str, ...]
    shapes: tuple[str, ...]


TUNING = TraceSet(
    "tuning",
    Params(POOL_A, 0, ("module", "binary", "host", "permission"), (5, 6), (3,), (5, 12), (18, 30)),
    ("python", "node"),
    ("claude-code", "codex-tools", "text-fenced", "function-call"),
)
HELDOUT = TraceSet(
    "heldout",
    Params(
        POOL_B,
        1,
        ("module", "binary", "host", "service", "permission", "port", "auth"),
        (7, 8, 9),
        (3, 4),
        (8, 22),
        (20, 36),
    ),
    ("go", "rust", "node", "java", "python"),
    SHAPES,
)


def _task(rng: random.Random, family: str) -> str:
    return (
        f"Task {rng.randint(100, 999)}: the {family.split('-')[0]} part of the service misbehaves. "
        "Find the cause, fix it, and make sure the test suite passes."
    )


def _lines(trace: TraceSet, session: str, agent: str, shape: str, steps: list[Step], rng: random.Random) -> list[dict]:
    convo = Conversation(shape, rng, _task(rng, session))
    ts = 1_760_000_000.0 + rng.uniform(0, 86_400)
    lines: list[dict] = []
    sent = 0
    for seq, step in enumerate([*steps, None]):
        messages = convo.messages
        prompt = 1800 + sum(len(json.dumps(m)) for m in messages) // 4
        body, added = convo.answer(step)
        latency = rng.uniform(1500, 9000)
        body["usage"] = usage_for(convo.dialect, shape, prompt, rng.randint(60, 420))
        request = {"model": convo.model, "messages": messages[sent:], "max_tokens": 8192}
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
        ts += latency / 1000 + rng.uniform(0.2, 3) + (step.seconds if step else 0)
    return lines


def sessions(trace: TraceSet) -> list[tuple[dict, list[dict]]]:
    """Every session of the set: (its labels line, its call lines)."""
    found = []
    for loop, families in ((True, LOOPS), (False, PRODUCTIVE)):
        for family, (builder, count) in families.items():
            for i in range(count):
                rng = random.Random(f"{trace.name}/{family}/{i}")
                eco = ECOS[trace.ecos[i % len(trace.ecos)]]
                shape = trace.shapes[(i // len(trace.ecos) + i) % len(trace.shapes)]
                onset: int | None = None
                if loop:
                    steps, onset = builder(eco, rng, trace.params)  # type: ignore[misc]
                else:
                    steps = builder(eco, rng, trace.params)  # type: ignore[assignment]
                session = f"{trace.name}/{family}/{eco.name}/{shape}/{i}"
                label = {
                    "session": session,
                    "label": "loop" if loop else "productive",
                    "loop_from_seq": onset,
                    "family": family,
                    "resolved": None,
                }
                found.append((label, _lines(trace, session, f"{shape}-{i % 3}", shape, steps, rng)))
    return found


def write(trace: TraceSet, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    built = sessions(trace)
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

    for chosen in sys.argv[1:] or ["tuning", "heldout"]:
        print(write({"tuning": TUNING, "heldout": HELDOUT}[chosen], Path(chosen)))

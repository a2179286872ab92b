"""HELDOUT3: a third held-out set of labelled traces, written from a description of families and frozen
by checksum before anyone measured detection on it.

Toolchains none of the earlier sets use (Swift, Scala, Haskell, Terraform/Ansible, dbt/alembic,
pnpm/vite/playwright, shell/make), all eight agent shapes on several models, and family builders
written from scratch. `write(directory)` writes `calls.jsonl.gz` and `labels.jsonl` as in
docs/trace-format.md (delta-encoded requests), ready for `regulator replay --json --summary`.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout.shapes import Step, usage_for

from . import loops, work, work_more
from .ecosystems import Eco
from .ecosystems_ops import ECOS
from .shapes import MODELS, SHAPES, Conversation3

NAME = "heldout3"
ALL = tuple(ECOS)
Loop = Callable[[Eco, random.Random, int], tuple[list[Step], int]]
Work = Callable[[Eco, random.Random, int], list[Step]]
LOOPS: dict[str, tuple[Loop, int]] = {
    "env-impossible": (loops.env_impossible, 16),
    "unfixable-bug": (loops.unfixable_bug, 12),
    "long-cycle": (loops.long_cycle, 12),
    "stubborn-retry": (loops.stubborn_retry, 10),
    "analysis-paralysis": (loops.analysis_paralysis, 10),
}
PRODUCTIVE: dict[str, tuple[Work, int]] = {
    "retry-recover": (work.retry_recover, 10),
    "polling": (work.polling, 12),
    "fixable-env": (work.fixable_env, 9),
    "tdd": (work.tdd, 8),
    "compile-fix": (work.compile_fix, 8),
    "lint-each-edit": (work.lint_each_edit, 9),
    "monorepo-sweep": (work_more.monorepo_sweep, 8),
    "bisect": (work_more.bisect, 7),
    "bench-iterate": (work_more.bench_iterate, 7),
    "exploration": (work_more.exploration, 8),
    "migration-cycle": (work_more.migration_cycle, 8),
    "infra-iterate": (work_more.infra_iterate, 8),
}
ECOS_OF = {"infra-iterate": ("terraform",)}  # plan/apply rounds only make sense on the infra repo
_TASKS = (
    "STK-{n}: renewing a loan sets the wrong due date for some branches. Find out why and fix it; keep CI green.",
    "STK-{n}: holds expire a day early in the staging environment. Investigate and fix, with a test.",
    "STK-{n}: overdue fines disagree with the finance report. Find the cause and correct it.",
    "STK-{n}: the {family} work item from the sprint board: do it and make sure the checks pass.",
)


def _lines(session: str, agent: str, shape: str, steps: list[Step], rng: random.Random) -> list[dict[str, Any]]:
    task = rng.choice(_TASKS).format(n=rng.randint(1000, 9999), family=session.split("/")[1])
    convo = Conversation3(shape, rng, task, model_name=rng.choice(MODELS[shape][1]))
    ts = 1_768_000_000.0 + rng.uniform(0, 10 * 86_400)
    lines: list[dict[str, Any]] = []
    sent = 0
    base = rng.randint(2000, 11000)  # the harness's system prompt and tool schemas, in tokens
    size = sum(len(json.dumps(m)) for m in convo.messages)  # kept as a running total: rebuilding it is quadratic
    for seq, step in enumerate([*steps, None]):
        messages = convo.messages
        prompt = base + size // 4
        body, added = convo.answer(step)
        latency = rng.uniform(900, 14000)
        body["usage"] = usage_for(convo.dialect, shape, prompt, rng.randint(30, 700))
        request: dict[str, Any] = {"model": convo.model, "messages": messages[sent:], "max_tokens": 16384}
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
        ts += latency / 1000 + rng.uniform(0.2, 5) + (step.seconds if step else 0)
    return lines


def _builders() -> list[tuple[str, int, Callable[[Eco, random.Random, int], tuple[list[Step], int | None]]]]:
    found: list[tuple[str, int, Callable[[Eco, random.Random, int], tuple[list[Step], int | None]]]] = []
    for family, (loop, count) in LOOPS.items():
        found.append((family, count, loop))
    for family, (job, count) in PRODUCTIVE.items():
        found.append((family, count, lambda eco, rng, i, job=job: (job(eco, rng, i), None)))  # type: ignore[misc]
    return found


def sessions() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every session of the set: (its labels line, its call lines)."""
    found = []
    shape_turn = 0
    for number, (family, count, builder) in enumerate(_builders()):
        ecos = ECOS_OF.get(family, ALL)
        for i in range(count):
            rng = random.Random(f"{NAME}/{family}/{i}")
            eco = ECOS[ecos[(i + number) % len(ecos)]]
            shape = SHAPES[(shape_turn + number) % len(SHAPES)]  # every family spreads over the shapes
            shape_turn += 1
            steps, onset = builder(eco, rng, i)
            session = f"{NAME}/{family}/{eco.name}/{shape}/{i}"
            label = {
                "session": session,
                "label": "productive" if onset is None else "loop",
                "loop_from_seq": onset,
                "family": family,
                "resolved": None,
            }
            found.append((label, _lines(session, f"{shape}-{i % 5}", shape, steps, rng)))
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

"""Build the fourteenth held-out set from the dev set's real runs (deterministic, string-seeded)."""

from __future__ import annotations

import copy
import gzip
import json
import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heldout14 import episodes, loops
from heldout14.dev import DEV, Run, message_chars, real_runs
from heldout14.envelope import Meter, price, restamp
from heldout14.harness import Step, format_error
from heldout14.prose import Ctx

Builder = Callable[[Ctx], list[Step]]

# family: (builder, sessions); an episode family without a builder is the real run left untouched.
LOOPS: dict[str, tuple[Builder, int]] = {
    "migration-wall": (loops.migration_wall, 7),
    "doc-build-wall": (loops.doc_build_wall, 6),
    "numeric-tolerance": (loops.numeric_tolerance, 7),
    "rewrite-revert": (loops.rewrite_revert, 7),
    "search-loop": (loops.search_loop, 7),
    "env-var-maze": (loops.env_var_maze, 8),
    "submit-refused": (loops.submit_refused, 8),
}
PRODUCTIVE: dict[str, tuple[Builder | None, int]] = {
    "flaky-then-stable": (episodes.flaky_then_stable, 8),
    "long-debug-session": (episodes.long_debug_session, 9),
    "migrations-done-right": (episodes.migrations_done_right, 7),
    "docs-iterate": (episodes.docs_iterate, 7),
    "big-refactor": (episodes.big_refactor, 8),
    "env-set-once": (episodes.env_set_once, 7),
    "real-resolved": (None, 34),
}
# The repositories a family's runs come from (any when absent).
REPOS: dict[str, tuple[str, ...]] = {
    "migration-wall": ("django",),
    "doc-build-wall": ("sphinx-doc",),
    "numeric-tolerance": ("sympy", "astropy", "scikit-learn", "pydata"),
    "migrations-done-right": ("django",),
    "docs-iterate": ("sphinx-doc",),
}
OPENING = (3, 18)
TAIL = (12, 40)

Call = tuple[float, list[dict[str, Any]], dict[str, Any]]


def _assign(runs: dict[str, Run]) -> list[tuple[str, str, Run]]:
    """(family, session, run) for every session: each real run used once, constrained families first."""
    rng = random.Random("heldout14/assign")
    pool = sorted(runs)
    rng.shuffle(pool)
    families = [(f, n, REPOS.get(f, ()), True) for f, (_, n) in LOOPS.items()]
    families += [(f, n, REPOS.get(f, ()), False) for f, (_, n) in PRODUCTIVE.items()]
    families.sort(key=lambda item: not item[2])
    used: set[str] = set()
    chosen: list[tuple[str, str, Run]] = []
    for family, count, repos, loop in families:
        fits = [
            s for s in pool if s not in used and (not repos or runs[s].repo in repos) and (loop or runs[s].resolved)
        ]
        # Loops on a repo with few runs take the failed ones first, leaving resolved runs to the episodes.
        fits.sort(key=lambda s: runs[s].resolved if loop and repos else 0)
        for n, name in enumerate(fits[:count], 1):
            used.add(name)
            chosen.append((family, f"heldout14/{family}/{name}#{n}", runs[name]))
        assert len(fits) >= count, family
    return chosen


def _misstep(ctx: Ctx, steps: list[Step]) -> list[Step]:
    """Now and then gemini answers with two commands or none, and the harness says so."""
    out: list[Step] = []
    for item in steps:
        if ctx.chance(0.04):
            thought = item.said.split("\n\n```bash")[0]
            if ctx.chance(0.6):
                said = f"{item.said}\n\nThen I'll check the result:\n\n```bash\ngit status\n```"
                out.append(Step(said, format_error(2), 0.0))
            else:
                out.append(Step(thought, format_error(0), 0.0))
        out.append(item)
    return out


def _generate(
    meter: Meter, start_ts: float, base: list[dict[str, Any]], anchor: Any, steps: list[Step], last_reply: bool
) -> tuple[list[Call], list[dict[str, Any]], float]:
    """New calls after `base` (the real request `anchor` sent): their requests, responses and times."""
    calls: list[Call] = []
    messages = list(base)
    ts = start_ts
    previous = int(anchor.response["usage"]["prompt_tokens"])
    anchor_chars = message_chars(anchor)
    added: list[dict[str, Any]] = []
    for i, item in enumerate(steps):
        chars = sum(len(m["content"]) for m in messages)
        prompt = meter.prompt_tokens(int(anchor.response["usage"]["prompt_tokens"]), anchor_chars, chars)
        response = meter.response(item.said, ts, prompt, previous)
        calls.append((ts, list(messages), response))
        previous = prompt
        ts += max(1, math.ceil(meter.thinking_seconds(response) + item.seconds))
        if i < len(steps) - 1 or last_reply:
            exchange = [{"role": "assistant", "content": item.said}, {"role": "user", "content": item.reply}]
            messages += exchange
            added += exchange
    return calls, added, ts


def _loop(run: Run, session: str, builder: Builder) -> tuple[list[Call], int]:
    rng = random.Random(session)
    k = rng.randint(OPENING[0], min(OPENING[1], len(run.calls) - 2))
    ctx = Ctx(rng, run, rng.randint(*TAIL))
    steps = _misstep(ctx, builder(ctx))[: ctx.steps]
    meter = Meter(run, rng)
    anchor = run.calls[k]
    real: list[Call] = [(c.ts, c.messages, c.response) for c in run.calls[:k]]
    tail, _, _ = _generate(meter, anchor.ts, anchor.messages, anchor, steps, last_reply=False)
    return real + tail, k


def _episode(run: Run, session: str, builder: Builder) -> list[Call]:
    rng = random.Random(session)
    spots = [
        k
        for k in range(3, len(run.calls) - 3)
        if run.calls[k + 1].messages[-1]["content"].startswith("<returncode>0</returncode>\n<output>")
    ]
    k = rng.choice(spots)
    ctx = Ctx(rng, run, 0)
    steps = _misstep(ctx, builder(ctx))
    meter = Meter(run, rng)
    anchor = run.calls[k + 1]
    calls: list[Call] = [(c.ts, c.messages, c.response) for c in run.calls[: k + 1]]
    inserted, added, end = _generate(meter, anchor.ts, anchor.messages, anchor, steps, last_reply=True)
    calls += inserted
    shift = end - anchor.ts
    extra = round(sum(len(m["content"]) for m in added) * meter.per_char)
    cut = len(anchor.messages)
    for call in run.calls[k + 1 :]:
        response = copy.deepcopy(call.response)
        restamp(response, call.ts + shift)
        usage = response["usage"]
        usage["prompt_tokens"] += extra
        usage["total_tokens"] += extra
        price(usage)
        calls.append((call.ts + shift, anchor.messages + added + call.messages[cut:], response))
    return calls


def _lines(session: str, agent: str, model: str, calls: list[Call]) -> list[dict[str, Any]]:
    lines = []
    previous: list[dict[str, Any]] | None = None
    for seq, (ts, messages, response) in enumerate(calls):
        request: dict[str, Any] = {"model": model}
        if previous is not None and messages[: len(previous)] == previous:
            request["messages_from"] = len(previous)
            request["messages"] = messages[len(previous) :]
        else:
            request["messages"] = messages
        lines.append(
            {
                "v": 1,
                "session": session,
                "agent": agent,
                "seq": seq,
                "ts": float(ts),
                "dialect": "openai",
                "request": request,
                "response": response,
            }
        )
        previous = messages
    return lines


def write(directory: Path, dev: Path = DEV) -> Path:
    """Write calls.jsonl.gz and labels.jsonl into `directory`; returns the calls file."""
    runs = real_runs(dev)
    lines: list[tuple[float, int, int, str]] = []
    labels = []
    for order, (family, session, run) in enumerate(_assign(runs)):
        first = run.calls[0]
        onset = None
        if family in LOOPS:
            calls, onset = _loop(run, session, LOOPS[family][0])
        else:
            builder = PRODUCTIVE[family][0]
            calls = (
                [(c.ts, c.messages, c.response) for c in run.calls]
                if builder is None
                else _episode(run, session, builder)
            )
        for line in _lines(session, first.agent, str(first.request.get("model")), calls):
            lines.append((line["ts"], order, line["seq"], json.dumps(line, ensure_ascii=False, separators=(",", ":"))))
        kind = "loop" if onset is not None else "productive"
        labels.append({"session": session, "label": kind, "loop_from_seq": onset, "family": family, "resolved": None})
    lines.sort()
    directory.mkdir(parents=True, exist_ok=True)
    calls_path = directory / "calls.jsonl.gz"
    calls_path.write_bytes(gzip.compress("".join(text + "\n" for *_, text in lines).encode(), mtime=0))
    labels.sort(key=lambda label: str(label["session"]))
    (directory / "labels.jsonl").write_text("".join(json.dumps(label) + "\n" for label in labels))
    return calls_path

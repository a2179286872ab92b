"""Sessions of the set as call lines: a real run's opening then a loop's tail, or a real run with an episode inside.

Every line carries the messages new since the call before (`messages_from`), as the dev set does. A
loop's first tail call answers the real run's own request (its prompt, cache and start time are the
recorded ones); an episode's too, and the rest of the run then follows as recorded, later by the
episode's time and longer by its tokens, its costs recomputed.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from heldout17.runs import Line, Message, Run
from heldout17.wire import CACHE_BLOCK, Envelope, Step, cost_of


def _line(name: str, run: Run, seq: int, ts: float, sent: int, messages: list[Message], response: Any) -> Line:
    first = run.lines[0]
    request: dict[str, Any] = {"model": first["request"]["model"]}
    if sent:
        request["messages_from"] = sent
    request["messages"] = messages[sent:]
    return {
        "v": 1,
        "session": name,
        "agent": first["agent"],
        "seq": seq,
        "ts": ts,
        "dialect": first["dialect"],
        "request": request,
        "response": response,
    }


def real_session(name: str, run: Run) -> list[Line]:
    return [{**line, "session": name} for line in run.lines]


def _spliced(
    name: str, run: Run, at: int, steps: list[Step], rng: random.Random
) -> tuple[list[Line], list[Message], float, int]:
    """The run's calls before `at`, then `steps` answering from the run's request `at` on.

    Returns the lines, the conversation after the last step's reply, when and at how many prompt
    tokens the next call would start.
    """
    envelope = Envelope(run, rng, at)
    lines = [{**line, "session": name} for line in run.lines[:at]]
    messages = run.messages[at]
    sent = len(run.messages[at - 1])
    ts = float(run.lines[at]["ts"])
    prompt = int(run.usage(at)["prompt_tokens"])
    for j, step in enumerate(steps):
        answer = step.answer()
        response = envelope.respond(answer, ts, prompt, run.lines[at]["response"] if j == 0 else None)
        lines.append(_line(name, run, at + j, ts, sent, messages, response))
        reply = step.reply()
        sent = len(messages)
        messages = [*messages, {"role": "assistant", "content": answer}, {"role": "user", "content": reply}]
        prompt += envelope.tokens(answer, reply)
        ts = envelope.later(ts, response, step)
    return lines, messages, ts, prompt


def loop_session(name: str, run: Run, onset: int, steps: list[Step], rng: random.Random) -> list[Line]:
    """The run's first `onset` calls, untouched, then the tail (its last step the run's last answer)."""
    return _spliced(name, run, onset, steps, rng)[0]


def episode_session(name: str, run: Run, after: int, steps: list[Step], rng: random.Random) -> list[Line]:
    """The run with `steps` inserted after call `after`'s command returned, the rest following as recorded."""
    lines, messages, ts, prompt = _spliced(name, run, after + 1, steps, rng)
    at = after + 1
    block = messages[len(run.messages[at]) :]
    late = ts - float(run.lines[at]["ts"])
    grown = prompt - int(run.usage(at)["prompt_tokens"])
    sent = len(messages) - 2  # what the last step answered
    for k in range(at, len(run.lines)):
        real = run.messages[k]
        full = real[: len(run.messages[at])] + block + real[len(run.messages[at]) :]
        response = copy.deepcopy(run.lines[k]["response"])
        when = float(run.lines[k]["ts"]) + late
        response["created"] = int(when)
        if str(response["id"]).startswith("gen-"):
            _, stamp, suffix = str(response["id"]).split("-", 2)
            response["id"] = f"gen-{int(stamp) + int(when) - int(run.lines[k]['ts'])}-{suffix}"
        usage = response["usage"]
        usage["prompt_tokens"] += grown
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        details = usage["prompt_tokens_details"]
        if details["cached_tokens"]:
            # The cache now also holds the episode: the hit grows by the blocks the episode filled.
            details["cached_tokens"] += grown // CACHE_BLOCK * CACHE_BLOCK
        if "cost" in usage:
            cost_of(usage)
        lines.append(_line(name, run, len(lines), when, sent, full, response))
        sent = len(full)
    return lines

"""Splicing generated steps into a real run, in the trace format the dev set uses: the real calls as
recorded, generated calls shaped like the run's own responses (same provider envelope, usage and cost
at gemini-3-pro-preview's prices), every later request carrying what was inserted."""

from __future__ import annotations

import copy
import random
import statistics
import uuid
from typing import Any

from . import drift
from .runs import Line, Message, Run
from .shell import Step

_IN, _CACHED, _OUT = 2e-6, 0.2e-6, 12e-6  # USD a token, as the dev set's recorded costs bill them


def _chars(messages: list[Message]) -> int:
    return sum(len(str(m["content"])) for m in messages)


def _ratio(run: Run) -> float:
    """Prompt tokens a character, as this run's own calls were counted."""
    return float(
        statistics.median(
            line["response"]["usage"]["prompt_tokens"] / _chars(m)
            for line, m in zip(run.lines, run.messages, strict=True)
        )
    )


def _cost(usage: dict[str, Any]) -> None:
    if "cost" not in usage:
        return
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    prompt = round((usage["prompt_tokens"] - cached) * _IN + cached * _CACHED, 10)
    completion = round(usage["completion_tokens"] * _OUT, 10)
    usage["cost"] = round(prompt + completion, 10)
    usage["cost_details"]["upstream_inference_prompt_cost"] = prompt
    usage["cost_details"]["upstream_inference_completions_cost"] = completion


def _stamp(response: dict[str, Any], created: int, rng: random.Random) -> None:
    response["created"] = created
    if str(response["id"]).startswith("gen-"):
        response["id"] = f"gen-{created}-{drift.token(rng, 20)}"
    else:
        response["id"] = f"portkey-{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def _answer(run: Run, content: str, prompt: int, previous: int, created: int, rng: random.Random) -> dict[str, Any]:
    """A response of the run's own shape carrying `content`."""
    response: dict[str, Any] = copy.deepcopy(run.lines[-1]["response"])
    choice = response["choices"][0]
    choice.pop("error", None)
    choice["finish_reason"] = "stop" if "native_finish_reason" in choice else "STOP"
    if "native_finish_reason" in choice:
        choice["native_finish_reason"] = "STOP"
    choice["message"]["content"] = content
    if "content_blocks" in choice["message"]:
        choice["message"]["content_blocks"] = [{"type": "text", "text": content}]
    usage = response["usage"]
    completion = max(8, round(len(content) * rng.uniform(0.26, 0.36)))
    usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"] = prompt, completion, prompt + completion
    usage["prompt_tokens_details"]["cached_tokens"] = (
        0 if rng.random() < 0.12 else round(previous * rng.uniform(0.6, 0.97))
    )
    if "reasoning_tokens" in usage.get("completion_tokens_details", {}):
        usage["completion_tokens_details"]["reasoning_tokens"] = 0
    _cost(usage)
    _stamp(response, created, rng)
    return response


def _encode(session: str, calls: list[tuple[list[Message], dict[str, Any], float]], run: Run) -> list[Line]:
    lines: list[Line] = []
    previous: list[Message] = []
    for seq, (messages, response, ts) in enumerate(calls):
        request: dict[str, Any] = {"model": run.lines[0]["request"]["model"]}
        if seq:
            shared = len(previous) if messages[: len(previous)] == previous else 0
            request["messages_from"] = shared
            request["messages"] = messages[shared:]
        else:
            request["messages"] = messages
        lines.append(
            {
                "v": 1,
                "session": session,
                "agent": run.lines[0]["agent"],
                "seq": seq,
                "ts": ts,
                "dialect": "openai",
                "request": request,
                "response": response,
            }
        )
        previous = messages
    return lines


def _generated(
    run: Run, k: int, steps: list[Step], rng: random.Random
) -> tuple[list[tuple[list[Message], dict[str, Any], float]], float]:
    """Calls answering `steps` in turn in place of the run's call `k` on; each next request carries the answer
    and what it showed. Prompt tokens grow from call `k`'s recorded count by what was added."""
    ratio = _ratio(run)
    calls = []
    messages, ts = list(run.messages[k]), run.lines[k]["ts"]
    base, base_chars = run.lines[k]["response"]["usage"]["prompt_tokens"], _chars(messages)
    previous = run.lines[k - 1]["response"]["usage"]["prompt_tokens"]
    for i, step in enumerate(steps):
        prompt = base + round((_chars(messages) - base_chars) * ratio)
        response = _answer(run, step.answer, prompt, previous, int(ts), rng)
        calls.append((messages, response, ts))
        previous = prompt
        completion = response["usage"]["completion_tokens"]
        ts = float(
            int(
                ts
                + rng.uniform(1.2, 3.0)
                + completion / rng.uniform(90, 160)
                + step.seconds
                + (rng.uniform(0, 4) if i % 5 == 4 else 0)
            )
        )
        messages = [
            *messages,
            {"role": "assistant", "content": step.answer},
            {"role": "user", "content": step.observation},
        ]
    return calls, ts


def real(session: str, run: Run) -> list[Line]:
    return _encode(
        session,
        [(m, copy.deepcopy(line["response"]), line["ts"]) for line, m in zip(run.lines, run.messages, strict=True)],
        run,
    )


def loop(session: str, run: Run, k: int, steps: list[Step], rng: random.Random) -> list[Line]:
    """The run's first `k` calls, then one call per loop step (the first of them is the onset)."""
    opening = [
        (m, copy.deepcopy(line["response"]), line["ts"])
        for line, m in zip(run.lines[:k], run.messages[:k], strict=True)
    ]
    tail, _ = _generated(run, k, steps, rng)
    return _encode(session, opening + tail, run)


def insert(session: str, run: Run, k: int, steps: list[Step], rng: random.Random) -> list[Line]:
    """The run with an episode of `steps` after its first `k` calls; the run then goes on as recorded, each
    later request carrying the episode (its prompt tokens and cost grown to match)."""
    opening = [
        (m, copy.deepcopy(line["response"]), line["ts"])
        for line, m in zip(run.lines[:k], run.messages[:k], strict=True)
    ]
    episode, end = _generated(run, k, steps, rng)
    at = len(run.messages[k])
    added = [
        message
        for step in steps
        for message in ({"role": "assistant", "content": step.answer}, {"role": "user", "content": step.observation})
    ]
    tokens = round(_chars(added) * _ratio(run))
    shift = end - run.lines[k]["ts"]
    rest = []
    for line, messages in zip(run.lines[k:], run.messages[k:], strict=True):
        response = copy.deepcopy(line["response"])
        usage = response["usage"]
        usage["prompt_tokens"] += tokens
        usage["total_tokens"] += tokens
        _cost(usage)
        created = int(line["ts"] + shift)
        response["created"] = created
        if str(response["id"]).startswith("gen-"):
            response["id"] = f"gen-{created}-{response['id'].rsplit('-', 1)[1]}"
        rest.append(([*messages[:at], *added, *messages[at:]], response, float(created)))
    return _encode(session, opening + episode + rest, run)

"""Splicing synthetic steps into a real run and writing every call as the dev traces hold them.

A loop keeps the run's first `k` calls and answers from call `k` on with the loop's steps. Productive
work answers calls `k`… with an episode, then the run's own answers follow, each request carrying
the episode's exchanges, its prompt tokens grown accordingly and its cost recomputed at the prices
the run was billed at (gemini-3-pro-preview: $2 / $0.20 cached / $12 per million tokens).
"""

from __future__ import annotations

import copy
import random
import string
from statistics import median
from typing import Any

from .dev import Call, Message, Run
from .protocol import Step

Line = dict[str, Any]
PROMPT, CACHED, COMPLETION = 2e-6, 2e-7, 12e-6


def loop(run: Run, name: str, k: int, steps: list[Step], rng: random.Random) -> list[Line]:
    """The run's calls 0…k-1, then one call per step, its answer the step's."""
    calls = run.calls[:k] + _answered(run, k, steps, rng)
    return _lines(run, name, calls)


def real(run: Run, name: str) -> list[Line]:
    """The run as it was recorded, under another session name."""
    return _lines(run, name, run.calls)


def productive(run: Run, name: str, k: int, steps: list[Step], rng: random.Random) -> list[Line]:
    """The run with `steps` answered from call k on, then the rest of the run after them."""
    inserted = _answered(run, k, steps, rng)
    exchanges = [m for step in steps for m in _exchange(step)]
    extra = round(sum(len(m["content"]) for m in exchanges) * _ratio(run))
    shift = inserted[-1].ts + _gap(inserted[-1].response, steps[-1], rng) - run.calls[k].ts
    at = len(run.calls[k].messages)
    rest = [
        Call(
            call.ts + shift,
            call.messages[:at] + exchanges + call.messages[at:],
            _grown(call.response, extra),
        )
        for call in run.calls[k:]
    ]
    return _lines(run, name, run.calls[:k] + inserted + rest)


def _exchange(step: Step) -> list[Message]:
    return [{"role": "assistant", "content": step.answer()}, {"role": "user", "content": step.reply()}]


def _answered(run: Run, k: int, steps: list[Step], rng: random.Random) -> list[Call]:
    messages = run.calls[k].messages
    ts = run.calls[k].ts
    ratio = _ratio(run)
    template = run.calls[k - 1].response
    previous = template["usage"]["prompt_tokens"]
    prompt = run.calls[k].response["usage"]["prompt_tokens"]  # call k's request is the run's own
    calls: list[Call] = []
    for step in steps:
        response = _response(template, step, ts, prompt, previous, rng)
        calls.append(Call(ts, messages, response))
        ts += _gap(response, step, rng)
        added = _exchange(step)
        messages = messages + added
        previous = prompt
        prompt += round(sum(len(m["content"]) for m in added) * ratio * rng.uniform(0.98, 1.02))
    return calls


def _gap(response: dict[str, Any], step: Step, rng: random.Random) -> float:
    """Seconds from one call to the next: the model's answer, then the command's run."""
    return float(round(1.5 + response["usage"]["completion_tokens"] / 90 + step.seconds + rng.uniform(0, 2.5)))


def _ratio(run: Run) -> float:
    """Prompt tokens per character of the request, as this run was billed."""
    found = [
        call.response["usage"]["prompt_tokens"] / sum(len(m["content"]) for m in call.messages)
        for call in run.calls
        if call.response.get("usage")
    ]
    return median(found) if found else 0.3


def _response(
    template: dict[str, Any], step: Step, ts: float, prompt: int, previous: int, rng: random.Random
) -> dict[str, Any]:
    created = int(ts)
    content = step.answer()
    thinking = round(len(step.reasoning) / 4 * rng.uniform(1.4, 2.2)) if step.reasoning else 0
    completion = round(len(content) / 4 * rng.uniform(1.03, 1.45)) + thinking
    cached = 0 if rng.random() < 0.1 else min(prompt - 1, round(previous * rng.uniform(0.65, 0.99)))
    body = {key: value for key, value in template.items() if key not in ("choices", "usage")}
    body["id"] = f"gen-{created}-" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(20))
    body["created"] = created
    choice = copy.deepcopy(template["choices"][0])  # each provider route shapes its message its own way
    message = choice["message"]
    message["content"] = content
    if "reasoning" in message:
        message["reasoning"] = step.reasoning
    if "content_blocks" in message:
        message["content_blocks"] = [{"type": "text", "text": content}]
    body["choices"] = [choice]
    body["usage"] = _usage(template["usage"], prompt, cached, completion, thinking)
    return body


def _usage(template: dict[str, Any], prompt: int, cached: int, completion: int, thinking: int) -> dict[str, Any]:
    usage = copy.deepcopy(template)
    prompt_cost = (prompt - cached) * PROMPT + cached * CACHED
    usage.update(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)
    usage["prompt_tokens_details"]["cached_tokens"] = cached
    usage["completion_tokens_details"]["reasoning_tokens"] = thinking
    if "cost" in usage:  # runs served without a recorded cost stay without one
        usage["cost"] = prompt_cost + completion * COMPLETION
        usage["cost_details"]["upstream_inference_prompt_cost"] = prompt_cost
        usage["cost_details"]["upstream_inference_completions_cost"] = completion * COMPLETION
    return usage


def _grown(response: dict[str, Any], extra: int) -> dict[str, Any]:
    grown = copy.deepcopy(response)
    usage = grown["usage"]
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    grown["usage"] = _usage(
        usage,
        usage["prompt_tokens"] + extra,
        cached,
        usage["completion_tokens"],
        usage["completion_tokens_details"]["reasoning_tokens"],
    )
    return grown


def _lines(run: Run, name: str, calls: list[Call]) -> list[Line]:
    lines: list[Line] = []
    previous: list[Message] = []
    for seq, call in enumerate(calls):
        kept = _common(previous, call.messages)
        request: Line = {"model": run.model, "messages": call.messages[kept:]}
        if seq:
            request = {"model": run.model, "messages_from": kept, "messages": call.messages[kept:]}
        line = {"v": 1, "session": name, "agent": run.agent, "seq": seq, "ts": call.ts, "dialect": "openai"}
        lines.append({**line, "request": request, "response": call.response})
        previous = call.messages
    return lines


def _common(before: list[Message], after: list[Message]) -> int:
    """How many leading messages `after` shares with `before` (the delta encoding's `messages_from`)."""
    count = 0
    for old, new in zip(before, after, strict=False):
        if old is not new and old != new:
            break
        count += 1
    return count

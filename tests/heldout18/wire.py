"""Spliced calls that look like the run they are spliced into: its harness, its envelope, its meter.

mini-swe-agent answers are a THOUGHT and one bash block; replies wrap the command's output in
`<returncode>`/`<output>`, cut to its first and last 5,000 characters past 10,000, with the
harness's own warning. Each run has its own tokens per character, completion rate, implicit-cache
pattern (hits in blocks of about 2,016 tokens) and provider mix; new calls follow those, and cost is
OpenRouter's gemini-3-pro formula.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import Any

from heldout18.runs import Run

BLOCK = 2016
WARNING = (
    "<warning>\nThe output of your last command was too long.\nPlease try a different command that produces less "
    "output.\nIf you're looking at a file you can try use head, tail or sed to view a smaller number of lines "
    "selectively.\nIf you're using grep or find and it produced too much output, you can use a more selective "
    "search pattern.\nIf you really need to see something from the full command's output, you can redirect output "
    "to a file and then search in that file.\n</warning>"
)
SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"


@dataclass(frozen=True)
class Step:
    """One answer of the agent, what the harness replied, and how long the command ran."""

    answer: str
    reply: str
    seconds: float = 1.0


def answer(thought: str, command: str) -> str:
    return f"THOUGHT: {thought}\n\n```bash\n{command}\n```"


def observation(returncode: int, output: str) -> str:
    if len(output) < 10_000:
        return f"<returncode>{returncode}</returncode>\n<output>\n{output}</output>"
    return (
        f"<returncode>{returncode}</returncode>\n{WARNING}<output_head>\n{output[:5000]}\n</output_head>\n"
        f"<elided_chars>\n{len(output) - 10_000} characters elided\n</elided_chars>\n"
        f"<output_tail>\n{output[-5000:]}\n</output_tail>"
    )


def step(thought: str, command: str, returncode: int, output: str, seconds: float = 1.0) -> Step:
    return Step(answer(thought, command), observation(returncode, output), seconds)


def submit(thought: str) -> Step:
    return Step(answer(thought, SUBMIT), "")


def usage(prompt: int, cached: int, completion: int) -> dict[str, Any]:
    prompt_cost = round((prompt - cached) * 2e-6 + cached * 2e-7, 10)
    completion_cost = round(completion * 12e-6, 10)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": round(prompt_cost + completion_cost, 10),
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0, "video_tokens": 0},
        "cost_details": {
            "upstream_inference_cost": None,
            "upstream_inference_prompt_cost": prompt_cost,
            "upstream_inference_completions_cost": completion_cost,
        },
        "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0},
    }


def _tokens(call: Any) -> tuple[int, int]:
    found = call.response["usage"]
    return int(found["prompt_tokens"]), int(found["prompt_tokens_details"]["cached_tokens"])


def _chars(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m["content"])) for m in messages)


@dataclass
class Call:
    ts: float
    messages: list[dict[str, Any]]
    response: dict[str, Any]


class Meter:
    """What a new call of this run costs and when it starts, learnt from the run's own calls."""

    def __init__(self, run: Run, rng: random.Random) -> None:
        self.rng = rng
        first, last = run.calls[0], run.calls[-1]
        grown = _chars(last.messages) - _chars(first.messages)
        self.per_char = (_tokens(last)[0] - _tokens(first)[0]) / grown if grown > 0 else 0.29
        plain = [c for c in run.calls if c.response["usage"]["completion_tokens_details"]["reasoning_tokens"] == 0]
        written = sum(len(c.response["choices"][0]["message"]["content"]) for c in plain)
        self.per_answer_char = sum(c.response["usage"]["completion_tokens"] for c in plain) / max(written, 1)
        self.levels: list[int | None] = []
        for call in run.calls[1:]:
            prompt, cached = _tokens(call)
            self.levels.append(max(0, prompt // BLOCK - round(cached / BLOCK)) if cached else None)
        self.providers = [str(c.response["provider"]) for c in run.calls]
        self.provider = self.providers[-1]

    def grow(self, prompt: int, added: str) -> int:
        return prompt + round(len(added) * self.per_char * self.rng.uniform(0.96, 1.04))

    def cached(self, prompt: int) -> int:
        level = self.rng.choice(self.levels) if self.levels else None
        blocks = 0 if level is None else prompt // BLOCK - level
        if blocks <= 0:
            return 0
        return min(prompt - 1, blocks * BLOCK + round(self.rng.gauss(10, 25 + 6 * blocks)))

    def shifted_cached(self, prompt: int, cached: int, shift: int) -> int:
        """A recorded cache hit after `shift` more tokens: as many blocks short of the prompt as it was."""
        if not cached:
            return 0
        level = max(0, prompt // BLOCK - round(cached / BLOCK))
        blocks = (prompt + shift) // BLOCK - level
        return max(0, min(prompt + shift - 1, cached + (blocks - round(cached / BLOCK)) * BLOCK))

    def response(self, ts: float, prompt: int, cached: int, content: str) -> dict[str, Any]:
        if self.rng.random() < 0.25:
            self.provider = self.rng.choice(self.providers)
        completion = max(8, round(len(content) * self.per_answer_char * self.rng.uniform(0.9, 1.1)))
        created = int(ts)
        suffix = "".join(self.rng.choices(string.ascii_letters + string.digits, k=20))
        return {
            "id": f"gen-{created}-{suffix}",
            "provider": self.provider,
            "model": "google/gemini-3-pro-preview",
            "object": "chat.completion",
            "created": created,
            "choices": [
                {
                    "logprobs": None,
                    "finish_reason": "stop",
                    "native_finish_reason": "STOP",
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None, "reasoning": None},
                }
            ],
            "usage": usage(prompt, cached, completion),
        }

    def after(self, ts: float, response: dict[str, Any], seconds: float) -> float:
        """When the next call starts: the model's latency for this answer, then the command's run."""
        thinking = response["usage"]["completion_tokens"] / self.rng.uniform(60, 110)
        return float(int(ts + self.rng.uniform(1.5, 3.5) + thinking + seconds))


def _play(meter: Meter, call: Any, steps: list[Step]) -> tuple[list[Call], list[dict[str, Any]], float, int]:
    """The steps as calls from a recorded call's request on: calls, the messages after them, next ts and prompt."""
    messages, ts = list(call.messages), float(call.ts)
    prompt, cached = _tokens(call)
    calls: list[Call] = []
    for one in steps:
        response = meter.response(ts, prompt, cached, one.answer)
        calls.append(Call(ts, messages, response))
        messages = [*messages, {"role": "assistant", "content": one.answer}, {"role": "user", "content": one.reply}]
        ts = meter.after(ts, response, one.seconds)
        prompt = meter.grow(prompt, one.answer + one.reply)
        cached = meter.cached(prompt)
    return calls, messages, ts, prompt


def loop_calls(run: Run, rng: random.Random, onset: int, tail: list[Step]) -> list[Call]:
    """The run's first `onset` calls as recorded, then the tail (its last step the answer)."""
    kept = [Call(c.ts, c.messages, c.response) for c in run.calls[:onset]]
    return kept + _play(Meter(run, rng), run.calls[onset], tail)[0]


def episode_calls(run: Run, rng: random.Random, after: int, episode: list[Step]) -> list[Call]:
    """The run with `episode` inserted after its answer `after`; the rest follows, shifted in tokens and time."""
    meter = Meter(run, rng)
    resume = run.calls[after + 1]
    kept = [Call(c.ts, c.messages, c.response) for c in run.calls[: after + 1]]
    inserted, messages, ts, prompt = _play(meter, resume, episode)
    shift, late = prompt - _tokens(resume)[0], ts - resume.ts
    head = len(resume.messages)
    rest = []
    for call in run.calls[after + 1 :]:
        old_prompt, old_cached = _tokens(call)
        response = dict(call.response)
        created = int(call.ts + late)
        response["id"] = f"gen-{created}-{str(call.response['id']).rsplit('-', 1)[1]}"
        response["created"] = created
        cached = meter.shifted_cached(old_prompt, old_cached, shift)
        response["usage"] = usage(old_prompt + shift, cached, int(call.response["usage"]["completion_tokens"]))
        response["usage"]["completion_tokens_details"] = call.response["usage"]["completion_tokens_details"]
        rest.append(Call(call.ts + late, messages + call.messages[head:], response))
    return kept + inserted + rest

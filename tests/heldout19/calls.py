"""Turning steps into call lines that look like the run they are spliced into.

A new call carries the OpenRouter envelope the real calls carry; its prompt grows at the run's own
tokens per character, its cache hits come in the run's 2048-token steps, its cost is OpenRouter's
gemini-3-pro price, and its clock runs on from the call it follows. Real calls that come after an
inserted episode keep their answers; their prompts, cache hits, costs and clocks are shifted by what
the episode added.
"""

from __future__ import annotations

import copy
import random
import re
import string
from dataclasses import dataclass
from statistics import median
from typing import Any

from heldout19.runs import Run
from regulator.traces.format import TraceCall

Line = dict[str, Any]
SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"
ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Step:
    """One answer of the agent and the harness's reply (None for the last answer of a session)."""

    answer: str
    reply: str | None
    seconds: float = 1.0  # how long the command ran before the agent was asked again


def say(thought: str, command: str) -> str:
    return f"THOUGHT: {thought}\n\n```bash\n{command}\n```"


def cost(prompt: int, cached: int, completion: int) -> tuple[float, float]:
    """OpenRouter's gemini-3-pro-preview price: (prompt part, completion part) in USD."""
    return (prompt - cached) * 2e-6 + cached * 2e-7, completion * 12e-6


def _chars(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m["content"])) for m in messages)


@dataclass(frozen=True)
class Pace:
    """How the run's calls are tokenised, cached and served, measured on its real calls."""

    rate: float  # prompt tokens per character of the conversation
    shortfall: float  # a cache hit covers a 2048-token block minus this share
    cold: float  # share of calls without a cache hit
    studio: float  # share served by Google AI Studio rather than Google

    @classmethod
    def of(cls, run: Run) -> Pace:
        calls = run.calls
        first, last = calls[0], calls[-1]
        grown = _chars(last.messages) - _chars(first.messages)
        prompt = last.response["usage"]["prompt_tokens"] - first.response["usage"]["prompt_tokens"]
        hits = [c.response["usage"]["prompt_tokens_details"]["cached_tokens"] for c in calls[1:]]
        short = [1 - h / (2048 * -(-h // 2048)) for h in hits if h]
        return cls(
            rate=prompt / grown if grown > 0 else 0.3,
            shortfall=median(short) if short else 0.01,
            cold=sum(h == 0 for h in hits) / max(len(hits), 1),
            studio=sum(c.response["provider"] == "Google AI Studio" for c in calls) / len(calls),
        )


class Splice:
    """The call lines of one session, written in order: real calls kept or shifted, new calls added."""

    def __init__(self, session: str, run: Run, rng: random.Random) -> None:
        self.session, self.run, self.rng = session, run, rng
        self.pace = Pace.of(run)
        self.lines: list[Line] = []
        self.sent: list[dict[str, Any]] = []  # the last call's messages
        self.answer = ""  # the last call's answer
        self.clock = 0.0  # when the next call starts
        self.prompt = 0  # the last call's prompt tokens
        self.added: list[dict[str, Any]] = []  # messages an inserted episode put before the real calls
        self.at = 0  # where they went
        self.shift = 0.0  # how much later the real calls after it start
        self.pending: dict[str, Any] = {}  # the reply to the last call's answer

    def _line(self, ts: float, messages: list[dict[str, Any]], response: dict[str, Any]) -> None:
        request: dict[str, Any] = {"model": "gemini-3-pro-preview"}
        if self.lines:
            request["messages_from"] = len(self.sent)
            request["messages"] = messages[len(self.sent) :]
        else:
            request["messages"] = messages
        line = {"v": 1, "session": self.session, "agent": "miniswe-gemini-3-pro", "seq": len(self.lines)}
        line |= {"ts": ts, "dialect": "openai", "request": request, "response": response}
        self.lines.append(line)
        self.sent, self.answer = messages, response["choices"][0]["message"]["content"]
        self.prompt = response["usage"]["prompt_tokens"]

    def keep(self, call: TraceCall) -> None:
        """A real call: as recorded, or shifted past the episode inserted before it."""
        if not self.added:
            self._line(call.ts, call.messages, copy.deepcopy(call.response))
            self.clock = call.ts
            return
        messages = call.messages[: self.at] + self.added + call.messages[self.at :]
        response = copy.deepcopy(call.response)
        usage = response["usage"]
        grown = round(self.pace.rate * _chars(self.added))
        usage["prompt_tokens"] += grown
        details = usage["prompt_tokens_details"]
        if details["cached_tokens"]:
            details["cached_tokens"] += 2048 * (grown // 2048)
        self._price(usage)
        ts = call.ts + self.shift
        response["created"] = int(ts)
        stamp = int(response["id"].split("-")[1])
        response["id"] = re.sub(r"^gen-\d+", f"gen-{stamp + int(self.shift)}", response["id"])
        self._line(ts, messages, response)
        self.clock = ts

    def add(self, step: Step, base: TraceCall | None = None) -> None:
        """A new call answering `step.answer`; `base` is the real call whose conversation it starts from."""
        if base is not None:
            messages, ts = base.messages, base.ts
            usage = base.response["usage"]
            prompt, cached = usage["prompt_tokens"], usage["prompt_tokens_details"]["cached_tokens"]
        else:
            messages = [*self.sent, {"role": "assistant", "content": self.answer}, self.pending]
            ts = self.clock
            prompt = self.prompt + round(self.pace.rate * _chars(messages[len(self.sent) :]))
            cached = self._cached(prompt)
        self._line(ts, messages, self._response(ts, step.answer, prompt, cached))
        completion = self.lines[-1]["response"]["usage"]["completion_tokens"]
        latency = 1.2 + completion / self.rng.uniform(55, 110) + self.rng.uniform(0, 2.5)
        self.clock = float(int(ts + latency + step.seconds) + 1)
        if step.reply is not None:
            self.pending = {"role": "user", "content": step.reply}

    def insert_before(self, call: TraceCall) -> None:
        """The episode just added sits before `call` and every later real call."""
        self.at = len(call.messages)
        self.added = [*self.sent[self.at :], {"role": "assistant", "content": self.answer}, self.pending]
        self.shift = self.clock - call.ts

    def _cached(self, prompt: int) -> int:
        if self.rng.random() < self.pace.cold:
            return 0
        lag = self.rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
        blocks = max(min(self.prompt, prompt) // 2048 - lag, 0)
        hit = int(blocks * 2048 * (1 - self.pace.shortfall)) - self.rng.randint(0, 12)
        return max(hit, 0)

    def _price(self, usage: dict[str, Any]) -> None:
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        prompt_part, completion_part = cost(
            usage["prompt_tokens"], usage["prompt_tokens_details"]["cached_tokens"], usage["completion_tokens"]
        )
        usage["cost"] = prompt_part + completion_part
        usage["cost_details"]["upstream_inference_prompt_cost"] = prompt_part
        usage["cost_details"]["upstream_inference_completions_cost"] = completion_part

    def _response(self, ts: float, content: str, prompt: int, cached: int) -> dict[str, Any]:
        rng = self.rng
        thinking = rng.randint(40, 420) if rng.random() < 0.03 else 0
        completion = round(len(content) / rng.uniform(3.0, 3.8)) + thinking
        created = int(ts)
        stamp = created - (rng.random() < 0.1)
        provider = "Google AI Studio" if rng.random() < self.pace.studio else "Google"
        usage: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": 0}
        usage |= {"cost": 0.0, "is_byok": False}
        usage["prompt_tokens_details"] = {"cached_tokens": cached, "audio_tokens": 0, "video_tokens": 0}
        usage["cost_details"] = {"upstream_inference_cost": None}
        usage["completion_tokens_details"] = {"reasoning_tokens": thinking, "image_tokens": 0}
        self._price(usage)
        message = {"role": "assistant", "content": content, "refusal": None, "reasoning": None}
        choice = {"logprobs": None, "finish_reason": "stop", "native_finish_reason": "STOP", "index": 0}
        return {
            "id": f"gen-{stamp}-{''.join(rng.choices(ALNUM, k=20))}",
            "provider": provider,
            "model": "google/gemini-3-pro-preview",
            "object": "chat.completion",
            "created": created,
            "choices": [choice | {"message": message}],
            "usage": usage,
        }

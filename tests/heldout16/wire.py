"""A session of the set as call lines: real calls kept as recorded, new ones answered as the run would be.

A new call is billed the way OpenRouter billed the run's own calls (gemini-3-pro-preview: input 2e-6,
cached input 2e-7, output 12e-6 per token), its prompt grows at the run's own tokens per character,
its cache hits lag and miss as the run's did, and its time is the previous call's time plus the
model's latency and the command's run time. Real calls after an episode keep their answers; their
prompts, caches, costs, times and ids move by what the episode added.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import Any

from heldout16.runs import BLOCK, Run

Line = dict[str, Any]
Message = dict[str, Any]

INPUT, CACHED, OUTPUT = 2e-6, 2e-7, 12e-6


@dataclass(frozen=True)
class Step:
    """One answer of the agent, what the harness replied (None for the final one), how long it ran."""

    answer: str
    reply: str | None
    seconds: float


def usage(prompt: int, cached: int, completion: int) -> dict[str, Any]:
    """OpenRouter's usage block, with the cost it reports for gemini-3-pro-preview."""
    prompt_cost = round((prompt - cached) * INPUT + cached * CACHED, 7)
    completion_cost = round(completion * OUTPUT, 7)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": round(prompt_cost + completion_cost, 7),
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0, "video_tokens": 0},
        "cost_details": {
            "upstream_inference_cost": None,
            "upstream_inference_prompt_cost": prompt_cost,
            "upstream_inference_completions_cost": completion_cost,
        },
        "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0},
    }


def _chars(messages: list[Message]) -> int:
    return sum(len(str(m["content"])) for m in messages)


class Session:
    """The calls of one session, written in order; the conversation only ever grows."""

    def __init__(self, session: str, run: Run, rng: random.Random) -> None:
        self.session, self.run, self.rng = session, run, rng
        self.lines: list[Line] = []
        self.messages: list[Message] = []
        self.sent = 0  # messages the previous call carried
        self.ts = 0.0
        self.prompt = 0  # the previous call's prompt tokens
        self.chars = 0  # ... and its conversation's characters
        self.next_ts = 0.0  # when the next call starts, once the previous command has run

    def _emit(self, ts: float, response: Line) -> None:
        request: Line = {"model": self.run.calls[0].request["model"]}
        if self.lines:
            request["messages_from"] = self.sent
        request["messages"] = self.messages[self.sent :]
        self.lines.append(
            {
                "v": 1,
                "session": self.session,
                "agent": self.run.calls[0].agent,
                "seq": len(self.lines),
                "ts": ts,
                "dialect": "openai",
                "request": request,
                "response": response,
            }
        )
        self.sent, self.ts = len(self.messages), ts
        self.prompt, self.chars = int(response["usage"]["prompt_tokens"]), _chars(self.messages)

    def keep(self, upto: int | None = None) -> None:
        """The run's first `upto` calls (all of them by default), untouched."""
        calls = self.run.calls
        for call in calls[:upto]:
            self.messages = list(call.messages)
            self._emit(call.ts, call.response)
        if upto is not None:
            self.messages = list(calls[upto].messages)
            self.next_ts = calls[upto].ts

    def say(self, step: Step) -> None:
        """A new call answered with `step.answer`; the conversation grows by it and its reply."""
        real = self.run.calls[len(self.lines)] if len(self.lines) < len(self.run.calls) else None
        if real is not None and real.messages == self.messages:
            # The same request as the real call: it was billed for the same prompt and cache.
            prompt = int(real.response["usage"]["prompt_tokens"])
            cached = int(real.response["usage"]["prompt_tokens_details"]["cached_tokens"])
        else:
            prompt = self._grown()
            cached = self._cached(prompt)
        pace = self.run.pace
        completion = max(9, round(len(step.answer) * pace.completion_per_char * self.rng.uniform(0.92, 1.08)))
        ts = float(round(self.next_ts))
        response = self._envelope(ts, step.answer, usage(prompt, cached, completion))
        self._emit(ts, response)
        if step.reply is not None:
            self.messages = [
                *self.messages,
                {"role": "assistant", "content": step.answer},
                {"role": "user", "content": step.reply},
            ]
        latency = 1.2 + completion * 0.0125 + self.rng.uniform(0.3, 2.2)
        self.next_ts = ts + max(1, round(latency + step.seconds))

    def _grown(self) -> int:
        added = _chars(self.messages) - self.chars
        return self.prompt + round(added * self.run.pace.prompt_per_char) + self.rng.randint(-3, 6)

    def _cached(self, prompt: int) -> int:
        pace = self.run.pace
        if self.rng.random() < pace.cache_misses:
            return 0
        blocks = max(1, prompt // BLOCK - self.rng.choice(pace.lags))
        cached = blocks * BLOCK + round(self.rng.gauss(0, 12 + 3 * blocks))
        return min(cached, prompt - 40) if cached > 0 else 0

    def _envelope(self, ts: float, content: str, spent: dict[str, Any]) -> Line:
        created = int(ts)
        stamp = created - (self.rng.random() < self.run.pace.id_behind)
        suffix = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(20))
        studio = self.rng.random() < self.run.pace.studio
        return {
            "id": f"gen-{stamp}-{suffix}",
            "provider": "Google AI Studio" if studio else "Google",
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
            "usage": spent,
        }

    def resume(self, start: int) -> None:
        """The run's calls from `start` on, after an episode: same answers, moved by what it added."""
        first = self.run.calls[start]
        grown = self._grown() - int(first.response["usage"]["prompt_tokens"])
        shift = round(self.next_ts) - first.ts
        for seq in range(start, len(self.run.calls)):
            call = self.run.calls[seq]
            if seq > start:
                self.messages = [*self.messages, *call.messages[-2:]]
            spent = call.response["usage"]
            cached = int(spent["prompt_tokens_details"]["cached_tokens"])
            moved = usage(
                int(spent["prompt_tokens"]) + grown,
                cached + BLOCK * (grown // BLOCK) if cached else 0,
                int(spent["completion_tokens"]),
            )
            moved["completion_tokens_details"] = dict(spent["completion_tokens_details"])
            response = dict(call.response)
            behind = int(str(call.response["id"]).split("-")[1]) - int(call.response["created"])
            created = int(call.ts + shift)
            response["id"] = f"gen-{created + behind}-{str(call.response['id']).split('-')[2]}"
            response["created"] = created
            response["usage"] = moved
            self._emit(call.ts + shift, response)

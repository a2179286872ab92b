"""Turning a real run and a family's steps into call lines shaped like the run's own.

Each new call is billed as OpenRouter bills gemini-3-pro for the run's provider, its prompt grown at
the run's own tokens per character and its cache hit drawn from the run's own hits.
"""

from __future__ import annotations

import copy
import random
import string
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from heldout22.runs import Run
from regulator.traces.format import TraceCall

Line = dict[str, Any]
SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"
_LIMIT = 10_000  # the harness shows head and tail of a longer output
_WARNING = (
    "<warning>\nThe output of your last command was too long.\nPlease try a different command that produces less output.\n"
    "If you're looking at a file you can try use head, tail or sed to view a smaller number of lines selectively.\n"
    "If you're using grep or find and it produced too much output, you can use a more selective search pattern.\n"
    "If you really need to see something from the full command's output, you can redirect output to a file and then search in that file.\n"
    "</warning>"
)


@dataclass
class Step:
    """One answer of the agent and what the harness replied (`output` None: the answer submits)."""

    thought: str
    command: str
    output: str | None = None
    rc: int = 0
    seconds: float = 1.0  # how long the command ran
    timed_out: bool = False

    @property
    def answer(self) -> str:
        return f"THOUGHT: {self.thought}\n\n```bash\n{self.command}\n```"

    @property
    def reply(self) -> str:
        text = self.output or ""
        if text and not text.endswith("\n"):
            text += "\n"
        if self.timed_out:
            return (
                f"The last command <command>{self.command}</command> timed out and has been killed.\n"
                f"The output of the command was:\n <output>\n{text}</output>\n"
                "Please try another command and make sure to avoid those requiring interactive input."
            )
        head = f"<returncode>{self.rc}</returncode>\n"
        if len(text) <= _LIMIT:
            return f"{head}<output>\n{text}</output>"
        return (
            f"{head}{_WARNING}<output_head>\n{text[:5000]}\n</output_head>\n<elided_chars>\n"
            f"{len(text) - 10000} characters elided\n</elided_chars>\n<output_tail>\n{text[-5000:]}\n</output_tail>"
        )


def _cost(prompt: int, cached: int, completion: int) -> tuple[float, float, float]:
    prompt_cost = round((prompt - cached) * 2e-6 + cached * 2e-7, 10)
    completion_cost = round(completion * 12e-6, 10)
    return round(prompt_cost + completion_cost, 10), prompt_cost, completion_cost


def _bill(usage: dict[str, Any], prompt: int, cached: int) -> None:
    completion = usage["completion_tokens"]
    total, prompt_cost, completion_cost = _cost(prompt, cached, completion)
    usage.update(prompt_tokens=prompt, total_tokens=prompt + completion, cost=total)
    usage["prompt_tokens_details"]["cached_tokens"] = cached
    usage["cost_details"].update(
        upstream_inference_prompt_cost=prompt_cost, upstream_inference_completions_cost=completion_cost
    )


class Session:
    """The call lines of one session, written as its conversation grows."""

    def __init__(self, name: str, run: Run, rng: random.Random) -> None:
        self.name, self.run, self.rng = name, run, rng
        self.lines: list[Line] = []
        self.messages: list[dict[str, Any]] = []
        self.ts = 0.0
        self.prompt = 0
        self.provider = "Google"

    def _line(self, messages: list[dict[str, Any]], ts: float, response: dict[str, Any]) -> None:
        request: dict[str, Any] = {"model": self.run.calls[0].request["model"]}
        if self.lines:
            request["messages_from"] = len(self.messages)
            request["messages"] = messages[len(self.messages) :]
        else:
            request["messages"] = messages
        self.lines.append(
            {
                "v": 1,
                "session": self.name,
                "agent": self.run.calls[0].agent,
                "seq": len(self.lines),
                "ts": ts,
                "dialect": "openai",
                "request": request,
                "response": response,
            }
        )
        self.messages, self.ts = messages, ts
        self.prompt = response["usage"]["prompt_tokens"]
        self.provider = response.get("provider", self.provider)

    def keep(self, call: TraceCall, inserted: list[dict[str, Any]], at: int, tokens: int, seconds: float) -> None:
        """A real call, after `inserted` messages went in at `at`: its prompt, cache and clock moved on."""
        if not inserted:
            self._line(call.messages, call.ts, call.response)
            return
        response = copy.deepcopy(call.response)
        usage = response["usage"]
        cached = usage["prompt_tokens_details"]["cached_tokens"]
        _bill(usage, usage["prompt_tokens"] + tokens, cached + tokens if cached else 0)
        ts = call.ts + seconds
        stamp = str(response["id"]).split("-")
        response["id"] = "-".join([stamp[0], str(int(stamp[1]) + int(seconds)), *stamp[2:]])
        response["created"] = int(ts)
        self._line(call.messages[:at] + inserted + call.messages[at:], ts, response)

    def tokens_for(self, messages: list[dict[str, Any]]) -> int:
        chars = sum(len(m["content"]) for m in messages)
        return round(chars * self.run.tokens_per_char * self.rng.uniform(0.96, 1.04))

    def new(self, answer: str, messages: list[dict[str, Any]], ts: float, prompt: int, cached: int) -> None:
        """A call the run never made, billed as the run's provider bills."""
        completion = max(9, round(len(answer) / 4 * self.rng.uniform(0.88, 1.12)))
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": 0,
            "cost": 0.0,
            "is_byok": False,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0, "video_tokens": 0},
            "cost_details": {
                "upstream_inference_cost": None,
                "upstream_inference_prompt_cost": 0.0,
                "upstream_inference_completions_cost": 0.0,
            },
            "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0},
        }
        _bill(usage, prompt, cached)
        nonce = "".join(self.rng.choices(string.ascii_letters + string.digits, k=20))
        response = {
            "id": f"gen-{int(ts) - self.rng.randint(0, 2)}-{nonce}",
            "provider": self.provider,
            "model": "google/gemini-3-pro-preview",
            "object": "chat.completion",
            "created": int(ts),
            "choices": [
                {
                    "logprobs": None,
                    "finish_reason": "stop",
                    "native_finish_reason": "STOP",
                    "index": 0,
                    "message": {"role": "assistant", "content": answer, "refusal": None, "reasoning": None},
                }
            ],
            "usage": usage,
        }
        self._line(messages, ts, response)

    def follow(self, before: Step, answer: str) -> float:
        """The next call after `before` was answered and run: returns the seconds it took."""
        added = [{"role": "assistant", "content": before.answer}, {"role": "user", "content": before.reply}]
        prompt = self.prompt + self.tokens_for(added)
        share = self.rng.choice(self.run.cache_shares)
        cached = min(prompt - 1, round(self.prompt * share)) if share > 0.05 else 0
        completion = self.lines[-1]["response"]["usage"]["completion_tokens"]
        seconds = float(round(1 + completion / 70 + before.seconds + self.rng.expovariate(1 / 2.5)))
        self.new(answer, self.messages + added, self.ts + seconds, prompt, cached)
        return seconds


def splice_loop(session: Session, onset: int, steps: list[Step]) -> None:
    """The run's first `onset` calls as recorded, then the family's steps from the onset's own prompt."""
    real = session.run.calls
    for call in real[:onset]:
        session.keep(call, [], 0, 0, 0.0)
    start = real[onset]
    usage = start.response["usage"]
    session.provider = str(start.response.get("provider", session.provider))
    session.new(
        steps[0].answer,
        start.messages,
        start.ts,
        usage["prompt_tokens"],
        usage["prompt_tokens_details"]["cached_tokens"],
    )
    for before, after in pairwise(steps):
        session.follow(before, after.answer)


def splice_episode(session: Session, after: int, steps: list[Step]) -> None:
    """The real run with the episode's steps answered in place of call `after`'s, the run then resuming."""
    real = session.run.calls
    for call in real[:after]:
        session.keep(call, [], 0, 0, 0.0)
    resumed = real[after]
    usage = resumed.response["usage"]
    session.provider = str(resumed.response.get("provider", session.provider))
    session.new(
        steps[0].answer,
        resumed.messages,
        resumed.ts,
        usage["prompt_tokens"],
        usage["prompt_tokens_details"]["cached_tokens"],
    )
    spent = 0.0
    for before, nxt in pairwise(steps):
        spent += session.follow(before, nxt.answer)
    last = steps[-1]
    at = len(resumed.messages)
    inserted = [
        *session.messages[at:],
        {"role": "assistant", "content": last.answer},
        {"role": "user", "content": last.reply},
    ]
    tokens = session.tokens_for(inserted)
    completion = session.lines[-1]["response"]["usage"]["completion_tokens"]
    seconds = spent + round(2 + completion / 70 + last.seconds + session.rng.expovariate(1 / 2.5))
    for call in real[after:]:
        session.keep(call, inserted, at, tokens, seconds)

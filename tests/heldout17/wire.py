"""What a spliced call looks like on the wire: the agent's answer, the harness's reply, the provider's envelope.

The wordings are mini-swe-agent's as the dev runs show them (output cut to its first and last 5,000
characters past 10,000, the timeout and format-error messages). The envelope is cloned from the run's
own responses (OpenRouter or Portkey), its usage grown at the run's own tokens per character, its cache
hits drawn the way the run's provider caches (blocks of about 2,020 tokens, misses more likely when the
route changes provider), its cost by OpenRouter's gemini-3-pro prices.
"""

from __future__ import annotations

import copy
import random
import string
import uuid
from dataclasses import dataclass
from typing import Any

from heldout17.runs import Run

SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"

_WARNING = (
    "<warning>\nThe output of your last command was too long.\nPlease try a different command that produces less output.\n"
    "If you're looking at a file you can try use head, tail or sed to view a smaller number of lines selectively.\n"
    "If you're using grep or find and it produced too much output, you can use a more selective search pattern.\n"
    "If you really need to see something from the full command's output, you can redirect output to a file and then search in that file.\n</warning>"
)
_FORMAT = (
    "Please always provide EXACTLY ONE action in triple backticks, found {n} actions.\n\nPlease format your action in "
    "triple backticks as shown in <response_example>.\n\n<response_example>\nHere are some thoughts about why you want to "
    "perform the action.\n\n```bash\n<action>\n```\n</response_example>\n\nIf you have completed your assignment, please "
    "consult the first message about how to\nsubmit your solution (you will not be able to continue working on this task after that)."
)
_TIMEOUT = (
    "The last command <command>{command}</command> timed out and has been killed.\nThe output of the command was:\n <output>\n"
    "{output}\n</output>\nPlease try another command and make sure to avoid those requiring interactive input."
)

CACHE_BLOCK = 2020
PROVIDERS = ("Google", "Google AI Studio")


@dataclass(frozen=True)
class Step:
    """One answer of the agent and what the harness made of it."""

    thought: str
    command: str
    output: str = ""
    rc: int = 0
    seconds: float = 0.5
    timeout: bool = False
    text: str | None = None  # a whole answer with several bash blocks: the harness refuses it
    blocks: int = 1

    def answer(self) -> str:
        if self.text is not None:
            return self.text
        return f"THOUGHT: {self.thought}\n\n```bash\n{self.command}\n```"

    def reply(self) -> str:
        if self.text is not None:
            return _FORMAT.format(n=self.blocks)
        output = self.output if not self.output or self.output.endswith("\n") else self.output + "\n"
        if self.timeout:
            return _TIMEOUT.format(command=self.command, output=output.rstrip("\n"))
        if len(output) < 10_000:
            return f"<returncode>{self.rc}</returncode>\n<output>\n{output}</output>"
        return (
            f"<returncode>{self.rc}</returncode>\n{_WARNING}<output_head>\n{output[:5000]}\n</output_head>\n"
            f"<elided_chars>\n{len(output) - 10_000} characters elided\n</elided_chars>\n"
            f"<output_tail>\n{output[-5000:]}\n</output_tail>"
        )


def cost_of(usage: dict[str, Any]) -> None:
    """OpenRouter's bill for gemini-3-pro, written into `usage` as the provider reports it."""
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    prompt = round((usage["prompt_tokens"] - cached) * 2e-6 + cached * 2e-7, 7)
    completion = round(usage["completion_tokens"] * 12e-6, 7)
    usage["cost"] = round(prompt + completion, 7)
    usage["cost_details"]["upstream_inference_prompt_cost"] = prompt
    usage["cost_details"]["upstream_inference_completions_cost"] = completion


class Envelope:
    """The responses of one session's spliced calls, continuing the run's provider, cache and clock."""

    def __init__(self, run: Run, rng: random.Random, upto: int) -> None:
        self.run = run
        self.rng = rng
        self.template = run.lines[min(2, len(run.lines) - 1)]["response"]
        self.last_prompt: dict[str, int] = {}
        for line in run.lines[:upto]:
            self.last_prompt[str(line["response"].get("provider"))] = line["response"]["usage"]["prompt_tokens"]
        self.provider = str(run.lines[upto - 1]["response"].get("provider"))

    def _next_provider(self) -> str:
        if self.provider in PROVIDERS and self.rng.random() < self.run.provider_switch:
            return PROVIDERS[1 - PROVIDERS.index(self.provider)]
        return self.provider

    def cached(self, prompt: int, provider: str) -> int:
        last = self.last_prompt.get(provider)
        switched = provider != self.provider
        if last is None or self.rng.random() < (0.25 if switched else 0.06):
            return 0
        blocks = min(last, prompt) // CACHE_BLOCK - (self.rng.random() < 0.15)
        return max(0, blocks * CACHE_BLOCK + self.rng.randint(-30, 30)) if blocks > 0 else 0

    def respond(self, content: str, ts: float, prompt: int, recorded: dict[str, Any] | None = None) -> dict[str, Any]:
        """A response to a prompt of `prompt` tokens; to a recorded request, from where the recording was served."""
        if recorded is None:
            provider = self._next_provider()
            cached = self.cached(prompt, provider)
        else:
            provider = str(recorded.get("provider"))
            cached = recorded["usage"]["prompt_tokens_details"]["cached_tokens"]
        self.last_prompt[provider] = prompt
        self.provider = provider
        body: dict[str, Any] = copy.deepcopy(self.template)
        created = int(ts)
        if str(body["id"]).startswith("gen-"):
            suffix = "".join(self.rng.choices(string.ascii_letters + string.digits, k=20))
            # OpenRouter stamps the id when the request arrives, a second before `created` now and then.
            body["id"] = f"gen-{created - (self.rng.random() < 0.1)}-{suffix}"
            body["provider"] = provider
        else:
            body["id"] = f"portkey-{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"
        body["created"] = created
        message = body["choices"][0]["message"]
        message["content"] = content
        for block in message.get("content_blocks") or []:
            block["text"] = content
        completion = max(12, round(len(content) * self.run.completion_per_char * self.rng.uniform(0.93, 1.07)))
        usage = body["usage"]
        usage["prompt_tokens"] = prompt
        usage["completion_tokens"] = completion
        usage["total_tokens"] = prompt + completion
        usage["prompt_tokens_details"]["cached_tokens"] = cached
        usage["completion_tokens_details"]["reasoning_tokens"] = 0
        if "cost" in usage:
            cost_of(usage)
        return body

    def tokens(self, *texts: str) -> int:
        return round(sum(map(len, texts)) * self.run.tokens_per_char * self.rng.uniform(0.97, 1.03))

    def later(self, ts: float, response: dict[str, Any], step: Step) -> float:
        """When the next call starts: the answer's generation, then the command's run, then the harness."""
        completion = response["usage"]["completion_tokens"]
        wait = 1.2 + completion * 0.0095 + self.rng.uniform(0.3, 2.0) + step.seconds
        return float(int(ts) + max(2, round(wait)))

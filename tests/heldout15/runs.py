"""The dev set's real runs, and how a synthetic stretch is spliced into one.

A loop keeps a real run's first k calls; call k still carries the real request, and from its
answer on the conversation is the loop's. A productive episode goes in after a real command's
result: its calls are new, the rest of the run follows unchanged except that every later request
carries the inserted exchanges (more prompt tokens at the run's own tokens per character, the
cost by the provider's formula, the clock later by the episode's duration).
"""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from regulator.traces.format import TraceCall, iter_trace, read_labels

DEV = Path("/work/shared/traces/dev")
MODEL = "gemini-3-pro-preview"

# OpenRouter's gemini-3-pro-preview prices per token (every recorded cost of the dev set obeys them).
_IN, _CACHED, _OUT = 2e-6, 2e-7, 12e-6


@dataclass(frozen=True)
class Run:
    instance: str
    resolved: bool
    calls: list[TraceCall]


def load_runs(dev: Path = DEV) -> dict[str, Run]:
    """The dev set's real runs billed through OpenRouter (those carry a recorded cost to follow)."""
    labels = read_labels(dev / "labels.jsonl")
    by_session: dict[str, list[TraceCall]] = {}
    for call in iter_trace([dev / "calls.jsonl.gz"]):
        label = labels[call.session]
        if label.family in ("real-resolved", "real-unresolved"):
            by_session.setdefault(call.session, []).append(call)
    return {
        name: Run(name, bool(labels[name].resolved), calls)
        for name, calls in sorted(by_session.items())
        if "cost" in calls[0].response.get("usage", {})
    }


# Where each repository keeps its package and its tests, and the Python its testbed runs.
_LAYOUT: dict[str, tuple[str, str, str, str]] = {
    "astropy": ("astropy", "astropy", "astropy/tests", "3.9"),
    "django": ("django", "django", "tests", "3.9"),
    "matplotlib": ("lib/matplotlib", "matplotlib", "lib/matplotlib/tests", "3.11"),
    "seaborn": ("seaborn", "seaborn", "tests", "3.9"),
    "flask": ("src/flask", "flask", "tests", "3.11"),
    "requests": ("requests", "requests", "tests", "3.9"),
    "xarray": ("xarray", "xarray", "xarray/tests", "3.10"),
    "pylint": ("pylint", "pylint", "tests", "3.9"),
    "pytest": ("src/_pytest", "_pytest", "testing", "3.9"),
    "scikit-learn": ("sklearn", "sklearn", "sklearn/tests", "3.6"),
    "sphinx": ("sphinx", "sphinx", "tests", "3.9"),
    "sympy": ("sympy", "sympy", "sympy/core/tests", "3.9"),
}


@dataclass(frozen=True)
class Repo:
    """What a synthetic stretch needs to know of the run it goes into."""

    instance: str
    name: str
    src: str
    mod: str
    tests: str
    py: str
    target: str
    # The last script the run ran (`python x.py`) before the splice, its return code and output.
    script: str | None = None
    script_rc: int = 0
    script_output: str = ""
    # A function the task's description names, for scripts that call into the code.
    symbol: str = "main"

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.py}"

    @property
    def django(self) -> bool:
        return self.name == "django"

    def test(self, target: str, flags: str = "") -> str:
        """The command this repository's tests run with, for a test file (or Django test label)."""
        if self.django:
            label = target.removeprefix("tests/").removesuffix(".py").replace("/", ".")
            return f"python tests/runtests.py {label}{' ' + flags if flags else ''}"
        return f"python -m pytest {target}{' ' + flags if flags else ''}"

    @property
    def module(self) -> str:
        """The dotted module of `target`."""
        path = self.target.removeprefix("src/").removeprefix("lib/").removesuffix(".py")
        return path.removesuffix("/__init__").replace("/", ".")


def repo_of(run: Run, upto: int) -> Repo:
    """The run's repository, its Python and the source file its first `upto` calls looked at most."""
    name = run.instance.split("__")[1].rsplit("-", 1)[0]
    src, mod, tests, py = _LAYOUT[name]
    text = "\n".join(str(m.get("content", "")) for m in run.calls[min(upto, len(run.calls) - 1)].messages[2:])
    found = re.findall(r"envs/testbed/lib/python(3\.\d+)", text)
    if found:
        py = Counter(found).most_common(1)[0][0]
    paths = [
        p
        for p in re.findall(rf"\b({re.escape(src)}/[\w/]+\.py)\b", text)
        if "/tests/" not in p and "/testing/" not in p and not p.split("/")[-1].startswith("test_")
    ]
    target = Counter(paths).most_common(1)[0][0] if paths else f"{src}/__init__.py"
    script: tuple[str, int, str] | None = None
    messages = run.calls[min(upto, len(run.calls) - 1)].messages
    for asked, answer in zip(messages[2::2], messages[3::2], strict=False):
        command = re.search(r"```bash\n(.*?)\n```", str(asked.get("content", "")), re.S)
        reply = re.fullmatch(
            r"<returncode>(\d+)</returncode>\n<output>\n(.*)</output>", str(answer.get("content", "")), re.S
        )
        ran = command and re.fullmatch(r"(?:cd /testbed && )?python3? (\w+\.py)", command.group(1).strip())
        if ran and reply and reply.group(2).strip():
            script = (ran.group(1), int(reply.group(1)), reply.group(2))
    described = re.findall(r"`(?:\w+\.)*([a-z_][a-z0-9_]{3,})\(", str(messages[1].get("content", "")))
    symbol = Counter(described).most_common(1)[0][0] if described else "main"
    ran_name, ran_rc, ran_output = script or (None, 0, "")
    return Repo(run.instance, name, src, mod, tests, py, target, ran_name, ran_rc, ran_output, symbol)


@dataclass(frozen=True)
class Step:
    """One exchange: the model's answer and what the harness replied; `secs` is the command's run time."""

    thought: str
    command: str
    reply: str
    secs: float = 1.0
    # A whole answer, for the malformed ones (two bash blocks) the harness refuses.
    raw: str | None = None

    @property
    def content(self) -> str:
        if self.raw is not None:
            return self.raw
        return f"THOUGHT: {self.thought}\n\n```bash\n{self.command}\n```"


def _chars(messages: Sequence[dict[str, Any]]) -> int:
    return sum(len(str(m.get("content", ""))) for m in messages)


def _prompt(call: TraceCall) -> int:
    return int(call.response["usage"]["prompt_tokens"])


def tokens_per_char(calls: Sequence[TraceCall]) -> float:
    """The run's own marginal rate: prompt tokens added per character of conversation added."""
    first, last = calls[0], calls[-1]
    grown = _chars(last.messages) - _chars(first.messages)
    if grown <= 0:
        return 1 / 3.2
    return (_prompt(last) - _prompt(first)) / grown


def _cost(usage: dict[str, Any]) -> None:
    """Bill a usage block by OpenRouter's formula, in place."""
    prompt, completion = usage["prompt_tokens"], usage["completion_tokens"]
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    prompt_cost = (prompt - cached) * _IN + cached * _CACHED
    usage["total_tokens"] = prompt + completion
    usage["cost"] = prompt_cost + completion * _OUT
    usage["cost_details"]["upstream_inference_prompt_cost"] = prompt_cost
    usage["cost_details"]["upstream_inference_completions_cost"] = completion * _OUT


def _cached(rng: random.Random, previous_prompt: int, prompt: int) -> int:
    """Implicit caching as the runs show it: blocks of ~2,030 tokens of the previous prompt, sometimes none."""
    if rng.random() < 0.12:
        return 0
    blocks = previous_prompt // 2030 - rng.choices((0, 1, 2, 3), (80, 13, 5, 2))[0]
    if blocks <= 0:
        return 0
    return max(0, min(prompt - 1, blocks * 2030 - int(abs(rng.gauss(0, 110))) + rng.randint(-8, 30)))


_TITLES = (
    "Analyzing the Failure",
    "Revisiting the Approach",
    "Investigating the Error",
    "Considering Alternatives",
    "Re-examining the Output",
    "Tracing the Problem",
    "Refining the Strategy",
)


def _response(rng: random.Random, ts: float, content: str, prompt: int, previous_prompt: int) -> dict[str, Any]:
    created = int(ts)
    reasoning: str | None = None
    reasoning_tokens = 0
    if rng.random() < 0.012:
        first = content.removeprefix("THOUGHT: ").split("\n")[0].strip()
        reasoning = f"**{rng.choice(_TITLES)}**\n\n{first}\n\n\n"
        reasoning_tokens = len(reasoning) // 4 + rng.randint(25, 140)
    completion = max(8, round(len(content) / rng.uniform(2.7, 3.8))) + reasoning_tokens
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": 0,
        "cost": 0.0,
        "is_byok": False,
        "prompt_tokens_details": {
            "cached_tokens": _cached(rng, previous_prompt, prompt),
            "audio_tokens": 0,
            "video_tokens": 0,
        },
        "cost_details": {
            "upstream_inference_cost": None,
            "upstream_inference_prompt_cost": 0.0,
            "upstream_inference_completions_cost": 0.0,
        },
        "completion_tokens_details": {"reasoning_tokens": reasoning_tokens, "image_tokens": 0},
    }
    _cost(usage)
    suffix = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(20))
    return {
        "id": f"gen-{created}-{suffix}",
        "provider": rng.choices(("Google", "Google AI Studio"), (3, 1))[0],
        "model": "google/gemini-3-pro-preview",
        "object": "chat.completion",
        "created": created,
        "choices": [
            {
                "logprobs": None,
                "finish_reason": "stop",
                "native_finish_reason": "STOP",
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None, "reasoning": reasoning},
            }
        ],
        "usage": usage,
    }


def _gap(rng: random.Random, response: dict[str, Any], step: Step) -> float:
    """Seconds until the next call: the model writing its answer, then the command running."""
    writing = 1.0 + response["usage"]["completion_tokens"] * rng.uniform(0.008, 0.02)
    return float(round(writing + step.secs + rng.uniform(0, 1.5)))


def _synthesise(
    rng: random.Random, session: str, start: TraceCall, seq: int, steps: Sequence[Step], rate: float, previous: int
) -> tuple[list[TraceCall], list[dict[str, Any]], float]:
    """Calls answering `steps` from `start`'s request on; the exchanges they add; the clock after them."""
    anchor_chars, anchor_prompt = _chars(start.messages), _prompt(start)
    messages = list(start.messages)
    added: list[dict[str, Any]] = []
    ts = start.ts
    out: list[TraceCall] = []
    for i, step in enumerate(steps):
        prompt = anchor_prompt + round((_chars(messages) - anchor_chars) * rate)
        response = _response(rng, ts, step.content, prompt, previous)
        request = {"model": MODEL, "messages": messages}
        out.append(TraceCall(session, start.agent, seq + i, ts, "openai", request, response))
        exchange = [{"role": "assistant", "content": step.content}, {"role": "user", "content": step.reply}]
        messages = messages + exchange
        added += exchange
        previous = prompt
        ts += _gap(rng, response, step)
    return out, added, ts


def splice_loop(rng: random.Random, session: str, run: Run, k: int, steps: Sequence[Step]) -> list[TraceCall]:
    """The run's first `k` calls, then `steps` answered from call k on (call k is the loop's first)."""
    kept = [replace(call, session=session) for call in run.calls[:k]]
    rate = tokens_per_char(run.calls[: k + 1])
    tail, _, _ = _synthesise(rng, session, run.calls[k], k, steps, rate, _prompt(run.calls[k - 1]))
    return kept + tail


def normal_reply(call: TraceCall) -> bool:
    """Whether the last message of a call's request is a plain command result."""
    text = str(call.messages[-1].get("content", ""))
    return text.startswith("<returncode>") and "<warning>" not in text


def splice_episode(rng: random.Random, session: str, run: Run, k: int, steps: Sequence[Step]) -> list[TraceCall]:
    """`steps` inserted after call k's command result; the rest of the run follows, carrying them."""
    calls = run.calls
    start = calls[k + 1]
    rate = tokens_per_char(calls)
    episode, added, clock = _synthesise(rng, session, start, k + 1, steps, rate, _prompt(calls[k]))
    cut, extra = len(start.messages), round(_chars(added) * rate)
    shift = clock - start.ts
    rest: list[TraceCall] = []
    for call in calls[k + 1 :]:
        response = orjson.loads(orjson.dumps(call.response))
        usage = response["usage"]
        usage["prompt_tokens"] += extra
        _cost(usage)
        response["created"] += int(shift)
        response["id"] = re.sub(r"^gen-\d+-", f"gen-{response['created']}-", response["id"])
        messages = call.messages[:cut] + added + call.messages[cut:]
        request = {**call.request, "messages": messages}
        rest.append(
            replace(
                call, session=session, seq=call.seq + len(steps), ts=call.ts + shift, request=request, response=response
            )
        )
    head = [replace(call, session=session) for call in calls[: k + 1]]
    return head + episode + rest

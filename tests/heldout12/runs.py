"""Real mini-swe-agent runs from the dev set, and how exchanges are spliced into them.

A spliced call must look like the run's own: the same request and response envelopes, prompt tokens
growing at the run's own tokens per character, completion tokens at its own characters per token,
cached tokens in the provider's ~2,000-token tiers, and cost by the price OpenRouter billed the run
(gemini-3-pro-preview: $2/$12 per million tokens, cached input at a tenth, doubled-ish above 200k).
"""

from __future__ import annotations

import copy
import gzip
import json
import random
import re
import statistics
import string
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DEV = Path("/work/shared/traces/dev")

Line = dict[str, Any]
Message = dict[str, Any]


@dataclass(frozen=True)
class Exchange:
    """One step of the agent: what it answered, what the harness replied, how long the command ran."""

    content: str
    reply: str
    secs: float


@dataclass(frozen=True)
class Run:
    instance: str
    resolved: bool
    lines: tuple[Line, ...]
    full: tuple[tuple[Message, ...], ...]  # each call's whole request messages

    @property
    def openrouter(self) -> bool:
        """Billed through OpenRouter (usage.cost present): the envelope spliced calls can copy."""
        return all("cost" in line["response"]["usage"] for line in self.lines)


@cache
def dev_runs(directory: Path = DEV) -> dict[str, Run]:
    """The dev set's real runs by instance id (the synthetic loops and negatives left out)."""
    labels = [json.loads(row) for row in (directory / "labels.jsonl").read_text().splitlines() if row]
    real = {row["session"]: bool(row["resolved"]) for row in labels if row["family"].startswith("real-")}
    by_session: dict[str, list[Line]] = defaultdict(list)
    with gzip.open(directory / "calls.jsonl.gz", "rt", encoding="utf-8") as stream:
        for raw in stream:
            line = json.loads(raw)
            if line["session"] in real:
                by_session[line["session"]].append(line)
    runs = {}
    for session, lines in by_session.items():
        lines.sort(key=lambda line: line["seq"])
        full: list[tuple[Message, ...]] = []
        for line in lines:
            request = line["request"]
            kept = full[-1][: request["messages_from"]] if "messages_from" in request else ()
            full.append(tuple(kept) + tuple(request["messages"]))
        runs[session] = Run(session, real[session], tuple(lines), tuple(full))
    return runs


def chars(messages: tuple[Message, ...] | list[Message]) -> int:
    return sum(len(message["content"]) for message in messages)


# ---------------------------------------------------------------- metering


def price(usage: dict[str, Any]) -> None:
    """Fill in total tokens and cost the way OpenRouter billed gemini-3-pro-preview."""
    prompt, completion = usage["prompt_tokens"], usage["completion_tokens"]
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    rate, out_rate = (4e-6, 18e-6) if prompt > 200_000 else (2e-6, 12e-6)
    prompt_cost = round((prompt - cached) * rate + cached * rate / 10, 10)
    completion_cost = round(completion * out_rate, 10)
    usage["total_tokens"] = prompt + completion
    usage["cost"] = round(prompt_cost + completion_cost, 10)
    usage["cost_details"]["upstream_inference_prompt_cost"] = prompt_cost
    usage["cost_details"]["upstream_inference_completions_cost"] = completion_cost


def response_id(created: int, rng: random.Random) -> str:
    return f"gen-{created}-" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(20))


class Meter:
    """Answers in one run's envelope, with its own token rates, providers and cache tiers."""

    def __init__(self, run: Run, rng: random.Random) -> None:
        self.rng = rng
        self.template = run.lines[-1]["response"]
        usages = [line["response"]["usage"] for line in run.lines]
        self.tokens_per_char = statistics.median(
            usage["prompt_tokens"] / max(1, chars(full)) for usage, full in zip(usages, run.full, strict=True)
        )
        ratios = [
            len(line["response"]["choices"][0]["message"]["content"]) / usage["completion_tokens"]
            for line, usage in zip(run.lines, usages, strict=True)
            if usage["completion_tokens_details"]["reasoning_tokens"] == 0 and usage["completion_tokens"] > 0
        ]
        self.chars_per_token = statistics.median(ratios) if ratios else 3.3
        self.providers = [line["response"]["provider"] for line in run.lines]
        self.provider = self.providers[-1]

    def answer(self, content: str, prompt: int, previous_prompt: int, created: int) -> dict[str, Any]:
        response: dict[str, Any] = copy.deepcopy(self.template)
        switched = False
        if self.rng.random() < 0.12:  # the runs move between Google endpoints in streaks
            choice = self.rng.choice(self.providers)
            switched, self.provider = choice != self.provider, choice
        response["id"] = response_id(created - (self.rng.random() < 0.1), self.rng)
        response["provider"] = self.provider
        response["created"] = created
        choice_ = response["choices"][0]
        choice_.pop("error", None)
        choice_["finish_reason"], choice_["native_finish_reason"] = "stop", "STOP"
        choice_["message"] = {"role": "assistant", "content": content, "refusal": None, "reasoning": None}
        usage = response["usage"]
        completion = max(8, round(len(content) / self.chars_per_token * self.rng.uniform(0.9, 1.1)))
        usage["prompt_tokens"], usage["completion_tokens"] = prompt, completion
        usage["completion_tokens_details"]["reasoning_tokens"] = 0
        usage["prompt_tokens_details"]["cached_tokens"] = self.cached(previous_prompt, prompt, switched)
        price(usage)
        return response

    def cached(self, previous_prompt: int, prompt: int, switched: bool) -> int:
        if switched and self.rng.random() < 0.7:
            return 0
        tier = previous_prompt // 2000 - (0 if self.rng.random() < 0.8 else self.rng.randint(1, 2))
        if tier <= 0:
            return 0
        return min(prompt - 1, tier * 2000 + self.rng.randint(-60, 90))

    def latency(self, content: str) -> float:
        return 1.0 + len(content) / self.chars_per_token / 110 + self.rng.uniform(0.3, 2.5)


# ---------------------------------------------------------------- splicing


def _line(template: Line, session: str, seq: int, ts: float, request: dict[str, Any], response: Any) -> Line:
    return {
        "v": 1,
        "session": session,
        "agent": template["agent"],
        "seq": seq,
        "ts": ts,
        "dialect": template["dialect"],
        "request": request,
        "response": response,
    }


def _request(model: str, messages_from: int, messages: list[Message]) -> dict[str, Any]:
    return {"model": model, "messages_from": messages_from, "messages": messages}


def _turn(exchange: Exchange) -> list[Message]:
    return [{"role": "assistant", "content": exchange.content}, {"role": "user", "content": exchange.reply}]


def _synthetic(
    run: Run, meter: Meter, session: str, seq: int, first: Line, exchanges: list[Exchange]
) -> tuple[list[Line], float]:
    """Calls answering `exchanges` in turn, the first on `first`'s request: (lines, when the next call starts)."""
    lines: list[Line] = []
    ts = first["ts"]
    prompt = first["response"]["usage"]["prompt_tokens"]
    previous_prompt = run.lines[max(0, first["seq"] - 1)]["response"]["usage"]["prompt_tokens"]
    count = len(run.full[first["seq"]])
    model = first["request"]["model"]
    for i, exchange in enumerate(exchanges):
        if i == 0:
            request = copy.deepcopy(first["request"])
        else:
            turn = _turn(exchanges[i - 1])
            request = _request(model, count, turn)
            count += 2
            previous_prompt, prompt = prompt, prompt + round(chars(turn) * meter.tokens_per_char)
        lines.append(
            _line(
                first, session, seq + i, ts, request, meter.answer(exchange.content, prompt, previous_prompt, int(ts))
            )
        )
        ts = float(int(ts + meter.latency(exchange.content) + exchange.secs))
    return lines, ts


def verbatim(run: Run, session: str, upto: int | None = None) -> list[Line]:
    return [{**copy.deepcopy(line), "session": session} for line in run.lines[:upto]]


def splice_loop(run: Run, session: str, onset: int, tail: list[Exchange], rng: random.Random) -> list[Line]:
    """The run's first `onset` calls, then one call per exchange of the loop's tail."""
    lines = verbatim(run, session, onset)
    made, _ = _synthetic(run, Meter(run, rng), session, onset, run.lines[onset], tail)
    return lines + made


def splice_work(run: Run, session: str, after: int, episode: list[Exchange], rng: random.Random) -> list[Line]:
    """An episode inserted after call `after`; the rest of the run follows, its requests carrying it."""
    meter = Meter(run, rng)
    lines = verbatim(run, session, after + 1)
    made, ts = _synthetic(run, meter, session, after + 1, run.lines[after + 1], episode)
    lines += made
    inserted = [message for exchange in episode for message in _turn(exchange)]
    extra_tokens = round(chars(inserted) * meter.tokens_per_char)
    shift = ts - run.lines[after + 1]["ts"]
    for j in range(after + 1, len(run.lines)):
        real = copy.deepcopy(run.lines[j])
        request = real["request"]
        if j == after + 1:
            request["messages_from"] = len(run.full[j]) + len(inserted) - 2
            request["messages"] = inserted[-2:]
        else:
            request["messages_from"] += len(inserted)
        response = real["response"]
        response["created"] = int(real["ts"] + shift)
        # The id carries the second OpenRouter stamped it with (sometimes one before `created`).
        response["id"] = re.sub(r"^gen-(\d+)-", lambda m: f"gen-{int(m.group(1)) + int(shift)}-", response["id"])
        response["usage"]["prompt_tokens"] += extra_tokens
        price(response["usage"])
        lines.append(_line(real, session, len(lines), real["ts"] + shift, request, response))
    return lines


# ---------------------------------------------------------------- what the run worked on

PACKAGES = {
    "django": ("django", "django"),
    "sympy": ("sympy", "sympy"),
    "sphinx": ("sphinx", "sphinx"),
    "matplotlib": ("matplotlib", "lib/matplotlib"),
    "scikit-learn": ("sklearn", "sklearn"),
    "xarray": ("xarray", "xarray"),
    "pytest": ("_pytest", "src/_pytest"),
    "astropy": ("astropy", "astropy"),
    "requests": ("requests", "requests"),
    "pylint": ("pylint", "pylint"),
    "seaborn": ("seaborn", "seaborn"),
    "flask": ("flask", "src/flask"),
}
FALLBACK_SOURCE = {
    "django": "django/db/models/query.py",
    "sympy": "sympy/core/basic.py",
    "sphinx": "sphinx/util/inspect.py",
    "matplotlib": "lib/matplotlib/axes/_base.py",
    "scikit-learn": "sklearn/utils/validation.py",
    "xarray": "xarray/core/dataset.py",
    "pytest": "src/_pytest/python.py",
    "astropy": "astropy/units/core.py",
    "requests": "requests/models.py",
    "pylint": "pylint/lint/pylinter.py",
    "seaborn": "seaborn/_core/scales.py",
    "flask": "src/flask/app.py",
}
_NOT_SYMBOLS = {"self", "None", "True", "False", "return", "import", "python", "pytest", "print", "test", "tests"}


@dataclass(frozen=True)
class Ctx:
    """The names a spliced episode talks about, taken from the run itself."""

    instance: str
    repo: str
    pkg: str
    src: str
    test: str
    tests: tuple[str, ...]  # test function names the run mentions
    symbol: str
    py: str  # "3.9"
    py_full: str  # "3.9.20"
    pytest: str
    configfile: str

    @property
    def django(self) -> bool:
        return self.repo == "django"

    @property
    def module(self) -> str:
        """The source file as a dotted import path."""
        path = self.src.removeprefix("lib/").removeprefix("src/").removesuffix(".py")
        return path.replace("/", ".").removesuffix(".__init__")

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.py}/site-packages"

    @property
    def app(self) -> str:
        """Django's test label for the test file (tests/<app>/tests.py)."""
        parts = self.test.split("/")
        return parts[1] if len(parts) > 2 else "utils_tests"


def _most(found: list[str], fallback: str) -> str:
    return Counter(found).most_common(1)[0][0] if found else fallback


def context(run: Run) -> Ctx:
    repo = run.instance.split("__")[1].rsplit("-", 1)[0]
    pkg, prefix = PACKAGES[repo]
    said = "\n".join(line["response"]["choices"][0]["message"]["content"] for line in run.lines)
    heard = "\n".join(message["content"] for message in run.full[-1] if message["role"] == "user")
    sources = [
        path
        for path in re.findall(rf"\b({re.escape(prefix)}/[\w/]+\.py)\b", said)
        if "/tests/" not in path and "/testing/" not in path and not path.rsplit("/", 1)[-1].startswith("test")
    ]
    if repo == "django":
        tests = re.findall(r"\b(tests/\w+/tests?\w*\.py)\b", said)
    else:
        tests = [path for path in re.findall(r"\b((?:[\w]+/)*tests?/(?:[\w]+/)*test_\w+\.py)\b", said)]
    src = _most(sources, FALLBACK_SOURCE[repo])
    stem = src.rsplit("/", 1)[-1].removesuffix(".py")
    fallback_test = (
        "tests/utils_tests/test_functional.py" if repo == "django" else f"{src.rsplit('/', 1)[0]}/tests/test_{stem}.py"
    )
    names = [name for name in re.findall(r"\bdef (test_\w+)", said + heard) if len(name) < 48]
    symbols = [
        name
        for name in re.findall(r"`(_?[a-z][a-z0-9_]{3,30})(?:\(\))?`", said)
        if name not in _NOT_SYMBOLS and not name.startswith("test") and ("_" in name.strip("_") or len(name) > 6)
    ]
    version = re.search(r"Python (3\.\d+)\.(\d+)", heard)
    py_full = f"{version.group(1)}.{version.group(2)}" if version else "3.9.20"
    found_pytest = re.search(r"pytest-(\d+\.\d+\.\d+)", heard)
    found_config = re.search(r"configfile: (\S+)", heard)
    return Ctx(
        instance=run.instance,
        repo=repo,
        pkg=pkg,
        src=src,
        test=_most(tests, fallback_test),
        tests=tuple(dict.fromkeys(names))[:6] or (f"test_{stem}_roundtrip", f"test_{stem}_defaults"),
        symbol=_most(symbols, stem),
        py=py_full.rsplit(".", 1)[0],
        py_full=py_full,
        pytest=found_pytest.group(1) if found_pytest else "7.4.0",
        configfile=found_config.group(1) if found_config else "setup.cfg",
    )


@cache
def repo_names(repo: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Source files and function names the dev set's runs on `repo` saw: what an investigation reads."""
    prefix = PACKAGES[repo][1]
    paths: set[str] = set()
    names: set[str] = set()
    for run in dev_runs().values():
        if run.instance.split("__")[1].rsplit("-", 1)[0] != repo:
            continue
        text = "\n".join(message["content"] for message in run.full[-1])
        paths.update(re.findall(rf"\b({re.escape(prefix)}/[a-z_/]+\.py)\b", text))
        names.update(
            name for name in re.findall(r"\bdef ([a-z_][a-z0-9_]{3,30})\(", text) if not name.startswith(("test", "__"))
        )
    return tuple(sorted(paths)), tuple(sorted(names))

"""The tenth held-out set: episodes spliced into the dev set's real gemini-3-pro mini-swe-agent runs.

A loop keeps a real run's first 3–18 calls and replaces the rest with a tail of 13–40 calls that
make no progress; a productive session is a resolved run with an episode inserted after one of its
calls, the rest of the run following with the episode in every later request. Synthetic calls copy
their run's envelopes, providers, cache behaviour, tokens per character and pricing.
"""

from __future__ import annotations

import copy
import gzip
import json
import random
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heldout10 import episodes, loops
from heldout10.context import Ctx, context
from heldout10.runs import Act, Dev, Line, Message, Run, load

LoopBuilder = Callable[[Ctx, int], list[Act]]
Fits = Callable[[Run, Dev], bool]

# Gemini 3 Pro (preview) on OpenRouter, USD per token: what every real run's cost_details come to.
PROMPT, CACHED, COMPLETION = 2e-6, 2e-7, 12e-6
OPENING, TAIL = (3, 18), (13, 40)


def _own_file(run: Run, dev: Dev) -> bool:
    return any(p in dev.files.get(run.repo, {}) for p in run.sources)


def _repos(*repos: str) -> Fits:
    return lambda run, dev: run.repo in repos


def _anything(run: Run, dev: Dev) -> bool:
    return True


LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "context-regrowth": (loops.context_regrowth, 8),
    "unfixable-env": (loops.unfixable_env("network-pip"), 10),  # builder chosen per session below
    "version-hunt": (loops.version_hunt, 7),
    "flaky-chase": (loops.flaky_chase, 7),
    "oscillating-fix": (loops.oscillating_fix, 6),
    "hung-process": (loops.hung_process, 6),
    "reread-spiral": (loops.reread_spiral, 6),
}
PRODUCTIVE: dict[str, tuple[episodes.Episode | None, int]] = {
    "suite-with-known-failures": (episodes.suite_with_known_failures, 9),
    "transient-then-ok": (episodes.transient_then_ok, 8),
    "background-build": (episodes.background_build, 8),
    "env-fixed": (episodes.env_fixed, 7),
    "wide-exploration": (episodes.wide_exploration, 8),
    "debug-prints": (episodes.debug_prints, 7),
    "red-green": (episodes.red_green, 7),
    "real-resolved": (None, 26),
}
FITS: dict[str, Fits] = {
    "context-regrowth": _own_file,
    "version-hunt": lambda run, dev: run.repo in loops.VERSIONS,
    "reread-spiral": _own_file,
    "wide-exploration": lambda run, dev: len(dev.files.get(run.repo, {})) >= 12,
}


@dataclass
class Pricing:
    """How one run's calls are billed and cached, learned from the run itself."""

    tokens_per_char: float
    providers: list[str]

    @staticmethod
    def of(run: Run) -> Pricing:
        return Pricing(run.tokens_per_char(), [line["response"]["provider"] for line in run.lines])


def usage(template: dict[str, Any], prompt: int, cached: int, completion: int) -> dict[str, Any]:
    """The run's own usage object with new counts and the cost the provider would bill for them."""
    out = copy.deepcopy(template)
    prompt_cost = round((prompt - cached) * PROMPT + cached * CACHED, 10)
    completion_cost = round(completion * COMPLETION, 10)
    out.update(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        cost=prompt_cost + completion_cost,
    )
    out["prompt_tokens_details"]["cached_tokens"] = cached
    out["cost_details"]["upstream_inference_prompt_cost"] = prompt_cost
    out["cost_details"]["upstream_inference_completions_cost"] = completion_cost
    return out


def _cached(rng: random.Random, previous_prompt: int, prompt: int) -> int:
    """Gemini's implicit cache: a whole number of ~2k-token blocks of the previous prompt, or a miss."""
    if rng.random() < 0.12:
        return 0
    block = rng.randint(2000, 2035)
    blocks = previous_prompt // block - (1 if rng.random() < 0.2 else 0)
    return max(0, min(prompt - 1, blocks * block + rng.randint(-20, 40))) if blocks > 0 else 0


def _gen_id(rng: random.Random, created: int) -> str:
    return f"gen-{created}-{''.join(rng.choice(string.ascii_letters + string.digits) for _ in range(20))}"


class Splicer:
    """Writes one session: real calls as recorded (shifted), synthetic calls in the run's own dress."""

    def __init__(self, run: Run, rng: random.Random, session: str) -> None:
        self.run, self.rng, self.session = run, rng, session
        self.pricing = Pricing.of(run)
        self.template = next(
            line["response"]
            for line in run.lines[3:] + run.lines
            if line["response"]["choices"][0]["message"].get("reasoning") is None
        )
        self.lines: list[Line] = []
        self.previous: list[Message] = []
        self.previous_prompt = 0

    def _encode(self, messages: list[Message]) -> dict[str, Any]:
        request: dict[str, Any] = {"model": self.run.lines[0]["request"]["model"]}
        if self.previous and messages[: len(self.previous)] == self.previous:
            request["messages"] = messages[len(self.previous) :]
            request["messages_from"] = len(self.previous)
        else:
            request["messages"] = messages
        self.previous = messages
        return request

    def real(self, seq: int, messages: list[Message], added_chars: int, shift: int) -> None:
        """Real call `seq`, its request now `messages` (`added_chars` more than recorded), `shift` s later."""
        line = self.run.lines[seq]
        response = copy.deepcopy(line["response"])
        if added_chars or shift:
            u = response["usage"]
            prompt = u["prompt_tokens"] + round(added_chars * self.pricing.tokens_per_char)
            response["usage"] = usage(u, prompt, u["prompt_tokens_details"]["cached_tokens"], u["completion_tokens"])
            response["created"] += shift
            response["id"] = _gen_id(self.rng, response["created"])
        self.previous_prompt = response["usage"]["prompt_tokens"]
        self.lines.append(
            {
                "v": 1,
                "session": self.session,
                "agent": line["agent"],
                "seq": len(self.lines),
                "ts": line["ts"] + shift,
                "dialect": "openai",
                "request": self._encode(messages),
                "response": response,
            }
        )

    def synthetic(self, messages: list[Message], anchor: int, content: str, ts: float) -> float:
        """A synthetic answer to `messages`; prompt tokens grow from real call `anchor`'s. Returns its length in s."""
        rng = self.rng
        base = self.run.lines[anchor]["response"]["usage"]["prompt_tokens"]
        chars = sum(len(m["content"]) for m in messages) - self.run.chars(anchor)
        prompt = base + round(chars * self.pricing.tokens_per_char)
        completion = max(8, round(len(content) / rng.uniform(3.0, 3.8)))
        response = copy.deepcopy(self.template)
        created = int(ts)
        response.update(id=_gen_id(rng, created), provider=rng.choice(self.pricing.providers), created=created)
        message = response["choices"][0]["message"]
        message["content"] = content
        response["usage"] = usage(
            self.template["usage"], prompt, _cached(rng, self.previous_prompt, prompt), completion
        )
        self.previous_prompt = prompt
        self.lines.append(
            {
                "v": 1,
                "session": self.session,
                "agent": self.run.lines[0]["agent"],
                "seq": len(self.lines),
                "ts": float(created),
                "dialect": "openai",
                "request": self._encode(messages),
                "response": response,
            }
        )
        return 1.2 + completion / rng.uniform(60, 160) + rng.uniform(0, 2.5)


def splice_loop(run: Run, rng: random.Random, session: str, cut: int, acts: list[Act]) -> list[Line]:
    splicer = Splicer(run, rng, session)
    for seq in range(cut):
        splicer.real(seq, run.requests[seq], 0, 0)
    messages = run.requests[cut]
    ts = run.lines[cut]["ts"]
    for act in acts:
        took = splicer.synthetic(messages, cut, act.content, ts)
        ts = float(int(ts + took + act.secs) + 1)
        messages = [*messages, {"role": "assistant", "content": act.content}, {"role": "user", "content": act.reply}]
    return splicer.lines


def splice_episode(run: Run, rng: random.Random, session: str, after: int, acts: list[Act]) -> list[Line]:
    splicer = Splicer(run, rng, session)
    for seq in range(after + 1):
        splicer.real(seq, run.requests[seq], 0, 0)
    resume = after + 1
    messages = run.requests[resume]
    ts = run.lines[resume]["ts"]
    inserted: list[Message] = []
    for act in acts:
        took = splicer.synthetic([*messages, *inserted], resume, act.content, ts)
        ts = float(int(ts + took + act.secs) + 1)
        inserted += [{"role": "assistant", "content": act.content}, {"role": "user", "content": act.reply}]
    shift = int(ts - run.lines[resume]["ts"])
    at = len(messages)
    added = sum(len(m["content"]) for m in inserted)
    for seq in range(resume, len(run.lines)):
        recorded = run.requests[seq]
        splicer.real(seq, [*recorded[:at], *inserted, *recorded[at:]], added, shift)
    return splicer.lines


def _allocate(dev: Dev, rng: random.Random) -> list[tuple[str, str, Run]]:
    """(family, variant, base run) for every session: each real run used once, where its family fits."""
    resolved = dev.by_label("real-resolved")
    rng.shuffle(resolved)
    used: set[str] = set()
    plan: list[tuple[str, str, Run]] = []

    def take(pool: list[Run], fits: Fits, size: int) -> Run:
        for run in pool:
            if run.session not in used and fits(run, dev) and len(run.lines) >= size:
                used.add(run.session)
                return run
        raise LookupError("no real run left for this family")

    for family, (_, count) in PRODUCTIVE.items():
        for _ in range(count):
            plan.append((family, "", take(resolved, FITS.get(family, _anything), 8)))
    pool = dev.by_label("real-unresolved") + resolved
    rng.shuffle(pool)
    variants = list(loops.UNFIXABLE)
    for family, (_, count) in LOOPS.items():
        for i in range(count):
            if family == "unfixable-env":
                variant = variants[i % len(variants)]
                plan.append((family, variant, take(pool, _repos(*loops.UNFIXABLE[variant][0]), 5)))
            else:
                plan.append((family, "", take(pool, FITS.get(family, _anything), 5)))
    return plan


def build(dev: Dev) -> list[tuple[Line, list[Line]]]:
    rng = random.Random("heldout10")
    built: list[tuple[Line, list[Line]]] = []
    numbers: Counter[str] = Counter()
    for family, variant, run in _allocate(dev, rng):
        numbers[family] += 1
        session = f"heldout10/{family}/{run.session}#{numbers[family]}"
        srng = random.Random(session)
        if family == "real-resolved":
            lines = [{**line, "session": session} for line in run.lines]
            built.append((label(session, family, None), lines))
            continue
        ctx = context(run, dev, srng, (60, 160) if family == "context-regrowth" else (14, 48))
        if family in LOOPS:
            if family in ("context-regrowth", "reread-spiral"):
                ctx.source = next(p for p in run.sources if p in dev.files[run.repo])
            cut = srng.randint(OPENING[0], min(OPENING[1], len(run.lines) - 2))
            builder = loops.unfixable_env(variant) if variant else LOOPS[family][0]
            acts = builder(ctx, srng.randint(*TAIL))
            built.append((label(session, family, cut), splice_loop(run, srng, session, cut, acts)))
        else:
            episode = PRODUCTIVE[family][0]
            assert episode is not None
            after = srng.randint(max(2, int(len(run.lines) * 0.45)), len(run.lines) - 3)
            built.append((label(session, family, None), splice_episode(run, srng, session, after, episode(ctx))))
    rng.shuffle(built)
    return built


def label(session: str, family: str, onset: int | None) -> Line:
    kind = "productive" if onset is None else "loop"
    return {"session": session, "label": kind, "loop_from_seq": onset, "family": family, "resolved": None}


def write(directory: Path) -> Path:
    """`calls.jsonl.gz` and `labels.jsonl` of the tenth held-out set in `directory`; the calls' path."""
    built = build(load())
    directory.mkdir(parents=True, exist_ok=True)
    with gzip.open(directory / "calls.jsonl.gz", "wt", encoding="utf-8") as out:
        for _, lines in built:
            out.writelines(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    (directory / "labels.jsonl").write_text(
        "".join(json.dumps(labelled) + "\n" for labelled, _ in built), encoding="utf-8"
    )
    return directory / "calls.jsonl.gz"

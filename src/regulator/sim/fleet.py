"""A fleet of simulated coding agents calling a gateway concurrently with the official `openai` SDK.

Each `SimAgent` works through tasks (one `X-Regulator-Session` each) with its own regulator key,
resending its growing conversation on every call and telling the mock upstream what to answer
(`x-mock-reply`), so the conversation follows its behaviour. A refusal from the gateway ends the
agent the way it would end a real harness: paused (429 `agent_paused`), killed (403), over budget
(`budget_exceeded`); rate limiting (429 with Retry-After) only slows it down.

After the run, `project` continues every agent offline, step by step, with the mock's own token
counting and the model's catalog price: what it would have spent up to the scenario's horizon.
For a stopped agent that is the spend regulator prevented.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import openai
import orjson

from regulator.mock.server import encode_reply
from regulator.pricing.catalog import ModelPrice
from regulator.pricing.usage import usage_from_openai
from regulator.sim.agents import (
    BASH_TOOL,
    LEGITIMATE,
    Conversation,
    Step,
    answer_message,
    estimate_usage,
    steps,
)
from regulator.sim.scenarios import MONTH_S, AgentSpec, Scenario
from regulator.sim.workspace import issue_text, make_repo
from regulator.traces.format import TraceCall, TraceWriter

REVIEW_SYSTEM = "You are a senior engineer reviewing code for a migration. Answer concisely, as a bullet list."
_REVIEWS = (
    "- `{fn}` reads the config once at import; it must copy it before mutating.\n- 3 call sites pass the "
    "mapping on "
    "unchanged: no change needed.\n- The CLI entry point writes to it: wrap in `dict(...)`.",
    "- No public function mutates the loaded config.\n- One helper, `_merge`, updates it in place: return a "
    "new "
    "dict instead.\n- Tests build configs by hand and are unaffected.",
)
SHADOW_MAX_TURNS = 600  # beyond this, the projection extrapolates the mean cost per turn


class _Stopped(Exception):
    def __init__(self, kind: str, code: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.code, self.reason = kind, code, reason


@dataclass(slots=True)
class AgentState:
    spec: AgentSpec
    calls: int = 0  # calls the gateway forwarded (what the ledger records)
    requests: int = 0  # HTTP requests sent, refusals included
    throttled: int = 0
    errors: int = 0
    spend_usd: float = 0.0
    loop_usd: float = 0.0  # spent on steps of a no-progress loop
    input_tokens: int = 0
    output_tokens: int = 0
    turns: int = 0
    tasks_done: int = 0
    sim_s: float = 0.0  # the agent's simulated clock
    active_s: float = 0.0  # wall-clock seconds it ran
    stop: str | None = None  # paused | killed | budget | error
    stop_code: str = ""
    stop_reason: str = ""
    future_usd: float = 0.0  # projected spend from the end of its run (or its stop) to the horizon

    @property
    def legitimate(self) -> bool:
        return self.spec.behaviour in LEGITIMATE


@dataclass(slots=True)
class TraceSink:
    """The run's trace (docs/trace-format.md) and its labels, written as the agents call.

    A label is written as its session ends rather than kept: a soak starts thousands of sessions.
    """

    path: Path
    writer: TraceWriter = field(init=False)
    labels: IO[bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.writer = TraceWriter(self.path)
        self.labels = (self.path.parent / "labels.jsonl").open("wb")

    def end_session(self, session: str, behaviour: str, loop_from: int | None) -> None:
        self.writer.forget(session)
        label = "loop" if behaviour not in LEGITIMATE and loop_from is not None else "productive"
        line = {"session": session, "label": label, "loop_from_seq": loop_from, "family": f"sim-{behaviour}"}
        self.labels.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))

    def close(self) -> None:
        self.writer.close()
        self.labels.close()


class SimAgent:
    def __init__(
        self,
        spec: AgentSpec,
        scenario: Scenario,
        client: openai.AsyncOpenAI,
        price: ModelPrice,
        sink: TraceSink | None,
    ) -> None:
        self.spec, self.scenario, self.client, self.price, self.sink = spec, scenario, client, price, sink
        self.state = AgentState(spec)
        self.rng = random.Random(spec.seed)
        self._tasks = 0
        self._new_task()
        self.pending: Step | None = None  # the step it was about to take when stopped

    def _new_task(self) -> None:
        self._tasks += 1
        self.repo = make_repo(self.rng)
        self.session = f"{self.spec.name}-t{self._tasks}"
        self.conv = Conversation.for_task(issue_text(self.repo, self.rng), self.spec.tools)
        self.steps = steps(self.spec.behaviour, self.repo, self.rng)
        self.seq = 0
        self.loop_from: int | None = None

    def _end_task(self, done: bool) -> None:
        if done:
            self.state.tasks_done += 1
        if self.sink is not None and self.seq > 0:
            self.sink.end_session(self.session, self.spec.behaviour, self.loop_from)

    async def run(self, stop: asyncio.Event) -> None:
        started = time.perf_counter()
        try:
            while not stop.is_set():
                step = next(self.steps)
                try:
                    await self._turn(step)
                except _Stopped as why:
                    self.pending = step
                    self.state.stop, self.state.stop_code, self.state.stop_reason = (
                        why.kind,
                        why.code,
                        why.reason,
                    )
                    return
                if step.submit or self.conv.chars > self.scenario.context_cap_chars:
                    self._end_task(step.submit)
                    self._new_task()
                await _pause(stop, self.rng.uniform(*self.scenario.think_s))
        finally:
            self.state.active_s = time.perf_counter() - started
            self._end_task(False)

    async def _turn(self, step: Step) -> None:
        if step.fanout:
            await self._fanout(step)
        reply = self.conv.reply_for(step)
        cost, answer = await self._call(self.session, self.seq, self.conv.messages, reply, self.spec.tools)
        tool_call_id = self.conv.add_answer(answer)
        self.conv.add_observation(step, tool_call_id)
        if step.looping and self.loop_from is None:
            self.loop_from = self.seq
        if step.looping:
            self.state.loop_usd += cost
        self.seq += 1
        self.state.turns += 1
        self.state.sim_s += self.rng.uniform(*self.scenario.sim_turn_s)

    async def _fanout(self, step: Step) -> None:
        async def review(i: int, prompt: str) -> None:
            review = Conversation(REVIEW_SYSTEM, prompt)
            text = self.rng.choice(_REVIEWS).format(fn=self.repo.function)
            reply = {"content": text, "tool_calls": []}
            await self._call(f"{self.session}-review{self.seq}.{i}", 0, review.messages, reply, tools=False)
            if self.sink is not None:
                self.sink.end_session(f"{self.session}-review{self.seq}.{i}", self.spec.behaviour, None)

        results = await asyncio.gather(*(review(i, p) for i, p in enumerate(step.fanout)), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _call(
        self, session: str, seq: int, messages: list[dict[str, Any]], reply: dict[str, Any], tools: bool
    ) -> tuple[float, dict[str, Any]]:
        """One LLM call through the gateway, retried as a real harness would; raises `_Stopped`."""
        headers = {
            "x-regulator-session": session,
            "x-mock-reply": encode_reply(reply["content"], reply["tool_calls"]),
            "x-mock-latency-ms": str(self.rng.randint(*self.scenario.latency_ms)),
        }
        sent = list(messages)
        tool_specs = [BASH_TOOL] if tools else None
        while True:
            self.state.requests += 1
            ts, began = time.time(), time.perf_counter()
            try:
                raw = await self.client.chat.completions.with_raw_response.create(
                    model=self.scenario.model,
                    messages=cast(Any, sent),
                    tools=cast(Any, tool_specs) if tool_specs else openai.omit,
                    extra_headers=headers,
                )
            except openai.APIStatusError as exc:
                await self._refused(exc)
                continue
            except openai.APIConnectionError:
                self.state.errors += 1
                await asyncio.sleep(0.2)
                continue
            body = orjson.loads(raw.http_response.content)
            latency_ms = (time.perf_counter() - began) * 1000
            usage = usage_from_openai(body.get("usage"))
            header = raw.headers.get("x-regulator-cost-usd")
            cost = float(header) if header is not None else self.price.cost(usage)
            self.state.calls += 1
            self.state.spend_usd += cost
            self.state.input_tokens += usage.input_tokens
            self.state.output_tokens += usage.output_tokens
            if self.sink is not None:
                request: dict[str, Any] = {"model": self.scenario.model, "messages": sent}
                if tool_specs:
                    request["tools"] = tool_specs
                call = TraceCall(session, self.spec.name, seq, ts, "openai", request, body, latency_ms)
                self.sink.writer.write(call)
            message = body["choices"][0]["message"]
            answer = {"role": "assistant", "content": message.get("content")}
            if message.get("tool_calls"):
                answer["tool_calls"] = message["tool_calls"]
            return cost, answer

    async def _refused(self, exc: openai.APIStatusError) -> None:
        code = exc.response.headers.get("x-regulator-error", "")
        status = exc.status_code
        if code == "rate_limit_exceeded":
            self.state.throttled += 1
            retry_after = exc.response.headers.get("retry-after") or "1"
            await asyncio.sleep(min(float(retry_after), 1.0))  # compressed time: a second stands for minutes
        elif status >= 500 and code != "counters_unavailable":
            # The upstream failed after the call was sent: forwarded, so in the ledger, and charged what
            # the gateway says (its reservation, when the provider may have billed it).
            self.state.calls += 1
            self.state.errors += 1
            self.state.spend_usd += float(exc.response.headers.get("x-regulator-cost-usd") or 0.0)
            await asyncio.sleep(0.2)
        elif code == "agent_paused":
            raise _Stopped("paused", code, exc.message)
        elif code == "agent_killed" or status == 403:
            raise _Stopped("killed", code, exc.message)
        elif code == "budget_exceeded":
            raise _Stopped("budget", code, exc.message)
        else:
            raise _Stopped("error", code or str(status), exc.message)

    # ---- offline projection ---------------------------------------------------------------------

    def project(self, turns: float, max_turns: int = SHADOW_MAX_TURNS) -> float:
        """USD the agent would spend over its next `turns` turns, continuing exactly where it is."""
        spent, done = 0.0, 0
        step = self.pending
        while done < min(turns, max_turns):
            step = step or next(self.steps)
            for prompt in step.fanout:
                review = Conversation(REVIEW_SYSTEM, prompt)
                spent += self.price.cost(estimate_usage(review, {"content": _REVIEWS[0]}, self.scenario.model))
            reply = self.conv.reply_for(step)
            spent += self.price.cost(estimate_usage(self.conv, reply, self.scenario.model))
            call_id = self.conv.add_answer(answer_message(reply, f"call_sim{done}"))
            self.conv.add_observation(step, call_id)
            if step.submit or self.conv.chars > self.scenario.context_cap_chars:
                self._new_task()
            step = None
            done += 1
        if done and turns > done:
            spent += spent / done * (turns - done)
        return spent

    def turns_to_horizon(self, run_end: float) -> float:
        """Turns left until the scenario's horizon: the end of the run, or the end of the month."""
        state = self.state
        if self.scenario.horizon == "month":
            mean_turn_s = sum(self.scenario.sim_turn_s) / 2
            return max(0.0, (MONTH_S - state.sim_s) / mean_turn_s)
        if state.stop is None or state.turns == 0:
            return 0.0
        wall_per_turn = state.active_s / state.turns
        return max(0.0, (run_end - state.active_s) / wall_per_turn)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


class Fleet:
    def __init__(
        self,
        scenario: Scenario,
        specs: list[AgentSpec],
        base_url: str,
        keys: dict[str, str],
        price: ModelPrice,
        trace_path: Path | None = None,
    ) -> None:
        self.scenario = scenario
        self.client = openai.AsyncOpenAI(
            base_url=base_url.rstrip("/") + "/v1", api_key="unused", max_retries=0, timeout=120.0
        )
        self.sink = TraceSink(trace_path) if trace_path is not None else None
        self.agents = [
            SimAgent(
                spec,
                scenario,
                self.client.with_options(api_key=keys.get(spec.name, "unused")),
                price,
                self.sink,
            )
            for spec in specs
        ]

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await asyncio.gather(*(agent.run(stop) for agent in self.agents))
        finally:
            await self.client.close()
            if self.sink is not None:
                self.sink.close()

    def project(self, run_s: float) -> None:
        """Fill every agent's `future_usd` (blocking: run it in a thread)."""
        for agent in self.agents:
            agent.state.future_usd = agent.project(agent.turns_to_horizon(run_s))

    @property
    def states(self) -> list[AgentState]:
        return [agent.state for agent in self.agents]

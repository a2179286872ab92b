"""Building realistic `CallEvent`s from a script of commands and their results.

For testing detectors and policies (regulator's own tests, or an operator's checks of their own
configuration): `ScriptedSession(...).call(command, result)` returns the event the gateway would
have produced for the call whose answer issued `command`, with `result` arriving in the next one.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import orjson

from regulator.config import Config
from regulator.events import CallEvent, CallRecord
from regulator.policy.evaluate import Evaluation, evaluate
from regulator.policy.parallel_replay import replay_with_policy
from regulator.traces.format import read_labels
from regulator.types import Dialect

_ids = itertools.count(1)


class ScriptedSession:
    """A session of a text agent (`style="text"`), an OpenAI tool caller or an Anthropic one."""

    def __init__(
        self,
        session: str = "s1",
        agent: str = "agent-1",
        style: str = "text",
        task: str = "Fix the bug in the repository.",
        cost_usd: float = 0.01,
        start_ts: float = 1_700_000_000.0,
        seconds_per_call: float = 10.0,
    ) -> None:
        self.session = session
        self.agent = agent
        self.style = style
        self.cost_usd = cost_usd
        self.ts = start_ts
        self.seconds_per_call = seconds_per_call
        self.messages: list[dict[str, Any]] = [{"role": "user", "content": task}]
        if style == "text":
            self.messages.insert(0, {"role": "system", "content": "Answer with one ```bash block."})
        self.seq = 0
        self._pending: tuple[dict[str, Any], str] | None = None  # last answer and its tool call id
        self._sent = 0
        self.budget_remaining_usd: float | None = None

    @property
    def dialect(self) -> Dialect:
        return "anthropic" if self.style == "anthropic" else "openai"

    def _answer(
        self, command: str, call_id: str, tool: str = "bash", arguments: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the response body, the assistant message as the agent resends it)."""
        message: dict[str, Any]
        fields = {"command": command} if arguments is None else arguments
        if self.style == "text":
            text = f"THOUGHT: trying this.\n\n```bash\n{command}\n```"
            message = {"role": "assistant", "content": text}
            return {
                "choices": [{"message": message}],
                "usage": {"prompt_tokens": 100 * (self.seq + 1)},
            }, message
        if self.style == "openai":
            encoded = orjson.dumps(fields).decode()
            call = {"id": call_id, "type": "function", "function": {"name": tool, "arguments": encoded}}
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            return {
                "choices": [{"message": message}],
                "usage": {"prompt_tokens": 100 * (self.seq + 1)},
            }, message
        block = {"type": "tool_use", "id": call_id, "name": tool, "input": fields}
        body = {"content": [block], "usage": {"input_tokens": 100 * (self.seq + 1)}}
        return body, {"role": "assistant", "content": [block]}

    def _result_message(self, result: str, call_id: str, is_error: bool) -> dict[str, Any]:
        if self.style == "text":
            return {"role": "user", "content": result}
        if self.style == "openai":
            return {"role": "tool", "tool_call_id": call_id, "content": result}
        block = {"type": "tool_result", "tool_use_id": call_id, "content": result, "is_error": is_error}
        return {"role": "user", "content": [block]}

    def call(
        self,
        command: str,
        result: str = "",
        is_error: bool = False,
        tool: str = "bash",
        arguments: dict[str, Any] | None = None,
    ) -> CallEvent:
        """The event of the call whose answer runs `command`; `result` comes back in the next call.

        A tool caller's call is `tool` with `{"command": command}`, or with `arguments` when given (an
        `Edit`'s `file_path`/`old_string`/`new_string`, a `description` beside the command); a text
        agent's is always the command in a bash block.
        """
        new_from = self._sent
        call_id = f"call_{next(_ids)}"
        response, message = self._answer(command, call_id, tool, arguments)
        event = CallEvent(
            record=CallRecord(
                call_id=f"{self.session}:{self.seq}",
                ts=self.ts,
                org="default",
                fleet="default",
                agent=self.agent,
                session=self.session,
                model="m",
                upstream="u",
                dialect=self.dialect,
                cost_usd=self.cost_usd,
            ),
            seq=self.seq,
            messages=list(self.messages),
            new_from=new_from,
            response=response,
            budget_remaining_usd=self.budget_remaining_usd,
        )
        self._sent = len(self.messages)
        self.messages += [message, self._result_message(result, call_id, is_error)]
        self.seq += 1
        self.ts += self.seconds_per_call
        return event


def replay_with_default_policy(calls: Path) -> Evaluation:
    """A labelled trace set (`labels.jsonl` beside `calls`) replayed with the default policy, evaluated."""
    sessions, hook = replay_with_policy([calls], Config(), "default")
    return evaluate([s.report() for s in sessions], read_labels(calls.parent / "labels.jsonl"), hook.cost_from)

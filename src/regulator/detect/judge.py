"""The optional AI judge: a model asked whether a session flagged as borderline is making progress.

Detectors see patterns, not intent; a model reading the task and the last few calls can tell a
loop from legitimate repetition (tests re-run after each real edit). Only findings whose combined
strength falls in a band below the overwhelming (`min_severity` ≤ strength < `max_severity`) are
judged, at most `max_per_session` times per session. The question is asked on the judge's own
thread, never in a request; the answer comes back through a callback. The judge's calls go to
`url` with the regulator key of its own agent, so they pass through the gateway like any agent's:
metered, budgeted, in the ledger. Any failure (timeout, refusal, an answer not in the format) is
"no opinion": the finding then proceeds as it would without a judge.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from regulator.detect.config import JudgeConfig
from regulator.detect.messages import (
    actions_of_response,
    actions_of_turn,
    is_assistant_turn,
    observations,
    text_of,
)
from regulator.events import CallEvent

log = logging.getLogger("regulator.judge")

SYSTEM = (
    "You review the recent work of an AI agent on a task. An automatic detector suspects the agent "
    "is stuck: {evidence}. Decide whether the agent is still making progress (learning something new, "
    "changing its approach in a way that could work, getting closer to done) or not (repeating "
    "itself, failing the same way, going in circles). Answer with one JSON object and nothing else: "
    '{{"progress": true or false, "reason": "<one short sentence>"}}'
)
_FENCED = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


@dataclass(slots=True, frozen=True)
class Opinion:
    progress: bool | None  # None: no opinion (timeout, error, an answer not in the format)
    reason: str


def parse_answer(text: str) -> Opinion:
    """The strict answer format: one JSON object `{"progress": bool, "reason": str}`, nothing else."""
    body = text.strip()
    fenced = _FENCED.match(body)
    if fenced:  # models often wrap JSON in a fence even when told not to; the content must still be exact
        body = fenced.group(1)
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return Opinion(None, f"answer is not JSON: {' '.join(text.split())[:80]!r}")
    if not isinstance(answer, dict) or not isinstance(answer.get("progress"), bool):
        return Opinion(None, f"answer lacks a boolean 'progress': {' '.join(text.split())[:80]!r}")
    reason = answer.get("reason")
    return Opinion(answer["progress"], " ".join(str(reason).split())[:300] if reason else "no reason given")


def _first_lines(text: str, lines: int, width: int = 160) -> list[str]:
    kept = [line[:width] for line in text.splitlines() if line.strip()]
    return kept[:lines] + ([f"… ({len(kept) - lines} more lines)"] if len(kept) > lines else [])


def _task(messages: list[dict[str, Any]], limit: int) -> str:
    for message in messages:
        if message.get("role") == "user":
            text = text_of(message.get("content", message.get("parts"))).strip()
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return "(no task found)"


def condense(event: CallEvent, config: JudgeConfig) -> str:
    """The task and the last `last_calls` actions with the first lines of their results.

    Only the tail of the conversation is read, and only when a question is asked.
    """
    messages = event.messages
    tail_start = max(0, len(messages) - 4 * config.last_calls)
    answers = [i for i in range(tail_start, len(messages)) if is_assistant_turn(messages[i])]
    lines: list[str] = []
    for n, index in enumerate(answers):
        stop = answers[n + 1] if n + 1 < len(answers) else len(messages)
        actions = actions_of_turn(messages[index])
        results = observations(messages, index + 1, stop)
        for k, action in enumerate(actions):
            lines.append(f"$ {action.tool}: {' '.join(action.text.split())[:300]}")
            result = results[k].text if k < len(results) else ""
            lines += [f"    {line}" for line in _first_lines(result, config.result_lines)] or ["    (no output)"]
    for action in actions_of_response(event.response):
        lines.append(f"$ {action.tool}: {' '.join(action.text.split())[:300]}")
        lines.append("    (result not seen yet)")
    shown = _last_actions(lines, config.last_calls)
    return f"TASK:\n{_task(messages, config.task_chars)}\n\nLAST ACTIONS (oldest first):\n" + "\n".join(shown)


def _last_actions(lines: list[str], count: int) -> list[str]:
    starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
    return lines[starts[-count] :] if len(starts) > count else lines


def ask_model(config: JudgeConfig, system: str, user: str) -> Opinion:
    """One chat completion through the gateway; every failure is no opinion, with why."""
    key = os.environ.get(config.api_key_env or "", "")
    body = {
        "model": config.model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        "max_tokens": config.max_tokens,
        "temperature": 0,
    }
    request = urllib.request.Request(
        config.url.rstrip("/") + "/chat/completions",
        data=orjson.dumps(body),
        method="POST",
        headers={"content-type": "application/json", "authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_s) as response:
            answer = orjson.loads(response.read())
        content = answer["choices"][0]["message"]["content"]
    except urllib.error.HTTPError as exc:
        return Opinion(None, f"the judge's call was refused: HTTP {exc.code}")
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:  # timeouts are OSErrors
        return Opinion(None, f"the judge's call failed: {type(exc).__name__}: {exc}")
    return parse_answer(content if isinstance(content, str) else "")


Answered = Callable[[Opinion], None]


class Judge:
    """Questions queue to one daemon thread; `ask` never blocks, the callback gets the opinion."""

    def __init__(self, config: JudgeConfig, ask: Callable[[JudgeConfig, str, str], Opinion] = ask_model) -> None:
        self.config = config
        self._ask = ask
        self._asked: dict[str, int] = {}
        self._queue: queue.SimpleQueue[tuple[str, str, Answered]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def borderline(self, strength: float) -> bool:
        return self.config.min_severity <= strength < self.config.max_severity

    def may_ask(self, session: str) -> bool:
        return self._asked.get(session, 0) < self.config.max_per_session

    def ask(self, event: CallEvent, evidence: str, answered: Answered) -> None:
        """Queue a question about `event`'s session (the prompt is built now, from this event)."""
        session = event.record.session
        self._asked[session] = self._asked.get(session, 0) + 1
        if self._queue.qsize() >= self.config.max_waiting:
            log.warning("judge busy (%d questions waiting): no opinion on session %s", self._queue.qsize(), session)
            answered(Opinion(None, "the judge is busy"))
            return
        system = SYSTEM.format(evidence=evidence)
        self._queue.put((system, condense(event, self.config), answered))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="regulator-judge", daemon=True)
                self._thread.start()

    def forget(self, session: str) -> None:
        self._asked.pop(session, None)

    def _run(self) -> None:
        while True:
            system, user, answered = self._queue.get()
            try:
                opinion = self._ask(self.config, system, user)
            except Exception as exc:  # the judge must never take detection down with it
                log.exception("judge failed")
                opinion = Opinion(None, f"the judge failed: {type(exc).__name__}")
            if opinion.progress is None:
                log.warning("judge: no opinion (%s); the finding proceeds", opinion.reason)
            try:
                answered(opinion)
            except Exception:
                log.exception("applying the judge's opinion failed")


def build_judge(config: JudgeConfig) -> Judge | None:
    return Judge(config) if config.enabled else None

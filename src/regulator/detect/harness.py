"""The harness refusing what the agent sends: actions in the wrong format, outputs too long to show.

An agent harness answers some actions with a complaint instead of a result: the answer held no
action or two (mini-swe-agent's "Please always provide EXACTLY ONE action"), a tool call it could
not read (Claude Code's `InputValidationError`, "Invalid tool call"), or a command whose output it
would not show ("The output of your last command was too long"). Each such call is paid for and
brings nothing. An agent gets one now and then and corrects itself (real runs that finished their
task had at most four in any eight steps); one that keeps getting them is stuck in how it talks to
the harness, whatever the task. The detector counts complaints among the latest `window` steps.
"""

from __future__ import annotations

import re
from collections import deque

from regulator.detect.base import Finding, call_span, quote
from regulator.detect.steps import StepTracker
from regulator.events import CallEvent

# How harnesses say they did not run or show what the agent sent (read in a result's first lines).
# Harnesses write these verbatim: matched as written, the scan is cheap enough for every result.
_COMPLAINT = re.compile(
    r"Please always provide EXACTLY ONE action|The output of your last command was too long"
    r"|Your output was too long|Output too large|exceeds maximum allowed tokens|<tool_use_error>"
    r"|InputValidationError|Invalid tool call|Your output was not formatted correctly"
    r"|did not conform to the edit format|failed to parse function arguments"
)
_HEAD = 600  # characters of a result where a harness puts its complaint


class HarnessRefusalDetector:
    name = "harness"

    def __init__(self, window: int = 8, min_refused: int = 6) -> None:
        self.window = window
        self.min_refused = min_refused
        self._steps = StepTracker()
        self._recent: dict[str, deque[tuple[int, str | None]]] = {}  # (call, the complaint or None)

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        recent = self._recent.get(session)
        if recent is None:
            recent = self._recent[session] = deque(maxlen=self.window)
        steps = self._steps.advance(event)
        for step in steps:
            complaint = _COMPLAINT.search(step.observation.text[:_HEAD])
            recent.append((step.seq + 1, complaint.group(0) if complaint else None))
        refused = [(seq, said) for seq, said in recent if said is not None]
        if not steps or len(refused) < self.min_refused:
            return []
        severity = min(0.95, 0.6 + 0.15 * (len(refused) - self.min_refused))
        said = ", ".join(quote(text, 60) for text in dict.fromkeys(text for _, text in refused))
        calls = [seq for seq, _ in refused]
        evidence = (
            f"the harness refused {len(refused)} of the agent's last {len(recent)} actions ({call_span(calls)}): "
            f"{said} — each paid for, none run or shown"
        )
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls)]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._recent.pop(session, None)

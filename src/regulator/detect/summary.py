"""What the agent did on one call, in one line a person reads before pressing resume or kill.

A call's request brings back the results of the previous answer's actions, and its answer asks for
the next ones, so a call's line is `result: … · action: …`: the error signature of what came back
(or `ok`) and the command or tool with its arguments. It is built from what the detectors already
parsed for this call (`parse` caches the last event), on the detection thread. Redaction and the
stored length are the caller's: the line here is bounded but not yet redacted.
"""

from __future__ import annotations

import re

import orjson

from regulator.detect.error_signature import error_signature
from regulator.detect.messages import Action, parse
from regulator.events import CallEvent

_SPACE = re.compile(r"\s+")
_ARGS_MAX = 600  # long enough that redaction sees whole secrets before the caller cuts the line


def _one_line(text: str, limit: int) -> str:
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _action(action: Action) -> str:
    """The command itself when the arguments carry one (`{"command": …}`), else the arguments; the
    tool's name before it unless it is the shell (a text agent's commands are "bash")."""
    text = action.text
    if text.startswith("{"):
        try:
            fields = orjson.loads(text)
        except orjson.JSONDecodeError:
            fields = None
        if isinstance(fields, dict) and isinstance(fields.get("command"), str):
            text = fields["command"]
    return _one_line(text if action.tool == "bash" else f"{action.tool} {text}", _ARGS_MAX)


def summarise(event: CallEvent) -> str | None:
    """`result: <error signature | ok> · action: <command>`; None when the call has neither."""
    parsed = parse(event)
    parts: list[str] = []
    if parsed.observations:
        failures = [s for s in (error_signature(o.text) for o in parsed.observations) if s is not None]
        failed = [o for o in parsed.observations if o.is_error]
        if failures:
            result = failures[-1]
        elif failed:
            result = "error: " + failed[-1].text
        else:
            result = "ok"
        bad = len(failures) or len(failed)
        if bad and len(parsed.observations) > 1:
            result = f"{bad} of {len(parsed.observations)} failed, last: {result}"
        parts.append("result: " + _one_line(result, _ARGS_MAX))
    if parsed.actions:
        more = f" (+{len(parsed.actions) - 1} more)" if len(parsed.actions) > 1 else ""
        parts.append("action: " + _action(parsed.actions[0]) + more)
    return " · ".join(parts) or None

"""The same error coming back across varied attempts: the "unfixable bug".

An agent that rewrites its command each time but keeps hitting the same failure is stuck, even
though no two calls look alike. Each result is reduced to a signature — the failing tests and the
test summary when there are any, else the last exception type and message, else the exit code and
the last line of output — with volatile text normalised, and the detector counts how many of the
last few results share one. One root cause often shows as a few different errors, one per command
the agent cycles through (the build fails, the install fails, the import fails): so a run of
failing results in a row none of which brings an error not already in the window counts too.

A look between those failures (a read, a grep, `env`, a script that prints) breaks the run only
when the code has changed since the run began (an edit, or git checking out other code): reading and
probing while the code stays as it is, or installing one more version, is the loop going on.

Nor does a new error break everything: an agent against a wall it cannot fix (a system library
missing, a service down) tries one thing after another, meets a new error now and then, and keeps
coming back to the old ones. Once `min_recurring` failures since the code last changed have each
brought back an error already met since that change, from two different commands at least (one
command failing the same way again and again is `repetition`'s), the agent is going round the same
few errors. Real runs that fixed their bug never did that four times without changing the code.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field

from regulator.detect.base import Finding, call_span, quote
from regulator.detect.error_signature import step_signature
from regulator.detect.reruns import Reruns
from regulator.detect.steps import Step, StepTracker, action_segments
from regulator.detect.waiting import waits, without_pauses
from regulator.events import CallEvent

# A package installed or pinned, files moved, removed or created: like an edit, a change the next
# run is meant to show the effect of.
_INSTALL = re.compile(
    r"\b(?:pip3?|uv pip|conda|mamba|apt-get|apt|npm|pnpm|yarn|gem|cargo) (?:install|add)\b|\bpoetry add\b|\bgo get\b"
)
_FILE_CHANGES = frozenset({"mv", "cp", "rm", "touch", "mkdir", "ln"})
_SEARCHES = frozenset({"grep", "egrep", "rg", "ag", "ack", "find"})
# An exit status whose last line is one or two words (`exit code 1: 1`, `exit code: Aborted`).
_WEAK = re.compile(r"exit code(?: -?\d+)?(?:: \S+(?: \S+)?)?")


def _programs(step: Step) -> list[tuple[str, ...]]:
    """The step's commands, each its words: from a shell line or a tool call's command field alike."""
    return [] if step.action is None else [s for s in action_segments(step.action.tool, step.action.text) if s]


def _changes_files(step: Step) -> bool:
    return _INSTALL.search(step.command) is not None or any(s[0] in _FILE_CHANGES for s in _programs(step))


def _searches(step: Step) -> bool:
    return any(
        s[0] in _SEARCHES or s[:2] == ("git", "grep") or (s[:2] == ("git", "log") and "-S" in s)
        for s in _programs(step)
    )


def _met(step: Step, signature: str | None) -> str | None:
    """The error a failing step met, for counting returns; None for no failure or a bare exit status."""
    if signature is None and not step.observation.is_error:
        return None
    error = signature or "error result"
    if step.informative or not _WEAK.fullmatch(error):
        return error
    # A search that found nothing, asked again while the code stays as it is, is the same answer whatever
    # it looked for; `test -f` or `diff -q` answering no is no error.
    return "nothing found" if _searches(step) else None


_ERRORS_KEPT = 64  # distinct errors remembered since the code last changed: enough for any one wall
_COMMANDS_KEPT = 8


@dataclass(slots=True)
class _SinceChange:
    """The failures since the code last changed: the errors met, and the calls that brought one back."""

    errors: set[str] = field(default_factory=set)
    returns: int = 0
    commands: set[str] = field(default_factory=set)  # of the failures that brought an error back (a few)
    calls: deque[int] = field(default_factory=lambda: deque(maxlen=16))  # the latest, for the evidence

    def changed(self) -> None:
        self.errors.clear()
        self.returns = 0
        self.commands.clear()
        self.calls.clear()

    def failed(self, error: str, command: str, call: int) -> bool:
        """Records a failure; whether its error was met before since the code last changed."""
        if error in self.errors:
            self.returns += 1
            if len(self.commands) < _COMMANDS_KEPT:
                self.commands.add(command)
            self.calls.append(call)
            return True
        if len(self.errors) < _ERRORS_KEPT:
            self.errors.add(error)
        return False


class ErrorSignatureDetector:
    name = "same_error"

    def __init__(self, window: int = 8, min_count: int = 3, min_recurring: int = 4) -> None:
        self.window = window
        self.min_count = min_count
        self.min_recurring = min_recurring
        self._steps = StepTracker()
        # (call, signature, action key, digest of the result) of the latest informative results
        self._recent: dict[str, deque[tuple[int, str | None, str, str]]] = {}
        self._reruns: dict[str, Reruns] = {}
        self._runs: dict[str, int] = {}  # failing results in a row that brought no new error
        self._changed: dict[str, bool] = {}  # whether the code changed since the run began
        self._since: dict[str, _SinceChange] = {}

    def observe(self, event: CallEvent) -> list[Finding]:
        session = event.record.session
        recent = self._recent.get(session)
        if recent is None:
            recent = self._recent[session] = deque(maxlen=self.window)
        steps = self._steps.advance(event)
        run = self._runs.get(session, 0)
        reruns = self._reruns.get(session)
        if reruns is None:
            reruns = self._reruns[session] = Reruns()
        changed = self._changed.get(session, False)
        since = self._since.get(session)
        if since is None:
            since = self._since[session] = _SinceChange()
        recurred = False
        informative = False
        streak: list[int] = []
        returns: list[int] = []
        for step in steps:
            if waits(step):
                continue  # expected failures while waiting for something to come up
            signature = step_signature(step)
            if step.changes_code:
                changed = True
                since.changed()
            elif step.action is not None and (error := _met(step, signature)) is not None:
                recurred = since.failed(error, without_pauses(step.action_key), step.seq + 1) or recurred
            if step.is_edit:
                reruns.edited(step.command)
            elif _changes_files(step):
                # Installing another version, moving, removing or creating files: a change made to fix
                # the failure too, except to the command itself (retrying a failing install is a retry).
                reruns.edited(step.command, besides=step.action_key)
            if signature is None and step.observation.is_error:
                signature = "error result"
            if signature is not None and _WEAK.fullmatch(signature):
                signature = None  # `exit code 1: 1` names no error: two of them are not the same error
            if signature is None and (step.is_edit or not step.informative):
                # An edit or a write says nothing: the failures it sits between are not diluted by it
                # (edit, build, the same error, another edit … is one error coming back every time).
                # Real runs do that a few times before a fix lands, so the edits add no weight.
                continue
            if signature is None and not self._news(step, run, changed):
                continue
            seen = signature is not None and any(sig == signature for _, sig, _, _ in recent)
            run = run + 1 if seen else 0
            if not run:
                changed = False
            streak = reruns.rerun(step.action_key, signature, step.observation.text, step.seq + 1)
            returns = reruns.failed_after_edit(signature, step.seq + 1) if signature else []
            recent.append((step.seq + 1, signature, step.action_key, step.observation_key))
            informative = True
        self._runs[session] = run
        self._changed[session] = changed
        found = self._recurring(event, since) if recurred else []
        if not informative or recent[-1][1] is None:
            return found
        judged = self._judged(event, recent, run)
        if judged and (not found or judged[0].severity >= found[0].severity):
            found = judged
        if len(streak) >= self.min_count:
            # The same command rerun after an edit each time, failing the same way, its output changed
            # only where it quotes the edited code: the edits do not reach the failure. Real runs that
            # fixed their bug went through this at most three times in a row.
            severity = min(0.95, 0.2 + 0.15 * (len(streak) - 1))
            if not found or found[0].severity < severity:
                signature = str(recent[-1][1])
                but = " (but for the names it quotes)" if reruns.renamed else ""
                evidence = (
                    f"same error {quote(signature)}{but} after each of the last {len(streak) - 1} edits "
                    f"({call_span(streak)}): the edits do not reach the failure"
                )
                agent = event.record.agent
                return [
                    Finding(self.name, session, agent, event.seq, severity, evidence, streak, key="error:" + signature)
                ]
        if len(returns) >= 2:
            # Each edit brought back a failure met after an earlier edit: two fixes taking turns.
            severity = min(0.95, 0.35 + 0.15 * len(returns))
            if not found or found[0].severity < severity:
                shown = ", ".join(quote(sig, 60) for sig in reruns.recent_failures(len(returns) + 1))
                evidence = (
                    f"{len(returns)} edits in a row brought back a failure an earlier edit had already met "
                    f"({call_span(returns)}): {shown} taking turns"
                )
                agent = event.record.agent
                return [
                    Finding(self.name, session, agent, event.seq, severity, evidence, returns, key="errors in turn")
                ]
        return found

    def _recurring(self, event: CallEvent, since: _SinceChange) -> list[Finding]:
        """The errors met since the code last changed, coming back again and again."""
        if since.returns < self.min_recurring or len(since.commands) < 2:
            return []
        severity = min(0.95, 0.6 + 0.05 * (since.returns - self.min_recurring))
        calls = list(since.calls)
        commands = f"{len(since.commands)}{'+' if len(since.commands) == _COMMANDS_KEPT else ''}"
        evidence = (
            f"{since.returns} failures since the code last changed brought back an error already met since then "
            f"({call_span(calls)}; {commands} different commands, {len(since.errors)} different errors in all): "
            "the attempts go round the same errors"
        )
        session, agent = event.record.session, event.record.agent
        return [Finding(self.name, session, agent, event.seq, severity, evidence, calls, key="errors since change")]

    @staticmethod
    def _news(step: Step, run: int, changed: bool) -> bool:
        """Whether a look (an informative result that is no failure) breaks a run of failures.

        Real debugging reads code between the runs of a failing check and edits it: the run its
        reads break was a search, not a loop. A look is no news when nothing in the code changed
        since the run of failures began (reading, probing the environment while the same errors
        come back), or when it is a change itself (a package installed, files moved: one more fix
        tried, not something learnt).
        """
        return not _changes_files(step) and (changed or not run)

    def _judged(self, event: CallEvent, recent: deque[tuple[int, str | None, str, str]], run: int) -> list[Finding]:
        """The same error, or errors taking turns, among the latest informative results."""
        session = event.record.session
        counts = Counter(sig for _, sig, _, _ in recent if sig is not None)
        signature, count = counts.most_common(1)[0]
        repeats = count - 1 if count >= self.min_count and signature == recent[-1][1] else 0
        if run < self.min_count - 1 and not repeats:
            return []
        severity = min(0.95, 0.1 + 0.15 * max(repeats, run))
        if repeats >= run:
            calls = [seq for seq, sig, _, _ in recent if sig == signature]
            attempts = len({without_pauses(key) for _, sig, key, _ in recent if sig == signature})
            outputs = len({digest for _, sig, _, digest in recent if sig == signature})
            if attempts == 1 and (outputs == 1 or count < self.window // 2 + 1):
                # One command failing the same way a few times, or printing the very same thing each
                # time, is the repetition detector's: counted twice, one burst looks like two agreeing.
                return []
            if attempts == 1:
                # The same test re-run after each try while its output changes (debug prints, a
                # shorter traceback) is how debugging goes for a while: weaker evidence than different
                # commands converging on one error, so one step lower.
                severity = min(0.95, 0.1 + 0.15 * (repeats - 1))
            varied = f" after {attempts} different actions" if attempts > 1 else " from the same action"
            evidence = (
                f"same error {quote(signature)} in {count} of the last {len(recent)} informative tool results"
                f"{varied} ({call_span(calls)})"
            )
        else:
            # Several errors taking turns (one root cause behind different commands): none is new.
            tail = list(recent)[-min(run + 1, len(recent)) :]
            calls = [seq for seq, _, _, _ in tail]
            errors = ", ".join(quote(sig, 60) for sig in dict.fromkeys(sig for _, sig, _, _ in tail if sig))
            evidence = f"{run} failing tool results in a row, none with a new error: only {errors} ({call_span(calls)})"
        key = "error:" + signature if repeats >= run else "errors in turn"
        return [Finding(self.name, session, event.record.agent, event.seq, severity, evidence, calls, key=key)]

    def forget(self, session: str) -> None:
        self._steps.forget(session)
        self._recent.pop(session, None)
        self._runs.pop(session, None)
        self._reruns.pop(session, None)
        self._changed.pop(session, None)
        self._since.pop(session, None)

"""The ladder's memory of a session: what it was nudged about, and what changed after.

A short burst of waste earns a nudge, not a stop: the agent is told what repeats and asked to
change approach. The policy then watches the calls that follow. The nudge reaches the agent in its
next request, and what the agent does about it is seen one call later (its action's result), so
only findings from `settle_calls` after the nudge count as its answer. If what was nudged about (a
finding's `subject`: the command, the error, the cause) comes back there, the behaviour persisted
and the stronger steps apply; if `watch_calls` calls pass without it, the agent changed approach
and the nudge is marked `changed`. Per session this is at most `max_nudges` small records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from regulator.detect.base import Finding, call_span


@dataclass(slots=True)
class Nudge:
    at: int  # the ladder's count of the session's calls when the nudge was decided
    seq: int  # that call's seq, for evidence (the nudge reaches the agent in the next call)
    subjects: frozenset[str]  # what the findings behind it were about
    detectors: frozenset[str]  # and which detectors saw it: the same kind of waste again is no change
    detector: str
    evidence: str
    came_back: list[int] = field(default_factory=list)  # later calls that found a subject again
    quiet: int = 0  # calls since it settled without any of its subjects
    outcome: str = "watching"  # watching | persisted | changed

    def about(self, findings: list[Finding]) -> bool:
        return any(f.subject in self.subjects or f.detector in self.detectors for f in findings)


@dataclass(slots=True)
class LadderMemory:
    nudges: list[Nudge] = field(default_factory=list)

    def nudged(self, findings: list[Finding]) -> Nudge | None:
        """The latest nudge about what these findings are about that the agent has not answered by changing."""
        for nudge in reversed(self.nudges):
            if nudge.outcome != "changed" and nudge.about(findings):
                return nudge
        return None

    def record(self, at: int, findings: list[Finding], behind: Finding, limit: int) -> Nudge:
        subjects = frozenset(f.subject for f in findings)
        detectors = frozenset(f.detector for f in findings)
        nudge = Nudge(at, behind.seq, subjects, detectors, behind.detector, behind.evidence)
        self.nudges.append(nudge)
        del self.nudges[:-limit]
        return nudge

    def watch(self, at: int, findings: list[Finding], settle: int, window: int) -> None:
        """Update every settled nudge with this call: did its subject come back, or stay away?"""
        for nudge in self.nudges:
            if at < nudge.at + settle or nudge.outcome == "changed":
                continue
            if nudge.about(findings):
                nudge.came_back.append(max(f.seq for f in findings))
                del nudge.came_back[:-8]
                nudge.quiet = 0
                nudge.outcome = "persisted"
            else:
                nudge.quiet += 1
                if nudge.quiet >= window:
                    nudge.outcome = "changed"

    def since(self, nudge: Nudge) -> str:
        """Words for an incident: what was nudged and what happened after."""
        what = f"nudged after call {nudge.seq} ({nudge.detector})"
        if not nudge.came_back:
            return what
        return f"{what}; the same came back after it ({call_span(nudge.came_back)})"

"""How well a policy did on a labelled trace: the acceptance numbers of issue 4.

Loop sessions: the share stopped (paused or killed) at or after the loop's onset, the median
delay from onset to stop (in calls), and the share of the money spent from the onsets on that the
stops saved. Productive sessions: the share stopped and the share that saw any action at all
(a warning included). `failed` sessions count neither way.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class LabelLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def loop_from_seq(self) -> int | None: ...
    @property
    def family(self) -> str: ...


@dataclass(slots=True)
class FamilyRow:
    family: str
    label: str
    sessions: int = 0
    acted: int = 0  # any action (warn or stronger)
    stopped: int = 0
    stopped_in_loop: int = 0  # loops: stopped at or after onset
    delays: list[int] = field(default_factory=list)
    cost_after_onset: float = 0.0
    saved: float = 0.0


@dataclass(slots=True)
class Evaluation:
    loops: int
    loops_stopped: float  # share stopped at or after onset
    loops_stopped_early: int  # stopped before the onset (a false stop on a loop)
    median_delay: float | None
    saved: float  # share of post-onset money saved
    productive: int
    productive_stopped: float
    productive_warned: float
    families: list[FamilyRow]

    def passes(self) -> bool:
        return (
            self.loops_stopped >= 0.95
            and self.median_delay is not None
            and self.median_delay <= 8
            and self.saved >= 0.70
            and self.productive_stopped <= 0.01
            and self.productive_warned <= 0.05
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "loops": self.loops,
            "loops_stopped": self.loops_stopped,
            "loops_stopped_early": self.loops_stopped_early,
            "median_delay": self.median_delay,
            "saved": self.saved,
            "productive": self.productive,
            "productive_stopped": self.productive_stopped,
            "productive_warned": self.productive_warned,
        }


def evaluate(
    reports: Iterable[Mapping[str, Any]],
    labels: Mapping[str, LabelLike],
    cost_from: Callable[[str, int], float],
) -> Evaluation:
    """`reports` are replay report lines; `cost_from(session, seq)` the metered cost from seq on."""
    rows: dict[str, FamilyRow] = {}
    for report in reports:
        label = labels.get(str(report["session"]))
        if label is None or label.label == "failed":
            continue
        row = rows.setdefault(label.family, FamilyRow(label.family, label.label))
        row.sessions += 1
        stopped_at = report.get("stopped_at")
        row.acted += bool(report.get("first"))
        row.stopped += stopped_at is not None
        onset = label.loop_from_seq
        if label.label != "loop" or onset is None:
            continue
        after_onset = cost_from(report["session"], onset)
        row.cost_after_onset += after_onset
        if stopped_at is not None:
            row.saved += cost_from(report["session"], max(stopped_at, onset))
            if stopped_at >= onset:
                row.stopped_in_loop += 1
                row.delays.append(stopped_at - onset)
    loops = [r for r in rows.values() if r.label == "loop"]
    productive = [r for r in rows.values() if r.label == "productive"]
    n_loops = sum(r.sessions for r in loops)
    n_productive = sum(r.sessions for r in productive)
    delays = [d for r in loops for d in r.delays]
    spent = sum(r.cost_after_onset for r in loops)
    return Evaluation(
        loops=n_loops,
        loops_stopped=sum(r.stopped_in_loop for r in loops) / n_loops if n_loops else 0.0,
        loops_stopped_early=sum(r.stopped - r.stopped_in_loop for r in loops),
        median_delay=statistics.median(delays) if delays else None,
        saved=sum(r.saved for r in loops) / spent if spent else 0.0,
        productive=n_productive,
        productive_stopped=sum(r.stopped for r in productive) / n_productive if n_productive else 0.0,
        productive_warned=sum(r.acted for r in productive) / n_productive if n_productive else 0.0,
        families=sorted(rows.values(), key=lambda r: (r.label, r.family)),
    )


def summary_lines(evaluation: Evaluation) -> list[str]:
    """A plain-text table per family, then the acceptance figures."""
    header = ("family", "label", "sessions", "acted", "stopped", "median delay", "saved")
    lines = ["{:28} {:10} {:>8} {:>6} {:>7} {:>12} {:>6}".format(*header)]
    for r in evaluation.families:
        delay = f"{statistics.median(r.delays):.1f}" if r.delays else "-"
        saved = f"{r.saved / r.cost_after_onset:.0%}" if r.cost_after_onset else "-"
        lines.append(f"{r.family:28} {r.label:10} {r.sessions:>8} {r.acted:>6} {r.stopped:>7} {delay:>12} {saved:>6}")
    e = evaluation
    delay = "-" if e.median_delay is None else f"{e.median_delay:.1f}"
    lines.append(
        f"loops stopped after onset {e.loops_stopped:.1%} (early {e.loops_stopped_early}), median delay "
        f"{delay} calls, saved {e.saved:.1%}; productive stopped {e.productive_stopped:.1%}, "
        f"warned {e.productive_warned:.1%}"
    )
    return lines

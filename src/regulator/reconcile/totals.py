"""What both sides of a reconcile are reduced to: totals per group (provider, UTC day, model, key).

Tokens are counted by kind the way the providers' reports count them: `input` is uncached input
only (cached reads and cache writes are their own kinds), `output` includes reasoning. Neither
provider reports reasoning tokens apart from output, so only the ledger's `reasoning` is shown; and
Anthropic's dollars are totalled per day and model (its cost report has no key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, NamedTuple

Kind = Literal["input", "cached_read", "cache_write", "output", "reasoning", "usd"]
KINDS: tuple[Kind, ...] = ("input", "cached_read", "cache_write", "output", "reasoning", "usd")
DAY_S = 86400

# Providers report dated snapshots ("gpt-4o-2024-08-06") of the names callers use ("gpt-4o").
_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8})$")


def canonical_model(name: str) -> str:
    """The model name both sides are grouped by: without a snapshot date suffix."""
    return _SNAPSHOT.sub("", name)


def day_of(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


class Group(NamedTuple):
    provider: str
    day: str  # YYYY-MM-DD, UTC
    model: str
    api_key_id: str  # "" when not grouped by key


@dataclass(slots=True)
class Totals:
    """Amounts per kind, and which kinds this source reports at this group's grain."""

    values: dict[Kind, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    reported: set[Kind] = field(default_factory=set)
    calls: int = 0

    def add(self, kind: Kind, amount: float) -> None:
        self.values[kind] += amount
        self.reported.add(kind)

    def add_tokens(self, input_: int, cached: int, write: int, output: int, reasoning: int | None) -> None:
        self.add("input", input_)
        self.add("cached_read", cached)
        self.add("cache_write", write)
        self.add("output", output)
        if reasoning is not None:
            self.add("reasoning", reasoning)


Report = dict[Group, Totals]


def totals_at(report: Report, group: Group) -> Totals:
    found = report.get(group)
    if found is None:
        found = report[group] = Totals()
    return found

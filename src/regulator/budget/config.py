"""Budget and rate-limit declarations as they appear in regulator.yaml (`budgets:`, `rate_limits:`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCOPE_KINDS = ("org", "fleet", "agent")
# The largest amount, rate or count a budget or rate limit may name. Far above any real budget, and
# far enough below the float range that sums of spend and reservations stay finite and exact enough.
MAX_LIMIT = 1e12
# A limit: finite (no inf, no nan, whether typed in YAML, JSON or on the command line), above 0.
Limit = Annotated[float, Field(gt=0, le=MAX_LIMIT, allow_inf_nan=False)]


def _check_scope(value: str, *, wildcard: bool) -> str:
    kind, sep, name = value.partition(":")
    if not sep or kind not in SCOPE_KINDS or not name:
        raise ValueError(f"expected org:NAME, fleet:NAME or agent:NAME, got {value!r}")
    if name == "*" and not wildcard:
        raise ValueError(f"a budget names one {kind}; '*' is only allowed in rate limits")
    return value


class BudgetLimits(BaseModel):
    """USD per window, and the cap for each session: what a budget says, whoever it applies to."""

    model_config = ConfigDict(extra="forbid")

    minute: Limit | None = None
    hour: Limit | None = None
    day: Limit | None = None
    week: Limit | None = None
    month: Limit | None = None
    total: Limit | None = None
    # Default cap for every session of this scope ("no single task may cost more than $5").
    session: Limit | None = None


class BudgetConfig(BudgetLimits):
    """A cap on spend for one scope (`org:NAME`, `fleet:NAME`, `agent:NAME`), in USD per window."""

    scope: str
    # Soft limits, as fractions of each limit: crossing one produces a budget event (once per window).
    thresholds: list[float] = Field(default_factory=lambda: [0.5, 0.8, 1.0])

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        return _check_scope(value, wildcard=False)

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, value: list[float]) -> list[float]:
        if any(not 0 < t <= 1 for t in value):
            raise ValueError("thresholds are fractions of the limit, each in (0, 1]")
        return sorted(set(value))


class RateLimitConfig(BaseModel):
    """Token-bucket limits for one scope; `agent:*` (or `fleet:*`, `org:*`) gives each one its own."""

    model_config = ConfigDict(extra="forbid")

    scope: str
    requests_per_minute: Limit | None = None
    tokens_per_minute: Limit | None = None
    concurrent: int | None = Field(default=None, gt=0, le=MAX_LIMIT)

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        return _check_scope(value, wildcard=True)

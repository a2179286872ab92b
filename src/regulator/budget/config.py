"""Budget and rate-limit declarations as they appear in regulator.yaml (`budgets:`, `rate_limits:`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class BudgetConfig(BaseModel):
    """A cap on spend for one scope (`org:NAME`, `fleet:NAME`, `agent:NAME`), in USD per window."""

    model_config = ConfigDict(extra="forbid")

    scope: str
    minute: float | None = Field(default=None, gt=0)
    hour: float | None = Field(default=None, gt=0)
    day: float | None = Field(default=None, gt=0)
    week: float | None = Field(default=None, gt=0)
    month: float | None = Field(default=None, gt=0)
    total: float | None = Field(default=None, gt=0)
    # Default cap for every session of this scope ("no single task may cost more than $5").
    session: float | None = Field(default=None, gt=0)


class RateLimitConfig(BaseModel):
    """Token-bucket limits for one scope."""

    model_config = ConfigDict(extra="forbid")

    scope: str
    requests_per_minute: float | None = Field(default=None, gt=0)
    tokens_per_minute: float | None = Field(default=None, gt=0)
    concurrent: int | None = Field(default=None, gt=0)

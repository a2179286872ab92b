"""Operator-facing settings: admin API token, alert webhooks, metrics."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AdminConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The admin token is read from this environment variable (never from the file).
    token_env: str = "REGULATOR_ADMIN_TOKEN"


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhooks: list[str] = []


class MetricsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # The agent label can be dropped to bound cardinality in large fleets.
    agent_label: bool = True

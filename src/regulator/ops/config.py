"""Operator-facing settings: admin API token, dashboard sessions, alert webhooks, metrics."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

AlertKind = Literal[
    "budget_threshold",
    "budget_exhausted",
    "budget_projection",
    "burn_outlier",
    "incident",
    "overrun",
    "upstream_failures",
    "reconcile_drift",
]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)


class AdminConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The admin token is read from this environment variable (never from the file). When it is
    # unset the gateway generates one at start and writes it to <data_dir>/admin_token (mode 0600).
    token_env: str = "REGULATOR_ADMIN_TOKEN"
    # How long a dashboard login lasts.
    session_ttl_s: int = Field(default=12 * 3600, gt=0)
    # Origins besides the gateway's own that may send state-changing admin requests from a browser,
    # e.g. `https://regulator.example.com` when a TLS proxy in front changes the scheme or port.
    allowed_origins: list[str] = Field(default_factory=list)


class WebhookConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    # `json`: regulator's own payload; `slack`: {"text", "blocks"} for Slack-compatible receivers.
    format: Literal["json", "slack"] = "json"
    kinds: list[AlertKind] = Field(default_factory=lambda: list(ALERT_KINDS))
    # Incidents are sent only when the policy's action is one of these (empty: every action).
    incident_actions: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_url(cls, value: Any) -> Any:
        # A bare URL string is the short form: generic JSON, every kind.
        return {"url": value} if isinstance(value, str) else value


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhooks: list[WebhookConfig] = Field(default_factory=list)
    # Attempts per alert before it goes to the dead-letter file, and the first back-off delay
    # (doubled after each failure, capped at `max_backoff_s`).
    attempts: int = Field(default=5, ge=1)
    backoff_s: float = Field(default=1.0, gt=0)
    max_backoff_s: float = Field(default=60.0, gt=0)
    timeout_s: float = Field(default=5.0, gt=0)
    # An upstream failure spike: this many failed upstream calls within `failure_window_s`.
    failure_spike_count: int = Field(default=10, ge=1)
    failure_window_s: float = Field(default=60.0, gt=0)
    dead_letter_file: str = "alerts_dead_letter.jsonl"
    # Projections, checked every `projection_every_s` on the last hour's burn: a budget that will run
    # out before its window resets (`budget_projection`), and an agent burning `outlier_factor` times
    # its fleet's median, among at least `outlier_min_agents` spending agents (`burn_outlier`).
    projection_every_s: float = Field(default=30.0, gt=0)
    outlier_factor: float = Field(default=5.0, gt=1)
    outlier_min_agents: int = Field(default=3, ge=2)
    outlier_min_usd_per_hour: float = Field(default=0.01, ge=0)
    # Where the dashboard is reachable (e.g. https://regulator.example.com/dashboard): alerts link to
    # the incident or fleet there. Unset: alerts carry no link.
    dashboard_url: str | None = None


class MetricsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # The agent label can be dropped to bound cardinality in large fleets.
    agent_label: bool = True

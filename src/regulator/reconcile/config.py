"""The `reconcile:` section: which provider organisations bill regulator's upstreams, and what counts as drift.

Admin keys are read from the environment variable each provider names, never from the file, like
the upstreams' own keys. A provider lists the upstreams whose calls it bills and, for each, the id
of the provider key that upstream uses as the provider's reports name it: with ids, reports are
filtered and grouped by key (traffic that bypasses regulator under other keys stays out of the
comparison); without, the whole organisation's usage is compared per day and model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ProviderKind = Literal["openai", "anthropic"]
DEFAULT_BASE_URL: dict[ProviderKind, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com/v1",
}


class ProviderConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    kind: ProviderKind
    admin_key_env: str = Field(min_length=1)
    base_url: str | None = None  # default: the provider's public API
    # upstream name -> the provider's id of the key it calls with (null: not grouped by key)
    upstreams: dict[str, str | None] = Field(min_length=1)
    project_id: str | None = None  # OpenAI: only this project's usage and costs

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return None if value is None else value.rstrip("/")

    @field_validator("upstreams")
    @classmethod
    def _all_or_no_keys(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        # With key ids the reports are filtered to them: an upstream without one would look unbilled.
        if len({key is None for key in value.values()}) > 1:
            raise ValueError("give every upstream its provider key id, or none of them (null)")
        return value

    @property
    def url(self) -> str:
        return self.base_url or DEFAULT_BASE_URL[self.kind]

    @property
    def key_ids(self) -> list[str]:
        return sorted({key for key in self.upstreams.values() if key})


class ReconcileConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    providers: list[ProviderConfig] = Field(default_factory=list)
    # A difference is drift when it is larger than both this share of the larger side and the floor
    # of its unit (tokens or dollars).
    threshold_share: float = Field(default=0.02, ge=0, le=1)
    min_tokens: int = Field(default=0, ge=0)
    min_usd: float = Field(default=0.01, ge=0)
    # Scheduled reconcile in the gateway: every `interval_s` (0: off) over the last `lookback_days`
    # whole UTC days (today is left out: providers' reports lag behind the calls).
    interval_s: float = Field(default=0, ge=0)
    lookback_days: int = Field(default=2, ge=1, le=31)
    timeout_s: float = Field(default=30.0, gt=0)

"""The escalation ladder (`policy:` in regulator.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PolicyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True

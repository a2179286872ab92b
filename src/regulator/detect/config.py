"""Detector thresholds (`detect:` in regulator.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DetectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True

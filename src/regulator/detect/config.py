"""Detector thresholds (`detect:` in regulator.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True


class RepetitionConfig(_Section):
    window: int = Field(default=10, ge=2)  # actions looked back over
    min_repeats: int = Field(default=3, ge=2)  # same action with the same result, this many times


class SameErrorConfig(_Section):
    window: int = Field(default=8, ge=2)  # tool results looked back over
    min_count: int = Field(default=3, ge=2)


class CycleConfig(_Section):
    min_period: int = Field(default=2, ge=2)
    max_period: int = Field(default=8, ge=2)
    min_span: int = Field(default=6, ge=4)  # steps the repeating tail must cover at least


class NoProgressConfig(_Section):
    max_novelty: float = Field(default=0.1, ge=0, le=1)  # share of new 4-grams still "nothing new"
    min_run: int = Field(default=6, ge=2)  # consecutive uninformative results before a finding
    min_words: int = Field(default=12, ge=1)  # shorter results say nothing either way


class BurnRateConfig(_Section):
    window_s: float = Field(default=300.0, gt=0)
    min_history_s: float = Field(default=3600.0, ge=0)
    factor: float = Field(default=5.0, gt=1)
    min_recent_usd: float = Field(default=1.0, ge=0)
    horizon_s: float = Field(default=3600.0, gt=0)


class DetectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    repetition: RepetitionConfig = Field(default_factory=RepetitionConfig)
    same_error: SameErrorConfig = Field(default_factory=SameErrorConfig)
    cycle: CycleConfig = Field(default_factory=CycleConfig)
    no_progress: NoProgressConfig = Field(default_factory=NoProgressConfig)
    burn_rate: BurnRateConfig = Field(default_factory=BurnRateConfig)

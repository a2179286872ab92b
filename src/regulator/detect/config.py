"""Detector thresholds (`detect:` in regulator.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True


class RepetitionConfig(_Section):
    window: int = Field(default=10, ge=2)  # actions looked back over
    min_repeats: int = Field(default=3, ge=2)  # same action with the same result, this many times


class SameErrorConfig(_Section):
    window: int = Field(default=8, ge=2)  # tool results looked back over
    min_count: int = Field(default=3, ge=2)
    # Failures since the code last changed that bring back an error already met since then (from 2 commands).
    min_recurring: int = Field(default=4, ge=2)


class EnvironmentConfig(_Section):
    window: int = Field(default=10, ge=2)  # results looked back over
    min_count: int = Field(default=3, ge=2)  # failures on one cause among them


class WaitingConfig(_Section):
    max_calls: int = Field(default=40, ge=1)  # checks in a row before waiting is slowed down (40 × 30 s = 20 min)
    max_usd: float = Field(default=2.0, gt=0)  # or once a stretch of waiting has cost this much


class CycleConfig(_Section):
    min_period: int = Field(default=2, ge=2)
    max_period: int = Field(default=10, ge=2)
    min_span: int = Field(default=6, ge=4)  # steps the repeating tail must cover at least
    drift: bool = True  # a long cycle's step may drift between rounds (a diff of this round's edit, a flaky count)


class NoProgressConfig(_Section):
    max_novelty: float = Field(default=0.1, ge=0, le=1)  # share of new 4-grams still "nothing new"
    min_run: int = Field(default=6, ge=2)  # consecutive uninformative results before a finding
    min_words: int = Field(default=12, ge=1)  # shorter results say nothing either way


class StaleConfig(_Section):
    min_stale: int = Field(default=12, ge=2)  # actions in a row, each one the agent had taken before
    min_distinct: int = Field(default=3, ge=1)  # different actions among them (one alone is repetition's)
    echo_window: int = Field(default=10, ge=2)  # latest steps looked at for re-reads
    min_echoes: int = Field(default=6, ge=2)  # of them, actions taken again that gave the very same result


class UnchangedConfig(_Section):
    min_runs: int = Field(default=10, ge=2)  # commands run since the latest change to a file (reads left out)
    min_repeats: int = Field(default=4, ge=1)  # steps since that change that repeat one taken since


class RetriedEditConfig(_Section):
    # Edits made again that had failed before, each followed by a failing run again, before a finding.
    min_retries: int = Field(default=3, ge=1)
    stand_calls: int = Field(default=4, ge=0)  # calls after a retry's failure the finding stands, unless a run passes


class RelapseConfig(_Section):
    # Tests failing again after a round that failed only others, each round after a change to the code.
    min_returns: int = Field(default=3, ge=1)
    window: int = Field(default=12, ge=2)  # latest rounds (the runs after one change) looked at
    stand_calls: int = Field(default=4, ge=0)  # calls after a relapse the finding stands, unless a run passes


class HarnessConfig(_Section):
    window: int = Field(default=8, ge=2)  # latest steps looked at
    min_refused: int = Field(default=6, ge=2)  # of them, answered by the harness with a complaint


class BurnRateConfig(_Section):
    window_s: float = Field(default=300.0, gt=0)
    min_history_s: float = Field(default=3600.0, ge=0)
    factor: float = Field(default=5.0, gt=1)
    min_recent_usd: float = Field(default=1.0, ge=0)
    horizon_s: float = Field(default=3600.0, gt=0)


class JudgeConfig(BaseModel):
    """The optional AI judge of borderline findings (see detect/judge.py); its calls go through the gateway."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    url: str = "http://127.0.0.1:8080/v1"  # OpenAI-dialect base URL: the gateway's own
    api_key_env: str | None = None  # variable holding the regulator key of the judge's agent
    model: str = "llama3.1:8b"
    # Decisions whose combined strength falls in [min_severity, max_severity) are borderline.
    min_severity: float = Field(default=0.7, ge=0, le=1)
    max_severity: float = Field(default=0.9, ge=0, le=1)
    last_calls: int = Field(default=8, ge=1)  # recent actions shown to the judge
    result_lines: int = Field(default=4, ge=1)  # first lines of each result shown
    task_chars: int = Field(default=1500, ge=100)  # the task (first user message) is cut to this
    timeout_s: float = Field(default=20.0, gt=0)
    max_tokens: int = Field(default=200, ge=16)
    max_per_session: int = Field(default=3, ge=1)  # judge calls one session may cause
    max_waiting: int = Field(default=32, ge=1)  # questions queued beyond this get no opinion

    @model_validator(mode="after")
    def _usable(self) -> JudgeConfig:
        if self.min_severity >= self.max_severity:
            raise ValueError("min_severity must be below max_severity")
        if self.enabled and not self.api_key_env:
            raise ValueError("api_key_env: name the variable holding the judge agent's regulator key")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return self


class DetectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    repetition: RepetitionConfig = Field(default_factory=RepetitionConfig)
    same_error: SameErrorConfig = Field(default_factory=SameErrorConfig)
    environment: EnvironmentConfig = Field(default_factory=EnvironmentConfig)
    waiting: WaitingConfig = Field(default_factory=WaitingConfig)
    cycle: CycleConfig = Field(default_factory=CycleConfig)
    no_progress: NoProgressConfig = Field(default_factory=NoProgressConfig)
    stale: StaleConfig = Field(default_factory=StaleConfig)
    unchanged: UnchangedConfig = Field(default_factory=UnchangedConfig)
    retried_edit: RetriedEditConfig = Field(default_factory=RetriedEditConfig)
    relapse: RelapseConfig = Field(default_factory=RelapseConfig)
    harness: HarnessConfig = Field(default_factory=HarnessConfig)
    burn_rate: BurnRateConfig = Field(default_factory=BurnRateConfig)
    judge: JudgeConfig = Field(default_factory=JudgeConfig)

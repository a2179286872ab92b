"""regulator.yaml: one file, every key overridable from the environment, validated at start.

Environment overrides use `REGULATOR_` + the key path joined by `__`, e.g.
`REGULATOR_SERVER__PORT=9000` or `REGULATOR_COUNTERS__URL=redis://…`; values are read as YAML
scalars. Provider keys are never in the file: an upstream names the variable that holds its key.
A bad file fails at start with the path of the bad key and what was expected.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from regulator.budget.config import BudgetConfig, RateLimitConfig
from regulator.detect.config import DetectConfig
from regulator.ops.config import AdminConfig, AlertsConfig, MetricsConfig
from regulator.policy.config import PolicyConfig
from regulator.reconcile.config import ReconcileConfig
from regulator.types import Dialect

ENV_PREFIX = "REGULATOR_"
# Variables that are not config keys (read elsewhere) and must not be mistaken for overrides.
NON_CONFIG_ENV = {"REGULATOR_DATA_DIR", "REGULATOR_URL", "REGULATOR_ADMIN_TOKEN", "REGULATOR_CONFIG"}


class ConfigError(Exception):
    """The configuration is invalid; the message names the key and what was expected."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class ServerConfig(Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    max_body_bytes: int = Field(default=32 * 1024 * 1024, gt=0)
    upstream_timeout_s: float = Field(default=600.0, gt=0)
    upstream_connect_timeout_s: float = Field(default=10.0, gt=0)
    # What one client connection may hold (see regulator/serving.py): its request head must arrive
    # within header_timeout_s, its body within body_timeout_s; idle keep-alive connections close
    # after idle_timeout_s; connections beyond max_connections are answered 503 and closed.
    header_timeout_s: float = Field(default=10.0, gt=0)
    body_timeout_s: float = Field(default=60.0, gt=0)
    idle_timeout_s: float = Field(default=5.0, gt=0)
    max_connections: int = Field(default=2048, gt=0)


class StorageConfig(Strict):
    # sqlite:///path/to/file.db, or postgresql://… ; empty = SQLite in the data directory.
    url: str = ""
    ledger_batch_size: int = Field(default=500, gt=0)
    ledger_flush_ms: int = Field(default=200, gt=0)
    # The journal survives a process kill without fsync (the page cache does); set this to also
    # survive power loss, at one fsync per interval.
    journal_fsync_s: float | None = Field(default=None, gt=0)


class CountersConfig(Strict):
    # memory:// (in-process) or redis://host:port/db
    url: str = "memory://"
    fail_open: bool = False
    reservation_ttl_s: int = Field(default=900, gt=0)
    # A caller's max_tokens that a budget cannot afford is lowered to what it affords, but never
    # below this: under it the call is refused (x-regulator-action: clamped on a lowered call).
    clamp_floor_tokens: int = Field(default=1024, gt=0)
    # How far apart replicas' clocks may be; see `RedisBackend` (re-seeding after Redis lost its data).
    clock_skew_s: float = Field(default=0.1, ge=0)
    # Calendar windows (day, week, month) start at midnight in this timezone.
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Europe/Berlin)") from exc
        return value


class UpstreamConfig(Strict):
    name: str
    base_url: str
    # The dialects it serves (`openai`, `anthropic`, `google`): a call in another dialect for one
    # of its models is refused, never translated. `dialect: NAME` (or `both`: openai and anthropic)
    # declares the same in one word.
    dialects: list[Dialect] = Field(default=["openai"], min_length=1)
    api_key_env: str | None = None
    # Local servers (Ollama, vLLM, llama.cpp) cost nothing unless a model price says otherwise.
    local: bool = False
    # regulator's mock provider (tests, the demo): callers' `x-mock-*` headers are forwarded to it.
    # Every other upstream gets only the headers it needs.
    mock_headers: bool = False

    @model_validator(mode="before")
    @classmethod
    def _one_dialect(cls, data: Any) -> Any:
        if isinstance(data, dict) and "dialect" in data:
            data = dict(data)
            value = data.pop("dialect")
            data.setdefault("dialects", ["openai", "anthropic"] if value == "both" else [value])
        return data

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class PriceOverride(Strict):
    """USD per million tokens. Unset fields fall back to the catalog (or 0 for local upstreams)."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    cache_write: float | None = Field(default=None, ge=0)


class ModelConfig(Strict):
    name: str
    upstream: str
    upstream_model: str | None = None  # the name the upstream knows it by, when different
    price: PriceOverride | None = None
    catalog_ref: str | None = None  # look the price up under this catalog name instead
    max_output_tokens: int | None = Field(default=None, gt=0)
    context_window: int | None = Field(default=None, gt=0)
    downgrade_to: str | None = None


class PricingConfig(Strict):
    # What to do with a routed model that has no known price: refuse the call (400, naming the key
    # that prices it), price it at zero, or price it at `fallback_price`.
    unknown_model: Literal["refuse", "allow_zero", "fallback"] = "refuse"
    fallback_price: PriceOverride | None = None

    @model_validator(mode="after")
    def _fallback_priced(self) -> PricingConfig:
        if self.unknown_model == "fallback" and self.fallback_price is None:
            raise ValueError("unknown_model: fallback needs pricing.fallback_price (input and output, USD per MTok)")
        return self


class SessionsConfig(Strict):
    header: str = "x-regulator-session"
    # Task ids harnesses send by themselves, used when the header above is absent (lower case):
    # Claude Code's (shared by its sub-agents) and Codex CLI's.
    harness_headers: list[str] = Field(default_factory=lambda: ["x-claude-code-session-id", "session-id"])
    # Calls threaded by message prefix are forgotten after this long without a new call.
    idle_timeout_s: int = Field(default=3600, gt=0)
    max_tracked: int = Field(default=20_000, gt=0)
    # Sessions still at their first call, tracked at most: the oldest are forgotten first.
    max_new: int = Field(default=1_000, gt=0)


class TraceConfig(Strict):
    # Opt-in: write live traffic as a trace (docs/trace-format.md) for replay, with secrets redacted.
    enabled: bool = False
    path: str = "traces/live.jsonl"  # relative to the data directory


class Config(Strict):
    server: ServerConfig = Field(default_factory=ServerConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    counters: CountersConfig = Field(default_factory=CountersConfig)
    admin: AdminConfig = Field(default_factory=AdminConfig)
    upstreams: list[UpstreamConfig] = Field(default_factory=list)
    models: list[ModelConfig] = Field(default_factory=list)
    pricing: PricingConfig = Field(default_factory=PricingConfig)
    sessions: SessionsConfig = Field(default_factory=SessionsConfig)
    budgets: list[BudgetConfig] = Field(default_factory=list)
    rate_limits: list[RateLimitConfig] = Field(default_factory=list)
    detect: DetectConfig = Field(default_factory=DetectConfig)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    trace: TraceConfig = Field(default_factory=TraceConfig)
    reconcile: ReconcileConfig = Field(default_factory=ReconcileConfig)

    def check_references(self) -> None:
        names = {u.name for u in self.upstreams}
        models = {m.name for m in self.models}
        for i, model in enumerate(self.models):
            if model.upstream not in names:
                raise ConfigError(
                    f"models[{i}].upstream: {model.upstream!r} is not a configured upstream "
                    f"(known: {sorted(names) or 'none'})"
                )
            if model.downgrade_to and model.downgrade_to not in models:
                raise ConfigError(f"models[{i}].downgrade_to: {model.downgrade_to!r} is not a configured model")
        for i, provider in enumerate(self.reconcile.providers):
            for upstream in provider.upstreams:
                if upstream not in names:
                    raise ConfigError(
                        f"reconcile.providers[{i}].upstreams: {upstream!r} is not a configured upstream "
                        f"(known: {sorted(names) or 'none'})"
                    )


def _set_path(tree: dict[str, Any], path: list[str], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[path[-1]] = value


def apply_env(raw: dict[str, Any], environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    for name, text in environ.items():
        if not name.startswith(ENV_PREFIX) or name in NON_CONFIG_ENV:
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX) :].split("__") if p]
        if path:
            _set_path(raw, path, yaml.safe_load(text) if text else text)
    return raw


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"{where}: {item['msg']}")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def non_finite(node: Any, path: str = "") -> str | None:
    """The path of the first number that is not finite (YAML's `.inf`, `.nan`, `1e999`, "inf"), if any.

    Checked once over the validated tree so that no section, present or future, can hold one: an
    infinite timeout or threshold passes `gt=0` checks and then breaks arithmetic and JSON far from here.
    """
    if isinstance(node, float):
        return None if math.isfinite(node) else path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found = non_finite(child, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Read, override from the environment, and validate. Raises ConfigError with the bad key's path."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of sections at the top level")
        raw = loaded
    apply_env(raw, os.environ if environ is None else environ)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from exc
    bad = non_finite(config.model_dump())
    if bad is not None:
        raise ConfigError(f"invalid configuration:\n  {bad}: expected a finite number")
    config.check_references()
    return config


def data_dir(explicit: str | None = None) -> Path:
    return Path(explicit or os.environ.get("REGULATOR_DATA_DIR") or ".regulator")

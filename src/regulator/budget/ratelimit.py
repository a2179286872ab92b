"""Rate limits: requests per minute, tokens per minute, concurrent requests, per org / fleet / agent.

Token buckets: a bucket holds up to `per_minute` units and refills at `per_minute / 60` per second.
A request needs one unit of the requests bucket. The tokens bucket must hold the call's smallest
possible charge (input + the output floor); it is then debited the input plus the granted
`max_tokens` and may go below zero, which later callers repay by waiting; settle corrects the charge
to the tokens actually used. A charge larger than the whole bucket passes when the bucket is full,
so one big call is never refused forever.

`agent:*` (likewise `fleet:*`, `org:*`) gives every agent its own buckets with those limits; an
explicit `agent:NAME` entry replaces the wildcard for that agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from regulator.budget.config import RateLimitConfig
from regulator.budget.slots import identity_scopes
from regulator.events import Identity

BucketKind = Literal["requests_per_minute", "tokens_per_minute"]


@dataclass(slots=True, frozen=True)
class BucketSpec:
    key: str  # "rl:agent:bob|requests_per_minute"
    scope: str
    kind: BucketKind
    per_minute: float

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


@dataclass(slots=True, frozen=True)
class ConcurrencySpec:
    key: str  # "rl:agent:bob|concurrent"
    scope: str
    limit: int


@dataclass(slots=True, frozen=True)
class RateRefusal:
    scope: str
    kind: str  # requests_per_minute | tokens_per_minute | concurrent
    limit: float
    retry_after_s: float


class TokenBucket:
    __slots__ = ("level", "updated")

    def __init__(self, capacity: float, now: float) -> None:
        self.level = capacity
        self.updated = now

    def refill(self, spec: BucketSpec, now: float) -> float:
        if now > self.updated:
            self.level = min(spec.per_minute, self.level + (now - self.updated) * spec.per_second)
            self.updated = now
        elif self.level > spec.per_minute:  # the limit was lowered at run time
            self.level = spec.per_minute
        return self.level

    def shortfall(self, spec: BucketSpec, need: float, now: float) -> float:
        """Seconds until `need` units are available (0.0: available now). Refills first."""
        need = min(need, spec.per_minute)
        missing = need - self.refill(spec, now)
        return missing / spec.per_second if missing > 0 else 0.0


class RateLimits:
    """Resolves which buckets and concurrency limits apply to an identity."""

    def __init__(self, configs: list[RateLimitConfig]) -> None:
        self._exact: dict[str, RateLimitConfig] = {}
        self._wildcard: dict[str, RateLimitConfig] = {}
        for config in configs:
            kind, _, name = config.scope.partition(":")
            if name == "*":
                self._wildcard[kind] = config
            else:
                self._exact[config.scope] = config

    def __bool__(self) -> bool:
        return bool(self._exact or self._wildcard)

    def for_identity(self, identity: Identity) -> tuple[tuple[BucketSpec, ...], tuple[ConcurrencySpec, ...]]:
        buckets: list[BucketSpec] = []
        slots: list[ConcurrencySpec] = []
        for scope in identity_scopes(identity):
            config = self._exact.get(scope) or self._wildcard.get(scope.partition(":")[0])
            if config is None:
                continue
            if config.requests_per_minute is not None:
                kind: BucketKind = "requests_per_minute"
                buckets.append(BucketSpec(f"rl:{scope}|{kind}", scope, kind, config.requests_per_minute))
            if config.tokens_per_minute is not None:
                kind = "tokens_per_minute"
                buckets.append(BucketSpec(f"rl:{scope}|{kind}", scope, kind, config.tokens_per_minute))
            if config.concurrent is not None:
                slots.append(ConcurrencySpec(f"rl:{scope}|concurrent", scope, config.concurrent))
        return tuple(buckets), tuple(slots)

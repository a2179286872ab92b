"""The records that flow between the proxy, the ledger, the budget engine and the detectors.

One call produces one `CallRecord` (a ledger row) and one `CallEvent` (what the detectors see: the
record plus the conversation). Replay builds the same objects from traces, so the live path and
replay run the same detector and policy code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from regulator.types import Dialect

# How a call ended, as the ledger records it.
Outcome = Literal[
    "ok",  # upstream answered 2xx and the answer reached the caller
    "upstream_error",  # upstream answered an error status
    "unreachable",  # connection refused / reset before any answer
    "timeout",  # upstream did not answer in time
    "cut",  # stream ended early: upstream broke it, or regulator ended it at the reservation
    "client_gone",  # the caller disconnected mid-stream
    "interrupted",  # found in the journal after a crash: counted at its reserved amount
    "reaped",  # its replica died before recording it: written by a survivor, at what the counters hold
]


@dataclass(slots=True)
class Usage:
    """Token counts as the provider bills them, normalised across dialects.

    `input_tokens` is every prompt token (cached reads and cache writes included), so the
    uncached part is `input_tokens - cached_input_tokens - cache_write_tokens`; `output_tokens`
    includes `reasoning_tokens`.
    """

    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.cached_input_tokens + other.cached_input_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.output_tokens + other.output_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
        )


@dataclass(slots=True)
class Identity:
    """Who is calling: resolved from the regulator key."""

    key_id: str
    agent: str
    fleet: str = "default"
    org: str = "default"
    # A delegated budget's key: (delegation id, cap USD) from its own up to the root's; every call
    # is charged to each of them (store/delegations.py). `expires_at`: the earliest expiry among them.
    delegation: tuple[tuple[str, float], ...] = ()
    expires_at: float | None = None


@dataclass(slots=True)
class CallRecord:
    """One ledger row: everything needed to bill, report and rebuild counters."""

    call_id: str
    ts: float  # unix seconds when the call was admitted
    org: str
    fleet: str
    agent: str
    session: str
    model: str  # the model asked for
    upstream: str
    dialect: Dialect
    endpoint: str = "chat"  # the API: chat | embeddings | messages | responses | gemini
    served_model: str = ""  # the model actually used (differs after a downgrade)
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    reserved_usd: float = 0.0
    status: int = 200
    outcome: Outcome = "ok"
    latency_ms: float = 0.0  # upstream, first byte to last
    overhead_ms: float = 0.0  # time regulator itself added
    stream: bool = False
    action: str | None = None  # what the policy did to this call (nudge, downgrade, ...)
    key_id: str = ""
    # The provider's id for this call (x-request-id / request-id, else the response's id), so a
    # disputed call can be found in the provider's records too.
    provider_request_id: str = ""
    # What the agent did: the result its request brought back and the action its answer asked for,
    # one redacted line. Set on the detection thread, after the row is queued (see ledger.annotate).
    summary: str | None = None


@dataclass(slots=True)
class CallEvent:
    """What the detectors see of one call.

    `messages` is the full request conversation as sent (in its dialect's shape), `new_from` the
    index of the first message the previous call of this session did not have: detectors look at
    `messages[new_from:]` and `response` only, never rescanning the whole conversation.
    `response` is the assistant's answer (a non-streamed body, or one rebuilt from the stream).
    """

    record: CallRecord
    seq: int
    messages: list[dict[str, Any]]
    new_from: int
    response: dict[str, Any] | None
    system: Any = None  # Anthropic's top-level system prompt
    budget_remaining_usd: float | None = None


# What the policy raises and keeps: incidents and standing state (the store persists both).
# Fleet and org standing is set by operators and stands on every agent beneath it.
ScopeKind = Literal["agent", "session", "fleet", "org"]
SCOPE_KINDS: tuple[ScopeKind, ...] = ("agent", "session", "fleet", "org")


@dataclass(slots=True)
class Incident:
    """What a detector found and what the policy did about it; `incident_id` is set on insert."""

    ts: float
    org: str
    fleet: str
    agent: str
    session: str
    detector: str
    action: str
    evidence: str
    call_ids: list[str] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    resolved: bool = False
    incident_id: str = ""


@dataclass(slots=True, frozen=True)
class Standing:
    """The standing state of an agent, session, fleet or org; `active` (the default) is stored as no row.

    `until_ts` ends a cool-down (or an operator's `--for` pause) by itself; `updated_at` is stamped by
    the store on write.
    """

    scope_kind: ScopeKind
    name: str
    state: str
    reason: str = ""
    until_ts: float | None = None
    incident_id: str | None = None
    updated_at: float = 0.0

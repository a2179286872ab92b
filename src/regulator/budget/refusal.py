"""The 429 errors the engine raises: which budget or rate limit refused, and when retrying helps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from regulator.budget.ratelimit import RateRefusal
from regulator.budget.slots import BudgetSlot
from regulator.errors import BudgetExceeded, RateLimited


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def rate_limited(refusal: RateRefusal) -> RateLimited:
    retry = max(1, math.ceil(refusal.retry_after_s))
    error = RateLimited(
        f"regulator rate limit reached for {refusal.scope}: {refusal.kind} {refusal.limit:g}; retry in {retry}s",
        headers={"Retry-After": str(retry)},
    )
    error.details = {
        "rate_limit": {
            "scope": refusal.scope,
            "limit": refusal.kind,
            "value": refusal.limit,
            "retry_after_s": retry,
        }
    }
    return error


def budget_exceeded(
    slots: Sequence[BudgetSlot],
    index: int,
    spent: float,
    reserved: float,
    blocking: Sequence[int],
    smallest_usd: float,
    now: float,
    *,
    caller_max: int | None,
) -> BudgetExceeded:
    slot = slots[index]
    resets = [slots[i].resets_at for i in blocking]
    # A reset helps only if every blocking window resets and the call fits in an empty window.
    helps = all(r is not None for r in resets) and all(smallest_usd <= slots[i].limit for i in blocking)
    retry_at = max((r for r in resets if r is not None), default=None) if helps else None
    remaining = max(0.0, slot.limit - spent - reserved)
    what = f"{slot.scope} ({slot.window})" if not slot.cap_from else f"{slot.scope} (session cap from {slot.cap_from})"
    asked = f"max_tokens={caller_max}" if caller_max is not None else "the minimum output"
    message = (
        f"regulator refused this call: budget exceeded: {what} limit ${slot.limit:.4f}, spent ${spent:.4f}, "
        f"reserved ${reserved:.4f}, remaining ${remaining:.4f}; {asked} would need ${smallest_usd:.4f}"
    )
    headers: dict[str, str] = {}
    if reserved > 0 and slot.limit - spent >= smallest_usd:
        # Calls in flight hold what this call needs; their reservations settle within a call's time.
        headers["Retry-After"] = "1"
        message += f"; calls in flight hold ${reserved:.4f} of it, retry shortly"
    elif retry_at is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_at - now)))
        message += f"; resets at {_iso(slot.resets_at)}"
    scope = slot.scope if not slot.cap_from else slot.cap_from
    message += f". An operator can raise the limit with 'regulator budgets set {scope} …'."
    error = BudgetExceeded(message, headers=headers)
    budget: dict[str, Any] = {
        "scope": slot.scope,
        "window": slot.window,
        "limit_usd": slot.limit,
        "spent_usd": spent,
        "reserved_usd": reserved,
        "remaining_usd": remaining,
        "requested_usd": smallest_usd,
        "resets_at": _iso(slot.resets_at),
    }
    if slot.cap_from:
        budget["cap_from"] = slot.cap_from
    error.details = {"budget": budget}
    return error

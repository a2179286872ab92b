"""Points in time as people type them: `15m`, `24h`, `7d` back from now, or an ISO date; and
lengths of time (`--for 30m`)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$", re.ASCII)


def parse_duration(text: str) -> float:
    """`30s`, `30m`, `2h`, `1d` as seconds."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration (30s, 30m, 2h, 1d)")
    return float(match[1]) * _UNITS[match[2]]


def parse_time(text: str, now: float | None = None) -> float:
    """`15m`, `24h`, `7d` (that long before now), or an ISO date/datetime (UTC unless it says)."""
    text = text.strip()
    match = _DURATION.match(text)
    if match:
        ts = (time.time() if now is None else now) - float(match[1]) * _UNITS[match[2]]
        try:
            datetime.fromtimestamp(ts, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"{text!r} reaches back before the year 1") from exc
        return ts
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is neither a duration (15m, 24h, 7d) nor an ISO date") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()

"""Budget windows: when a window began and when it next resets, in the configured timezone.

Calendar windows (day, ISO week starting Monday, calendar month) follow the local wall clock, so a
DST day is 23 or 25 hours long. Minute and hour windows follow the local UTC offset too (so an hour
window in Asia/Kolkata runs :30 to :30 UTC like the wall clock does; across a 30-minute DST change,
as on Lord Howe Island, one hour window is cut short). `total` never resets.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from regulator.types import Window

SPAN_SECONDS = {"minute": 60, "hour": 3600}


def zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _local_midnight(day: datetime, tz: tzinfo) -> float:
    # Rebuilding from the date (fold=0) resolves a midnight that DST skips or repeats the way
    # PEP 495 says: the earlier instant, which is when the new local day really begins.
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def window_start(window: Window, now: float, tz: str | tzinfo = "UTC") -> float:
    """Unix time at which the window containing `now` began (0.0 for `total`)."""
    if window == "total":
        return 0.0
    zone_ = zone(tz)
    local = datetime.fromtimestamp(now, zone_)
    span = SPAN_SECONDS.get(window)
    if span is not None:
        offset = local.utcoffset()
        shift = int(offset.total_seconds()) if offset is not None else 0
        return now - ((now + shift) % span)
    if window == "day":
        return _local_midnight(local, zone_)
    if window == "week":
        return _local_midnight(local - timedelta(days=local.weekday()), zone_)
    return _local_midnight(local.replace(day=1), zone_)


def next_reset(window: Window, now: float, tz: str | tzinfo = "UTC") -> float | None:
    """Unix time at which the window containing `now` ends, or None for `total`."""
    if window == "total":
        return None
    zone_ = zone(tz)
    span = SPAN_SECONDS.get(window)
    if span is not None:
        return window_start(window, now, zone_) + span
    local = datetime.fromtimestamp(now, zone_)
    if window == "day":
        # Noon of the next day is always a valid, unambiguous wall time to step from.
        nxt = local.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)
    elif window == "week":
        nxt = local.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=7 - local.weekday())
    else:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        nxt = datetime(year, month, 1, 12, tzinfo=zone_)
    return _local_midnight(nxt, zone_)


class WindowClock:
    """Caches each window's [start, reset) so the hot path does a comparison, not date arithmetic."""

    __slots__ = ("_bounds", "tz")

    def __init__(self, tz: str | tzinfo = "UTC") -> None:
        self.tz = zone(tz)
        self._bounds: dict[Window, tuple[float, float]] = {}

    def bounds(self, window: Window, now: float) -> tuple[float, float | None]:
        """(start, reset) of the window containing `now`; reset is None for `total`."""
        if window == "total":
            return 0.0, None
        cached = self._bounds.get(window)
        if cached is not None and cached[0] <= now < cached[1]:
            return cached
        start = window_start(window, now, self.tz)
        reset = next_reset(window, now, self.tz)
        assert reset is not None
        self._bounds[window] = (start, reset)
        return start, reset

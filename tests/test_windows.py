from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from regulator.budget.windows import WindowClock, next_reset, window_start
from regulator.types import WINDOWS


def ts(text: str, tz: str = "UTC") -> float:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)).timestamp()


def local(t: float, tz: str = "UTC") -> str:
    return datetime.fromtimestamp(t, ZoneInfo(tz)).isoformat()


def test_utc_windows_of_an_ordinary_instant() -> None:
    now = ts("2024-05-15T13:47:12.5")  # a Wednesday
    assert local(window_start("minute", now)) == "2024-05-15T13:47:00+00:00"
    assert local(window_start("hour", now)) == "2024-05-15T13:00:00+00:00"
    assert local(window_start("day", now)) == "2024-05-15T00:00:00+00:00"
    assert local(window_start("week", now)) == "2024-05-13T00:00:00+00:00"
    assert local(window_start("month", now)) == "2024-05-01T00:00:00+00:00"
    assert window_start("total", now) == 0.0
    assert local(next_reset("minute", now) or 0) == "2024-05-15T13:48:00+00:00"
    assert local(next_reset("hour", now) or 0) == "2024-05-15T14:00:00+00:00"
    assert local(next_reset("day", now) or 0) == "2024-05-16T00:00:00+00:00"
    assert local(next_reset("week", now) or 0) == "2024-05-20T00:00:00+00:00"
    assert local(next_reset("month", now) or 0) == "2024-06-01T00:00:00+00:00"
    assert next_reset("total", now) is None


def test_week_starts_on_monday_and_a_monday_starts_its_own_week() -> None:
    monday = ts("2024-05-13T00:00:00")
    assert window_start("week", monday) == monday
    sunday_night = ts("2024-05-19T23:59:59")
    assert window_start("week", sunday_night) == monday
    assert next_reset("week", sunday_night) == ts("2024-05-20T00:00:00")


@pytest.mark.parametrize(
    ("instant", "start", "reset"),
    [
        ("2024-01-31T23:59:59", "2024-01-01T00:00:00", "2024-02-01T00:00:00"),
        ("2024-02-29T12:00:00", "2024-02-01T00:00:00", "2024-03-01T00:00:00"),  # leap year
        ("2023-02-28T12:00:00", "2023-02-01T00:00:00", "2023-03-01T00:00:00"),
        ("2024-12-31T23:59:59", "2024-12-01T00:00:00", "2025-01-01T00:00:00"),  # year end
        ("2024-04-30T10:00:00", "2024-04-01T00:00:00", "2024-05-01T00:00:00"),
    ],
)
def test_month_ends(instant: str, start: str, reset: str) -> None:
    assert window_start("month", ts(instant)) == ts(start)
    assert next_reset("month", ts(instant)) == ts(reset)


def test_day_of_spring_forward_is_23_hours_in_berlin() -> None:
    tz = "Europe/Berlin"
    now = ts("2024-03-31T12:00:00", tz)
    start, reset = window_start("day", now, tz), next_reset("day", now, tz)
    assert local(start, tz) == "2024-03-31T00:00:00+01:00"
    assert local(reset or 0, tz) == "2024-04-01T00:00:00+02:00"
    assert (reset or 0) - start == 23 * 3600


def test_day_of_fall_back_is_25_hours_in_new_york() -> None:
    tz = "America/New_York"
    now = ts("2024-11-03T12:00:00", tz)
    start, reset = window_start("day", now, tz), next_reset("day", now, tz)
    assert (reset or 0) - start == 25 * 3600
    assert local(start, tz) == "2024-11-03T00:00:00-04:00"


def test_repeated_hour_of_fall_back_gives_two_distinct_hour_windows() -> None:
    tz = ZoneInfo("America/New_York")
    first = datetime(2024, 11, 3, 1, 30, tzinfo=tz, fold=0).timestamp()
    second = datetime(2024, 11, 3, 1, 30, tzinfo=tz, fold=1).timestamp()
    assert second - first == 3600
    assert window_start("hour", second, tz) - window_start("hour", first, tz) == 3600
    assert window_start("hour", first, tz) <= first < (next_reset("hour", first, tz) or 0)


def test_midnight_skipped_by_dst_starts_the_day_at_the_jump() -> None:
    # Santiago springs forward at 24:00 on 2024-09-07: local midnight of the 8th does not exist.
    tz = "America/Santiago"
    now = ts("2024-09-08T12:00:00", tz)
    start = window_start("day", now, tz)
    assert local(start, tz) == "2024-09-08T01:00:00-03:00"
    assert next_reset("day", ts("2024-09-07T23:00:00", tz), tz) == start


def test_half_hour_offset_zone_keeps_wall_clock_hours() -> None:
    tz = "Asia/Kolkata"
    now = ts("2024-05-15T13:47:00", tz)
    assert local(window_start("hour", now, tz), tz) == "2024-05-15T13:00:00+05:30"
    assert local(window_start("day", now, tz), tz) == "2024-05-15T00:00:00+05:30"


def test_month_in_a_timezone_starts_at_local_midnight() -> None:
    tz = "America/Los_Angeles"
    # Still March 31st in Los Angeles while it is already April 1st in UTC.
    now = datetime(2024, 4, 1, 5, 0, tzinfo=UTC).timestamp()
    assert local(window_start("month", now, tz), tz) == "2024-03-01T00:00:00-08:00"
    assert local(next_reset("month", now, tz) or 0, tz) == "2024-04-01T00:00:00-07:00"


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_every_instant_lies_in_its_window_across_a_year(tz: str) -> None:
    t = ts("2024-01-01T00:00:00")
    while t < ts("2025-01-10T00:00:00"):
        for window in WINDOWS:
            start = window_start(window, t, tz)
            reset = next_reset(window, t, tz)
            assert start <= t
            if reset is not None:
                assert t < reset
                # Lord Howe shifts by 30 minutes: the hour window across that change is shortened.
                if not (window == "hour" and tz == "Australia/Lord_Howe"):
                    assert window_start(window, reset, tz) == reset
        t += 3600 * 7 + 61


def test_window_clock_caches_until_the_reset() -> None:
    clock = WindowClock("UTC")
    now = ts("2024-05-15T13:47:12")
    assert clock.bounds("day", now) == (ts("2024-05-15T00:00:00"), ts("2024-05-16T00:00:00"))
    assert clock.bounds("day", now + 3600) == (ts("2024-05-15T00:00:00"), ts("2024-05-16T00:00:00"))
    assert clock.bounds("day", ts("2024-05-16T00:00:00"))[0] == ts("2024-05-16T00:00:00")
    assert clock.bounds("total", now) == (0.0, None)

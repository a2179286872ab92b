# ruff: noqa: E501
"""Loop families about calendar arithmetic: month ends never agreed on, epoch seconds always some hours off.

The wrong answers are computed: each approach the agent tries is run on the cases at build time (pure
date arithmetic, no local zone), so the values the failures print are the ones that approach gives.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from heldout20.calls import Step
from heldout46.text import Ctx, churn, extra, py_edit, test_step

Months = Callable[[date, int, bool], date]


def _last(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _by_30_days(d: date, n: int, eom: bool) -> date:
    return d + timedelta(days=30 * n)


def _replace(d: date, n: int, eom: bool) -> date:
    return d.replace(month=d.month + n)


def _divmod_off(d: date, n: int, eom: bool) -> date:
    y, m = divmod(d.month + n, 12)
    return date(d.year + y, m, min(d.day, _last(d.year + y, m)))


def _clamp(d: date, n: int, eom: bool) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, min(d.day, _last(d.year + y, m + 1)))


def _sticky_always(d: date, n: int, eom: bool) -> date:
    out = _clamp(d, n, eom)
    return out.replace(day=_last(out.year, out.month)) if d.day == _last(d.year, d.month) else out


def _naive_leap(d: date, n: int, eom: bool) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    days = [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    out = date(y, m, min(d.day, days))
    return out.replace(day=days) if eom and d.day == _last(d.year, d.month) else out


def _sticky_sign(d: date, n: int, eom: bool) -> date:
    out = _clamp(d, abs(n), eom) if n >= 0 else _clamp(d, n + 1, eom)
    return out.replace(day=_last(out.year, out.month)) if eom and d.day == _last(d.year, d.month) else out


APPROACHES: dict[str, tuple[Months, str, str]] = {
    "30 days": (_by_30_days, "return value + timedelta(days=30 * months)", "Simplest thing: a month as 30 days."),
    "replace": (
        _replace,
        "return value.replace(month=value.month + months)",
        "Just replace the month and let date validate it.",
    ),
    "divmod": (_divmod_off, "years, month = divmod(value.month + months, 12)", "Carry the years with divmod."),
    "clamp": (
        _clamp,
        "day = min(value.day, calendar.monthrange(year, month)[1])",
        "Clamp the day to the target month's length.",
    ),
    "sticky": (
        _sticky_always,
        "if value.day == calendar.monthrange(value.year, value.month)[1]:",
        "A month-end date should stay at the month end.",
    ),
    "leap": (
        _naive_leap,
        "days = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]",
        "Compute the month lengths directly, with the leap year rule.",
    ),
    "sign": (_sticky_sign, "if months < 0:", "Handle going backwards separately."),
}

# (start, months, end_of_month, expected): the default clamps, end_of_month=True keeps month ends at month end.
CASES = (
    (date(2021, 1, 31), 1, False, date(2021, 2, 28)),
    (date(2020, 1, 31), 1, False, date(2020, 2, 29)),
    (date(2021, 3, 31), -1, False, date(2021, 2, 28)),
    (date(2021, 12, 31), 2, False, date(2022, 2, 28)),
    (date(2021, 11, 30), 3, False, date(2022, 2, 28)),
    (date(2100, 1, 31), 1, False, date(2100, 2, 28)),
    (date(2000, 1, 31), 1, False, date(2000, 2, 29)),
    (date(2021, 4, 30), 1, False, date(2021, 5, 30)),
    (date(2021, 2, 28), 1, True, date(2021, 3, 31)),
    (date(2021, 4, 30), 1, True, date(2021, 5, 31)),
    (date(2021, 6, 30), -1, True, date(2021, 5, 31)),
    (date(2019, 2, 28), 12, True, date(2020, 2, 29)),
    (date(2021, 10, 15), -10, False, date(2020, 12, 15)),
    (date(2021, 12, 15), 1, False, date(2022, 1, 15)),
)


def _dt(d: date) -> str:
    return f"datetime.date({d.year}, {d.month}, {d.day})"


def _outcome(how: Months, case: tuple[date, int, bool, date]) -> str | None:
    """The error a case shows under an approach, None if it passes."""
    start, n, eom, want = case
    try:
        got = how(start, n, eom)
    except ValueError as error:  # calendar's IllegalMonthError is a ValueError too
        return f"{'calendar.IllegalMonthError' if 'bad month' in str(error) else 'ValueError'}: {error}"
    return None if got == want else f"AssertionError: assert {_dt(got)} == {_dt(want)}"


def month_end_rollover(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Adding months at month ends: each way of computing it fails some other start date or leap year."""
    func = f"add_{ctx.stem}_months"

    def run(thought: str, approach: str) -> Step:
        how = APPROACHES[approach][0]
        shown = rng.sample(CASES, rng.randint(7, len(CASES)))
        failing = []
        for case in shown:
            error = _outcome(how, case)
            if error:
                name = f"test_{func}[{case[0].isoformat()}-{case[1]}{'-eom' if case[2] else ''}]"
                failing.append((name, f"assert {func}(start, months, end_of_month=eom) == expected", error))
        if not failing:
            case = next(c for c in CASES if _outcome(how, c))
            failing.append(
                (
                    f"test_{func}[{case[0].isoformat()}-{case[1]}{'-eom' if case[2] else ''}]",
                    f"assert {func}(start, months) == expected",
                    str(_outcome(how, case)),
                )
            )
        return test_step(ctx, rng, thought, failing[: rng.randint(1, 4)], extra=extra(ctx, rng))

    def attempt(approach: str) -> Callable[[int], list[Step]]:
        line, thought = APPROACHES[approach][1], APPROACHES[approach][2]

        def steps(k: int) -> list[Step]:
            anchor = rng.choice(["    return result\n", "    return value\n"])
            out = [
                Step(
                    thought,
                    py_edit(
                        ctx.source,
                        anchor,
                        f"    {line}\n" if line.startswith("return") else f"    {line}\n{anchor}",
                    ),
                    "patched",
                )
            ]
            if rng.random() < 0.3:
                case = rng.choice(CASES)
                out.append(
                    Step(
                        "Let me try one of the dates by hand.",
                        f'python -c "from datetime import date; from {ctx.dotted} import {func}; print({func}(date({case[0].year}, {case[0].month}, {case[0].day}), {case[1]}{", end_of_month=True" if case[2] else ""}))"',
                        *_hand(APPROACHES[approach][0], case, ctx),
                    )
                )
            return [*out, run("Run the month arithmetic tests.", approach)]

        return steps

    def a_cal(k: int) -> list[Step]:
        y = rng.choice([2019, 2020, 2021, 2100, 2000, 2024])
        return [
            Step(
                "Let me check the leap years the tests use.",
                f'python -c "import calendar; print([calendar.monthrange({y}, m)[1] for m in range(1, 13)], calendar.isleap({y}))"',
                f"{[calendar.monthrange(y, m)[1] for m in range(1, 13)]} {calendar.isleap(y)}\n",
            ),
            run("And rerun the tests.", rng.choice(["clamp", "sticky", "leap", "sign"])),
        ]

    first = [run("Let me run the tests for the month arithmetic.", rng.choice(["replace", "30 days"]))]
    attempts = [attempt(a) for a in APPROACHES] + [a_cal]
    return churn(ctx, rng, n, first, attempts, "the month-end arithmetic")


def _hand(how: Months, case: tuple[date, int, bool, date], ctx: Ctx) -> tuple[str, int]:
    """What calling the function by hand prints, and its return code."""
    try:
        return f"{how(case[0], case[1], case[2]).isoformat()}\n", 0
    except ValueError as error:
        kind = "calendar.IllegalMonthError" if "bad month" in str(error) else "ValueError"
        where = f'  File "/testbed/{ctx.source}", line {len(ctx.source) * 7 % 400 + 20}, in add_{ctx.stem}_months\n'
        return (
            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{where}{kind}: {error}\n',
            1,
        )


# The zones the tests set and how far (hours) local wall time is from UTC there, in winter and in summer.
_LOCAL = (
    ("America/New_York", -5, -4),
    ("Europe/Berlin", 1, 2),
    ("Asia/Tokyo", 9, 9),
    ("America/Chicago", -6, -5),
    ("Australia/Sydney", 11, 10),
)


def epoch_hours_off(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Timestamps to datetimes and back: every conversion is right in one zone and some hours off in another."""
    names = [
        f"test_{ctx.stem}_{s}"
        for s in ("to_timestamp", "from_timestamp", "roundtrip", "milliseconds", "naive_is_utc", "negative")
    ]

    def moment() -> tuple[datetime, int]:
        when = datetime(
            rng.randint(2019, 2024),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.choice([0, 30]),
            tzinfo=UTC,
        )
        return when, calendar.timegm(when.utctimetuple())

    def off(when: datetime) -> int:
        zone = rng.choice(_LOCAL)
        return zone[2] if 4 <= when.month <= 9 else zone[1]

    def error(kind: str) -> str:
        when, ts = moment()
        h = off(when)
        local = when + timedelta(hours=h)
        if kind == "mktime":
            return f"AssertionError: assert {ts - 3600 * h}{'.0' if rng.random() < 0.5 else ''} == {ts}"
        if kind == "naive":
            return rng.choice(
                [
                    f"AssertionError: assert datetime.datetime({when.year}, {when.month}, {when.day}, {when.hour}, {when.minute}) == datetime.datetime({when.year}, {when.month}, {when.day}, {when.hour}, {when.minute}, tzinfo=datetime.timezone.utc)",
                    "TypeError: can't compare offset-naive and offset-aware datetimes",
                ]
            )
        if kind == "local":
            return f"AssertionError: assert '{local:%Y-%m-%d %H:%M}' == '{when:%Y-%m-%d %H:%M}'"
        if kind == "ms":
            try:
                datetime.fromtimestamp(ts * 1000, UTC)
            except ValueError as exc:
                return f"ValueError: {exc}"
            return "OverflowError: timestamp out of range for platform time_t"
        return (
            f"AssertionError: assert {ts // 1000} == {ts}"
            if rng.random() < 0.5
            else f"AssertionError: assert {ts * 1000} == {ts}"
        )

    def run(thought: str, *kinds: str) -> Step:
        failing = [(name, "", error(kind)) for name, kind in zip(rng.sample(names, len(kinds)), kinds, strict=True)]
        return test_step(
            ctx,
            rng,
            thought,
            failing,
            extra=extra(ctx, rng),
            env=rng.choice(["", "", "TZ=America/New_York", "TZ=Europe/Berlin"]),
        )

    def edit(thought: str, old: str, new: str, *kinds: str) -> Callable[[int], list[Step]]:
        def steps(k: int) -> list[Step]:
            return [
                Step(thought, py_edit(ctx.source, old, new), "patched"),
                run("Run the conversion tests.", *rng.sample(kinds, rng.randint(1, len(kinds)))),
            ]

        return steps

    attempts = [
        edit(
            "Use calendar.timegm so the local zone doesn't matter.",
            "time.mktime(value.timetuple())",
            "calendar.timegm(value.timetuple())",
            "local",
            "naive",
        ),
        edit(
            "Maybe utcfromtimestamp is what the other side expects.",
            "datetime.fromtimestamp(ts)",
            "datetime.utcfromtimestamp(ts)",
            "naive",
            "mktime",
        ),
        edit(
            "Make the result aware in UTC.",
            "datetime.fromtimestamp(ts)",
            "datetime.fromtimestamp(ts, tz=timezone.utc)",
            "mktime",
            "local",
        ),
        edit(
            "Let .timestamp() do the work.",
            "calendar.timegm(value.utctimetuple())",
            "value.timestamp()",
            "mktime",
            "local",
        ),
        edit(
            "Inputs over 1e11 must be milliseconds.",
            "    if ts is None:\n",
            "    if ts > 1e11:\n        ts = ts / 1000\n    if ts is None:\n",
            "ms",
            "scale",
        ),
        edit(
            "Always divide by 1000: the API sends milliseconds.",
            "ts = float(ts)",
            "ts = float(ts) / 1000",
            "scale",
            "local",
        ),
        edit(
            "Treat naive input as local time, as the docs say.",
            "value.replace(tzinfo=timezone.utc)",
            "value.astimezone()",
            "mktime",
            "naive",
        ),
    ]

    def a_probe(k: int) -> list[Step]:
        when, ts = moment()
        env = rng.choice(["TZ=America/New_York", "TZ=Europe/Berlin", "TZ=Asia/Tokyo", "TZ=UTC"])
        h = {"TZ=America/New_York": -5, "TZ=Europe/Berlin": 1, "TZ=Asia/Tokyo": 9, "TZ=UTC": 0}[env]
        return [
            Step(
                "Let me compare the conversions directly under a zone.",
                f'{env} python -c "import time, calendar; from datetime import datetime; d = datetime({when.year}, {when.month}, {when.day}, {when.hour}, {when.minute}); print(time.mktime(d.timetuple()), calendar.timegm(d.timetuple()), d.timestamp())"',
                f"{float(ts - 3600 * h)} {ts} {float(ts - 3600 * h)}\n",
            ),
            run("Rerun the tests.", *rng.sample(["mktime", "naive", "local", "ms", "scale"], rng.randint(1, 2))),
        ]

    first = [run("Run the tests for the timestamp conversion.", "mktime", "local")]
    return churn(ctx, rng, n, first, [*attempts, a_probe], "the epoch conversion")

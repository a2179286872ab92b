# ruff: noqa: E501
"""Productive look-alikes: the same date and zone trouble met once or twice, then fixed at the cause, tests green."""

from __future__ import annotations

import random
import time
from datetime import date

from heldout20.calls import Step
from heldout46.loops_calendar import APPROACHES, _outcome
from heldout46.text import Ctx, extra, minute, py_edit, test_step


def dst_gap_normalized(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A spring-gap test fails (once or twice); the round trip through UTC moves gap times forward; green."""
    z, f = ctx.zone, ctx.func
    gap, m = f"test_{ctx.stem}_spring_gap", minute(rng)
    got, want = f"'{z.spring}T{z.skipped:02d}:{m:02d}:00{z.std}'", f"'{z.spring}T{z.skipped + 1:02d}:{m:02d}:00{z.dst}'"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests around the DST change.",
            [(gap, "assert result.isoformat() == expected", f"AssertionError: assert {got} == {want}")],
            extra=extra(ctx, rng),
        ),
        Step(
            "The gap test wants a time that doesn't exist moved forward. Let me read the test to be sure.",
            f"grep -n -A8 'def {gap}' {ctx.test_path}",
            f"    def {gap}(self):\n        tz = ZoneInfo('{z.name}')\n        value = datetime({z.spring[:4]}, 3, {int(z.spring[8:])}, {z.skipped}, {m})\n        expected = '{z.spring}T{z.skipped + 1:02d}:{m:02d}:00{z.dst}'\n        assert {f}(value, tz=tz).isoformat() == expected\n",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Try fold=1 first, which picks the offset after the transition.",
                py_edit(ctx.source, "value.replace(tzinfo=tz)", "value.replace(tzinfo=tz, fold=1)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Check it.",
                [
                    (
                        gap,
                        "assert result.isoformat() == expected",
                        f"AssertionError: assert '{z.spring}T{z.skipped:02d}:{m:02d}:00{z.dst}' == {want}",
                    )
                ],
                name=gap,
            ),
            Step(
                "fold only changes the offset, not the wall time. Revert that.",
                py_edit(ctx.source, "value.replace(tzinfo=tz, fold=1)", "value.replace(tzinfo=tz)"),
                "patched",
            ),
        ]
    steps += [
        Step(
            "A wall time in the gap has no real instant; converting through UTC and back normalizes it to the wall time after the gap, which is what the test documents.",
            py_edit(
                ctx.source,
                "    return value.replace(tzinfo=tz)\n",
                "    # Times in a DST gap do not exist: the round trip moves them past it.\n    return value.replace(tzinfo=tz).astimezone(timezone.utc).astimezone(tz)\n",
            ),
            "patched",
        ),
        test_step(ctx, rng, "Run the gap test.", [], name=gap),
        test_step(ctx, rng, "And the whole module, including the fold test.", [], extra=extra(ctx, rng)),
    ]
    return steps


def aware_at_source(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A naive/aware comparison fails; the one naive `utcnow()` is found and made aware; green."""
    f = ctx.func
    name = f"test_{ctx.stem}_{rng.choice(['expired', 'since_now', 'window'])}"
    error = rng.choice(
        [
            "TypeError: can't compare offset-naive and offset-aware datetimes",
            "TypeError: can't subtract offset-naive and offset-aware datetimes",
        ]
    )
    line = rng.randint(40, 400)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the change.",
            [(name, f"assert {f}(created) < now", error)],
            extra=extra(ctx, rng),
        )
    ]
    if rng.random() < 0.6:
        steps += [
            Step(
                "The value from the test is aware. Let me make the input aware as well.",
                py_edit(
                    ctx.source,
                    "    if value is None:\n",
                    "    if value is not None and value.tzinfo is None:\n        value = value.replace(tzinfo=timezone.utc)\n    if value is None:\n",
                ),
                "patched",
            ),
            test_step(ctx, rng, "Run it again.", [(name, f"assert {f}(created) < now", error)], name=name),
        ]
    steps += [
        Step(
            "Still a naive value on the other side of the comparison. Where does the function build its 'now'?",
            f"grep -n 'now\\|utcnow\\|fromtimestamp' {ctx.source}",
            f"{line}:    now = datetime.utcnow()\n{line + 9}:    return now - value > window\n",
        ),
        Step(
            "`datetime.utcnow()` returns a naive value; that is the naive side. Use an aware UTC now.",
            py_edit(ctx.source, "now = datetime.utcnow()", "now = datetime.now(timezone.utc)"),
            "patched",
        ),
        Step(
            "Make sure timezone is imported there.",
            f"grep -n '^from datetime import\\|^import datetime' {ctx.source}",
            f"{rng.randint(3, 20)}:from datetime import datetime, timedelta, timezone\n",
        ),
        test_step(ctx, rng, "Run the failing test.", [], name=name),
        test_step(ctx, rng, "And the module.", [], extra=extra(ctx, rng)),
    ]
    return steps


def pytz_localized_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An LMT offset appears; the pytz `tzinfo=` pitfall is recognized, localize used for naive values; green."""
    z, f = ctx.zone, ctx.func
    name = f"test_{ctx.stem}_{rng.choice(['local_offset', 'summer_time', 'isoformat'])}"
    h, d = rng.randint(7, 19), rng.randint(1, 28)
    steps = [
        test_step(
            ctx,
            rng,
            "Run the zone conversion tests.",
            [
                (
                    name,
                    f"assert {f}(value, tz=pytz.timezone('{z.name}')).isoformat() == expected",
                    f"AssertionError: assert '2021-06-{d:02d}T{h:02d}:00:00{z.lmt}' == '2021-06-{d:02d}T{h:02d}:00:00{z.dst}'",
                )
            ],
            extra=extra(ctx, rng),
        ),
        Step(
            f"An offset of {z.lmt} is the zone's local mean time: that's what pytz gives when its zone is passed as tzinfo=. Let me confirm.",
            f"python -c \"import pytz; from datetime import datetime; tz = pytz.timezone('{z.name}'); d = datetime(2021, 6, {d}, {h}); print(d.replace(tzinfo=tz).isoformat(), tz.localize(d).isoformat())\"",
            f"2021-06-{d:02d}T{h:02d}:00:00{z.lmt} 2021-06-{d:02d}T{h:02d}:00:00{z.dst}\n",
        ),
        Step(
            "Use localize for naive values; aware ones are converted instead of localized twice.",
            py_edit(
                ctx.source,
                "    return value.replace(tzinfo=tz)\n",
                "    if value.tzinfo is None:\n        return tz.localize(value) if hasattr(tz, 'localize') else value.replace(tzinfo=tz)\n    return value.astimezone(tz)\n",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        f"test_{ctx.stem}_from_settings",
                        f"assert {f}(value) == expected",
                        "NameError: name 'tz' is not defined",
                    )
                ],
                extra=extra(ctx, rng),
            ),
            Step(
                "The default branch uses the name before it is set. Move the default up.",
                py_edit(
                    ctx.source,
                    "    if value.tzinfo is None:\n",
                    "    tz = tz or get_default_timezone()\n    if value.tzinfo is None:\n",
                ),
                "patched",
            ),
        ]
    steps += [
        test_step(ctx, rng, "Run the module.", [], extra=extra(ctx, rng)),
        test_step(
            ctx, rng, "And once more under another TZ to be sure nothing reads local time.", [], env="TZ=Asia/Tokyo"
        ),
    ]
    return steps


def month_end_clamped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Month arithmetic fails at Jan 31, then at December; carried from a zero-based month and clamped; green."""
    func = f"add_{ctx.stem}_months"
    jan = (date(2021, 1, 31), 1, False, date(2021, 2, 28))
    dec = rng.choice(
        [
            (date(2021, 11, 30), 1, False, date(2021, 12, 30)),
            (date(2021, 10, 15), 2, False, date(2021, 12, 15)),
            (date(2022, 6, 30), 6, False, date(2022, 12, 30)),
        ]
    )

    def case_name(case: tuple[date, int, bool, date]) -> str:
        return f"test_{func}[{case[0].isoformat()}-{case[1]}]"

    steps = [
        test_step(
            ctx,
            rng,
            "Run the month arithmetic tests.",
            [
                (
                    case_name(jan),
                    f"assert {func}(start, months) == expected",
                    str(_outcome(APPROACHES["replace"][0], jan)),
                )
            ],
            extra=extra(ctx, rng),
        ),
        Step(
            "February has no 31st; the day must be clamped. And months past 12 must carry into the year.",
            py_edit(
                ctx.source,
                "    return value.replace(month=value.month + months)\n",
                "    years, month = divmod(value.month + months, 12)\n    year = value.year + years\n    day = min(value.day, calendar.monthrange(year, month)[1])\n    return value.replace(year=year, month=month, day=day)\n",
            ),
            "patched",
        ),
    ]
    err = _outcome(APPROACHES["divmod"][0], dec)
    if err and rng.random() < 0.7:
        steps += [
            test_step(
                ctx,
                rng,
                "Run them again.",
                [(case_name(dec), f"assert {func}(start, months) == expected", err)],
                extra=extra(ctx, rng),
            ),
            Step(
                "divmod on a one-based month gives month 0 for December. Do it zero-based and add one back.",
                py_edit(
                    ctx.source,
                    "    years, month = divmod(value.month + months, 12)\n",
                    "    years, month = divmod(value.month - 1 + months, 12)\n    month += 1\n",
                ),
                "patched",
            ),
        ]
    steps += [
        Step(
            "Let me try the awkward dates by hand: month ends, leap years, and going backwards.",
            f'python -c "from datetime import date; from {ctx.dotted} import {func}; print([{func}(date(*d), n).isoformat() for d, n in [((2021, 1, 31), 1), ((2020, 1, 31), 1), ((2100, 1, 31), 1), ((2021, 3, 31), -1), ((2021, 12, 31), 2)]])"',
            "['2021-02-28', '2020-02-29', '2100-02-28', '2021-02-28', '2022-02-28']\n",
        ),
        test_step(ctx, rng, "Now the tests.", [], extra=extra(ctx, rng)),
    ]
    return steps


def timegm_adopted(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A timestamp hours off under a test's TZ; mktime found reading local time; timegm used; green in two zones."""
    f = ctx.func
    name = f"test_{ctx.stem}_{rng.choice(['to_timestamp', 'roundtrip'])}"
    ts = rng.randint(1_577_836_800, 1_704_067_200) // 1800 * 1800
    env, winter, summer = rng.choice(
        [("TZ=America/New_York", -5, -4), ("TZ=Europe/Berlin", 1, 2), ("TZ=Asia/Tokyo", 9, 9)]
    )
    hours = summer if 4 <= time.gmtime(ts).tm_mon <= 9 else winter
    steps = [
        test_step(
            ctx,
            rng,
            "Run the conversion tests.",
            [(name, f"assert {f}(value) == expected", f"AssertionError: assert {float(ts - 3600 * hours)} == {ts}")],
            extra=extra(ctx, rng),
            env=env,
        ),
    ]
    if rng.random() < 0.5:
        steps.append(test_step(ctx, rng, "Passes here in UTC? Let me run it with TZ=UTC.", [], name=name, env="TZ=UTC"))
    steps += [
        Step(
            f"Off by exactly {abs(hours)} hour{'s' if abs(hours) != 1 else ''}: a local-time conversion somewhere.",
            f"grep -n 'mktime\\|timetuple\\|fromtimestamp' {ctx.source}",
            f"{rng.randint(30, 500)}:    return time.mktime(value.timetuple())\n",
        ),
        Step(
            "mktime reads the tuple as local time; the value is UTC. timegm on the UTC tuple is the inverse of gmtime.",
            py_edit(
                ctx.source, "return time.mktime(value.timetuple())", "return calendar.timegm(value.utctimetuple())"
            ),
            "patched",
        ),
        test_step(ctx, rng, "Run the test under the zone that failed.", [], name=name, env=env),
        test_step(ctx, rng, "And the module under the default zone.", [], extra=extra(ctx, rng)),
    ]
    return steps


def iso_z_handled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """fromisoformat rejects a trailing Z on this Python; the Z is mapped to +00:00 once, where the value comes in; green."""
    f = ctx.func
    y, mo, d, h = rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)
    text = f"{y}-{mo:02d}-{d:02d}T{h:02d}:{rng.randint(0, 59):02d}:00Z"
    name = f"test_{f}[{text}]"
    steps = [
        test_step(
            ctx,
            rng,
            "Run the parsing tests.",
            [(name, f"assert {f}(value) == expected", f"ValueError: Invalid isoformat string: {text!r}")],
            extra=extra(ctx, rng),
        )
    ]
    if rng.random() < 0.6:
        frac = text[:-1] + f".{rng.randint(1, 999):03d}Z"
        steps += [
            Step(
                "Let me see which Python this is; fromisoformat only takes Z from 3.11 on.",
                "python --version",
                f"Python {ctx.python_full}\n",
            ),
            test_step(
                ctx,
                rng,
                "Does the fractional variant fail the same way?",
                [
                    (
                        f"test_{f}[{frac}]",
                        f"assert {f}(value) == expected",
                        f"ValueError: Invalid isoformat string: {frac!r}",
                    )
                ],
                name=f"test_{f}[{frac}]",
            ),
        ]
    steps += [
        Step(
            "Same cause in both: the trailing Z. Map it to +00:00 before fromisoformat, which then reads the fraction and offset itself.",
            py_edit(
                ctx.source,
                "    return datetime.fromisoformat(value)\n",
                "    if value.endswith(('Z', 'z')):\n        value = value[:-1] + '+00:00'\n    return datetime.fromisoformat(value)\n",
            ),
            "patched",
        ),
        test_step(ctx, rng, "Run the parsing tests.", [], extra=extra(ctx, rng)),
    ]
    return steps

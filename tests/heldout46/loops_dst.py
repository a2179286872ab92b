# ruff: noqa: E501
"""Loop families about zones' own rules: a DST gap and fold never pinned, pytz's LMT offset never gone."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout46.text import Ctx, churn, extra, minute, py_edit, test_step


def dst_gap_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Local times in the spring gap and the autumn fold: every way of localizing fixes one test and breaks another."""
    z, f = ctx.zone, ctx.func
    gap, fold, span = (f"test_{ctx.stem}_{s}" for s in ("spring_gap", "fall_fold", "add_day_across_dst"))

    def gap_error() -> str:
        m = minute(rng)
        got, want = (
            f"'{z.spring}T{z.skipped + 1:02d}:{m:02d}:00{z.dst}'",
            f"'{z.spring}T{z.skipped:02d}:{m:02d}:00{z.std}'",
        )
        return rng.choice(
            [
                f"AssertionError: assert {got} == {want}",
                f"AssertionError: assert {want} == {got}",
                f"pytz.exceptions.NonExistentTimeError: {z.spring} {z.skipped:02d}:{m:02d}:00",
                f"AssertionError: assert datetime.timedelta(seconds={rng.choice([-3600, 3600, 7200])}) == datetime.timedelta(0)",
            ]
        )

    def fold_error() -> str:
        m = minute(rng)
        a, b = f"'{z.fall}T{z.repeated:02d}:{m:02d}:00{z.std}'", f"'{z.fall}T{z.repeated:02d}:{m:02d}:00{z.dst}'"
        return rng.choice(
            [
                f"AssertionError: assert {a} == {b}",
                f"AssertionError: assert {b} == {a}",
                f"pytz.exceptions.AmbiguousTimeError: {z.fall} {z.repeated:02d}:{m:02d}:00",
                f"AssertionError: assert {rng.choice([0, 1])} == {rng.choice([1, 0])}",
            ]
        )

    def span_error() -> str:
        h = rng.randint(6, 22)
        return rng.choice(
            [
                "AssertionError: assert datetime.timedelta(seconds=82800) == datetime.timedelta(days=1)",
                "AssertionError: assert datetime.timedelta(seconds=90000) == datetime.timedelta(days=1)",
                f"AssertionError: assert {rng.choice([23, 25])} == 24",
                f"AssertionError: assert '{h:02d}:00' == '{h + rng.choice([-1, 1]):02d}:00'",
            ]
        )

    def failing(*which: str) -> list[tuple[str, str, str]]:
        cases = {
            gap: ("", gap_error),
            fold: ("", fold_error),
            span: ("", span_error),
        }
        return [(name, cases[name][0], cases[name][1]()) for name in which]

    def run(thought: str, *which: str, name: str = "") -> Step:
        return test_step(ctx, rng, thought, failing(*which), name=name, extra=extra(ctx, rng))

    def a_fold(k: int) -> list[Step]:
        v = rng.choice([0, 1])
        return [
            Step(
                f"Maybe the gap is about `fold`: with fold={v} the wall time should map to the other side of the transition.",
                py_edit(ctx.source, "value.replace(tzinfo=tz", f"value.replace(fold={v}, tzinfo=tz"),
                "patched",
            ),
            run("Let me rerun the DST tests.", *rng.choice([(gap,), (fold,), (gap, fold), (fold, span)])),
        ]

    def a_pytz(k: int) -> list[Step]:
        flag = rng.choice(["None", "False", "True"])
        return [
            Step(
                f"Let me let pytz decide instead: `tz.localize(value, is_dst={flag})` is the documented way to attach a pytz zone.",
                py_edit(ctx.source, "value = value.replace(tzinfo=tz)", f"value = tz.localize(value, is_dst={flag})"),
                "patched",
            ),
            run("Run the tests again.", *rng.choice([(gap,), (fold,), (gap, span)])),
        ]

    def a_normalize(k: int) -> list[Step]:
        return [
            Step(
                "A time in the gap may just need normalizing after it is localized, so it lands on the right offset.",
                py_edit(
                    ctx.source,
                    "    return value\n",
                    f"    return {rng.choice(['tz.normalize(value)', 'value.astimezone(tz)', 'tz.normalize(value.astimezone(tz))'])}\n",
                ),
                "patched",
            ),
            run("And the tests.", *rng.choice([(gap,), (gap, fold), (span,)]), name=rng.choice(["", gap])),
        ]

    def a_utc(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the arithmetic should happen in UTC and only be converted back at the end.",
                py_edit(
                    ctx.source,
                    rng.choice(["value + delta", "start + timedelta(days=days)"]),
                    rng.choice(
                        [
                            "(value.astimezone(timezone.utc) + delta).astimezone(tz)",
                            "(start.astimezone(timezone.utc) + timedelta(days=days)).astimezone(tz)",
                        ]
                    ),
                ),
                "patched",
            ),
            run("Check the day-length test and the rest.", *rng.choice([(span,), (span, gap), (fold, span)])),
        ]

    def a_check(k: int) -> list[Step]:
        m = minute(rng)
        return [
            Step(
                "Let me see by hand what the function returns for a time inside the gap.",
                f"python -c \"from datetime import datetime; from {ctx.zoneinfo} import ZoneInfo; from {ctx.dotted} import {f}; print({f}(datetime({z.spring[:4]}, 3, {int(z.spring[8:])}, {z.skipped}, {m}), tz=ZoneInfo('{z.name}')).isoformat())\"",
                f"{z.spring}T{z.skipped + rng.choice([0, 1]):02d}:{m:02d}:00{rng.choice([z.std, z.dst])}\n",
            ),
            run(
                "That looks plausible; let me run the module once more.",
                *rng.choice([(gap,), (fold,), (span,), (gap, fold)]),
            ),
        ]

    def a_expect(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the test's expectation assumes the time shifts forward past the gap. Let me read it again.",
                f"grep -n -A12 'def {gap}' {ctx.test_path}",
                f"    def {gap}(self):\n        tz = ZoneInfo('{z.name}')\n        value = datetime({z.spring[:4]}, 3, {int(z.spring[8:])}, {z.skipped}, 30)\n        result = {f}(value, tz=tz)\n        expected = '{z.spring}T{z.skipped + 1:02d}:30:00{z.dst}'\n        assert result.isoformat() == expected\n",
            ),
            Step(
                "So a gap time should move forward. Let me add an explicit check for times that don't exist.",
                py_edit(
                    ctx.source,
                    "    return value\n",
                    f"    if value.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) != value.replace(tzinfo=None):\n        value = value + timedelta(hours={rng.choice([1, -1])})\n    return value\n",
                ),
                "patched",
            ),
            run("Run them.", *rng.choice([(fold,), (gap, span), (fold, span)])),
        ]

    first = [run("Let me run the tests for the DST handling I just changed.", gap, fold)]
    return churn(
        ctx, rng, n, first, [a_fold, a_pytz, a_normalize, a_utc, a_check, a_expect], "the DST transition cases"
    )


def pytz_lmt_offset(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """pytz zones passed as tzinfo= give the zone's LMT offset; each way round it breaks another caller."""
    z = ctx.zone
    names = [
        f"test_{ctx.stem}_{s}" for s in ("local_offset", "summer_time", "winter_time", "isoformat", "from_settings")
    ]

    def error() -> str:
        h, d = rng.randint(6, 20), rng.randint(1, 28)
        m = int(z.lmt[4:]) if z.lmt[4:] != "00" else 0
        return rng.choice(
            [
                f"AssertionError: assert '2021-06-{d:02d}T{h:02d}:00:00{z.lmt}' == '2021-06-{d:02d}T{h:02d}:00:00{z.dst}'",
                f"AssertionError: assert '2021-01-{d:02d}T{h:02d}:00:00{z.lmt}' == '2021-01-{d:02d}T{h:02d}:00:00{z.std}'",
                f"AssertionError: assert <DstTzInfo '{z.name}' {z.lmt_repr}> == <DstTzInfo '{z.name}' {z.dst_repr}>",
                "ValueError: Not naive datetime (tzinfo is already set)",
                f"AttributeError: '{'zoneinfo.ZoneInfo' if ctx.zoneinfo == 'zoneinfo' else 'backports.zoneinfo.ZoneInfo'}' object has no attribute 'localize'",
                f"AssertionError: assert '{h:02d}:{m or 4:02d}' == '{h:02d}:00'",
            ]
        )

    def run(thought: str, count: int) -> Step:
        failing = [(name, "", error()) for name in rng.sample(names, count)]
        return test_step(ctx, rng, thought, failing, extra=extra(ctx, rng))

    def a_localize(k: int) -> list[Step]:
        return [
            Step(
                "pytz zones must not be passed as tzinfo=; use localize.",
                py_edit(ctx.source, "value.replace(tzinfo=tz)", "tz.localize(value)"),
                "patched",
            ),
            run("Run the tests.", rng.randint(1, 2)),
        ]

    def a_normalize(k: int) -> list[Step]:
        return [
            Step(
                "Maybe normalize fixes up the LMT offset after the fact.",
                py_edit(
                    ctx.source,
                    "    return value\n",
                    f"    return {rng.choice(['tz.normalize(value)', 'value.tzinfo.normalize(value)', 'tz.normalize(value.astimezone(tz))'])}\n",
                ),
                "patched",
            ),
            run("Let me check.", rng.randint(1, 2)),
        ]

    def a_zoneinfo(k: int) -> list[Step]:
        return [
            Step(
                f"Switch to {ctx.zoneinfo}, which has no LMT problem with replace().",
                py_edit(
                    ctx.source,
                    "tz = pytz.timezone(name)",
                    rng.choice(["tz = ZoneInfo(name)", "tz = zoneinfo.ZoneInfo(name)", "tz = dateutil.tz.gettz(name)"]),
                ),
                "patched",
            ),
            run("Run the tests again.", rng.randint(1, 3)),
        ]

    def a_branch(k: int) -> list[Step]:
        return [
            Step(
                "Support both kinds of zone: localize when the zone has it, replace otherwise.",
                py_edit(
                    ctx.source,
                    "value.replace(tzinfo=tz)",
                    rng.choice(
                        [
                            "(tz.localize(value) if hasattr(tz, 'localize') else value.replace(tzinfo=tz))",
                            "getattr(tz, 'localize', lambda v: v.replace(tzinfo=tz))(value)",
                        ]
                    ),
                ),
                "patched",
            ),
            run("Run the tests.", rng.randint(1, 2)),
        ]

    def a_probe(k: int) -> list[Step]:
        h, mo, d = rng.randint(7, 19), rng.choice([1, 6, 7, 12]), rng.randint(1, 28)
        day = f"2021-{mo:02d}-{d:02d}T{h:02d}:00:00"
        return [
            Step(
                "Let me see what pytz does here directly.",
                f"python -c \"import pytz; from datetime import datetime; tz = pytz.timezone('{z.name}'); d = datetime(2021, {mo}, {d}, {h}); print(d.replace(tzinfo=tz).isoformat(), tz.localize(d).isoformat())\"",
                f"{day}{z.lmt} {day}{z.dst if 4 <= mo <= 9 else z.std}\n",
            ),
            Step(
                "The tests build their values with `tzinfo=` themselves. Let me change the fixture too.",
                py_edit(
                    ctx.test_path,
                    f"tzinfo=pytz.timezone('{z.name}')",
                    rng.choice(["tzinfo=TZ", f"tzinfo=ZoneInfo('{z.name}')"]),
                    None,
                ),
                "patched",
            ),
            run("And the tests.", rng.randint(1, 3)),
        ]

    first = [run("Let me run the tests for the zone conversion.", 2)]
    return churn(ctx, rng, n, first, [a_localize, a_normalize, a_zoneinfo, a_branch, a_probe], "the pytz offsets")

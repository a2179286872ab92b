# ruff: noqa: E501
"""Loop families about local time: naive and aware values meeting somewhere new, tests bent by the process's TZ."""

from __future__ import annotations

import posixpath
import random

from heldout20.calls import Step
from heldout46.text import Ctx, churn, extra, py_edit, run_output, test_step


def naive_aware_mixing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Aware values meet naive ones somewhere else each time tzinfo is added or stripped."""
    names = [f"test_{ctx.stem}_{s}" for s in ("expired", "window", "since_now", "roundtrip", "ordering", "default_tz")]

    def error() -> str:
        y, mo, d, h = rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)
        return rng.choice(
            [
                "TypeError: can't compare offset-naive and offset-aware datetimes",
                "TypeError: can't subtract offset-naive and offset-aware datetimes",
                "ValueError: Not naive datetime (tzinfo is already set)",
                f"AssertionError: assert datetime.datetime({y}, {mo}, {d}, {h}, 0) == datetime.datetime({y}, {mo}, {d}, {h}, 0, tzinfo=datetime.timezone.utc)",
                f"ValueError: make_aware expects a naive datetime, got {y}-{mo:02d}-{d:02d} {h:02d}:00:00+00:00",
                "AssertionError: assert None == datetime.timezone.utc",
            ]
        )

    def run(thought: str, count: int) -> Step:
        return test_step(
            ctx, rng, thought, [(name, "", error()) for name in rng.sample(names, count)], extra=extra(ctx, rng)
        )

    def a_replace(k: int) -> list[Step]:
        return [
            Step(
                "The incoming value is naive here; let me attach UTC at the entry of the function.",
                py_edit(
                    ctx.source,
                    "    if value is None:\n",
                    f"    if value.tzinfo is None:\n        value = value.replace(tzinfo={rng.choice(['timezone.utc', 'utc', 'get_current_timezone()'])})\n    if value is None:\n",
                ),
                "patched",
            ),
            run("Run the tests.", rng.randint(1, 3)),
        ]

    def a_now(k: int) -> list[Step]:
        new = rng.choice(
            ["datetime.now(timezone.utc)", "timezone.now()", "datetime.utcnow()", "datetime.now().astimezone()"]
        )
        return [
            Step(
                f"The comparison is with `now`; let me make `now` {'aware' if 'utcnow' not in new else 'UTC'} with `{new}`.",
                py_edit(ctx.source, "datetime.now()", new, None),
                "patched",
            ),
            run("And again.", rng.randint(1, 2)),
        ]

    def a_strip(k: int) -> list[Step]:
        return [
            Step(
                "Alternatively, drop the tzinfo everywhere and compare naive UTC values.",
                py_edit(
                    ctx.source,
                    "    return value\n",
                    f"    return value.{rng.choice(['astimezone(timezone.utc).replace(tzinfo=None)', 'replace(tzinfo=None)'])}\n",
                ),
                "patched",
            ),
            run("Let me see what that does.", rng.randint(1, 3)),
        ]

    def a_make_aware(k: int) -> list[Step]:
        return [
            Step(
                "Use the project's own helper so it is consistent with the settings.",
                py_edit(
                    ctx.source,
                    "value.replace(tzinfo=",
                    rng.choice(["make_aware(value, ", "make_aware(value, timezone=", "localize(value, "]),
                ),
                "patched",
            ),
            run("Run the tests.", rng.randint(1, 2)),
        ]

    def a_grep(k: int) -> list[Step]:
        count = rng.randint(4, 19)
        return [
            Step(
                "Where else are datetimes created without a zone?",
                f"grep -rn 'datetime.now()\\|utcnow()\\|fromtimestamp(\\|tzinfo' {rng.choice([ctx.run.package, posixpath.dirname(ctx.source)])} | grep -v tests | head -{rng.choice([10, 20, 30])}",
                "\n".join(
                    f"{posixpath.dirname(ctx.source)}/{rng.choice(['utils', 'base', 'compat', ctx.stem, 'cache'])}.py:{rng.randint(10, 900)}:        {rng.choice(['now = datetime.now()', 'ts = datetime.utcnow()', 'if value.tzinfo is None:', 'return datetime.fromtimestamp(ts)', 'value = value.replace(tzinfo=None)'])}"
                    for _ in range(min(count, 8))
                ),
            ),
            Step(
                "The fixtures in the tests build naive values; let me make the comparison tolerant of both.",
                py_edit(
                    ctx.source,
                    "    if value is None:\n",
                    f"    if value is not None and (value.tzinfo is None) != ({rng.choice(['now', 'other', 'reference'])}.tzinfo is None):\n        value = value.replace(tzinfo=None)\n    if value is None:\n",
                ),
                "patched",
            ),
            run("And the tests.", rng.randint(1, 3)),
        ]

    first = [run("Let me run the tests after the change.", 2)]
    return churn(ctx, rng, n, first, [a_replace, a_now, a_strip, a_make_aware, a_grep], "naive vs aware datetimes")


def tz_env_suite_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Tests that pass or fail with the TZ the process has; pinning it in one place moves the failures elsewhere."""
    names = [
        f"test_{ctx.stem}_{s}"
        for s in ("local_midnight", "fromtimestamp", "strftime_local", "mktime_roundtrip", "today")
    ]
    envs = [
        "TZ=UTC",
        "TZ=America/New_York",
        "TZ=Europe/Berlin",
        "TZ=Asia/Tokyo",
        "TZ=Australia/Sydney",
        "TZ=America/Los_Angeles",
        "",
    ]
    shift = {
        "TZ=UTC": 0,
        "TZ=America/New_York": -5,
        "TZ=Europe/Berlin": 1,
        "TZ=Asia/Tokyo": 9,
        "TZ=Australia/Sydney": 10,
        "TZ=America/Los_Angeles": -8,
        "": 0,
    }

    def error(env: str) -> str:
        h = rng.randint(0, 12)
        s = shift[env] or rng.choice([-5, 1, 9])
        ts = rng.randint(1_577_836_800, 1_704_067_200) // 3600 * 3600
        day = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return rng.choice(
            [
                f"AssertionError: assert '{day} {(h + s) % 24:02d}:00' == '{day} {h:02d}:00'",
                f"AssertionError: assert {ts + 3600 * s} == {ts}",
                f"AssertionError: assert {float(ts - 3600 * s)} == {float(ts)}",
                f"AssertionError: assert datetime.date(2021, {rng.randint(1, 12)}, {rng.randint(2, 28)}) == datetime.date(2021, {rng.randint(1, 12)}, {rng.randint(2, 28)})",
                f"AssertionError: assert {-3600 * s} == 0",
            ]
        )

    def run(thought: str, env: str, count: int, name: str = "") -> Step:
        if not count:
            return test_step(ctx, rng, thought, [], extra=extra(ctx, rng), env=env)
        failing = [(n_, "", error(env)) for n_ in rng.sample(names, count)]
        return test_step(ctx, rng, thought, failing, extra=extra(ctx, rng), env=env)

    def a_env(k: int) -> list[Step]:
        env = rng.choice([e for e in envs if e])
        good = env == "TZ=UTC"
        return [
            run(
                f"Let me see whether this depends on the process time zone: run under {env}.",
                env,
                0 if good else rng.randint(1, 3),
            ),
            run("And without TZ set, as the suite runs in CI.", "", rng.randint(1, 2)),
        ]

    def a_conftest(k: int) -> list[Step]:
        if ctx.django:
            where, body = (
                ctx.conftest,
                f"TIME_ZONE = '{rng.choice(['UTC', 'America/Chicago', 'Europe/Berlin'])}'\nUSE_TZ = {rng.choice(['True', 'False'])}\n",
            )
        else:
            where = ctx.conftest
            body = rng.choice(
                [
                    "import os\nos.environ['TZ'] = 'UTC'\n",
                    "import os, time\nos.environ['TZ'] = 'UTC'\ntime.tzset()\n",
                    "import pytest\n\n@pytest.fixture(autouse=True)\ndef utc(monkeypatch):\n    monkeypatch.setenv('TZ', 'UTC')\n",
                    "import time\nimport pytest\n\n@pytest.fixture(autouse=True)\ndef utc(monkeypatch):\n    monkeypatch.setenv('TZ', 'UTC')\n    time.tzset()\n    yield\n    time.tzset()\n",
                ]
            )
        return [
            Step(
                "Pin the zone for the tests so they don't depend on the machine.",
                f"cat >> {where} <<'EOF'\n{body}EOF",
                "",
            ),
            run("Run the tests again.", rng.choice(["", "TZ=America/New_York", "TZ=Asia/Tokyo"]), rng.randint(1, 3)),
        ]

    def a_tzset(k: int) -> list[Step]:
        return [
            Step(
                "The offset is read once at import (`time.timezone`); let me read it each call instead.",
                py_edit(
                    ctx.source,
                    rng.choice(["LOCAL_OFFSET = -time.timezone", "_OFFSET = time.timezone"]),
                    rng.choice(
                        [
                            "def _local_offset():\n    return -time.localtime().tm_gmtoff",
                            "def _local_offset():\n    time.tzset()\n    return -time.timezone",
                        ]
                    ),
                ),
                "patched",
            ),
            run("Check under another zone.", rng.choice(envs[1:-1]), rng.randint(1, 2)),
        ]

    def a_order(k: int) -> list[Step]:
        alone = (
            " -p no:randomly" + rng.choice(["", " -x", " -q"])
            if not ctx.django
            else rng.choice([" --reverse", " --shuffle"])
        )
        return [
            Step(
                "Some other test may change TZ and not restore it; let me run this module alone first.",
                ctx.tests(extra=alone),
                run_output(ctx, rng, ctx.target(), rng.randint(8, 40), []),
            ),
            run(
                "Alone it passes. Now the same module with a zone set, like the other tests leave it.",
                rng.choice(envs[1:-1]),
                rng.randint(1, 3),
            ),
        ]

    setters = [
        "os.environ['TZ'] = 'America/Chicago'",
        "time.tzset()",
        "monkeypatch.setenv('TZ', 'Europe/Berlin')",
        "del os.environ['TZ']",
    ]

    def a_grep(k: int) -> list[Step]:
        return [
            Step(
                "Who sets TZ in the test suite?",
                rng.choice(
                    [
                        "grep -rn \"TZ'\\]\\|setenv('TZ'\\|tzset\" tests | head",
                        "grep -rln 'tzset\\|environ\\[.TZ' . --include=*.py | head",
                    ]
                ),
                "\n".join(
                    f"tests/{rng.choice(['test_dates', 'test_utils', 'conftest', 'test_' + ctx.stem, 'test_formats'])}.py:{rng.randint(5, 400)}:    {rng.choice(setters)}"
                    for _ in range(rng.randint(2, 6))
                ),
            ),
            Step(
                "Let me make the function not use local time at all.",
                py_edit(
                    ctx.source,
                    rng.choice(["datetime.fromtimestamp(ts)", "time.mktime(value.timetuple())", "time.localtime(ts)"]),
                    rng.choice(
                        [
                            "datetime.fromtimestamp(ts, timezone.utc)",
                            "calendar.timegm(value.utctimetuple())",
                            "time.gmtime(ts)",
                        ]
                    ),
                ),
                "patched",
            ),
            run("And the tests in the other zone.", rng.choice(envs[1:]), rng.randint(1, 2)),
        ]

    first = [run("Run the tests for the change.", "", 2)]
    return churn(ctx, rng, n, first, [a_env, a_conftest, a_tzset, a_order, a_grep], "the TZ-dependent tests")

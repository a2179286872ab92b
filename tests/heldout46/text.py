# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into; zones, dates and the test runs printed."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

Attempt = text.Attempt

# A zone's DST changes as the tz database has them: (name, standard offset, summer offset, pytz LMT repr, LMT offset,
# spring-forward date, the local hour skipped, fall-back date, the local hour repeated).
ZONES = (
    ("America/New_York", "-05:00", "-04:00", "LMT-1 day, 19:04:00 STD", "-04:56", "2021-03-14", 2, "2021-11-07", 1),
    ("America/Chicago", "-06:00", "-05:00", "LMT-1 day, 18:09:00 STD", "-05:51", "2022-03-13", 2, "2022-11-06", 1),
    ("America/Los_Angeles", "-08:00", "-07:00", "LMT-1 day, 16:07:00 STD", "-07:53", "2020-03-08", 2, "2020-11-01", 1),
    ("Europe/Madrid", "+01:00", "+02:00", "LMT-1 day, 23:45:00 STD", "-00:15", "2023-03-26", 2, "2023-10-29", 2),
    ("Europe/Berlin", "+01:00", "+02:00", "LMT+0:53:00 STD", "+00:53", "2021-03-28", 2, "2021-10-31", 2),
    ("Europe/Paris", "+01:00", "+02:00", "LMT+0:09:00 STD", "+00:09", "2022-03-27", 2, "2022-10-30", 2),
    ("Europe/London", "+00:00", "+01:00", "LMT-1 day, 23:59:00 STD", "-00:01", "2023-03-26", 1, "2023-10-29", 1),
    ("Europe/Amsterdam", "+01:00", "+02:00", "LMT+0:18:00 STD", "+00:18", "2019-03-31", 2, "2019-10-27", 2),
)
_DST_REPRS = {
    "-04:00": "EDT-1 day, 20:00:00 DST",
    "-05:00": "CDT-1 day, 19:00:00 DST",
    "-07:00": "PDT-1 day, 17:00:00 DST",
    "+02:00": "CEST+2:00:00 DST",
    "+01:00": "BST+1:00:00 DST",
}
_FUNCS = ("to_{}_datetime", "_localize_{}", "parse_{}_date", "_{}_timestamp", "normalize_{}_time", "_{}_window")


@dataclass(frozen=True)
class Zone:
    name: str
    std: str
    dst: str
    lmt_repr: str
    lmt: str
    spring: str
    skipped: int
    fall: str
    repeated: int

    @property
    def short(self) -> str:
        return self.name.split("/")[-1]

    @property
    def dst_repr(self) -> str:
        """pytz's repr of the zone's summer time, as an assertion prints it."""
        return _DST_REPRS[self.dst]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the date helper the agent changes, its zone and its tests."""

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def zone(self) -> Zone:
        return Zone(*ZONES[sum(map(ord, self.run.session[::-1])) * 7 % len(ZONES)])

    @property
    def other_zone(self) -> Zone:
        return Zone(*ZONES[(sum(map(ord, self.run.session[::-1])) * 7 + 3) % len(ZONES)])

    @property
    def conftest(self) -> str:
        """Where the tests' shared setup is: conftest, or the settings Django's runner uses."""
        return "tests/conftest.py" if not self.django else "tests/test_sqlite.py"

    @property
    def test_path(self) -> str:
        return self.test_file if not self.django else "tests/utils_tests/test_timezone.py"

    @property
    def zoneinfo(self) -> str:
        """The module zoneinfo is imported from in this environment's Python."""
        return "zoneinfo" if tuple(int(x) for x in self.python.split(".")) >= (3, 9) else "backports.zoneinfo"

    def target(self, name: str = "") -> str:
        """What pytest is given for test `name` (or the whole module)."""
        return f"{self.test_file}::{name}" if name else self.test_file

    def tests(self, name: str = "", extra: str = "", env: str = "") -> str:
        """The agent's command to run the tests (test `name`, or the module it changed), under `env` if given."""
        prefix = f"{env} " if env else ""
        if self.django:
            label = "utils_tests.test_timezone" + (f".TimezoneTests.{name}" if name else "")
            return f"cd tests && {prefix}python runtests.py {label}{extra}"
        return f"{prefix}python -m pytest {self.target(name)}{extra}"


def failing_line(func: str, error: str) -> str:
    """The line of the test a pytest traceback would point at for `error`."""
    rules = (
        ("TimeError:", f"result = {func}(value, tz=tz)"),
        ("days=1)", "assert (end - start) == timedelta(days=1)"),
        ("timedelta(", "assert result.utcoffset() == expected_offset"),
        ("== 24", "assert len(hours) == 24"),
        ("can't compare", f"assert {func}(created) < now"),
        ("can't subtract", f"assert now - {func}(value) <= window"),
        ("naive datetime", f"result = {func}(value, tz=tz)"),
        ("tzinfo is already set", f"result = {func}(value, tz=tz)"),
        ("'localize'", f"result = {func}(value, tz=tz)"),
        ("DstTzInfo", "assert result.tzinfo == expected.tzinfo"),
        ("== datetime.timezone.utc", f"assert {func}(value).tzinfo == timezone.utc"),
        ("== tzutc()", f"assert {func}(value).tzinfo == tzutc()"),
        ("datetime.date(", f"assert {func}(ts).date() == expected"),
        ("datetime.datetime(", f"assert {func}(ts) == expected"),
    )
    for needle, line in rules:
        if needle in error:
            return line
    if re.search(r"assert '\d\d:\d\d' ==", error):
        return "assert end.strftime('%H:%M') == start.strftime('%H:%M')"
    if re.search(r"assert [01] == [01]$", error):
        return "assert result.fold == expected_fold"
    if re.search(r"assert '\d{4}-\d\d-\d\d \d\d:\d\d'", error):
        return "assert value.strftime('%Y-%m-%d %H:%M') == expected"
    if "T" in error and error.startswith("AssertionError: assert '"):
        return "assert result.isoformat() == expected"
    if not error.startswith("AssertionError"):
        return f"result = {func}(value)"
    return f"assert {func}(value) == expected"


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: list[tuple[str, str, str]]) -> str:
    """A test run with `failing` (test, failing line, error) failing, as pytest or Django's runner prints it.

    A failing line left empty is the one the error points at.
    """
    failing = [(name, code or failing_line(ctx.func, error), error) for name, code, error in failing]
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + [
            "E" if "Error:" in e and not e.startswith("Assertion") else "F" for _, _, e in failing
        ]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for name, code, error in failing:
            kind = "ERROR" if "Error:" in error and not error.startswith("Assertion") else "FAIL"
            lines += [
                "=" * 70,
                f"{kind}: {name} (utils_tests.test_timezone.TimezoneTests.{name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/utils_tests/test_timezone.py", line {rng.randint(30, 400)}, in {name}',
                f"    {code.strip()}",
                error,
                "",
            ]
        lines += ["-" * 70, f"Ran {passed + len(failing)} tests in {rng.uniform(0.02, 2.5):.3f}s", ""]
        errors = sum(m == "E" for m in marks)
        counts = ", ".join(
            p
            for p in (
                f"failures={len(failing) - errors}" if len(failing) > errors else "",
                f"errors={errors}" if errors else "",
            )
            if p
        )
        lines.append(f"FAILED ({counts})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    file = target.split(" ")[0].split("::")[0]
    failures = [
        (
            name,
            [
                f"    def {name.split('[')[0]}({'value, expected' if '[' in name else ''}):",
                f">       {code.strip()}",
                f"E       {error}",
                "",
                f"{file}:{rng.randint(20, 700)}: {error.split(':')[0]}",
            ],
            error,
        )
        for name, code, error in failing
    ]
    shown = target.split(" ")[0]
    return text.pytest_output(ctx, rng, shown if len(file) < 66 else shown.rsplit("/", 1)[-1], passed, failures)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    failing: list[tuple[str, str, str]],
    name: str = "",
    extra: str = "",
    env: str = "",
) -> Step:
    """The tests run (test `name`, or the module), `failing` failing, the rest passing."""
    passed = (0 if failing else 1) if name else rng.randint(5, 48)
    if " -x" in extra:
        failing = failing[:1]
    return Step(
        thought,
        ctx.tests(name, extra, env),
        run_output(ctx, rng, ctx.target(name), passed, failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.5, 8.0),
    )


_EXTRA = ("", " -q", " -x", " -vv", " -q -x", " -p no:cacheprovider", " -rA", " --tb=short")
_DJANGO_EXTRA = ("", " -v 2", " --parallel 1", " --noinput", " -v 2 --parallel 1")


def extra(ctx: Ctx, rng: random.Random) -> str:
    return rng.choice(_DJANGO_EXTRA if ctx.django else _EXTRA)


def minute(rng: random.Random) -> int:
    return rng.choice([5, 10, 15, 20, 30, 40, 45, 50])


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def hhmm(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.choice([0, 15, 30, 45]):02d}"


def year_day(rng: random.Random) -> str:
    return f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the diff, the source, the test's body, the clock and zone the shell sees."""
    line = rng.randint(30, 600)
    zone = ctx.zone
    hour = rng.randint(8, 20)
    start = rng.randint(0, 1)
    now = f"{rng.choice(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])} {rng.choice(['Jan', 'Mar', 'Jun', 'Oct', 'Nov'])} {rng.randint(1, 28):2d} {hour:02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    year = rng.randint(2024, 2025)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + rng.choice(["", f" M {ctx.test_path}\n", "?? repro_tz.py\n", f" M {ctx.conftest}\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U1"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},6 +{line},{rng.randint(6, 10)} @@ def {ctx.func}(value, tz=None):\n     if tz is None:\n-        tz = timezone.utc\n+        tz = {rng.choice(['get_current_timezone()', 'timezone.utc', 'tzlocal()', 'ZoneInfo(settings.TIME_ZONE)'])}\n"
            f"-    return value.replace(tzinfo=tz)\n+    return {rng.choice(['value.astimezone(tz)', 'tz.localize(value)', 'value.replace(tzinfo=tz, fold=1)', 'tz.normalize(value)'])}\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + rng.randint(9, 16)}p' {ctx.source}",
            f"def {ctx.func}(value, tz=None):\n    if isinstance(value, str):\n        value = datetime.{rng.choice(['fromisoformat(value)', 'strptime(value, FORMAT)'])}\n    if tz is None:\n        tz = {rng.choice(['timezone.utc', 'get_default_timezone()'])}\n    if value.tzinfo is None:\n        value = {rng.choice(['value.replace(tzinfo=tz)', 'make_aware(value, tz)', 'tz.localize(value)'])}\n    return value.astimezone(tz)\n",
        ),
        rng.choice(
            [
                Step(
                    "Which zone does this shell think it is in?",
                    "date; date -u; echo TZ=$TZ",
                    f"{now} UTC {year}\n{now} UTC {year}\nTZ=\n",
                ),
                Step(
                    "Which zone is this container set to?",
                    "echo TZ=$TZ; ls -l /etc/localtime; cat /etc/timezone 2>/dev/null",
                    "TZ=\nlrwxrwxrwx 1 root root 27 Sep 11  2024 /etc/localtime -> /usr/share/zoneinfo/Etc/UTC\nEtc/UTC\n",
                ),
                Step(
                    "What does Python think the local zone is?",
                    'python -c "import time; print(time.tzname, time.timezone, time.daylight, time.localtime().tm_gmtoff)"',
                    "('UTC', 'UTC') 0 0 0\n",
                ),
            ]
        ),
        Step(
            "Let me see what the offsets around the transition actually are.",
            f"python -c \"from datetime import datetime, timedelta; from {ctx.zoneinfo} import ZoneInfo; z = ZoneInfo('{zone.name}'); d = datetime.fromisoformat('{zone.spring}T00:00'); [print((d + timedelta(hours=h)).replace(tzinfo=z).isoformat()) for h in range({start}, 5)]\"",
            "\n".join(
                f"{zone.spring}T{h:02d}:00:00{zone.std if h < zone.skipped + 1 else zone.dst}" for h in range(start, 5)
            )
            + "\n",
        ),
        Step(
            "Let me look at what the failing test expects.",
            f"grep -n -B2 -A10 'def test_{ctx.stem}_{rng.choice(['dst', 'offset', 'aware', 'roundtrip', 'month_end', 'iso'])}' {ctx.test_path}",
            f"{line}:    def test_{ctx.stem}_{rng.choice(['dst', 'offset', 'roundtrip'])}(self):\n{line + 1}-        value = datetime({zone.spring.replace('-0', ', ').replace('-', ', ')}, {zone.skipped}, 30)\n{line + 2}-        result = {ctx.func}(value, tz=ZoneInfo('{zone.name}'))\n{line + 3}-        assert result.utcoffset() == timedelta(hours={zone.dst[:3].lstrip('+').replace('-0', '-').lstrip('0') or '0'})\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -5 -- {ctx.source}",
            "\n".join(
                f"{rng.randrange(16**7):07x} {msg}"
                for msg in rng.sample(
                    [
                        "Use aware datetimes throughout",
                        "Fix DST handling",
                        "Merge pull request",
                        "Drop pytz",
                        "Tidy imports",
                        "Deprecate is_dst",
                    ],
                    4,
                )
            ),
        ),
        Step(
            "Which time zone libraries are installed here?",
            "pip list 2>/dev/null | grep -i -E 'pytz|tzdata|dateutil|tzlocal|backports'",
            "\n".join(
                sorted(
                    rng.sample(
                        [
                            f"pytz                      {rng.choice(['2021.3', '2023.3', '2024.1', '2024.2'])}",
                            f"python-dateutil           {rng.choice(['2.8.2', '2.9.0'])}",
                            f"tzdata                    {rng.choice(['2023.4', '2024.1', '2024.2'])}",
                            "tzlocal                   5.2",
                            "backports.zoneinfo        0.2.1",
                        ],
                        rng.randint(2, 4),
                    )
                )
            )
            + "\n",
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)

"""Clock-dependent test: a test that reads the wall clock fails with a new date or time on every run."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from heldout20.calls import Step
from heldout22.clock import DATE_TESTS, DateTest
from heldout22.text import Ctx, Maker, pytest_output, sed_escape, unittest_output, vary, weave

_ZONES = [
    ("America/Los_Angeles", -8),
    ("America/New_York", -5),
    ("Europe/Berlin", 1),
    ("Asia/Kolkata", 5.5),
    ("Asia/Tokyo", 9),
]


def date_failure(
    ctx: Ctx, rng: random.Random, test: DateTest, got: str, want: str, line: int, ran: int = 31
) -> tuple[str, int]:
    """The test run failing on `got` against `want` (both as Python shows them), as pytest or Django's runner print them."""
    if ctx.owner == "django":
        label = test.path.removeprefix("tests/").removesuffix(".py").replace("/", ".")
        body = [
            f'  File "/testbed/{test.path}", line {line}, in {test.name}',
            f"    {test.assertion}",
            f"AssertionError: {got} != {want}",
            f"- {_plain(got)}",
            f"+ {_plain(want)}",
        ]
        return unittest_output(rng, label, ran, [(f"{test.name} ({label}.TimesinceTests)", body)]), 1
    body = [
        f"    def {test.name}():" if rng.random() < 0.5 else f"    def {test.name}(self):",
        f">       {test.assertion}",
        f"E       AssertionError: assert {got} == {want}",
        *([f"E         - {_plain(want)}", f"E         + {_plain(got)}"] if want[:1] == got[:1] == "'" else []),
        "",
        f"{test.path}:{line}: AssertionError",
    ]
    return pytest_output(
        ctx, rng, f"{test.path}::{test.name}", 0, [(test.name, body, f"AssertionError: assert {got} == {want}")]
    ), 1


def _plain(shown: str) -> str:
    """A value as difflib lines show it: a string without its quotes and escapes."""
    return shown[1:-1].replace("\\xa0", " ") if shown[:1] == "'" else shown


def _python_edit(path: str, old: str, new: str) -> str:
    """A heredoc'd Python one-off replacing `old` with `new` in `path`, as agents write them."""
    return (
        f"python - <<'EOF'\np = {path!r}\ns = open(p).read()\nopen(p, 'w').write(s.replace({old!r}, {new!r}, 1))\nEOF"
    )


@dataclass
class _Clock:
    t: datetime
    written: datetime  # the time the expectation was copied from
    offset: float  # the local zone's hours from UTC
    zone: str
    aware: bool = False  # the test now compares against an aware datetime taken inside it


def clock_dependent_test(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    test = DATE_TESTS[ctx.owner]
    zone, hours = rng.choice(_ZONES)
    now = ctx.now.replace(tzinfo=None)
    clock = _Clock(now, now - timedelta(minutes=rng.randint(8, 50)), hours, zone)
    line = rng.randint(40, 1900)
    ran = rng.randint(20, 40)
    runner = (
        f"python tests/runtests.py {test.path.removeprefix('tests/').removesuffix('.py').replace('/', '.')}"
        if ctx.owner == "django"
        else f"python -m pytest {test.path} -k {test.name}"
    )

    def run(thought: str, command: str, offset: float | None = None, late: float = 0.0) -> Step:
        clock.t += timedelta(seconds=rng.uniform(25, 90) + late)
        shift = timedelta(hours=(clock.offset if offset is None else offset) if test.local else 0)
        then = clock.written + timedelta(hours=clock.offset if test.local else 0)
        got, want = test.render(clock.t + shift, then)
        if got == want:
            clock.t += timedelta(seconds=61)
            got, want = test.render(clock.t + shift, then)
        shown = repr(clock.t.replace(tzinfo=UTC)) if clock.aware else repr(want)
        out, rc = date_failure(ctx, rng, test, repr(got), shown, line, ran)
        return Step(thought, command, out, rc, rng.uniform(2, 12) + late)

    def check(k: int) -> Step:
        return run(
            vary(rng, ["Let me run the test again.", "Re-running the date test.", "Let me check the test now."]), runner
        )

    def copy_value(k: int) -> Step:
        clock.written, clock.aware = clock.t, False
        clock.t += timedelta(seconds=rng.uniform(5, 20))
        value = test.render(clock.written + timedelta(hours=clock.offset if test.local else 0), clock.written)[0]
        return Step(
            "The expected value is just stale. I'll update EXPECTED to what the function returns now.",
            f"sed -i 's/^EXPECTED = .*/EXPECTED = {sed_escape(repr(value))}/' {test.path} && grep -n '^EXPECTED' {test.path}",
            f"{rng.randint(10, 30)}:EXPECTED = {value!r}",
            0,
            0.3,
        )

    def utc(k: int) -> Step:
        return run(
            "The container's local zone may differ from what I assumed. Let me force UTC for the run.",
            f"TZ=UTC {runner}",
            offset=0,
        )

    def export(k: int) -> Step:
        return Step(
            "I'll set the timezone for the session so every run uses UTC.",
            "export TZ=UTC && date",
            (clock.t).strftime("%a %b %d %H:%M:%S UTC %Y"),
            0,
            0.1,
        )

    def sleep(k: int) -> Step:
        return run(
            "Maybe it's a race at a minute boundary. I'll wait a moment and run again.",
            f"sleep 30 && {runner}",
            late=30,
        )

    def other_zone(k: int) -> Step:
        other, hours = rng.choice(_ZONES)
        return run(
            f"Let me try running in {other}, which is what I assumed when computing the expected value.",
            f"TZ={other} {runner}",
            offset=hours,
        )

    def patch_now(k: int) -> Step:
        return Step(
            "I'll monkeypatch datetime.now in the test so the clock is fixed.",
            _python_edit(
                test.path,
                f"    {test.assertion}",
                f"    datetime.datetime.now = lambda tz=None: datetime.datetime(2024, 1, 1)\n    {test.assertion}",
            )
            + f"\n{runner} 2>&1 | tail -5",
            f"E       TypeError: cannot set 'now' attribute of immutable type 'datetime.datetime'\n\n{test.path}:{line + 1}: TypeError"
            if ctx.owner != "django"
            else f"TypeError: cannot set 'now' attribute of immutable type 'datetime.datetime'\n\n----------------------------------------------------------------------\nRan {ran} tests in 0.041s\n\nFAILED (errors=1)",
            0,
            rng.uniform(2, 8),
        )

    def freezegun(k: int) -> Step:
        return Step(
            "freezegun would let me pin the date. Let me install it.",
            "pip install freezegun 2>&1 | tail -3",
            "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(...: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/freezegun/\nERROR: Could not find a version that satisfies the requirement freezegun (from versions: none)\nERROR: No matching distribution found for freezegun",
            0,
            rng.uniform(8, 30),
        )

    def faketime(k: int) -> Step:
        return Step(
            "Let me run the test under faketime instead.",
            f"faketime '2024-01-01 12:00:00' {runner}",
            "bash: line 1: faketime: command not found",
            127,
            0.1,
        )

    def aware(k: int) -> Step:
        clock.aware = True
        return Step(
            "I'll compute the expectation from the clock inside the test instead of hard-coding it, using an aware UTC datetime.",
            f"sed -i 's/^EXPECTED = .*/EXPECTED = None  # computed in the test/' {test.path}\n"
            + _python_edit(
                test.path,
                f"    {test.assertion}",
                f"    EXPECTED = datetime.datetime.now(datetime.timezone.utc)\n    {test.assertion}",
            ),
            "",
            0,
            0.3,
        )

    fixes: list[Maker] = [copy_value, copy_value, utc, export, sleep, other_zone, patch_now, freezegun, faketime, aware]
    looks: list[Maker] = [
        lambda k: Step(
            "What time and zone does the container think it is?",
            'date; date -u; echo "TZ=$TZ"; cat /etc/timezone 2>/dev/null',
            f"{(clock.t + timedelta(hours=clock.offset)).strftime('%a %b %d %H:%M:%S')} {clock.zone.split('/')[-1][:3].upper()} {clock.t.year}\n{clock.t.strftime('%a %b %d %H:%M:%S')} UTC {clock.t.year}\nTZ=\n{clock.zone}",
            0,
            0.1,
        ),
        lambda k: Step(
            f"Let me look at how `{test.calls}` gets the current time.",
            f"grep -n -E 'now\\(|utcnow|time\\.time|localtime' {test.source} | head",
            f"{rng.randint(20, 400)}:    now = datetime.datetime.now(tz=tz)\n{rng.randint(400, 900)}:        ts = time.time()",
            0,
            0.2,
        ),
        lambda k: Step(
            "Let me view the test as it stands.",
            f"grep -n -B3 -A3 'EXPECTED' {test.path} | head -20",
            f"{line - 3}-\n{line - 2}-    def {test.name}(self):\n{line - 1}-        # expected value computed for the current date\n{line}:        {test.assertion}",
            0,
            0.1,
        ),
        lambda k: Step(
            "Which timezone does Python pick up?",
            'python -c "import time, datetime; print(time.tzname, datetime.datetime.now().astimezone().tzinfo)"',
            f"('{clock.zone.split('/')[-1][:3].upper()}', '{clock.zone.split('/')[-1][:3].upper()}') {clock.zone.split('/')[-1][:3].upper()}",
            0,
            0.5,
        ),
    ]
    first = [run(f"I added a test for the date handling in `{test.calls}`. Let me run it.", runner)]
    return weave(rng, n, first, fixes, check, looks, "the date-dependent test", look_rate=0.3, check_rate=0.7)

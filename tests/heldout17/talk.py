"""What the tools print, as the dev runs show it: pytest, Django's runtests, tracebacks, nl, grep, git diff.

Families describe what happened; these turn it into the text the harness would have captured, so
every family's output has the same shape as the real runs' outputs.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterator, Sequence

from heldout17.runs import Ctx
from heldout17.wire import SUBMIT, Step

Rounds = Callable[[int], Iterator[Step]]


def sep(char: str, title: str = "") -> str:
    if not title:
        return char * 80
    left = (80 - len(title) - 2) // 2
    return f"{char * left} {title} {char * (80 - len(title) - 2 - left)}"


def _seconds(ctx: Ctx, rng: random.Random, slow: float) -> str:
    took = rng.uniform(0.02, 0.4) + slow
    old = any(f"pytest-{v}." in ctx.header for v in ("3", "4", "5.0", "5.1", "5.2", "5.3"))
    return f"{took:.2f} seconds" if old else f"{took:.2f}s"


def pytest_run(ctx: Ctx, rng: random.Random, path: str, outcomes: str, slow: float = 0.0) -> str:
    """pytest's report of a passing run of one file, `outcomes` its progress characters ('.', 's')."""
    lines = [sep("=", "test session starts"), ctx.header.rstrip("\n")]
    lines.append(f"collected {len(outcomes)} item{'s' if len(outcomes) != 1 else ''}\n")
    width = 80 - 7 - len(path) - 1
    chunks = [outcomes[i : i + max(10, width)] for i in range(0, len(outcomes), max(10, width))] or [""]
    done = 0
    for i, chunk in enumerate(chunks):
        done += len(chunk)
        head = f"{path} {chunk}" if i == 0 else chunk
        lines.append(f"{head.ljust(73)}[{round(100 * done / max(1, len(outcomes))):3d}%]")
    counts = []
    passed = outcomes.count(".")
    if passed:
        counts.append(f"{passed} passed")
    if outcomes.count("s"):
        counts.append(f"{outcomes.count('s')} skipped")
    lines.append(sep("=", f"{', '.join(counts)} in {_seconds(ctx, rng, slow)}"))
    return "\n".join(lines) + "\n"


def django_run(ctx: Ctx, rng: random.Random, outcomes: str) -> str:
    """runtests.py's report of a passing run."""
    lines = ["Testing against Django installed in '/testbed/django' with up to 8 processes"]
    if ctx.minor >= 8:
        lines.append(f"Found {len(outcomes)} test(s).")
    lines += ["System check identified no issues (0 silenced).", outcomes]
    lines += ["-" * 70, f"Ran {len(outcomes)} tests in {rng.uniform(0.01, 0.9):.3f}s", ""]
    lines.append("OK")
    return "\n".join(lines) + "\n"


def traceback(frames: Sequence[tuple[str, int, str, str]], error: str) -> str:
    """A Python traceback; each frame is (file, line, function, code)."""
    lines = ["Traceback (most recent call last):"]
    for file, line, function, code in frames:
        lines.append(f'  File "{file}", line {line}, in {function}')
        if code:
            lines.append(f"    {code}")
    return "\n".join([*lines, error]) + "\n"


def numbered(lines: Sequence[str], start: int) -> str:
    """What `nl -ba file | sed -n 'a,bp'` prints."""
    return "".join(f"{start + i:6d}\t{line}\n" for i, line in enumerate(lines))


def diff(path: str, start: int, before: Sequence[str], after: Sequence[str], context: Sequence[str] = ()) -> str:
    """`git diff` of one hunk replacing `before` by `after` at line `start` (after `context` lines)."""
    head = [f" {line}" for line in context]
    first = start - len(context)
    body = [f"-{line}" for line in before] + [f"+{line}" for line in after]
    return (
        f"diff --git a/{path} b/{path}\nindex {zlib.crc32(path.encode()) & 0xFFFFFFF:07x}.."
        f"{zlib.crc32(chr(10).join(after).encode()) & 0xFFFFFFF:07x} 100644\n"
        f"--- a/{path}\n+++ b/{path}\n@@ -{first},{len(head) + len(before)} +{first},{len(head) + len(after)} @@\n"
        + "\n".join(head + body)
        + "\n"
    )


def tail(rng: random.Random, rounds: Rounds, length: int, give_up: Sequence[str]) -> list[Step]:
    """A loop's tail of `length` calls: rounds of attempts, then the run's last answer.

    Most runs end by submitting what they have; some are cut off by the step limit mid-attempt.
    """
    steps: list[Step] = []
    number = 0
    while len(steps) < length - 1:
        steps += list(rounds(number))
        number += 1
    steps = steps[: length - 1]
    if rng.random() < 0.8:
        steps.append(Step(rng.choice(give_up), SUBMIT))
    else:
        steps.append(next(rounds(number)))
    return steps


def say(rng: random.Random, *options: str) -> str:
    return rng.choice(options)

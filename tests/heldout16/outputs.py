"""Test runners' output as the repositories' own runners print it (pytest, Django's runtests.py, sympy's bin/test)."""

from __future__ import annotations

import random
import re

from heldout16.context import Ctx


def rule(title: str = "", char: str = "=") -> str:
    """pytest's separator line: the title centred in 80 columns."""
    if not title:
        return char * 80
    fill = char * max((80 - len(title) - 2) // 2, 1)
    line = f"{fill} {title} {fill}"
    return line + char if len(line) < 80 else line


def progress(rng: random.Random, path: str, total: int, done: int | None = None, marks: str = ".") -> str:
    """pytest's progress for one module of `total` tests, cut off after `done` of them when it was killed."""
    count = total if done is None else done
    dots = "".join(rng.choice(marks) if rng.random() < 0.06 else "." for _ in range(count))
    lines, line = [], f"{path} "
    for ran, dot in enumerate(dots, 1):
        line += dot
        if len(line) == 73:
            lines.append(f"{line} [{100 * ran // total:3d}%]")
            line = ""
    if done is None and line:
        lines.append(f"{line:<73} [100%]")
    elif line:
        lines.append(line)
    return "\n".join(lines) + "\n"


def passed(ctx: Ctx, rng: random.Random, target: str, count: int) -> str:
    """A clean run of `target` with `count` tests, in the repository's runner."""
    took = rng.uniform(0.2, 0.06 * count + 1)
    if ctx.name == "django":
        dots = "".join("s" if rng.random() < 0.03 else "." for _ in range(count))
        wrapped = "\n".join(dots[i : i + 70] for i in range(0, len(dots), 70))
        return f"{ctx.django_banner(count)}{wrapped}\n{'-' * 70}\nRan {count} tests in {took:.3f}s\n\n" + (
            f"OK (skipped={dots.count('s')})\n" if "s" in dots else "OK\n"
        )
    if ctx.runner == "bin/test":
        return (
            f"{rule('test process starts')}\nexecutable:         /opt/miniconda3/envs/testbed/bin/python  ({ctx.patch}-final-0) [CPython]\n"
            "architecture:       64-bit\ncache:              yes\nground types:       python \nnumpy:              None\n"
            f"random seed:        {rng.randint(10**7, 10**8)}\nhash randomization: on (PYTHONHASHSEED={rng.randint(10**8, 4 * 10**9)})\n\n"
            f"{_sympy_line(target, count)}\n\n"
            f"{rule(f'tests finished: {count} passed, in {took:.2f} seconds')}\n"
        )
    unit = " seconds" if re.search(r"passed in [\d.]+ seconds", ctx.run.text) else "s"
    return f"{ctx.header}collected {count} items\n\n{progress(rng, target, count)}\n{rule(f'{count} passed in {took:.2f}{unit}')}\n"


def test_command(ctx: Ctx, target: str | None = None, extra: str = "") -> str:
    target = target or ctx.tests
    flags = f" {extra}" if extra else ""
    if ctx.name == "django":
        return f"{ctx.runner} {target}{flags}"
    return f"{ctx.runner}{flags} {target}" if ctx.runner != "bin/test" else f"bin/test{flags} {target}"


def _sympy_line(target: str, count: int) -> str:
    """bin/test's line for one module: name[count], dots wrapped at 80 columns, [OK] at the right edge."""
    text = f"{target}[{count}] " + "." * count
    lines = [text[i : i + 80] for i in range(0, len(text), 80)]
    lines[-1] += " " * max(1, 76 - len(lines[-1])) + "[OK]"
    return "\n".join(lines)


def quiet(rng: random.Random, count: int) -> str:
    """pytest -q on a clean run: the dots wrapped with their percentages, then the count."""
    dots = "." * count
    lines = [dots[i : i + 72] for i in range(0, count, 72)]
    done = 0
    shown = []
    for line in lines:
        done += len(line)
        shown.append(f"{line:<73}[{100 * done // count:3d}%]")
    return "\n".join(shown) + f"\n{count} passed in {rng.uniform(0.3, 0.05 * count + 1):.2f}s\n"


def uncollected(ctx: Ctx, rng: random.Random, path: str, body: str, quiet: bool) -> str:
    """pytest stopping on one module it could not collect (`body` is the error), with -q or without."""
    took = rng.uniform(0.3, 2.5)
    sections = (
        f"{rule('ERRORS')}\n{rule('ERROR collecting ' + path, '_')}\n{body}{rule('short test summary info')}\n"
        f"ERROR {path}\n{rule('Interrupted: 1 error during collection', '!')}\n"
    )
    if quiet:
        return f"\n{sections}1 error in {took:.2f}s\n"
    return (
        f"{ctx.header}collected {rng.randint(20, 180)} items / 1 error\n\n{sections}{rule(f'1 error in {took:.2f}s')}\n"
    )

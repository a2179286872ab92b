# ruff: noqa: E501
"""The test runs the families' steps print: pytest's (with -q, -x, -k and node ids) and Django's runner's."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20.calls import Step
from heldout66.text import Ctx


@dataclass
class Fail:
    """One failing test: its name, the error (maybe several lines), the test's line, the (path, function, line) frames."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, str, str]] = field(default_factory=tuple)


def image_error(ctx: Ctx, rng: random.Random, image: str, rms: float | None = None, ext: str = "png") -> str:
    """matplotlib's complaint when a result image differs from its baseline."""
    rms = rms if rms is not None else round(rng.uniform(0.4, 24.0), 3)
    base = f"{ctx.result_dir}/{image}"
    return f"matplotlib.testing.exceptions.ImageComparisonFailure: images not close (RMS {rms:.3f}):\n\t{base}.{ext}\n\t{base}-expected.{ext}\n\t{base}-failed-diff.{ext}"


def compare_frames(ctx: Ctx, rng: random.Random) -> list[tuple[str, str, str]]:
    return [
        (f"{ctx.mpl_dir}/testing/decorators.py", "wrapper", "self.compare(fig, baseline, extension, _lock=_lock)"),
        (
            f"{ctx.mpl_dir}/testing/decorators.py",
            "compare",
            rng.choice(
                [
                    "raise ImageComparisonFailure(err)",
                    "_raise_on_image_difference(expected_path, actual_path, self.tol)",
                ]
            ),
        ),
    ]


def _frames(ctx: Ctx, rng: random.Random, frames: Sequence[tuple[str, str, str]]) -> list[tuple[str, int, str, str]]:
    return [(path, ctx.line(rng, f"frame:{path}:{func}:{code}", 20, 1400), func, code) for path, func, code in frames]


def _unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    if code.startswith("assert not "):
        return f"self.assertFalse({code[11:]})"
    if code.startswith("assert ") and " == " in code:
        left, right = code[7:].split(" == ", 1)
        if right.startswith("pytest.approx("):
            return f"self.assertAlmostEqual({left}, {right[14:].split(',')[0].rstrip(')')})"
        return f"self.assertEqual({left}, {right})"
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    return code


def _unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    first, *rest = error.split("\n")
    rest = [line for line in rest if not line.startswith("  ")]
    if first.startswith("AssertionError: assert not "):
        first = f"AssertionError: {first[27:]} is not false"
    elif first.startswith("AssertionError: assert ") and " == " in first:
        left, right = first.removeprefix("AssertionError: assert ").split(" == ", 1)
        if " \u00b1 " in right:
            right = right.split(" \u00b1 ")[0]
            diff = abs(float(left) - float(right))
            first = f"AssertionError: {left} != {right} within 7 places ({diff:.4g} difference)"
        else:
            first = f"AssertionError: {left} != {right}"
            if left.startswith("'") and right.startswith("'"):
                rest = [f"- {left[1:-1]}", f"+ {right[1:-1]}", *rest]
    elif first.startswith("Failed: DID NOT RAISE <class '"):
        first = f"AssertionError: {first.split(chr(39))[1]} not raised"
    return "\n".join([first, *rest])


def _django_output(
    ctx: Ctx, rng: random.Random, target: str, failing: Sequence[Fail], extra: str, warns: Sequence[str]
) -> str:
    single = "::" in target
    total = 1 if single else ctx.count(rng, f"django:{target.split('::')[0]}")
    if " -k " in target:
        total = len(failing) + rng.randint(1, 6)
    failing = list(failing)[:1] if single or "-x" in extra else list(failing)
    draw = ctx.fn("draw")
    procs = int(str(ctx.stable("procs", lambda: rng.randint(4, 16))))
    lines = [f"Testing against Django installed in '/testbed/django' with up to {procs} processes"]
    lines += ["Creating test database for alias 'default'...", "System check identified no issues (0 silenced)."]
    for warn in warns:
        lines.append(f"{ctx.mpl_abs}/{warn}")
    marks = ["."] * max(0, total - len(failing)) + [
        ("F" if f.error.startswith("AssertionError") else "E") for f in failing
    ]
    rng.shuffle(marks)
    lines.append("".join(marks))
    for fail in failing:
        kind = "FAIL" if fail.error.startswith("AssertionError") else "ERROR"
        lines += [
            "=" * 70,
            f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
            "-" * 70,
            "Traceback (most recent call last):",
            f'  File "/testbed/{ctx.tf}", line {ctx.line(rng, "test:" + fail.name)}, in {fail.name}',
            f"    {_unittest_code(fail.code or draw + '(fig)')}",
        ]
        for path, line, func, code in _frames(ctx, rng, fail.frames):
            shown = path if path.startswith("/") else f"/testbed/{path}"
            lines += [f'  File "{shown}", line {line}, in {func}', f"    {code}"]
        lines += [_unittest_error(fail.error), ""]
    lines += ["-" * 70, f"Ran {len(marks)} test{'s' if len(marks) != 1 else ''} in {rng.uniform(0.05, 6.0):.3f}s", ""]
    fails = sum(f.error.startswith("AssertionError") for f in failing)
    parts = [f"failures={fails}"] if fails else []
    parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
    lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
    lines.append("Destroying test database for alias 'default'...")
    return "\n".join(lines)


def k_target(ctx: Ctx, path: str, fails: Sequence[Fail]) -> str:
    """The tests file narrowed with -k to the failing tests' first distinctive word."""
    parts = [f.name.removeprefix(f"test_{ctx.subj}_").split("_") for f in fails]
    words = sorted({"_".join(p[:2]) if len(p[0]) <= 3 else p[0] for p in parts})
    expr = " or ".join(words)
    return f"{path} -k {expr!r}" if len(words) > 1 else f"{path} -k {expr}"


def _progress(prefix: str, marks: str, selected: int) -> list[str]:
    """pytest's progress: the marks after the file name, wrapped at 80 columns, each line ending in its percentage."""
    lines, done, width = [], 0, 80 - 7
    text, rest = prefix, marks
    while True:
        room = max(1, width - len(text))
        chunk, rest = rest[:room], rest[room:]
        done += len(chunk)
        text += chunk
        lines.append(f"{text:<{width}} [{round(100 * done / max(1, selected)):>3}%]")
        if not rest:
            return lines
        text = ""


def run_output(
    ctx: Ctx,
    rng: random.Random,
    target: str,
    failing: Sequence[Fail],
    extra: str = "",
    warns: Sequence[str] = (),
) -> str:
    """A run of `target` with `failing` failing, as pytest (its -q, -x, -k and node-id forms) or Django's runner prints it."""
    if ctx.django:
        return _django_output(ctx, rng, target, failing, extra, warns)
    path = target.split(" ")[0].split("::")[0] or ctx.tf
    total = ctx.count(rng, path)
    failing = list(failing)
    if "::" in target.split(" ")[0]:
        selected, failing = 1, failing[:1]
    elif " -k " in f" {target} {extra}":
        selected = min(total, len(failing) + rng.randint(1, 6))
    else:
        selected = total
    quiet, stop = " -q" in f" {extra}", " -x" in f" {extra}"
    passed = selected - len(failing)
    if stop and failing:
        failing = failing[:1]
        passed = rng.randint(0, passed)
    marks = ["."] * passed + ["F"] * len(failing)
    if not stop:
        rng.shuffle(marks)
    lines: list[str] = []
    if not quiet:
        collected = f"collected {total} item{'s' if total != 1 else ''}"
        if selected != total and selected != 1:
            collected += f" / {total - selected} deselected / {selected} selected"
        elif selected == 1 and total != 1:
            collected = "collected 1 item"
        lines += [
            "=" * 29 + " test session starts " + "=" * 30,
            ctx.run.pytest_header,
            "rootdir: /testbed",
            collected,
            "",
        ]
    lines += [*_progress("" if quiet else f"{path} ", "".join(marks), selected), ""]
    if failing:
        lines.append("=" * 35 + " FAILURES " + "=" * 35)
        for fail in failing:
            lines += [f" {fail.name} ".center(80, "_"), ""]
            lines += [f"    def {fail.name}():", f">       {fail.code or ctx.fn('draw') + '(fig)'}", ""]
            where = f"{path}:{ctx.line(rng, 'test:' + fail.name)}"
            for frame, line, func, code in _frames(ctx, rng, fail.frames):
                lines += [f"{frame}:{line}: in {func}", f"    {code}"]
                where = f"{frame}:{line}"
            lines += [f"E       {part}" for part in fail.error.split("\n")]
            lines += ["", f"{where}: {fail.error.split(chr(10))[0].split(':')[0]}"]
    if warns:
        lines.append("=" * 31 + " warnings summary " + "=" * 31)
        for warn in warns:
            where, _, code = warn.partition("\n")
            lines += [f"{path}::{(failing[0].name if failing else 'test_' + ctx.subj)}", f"  {ctx.mpl_dir}/{where}"]
            lines += [f"    {code.strip()}", ""] if code else [""]
        lines.append("-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html")
    if failing:
        lines.append("=" * 27 + " short test summary info " + "=" * 28)
        for fail in failing:
            line = f"FAILED {path}::{fail.name} - {fail.error.split(chr(10))[0]}"
            lines.append(line if len(line) <= 80 else line[:77] + "...")
    if stop and failing:
        lines.append("!" * 26 + " stopping after 1 failures " + "!" * 26)
    counts = [f"{len(failing)} failed" if failing else "", f"{passed} passed" if passed else ""]
    counts += [f"{len(warns)} warning{'s' if len(warns) != 1 else ''}" if warns else ""]
    counts += [f"{total - selected} deselected" if selected not in (total, 1) else ""]
    summary = f"{', '.join(part for part in counts if part)} in {rng.uniform(0.3, 14.0):.2f}s"
    lines.append(summary if quiet else f" {summary} ".center(80, "="))
    return "\n".join(lines)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    target: str,
    failing: Sequence[Fail],
    extra: str = "",
    warns: Sequence[str] = (),
) -> Step:
    return Step(
        thought,
        ctx.tests(target, extra),
        run_output(ctx, rng, target or ctx.tf, failing, extra, warns),
        rc=1 if failing else 0,
        seconds=rng.uniform(1.0, 14.0),
    )

# ruff: noqa: E501
"""A failing test's assertion as pytest (7.4's string diff, its bytes summary) and unittest (assertMultiLineEqual) print it."""

from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from unittest.util import _common_shorten_repr

_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")


@dataclass
class Fail:
    """One failing test: a string compared (`got` against `want`) or an exception raised below the test."""

    name: str
    code: str
    setup: Sequence[str] = ()
    got: str | bytes | None = None
    want: str | bytes | None = None
    error: str = ""
    frames: Sequence[tuple[str, str, int]] = field(
        default_factory=tuple
    )  # (function, its lines to the one raising, line number)
    params: str = ""  # the test's fixtures


def unittest_code(code: str) -> str:
    found = _ASSERT_EQ.match(code)
    return f"self.assertEqual({found.group(1)}, {found.group(2)})" if found else code


def _ellipsize(s: str, maxsize: int) -> str:
    if len(s) > maxsize:
        i = max(0, (maxsize - 3) // 2)
        j = max(0, maxsize - 3 - i)
        return s[:i] + "..." + s[len(s) - j :]
    return s


def saferepr(value: str | bytes, maxsize: int = 30) -> str:
    """A string as pytest's assertion summary shows it, cut to `maxsize`."""
    if isinstance(value, bytes):
        return _ellipsize(repr(value), maxsize)
    short = reprlib.Repr()
    short.maxstring = maxsize
    return _ellipsize(short.repr(value), maxsize)


def _diff_text(left: str, right: str) -> list[str]:
    """pytest's explanation of two strings that differ, its expected (right) side first."""
    explanation: list[str] = []
    i = 0
    for i in range(min(len(left), len(right))):
        if left[i] != right[i]:
            break
    if i > 42:
        i -= 10
        explanation = [f"Skipping {i} identical leading characters in diff, use -v to show"]
        left, right = left[i:], right[i:]
    if len(left) == len(right):
        for i in range(len(left)):
            if left[-i] != right[-i]:
                break
        if i > 42:
            i -= 10
            explanation += [f"Skipping {i} identical trailing characters in diff, use -v to show"]
            left, right = left[:-i], right[:-i]
    if left.isspace() or right.isspace():
        left, right = repr(str(left)), repr(str(right))
        explanation += ["Strings contain only whitespace, escaping them using repr()"]
    return explanation + [line.strip("\n") for line in difflib.ndiff(right.splitlines(True), left.splitlines(True))]


def pytest_error(fail: Fail, pytest8: bool) -> list[str]:
    """The `E` lines of a failure."""
    if fail.got is None or fail.want is None:
        head, *rest = fail.error.split("\n")
        return [f"E       {head}", *(f"E       {line}" for line in rest)]
    lines = [f"E       AssertionError: assert {saferepr(fail.got)} == {saferepr(fail.want)}"]
    lines += ["E         "] if pytest8 else []
    if isinstance(fail.got, bytes) and isinstance(fail.want, bytes):
        at = next((i for i, (a, b) in enumerate(zip(fail.got, fail.want, strict=False)) if a != b), None)
        shown = (
            [f"At index {at} diff: {fail.got[at : at + 1]!r} != {fail.want[at : at + 1]!r}"] if at is not None else []
        )
        return lines + [f"E         {line}" for line in [*shown, "Use -v to get more diff"]]
    assert isinstance(fail.got, str) and isinstance(fail.want, str)
    return lines + [f"E         {line}" for line in _diff_text(fail.got, fail.want)]


def unittest_error(fail: Fail) -> str:
    """The last line(s) of a unittest failure: assertMultiLineEqual's diff of the two strings, actual first."""
    if fail.got is None or fail.want is None:
        return fail.error
    first, second = fail.got, fail.want
    if isinstance(first, bytes) or isinstance(second, bytes):
        left, right = _common_shorten_repr(first, second)
        return f"AssertionError: {left} != {right}"
    firstlines, secondlines = first.splitlines(True), second.splitlines(True)
    if len(firstlines) == 1 and first.strip("\r\n") == first:
        firstlines, secondlines = [first + "\n"], [second + "\n"]
    left, right = _common_shorten_repr(first, second)
    standard = f"{left} != {right}"
    diff = "\n" + "".join(difflib.ndiff(firstlines, secondlines))
    if len(diff) > 640:
        return f"AssertionError: {standard}\nDiff is {len(diff)} characters long. Set self.maxDiff to None to see it."
    return f"AssertionError: {standard}{diff}"

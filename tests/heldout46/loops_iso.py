# ruff: noqa: E501
"""A loop family about parsing timestamps: each parser the agent swaps in takes some of the inputs and rejects others.

What each parser does with each input is written down as the environment's Python does it (before 3.11,
`fromisoformat` takes only what `isoformat` writes), so the failures printed are the ones that parser gives.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime

from heldout20.calls import Step
from heldout46.text import Ctx, churn, extra, py_edit, test_step

# The input shapes the tests feed the parser, with how each is written.
SHAPES = {
    "z": "{d}T{t}Z",
    "frac_z": "{d}T{t}.{ms}Z",
    "colon": "{d}T{t}+02:00",
    "no_colon": "{d}T{t}+0200",
    "basic": "{b}T{c}Z",
    "date": "{d}",
    "space": "{d} {t}",
    "rfc": "{w}, {dd} {mon} {y} {t} GMT",
}
_FMT = "%Y-%m-%dT%H:%M:%S%z"
_FMT_F = "%Y-%m-%dT%H:%M:%S.%f%z"
_FMT_N = "%Y-%m-%dT%H:%M:%S"


def _fromiso(shape: str, text: str, new: bool) -> str | None:
    ok = {"colon", "date", "space"} | ({"z", "frac_z", "no_colon", "basic"} if new else set())
    return None if shape in ok else f"ValueError: Invalid isoformat string: {text!r}"


def _fromiso_z(shape: str, text: str, new: bool) -> str | None:
    ok = {"colon", "date", "space", "z", "frac_z"} | ({"no_colon", "basic"} if new else set())
    return None if shape in ok else f"ValueError: Invalid isoformat string: {text.replace('Z', '+00:00')!r}"


def _strptime(fmt: str) -> Callable[[str, str, bool], str | None]:
    def parse(shape: str, text: str, new: bool) -> str | None:
        if fmt == _FMT:
            ok = {"z", "colon", "no_colon"}
        elif fmt == _FMT_F:
            ok = {"frac_z"}
        else:
            if shape in ("z", "colon", "no_colon"):
                return f"ValueError: unconverted data remains: {text[19:]}"
            ok = set()
        return None if shape in ok else f"ValueError: time data {text!r} does not match format {fmt!r}"

    return parse


def _formats(shape: str, text: str, new: bool) -> str | None:
    if shape in ("space", "date"):
        return "AssertionError: assert None == datetime.timezone.utc"
    return None if shape in ("z", "frac_z", "colon", "no_colon") else f"ValueError: no format matched {text!r}"


def _regex(shape: str, text: str, new: bool) -> str | None:
    if shape == "frac_z":
        ms = text.split(".")[1].rstrip("Z")
        return f"AssertionError: assert {int(ms)} == {int(ms) * 1000}"
    return None if shape in ("z", "colon", "space") else f"ValueError: not an ISO 8601 timestamp: {text!r}"


def _isoparse(shape: str, text: str, new: bool) -> str | None:
    if shape == "rfc":
        return (
            "ValueError: ISO string too short"
            if len(text) < 10
            else f"ValueError: String does not contain a date: {text!r}"
        )
    return "AssertionError: assert None == tzutc()" if shape in ("date", "space") else None


def _rfc(shape: str, text: str, new: bool) -> str | None:
    if shape == "rfc":
        return None
    return (
        f'ValueError: Invalid date value or format "{text}"'
        if new or shape != "date"
        else "TypeError: cannot unpack non-iterable NoneType object"
    )


PARSERS: dict[str, tuple[Callable[[str, str, bool], str | None], str, str]] = {
    "fromisoformat": (
        _fromiso,
        "return datetime.fromisoformat(value)",
        "The standard library has fromisoformat; use it directly.",
    ),
    "fromisoformat-z": (
        _fromiso_z,
        "return datetime.fromisoformat(value.replace('Z', '+00:00'))",
        "fromisoformat rejects the trailing Z here; map it to +00:00 first.",
    ),
    "strptime": (
        _strptime(_FMT),
        f"return datetime.strptime(value, {_FMT!r})",
        "strptime's %z accepts Z and both offset spellings; use an explicit format.",
    ),
    "strptime-f": (
        _strptime(_FMT_F),
        f"return datetime.strptime(value, {_FMT_F!r})",
        "The fractional seconds need %f in the format.",
    ),
    "strptime-naive": (
        _strptime(_FMT_N),
        f"return datetime.strptime(value[:19], {_FMT_N!r}).replace(tzinfo=timezone.utc)",
        "Parse the fixed-width part and treat it as UTC.",
    ),
    "formats": (_formats, "for fmt in FORMATS:", "Try a list of formats in turn."),
    "regex": (_regex, "match = ISO_RE.match(value)", "Write a small regex for the ISO shapes the tests use."),
    "isoparse": (
        _isoparse,
        "return dateutil.parser.isoparse(value)",
        "dateutil's isoparse handles all the ISO 8601 forms.",
    ),
    "rfc": (
        _rfc,
        "return email.utils.parsedate_to_datetime(value)",
        "Headers use RFC 2822 dates; parsedate_to_datetime reads those.",
    ),
}

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def stamp(rng: random.Random, shape: str) -> str:
    y, m, d = rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28)
    h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    return SHAPES[shape].format(
        d=f"{y}-{m:02d}-{d:02d}",
        t=f"{h:02d}:{mi:02d}:{s:02d}",
        ms=f"{rng.randint(1, 999):03d}",
        b=f"{y}{m:02d}{d:02d}",
        c=f"{h:02d}{mi:02d}{s:02d}",
        w=_DAYS[rng.randrange(7)],
        dd=f"{d:02d}",
        mon=_MONTHS[m - 1],
        y=y,
    )


def parsed(text: str) -> datetime:
    """What a parser that accepts `text` gives for it (the build's Python reads every ISO 8601 shape)."""
    return parsedate_to_datetime(text) if text.endswith("GMT") else datetime.fromisoformat(text)


def isoformat_parse_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Timestamps with Z, offsets, fractions, basic format and RFC 2822: every parser rejects some of them."""
    f = ctx.func
    new = tuple(int(x) for x in ctx.python.split(".")) >= (3, 11)

    def run(thought: str, parser: str) -> Step:
        how = PARSERS[parser][0]
        failing = []
        for shape in rng.sample(list(SHAPES), len(SHAPES)):
            text = stamp(rng, shape)
            error = how(shape, text, new)
            if error:
                failing.append((f"test_{f}[{text}]", "", error))
        assert failing, parser
        return test_step(ctx, rng, thought, failing[: rng.randint(1, 4)], extra=extra(ctx, rng))

    def attempt(parser: str) -> Callable[[int], list[Step]]:
        line, thought = PARSERS[parser][1], PARSERS[parser][2]

        def steps(k: int) -> list[Step]:
            old = rng.choice(["    return parse(value)\n", "    return result\n"])
            out = [Step(thought, py_edit(ctx.source, old, f"    {line}\n"), "patched")]
            if rng.random() < 0.3:
                shape = rng.choice(list(SHAPES))
                text = stamp(rng, shape)
                error = PARSERS[parser][0](shape, text, new)
                out.append(
                    Step(
                        "Let me try one of the inputs by hand.",
                        f'python -c "from {ctx.dotted} import {f}; print(repr({f}({text!r})))"',
                        (
                            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{error}\n'
                            if error and "Assertion" not in error
                            else f"{parsed(text)!r}\n"
                        ),
                        rc=1 if error and "Assertion" not in error else 0,
                    )
                )
            return [*out, run("Run the parsing tests.", parser)]

        return steps

    def a_doc(k: int) -> list[Step]:
        return [
            Step(
                "Which formats do the docs promise?",
                f"grep -rn -i 'iso 8601\\|rfc 2822\\|isoformat' {ctx.source} docs/ 2>/dev/null | head",
                f"{ctx.source}:{rng.randint(10, 300)}:    Accepts ISO 8601 timestamps (with ``Z`` or an offset) and RFC 2822 dates.\n",
            ),
            run("Run the tests again to see the current failures.", rng.choice(list(PARSERS))),
        ]

    first = [run("Let me run the tests for the timestamp parsing.", "fromisoformat")]
    return churn(ctx, rng, n, first, [attempt(p) for p in PARSERS] + [a_doc], "the timestamp parsing")

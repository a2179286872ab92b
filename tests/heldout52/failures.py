# ruff: noqa: E501
"""The failures the families' test runs print: records missing, doubled or on another logger, warnings unmatched or raised."""

from __future__ import annotations

import difflib
import pprint
import random

from heldout52.text import Ctx, Fail, record

VALUES = ("x", "", "default", "a.b", "ünï", "42", "None", "-1", "key=value")
BUILTINS = ("DeprecationWarning", "FutureWarning", "PendingDeprecationWarning", "UserWarning")
LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}


def message(ctx: Ctx, rng: random.Random) -> str:
    return ctx.logged(rng.choice(VALUES))


def empty_capture(ctx: Ctx, rng: random.Random, name: str) -> Fail:
    """caplog (or a root assertLogs) saw nothing: the record went to the module's own handler only."""
    value = rng.choice(VALUES)
    msg = ctx.logged(value)
    if ctx.django:
        level = rng.choice(["WARNING", "INFO"])
        return Fail(
            name,
            f"with self.assertLogs(level={level!r}) as cm:",
            [f"AssertionError: no logs of level {level} or higher triggered on root"],
            stderr=[msg],
        )
    line, error = rng.choice(
        [
            (
                f"assert {msg!r} in caplog.text",
                [
                    f"assert {msg!r} in ''",
                    f" +  where '' = <_pytest.logging.LogCaptureFixture object at 0x7f{rng.randrange(16**10):010x}>.text",
                ],
            ),
            (
                f"assert caplog.messages == [{msg!r}]",
                [
                    f"AssertionError: assert [] == [{msg!r}]",
                    f"  Right contains one more item: {msg!r}",
                    "  Use -v to get more diff",
                ],
            ),
            ("assert len(caplog.records) == 1", ["assert 0 == 1", " +  where 0 = len([])"]),
        ]
    )
    call = rng.choice(
        [
            f"with caplog.at_level(logging.WARNING):\n    {ctx.func}({value!r})",
            f"caplog.set_level(logging.INFO)\n{ctx.func}({value!r})",
        ]
    )
    return Fail(name, f"{call}\n{line}", error, stderr=[msg] * rng.randint(1, 2))


def duplicated(ctx: Ctx, rng: random.Random, name: str) -> Fail:
    """The line printed more than once: the module's handler and the root's both wrote it."""
    msg = message(ctx, rng)
    times = rng.randint(2, 4)
    stderr = [msg] + [rng.choice([f"WARNING:{ctx.logger}:{msg}", msg, f"[WARNING] {msg}"]) for _ in range(times - 1)]
    if ctx.django:
        return Fail(
            name, "self.assertEqual(stderr.getvalue().count(msg), 1)", [f"AssertionError: {times} != 1"], stderr=stderr
        )
    return Fail(
        name,
        f"{ctx.func}(value)\n{ctx.func}(value)\ncaptured = capsys.readouterr()\nassert captured.err.count(msg) == 1",
        [
            f"assert {times} == 1",
            f" +  where {times} = <built-in method count of str object at 0x7f{rng.randrange(16**10):010x}>({msg!r})",
        ],
        log=[record(ctx, rng, "WARNING", msg)],
        stderr=stderr,
        fixture="capsys",
    )


def doubled_records(ctx: Ctx, rng: random.Random, name: str) -> Fail:
    msg = message(ctx, rng)
    got = [(ctx.logger, 30, msg)] * rng.randint(2, 3)
    if ctx.django:
        return Fail(name, "self.assertEqual(len(cm.records), 1)", [f"AssertionError: {len(got)} != 1"], stderr=[msg])
    return Fail(
        name,
        f"assert caplog.record_tuples == [({ctx.logger!r}, logging.WARNING, {msg!r})]",
        [
            f"AssertionError: assert {got!r} == [{got[0]!r}]",
            f"  Left contains {len(got) - 1} more item{'s' if len(got) > 2 else ''}, first extra item: {got[0]!r}",
            "  Use -v to get more diff",
        ],
        log=[record(ctx, rng, "WARNING", msg)] * len(got),
    )


def default_output_gone(ctx: Ctx, rng: random.Random, name: str) -> Fail:
    """The library no longer prints its warning to stderr by default, which another test checks."""
    msg = message(ctx, rng)
    if ctx.django:
        return Fail(name, "self.assertIn(msg, stderr.getvalue())", [f"AssertionError: {msg!r} not found in ''"])
    return Fail(
        name,
        f"{ctx.func}(value)\nassert msg in capsys.readouterr().err",
        [f"AssertionError: assert {msg!r} in ''", " +  where '' = CaptureResult(out='', err='').err"],
        log=[record(ctx, rng, "WARNING", msg)],
        fixture="capsys",
    )


def closed_stream(ctx: Ctx, rng: random.Random, name: str) -> Fail:
    """A handler kept from an earlier test still writes to that test's captured stream, now closed."""
    msg = message(ctx, rng)
    lines = [
        "--- Logging error ---",
        "Traceback (most recent call last):",
        f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/logging/__init__.py", line {rng.choice([1086, 1100, 1113])}, in emit',
        "    stream.write(msg + self.terminator)",
        "ValueError: I/O operation on closed file.",
        "Call stack:",
        f'  File "/testbed/{ctx.source}", line {rng.randint(40, 900)}, in {ctx.func}',
        f"    logger.warning({ctx.message!r}, value)",
        f"Message: {ctx.message!r}",
        f"Arguments: ({rng.choice(VALUES)!r},)",
    ]
    if ctx.django:
        return Fail(
            name, "self.assertIn(msg, stderr.getvalue())", [f"AssertionError: {msg!r} not found in ''"], stderr=lines
        )
    return Fail(
        name,
        "assert msg in capsys.readouterr().err",
        [f"AssertionError: assert {msg!r} in ''", " +  where '' = CaptureResult(out='', err='').err"],
        stderr=lines,
        fixture="capsys",
    )


def wrong_logger(ctx: Ctx, rng: random.Random, name: str, wanted: str, got: str) -> Fail:
    msg = ctx.logged(rng.choice(VALUES))
    level = rng.choice(["WARNING", "INFO"])
    if ctx.django:
        return Fail(
            name,
            f"with self.assertLogs({wanted!r}, {level!r}) as cm:",
            [f"AssertionError: no logs of level {level} or higher triggered on {wanted}"],
        )
    return Fail(
        name,
        f"assert caplog.record_tuples == [({wanted!r}, logging.{level}, {msg!r})]",
        [
            f"AssertionError: assert [({got!r}, {LEVELS[level]}, {msg!r})] == [({wanted!r}, {LEVELS[level]}, {msg!r})]",
            f"  At index 0 diff: ({got!r}, {LEVELS[level]}, {msg!r}) != ({wanted!r}, {LEVELS[level]}, {msg!r})",
            "  Use -v to get more diff",
        ],
        log=[record(ctx, rng, level, msg, got)],
    )


def level_miss(ctx: Ctx, rng: random.Random, name: str) -> Fail:
    """DEBUG/INFO records filtered before any handler, or WARNING ones leaking into a quiet test."""
    msg = ctx.logged(rng.choice(VALUES))
    if rng.random() < 0.6:
        level = rng.choice(["DEBUG", "INFO"])
        if ctx.django:
            return Fail(
                name,
                f"with self.assertLogs({ctx.logger!r}, {level!r}) as cm:",
                [f"AssertionError: no logs of level {level} or higher triggered on {ctx.logger}"],
            )
        return Fail(
            name,
            f"assert [r.levelname for r in caplog.records] == [{level!r}]",
            [
                f"AssertionError: assert [] == [{level!r}]",
                f"  Right contains one more item: {level!r}",
                "  Use -v to get more diff",
            ],
        )
    extra = [
        record(ctx, rng, rng.choice(["DEBUG", "INFO"]), ctx.logged(rng.choice(VALUES)))
        for _ in range(rng.randint(1, 3))
    ]
    if ctx.django:
        return Fail(name, "self.assertEqual(stderr.getvalue(), '')", [f"AssertionError: {msg!r} != ''"], stderr=[msg])
    return Fail(
        name,
        "assert caplog.records == []",
        [
            f"assert [<LogRecord: {ctx.logger}, {rng.choice([10, 20])}, /testbed/{ctx.source}, {rng.randint(40, 900)}, {ctx.message!r}>{', ...' if len(extra) > 1 else ''}] == []",
            "  Left contains more items, first extra item: <LogRecord ...>",
            "  Use -v to get more diff",
        ],
        log=extra,
    )


def emitted(ctx: Ctx, rng: random.Random, category: str) -> str:
    text = ctx.deprecated
    return rng.choice(
        [
            f'{category}("{text}")',
            f'{category}("{text.replace("a future version", rng.choice(["6.0", "0.14", "2.0", "5.1"]))}")',
            f'{category}("{text.split(" and ")[0]}.")',
        ]
    )


def not_warned(ctx: Ctx, rng: random.Random, name: str, expected: str, got: str) -> Fail:
    """pytest.warns or assertWarns(Message) missing the warning it waits for."""
    call = f"{ctx.func}(value, {ctx.arg}=True)"
    if ctx.django:
        if rng.random() < 0.5:
            return Fail(
                name,
                f"with self.assertWarnsMessage({expected}, msg):",
                [
                    f"AssertionError: {ctx.deprecated!r} not found in {ctx.deprecated.replace('a future version', 'Django 5.0')!r}"
                ],
            )
        return Fail(name, f"with self.assertWarns({expected}):", [f"AssertionError: {expected} not triggered"])
    kind = rng.random()
    if kind < 0.4:
        error = [
            "Failed: DID NOT WARN. No warnings of type (<class '"
            + (ctx.category if expected == ctx.warning else f"{expected}")
            + "'>,) were emitted.",
            f" The list of emitted warnings is: [{emitted(ctx, rng, got)}].",
        ]
    elif kind < 0.75:
        error = [
            f"Failed: DID NOT WARN. No warnings of type (<class '{ctx.category if expected == ctx.warning else expected}'>,) matching the regex were emitted.",
            f" Regex: {rng.choice([f'The {ctx.arg!r} argument', f'{ctx.arg} is deprecated', f'{ctx.func}.*deprecated'])}",
            f" Emitted warnings: [{emitted(ctx, rng, expected)}]",
        ]
    elif kind < 0.9:
        error = [
            f"AssertionError: assert '/testbed/{ctx.source}' == '/testbed/{ctx.test_file}'",
            f"  - /testbed/{ctx.test_file}",
            f"  + /testbed/{ctx.source}",
        ]
        return Fail(
            name,
            f"{call}\nrecord = recwarn.pop({expected})\nassert record.filename == __file__",
            error,
            fixture="recwarn",
        )
    else:
        error = [
            "Failed: DID NOT WARN. No warnings of type (<class '" + expected + "'>,) were emitted.",
            " The list of emitted warnings is: [].",
        ]
    return Fail(
        name,
        f"with pytest.warns({expected}, match=msg):"
        if "match" in error[0] or "Regex" in "".join(error)
        else f"with pytest.warns({expected}):",
        error,
        fixture="",
    )


def filtered(ctx: Ctx, rng: random.Random, name: str, raised: bool = False) -> Fail:
    """The warning turned into an error in an unrelated test, or ignored where a test records it."""
    if raised or rng.random() < 0.55:
        other = rng.choice(
            [
                f"{ctx.func}(value, {ctx.arg}=True)",
                f"{ctx.func}(data, {ctx.arg}={ctx.arg})",
                f"result = {ctx.func}(*args, **kwargs)",
            ]
        )
        return Fail(name, other, [f"{ctx.category}: {ctx.deprecated}"], fixture="")
    if ctx.django:
        return Fail(
            name,
            f"with warnings.catch_warnings(record=True) as caught:\n    {ctx.func}(value, {ctx.arg}=True)\nself.assertEqual(len(caught), 1)",
            ["AssertionError: 0 != 1"],
        )
    return Fail(
        name,
        f"with warnings.catch_warnings(record=True) as w:\n    {ctx.func}(value, {ctx.arg}=True)\nassert len(w) == 1",
        ["assert 0 == 1", " +  where 0 = len([])"],
        fixture="",
    )


def parse_error(ctx: Ctx, rng: random.Random, spec: str) -> str:
    category = spec.split(":")[2] if spec.count(":") >= 2 else spec
    pytest_dir = f"{ctx.site}/_pytest/config/__init__.py"
    missing = (
        f"AttributeError: module 'builtins' has no attribute '{category}'"
        if "." not in category
        else f"ModuleNotFoundError: No module named '{category.rsplit('.', 1)[0]}'"
    )
    return "\n".join(
        [
            "ERROR: while parsing the following warning configuration:",
            "",
            f"  {spec}",
            "",
            "This error occurred:",
            "",
            "Traceback (most recent call last):",
            f'  File "{pytest_dir}", line {rng.choice([1690, 1761, 1734])}, in parse_warning_filter',
            "    category: Type[Warning] = _resolve_warning_category(category_)",
            f'  File "{pytest_dir}", line {rng.choice([1729, 1799, 1772])}, in _resolve_warning_category',
            "    cat = getattr(m, klass)" if "." not in category else "    m = __import__(module, None, None, [klass])",
            missing,
            "",
        ]
    )


def list_diff(first: list[str], second: list[str]) -> list[str]:
    """unittest's assertListEqual message for two lists of strings."""
    head = f"AssertionError: Lists differ: {first!r} != {second!r}"
    lines = [head, ""]
    for i, (a, b) in enumerate(zip(first, second, strict=False)):
        if a != b:
            lines += [f"First differing element {i}:", repr(a), repr(b), ""]
            break
    else:
        longer, word = (first, "First") if len(first) > len(second) else (second, "Second")
        extra = len(longer) - min(len(first), len(second))
        lines += [
            f"{word} list contains {extra} additional elements.",
            "First extra element 0:",
            repr(longer[-extra]),
            "",
        ]
    lines += difflib.ndiff(pprint.pformat(first).splitlines(), pprint.pformat(second).splitlines())
    return lines

# ruff: noqa: E501
"""A TOML loop: offset, local and date-only values that never survive the round trip."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45.text import Ctx, Format, churn, flags, py_edit, test_step

TOML = Format(
    "toml",
    "tomli",
    "tomli",
    ("1.2.3", "2.0.1", "2.0.1"),
    '[release]\nname = "example"\npublished = 1979-05-27T07:32:00Z\nlocal = 1979-05-27T07:32:00\nday = 1979-05-27\nalarm = 07:32:00.999999\noffset = 1979-05-27T00:32:00-07:00',
)


_DT = "datetime.datetime(1979, 5, 27, 7, 32"


def _utc(rng: random.Random) -> str:
    return f"AssertionError: assert {_DT}, tzinfo=<toml.tz.TomlTz object at 0x7f{rng.randrange(16**10):010x}>) == {_DT}, tzinfo=datetime.timezone.utc)"


def toml_datetime_roundtrip(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Offset, local and date-only values lose or change their type, offset or precision on every writer tried."""
    t, src = ctx.test_file, ctx.source
    rt, text_case = f"test_{ctx.stem}_dates_roundtrip", f"test_{ctx.stem}_toml_text"
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the TOML settings now.",
            [(rt, "ModuleNotFoundError: No module named 'tomllib'")],
            code=f"{ctx.func}(dump(data)) == data",
        ),
        Step(
            "tomllib is only in 3.11. Which Python is this, and is tomli installed?",
            "python --version && pip list 2>/dev/null | grep -i toml",
            f"Python {ctx.python_full}\ntoml                 0.10.2\ntomli                {rng.choice(TOML.versions)}\n",
        ),
    ]

    def tomli_fallback(k: int) -> list[Step]:
        return [
            Step(
                "Fall back to tomli for reading, and keep the toml package for writing.",
                py_edit(
                    src,
                    "import tomllib\n",
                    "try:\n    import tomllib\nexcept ImportError:  # Python < 3.11\n    import tomli as tomllib\nimport toml\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the round trip.",
                [
                    (
                        rt,
                        rng.choice(
                            [
                                _utc(rng),
                                "AssertionError: assert 'published = 1979-05-27T07:32:00+00:00' == 'published = 1979-05-27T07:32:00Z'",
                            ]
                        ),
                    )
                ],
                f"{t}::{rt}",
                flags(rng, ctx),
            ),
        ]

    def z_suffix(k: int) -> list[Step]:
        return [
            Step(
                "The writer spells UTC as +00:00 and the file has Z. Rewrite the offset after dumping.",
                py_edit(
                    src,
                    "    return text\n",
                    "    text = re.sub(r'(\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?)\\+00:00', r'\\1Z', text)\n    return text\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the TOML tests.",
                [
                    (
                        rng.choice([rt, text_case]),
                        rng.choice(
                            [
                                "AssertionError: assert 'offset = 1979-05-27T07:32:00Z' == 'offset = 1979-05-27T00:32:00-07:00'",
                                "AssertionError: assert 'alarm = 07:32:00.999999' == 'alarm = 07:32:00.999'",
                                _utc(rng),
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def aware_everything(k: int) -> list[Step]:
        return [
            Step(
                "Normalise every datetime to an aware UTC one before dumping, so the types match after loading.",
                py_edit(
                    src,
                    "def _prepare(value):\n    return value",
                    "def _prepare(value):\n    if isinstance(value, datetime.datetime):\n        return value.astimezone(datetime.timezone.utc)\n    return value",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the module.",
                [
                    (
                        rt,
                        rng.choice(
                            [
                                "AssertionError: assert datetime.datetime(1979, 5, 27, 6, 32, tzinfo=datetime.timezone.utc) == datetime.datetime(1979, 5, 27, 7, 32)",
                                "TypeError: can't compare offset-naive and offset-aware datetimes",
                                f"AssertionError: assert {_DT}, tzinfo=datetime.timezone.utc) == {_DT}, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=61200)))",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def tomli_w(k: int) -> list[Step]:
        v = rng.choice(["1.0.0", "1.0.0", "1.1.0"])
        return [
            Step(
                "The toml package is unmaintained and writes its own tz class. tomli_w is the writer that matches tomli.",
                *rng.choice(
                    [
                        ("pip install tomli_w 2>&1 | tail -1", f"Successfully installed tomli-w-{v}\n"),
                        ("pip install -q tomli-w && pip show tomli-w | head -2", f"Name: tomli_w\nVersion: {v}\n"),
                    ]
                ),
                seconds=rng.uniform(2, 9),
            ),
            Step("Switch dumping to tomli_w.", py_edit(src, "toml.dumps(", "tomli_w.dumps(", None), "patched"),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        rng.choice([rt, text_case]),
                        rng.choice(
                            [
                                "TypeError: Object of type <class 'decimal.Decimal'> is not TOML serializable",
                                "AssertionError: assert 'alarm = 07:32:00.999999' == 'alarm = 07:32:00.999'",
                                "AssertionError: assert 'published = 1979-05-27T07:32:00+00:00' == 'published = 1979-05-27T07:32:00Z'",
                            ]
                        ),
                    ),
                    *(
                        [(f"test_{ctx.stem}_requirements", "AssertionError: assert 'tomli_w' in ALLOWED_DEPENDENCIES")]
                        if rng.random() < 0.5
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def as_strings(k: int) -> list[Step]:
        return [
            Step(
                "Write dates as ISO strings then, and parse them back in the loader.",
                py_edit(
                    src,
                    "return value",
                    "return value.isoformat() if isinstance(value, (datetime.date, datetime.time)) else value",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                [
                    (
                        rt,
                        rng.choice(
                            [
                                "AssertionError: assert '1979-05-27T07:32:00+00:00' == datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.timezone.utc)",
                                "AssertionError: assert datetime.datetime(1979, 5, 27, 0, 0) == datetime.date(1979, 5, 27)",
                                "ValueError: Invalid isoformat string: '1979-05-27T07:32:00Z'",
                            ]
                        ),
                    ),
                    *(
                        [(text_case, "AssertionError: assert 'day = \"1979-05-27\"' == 'day = 1979-05-27'")]
                        if k % 2
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def milliseconds(k: int) -> list[Step]:
        return [
            Step(
                "The expected file keeps milliseconds only. Truncate times to milliseconds before dumping.",
                py_edit(
                    src,
                    "    return value\n",
                    "    if isinstance(value, (datetime.datetime, datetime.time)):\n        return value.replace(microsecond=value.microsecond // 1000 * 1000)\n    return value\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (
                        rt,
                        rng.choice(
                            [
                                "AssertionError: assert datetime.time(7, 32, 0, 999000) == datetime.time(7, 32, 0, 999999)",
                                "AssertionError: assert 'alarm = 07:32:00.999000' == 'alarm = 07:32:00.999'",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def parse_error(k: int) -> list[Step]:
        line, col = rng.randint(3, 12), rng.randint(8, 30)
        return [
            Step(
                "Let me write the values by hand with isoformat(timespec='milliseconds') for times.",
                py_edit(
                    src,
                    "def _format_time(value):\n    return value.isoformat()",
                    "def _format_time(value):\n    return value.isoformat(timespec='milliseconds').replace('+00:00', ' Z')",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        rt,
                        rng.choice(
                            [
                                f"tomli.TOMLDecodeError: Invalid date or datetime (at line {line}, column {col})",
                                f"tomli.TOMLDecodeError: Expected newline or end of document after a statement (at line {line}, column {col})",
                                f"toml.decoder.TomlDecodeError: invalid literal for int() with base 0: '07:32:00.999' (line {line} column 1 char {rng.randint(40, 200)})",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def extra_look() -> Step:
        return Step(
            "What does tomli give back for each kind of date and time?",
            "python -c \"import tomli; print(tomli.loads(open('" + ctx.data("toml") + "').read())['release'])\"",
            f"{{'name': 'example', 'published': {_DT}, tzinfo=datetime.timezone.utc), 'local': {_DT}), 'day': datetime.date(1979, 5, 27), 'alarm': datetime.time(7, 32, 0, 999999), 'offset': datetime.datetime(1979, 5, 27, 0, 32, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=61200)))}}",
        )

    return churn(
        ctx,
        rng,
        n,
        [*first, *tomli_fallback(0)],
        [z_suffix, aware_everything, tomli_w, as_strings, milliseconds, parse_error],
        "TOML dates and times round-tripping",
        TOML,
        [extra_look],
    )

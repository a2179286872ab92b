# ruff: noqa: E501
"""An INI loop: configparser reading percent signs, key case, comments and duplicates its own way."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45.text import Ctx, Format, churn, flags, py_edit, test_step

INI = Format(
    "ini",
    "",
    "configparser",
    (),
    "[DEFAULT]\nhome = /srv/app\n\n[paths]\ndata = %(home)s/data\nlog_format = %Y-%m-%d %H:%M\n\n[server]\ntimeout = 30 ; seconds\nMaxSize = 100%\nurl = http://host/path#frag",
)


def ini_interpolation_maze(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Percent signs, key case, inline comments and duplicate keys: each configparser option fixes one file and breaks another."""
    t, src = ctx.test_file, ctx.source
    read, write = f"test_{ctx.stem}_read_settings", f"test_{ctx.stem}_write_settings"
    found = rng.choice(["%Y-%m-%d %H:%M", "%Y-%m-%d", "% of quota"])
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the settings tests now.",
            [(read, f"configparser.InterpolationSyntaxError: '%' must be followed by '%' or '(', found: '{found}'")],
            code=f"{ctx.func}(path)['paths']['log_format'] == '%Y-%m-%d %H:%M'",
        ),
    ]

    def raw(k: int) -> list[Step]:
        return [
            Step(
                "The log format's percent signs are taken as interpolation. Use RawConfigParser.",
                py_edit(src, "configparser.ConfigParser(", "configparser.RawConfigParser("),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the read test.",
                [
                    (
                        read,
                        rng.choice(
                            [
                                "AssertionError: assert '%(home)s/data' == '/srv/app/data'",
                                "AssertionError: assert '%(home)s/cache' == '/srv/app/cache'",
                            ]
                        ),
                    )
                ],
                f"{t}::{read}",
                flags(rng, ctx),
            ),
        ]

    def double_percent(k: int) -> list[Step]:
        return [
            Step(
                "Keep interpolation and escape literal percent signs as %% in the data file.",
                f"sed -i 's/%Y-%m-%d %H:%M/%%Y-%%m-%%d %%H:%%M/; s/100%$/100%%/' {ctx.data('ini')}",
                "",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (write, "AssertionError: assert 'MaxSize = 100%%' == 'MaxSize = 100%'"),
                    *(
                        [
                            (
                                f"test_{ctx.stem}_user_file",
                                f"configparser.InterpolationSyntaxError: '%' must be followed by '%' or '(', found: '{rng.choice(['%d', '%s', '% done'])}'",
                            )
                        ]
                        if rng.random() < 0.6
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def extended(k: int) -> list[Step]:
        return [
            Step(
                "ExtendedInterpolation uses ${...}, so the percent signs would be literal.",
                py_edit(
                    src,
                    "configparser.ConfigParser(",
                    "configparser.ConfigParser(interpolation=configparser.ExtendedInterpolation(), ",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        read,
                        rng.choice(
                            [
                                "AssertionError: assert '%(home)s/data' == '/srv/app/data'",
                                "configparser.InterpolationSyntaxError: '$' must be followed by '$' or '{', found: '$HOME/.cache'",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def lenient(k: int) -> list[Step]:
        pos = rng.randint(3, 14)
        return [
            Step(
                "Subclass BasicInterpolation so a '%' not followed by '(' is left alone.",
                py_edit(
                    src,
                    "class _Interpolation(configparser.BasicInterpolation):\n    pass",
                    "class _Interpolation(configparser.BasicInterpolation):\n    def before_get(self, parser, section, option, value, defaults):\n        if '%(' not in value:\n            return value\n        return super().before_get(parser, section, option, value, defaults)",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                [
                    (
                        write,
                        f"ValueError: invalid interpolation syntax in '{rng.choice(['100%', '%Y-%m-%d', '50% off'])}' at position {pos}",
                    ),
                    *([(read, "AssertionError: assert '30 ; seconds' == '30'")] if k % 2 else []),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def key_case(k: int) -> list[Step]:
        return [
            Step(
                "The MaxSize key comes back lowercased. Keep keys as written with optionxform = str.",
                py_edit(src, "parser.read(", "parser.optionxform = str\n    parser.read("),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (
                        rng.choice([read, f"test_{ctx.stem}_defaults"]),
                        rng.choice(
                            [
                                "configparser.NoOptionError: No option 'maxsize' in section: 'server'",
                                "configparser.NoOptionError: No option 'timeout' in section: 'Server'",
                                "KeyError: 'maxsize'",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def comments(k: int) -> list[Step]:
        return [
            Step(
                "'30 ; seconds' keeps its comment. Turn on inline comments.",
                py_edit(
                    src, "configparser.ConfigParser(", "configparser.ConfigParser(inline_comment_prefixes=(';', '#'), "
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the read test.",
                [
                    (
                        read,
                        rng.choice(
                            [
                                "AssertionError: assert 'http://host/path' == 'http://host/path#frag'",
                                "AssertionError: assert 'a' == 'a;b;c'",
                            ]
                        ),
                    )
                ],
                f"{t}::{read}",
                flags(rng, ctx),
            ),
        ]

    def duplicates(k: int) -> list[Step]:
        line = rng.randint(9, 30)
        return [
            Step(
                "The user file from the issue repeats a key; allow that with strict=False.",
                py_edit(src, "configparser.ConfigParser(", "configparser.ConfigParser(strict=False, "),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        f"test_{ctx.stem}_user_file",
                        rng.choice(
                            [
                                f"AssertionError: assert '{rng.choice(['60', '120'])}' == '30'",
                                f"configparser.DuplicateSectionError: While reading from '<string>' [line {line}]: section 'server' already exists",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def no_header(k: int) -> list[Step]:
        return [
            Step(
                "Write the settings back by reading the fragment for the section and updating the parser.",
                py_edit(src, "parser.read_dict(", "parser.read_string(fragment)\n    parser.read_dict("),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the write test.",
                [
                    (
                        write,
                        rng.choice(
                            [
                                "configparser.MissingSectionHeaderError: File contains no section headers.\nfile: '<string>', line: 1\n'timeout = 30\\n'",
                                "AssertionError: assert '[server]\\ntimeout = 30\\n\\n' == '# generated\\n[server]\\ntimeout = 30\\n'",
                            ]
                        ),
                    )
                ],
                f"{t}::{write}",
                flags(rng, ctx),
            ),
        ]

    def extra_look() -> Step:
        return Step(
            "Let me check the value configparser returns for the log format, raw and interpolated.",
            "python -c \"import configparser; p = configparser.ConfigParser(); p.read('"
            + ctx.data("ini")
            + "'); print(p.get('paths', 'log_format', raw=True)); print(p.get('paths', 'data'))\"",
            rng.choice(["%Y-%m-%d %H:%M\n/srv/app/data", "%%Y-%%m-%%d %%H:%%M\n/srv/app/data"]),
        )

    return churn(
        ctx,
        rng,
        n,
        first,
        [raw, double_percent, extended, lenient, key_case, comments, duplicates, no_header],
        "configparser's interpolation and parsing rules",
        INI,
        [extra_look],
    )

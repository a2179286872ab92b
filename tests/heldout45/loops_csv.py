# ruff: noqa: E501
"""A CSV loop: a semicolon file with decimal commas whose dialect, quoting and line endings never all fit."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45.text import Ctx, Format, churn, flags, py_edit, test_step

CSV = Format(
    "csv",
    "",
    "csv",
    (),
    'id;name;price;note\n1;Widget;3,50;"two\nlines"\n2;Gadget;12,00;plain\n3;"Bolt; M4";0,10;',
)


def _row(rng: random.Random) -> str:
    return rng.choice(["['1;Widget;3', '50;two']", "['3;\"Bolt', ' M4\";0', '10;']", "['2;Gadget;12', '00;plain']"])


def csv_dialect_quoting_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A semicolon file with decimal commas, a BOM and quoted newlines: sniffing, quoting and line endings never all fit."""
    t, src = ctx.test_file, ctx.source
    read, write = f"test_{ctx.stem}_read_rows", f"test_{ctx.stem}_write_rows"
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the CSV tests with my change.",
            [(read, "AssertionError: assert ['id;name;price;note'] == ['id', 'name', 'price', 'note']")],
            code=f"{ctx.func}(path)[0] == header",
        ),
        Step(
            "Let me look at the data file's first bytes.",
            f"head -c 80 {ctx.data('csv')} | od -c | head -4",
            '0000000 357 273 277   i   d   ;   n   a   m   e   ;   p   r   i   c   e\n0000020   ;   n   o   t   e  \\r  \\n   1   ;   W   i   d   g   e   t   ;\n0000040   3   ,   5   0   ;   "   t   w   o  \\n   l   i   n   e   s   "\n',
        ),
    ]

    def sniff(k: int) -> list[Step]:
        size = rng.choice([1024, 2048, 4096, 512])
        return [
            Step(
                "The file isn't comma separated. Let the Sniffer figure out the dialect from a sample.",
                py_edit(
                    src,
                    "reader = csv.reader(f)",
                    f"dialect = csv.Sniffer().sniff(f.read({size}))\n        f.seek(0)\n        reader = csv.reader(f, dialect)",
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
                                "_csv.Error: Could not determine delimiter",
                                f"AssertionError: assert {_row(rng)} == ['1', 'Widget', '3,50', 'two\\nlines']",
                            ]
                        ),
                    )
                ],
                f"{t}::{read}",
                flags(rng, ctx),
            ),
        ]

    def sniff_restricted(k: int) -> list[Step]:
        return [
            Step(
                "Restrict the Sniffer to ';' and ',' and give it a bigger sample.",
                py_edit(src, "csv.Sniffer().sniff(f.read(", "csv.Sniffer().sniff(delimiters=';,', sample=f.read(2 * "),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the CSV tests.",
                [
                    (
                        read,
                        rng.choice(
                            [
                                "_csv.Error: new-line character seen in unquoted field - do you need to open the file in universal-newline mode?",
                                f"AssertionError: assert {_row(rng)} == ['1', 'Widget', '3,50', 'two\\nlines']",
                                "_csv.Error: Could not determine delimiter",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def fixed_delimiter(k: int) -> list[Step]:
        return [
            Step(
                "Forget sniffing; the format is ours, so use delimiter=';' and a DictReader.",
                py_edit(src, "reader = csv.reader(f", "reader = csv.DictReader(f, delimiter=';'"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run it.",
                [
                    (
                        read,
                        rng.choice(
                            ["KeyError: 'id'", "AssertionError: assert '\\ufeffid' in ['id', 'name', 'price', 'note']"]
                        ),
                    ),
                    *(
                        [(write, "AssertionError: assert 'id;name\\r\\n1;Widget\\r\\n' == 'id;name\\n1;Widget\\n'")]
                        if k % 2
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def bom(k: int) -> list[Step]:
        return [
            Step(
                "The header starts with a UTF-8 BOM. Open the file with utf-8-sig.",
                py_edit(src, "encoding='utf-8'", "encoding='utf-8-sig'", None),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (
                        write,
                        rng.choice(
                            [
                                "AssertionError: assert 'id;name;price;note\\r\\n1;...' == 'id;name;price;note\\n1;...'",
                                "AssertionError: assert '\\ufeffid;name' == 'id;name'",
                            ]
                        ),
                    ),
                    *(
                        [(read, "AssertionError: assert 'two\\r\\nlines' == 'two\\nlines'")]
                        if rng.random() < 0.5
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def line_endings(k: int) -> list[Step]:
        return [
            Step(
                "The writer uses '\\r\\n' by default; set lineterminator='\\n'.",
                py_edit(src, "csv.writer(f, delimiter=';'", "csv.writer(f, delimiter=';', lineterminator='\\n'"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                [
                    (
                        write,
                        rng.choice(
                            [
                                "AssertionError: assert '3;Bolt; M4;0,10\\n' == '3;\"Bolt; M4\";0,10\\n'",
                                'AssertionError: assert \'"1";"Widget";"3,50"\\n\' == \'1;Widget;3,50\\n\'',
                                "AssertionError: assert 'two\\r\\r\\nlines' == 'two\\nlines'",
                            ]
                        ),
                    )
                ],
                f"{t}::{write}",
                flags(rng, ctx),
            ),
        ]

    def quoting(k: int) -> list[Step]:
        mode = rng.choice(["csv.QUOTE_NONNUMERIC", "csv.QUOTE_NONE", "csv.QUOTE_ALL"])
        error = {
            "csv.QUOTE_NONNUMERIC": f"ValueError: could not convert string to float: '{rng.choice(['Widget', 'id', 'plain'])}'",
            "csv.QUOTE_NONE": "_csv.Error: need to escape, but no escapechar set",
            "csv.QUOTE_ALL": 'AssertionError: assert \'"1";"Widget";"3,50"\' == \'1;Widget;3,50\'',
        }[mode]
        return [
            Step(
                f"The quoting differs from the file. Try quoting={mode}.",
                py_edit(src, "quoting=csv.QUOTE_MINIMAL", f"quoting={mode}", None),
                "patched",
            ),
            test_step(ctx, rng, "Run the module.", [(rng.choice([read, write]), error)], extra=flags(rng, ctx)),
        ]

    def escapechar(k: int) -> list[Step]:
        return [
            Step(
                "Add an escapechar so the writer can cope without quotes.",
                py_edit(src, "delimiter=';'", "delimiter=';', escapechar='\\\\'", None),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (write, "AssertionError: assert '3;Bolt\\\\; M4;0,10' == '3;\"Bolt; M4\";0,10'"),
                    *(
                        [(read, f"_csv.Error: field larger than field limit ({rng.choice([131072, 131072, 65536])})")]
                        if rng.random() < 0.5
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def header(k: int) -> list[Step]:
        a = rng.randint(3, 40)
        return [
            Step(
                "Maybe the header detection is what's off; use Sniffer().has_header to decide whether to skip the first row.",
                py_edit(src, "next(reader)", "if csv.Sniffer().has_header(sample):\n            next(reader)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the read tests.",
                [
                    (
                        read,
                        rng.choice(
                            [
                                f"AssertionError: assert {a + 1} == {a}",
                                "NameError: name 'sample' is not defined",
                                "AssertionError: assert ['id', 'name', 'price', 'note'] == ['1', 'Widget', '3,50', 'two\\nlines']",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def extra_look() -> Step:
        return Step(
            "What dialect does the Sniffer pick on the real file?",
            f"python -c \"import csv; d = csv.Sniffer().sniff(open('{ctx.data('csv')}').read({rng.choice([512, 1024, 4096])})); print(repr(d.delimiter), repr(d.quotechar), d.doublequote)\"",
            rng.choice(
                [
                    "',' '\"' False",
                    "';' '\"' True",
                    'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n_csv.Error: Could not determine delimiter',
                ]
            ),
        )

    return churn(
        ctx,
        rng,
        n,
        first,
        [sniff, sniff_restricted, fixed_delimiter, bom, line_endings, quoting, escapechar, header],
        "the CSV dialect and quoting",
        CSV,
        [extra_look],
    )

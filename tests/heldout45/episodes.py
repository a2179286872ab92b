# ruff: noqa: E501
"""The productive families: the same format trouble met once or twice, its cause found, the tests going green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45 import loops_schema, loops_toml, loops_xml
from heldout45.text import Ctx, flags, py_edit, test_step


def _edits(path: str, pairs: list[tuple[str, str]]) -> str:
    """Several snippets of one file replaced in one script."""
    lines = "\n".join(f"s = s.replace({old!r}, {new!r})" for old, new in pairs)
    return f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\n{lines}\nopen(p, 'w').write(s)\nprint('patched')\nEOF"


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "") -> Step:
    return test_step(ctx, rng, thought, [], target, flags(rng, ctx))


def yaml_scalars_quoted(ctx: Ctx, rng: random.Random) -> list[Step]:
    """'NO' loads as False once (maybe a too-broad fix breaks booleans), then a YAML 1.2 style loader, green."""
    src, rt = ctx.source, f"test_{ctx.stem}_roundtrip"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the YAML loading.",
            [(rt, "AssertionError: assert False == 'NO'")],
            code=f"{ctx.func}(text)['country'] == 'NO'",
        ),
        Step(
            "PyYAML follows YAML 1.1 here. Let me confirm which plain scalars it types.",
            "python -c \"import yaml; print(yaml.safe_load('a: NO\\nb: 1.10\\nc: 0755\\nd: true'))\"",
            "{'a': False, 'b': 1.1, 'c': 493, 'd': True}",
        ),
    ]
    strip = (
        "class _Loader(yaml.SafeLoader):\n    pass",
        "class _Loader(yaml.SafeLoader):\n    yaml_implicit_resolvers = {\n        key: [r for r in rs if r[0] != 'tag:yaml.org,2002:bool']\n        for key, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()\n    }",
    )
    add = (
        "# implicit resolvers",
        "_Loader.add_implicit_resolver(\n    'tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'), list('tTfF'))\n# implicit resolvers",
    )
    if rng.random() < 0.6:
        steps += [
            Step("Dropping the bool resolver entirely should keep NO a string.", py_edit(src, *strip), "patched"),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [(f"test_{ctx.stem}_booleans", "AssertionError: assert 'true' is True")],
                extra=flags(rng, ctx),
            ),
            Step(
                "The cause is the YAML 1.1 resolver set; the tests want YAML 1.2 core booleans, only true/false. The copied resolvers lack bool now, so add back one that matches true/false only.",
                py_edit(src, *add),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "The cause is the YAML 1.1 resolver set; the tests want YAML 1.2 core booleans, only true/false. Give the loader its own resolvers without the 1.1 bool one, plus one that matches true/false only.",
                _edits(src, [strip, add]),
                "patched",
            )
        )
    steps += [
        Step(
            "Check the awkward values by hand.",
            f"python -c \"from {ctx.dotted} import {ctx.func}; print({ctx.func}('a: NO\\nb: true\\nc: off'))\"",
            "{'a': 'NO', 'b': True, 'c': 'off'}",
        ),
        _green(ctx, rng, "Now the whole test module."),
    ]
    return steps


def xml_namespace_registered(ctx: Ctx, rng: random.Random) -> list[Step]:
    """ns0 prefixes once (maybe the non-qualified ValueError once), then both namespaces registered and tags qualified."""
    src, feed = ctx.source, f"test_{ctx.stem}_feed_xml"
    atom, xlink = loops_xml.ATOM, loops_xml.XLINK
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the XML tests.",
            [(feed, loops_xml._xml_diff(rng, f'<ns0:feed xmlns:ns0="{atom}" />', f'<feed xmlns="{atom}" />'))],
            code=f"{ctx.func}(feed) == expected",
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            Step(
                "Serialise with Atom as the default namespace.",
                py_edit(
                    src,
                    "ET.tostring(root, encoding='unicode')",
                    f"ET.tostring(root, encoding='unicode', default_namespace='{atom}')",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the feed test.",
                [(feed, "ValueError: cannot use non-qualified names with default_namespace option")],
                f"{ctx.test_file}::{feed}",
            ),
        ]
    steps += [
        Step(
            "Which tags are created without a namespace?",
            f"grep -n 'SubElement\\|Element(' {src}",
            "\n".join(
                f"{at}:    {c}"
                for at, c in zip(
                    sorted(rng.sample(range(40, 400), 3)),
                    [
                        "root = ET.Element(_q('feed'))",
                        "ET.SubElement(root, 'title').text = title",
                        "link = ET.SubElement(root, 'link')",
                    ],
                    strict=True,
                )
            ),
        ),
        Step(
            "Two children are unqualified, and xlink has no registered prefix either. Register both prefixes once and qualify every tag.",
            _edits(
                src,
                [
                    (
                        "import xml.etree.ElementTree as ET\n",
                        f"import xml.etree.ElementTree as ET\n\nET.register_namespace('', '{atom}')\nET.register_namespace('xlink', '{xlink}')\n",
                    ),
                    ("ET.SubElement(root, 'title')", "ET.SubElement(root, _q('title'))"),
                    ("ET.SubElement(root, 'link')", "ET.SubElement(root, _q('link'))"),
                ],
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the XML tests again.", f"{ctx.test_file}::{feed}"),
        _green(ctx, rng, "And the whole module."),
    ]
    return steps


def csv_dialect_pinned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The comma dialect fails, maybe sniffing too, then ';' pinned with utf-8-sig and newline='' and the tests pass."""
    src, read = ctx.source, f"test_{ctx.stem}_read_rows"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the CSV tests.",
            [(read, "AssertionError: assert ['id;name;price;note'] == ['id', 'name', 'price', 'note']")],
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            Step(
                "Let the Sniffer detect the dialect.",
                py_edit(src, "reader = csv.reader(f)", "reader = csv.reader(f, csv.Sniffer().sniff(f.read(1024)))"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the read test.",
                [(read, "_csv.Error: Could not determine delimiter")],
                f"{ctx.test_file}::{read}",
            ),
        ]
    steps += [
        Step(
            "Let me look at the raw bytes of the data file.",
            f"head -c 64 {ctx.data('csv')} | od -c | head -3",
            "0000000 357 273 277   i   d   ;   n   a   m   e   ;   p   r   i   c   e\n0000020   ;   n   o   t   e  \\r  \\n   1   ;   W   i   d   g   e   t   ;\n",
        ),
        Step(
            "The file is ours and fixed: ';' delimited with decimal commas, a BOM and CRLF. Sniffing can't work on decimal commas, so pin the dialect, open with utf-8-sig and newline='' as the csv docs require.",
            py_edit(
                src,
                "with open(path) as f:\n        reader = csv.reader(f)",
                "with open(path, encoding='utf-8-sig', newline='') as f:\n        reader = csv.reader(f, delimiter=';')",
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the CSV tests again."),
    ]
    return steps


def toml_datetime_normalized(ctx: Ctx, rng: random.Random) -> list[Step]:
    """UTC written as +00:00 (maybe the toml package's tz class once), then a small writer for dates, green."""
    src, rt = ctx.source, f"test_{ctx.stem}_dates_roundtrip"
    steps = [
        test_step(
            ctx,
            rng,
            "Run the TOML tests.",
            [
                (
                    rt,
                    "AssertionError: assert 'published = 1979-05-27T07:32:00+00:00' == 'published = 1979-05-27T07:32:00Z'",
                )
            ],
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Load the text back with the toml package and compare values instead of text.",
                py_edit(src, "return text == expected", "return toml.loads(text) == toml.loads(expected)"),
                "patched",
            ),
            test_step(ctx, rng, "Rerun.", [(rt, loops_toml._utc(rng))], f"{ctx.test_file}::{rt}"),
        ]
    steps += [
        Step(
            "What does tomli return for the data file's values?",
            f"python -c \"import tomli; print(tomli.loads(open('{ctx.data('toml')}').read())['release']['published'])\"",
            "1979-05-27 07:32:00+00:00",
        ),
        Step(
            "tomli reads it fine; the writer is the problem: the toml package writes +00:00 and its own tz objects. I'll format datetimes myself (Z for UTC, offsets kept, dates and times as isoformat) and keep tomli for reading.",
            py_edit(
                src,
                "def _format_datetime(value):\n    return str(value)",
                "def _format_datetime(value):\n    text = value.isoformat()\n    return text[:-6] + 'Z' if text.endswith('+00:00') else text",
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the round-trip test.", f"{ctx.test_file}::{rt}"),
        _green(ctx, rng, "And the whole module."),
    ]
    return steps


def schema_error_path_used(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One message at the wrong path (maybe an ordering TypeError once), then the path joined from absolute_path, green."""
    src, msgs = ctx.source, f"test_{ctx.stem}_error_messages"
    steps = [
        test_step(
            ctx,
            rng,
            "Run the validation tests.",
            [(msgs, loops_schema._mismatch(rng))],
            code=f"validate_{ctx.stem}(data) == expected",
        ),
        Step(
            "Which jsonschema is this?",
            "pip show jsonschema 2>/dev/null | head -2",
            f"Name: jsonschema\nVersion: {rng.choice(loops_schema.SCHEMA.versions)}\n",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Sort the errors by path for a stable order.",
                py_edit(
                    src,
                    "validator.iter_errors(data)",
                    "sorted(validator.iter_errors(data), key=lambda e: list(e.path))",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                [
                    (
                        f"test_{ctx.stem}_errors_sorted",
                        "TypeError: '<' not supported between instances of 'int' and 'str'",
                    )
                ],
            ),
        ]
    steps += [
        Step(
            "Paths mix ints and strings, and the test wants dotted paths from the document root. Use absolute_path, stringify every part, sort on that.",
            _edits(
                src,
                [
                    ("'/'.join(map(str, error.path))", "'.'.join(map(str, error.absolute_path))"),
                    (
                        "validator.iter_errors(data)",
                        "sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])",
                    ),
                ],
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the validation tests again."),
    ]
    return steps


def ini_interpolation_disabled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A strftime pattern trips interpolation once (maybe RawConfigParser loses %(home)s once), then read raw, green."""
    src, read = ctx.source, f"test_{ctx.stem}_read_settings"
    steps = [
        test_step(
            ctx,
            rng,
            "Run the settings tests.",
            [
                (
                    read,
                    "configparser.InterpolationSyntaxError: '%' must be followed by '%' or '(', found: '%Y-%m-%d %H:%M'",
                )
            ],
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            Step(
                "Use RawConfigParser so percent signs are literal.",
                py_edit(src, "configparser.ConfigParser(", "configparser.RawConfigParser("),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the read test.",
                [(read, "AssertionError: assert '%(home)s/data' == '/srv/app/data'")],
                f"{ctx.test_file}::{read}",
            ),
        ]
        steps.append(Step("Back to ConfigParser; %(home)s must still be expanded.", f"git checkout -- {src}", ""))
    steps += [
        Step(
            "Which options hold strftime patterns?",
            f"grep -n '%' {ctx.data('ini')}",
            "5:data = %(home)s/data\n6:log_format = %Y-%m-%d %H:%M",
        ),
        Step(
            "Only log_format is a strftime pattern, never meant for interpolation. Read that option with raw=True and keep interpolation for the rest.",
            py_edit(src, "section.get('log_format')", "section.get('log_format', raw=True)"),
            "patched",
        ),
        _green(ctx, rng, "Run the settings tests."),
    ]
    return steps

# ruff: noqa: E501
"""An XML loop: ElementTree namespaces that serialise under the wrong prefix whatever is tried."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45.text import Ctx, Format, churn, flags, py_edit, test_step

ATOM = "http://www.w3.org/2005/Atom"


XLINK = "http://www.w3.org/1999/xlink"


XML = Format(
    "xml",
    "lxml",
    "lxml",
    ("4.9.3", "5.1.0", "4.6.5"),
    f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="{ATOM}" xmlns:xlink="{XLINK}" xml:lang="en">\n  <title>Example</title>\n  <link href="https://example.org/" xlink:type="simple" />\n  <entry><id>urn:1</id><title>First</title></entry>\n</feed>',
)


def _xml_diff(rng: random.Random, got: str, want: str) -> str:
    return f"AssertionError: assert {got[:12]!r}...{got[-10:]!r} == {want[:12]!r}...{want[-10:]!r}\n  Full diff:\n  - {want}\n  + {got}"


def xml_namespace_prefix_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """ElementTree writes ns0:/ns1: prefixes; the default namespace, xlink and xml:lang each break a different way."""
    t, src = ctx.test_file, ctx.source
    feed = f"test_{ctx.stem}_feed_xml"
    parse = f"test_{ctx.stem}_parse_entries"
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the XML output now.",
            [
                (
                    feed,
                    _xml_diff(
                        rng,
                        f'<ns0:feed xmlns:ns0="{ATOM}"><ns0:title>Example</ns0:title></ns0:feed>',
                        f'<feed xmlns="{ATOM}"><title>Example</title></feed>',
                    ),
                )
            ],
            code=f"{ctx.func}(feed) == expected",
        ),
    ]

    def register_default(k: int) -> list[Step]:
        return [
            Step(
                "ElementTree invents ns0 because the namespace has no registered prefix. Register Atom as the default namespace.",
                py_edit(
                    src,
                    "import xml.etree.ElementTree as ET\n",
                    f"import xml.etree.ElementTree as ET\n\nET.register_namespace('', '{ATOM}')\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the XML test.",
                [
                    (
                        feed,
                        rng.choice(
                            [
                                "ValueError: cannot use non-qualified names with default_namespace option",
                                _xml_diff(
                                    rng,
                                    f'<feed xmlns="{ATOM}" xmlns:ns1="{XLINK}"><link ns1:type="simple" /></feed>',
                                    f'<feed xmlns="{ATOM}" xmlns:xlink="{XLINK}"><link xlink:type="simple" /></feed>',
                                ),
                            ]
                        ),
                    )
                ],
                f"{t}::{feed}",
                flags(rng, ctx),
            ),
        ]

    def default_namespace_arg(k: int) -> list[Step]:
        return [
            Step(
                "Maybe pass default_namespace to tostring instead of a global registration.",
                py_edit(
                    src,
                    "ET.tostring(root, encoding='unicode')",
                    f"ET.tostring(root, encoding='unicode', default_namespace='{ATOM}')",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (feed, "ValueError: cannot use non-qualified names with default_namespace option"),
                    *(
                        [(parse, f"AssertionError: assert 0 == {rng.randint(2, 6)}\n +  where 0 = len([])")]
                        if k % 2
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def qualify_tags(k: int) -> list[Step]:
        return [
            Step(
                "Every tag has to be qualified then. Let me build the child elements with the Atom namespace in Clark notation.",
                py_edit(src, "ET.SubElement(parent, tag)", f"ET.SubElement(parent, '{{{ATOM}}}' + tag)", None),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the XML tests.",
                [
                    (
                        feed,
                        _xml_diff(
                            rng,
                            f'<feed xmlns="{ATOM}" xmlns:ns{k % 3 + 1}="{XLINK}"><link ns{k % 3 + 1}:type="simple" /></feed>',
                            f'<feed xmlns="{ATOM}" xmlns:xlink="{XLINK}"><link xlink:type="simple" /></feed>',
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def regex_strip(k: int) -> list[Step]:
        col = rng.randint(30, 90)
        return [
            Step(
                "I'll just strip the generated nsN: prefixes from the serialised text.",
                py_edit(
                    src, "    return text\n", "    text = re.sub(r'(</?|\\s)ns\\d+:', r'\\1', text)\n    return text\n"
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        feed,
                        rng.choice(
                            [
                                f"xml.etree.ElementTree.ParseError: unbound prefix: line 1, column {col}",
                                f"xml.etree.ElementTree.ParseError: duplicate attribute: line 1, column {col}",
                                _xml_diff(
                                    rng,
                                    f'<feed xmlns="{ATOM}" xmlns="{XLINK}"><link type="simple" /></feed>',
                                    f'<feed xmlns="{ATOM}" xmlns:xlink="{XLINK}"><link xlink:type="simple" /></feed>',
                                ),
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def canonical(k: int) -> list[Step]:
        return [
            Step(
                "Compare canonical forms instead: run the output through ET.canonicalize so prefixes and attribute order settle.",
                py_edit(src, "    return text\n", "    return ET.canonicalize(text, strip_text=True)\n"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                [
                    (
                        feed,
                        _xml_diff(
                            rng,
                            f'<feed xmlns="{ATOM}"><link href="https://example.org/"></link></feed>',
                            f'<feed xmlns="{ATOM}"><link href="https://example.org/" /></feed>',
                        ),
                    ),
                    *(
                        [(f"test_{ctx.stem}_declaration", "AssertionError: assert '<feed' == '<?xml'")]
                        if rng.random() < 0.5
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def declaration(k: int) -> list[Step]:
        return [
            Step(
                "The expected file starts with an XML declaration; add xml_declaration=True.",
                py_edit(src, "encoding='unicode'", "encoding='unicode', xml_declaration=True"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the declaration and feed tests.",
                [
                    (
                        f"test_{ctx.stem}_declaration",
                        "AssertionError: assert \"<?xml version='1.0' encoding='utf-8'?>\" == '<?xml version=\"1.0\" encoding=\"UTF-8\"?>'",
                    ),
                    *(
                        [(feed, _xml_diff(rng, f'<ns0:feed xmlns:ns0="{ATOM}" />', f'<feed xmlns="{ATOM}" />'))]
                        if k % 2
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def lang_attr(k: int) -> list[Step]:
        return [
            Step(
                "The parse side reads xml:lang by its literal name; look it up in the XML namespace instead.",
                py_edit(src, "root.get('xml:lang')", "root.attrib['{http://www.w3.org/XML/1998/namespace}lang']"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the parse tests.",
                [
                    (
                        parse,
                        rng.choice(
                            [
                                "KeyError: '{http://www.w3.org/XML/1998/namespace}lang'",
                                f"AssertionError: assert None == 'en'\n +  where None = <Element '{{{ATOM}}}feed' at 0x7f{rng.randrange(16**10):010x}>.get('lang')",
                                f"AssertionError: assert 0 == {rng.randint(2, 5)}\n +  where 0 = len([])",
                            ]
                        ),
                    )
                ],
                f"{t}::{parse}",
                flags(rng, ctx),
            ),
        ]

    def try_lxml(k: int) -> list[Step]:
        return [
            Step(
                "lxml lets me give the default namespace a map. Let me try writing with lxml.",
                py_edit(src, "import xml.etree.ElementTree as ET", "from lxml import etree as ET"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (
                        feed,
                        rng.choice(
                            [
                                "ModuleNotFoundError: No module named 'lxml'",
                                "TypeError: empty namespace prefix is not supported in XPath",
                                "TypeError: tostring() got an unexpected keyword argument 'default_namespace'",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def extra_look() -> Step:
        return Step(
            "What does ElementTree write right now for a small feed?",
            f'python -c "from {ctx.dotted} import {ctx.func}; print({ctx.func}({rng.choice(["[]", "[1]", "None"])}))"',
            rng.choice(
                [
                    f'<ns0:feed xmlns:ns0="{ATOM}" />',
                    f'<feed xmlns="{ATOM}" xmlns:ns1="{XLINK}" />',
                    "ValueError: cannot use non-qualified names with default_namespace option",
                ]
            ),
        )

    return churn(
        ctx,
        rng,
        n,
        first,
        [
            register_default,
            default_namespace_arg,
            qualify_tags,
            regex_strip,
            canonical,
            declaration,
            lang_attr,
            try_lxml,
        ],
        "ElementTree's namespace prefixes",
        XML,
        [extra_look],
    )

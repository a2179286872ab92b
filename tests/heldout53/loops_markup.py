# ruff: noqa: E501
"""Loops over markup and validators: HTML escaped twice or not at all, XML attributes, a name validator's verdicts.

Each test run shows what the code really returns for its inputs (computed by html, xml.sax.saxutils and re).
"""

from __future__ import annotations

import html
import random
import re
from xml.dom.minidom import parseString
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from heldout20.calls import Step
from heldout53.text import Case, Ctx, Raised, Variant, escape_loop, mismatch, py_edit, test_step


def _markupsafe(value: str) -> str:
    """markupsafe's escape: `&#34;` and `&#39;` for the quotes."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def html_cases(func: str) -> list[Case]:
    test = f"test_{func.strip('_')}"
    raw = [
        ("lt-gt", "<b>bold</b>"),
        ("amp", "Tom & Jerry"),
        ("dquote", 'say "hi"'),
        ("squote", "it's"),
        ("literal-entity", "&amp;"),
        ("script", "<script>alert(1)</script>"),
        ("plain", "hello"),
    ]
    cases = [Case(test, cid, value, html.escape(value)) for cid, value in raw]
    return [*cases, Case(test, "prerendered", "&lt;i&gt;x&lt;/i&gt;", "&lt;i&gt;x&lt;/i&gt;")]


HTML_VARIANTS = [
    Variant("    return escape(str(value))", "Escape everything the helper gets.", lambda v: html.escape(v)),
    Variant(
        "    return str(value)",
        "The prerendered case is escaped twice, so the caller must already be escaping. Let me stop escaping here.",
        lambda v: v,
    ),
    Variant(
        "    return escape(unescape(str(value)))",
        "Unescape first, then escape: already-escaped input should come out escaped only once.",
        lambda v: html.escape(html.unescape(v)),
    ),
    Variant(
        "    return escape(str(value), quote=False)",
        "Maybe the attribute quotes are escaped by the template; escape only &, < and > here.",
        lambda v: html.escape(v, quote=False),
    ),
    Variant(
        "    value = str(value)\n    return value if '&' in value else escape(value)",
        "Leave input that already contains entities alone and escape the rest.",
        lambda v: v if "&" in v else html.escape(v),
    ),
    Variant(
        "    return str(conditional_escape(value))",
        "Use conditional_escape, which skips values that are already marked safe.",
        _markupsafe,
    ),
    Variant(
        "    value = re.sub(r'&(?!#?\\w+;)', '&amp;', str(value))\n    return value.replace('<', '&lt;').replace('>', '&gt;')",
        "Escape only the ampersands that don't start an entity, then the angle brackets.",
        lambda v: re.sub(r"&(?!#?\w+;)", "&amp;", v).replace("<", "&lt;").replace(">", "&gt;"),
    ),
]


def html_double_escape_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The helper escapes twice or not at all: each rewrite fixes the cases of the last run and breaks others."""
    func = ctx.named(("render_{}_label", "_{}_html", "format_{}_cell", "{}_to_html"))

    callers = [
        (f"{ctx.run.package}/{mod}.py", wrap)
        for mod in rng.sample(["html", "utils", "widgets", "templatetags", "format"], 3)
        for wrap in rng.sample(["mark_safe", "Markup", "SafeString", "format_html"], 1)
    ]

    def caller(now: Variant) -> list[Step]:
        if not callers:
            return []
        mod, wrap = callers.pop()
        return [
            Step(
                f"Maybe the escaping should happen in the caller instead. Let me see how {mod} uses the result.",
                f"grep -n -B2 -A2 '{func}(' {mod}",
                f"{rng.randint(20, 700)}:        label = {wrap}({func}(obj))\n{rng.randint(700, 900)}:        return format_html('<span>{{}}</span>', label)",
            ),
            Step(
                f"Let me drop the {wrap}() wrapper there, so the result is escaped by the template exactly once.",
                py_edit(mod, f"{wrap}({func}(obj))", f"{func}(obj)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And the caller's tests.",
                f"{ctx.tests_dir}/test_{rng.choice(['widgets', 'html', 'templatetags', 'utils'])}.py",
                [
                    (
                        f"test_{ctx.stem}_{rng.choice(['label', 'cell', 'render'])}",
                        mismatch(
                            ctx,
                            *rng.choice(
                                [("&amp;lt;b&amp;gt;", "&lt;b&gt;"), ("Tom &amp;amp; Jerry", "Tom &amp; Jerry")]
                            ),
                        ),
                    )
                ],
            ),
        ]

    return escape_loop(
        ctx,
        rng,
        n,
        func=func,
        variants=HTML_VARIANTS,
        cases=html_cases(func),
        target=f"{ctx.test_file}::test_{func.strip('_')}",
        what="the HTML escaping (every version escapes some input twice or not at all)",
        extra=(caller,),
    )


def _attr(value: str) -> str:
    return '"' + xml_escape(value, {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"}) + '"'


def xml_cases(func: str) -> list[Case]:
    test = f"test_{func.strip('_')}"
    raw = [
        ("plain", "name"),
        ("amp", "R&D"),
        ("lt", "a<b"),
        ("dquote", 'say "hi"'),
        ("squote", "it's"),
        ("both-quotes", 'it\'s "x"'),
        ("newline", "a\nb"),
        ("tab", "a\tb"),
        ("cr", "a\rb"),
    ]
    cases = [Case(test, cid, value, _attr(value)) for cid, value in raw]
    return [*cases, Case(f"{test}_rejects", "vtab", "a\x0bb", Raised("ValueError"))]


XML_VARIANTS = [
    Variant(
        "    return '\"%s\"' % escape(value)",
        "Escape the text and wrap it in double quotes.",
        lambda v: '"' + xml_escape(v) + '"',
    ),
    Variant(
        "    return quoteattr(value)",
        "saxutils has quoteattr for exactly this; let me use it.",
        quoteattr,
    ),
    Variant(
        "    return '\"%s\"' % escape(value, {'\"': '&quot;'})",
        "The double quotes inside the value must become &quot;.",
        lambda v: '"' + xml_escape(v, {'"': "&quot;"}) + '"',
    ),
    Variant(
        "    return '\"%s\"' % html.escape(value)",
        "html.escape handles both quote characters; let me try it for the attribute.",
        lambda v: '"' + html.escape(v) + '"',
    ),
    Variant(
        "    return quoteattr(value, {'\"': '&quot;'})",
        "quoteattr switches to single quotes when the value has double quotes; passing the entity keeps it on double quotes.",
        lambda v: quoteattr(v, {'"': "&quot;"}),
    ),
    Variant(
        "    value = value.replace('\\x0b', '')\n    return '\"%s\"' % escape(value, {'\"': '&quot;', '\\n': '&#10;'})",
        "Strip the vertical tab and escape newlines as character references.",
        lambda v: '"' + xml_escape(v.replace("\x0b", ""), {'"': "&quot;", "\n": "&#10;"}) + '"',
    ),
    Variant(
        "    return '\"%s\"' % escape(value, {'\"': '&quot;', \"'\": '&apos;', '\\n': '&#10;', '\\t': '&#9;', '\\r': '&#13;'})",
        "Escape every quote and whitespace character explicitly.",
        lambda v: '"' + xml_escape(v, {'"': "&quot;", "'": "&apos;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"}) + '"',
    ),
]


def xml_attr_entity_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An attribute writer whose quotes, whitespace references and control characters are never all right at once."""
    func = ctx.named(("{}_attr", "quote_{}_attr", "_xml_{}_attribute", "{}_attrib"))

    def parse(now: Variant) -> list[Step]:
        value = rng.choice(["a\nb", "a\tb", "a\rb", "R&D", "a<b"])
        parsed = parseString("<n v=" + now.fn(value) + "/>").documentElement.getAttribute("v")
        return [
            Step(
                "Let me check what a parser gives back for the attribute as we write it.",
                f'python -c "from xml.dom.minidom import parseString; from {ctx.dotted} import {func}; '
                f"print(repr(parseString('<n v=' + {func}({value!r}) + '/>').documentElement.getAttribute('v')))\"".replace(
                    "\\", "\\\\"
                ),
                repr(parsed),
            )
        ]

    return escape_loop(
        ctx,
        rng,
        n,
        func=func,
        variants=XML_VARIANTS,
        cases=xml_cases(func),
        target=ctx.selected(rng, ["", " -k attr", f" -k {func.strip('_')}"]),
        what="the XML attribute escaping (quotes, newlines and control characters never all pass)",
        extra=(parse,),
    )


def name_cases(func: str) -> list[Case]:
    ok = f"test_{func.strip('_')}_accepts"
    bad = f"test_{func.strip('_')}_rejects"
    good = [("abc", "abc"), ("hyphen", "a-b"), ("underscore", "a_b1"), ("63-chars", "x" * 63), ("unicode", "Zürich")]
    wrong = [
        ("trailing-newline", "abc\n"),
        ("leading-hyphen", "-abc"),
        ("trailing-hyphen", "abc-"),
        ("empty", ""),
        ("space", "a b"),
        ("64-chars", "x" * 64),
        ("arabic-digits", "١٢٣"),
        ("slash", "a/b"),
    ]
    return [Case(ok, cid, value, True) for cid, value in good] + [Case(bad, cid, value, False) for cid, value in wrong]


def _regex(code: str, pattern: str, flags: int = 0, full: bool = False) -> Variant:
    test = re.fullmatch if full else re.match
    how = "fullmatch" if full else "match"
    return Variant(
        code, f"Let me tighten the pattern: re.{how}(r'{pattern}').", lambda v: test(pattern, v, flags) is not None
    )


NAME_VARIANTS = [
    _regex("    if not re.match(r'^[a-z0-9_-]+$', value):", r"^[a-z0-9_-]+$"),
    _regex("    if not re.match(r'^[\\w-]+$', value):", r"^[\w-]+$"),
    _regex("    if not re.fullmatch(r'[\\w-]{1,63}', value):", r"[\w-]{1,63}", full=True),
    _regex("    if not re.match(r'^(?!-)[\\w-]{1,63}(?<!-)$', value):", r"^(?!-)[\w-]{1,63}(?<!-)$"),
    _regex(
        "    if not re.fullmatch(r'[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?', value):",
        r"[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?",
        full=True,
    ),
    _regex(
        "    if not re.fullmatch(r'(?!-)[\\w-]{1,63}(?<!-)', value, re.ASCII):",
        r"(?!-)[\w-]{1,63}(?<!-)",
        re.ASCII,
        True,
    ),
    Variant(
        "    if not value.replace('-', '_').isidentifier():",
        "A regex keeps getting it wrong; names are identifiers with hyphens allowed.",
        lambda v: v.replace("-", "_").isidentifier(),
    ),
]


def _verdict(ctx: Ctx, case: Case, actual: object) -> str:
    if case.expected:
        return (
            "django.core.exceptions.ValidationError: ['Enter a valid name.']"
            if ctx.django
            else f"ValueError: invalid name: {case.value!r}"
        )
    return "AssertionError: ValidationError not raised" if ctx.django else "Failed: DID NOT RAISE <class 'ValueError'>"


def validator_verdict_flip(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A name validator's pattern rewritten again and again: each version accepts a bad name or rejects a good one."""
    func = ctx.named(("validate_{}_name", "check_{}_key", "clean_{}_slug", "_validate_{}"))
    cases = name_cases(func)

    def spec(now: Variant) -> list[Step]:
        return [
            Step(
                "Let me re-read what the docs promise about valid names.",
                f"grep -rn -i -A3 'valid name' docs/ {ctx.source} | head -12",
                f"{ctx.source}:{rng.randint(20, 400)}:    A valid name is 1 to 63 letters, ASCII digits, '-' or '_',\n{ctx.source}:{rng.randint(400, 420)}-    not starting or ending with '-'. Letters may be any Unicode letter.",
            )
        ]

    return escape_loop(
        ctx,
        rng,
        n,
        func=func,
        variants=NAME_VARIANTS,
        cases=cases,
        target=ctx.selected(rng, ["", f" -k {func.strip('_')}", " -k 'accepts or rejects'"]),
        what="the name validator (each pattern lets a bad name through or refuses a good one)",
        judge=_verdict,
        extra=(spec,),
    )

# ruff: noqa: E501
"""Hard negatives: the same escaping trouble met once or twice, its cause found, the tests going green."""

from __future__ import annotations

import random
import shlex
import sqlite3
from urllib.parse import quote

from heldout20.calls import Step
from heldout53 import loops_io as io
from heldout53 import loops_markup as mk
from heldout53 import loops_sql as sq
from heldout53.text import Case, Ctx, Variant, probe, probe_run, py_edit, shown, test_step


def _fail(
    ctx: Ctx, rng: random.Random, func: str, thought: str, target: str, variant: Variant, cases: list[Case]
) -> Step:
    return test_step(ctx, rng, thought, target, shown(ctx, rng, variant, cases), call=f"{func}(value)")


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], "" if ctx.django else rng.choice(["", " -q"]))


def escape_applied_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A prerendered value comes out escaped twice; the caller is read, already-safe values are passed through."""
    func = ctx.named(("render_{}_label", "_{}_html", "format_{}_cell", "{}_to_html"))
    cases = [case for case in mk.html_cases(func) if case.id != "literal-entity"]
    target = f"{ctx.test_file}::test_{func.strip('_')}"
    mod = f"{ctx.run.package}/{rng.choice(['html', 'utils', 'widgets', 'format'])}.py"
    return [
        _fail(
            ctx,
            rng,
            func,
            f"Let me run the tests for {func} now that it escapes its input.",
            target,
            mk.HTML_VARIANTS[0],
            cases,
        ),
        Step(
            "The prerendered case comes out escaped twice. Where does that value come from?",
            f"grep -n -B3 '{func}(' {mod}",
            f"{rng.randint(20, 600)}:        # already rendered markup, marked safe\n{rng.randint(600, 700)}:        text = format_html('<i>{{}}</i>', obj.name)\n{rng.randint(700, 800)}:        return {func}(text)",
        ),
        Step(
            "The caller passes markup that is already safe (it has __html__). Escape only what isn't marked safe, as conditional_escape does.",
            py_edit(
                ctx.source,
                "    return escape(str(value))",
                "    if hasattr(value, '__html__'):\n        return value.__html__()\n    return escape(str(value))",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the escaping tests.", target),
        _green(ctx, rng, "And the whole module."),
    ]


def quoteattr_entities_passed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Quotes and newlines in an attribute fail twice; quoteattr's behaviour is checked and given the quote entity."""
    func = ctx.named(("{}_attr", "quote_{}_attr", "_xml_{}_attribute", "{}_attrib"))
    cases = [case for case in mk.xml_cases(func) if case.id != "vtab"]
    value = 'say "hi"'
    return [
        _fail(ctx, rng, func, "Let me run the attribute tests.", ctx.test_file, mk.XML_VARIANTS[0], cases),
        Step(mk.XML_VARIANTS[1].why, py_edit(ctx.source, mk.XML_VARIANTS[0].code, mk.XML_VARIANTS[1].code), "patched"),
        _fail(ctx, rng, func, "Rerunning.", ctx.test_file, mk.XML_VARIANTS[1], cases),
        Step(
            "Only the double-quote case is left. Let me see what quoteattr does with it.",
            f"python - <<'EOF'\nfrom xml.sax.saxutils import quoteattr\nvalue = {value!r}\nprint(quoteattr(value))\nprint(quoteattr(value, {{'\"': '&quot;'}}))\nEOF",
            f"{mk.XML_VARIANTS[1].fn(value)}\n{mk.XML_VARIANTS[4].fn(value)}",
        ),
        Step(
            "quoteattr switches to single quotes when the value has double quotes; with the entity for '\"' it keeps double quotes and still escapes newlines and tabs.",
            py_edit(ctx.source, mk.XML_VARIANTS[1].code, mk.XML_VARIANTS[4].code),
            "patched",
        ),
        _green(ctx, rng, "The attribute tests again."),
    ]


def argv_joined_with_shlex(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The round trip fails on quotes and empty arguments; the agent's own quoting is dropped for shlex.join."""
    func = ctx.named(("render_{}_command", "_{}_cmdline", "format_{}_argv", "{}_shell_line"))
    cases = [case for case in io.argv_cases(func) if case.test.endswith("roundtrip")]
    argv = ["grep", "it's", ""]
    return [
        _fail(
            ctx,
            rng,
            func,
            "Let me run the round-trip tests for the rendered command.",
            ctx.test_file,
            io.ARGV_VARIANTS[0],
            cases,
        ),
        Step(
            io.ARGV_VARIANTS[2].why, py_edit(ctx.source, io.ARGV_VARIANTS[0].code, io.ARGV_VARIANTS[2].code), "patched"
        ),
        _fail(ctx, rng, func, "Rerunning.", ctx.test_file, io.ARGV_VARIANTS[2], cases),
        Step(
            "Quoting by hand keeps missing cases. What does shlex.join produce for the hard ones, and does it split back?",
            f"python - <<'EOF'\nimport shlex\nline = shlex.join({argv!r})\nprint(line)\nprint(shlex.split(line))\nEOF",
            f"{shlex.join(argv)}\n{shlex.split(shlex.join(argv))!r}",
        ),
        Step(
            "shlex.join quotes exactly what the shell needs, and shlex.split inverts it. Using it instead of my own quoting.",
            py_edit(ctx.source, io.ARGV_VARIANTS[2].code, io.ARGV_VARIANTS[1].code),
            "patched",
        ),
        _green(ctx, rng, "The round-trip tests again."),
    ]


def traversal_checked_by_commonpath(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A sibling directory passes the startswith check; normpath is printed, commonpath adopted, the tests pass."""
    func = ctx.named(("safe_{}_path", "_join_{}", "resolve_{}_file", "{}_storage_path"))
    cases = [case for case in io.path_cases(func) if case.id not in ("encoded-parent", "percent-literal")]
    return [
        _fail(
            ctx, rng, func, "Let me run the path tests with the new check.", ctx.test_file, io.PATH_VARIANTS[0], cases
        ),
        probe(
            ctx,
            "A sibling directory gets through. Let me look at the normalised path.",
            "import os.path",
            f"os.path.normpath(os.path.join('{io.BASE}', '../media2/x')).startswith('{io.BASE}')",
            "True",
        ),
        Step(
            f"/srv/app/media2 starts with the string {io.BASE}. Comparing whole path components with commonpath fixes it.",
            py_edit(ctx.source, io.PATH_VARIANTS[0].code, io.PATH_VARIANTS[2].code),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the path tests."),
        _green(
            ctx,
            rng,
            "And the storage tests that call it.",
            f"{ctx.tests_dir}/test_storage.py" if not ctx.django else "",
        ),
    ]


def segment_quoted_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Slashes stay and escapes are encoded twice; the input is found to arrive encoded, decoded once, quoted once."""
    func = ctx.named(("{}_url_segment", "quote_{}_part", "_{}_path_component", "build_{}_slug"))
    cases = [case for case in io.url_cases(func) if case.id != "percent-literal"]
    target = f"{ctx.test_file}::test_{func.strip('_')}"
    return [
        _fail(ctx, rng, func, "Let me run the URL segment tests.", target, io.URL_VARIANTS[0], cases),
        probe_run(ctx, rng, func, io.URL_VARIANTS[0], ["a/b", "a%20b"], "Let me call it on the two failing inputs."),
        Step(
            "The slash survives (quote's default safe='/'), and 'a%20b' becomes 'a%2520b'. Do callers hand us encoded text?",
            f"grep -rn '{func}(' {ctx.run.package} | grep -v tests | head",
            f"{ctx.run.package}/{rng.choice(['urls', 'utils', 'routing'])}.py:{rng.randint(20, 800)}:    return base + '/' + {func}(request_path_segment)  # segment as received, still percent-encoded",
        ),
        Step(
            "The segment arrives encoded, so decode it once and encode it once, slashes included.",
            py_edit(ctx.source, io.URL_VARIANTS[0].code, io.URL_VARIANTS[3].code),
            "patched",
        ),
        _green(ctx, rng, f"Rerunning; 'a/b' should give {quote('a/b', safe='')}.", target),
    ]


def like_wildcards_escaped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """'50%' and 'a_b' match too much, then nothing; SQLite's LIKE is asked, the escape clause added, all pass."""
    func = ctx.named(("search_{}", "_{}_like_filter", "find_{}_by_name", "{}_lookup"))
    cases = [case for case in sq.like_cases(func) if case.id != "accent-case"]
    target = f"{ctx.test_file}::test_{func.strip('_')}"
    con = sqlite3.connect(":memory:")
    without, with_escape = con.execute(
        "SELECT '50% off' LIKE '%50\\%%', '50% off' LIKE '%50\\%%' ESCAPE '\\'"
    ).fetchone()
    con.close()
    return [
        _fail(ctx, rng, func, "Let me run the search tests.", target, sq.LIKE_VARIANTS[0], cases),
        Step(
            sq.LIKE_VARIANTS[2].why, py_edit(ctx.source, sq.LIKE_VARIANTS[0].code, sq.LIKE_VARIANTS[2].code), "patched"
        ),
        _fail(ctx, rng, func, "Rerunning the search tests.", target, sq.LIKE_VARIANTS[2], cases),
        Step(
            "Now the escaped terms match nothing. Let me ask SQLite how it reads the backslash.",
            "python - <<'EOF'\nimport sqlite3\ncon = sqlite3.connect(':memory:')\n"
            "print(con.execute(r\"SELECT '50% off' LIKE '%50\\%%', '50% off' LIKE '%50\\%%' ESCAPE '\\'\").fetchone())\nEOF",
            repr((without, with_escape)),
        ),
        Step(
            "SQLite has no default escape character, so it needs ESCAPE '\\'; and the backslash itself must be escaped first, or 'C:\\temp' breaks.",
            py_edit(ctx.source, sq.LIKE_VARIANTS[2].code, sq.LIKE_VARIANTS[4].code),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the search tests.", target),
        _green(ctx, rng, "And the whole module."),
    ]

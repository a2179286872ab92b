# ruff: noqa: E501
"""A loop over a search's SQL: the user's term put into a LIKE pattern, its wildcards, quotes and backslashes escaped.

Each test run shows what SQLite really returns for the pattern the code builds.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable

from heldout20.calls import Step
from heldout53.text import Case, Ctx, Variant, escape_loop

ROWS = ["50% off", "50 off", "a_b", "axb", "O'Brien", "C:\\temp", "plain", "Plain text", "École"]


def _query(sql: Callable[[str], tuple[str, tuple[str, ...]]]) -> Callable[[str], list[str]]:
    def search(term: str) -> list[str]:
        con = sqlite3.connect(":memory:")
        try:
            con.execute("CREATE TABLE items (name TEXT)")
            con.executemany("INSERT INTO items VALUES (?)", [(row,) for row in ROWS])
            text, params = sql(term)
            return [row for (row,) in con.execute(text + " ORDER BY rowid", params)]
        finally:
            con.close()

    return search


def _esc(term: str, backslash: bool) -> str:
    term = term.replace("\\", "\\\\") if backslash else term
    return term.replace("%", "\\%").replace("_", "\\_")


def like_cases(func: str) -> list[Case]:
    test = f"test_{func.strip('_')}"
    terms = [("percent", "50%"), ("underscore", "a_b"), ("apostrophe", "O'Brien"), ("backslash", "C:\\temp")]
    terms += [("case", "plain"), ("bare-percent", "%"), ("bare-underscore", "_"), ("accent-case", "école")]
    return [Case(test, cid, term, [row for row in ROWS if term.lower() in row.lower()]) for cid, term in terms]


_SELECT = "SELECT name FROM items WHERE name"
LIKE_VARIANTS = [
    Variant(
        "    rows = cur.execute('SELECT name FROM items WHERE name LIKE ?', ('%' + term + '%',))",
        "Pass the term as a parameter with the wildcards around it.",
        _query(lambda t: (f"{_SELECT} LIKE ?", ("%" + t + "%",))),
    ),
    Variant(
        '    rows = cur.execute("SELECT name FROM items WHERE name LIKE \'%" + term + "%\'")',
        "Build the pattern straight into the SQL, so the term is matched as written.",
        _query(lambda t: (f"{_SELECT} LIKE '%" + t + "%'", ())),
    ),
    Variant(
        r"""    pattern = '%' + term.replace('%', '\\%').replace('_', '\\_') + '%'
    rows = cur.execute('SELECT name FROM items WHERE name LIKE ?', (pattern,))""",
        "Escape % and _ in the term before adding the wildcards.",
        _query(lambda t: (f"{_SELECT} LIKE ?", ("%" + _esc(t, False) + "%",))),
    ),
    Variant(
        r"""    pattern = '%' + term.replace('%', '\\%').replace('_', '\\_') + '%'
    rows = cur.execute("SELECT name FROM items WHERE name LIKE ? ESCAPE '\\'", (pattern,))""",
        "SQLite has no default escape character; add ESCAPE '\\'.",
        _query(lambda t: (f"{_SELECT} LIKE ? ESCAPE '\\'", ("%" + _esc(t, False) + "%",))),
    ),
    Variant(
        r"""    pattern = '%' + term.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
    rows = cur.execute("SELECT name FROM items WHERE name LIKE ? ESCAPE '\\'", (pattern,))""",
        "The backslash itself has to be escaped too, first.",
        _query(lambda t: (f"{_SELECT} LIKE ? ESCAPE '\\'", ("%" + _esc(t, True) + "%",))),
    ),
    Variant(
        "    rows = cur.execute('SELECT name FROM items WHERE instr(lower(name), lower(?)) > 0', (term,))",
        "Avoid LIKE altogether: instr() has no wildcards at all.",
        _query(lambda t: ("SELECT name FROM items WHERE instr(lower(name), lower(?)) > 0", (t,))),
    ),
    Variant(
        "    rows = cur.execute('SELECT name FROM items WHERE name GLOB ?', ('*' + term + '*',))",
        "GLOB treats % and _ literally.",
        _query(lambda t: (f"{_SELECT} GLOB ?", ("*" + t + "*",))),
    ),
]


def like_pattern_escape_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A search's LIKE pattern escaped one way after another: wildcards, quotes, backslashes and case keep failing."""
    func = ctx.named(("search_{}", "_{}_like_filter", "find_{}_by_name", "{}_lookup"))

    def sql(now: Variant) -> list[Step]:
        values, pattern = rng.choice(
            [
                (["50% off", "50 off"], "%50\\%%"),
                (["a_b", "axb"], "%a\\_b%"),
                (["C:\\temp", "C:temp"], "%C:\\temp%"),
                (["C:\\temp", "C:temp"], "%C:\\\\temp%"),
                (["École", "école"], "%école%"),
            ]
        )
        clause = rng.choice(["", " ESCAPE '\\'"])
        con = sqlite3.connect(":memory:")
        got = [con.execute(f"SELECT ? LIKE ?{clause}", (value, pattern)).fetchone()[0] for value in values]
        con.close()
        return [
            Step(
                "Let me ask SQLite directly how it matches the pattern.",
                f"python - <<'EOF'\nimport sqlite3\ncon = sqlite3.connect(':memory:')\nfor value in {values!r}:\n"
                f'    print(repr(value), con.execute("SELECT ? LIKE ?{clause.replace(chr(92), chr(92) * 2)}", (value, {pattern!r})).fetchone()[0])\nEOF',
                "\n".join(f"{value!r} {g}" for value, g in zip(values, got, strict=True)),
            )
        ]

    return escape_loop(
        ctx,
        rng,
        n,
        func=func,
        variants=LIKE_VARIANTS,
        cases=like_cases(func),
        target=f"{ctx.test_file}::test_{func.strip('_')}",
        what="the LIKE escaping in the search (wildcards, quotes and backslashes are never all matched literally)",
        param="term",
        extra=(sql,),
    )

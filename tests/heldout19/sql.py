"""A raw SQL string edited by hand: sql-syntax-churn (a loop) and sql-fixed (productive), Django runs only.

The agent checks what the ORM should return with a hand-written aggregate query, run through raw
sqlite3 or Django's connection. In the loop every edit that fixes the error SQLite reports brings in
another defect (a comma, a keyword alias, a clause out of order, a misspelt column), so the error
drifts and never clears. In the productive episode one or two defects are fixed and the rows print.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from heldout19.calls import SUBMIT, Step, say
from heldout19.replies import heredoc, ran, script, suite_again, traceback
from heldout19.runs import Context

PAIRS = [
    ("Author", "Book", "title", "pages"),
    ("Category", "Item", "label", "price"),
    ("Customer", "Invoice", "number", "amount"),
    ("Team", "Player", "nickname", "goals"),
    ("Publisher", "Magazine", "title", "issues"),
    ("Store", "Product", "sku", "stock"),
]
# Django's backend lines by interpreter (its version follows): utils._execute, sqlite3 base execute, utils.__exit__.
DJANGO_LINES = {"3.6": (84, 413, 90), "3.7": (84, 413, 90), "3.8": (84, 416, 90), "3.9": (89, 357, 91)}
DJANGO_LINES |= {"3.10": (89, 357, 91), "3.11": (89, 328, 91)}


@dataclass(frozen=True)
class Defect:
    rank: tuple[int, int]  # which error SQLite reports first: tokens, syntax by position, tables, columns, aggregates
    fix: str  # how the agent words fixing it
    brings: str  # how the agent words the change that brought it in ("" when it slips in unnoticed)


DEFECTS = {
    "trailing_comma": Defect(
        (1, 1), "remove the trailing comma after the last select column", "add a SUM column to the select list"
    ),
    "missing_comma": Defect((1, 0), "add the comma missing between the first two select columns", ""),
    "unclosed": Defect((1, 0), "close the parenthesis of COUNT(", ""),
    "group_after_order": Defect(
        (1, 5), "put GROUP BY/HAVING before ORDER BY", "reorder the clauses so the sorting is easier to read"
    ),
    "keyword_alias": Defect(
        (1, 0), "rename the alias, `group` is a keyword", "rename the `total` alias to `group` so it reads better"
    ),
    "double_where": Defect((1, 3), "join the two conditions with AND", "also exclude rows with an empty name"),
    "unterminated": Defect((0, 3), "close the quote in the LIKE pattern", ""),
    "table_plural": Defect((2, 2), "use the real table name", ""),
    "typo_column": Defect((3, 2), "fix the foreign key column name", ""),
    "using_mismatch": Defect((3, 1), "go back to an explicit ON clause", "switch the join to USING (...)"),
    "ambiguous": Defect((3, 4), "qualify `id` with the table alias", "group by `id` as well so the rows are unique"),
    "alias_in_where": Defect(
        (4, 3), "move the aggregate condition into HAVING", "filter with `WHERE total > 0` instead of HAVING"
    ),
}


def _order(defect: str) -> tuple[tuple[int, int], str]:
    """Which defect SQLite reports first; ties broken by name so every build is the same."""
    return DEFECTS[defect].rank, defect


class SqlScene:
    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.parent, self.child, self.text, self.num = rng.choice(PAIRS)
        app = rng.choice(["sqlcheck", "repro", "demo", "rawsql"])
        self.t1, self.t2 = f"{app}_{self.parent.lower()}", f"{app}_{self.child.lower()}"
        self.app, self.fk = app, f"{self.parent.lower()}_id"
        self.p, self.c = self.parent[0].lower(), self.child[0].lower()
        if self.p == self.c:
            self.p, self.c = "p", "c"
        self.django = rng.random() < 0.5
        self.file = rng.choice(["raw_sql_check.py", "check_sql.py", "sql_repro.py", "compare_sql.py"])
        self.current = ""

    def sql(self, defects: frozenset[str]) -> str:
        p, c = self.p, self.c
        select = [f"{p}.name", f"COUNT({c}.id) AS total", f"SUM({c}.{self.num}) AS {self.num}_sum"]
        if "missing_comma" in defects:
            select[:2] = [f"{select[0]} {select[1]}"]
        if "unclosed" in defects:
            select = [item.replace(f"COUNT({c}.id)", f"COUNT({c}.id") for item in select]
        if "keyword_alias" in defects:
            select = [item.replace("AS total", "AS group") for item in select]
        alias = "group" if "keyword_alias" in defects else "total"
        lines = ["SELECT " + (",\n       ".join(select)) + ("," if "trailing_comma" in defects else "")]
        lines.append(f"FROM {self.t1} {p}")
        table = self.t2 + "s" if "table_plural" in defects else self.t2
        fk = self.fk.replace("_id", "id") if "typo_column" in defects else self.fk
        lines.append(
            f"LEFT JOIN {table} {c} USING ({self.fk})"
            if "using_mismatch" in defects
            else f"LEFT JOIN {table} {c} ON {c}.{fk} = {p}.id"
        )
        quote = "'test%" if "unterminated" in defects else "'test%'"
        lines.append(f"WHERE {p}.name NOT LIKE {quote}" + (f" AND {alias} > 0" if "alias_in_where" in defects else ""))
        if "double_where" in defects:
            lines.append(f"WHERE {p}.name <> ''")
        grouping = [f"GROUP BY {'id' if 'ambiguous' in defects else p + '.id'}, {p}.name"]
        if "alias_in_where" not in defects:
            grouping.append(f"HAVING COUNT({c}.id) > 0")
        order = f"ORDER BY {alias} DESC, {p}.name"
        lines += [order, *grouping] if "group_after_order" in defects else [*grouping, order]
        return "\n".join(lines)

    def error(self, defects: frozenset[str]) -> str | None:
        if not defects:
            return None
        first = min(defects, key=_order)
        sql = self.sql(defects)
        return {
            "trailing_comma": 'near "FROM": syntax error',
            "missing_comma": 'near "(": syntax error',
            "unclosed": 'near "AS": syntax error',
            "group_after_order": 'near "GROUP": syntax error',
            "keyword_alias": 'near "group": syntax error',
            "double_where": 'near "WHERE": syntax error',
            "unterminated": f'unrecognized token: "{sql[sql.find(chr(39) + "test%") :]}\n"',
            "table_plural": f"no such table: {self.t2}s",
            "typo_column": f"no such column: {self.c}.{self.fk.replace('_id', 'id')}",
            "using_mismatch": f"cannot join using column {self.fk} - column not present in both tables",
            "ambiguous": "ambiguous column name: id",
            "alias_in_where": "misuse of aggregate: COUNT()",
        }[first]

    def source(self, defects: frozenset[str]) -> str:
        sql = self.sql(defects)
        if not self.django:
            return f'''import os
import sqlite3

if os.path.exists("sql_check.db"):
    os.remove("sql_check.db")
conn = sqlite3.connect("sql_check.db")
conn.executescript("""
CREATE TABLE {self.t1} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);
CREATE TABLE {self.t2} (id INTEGER PRIMARY KEY, {self.text} VARCHAR(100) NOT NULL, {self.num} INTEGER NOT NULL, {self.fk} INTEGER REFERENCES {self.t1} (id));
INSERT INTO {self.t1} (id, name) VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cyd');
INSERT INTO {self.t2} ({self.text}, {self.num}, {self.fk}) VALUES ('a', 120, 1), ('b', 80, 1), ('c', 300, 2);
""")

QUERY = """
{sql}
"""

for row in conn.execute(QUERY):
    print(row)
'''
        parent, child, lower = self.parent, self.child, self.parent.lower()
        return f'''import django
from django.conf import settings

settings.configure(
    DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}},
    INSTALLED_APPS=["django.contrib.contenttypes"],
)
django.setup()

from django.db import connection, models


class {parent}(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        app_label = "{self.app}"


class {child}(models.Model):
    {lower} = models.ForeignKey({parent}, models.CASCADE)
    {self.text} = models.CharField(max_length=100)
    {self.num} = models.IntegerField()

    class Meta:
        app_label = "{self.app}"


with connection.schema_editor() as editor:
    editor.create_model({parent})
    editor.create_model({child})

ann, bob = {parent}.objects.create(name="Ann"), {parent}.objects.create(name="Bob")
{parent}.objects.create(name="Cyd")
{child}.objects.create({lower}=ann, {self.text}="a", {self.num}=120)
{child}.objects.create({lower}=ann, {self.text}="b", {self.num}=80)
{child}.objects.create({lower}=bob, {self.text}="c", {self.num}=300)

SQL = """
{sql}
"""

with connection.cursor() as cursor:
    cursor.execute(SQL)
    for row in cursor.fetchall():
        print(row)
'''

    def run(self, defects: frozenset[str]) -> tuple[str, int]:
        error = self.error(defects)
        if error is None:
            return "('Ann', 2, 200)\n('Bob', 1, 300)\n", 0
        lines = self.source(defects).splitlines()
        file = script(self.ctx, self.file)
        if not self.django:
            number = next(i for i, line in enumerate(lines, 1) if line.startswith("for row in conn.execute"))
            return traceback(
                [(file, number, "<module>", "for row in conn.execute(QUERY):")], f"sqlite3.OperationalError: {error}"
            ), 1
        execute, base, leave = DJANGO_LINES.get(self.ctx.python, DJANGO_LINES["3.9"])
        utils, backend = "/testbed/django/db/backends/utils.py", "/testbed/django/db/backends/sqlite3/base.py"
        inner = [(utils, execute, "_execute", "return self.cursor.execute(sql, params)")]
        inner.append((backend, base, "execute", "return Database.Cursor.execute(self, query, params)"))
        number = next(i for i, line in enumerate(lines, 1) if line.strip() == "cursor.execute(SQL)")
        outer = [(file, number, "<module>", "cursor.execute(SQL)")]
        outer.append(
            (
                utils,
                execute - 18,
                "execute",
                "return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)",
            )
        )
        outer.append((utils, execute - 9, "_execute_with_wrappers", "return executor(sql, params, many, context)"))
        outer.append(inner[0])
        outer.append(
            (
                "/testbed/django/db/utils.py",
                leave,
                "__exit__",
                "raise dj_exc_value.with_traceback(traceback) from exc_value",
            )
        )
        outer += inner
        text = traceback(inner, f"sqlite3.OperationalError: {error}")
        text += "\nThe above exception was the direct cause of the following exception:\n\n"
        return text + traceback(outer, f"django.db.utils.OperationalError: {error}"), 1

    def edit(self, before: frozenset[str], after: frozenset[str]) -> str:
        """The command that turns the query from `before` into `after`: sed on one line, else the whole file."""
        old, new = self.sql(before).splitlines(), self.sql(after).splitlines()
        changed = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
        if (
            len(old) == len(new)
            and len(changed) == 1
            and "'" not in changed[0][0] + changed[0][1]
            and self.rng.random() < 0.6
        ):
            a, b = changed[0]
            pattern = "".join("\\" + ch if ch in "\\.*[]^$|" else ch for ch in a.strip())
            return f"sed -i 's|{pattern}|{b.strip().replace('&', chr(92) + '&')}|' {self.file}"
        return heredoc(self.file, self.source(after))

    def look(self) -> Step:
        rng = self.rng
        options = [
            (
                f'grep -n "FROM\\|JOIN\\|GROUP BY\\|ORDER BY\\|HAVING" {self.file}',
                "Let me look at the clauses of the query as they stand.",
            ),
            (f"cat {self.file}", "Let me re-read the whole script."),
            (
                'python -c "import sqlite3; print(sqlite3.sqlite_version)"',
                "Which SQLite version is this? Some syntax depends on it.",
            ),
            ("sqlite3 sql_check.db .schema", "Let me check the schema SQLite actually has."),
        ]
        command, thought = rng.choice(options)
        if command.startswith("grep"):
            lines = self.current.splitlines()
            keys = ("FROM", "JOIN", "GROUP BY", "ORDER BY", "HAVING")
            return Step(
                say(thought, command),
                ran("".join(f"{i}:{line}\n" for i, line in enumerate(lines, 1) if any(k in line for k in keys))),
                0.2,
            )
        if command.startswith("cat"):
            return Step(say(thought, command), ran(self.current), 0.2)
        if command.startswith("python"):
            version = {"3.6": "3.33.0", "3.7": "3.39.3", "3.8": "3.41.2"}.get(self.ctx.python, "3.45.3")
            return Step(say(thought, command), ran(f"{version}\n"), 0.3)
        return Step(say(thought, command), ran("/bin/sh: 1: sqlite3: not found\n", 127), 0.1)


TOKENS = "SQLite can't even tokenize the query: the quote is never closed."
SAYS = ["SQLite reports `{e}`.", "Now the error is `{e}`.", "Different error this time: `{e}`.", "`{e}` now."]


def _change(scene: SqlScene, before: frozenset[str], after: frozenset[str], error: str | None) -> list[Step]:
    rng = scene.rng
    fixed = sorted(before - after, key=_order)
    brought = [d for d in sorted(after - before) if DEFECTS[d].brings]
    thought = ""
    if error:
        thought = TOKENS if error.startswith("unrecognized") else rng.choice(SAYS).format(e=error)
    if fixed:
        thought += f" I need to {DEFECTS[fixed[0]].fix}."
    if brought:
        thought += f" While I'm at it, I'll {DEFECTS[brought[0]].brings}."
    edit = scene.edit(before, after)
    scene.current = scene.source(after)
    output, code = scene.run(after)
    run = rng.choice([f"python {scene.file}", f"python3 {scene.file}", f"cd /testbed && python {scene.file}"])
    if edit.startswith("sed") and rng.random() < 0.6:
        return [Step(say(thought.strip(), f"{edit} && {run}"), ran(output, code), rng.uniform(0.3, 1.5))]
    again = rng.choice(["Run the script again.", "Let me run it.", "Now rerun the query."])
    return [
        Step(say(thought.strip(), edit), ran(""), 0.1),
        Step(say(again, run), ran(output, code), rng.uniform(0.3, 1.5)),
    ]


def sql_loop(ctx: Context, rng: random.Random) -> Iterator[Step]:
    scene = SqlScene(ctx, rng)
    defects = frozenset(rng.sample(sorted(DEFECTS), 2))
    scene.current = scene.source(defects)
    intro = f"To see what the ORM should return, I'll write the aggregate query by hand and run it against a small {scene.parent}/{scene.child} schema."
    yield Step(say(intro, heredoc(scene.file, scene.current)), ran(""), 0.2)
    output, code = scene.run(defects)
    yield Step(say("Run it.", f"python {scene.file}"), ran(output, code), 0.8)
    while True:
        if rng.random() < 0.25:
            yield scene.look()
        error = scene.error(defects)
        first = min(defects, key=_order)
        # Fixing what SQLite reports; the same edit brings in another defect, so it never clears.
        fresh = [d for d in sorted(DEFECTS) if d not in defects]
        after = (defects - {first}) | {rng.choice(fresh)}
        if len(after) > 2:
            after = frozenset(rng.sample(sorted(after), 2))
        yield from _change(scene, defects, frozenset(after), error)
        defects = frozenset(after)


def sql_closing(ctx: Context, rng: random.Random) -> str:
    return say(
        rng.choice(
            [
                "The hand-written query keeps failing in new ways and it is only a cross-check, not part of the fix. I'll submit what I have.",
                "I've gone back and forth on this raw SQL for too long. The actual change is in place; submitting.",
            ]
        ),
        SUBMIT,
    )


def sql_fixed(ctx: Context, rng: random.Random) -> list[Step]:
    scene = SqlScene(ctx, rng)
    defects = frozenset(rng.sample(sorted(DEFECTS), rng.choice([1, 2])))
    scene.current = scene.source(defects)
    intro = f"I'd like to cross-check the result against plain SQL on a small {scene.parent}/{scene.child} schema."
    steps = [Step(say(intro, heredoc(scene.file, scene.current)), ran(""), 0.2)]
    output, code = scene.run(defects)
    steps.append(Step(say("Run it.", f"python {scene.file}"), ran(output, code), 0.8))
    while defects:
        first = min(defects, key=_order)
        steps += _change(scene, defects, defects - {first}, scene.error(defects))
        defects = defects - {first}
    again = suite_again(ctx, rng)
    thought = "The query returns the expected rows: two parents with children, ordered by count. That matches what the ORM should produce."
    if again:
        command, output = again
        steps.append(
            Step(
                say(f"{thought} Let me make sure the test suite is still green.", command),
                ran(output),
                rng.uniform(2, 20),
            )
        )
    steps.append(
        Step(
            say("Good. I'll delete the scratch script and its database.", f"rm -f {scene.file} sql_check.db"),
            ran(""),
            0.1,
        )
    )
    return steps

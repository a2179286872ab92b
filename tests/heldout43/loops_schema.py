# ruff: noqa: E501
"""Loops on what is in the database: migrations out of order, results differing by backend, wrong fixture rows, leaking transactions."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout43.text import Ctx, churn, edit, runner, traceback


def _stamp(rng: random.Random) -> str:
    return f"{rng.randint(2019, 2023)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}_{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"


def migration_graph_tangle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test app's migrations renumbered, merged and re-pointed, the graph rejecting them another way each time."""
    app = f"migrations_{ctx.stem}"[:28]
    mdir = f"tests/{app}/migrations"

    def graph(k: int) -> str:
        a, b = rng.randint(2, 6), rng.randint(2, 6)
        return rng.choice(
            [
                f"CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: (000{a}_auto_{_stamp(rng)}, 000{a}_{ctx.model.lower()}_{rng.choice(['email', 'slug', 'created', 'flag'])} in {app}).\nTo fix them run 'python manage.py makemigrations --merge'",
                f"django.db.migrations.exceptions.NodeNotFoundError: Migration {app}.000{a}_{ctx.model.lower()}_{rng.choice(['slug', 'email'])} dependencies reference nonexistent parent node ('{app}', '000{b}_auto_{_stamp(rng)}')",
                f"django.db.migrations.exceptions.InconsistentMigrationHistory: Migration {app}.000{a + 1}_merge_{_stamp(rng)} is applied before its dependency {app}.000{a}_{ctx.model.lower()}_email on database 'default'.",
                f"django.db.migrations.exceptions.CircularDependencyError: {app}.000{a}_{ctx.model.lower()}_slug, {app}.000{a + 1}_merge_{_stamp(rng)}",
                f"ValueError: Could not find common ancestor of ['000{a}_{ctx.model.lower()}_email', '000{b}_auto_{_stamp(rng)}']",
            ]
        )

    def run_out(k: int) -> str:
        err = graph(k)
        if err.startswith("CommandError"):
            return err + "\n"
        return runner(
            ctx,
            rng,
            app,
            traceback(
                rng,
                f"test_{ctx.stem}_migrate ({app}.tests.MigrateTests)",
                [
                    (
                        "django/core/management/commands/migrate.py",
                        "executor.loader.check_consistent_history(connection)",
                    ),
                    ("django/db/migrations/loader.py", "self.build_graph()"),
                ],
                err,
            ),
            failed=1,
        )

    first = Step(
        "Let me run the migration tests for the test app I set up.",
        f"./tests/runtests.py {app} migrations.test_executor",
        run_out(0),
        rc=1,
        seconds=rng.uniform(3, 20),
    )

    def run(k: int) -> list[Step]:
        cmd = rng.choice(
            [
                f"./tests/runtests.py {app} {rng.choice(['', '-v 2', '--parallel 1', 'migrations.test_loader'])}".strip(),
                f"python -m django makemigrations {app} --check --dry-run --settings=test_sqlite --pythonpath tests",
                f"python -m django migrate {app} --settings=test_sqlite --pythonpath tests -v {rng.choice([1, 2])}",
            ]
        )
        out = (
            run_out(k)
            if cmd.startswith("./")
            else f'Traceback (most recent call last):\n  File "/testbed/django/core/management/base.py", line {rng.randint(380, 460)}, in execute\n    output = self.handle(*args, **options)\n{graph(k)}\n'
        )
        return [
            Step(
                rng.choice(
                    [
                        "Let me try the migrations again.",
                        "Let me check the migration graph now.",
                        "Running the migration check again after that change.",
                        "Let me see if the graph loads now.",
                    ]
                ),
                cmd,
                out,
                rc=1,
                seconds=rng.uniform(2, 15),
            )
        ]

    def listing(k: int) -> list[Step]:
        names = [
            "0001_initial.py",
            f"0002_{ctx.model.lower()}_name.py",
            f"0003_auto_{_stamp(rng)}.py",
            f"0003_{ctx.model.lower()}_email.py",
        ]
        if rng.random() < 0.5:
            names.append(f"0004_merge_{_stamp(rng)}.py")
        return [
            Step(
                "Let me look at the migration files.",
                rng.choice(
                    [f"ls {mdir}", f"ls -la {mdir} | tail -n +4", f"grep -n \"dependencies\\|('{app}'\" {mdir}/0*.py"]
                ),
                "__init__.py\n" + "\n".join(names) + "\n",
            )
        ]

    def merge(k: int) -> list[Step]:
        return [
            Step(
                "Let me let makemigrations merge the leaves.",
                f"python -m django makemigrations {app} --merge --noinput --settings=test_sqlite --pythonpath tests",
                rng.choice(
                    [
                        f"Merging {app}\n  Branch 0003_{ctx.model.lower()}_email\n    - Add field email to {ctx.model.lower()}\n  Branch 0003_auto_{_stamp(rng)}\n    - Alter field name on {ctx.model.lower()}\n\nCreated new merge migration /testbed/{mdir}/0004_merge_{_stamp(rng)}.py\n",
                        "No conflicts detected to merge.\n",
                    ]
                ),
            )
        ]

    def repoint(k: int) -> list[Step]:
        a = rng.randint(1, 4)
        return [
            Step(
                f"I'll point the dependency at migration 000{a} instead.",
                edit(
                    f"{mdir}/0003_{ctx.model.lower()}_email.py",
                    f"('{app}', '0002_{ctx.model.lower()}_name')",
                    f"('{app}', '000{a}_{rng.choice(['initial', ctx.model.lower() + '_name', 'auto'])}')",
                ),
                "patched\n",
            )
        ]

    def renumber(k: int) -> list[Step]:
        a = rng.randint(3, 6)
        return [
            Step(
                "Let me renumber the migration so the order is linear.",
                f"git mv {mdir}/0003_{ctx.model.lower()}_email.py {mdir}/000{a}_{ctx.model.lower()}_email.py",
                rng.choice(
                    ["", f"fatal: not under version control, source={mdir}/0003_{ctx.model.lower()}_email.py\n"]
                ),
            )
        ]

    def reset(k: int) -> list[Step]:
        return [
            Step(
                "Let me remove the generated merge migrations and the local database and start clean.",
                rng.choice(
                    [
                        f"rm -f {mdir}/000*_merge_*.py db.sqlite3 && ls {mdir}",
                        f"rm -rf {mdir}/__pycache__ && find tests -name '*.sqlite3' -delete",
                        f"python -m django showmigrations {app} --settings=test_sqlite --pythonpath tests",
                    ]
                ),
                rng.choice(
                    [
                        "__init__.py\n0001_initial.py\n0002_name.py\n0003_email.py\n",
                        "",
                        f"{app}\n [X] 0001_initial\n [X] 0002_{ctx.model.lower()}_name\n [ ] 0003_{ctx.model.lower()}_email\n [X] 0004_merge_{_stamp(rng)}\n",
                    ]
                ),
            )
        ]

    return churn(
        ctx, rng, n, first, [run, run, listing, merge, repoint, renumber, reset], "the migration graph of the test app"
    )


def backend_results_diverge(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A query's rows in another order or case on SQLite than the test expects, the test and the query bent in turn."""
    names = ["alice", "Bob", "carol", "Dave", "eve", "Émile", "zoe", "Ann"]

    def fail(k: int) -> str:
        got = rng.sample(names, rng.randint(2, 4))
        want = sorted(got, key=str.lower) if rng.random() < 0.5 else sorted(got)
        if got == want:
            got = got[::-1]
        e = rng.choice(
            [
                f"AssertionError: Lists differ: {got!r} != {want!r}\n\nFirst differing element 0:\n'{got[0]}'\n'{want[0]}'",
                f"AssertionError: <QuerySet [{', '.join(f'<{ctx.model}: {g}>' for g in got)}]> != {want!r}",
                f"AssertionError: {rng.randint(0, 2)} != {rng.randint(3, 5)} : iexact should match regardless of case",
                f"AssertionError: Decimal('{rng.randint(1, 99)}.{rng.randint(0, 99):02d}') != Decimal('{rng.randint(1, 99)}.{rng.randint(0, 99):02d}0')",
            ]
        )
        return runner(
            ctx,
            rng,
            ctx.app,
            traceback(
                rng,
                f"test_{ctx.stem}_{rng.choice(['ordering', 'iexact', 'distinct', 'aggregate'])} ({ctx.app}.tests.{ctx.model}QueryTests)",
                [(f"tests/{ctx.app}/tests.py", f"self.assertEqual(list(qs.values_list('name', flat=True)), {want!r})")],
                e,
            ),
            failed=rng.randint(1, 2),
        )

    first = Step(
        "Let me run the query tests; they pass on PostgreSQL in CI according to the issue.",
        f"./tests/runtests.py {ctx.app}.tests.{ctx.model}QueryTests",
        fail(0),
        rc=1,
        seconds=rng.uniform(2, 10),
    )

    def run(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Running the query tests again.",
                        "Let me rerun the query tests.",
                        "That should make the order deterministic; running again.",
                        "Let me check the results now.",
                    ]
                ),
                f"./tests/runtests.py {rng.choice([ctx.app, f'{ctx.app}.tests.{ctx.model}QueryTests', 'ordering', 'lookup'])} {rng.choice(['', '--reverse', '-v 2', '--debug-sql', '--parallel 1'])}".strip(),
                fail(k),
                rc=1,
                seconds=rng.uniform(2, 10),
            )
        ]

    def sql(k: int) -> list[Step]:
        order = rng.choice(['"name"', 'LOWER("name")', '"name" COLLATE NOCASE', '"id"'])
        return [
            Step(
                "Let me print the SQL the queryset produces.",
                f"python tests/reproduce_{ctx.stem}.py {rng.choice(['', '--sql', '-v'])}".strip(),
                f'SELECT "{ctx.table}"."id", "{ctx.table}"."name" FROM "{ctx.table}" ORDER BY {order} ASC\n{rng.sample(names, 4)}\n',
            )
        ]

    def order(k: int) -> list[Step]:
        new = rng.choice(
            [
                "order_by('name')",
                "order_by(Lower('name'))",
                "order_by('name', 'pk')",
                "order_by(Collate('name', 'nocase'))",
                "order_by('-name').reverse()",
            ]
        )
        return [
            Step(
                f"Let me make the ordering explicit with {new}.",
                edit(f"tests/{ctx.app}/tests.py", f"{ctx.model}.objects.filter(", f"{ctx.model}.objects.{new}.filter("),
                "patched\n",
            )
        ]

    def expect(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the expectation should not depend on order.",
                edit(
                    f"tests/{ctx.app}/tests.py",
                    "self.assertEqual(list(qs.values_list('name', flat=True)),",
                    rng.choice(
                        [
                            "self.assertCountEqual(qs.values_list('name', flat=True),",
                            "self.assertQuerySetEqual(qs, ordered=False, transform=str, values=",
                            "self.assertEqual(sorted(qs.values_list('name', flat=True)),",
                        ]
                    ),
                ),
                "patched\n",
            )
        ]

    def source(k: int) -> list[Step]:
        return [
            Step(
                "Let me see how the sqlite backend handles this.",
                f"grep -n '{rng.choice(['NOCASE', 'LIKE', 'iexact', 'collat', 'ORDER BY'])}' django/db/backends/sqlite3/{rng.choice(['base.py', 'operations.py', 'features.py'])} | head",
                f"{rng.randint(40, 120)}:        'iexact': \"LIKE %s ESCAPE '\\\\'\",\n{rng.randint(120, 200)}:    supports_collation_on_charfield = True\n",
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [run, run, sql, order, expect, source],
        "the results differing between SQLite and PostgreSQL",
    )


def fixture_rows_wrong(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test's fixture loading the wrong rows or none: duplicate fixture names, pks, natural keys, formats."""
    fx = rng.choice(["initial", "testdata", f"{ctx.stem}_data", "sample"])

    def fail(k: int) -> str:
        e = rng.choice(
            [
                f"AssertionError: {rng.randint(0, 9)} != {rng.randint(10, 14)}",
                f"django.core.management.base.CommandError: Multiple fixtures named '{fx}' in '/testbed/tests/{ctx.app}/fixtures'. Aborting.",
                f"django.core.serializers.base.DeserializationError: Problem installing fixture '/testbed/tests/{ctx.app}/fixtures/{fx}.json': {ctx.model} matching query does not exist.",
                f"django.db.utils.IntegrityError: Problem installing fixture '/testbed/tests/{ctx.app}/fixtures/{fx}.json': Could not load {ctx.app}.{ctx.model}(pk={rng.randint(1, 9)}): UNIQUE constraint failed: {ctx.table}.id",
                f"{ctx.model}.DoesNotExist: {ctx.model} matching query does not exist.",
                f"django.core.management.base.CommandError: No fixture named '{fx}' found.",
            ]
        )
        return runner(
            ctx,
            rng,
            ctx.app,
            traceback(
                rng,
                f"test_{ctx.stem}_{rng.choice(['loaded', 'count', 'lookup'])} ({ctx.app}.tests.{ctx.model}FixtureTests)",
                [
                    (
                        f"tests/{ctx.app}/tests.py",
                        rng.choice(
                            [f"self.assertEqual({ctx.model}.objects.count(), 3)", f"{ctx.model}.objects.get(pk=2)"]
                        ),
                    )
                ],
                e,
            ),
            failed=rng.randint(1, 3),
        )

    first = Step(
        "Let me run the tests that use the new fixture.",
        f"./tests/runtests.py {ctx.app}.tests.{ctx.model}FixtureTests",
        fail(0),
        rc=1,
        seconds=rng.uniform(2, 9),
    )

    def run(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Running the fixture tests again.",
                        "Let me rerun the fixture tests.",
                        "That should load the right rows now; running again.",
                        "Let me check whether the fixture loads correctly now.",
                    ]
                ),
                f"./tests/runtests.py {rng.choice([ctx.app, f'{ctx.app}.tests.{ctx.model}FixtureTests', 'fixtures', 'fixtures_regress'])} {rng.choice(['', '-v 2', '--parallel 1', '--reverse'])}".strip(),
                fail(k),
                rc=1,
                seconds=rng.uniform(2, 9),
            )
        ]

    def find(k: int) -> list[Step]:
        return [
            Step(
                "Which fixture files with that name exist?",
                rng.choice(
                    [
                        f"find tests -name '{fx}.*' | head",
                        f"find tests -path '*fixtures*' -name '*{fx}*'",
                        f"ls tests/{ctx.app}/fixtures tests/fixtures/fixtures 2>&1 | head",
                    ]
                ),
                f"tests/{ctx.app}/fixtures/{fx}.json\n"
                + rng.choice(
                    [f"tests/{ctx.app}/fixtures/{fx}.yaml\n", f"tests/fixtures_regress/fixtures/{fx}.json\n", ""]
                ),
            )
        ]

    def view(k: int) -> list[Step]:
        pk = rng.randint(1, 6)
        return [
            Step(
                "Let me look at the fixture contents.",
                rng.choice(
                    [
                        f"head -c {rng.randint(300, 900)} tests/{ctx.app}/fixtures/{fx}.json",
                        f"python -m json.tool tests/{ctx.app}/fixtures/{fx}.json | head -{rng.randint(15, 40)}",
                    ]
                ),
                f'[\n  {{"model": "{ctx.app}.{ctx.model.lower()}", "pk": {pk}, "fields": {{"name": "first"}}}},\n  {{"model": "{ctx.app}.{ctx.model.lower()}", "pk": {pk + 1}, "fields": {{"name": "second", "parent": {pk + rng.randint(3, 9)}}}}}\n]\n',
            )
        ]

    def fixedit(k: int) -> list[Step]:
        a, b = rng.randint(1, 6), rng.randint(7, 40)
        return [
            Step(
                f"I'll change pk {a} to {b} in the fixture to avoid the clash.",
                f'sed -i \'s/"pk": {a},/"pk": {b},/\' tests/{ctx.app}/fixtures/{fx}.json && grep -c \'"pk"\' tests/{ctx.app}/fixtures/{fx}.json',
                f"{rng.randint(2, 12)}\n",
            )
        ]

    def rename(k: int) -> list[Step]:
        new = rng.choice([f"{fx}.json", f"{ctx.app}/{fx}", f"{fx}_{ctx.app}", f"{fx}.json', '{fx}_extra"])
        return [
            Step(
                "Let me be explicit about which fixture the test loads.",
                edit(f"tests/{ctx.app}/tests.py", f"fixtures = ['{fx}']", f"fixtures = ['{new}']"),
                "patched\n",
            )
        ]

    def load(k: int) -> list[Step]:
        return [
            Step(
                "Let me load the fixture by hand to see what it installs.",
                f"python -m django loaddata {fx} --settings=test_sqlite --pythonpath tests {rng.choice(['-v 2', '-v 3', '--app ' + ctx.app, '--database other'])}",
                rng.choice(
                    [
                        f"Installed {rng.randint(0, 14)} object(s) from {rng.randint(1, 2)} fixture(s)\n",
                        f"CommandError: No installed app with label '{ctx.app}'.\n",
                        "django.db.utils.OperationalError: no such table: " + ctx.table + "\n",
                    ]
                ),
                rc=rng.choice([0, 1]),
            )
        ]

    return churn(
        ctx, rng, n, first, [run, run, find, view, fixedit, rename, load], "the fixture loading the wrong data"
    )


def transaction_test_leak(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test whose rows and broken atomic blocks leak, switched between TestCase flavours and atomic wrappers."""

    def fail(k: int) -> str:
        e = rng.choice(
            [
                "django.db.transaction.TransactionManagementError: An error occurred in the current transaction. You can't execute queries until the end of the 'atomic' block.",
                f"AssertionError: {rng.randint(1, 5)} != 0",
                f"AssertionError: Lists differ: [<{ctx.model}: {ctx.model} object ({rng.randint(1, 40)})>] != []",
                "AssertionError: 0 != 1 : on_commit callback was never called",
                f"django.db.utils.IntegrityError: UNIQUE constraint failed: {ctx.table}.name",
            ]
        )
        body = traceback(
            rng,
            f"test_{ctx.stem}_{rng.choice(['rollback', 'atomic', 'on_commit', 'savepoint', 'integrity'])} ({ctx.app}.tests.{ctx.model}TransactionTests)",
            [
                (
                    f"tests/{ctx.app}/tests.py",
                    rng.choice(
                        [
                            f"self.assertEqual({ctx.model}.objects.count(), 0)",
                            f"{ctx.model}.objects.create(name='dup')",
                            "self.assertEqual(len(callbacks), 1)",
                        ]
                    ),
                )
            ],
            e,
        )
        return runner(ctx, rng, ctx.app, body, failed=rng.randint(1, 3))

    first = Step(
        "Let me run the transaction tests I added.",
        f"./tests/runtests.py {ctx.app}.tests.{ctx.model}TransactionTests",
        fail(0),
        rc=1,
        seconds=rng.uniform(2, 12),
    )

    def run(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Running the tests again.",
                        "Let me rerun the transaction tests.",
                        "That should isolate the test; running again.",
                        "Let me check whether the leak is gone now.",
                    ]
                ),
                f"./tests/runtests.py {rng.choice([ctx.app, f'{ctx.app}.tests.{ctx.model}TransactionTests', 'transactions', 'transaction_hooks'])} {rng.choice(['', '--reverse', '--shuffle', '--parallel 1', '-v 2', '--debug-sql'])}".strip(),
                fail(k),
                rc=1,
                seconds=rng.uniform(2, 12),
            )
        ]

    def switch(k: int) -> list[Step]:
        a, b = rng.choice(
            [
                ("(TestCase)", "(TransactionTestCase)"),
                ("(TransactionTestCase)", "(TestCase)"),
                ("(TestCase)", "(TransactionTestCase):\n    available_apps = ['" + ctx.app + "']\n    #"),
            ]
        )
        return [
            Step(
                "Maybe the test needs a different TestCase class.",
                edit(
                    f"tests/{ctx.app}/tests.py",
                    f"class {ctx.model}TransactionTests{a}",
                    f"class {ctx.model}TransactionTests{b}",
                ),
                "patched\n",
            )
        ]

    def wrap(k: int) -> list[Step]:
        new = rng.choice(
            [
                "with transaction.atomic():\n            ",
                "with self.assertRaises(IntegrityError), transaction.atomic():\n            ",
                "sid = transaction.savepoint()\n        ",
            ]
        )
        return [
            Step(
                "I'll wrap the failing statement in its own atomic block.",
                edit(
                    f"tests/{ctx.app}/tests.py",
                    f"{ctx.model}.objects.create(name='dup')",
                    new + f"{ctx.model}.objects.create(name='dup')",
                ),
                "patched\n",
            )
        ]

    def teardown(k: int) -> list[Step]:
        return [
            Step(
                "Let me clean the table up after each test.",
                edit(
                    f"tests/{ctx.app}/tests.py",
                    "    def test_",
                    f"    def tearDown(self):\n        {ctx.model}.objects.all().delete()\n\n    def test_",
                ),
                "patched\n",
            )
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                "Let me look at how the test is written now.",
                f"grep -n 'class \\|def \\|atomic\\|on_commit' tests/{ctx.app}/tests.py | tail -{rng.randint(8, 20)}",
                f"{rng.randint(300, 900)}:class {ctx.model}TransactionTests({rng.choice(['TestCase', 'TransactionTestCase'])}):\n{rng.randint(900, 960)}:    def test_{ctx.stem}_rollback(self):\n{rng.randint(960, 990)}:        with transaction.atomic():\n{rng.randint(990, 1020)}:    def test_{ctx.stem}_on_commit(self):\n{rng.randint(1020, 1040)}:        transaction.on_commit(lambda: callbacks.append(1))\n",
            )
        ]

    return churn(ctx, rng, n, first, [run, run, switch, wrap, teardown, grep], "the transaction handling in the tests")

# ruff: noqa: E501
"""Hard negatives: the same database trouble met once or twice, then fixed at its cause, the run going on as recorded."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout43.text import Ctx, edit, passed, pid, runner, traceback


def locking_process_stopped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """`database is locked` twice, a leftover process found holding the file, stopped, the run passing."""
    p = pid(rng)
    if ctx.django:
        err = runner(
            ctx,
            rng,
            ctx.app,
            traceback(
                rng,
                f"test_{ctx.stem} ({ctx.app}.tests.{ctx.model}Tests.test_{ctx.stem})",
                [("django/db/backends/sqlite3/base.py", "return Database.Cursor.execute(self, query, params)")],
                "django.db.utils.OperationalError: database is locked",
            ),
            failed=1,
        )
        run = f"./tests/runtests.py {ctx.app} --keepdb"
        path, holder = (
            "/testbed/tests/test_db.sqlite3",
            f"/opt/miniconda3/envs/testbed/bin/python tests/runtests.py {ctx.app} --keepdb",
        )
        ok = passed(ctx, rng)
    else:
        err = f"Traceback (most recent call last):\n  File \"{ctx.site}/coverage/sqldata.py\", line {rng.randint(1000, 1200)}, in execute\n    return self.con.execute(sql, parameters)\nsqlite3.OperationalError: database is locked\n\nDuring handling of the above exception, another exception occurred:\n\ncoverage.exceptions.DataError: Couldn't use data file '/testbed/.coverage': database is locked\n"
        run = f"coverage run -m pytest {ctx.test_file} -q"
        path, holder = (
            "/testbed/.coverage",
            f"/opt/miniconda3/envs/testbed/bin/python -m coverage run -m pytest {ctx.tests_dir} -x",
        )
        ok = f"{'.' * rng.randint(6, 40)}{' ' * 10}[100%]\n{rng.randint(6, 40)} passed in {rng.uniform(0.4, 6):.2f}s\n"
    return [
        Step("Let me run the tests again with my change.", run, err, rc=1, seconds=rng.uniform(2, 12)),
        Step(
            "The database is locked. Let me retry once in case it was transient.",
            run + (" -v 2" if ctx.django else "x"),
            err,
            rc=1,
            seconds=rng.uniform(2, 12),
        ),
        Step(
            "It is reproducible, so something holds the file. Let me find the process.",
            "ps -eo pid,etime,cmd | grep -v grep | grep -E 'python|coverage'",
            f"  {p}       {rng.randint(3, 40):02d}:{rng.randint(0, 59):02d} {holder}\n",
        ),
        Step(
            f"An earlier run I interrupted (pid {p}) is still alive and holds {path}. Let me stop it.",
            f"kill {p} && sleep 1 && ps -p {p} -o pid= || echo gone",
            "gone\n",
        ),
        Step("Now the tests again.", run, ok, seconds=rng.uniform(2, 12)),
    ]


def sqlite_settings_selected(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A run against a PostgreSQL server that isn't there, once; the repo's SQLite settings found and used."""
    refused = 'django.db.utils.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n'
    return [
        Step(
            "Let me run the tests with the postgres settings.",
            f"./tests/runtests.py {ctx.app} --settings=test_postgres",
            f"Testing against Django installed in '/testbed/django' with up to 1 processes\nCreating test database for alias 'default'...\n{refused}",
            rc=1,
            seconds=rng.uniform(1, 5),
        ),
        Step(
            "No server is running here. Let me check whether one is available at all.",
            "nc -zv 127.0.0.1 5432 2>&1; which postgres pg_ctl",
            "nc: connect to 127.0.0.1 port 5432 (tcp) failed: Connection refused\n",
            rc=1,
        ),
        Step(
            "There is no PostgreSQL in this environment. The test suite ships SQLite settings; the change isn't backend-specific, so I'll use those.",
            "ls tests/test_*.py && grep -n ENGINE tests/test_sqlite.py",
            "tests/test_sqlite.py\n3:        'ENGINE': 'django.db.backends.sqlite3',\n6:        'ENGINE': 'django.db.backends.sqlite3',\n",
        ),
        Step(
            "Running with the default SQLite settings.",
            f"./tests/runtests.py {ctx.app}",
            passed(ctx, rng),
            seconds=rng.uniform(2, 14),
        ),
    ]


def on_commit_captured(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An on_commit callback never firing inside TestCase, once; captured with captureOnCommitCallbacks, passing."""
    test = f"tests/{ctx.app}/tests.py"
    fail = runner(
        ctx,
        rng,
        ctx.app,
        traceback(
            rng,
            f"test_{ctx.stem}_on_commit ({ctx.app}.tests.{ctx.model}Tests)",
            [(test, "self.assertEqual(len(callbacks), 1)")],
            "AssertionError: 0 != 1",
        ),
        failed=1,
    )
    return [
        Step(
            "Let me run the new test for the on_commit behaviour.",
            f"./tests/runtests.py {ctx.app}.tests.{ctx.model}Tests.test_{ctx.stem}_on_commit",
            fail,
            rc=1,
            seconds=rng.uniform(2, 8),
        ),
        Step(
            "TestCase wraps each test in a transaction that is rolled back, so on_commit callbacks never run. Let me confirm how other tests handle this.",
            "grep -rn 'captureOnCommitCallbacks' tests/transaction_hooks tests/*/tests.py | head -4",
            f"tests/transaction_hooks/tests.py:{rng.randint(20, 90)}:        with self.captureOnCommitCallbacks(execute=True) as callbacks:\ntests/admin_views/tests.py:{rng.randint(900, 8000)}:        with self.captureOnCommitCallbacks(execute=True):\n",
        ),
        Step(
            "I'll use captureOnCommitCallbacks(execute=True) in the test.",
            edit(
                test,
                "        obj.save()\n",
                "        with self.captureOnCommitCallbacks(execute=True):\n            obj.save()\n",
            ),
            "patched\n",
        ),
        Step(
            "Running the test again.",
            f"./tests/runtests.py {ctx.app}.tests.{ctx.model}Tests",
            passed(ctx, rng),
            seconds=rng.uniform(2, 8),
        ),
    ]


def migration_dependency_repointed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A migration depending on a node that does not exist, once; the dependency set to the real latest migration."""
    app = "migrations"
    mod = f"test_migrations_{ctx.stem}"[:30]
    bad = f"0002_auto_{rng.randint(2019, 2023)}0{rng.randint(1, 9)}{rng.randint(10, 28)}_{rng.randint(1000, 2359)}"
    err = f"django.db.migrations.exceptions.NodeNotFoundError: Migration {app}.0003_{ctx.model.lower()}_extra dependencies reference nonexistent parent node ('{app}', '{bad}')"
    return [
        Step(
            "Let me run the migration tests with the new test migrations module.",
            f"./tests/runtests.py migrations.test_executor -k {ctx.stem}",
            runner(
                ctx,
                rng,
                app,
                traceback(
                    rng,
                    f"test_{ctx.stem} (migrations.test_executor.ExecutorTests)",
                    [("django/db/migrations/loader.py", "self.graph.validate_consistency()")],
                    err,
                ),
                failed=1,
            ),
            rc=1,
            seconds=rng.uniform(3, 12),
        ),
        Step(
            "The dependency names a migration that doesn't exist. Let me list the module's migrations.",
            f"ls tests/migrations/{mod}",
            "__init__.py\n0001_initial.py\n0002_second.py\n0003_" + ctx.model.lower() + "_extra.py\n",
        ),
        Step(
            "I wrote a made-up name for 0002. Let me point the dependency at 0002_second.",
            edit(
                f"tests/migrations/{mod}/0003_{ctx.model.lower()}_extra.py",
                f"('{app}', '{bad}')",
                f"('{app}', '0002_second')",
            ),
            "patched\n",
        ),
        Step(
            "Running the migration tests again.",
            f"./tests/runtests.py migrations.test_executor -k {ctx.stem}",
            passed(ctx, rng, rng.randint(2, 9)),
            seconds=rng.uniform(3, 12),
        ),
    ]


def ordering_made_explicit(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A test relying on the backend's row order, once or twice; an explicit order_by in the test, passing."""
    test = f"tests/{ctx.app}/tests.py"
    got, want = rng.choice(
        [(["b", "a", "c"], ["a", "b", "c"]), (["Bob", "alice"], ["alice", "Bob"]), (["x2", "x1"], ["x1", "x2"])]
    )
    fail = runner(
        ctx,
        rng,
        ctx.app,
        traceback(
            rng,
            f"test_{ctx.stem} ({ctx.app}.tests.{ctx.model}Tests)",
            [(test, "self.assertEqual([o.name for o in qs], " + repr(want) + ")")],
            f"AssertionError: Lists differ: {got!r} != {want!r}",
        ),
        failed=1,
    )
    steps = [
        Step(
            "Let me run my new test.",
            f"./tests/runtests.py {ctx.app}.tests.{ctx.model}Tests",
            fail,
            rc=1,
            seconds=rng.uniform(2, 8),
        )
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Does it fail the same way in reverse order?",
                f"./tests/runtests.py {ctx.app}.tests.{ctx.model}Tests --reverse",
                fail,
                rc=1,
                seconds=rng.uniform(2, 8),
            )
        )
    return [
        *steps,
        Step(
            f"{ctx.model} has no Meta.ordering, so the queryset's order is whatever the backend returns. Let me confirm.",
            f"grep -n -A3 'class {ctx.model}' tests/{ctx.app}/models.py",
            f"{rng.randint(10, 90)}:class {ctx.model}(models.Model):\n    name = models.CharField(max_length=50)\n\n",
        ),
        Step(
            "The test should not rely on that; I'll order the queryset explicitly.",
            edit(test, f"qs = {ctx.model}.objects.filter(", f"qs = {ctx.model}.objects.order_by('name').filter("),
            "patched\n",
        ),
        Step(
            "Running the test again.",
            f"./tests/runtests.py {ctx.app}.tests.{ctx.model}Tests",
            passed(ctx, rng),
            seconds=rng.uniform(2, 8),
        ),
    ]


def fixture_pk_corrected(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A fixture colliding with rows the test creates, once; its pks moved out of the way, the tests passing."""
    fx = f"{ctx.stem}_data"
    test = f"tests/{ctx.app}/tests.py"
    err = f"django.db.utils.IntegrityError: Problem installing fixture '/testbed/tests/{ctx.app}/fixtures/{fx}.json': Could not load {ctx.app}.{ctx.model}(pk=1): UNIQUE constraint failed: {ctx.table}.id"
    return [
        Step(
            "Let me run the tests with the fixture I added.",
            f"./tests/runtests.py {ctx.app}",
            runner(
                ctx,
                rng,
                ctx.app,
                traceback(
                    rng,
                    f"setUpClass ({ctx.app}.tests.{ctx.model}FixtureTests)",
                    [
                        (
                            "django/test/testcases.py",
                            "call_command('loaddata', *cls.fixtures, **dict(verbosity=0, database=db_name))",
                        )
                    ],
                    err,
                ),
                failed=1,
            ),
            rc=1,
            seconds=rng.uniform(2, 9),
        ),
        Step(
            "pk=1 is already taken when the fixture loads. Where is that row created?",
            f"grep -n 'setUpTestData\\|objects.create' {test} | head -5",
            f"{rng.randint(20, 60)}:    def setUpTestData(cls):\n{rng.randint(60, 70)}:        cls.obj = {ctx.model}.objects.create(pk=1, name='base')\n",
        ),
        Step(
            "setUpTestData creates pk=1 too. I'll give the fixture's rows pks that can't clash.",
            f'sed -i \'s/"pk": 1,/"pk": 101,/; s/"pk": 2,/"pk": 102,/\' tests/{ctx.app}/fixtures/{fx}.json && sed -i \'s/pk=2)/pk=102)/\' {test} && grep -n \'"pk"\' tests/{ctx.app}/fixtures/{fx}.json',
            '3:    "pk": 101,\n9:    "pk": 102,\n',
        ),
        Step("Running the tests again.", f"./tests/runtests.py {ctx.app}", passed(ctx, rng), seconds=rng.uniform(2, 9)),
    ]

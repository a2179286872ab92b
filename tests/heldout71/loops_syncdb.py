# ruff: noqa: E501
"""Loop family on database state: a table made outside the migrations, existing when migrate wants to create it and missing when a query needs it."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import churn, db_error, project_looker
from heldout71.text import Attempt, Ctx, models_py, py_edit, setup


def fake_initial_table_clash(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A script that makes its own table and also migrates: the table exists, then is missing, then a column is duplicated."""
    proj, app = ctx.proj, ctx.app
    parent, child, third = ctx.models
    table = f"{app}_{third.lower()}"
    models = models_py(ctx)
    names = ["0001_initial"]
    script = f"import os\n\nimport django\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'settings')\ndjango.setup()\n\nfrom django.core.management import call_command\nfrom django.db import connection, models\n\nfrom {app}.models import {parent}, {child}\n\n\nclass {third}(models.Model):\n    name = models.CharField(max_length=50)\n\n    class Meta:\n        app_label = '{app}'\n\n\ncall_command('migrate', run_syncdb=True, verbosity=0)\nwith connection.schema_editor() as editor:\n    editor.create_model({third})\n\np = {parent}.objects.create(name='p')\nprint({child}.objects.create({parent.lower()}=p, title='t').pk, {third}.objects.count())\n"
    here = f"{ctx.root}/reproduce.py"
    create = [
        (here, "<module>", f"editor.create_model({third})"),
        ("/testbed/django/db/backends/base/schema.py", "create_model", "self.execute(sql, params or None)"),
        ("/testbed/django/db/backends/base/schema.py", "execute", "cursor.execute(sql, params)"),
    ]
    query = [
        (here, "<module>", f"print({child}.objects.create({parent.lower()}=p, title='t').pk, {third}.objects.count())"),
        ("/testbed/django/db/models/query.py", "count", "return self.query.get_count(using=self.db)"),
        ("/testbed/django/db/models/sql/compiler.py", "execute_sql", "cursor.execute(sql, params)"),
    ]

    def exists(thought: str, command: str = "") -> Step:
        return Step(
            thought,
            command or f"cd {proj} && python reproduce.py",
            db_error(ctx, rng, create, f'django.db.utils.OperationalError: table "{table}" already exists'),
            rc=1,
        )

    def missing(thought: str, command: str = "", which: str = "") -> Step:
        return Step(
            thought,
            command or f"cd {proj} && python reproduce.py",
            db_error(ctx, rng, query, f"django.db.utils.OperationalError: no such table: {which or table}"),
            rc=1,
        )

    mode = {"state": "create"}  # what reproduce.py does about the table: create it, nothing, or pass a bad kwarg
    kwarg = (
        f'Traceback (most recent call last):\n  File "{here}", line 24, in <module>\n    editor.create_model({third}, if_not_exists=True)\n'
        + "TypeError: create_model() got an unexpected keyword argument 'if_not_exists'"
    )

    def run(thought: str, command: str, fresh: bool) -> Step:
        if mode["state"] == "kwarg":
            return Step(thought, command, kwarg, rc=1)
        if mode["state"] == "none":
            return missing(thought, command)
        return Step(thought, command, "1 0") if fresh else exists(thought, command)

    def fresh(k: int) -> list[Step]:
        thought = rng.choice(
            [
                "The database is left over from the previous run. Delete it and run the script on a fresh one.",
                "Stale db.sqlite3 from the last run. Remove it and rerun.",
                "Start the script from an empty database.",
            ]
        )
        steps = [run(thought, f"cd {proj} && rm -f db.sqlite3 && python reproduce.py", True)]
        if not steps[0].rc:
            steps.append(
                exists(
                    rng.choice(
                        [
                            "That worked on a fresh database. Run it again to make sure it's repeatable.",
                            "Good. Once more, since the real check runs it repeatedly.",
                        ]
                    )
                )
            )
        return steps

    def drop_create(k: int) -> list[Step]:
        mode["state"] = "none"
        return [
            Step(
                "run_syncdb should create the table for the model anyway; the explicit create_model is what collides. Remove it.",
                f"cd {proj} && sed -i '/schema_editor/d; /create_model/d' reproduce.py && grep -c create_model reproduce.py",
                "0",
            ),
            run("Run it again.", f"cd {proj} && rm -f db.sqlite3 && python reproduce.py", True),
        ]

    def restore_create(k: int) -> list[Step]:
        if mode["state"] == "kwarg":
            mode["state"] = "create"
            return [
                Step(
                    "create_model has no such argument. Back to the plain call.",
                    f"cd {proj} && sed -i 's/, if_not_exists=True//' reproduce.py && grep -n create_model reproduce.py",
                    f"24:    editor.create_model({third})",
                ),
                run("Run it.", f"cd {proj} && python reproduce.py", False),
            ]
        mode["state"] = "kwarg"
        new = f"call_command('migrate', run_syncdb=True, verbosity=0)\nwith connection.schema_editor() as editor:\n    editor.create_model({third}, if_not_exists=True)\n"
        return [
            Step(
                rng.choice(
                    [
                        "The table has to exist, but only be created once. Ask create_model to skip an existing table.",
                        "Create it only if it isn't there: if_not_exists on create_model.",
                    ]
                ),
                f"cd {proj} && sed -i '/schema_editor/d; /create_model/d' reproduce.py && "
                + py_edit("reproduce.py", "call_command('migrate', run_syncdb=True, verbosity=0)\n", new),
                "patched",
            ),
            Step("Run it.", f"cd {proj} && python reproduce.py", kwarg, rc=1),
        ]

    def fake_initial(k: int) -> list[Step]:
        clash = rng.choice([f'table "{app}_{parent.lower()}" already exists', "duplicate column name: title"])
        err = f"django.db.utils.OperationalError: {clash}"
        return [
            Step(
                "The migrate call and the tables disagree. Let me use --fake-initial so Django skips creating tables that already exist.",
                ctx.manage("migrate --fake-initial"),
                f"Operations to perform:\n  Apply all migrations: auth, contenttypes, {app}\nRunning migrations:\n  Applying {app}.0001_initial... "
                + db_error(
                    ctx,
                    rng,
                    [
                        (
                            "/testbed/django/db/migrations/operations/models.py",
                            "database_forwards",
                            "schema_editor.create_model(model)",
                        ),
                        (
                            "/testbed/django/db/backends/sqlite3/schema.py",
                            "create_model",
                            "super().create_model(model)",
                        ),
                    ],
                    err,
                ),
                rc=1,
            ),
            Step(
                "Fake the app back to zero and apply it for real.",
                f"cd {proj} && python manage.py migrate {app} zero --fake && python manage.py migrate {app}",
                f"Operations to perform:\n  Unapply all migrations: {app}\nRunning migrations:\n  Rendering model states... DONE\n  Unapplying {app}.0001_initial... FAKED\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.0001_initial... "
                + db_error(
                    ctx,
                    rng,
                    [("/testbed/django/db/backends/sqlite3/schema.py", "create_model", "super().create_model(model)")],
                    f'django.db.utils.OperationalError: table "{app}_{parent.lower()}" already exists',
                ),
                rc=1,
            ),
        ]

    def zero(k: int) -> list[Step]:
        step = run(
            rng.choice(
                [
                    "Unapply the app's migrations to get rid of the tables, then run the script.",
                    "Migrate the app to zero so its tables are dropped, then rerun the script.",
                    "Roll the app back to zero first.",
                ]
            ),
            f"cd {proj} && python manage.py migrate {app} zero && python reproduce.py",
            False,
        )
        head = f"Operations to perform:\n  Unapply all migrations: {app}\nRunning migrations:\n  Rendering model states... DONE\n  Unapplying {app}.0001_initial... OK\n"
        return [Step(step.thought, step.command, head + (step.output or ""), rc=step.rc)]

    def tables(k: int) -> Step:
        listed = sorted(
            [
                f"{app}_{parent.lower()}",
                f"{app}_{child.lower()}",
                "django_migrations",
                "django_content_type",
                "auth_user",
                "auth_group",
                "auth_permission",
                *([table] if rng.random() < 0.6 else []),
            ]
        )
        return Step(
            "Let me list the tables the database really has.",
            f"cd {proj} && python -c \"import sqlite3; print([r[0] for r in sqlite3.connect('db.sqlite3').execute('select name from sqlite_master where type=\\'table\\' order by name')])\"",
            str(listed),
        )

    def syncdb_only(k: int) -> list[Step]:
        mode["state"] = "none"
        return [
            Step(
                "Let me see what migrate --run-syncdb says it does for the app.",
                ctx.manage("migrate --run-syncdb -v 2 2>&1 | grep -iE 'synchron|creating|apply|skipping' | head"),
                f"  Apply all migrations: auth, contenttypes, {app}\nSynchronizing apps without migrations:\n  Creating tables...\n    Running deferred SQL...\n  No migrations to apply."
                if rng.random() < 0.5
                else f"  Apply all migrations: auth, contenttypes, {app}\nSynchronizing apps without migrations:\n  Creating tables...\n    Running deferred SQL...",
            ),
            missing(
                "The app has migrations, so syncdb passes over it. Run the script on a fresh db without the create_model to confirm.",
                f"cd {proj} && rm -f db.sqlite3 && sed -i '/create_model/d; /schema_editor/d' reproduce.py && python reproduce.py",
            ),
        ]

    first = [
        setup(ctx, rng, "Let me reproduce this end to end in a small project with its own migrations.", models),
        Step(
            f"And a script that migrates and uses {'an' if third[0] in 'AEIOU' else 'a'} {third} model declared beside it, the way the issue's project does.",
            f"cat > {proj}/reproduce.py <<'EOF'\n{script}EOF\ncd {proj} && python reproduce.py",
            "1 0",
        ),
        exists("Run it a second time, as the check will.", f"cd {proj} && python reproduce.py"),
    ]
    attempts: list[Attempt] = [
        fresh,
        drop_create,
        restore_create,
        fake_initial,
        zero,
        lambda k: [tables(k)],
        syncdb_only,
    ]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        f"the {table} table that is either missing or already there",
        project_looker(ctx, rng, names, models),
    )

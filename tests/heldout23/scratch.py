"""The scratch Django project the migration families build: its app, its migrations and what Django prints."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from heldout20.calls import Step
from heldout23.text import Ctx

_APPS = [
    ("polls", "Question", "slug"),
    ("shop", "Product", "sku"),
    ("library", "Book", "isbn"),
    ("blog", "Post", "summary"),
    ("inventory", "Item", "code"),
]
_EXECUTOR = [
    ("/testbed/django/core/management/commands/migrate.py", 244, "handle", "post_migrate_state = executor.migrate("),
    (
        "/testbed/django/db/migrations/executor.py",
        117,
        "migrate",
        "state = self._migrate_all_forwards(state, plan, full_plan, fake=fake, fake_initial=fake_initial)",
    ),
    (
        "/testbed/django/db/migrations/executor.py",
        147,
        "_migrate_all_forwards",
        "state = self.apply_migration(state, migration, fake=fake, fake_initial=fake_initial)",
    ),
    (
        "/testbed/django/db/migrations/executor.py",
        227,
        "apply_migration",
        "state = migration.apply(state, schema_editor)",
    ),
]


def frames_of(frames: list[tuple[str, int, str, str]]) -> list[str]:
    return [line for path, n, func, code in frames for line in (f'  File "{path}", line {n}, in {func}', f"    {code}")]


class Project:
    """The scratch project: its migrations on disk, what the database has applied, and the field being added."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.app, self.model, self.field = rng.choice(_APPS)
        self.dir = f"/tmp/{rng.choice(['repro', 'mysite', 'scratch', 'proj'])}_{ctx.issue}"
        self.table = f"{self.app}_{self.model.lower()}"
        self.ts = ctx.run.calls[ctx.upto].ts
        self.added = f"0002_{self.model.lower()}_{self.field}"
        self.data = f"0002_populate_{self.field}"
        self.n = 3
        self.conflict = False
        self.faked = False
        self.stale = False  # migrations regenerated over a database that already has the tables

    def _stamp(self) -> str:
        self.ts += self.rng.uniform(60, 400)
        return datetime.fromtimestamp(self.ts, tz=UTC).strftime("%Y%m%d_%H%M")

    def _name(self, kind: str) -> str:
        name = f"{self.n:04d}_{kind}_{self._stamp()}"
        self.n += 1
        return name

    def _cd(self, command: str) -> str:
        return f"cd {self.dir} && {command}"

    def _traceback(self, applying: str, error: str, sqlite: str | None = None) -> str:
        head = f"Operations to perform:\n  Apply all migrations: admin, auth, contenttypes, {self.app}, sessions\nRunning migrations:\n  Applying {self.app}.{applying}..."
        main = [
            (f"{self.dir}/manage.py", 22, "<module>", "main()"),
            (f"{self.dir}/manage.py", 18, "main", "execute_from_command_line(sys.argv)"),
        ]
        lines = [
            "Traceback (most recent call last):",
            *frames_of(main + self.rng.sample(_EXECUTOR[:1], 1) + _EXECUTOR[1:]),
        ]
        if sqlite:
            inner = [
                "Traceback (most recent call last):",
                *frames_of(
                    [
                        (
                            "/testbed/django/db/backends/utils.py",
                            84,
                            "_execute",
                            "return self.cursor.execute(sql, params)",
                        ),
                        (
                            "/testbed/django/db/backends/sqlite3/base.py",
                            self.rng.choice([413, 416, 423]),
                            "execute",
                            "return Database.Cursor.execute(self, query, params)",
                        ),
                    ]
                ),
                f"sqlite3.{sqlite}",
                "",
                "The above exception was the direct cause of the following exception:",
                "",
            ]
            lines = inner + lines
        return head + "\n".join(lines) + f"\n{error}"

    def setup(self) -> Step:
        models = f"from django.db import models\n\n\nclass {self.model}(models.Model):\n    title = models.CharField(max_length=200)\n    created = models.DateTimeField(auto_now_add=True)\n"
        command = (
            f"mkdir -p {self.dir} && cd {self.dir} && python -m django startproject config . && python manage.py startapp {self.app} && "
            f"cat > {self.app}/models.py <<'EOF'\n{models}EOF\nsed -i \"s/'django.contrib.staticfiles',/'django.contrib.staticfiles',\\n    '{self.app}',/\" config/settings.py && "
            f"python manage.py makemigrations {self.app} && python manage.py migrate -v 0"
        )
        out = f"Migrations for '{self.app}':\n  {self.app}/migrations/0001_initial.py\n    - Create model {self.model}"
        return Step(
            "To exercise this through real migrations, let me set up a small scratch project with one app.",
            command,
            out,
            seconds=self.rng.uniform(3, 8),
        )

    def script(self) -> str:
        """The reproduction script the project is checked with."""
        body = (
            "import os\n\nimport django\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\ndjango.setup()\n"
            f"from {self.app}.models import {self.model}  # noqa: E402\n\nprint({self.model}.objects.filter({self.field}__isnull=False).count())\n"
        )
        return f"cat > repro.py <<'EOF'\n{body}EOF"

    def branch(self) -> Step:
        """A field and a data migration written on two branches from 0001: two leaves."""
        self.conflict = True
        script = (
            f"from django.db import migrations\n\n\ndef populate(apps, schema_editor):\n    {self.model} = apps.get_model('{self.app}', '{self.model}')\n"
            f"    for obj in {self.model}.objects.all():\n        obj.{self.field} = str(obj.pk)\n        obj.save()\n\n\n"
            f"class Migration(migrations.Migration):\n    dependencies = [('{self.app}', '0001_initial')]\n    operations = [migrations.RunPython(populate)]\n"
        )
        command = (
            f"cd {self.dir} && sed -i '/created = /a\\    {self.field} = models.CharField(max_length=50, null=True)' {self.app}/models.py && "
            f"python manage.py makemigrations {self.app} && cat > {self.app}/migrations/{self.data}.py <<'EOF'\n{script}EOF\n{self.script()}"
        )
        out = f"Migrations for '{self.app}':\n  {self.app}/migrations/{self.added}.py\n    - Add field {self.field} to {self.model.lower()}"
        return Step(
            f"Now add a `{self.field}` field and a data migration that fills it for existing rows.",
            command,
            out,
            seconds=2,
        )

    def _conflicting(self) -> str:
        leaves = (
            sorted([self.data, self.added])
            if self.n == 3
            else [f"{self.n - 1:04d}_auto_{self._stamp()}", f"{self.n - 1:04d}_merge_{self._stamp()}"]
        )
        return f"CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: ({', '.join(leaves)} in {self.app}).\nTo fix them run 'python manage.py makemigrations --merge'"

    def show(self) -> Step:
        marks = [
            f"[{'X' if self.rng.random() < 0.6 else ' '}] {name}" for name in ("0001_initial", self.added, self.data)
        ]
        return Step(
            "Let me see which migrations Django thinks are applied.",
            self._cd(f"python manage.py showmigrations {self.app}"),
            f"{self.app}\n " + "\n ".join(marks),
            seconds=1,
        )

    def listing(self) -> Step:
        files = [
            "0001_initial.py",
            f"{self.added}.py",
            f"{self.data}.py",
            *(f"{i:04d}_{self.rng.choice(['merge', 'auto'])}_{self._stamp()}.py" for i in range(3, self.n)),
            "__init__.py",
            "__pycache__",
        ]
        return Step(
            "What migration files are on disk now?",
            self._cd(f"ls {self.app}/migrations"),
            "\n".join(sorted(files)),
            seconds=0.1,
        )

    def columns(self) -> Step:
        have = self.rng.random() < 0.5
        cols = [
            (0, "id", "integer", 1, None, 1),
            (1, "title", "varchar(200)", 1, None, 0),
            (2, "created", "datetime", 1, None, 0),
        ]
        if have:
            cols.append((3, self.field, "varchar(50)", 0, None, 0))
        command = self._cd(
            f"python -c \"import sqlite3; print(sqlite3.connect('db.sqlite3').execute('PRAGMA table_info({self.table})').fetchall())\""
        )
        return Step("Let me look at the actual table in the database.", command, str(cols), seconds=0.3)

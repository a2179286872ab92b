"""migration-state-drift and migration-merged: a scratch Django project whose migrations and database disagree."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout23.scratch import Project, frames_of
from heldout23.text import Ctx, Deck, Tail, hexid


class Drift(Project):
    """What the agent does to the project's migrations and database."""

    def migrate(self) -> Step:
        thought = self.rng.choice(
            ["Let me apply the migrations.", "Now migrate.", "Running migrate again.", "Let me try migrating now."]
        )
        if self.conflict:
            return Step(thought, self._cd("python manage.py migrate"), self._conflicting(), rc=1, seconds=1.5)
        if self.faked:
            return Step(
                thought,
                self._cd("python manage.py migrate"),
                "Operations to perform:\n  Apply all migrations: admin, auth, contenttypes, "
                + f"{self.app}, sessions\nRunning migrations:\n  No migrations to apply.",
                seconds=1.5,
            )
        kind = "exists" if self.stale else self.rng.choice(["column", "column", "exists", "duplicate", "history"])
        if kind == "column":
            out = self._traceback(
                self.data,
                f"django.db.utils.OperationalError: no such column: {self.table}.{self.field}",
                f"OperationalError: no such column: {self.table}.{self.field}",
            )
        elif kind == "exists":
            out = self._traceback(
                "0001_initial",
                f'django.db.utils.OperationalError: table "{self.table}" already exists',
                f'OperationalError: table "{self.table}" already exists',
            )
        elif kind == "duplicate":
            out = self._traceback(
                self.added,
                f"django.db.utils.OperationalError: duplicate column name: {self.field}",
                f"OperationalError: duplicate column name: {self.field}",
            )
        else:
            out = "Traceback (most recent call last):\n" + "\n".join(
                frames_of(
                    [
                        (f"{self.dir}/manage.py", 22, "<module>", "main()"),
                        (
                            "/testbed/django/core/management/commands/migrate.py",
                            95,
                            "handle",
                            "executor.loader.check_consistent_history(connection)",
                        ),
                    ]
                )
            )
            out += f"\ndjango.db.migrations.exceptions.InconsistentMigrationHistory: Migration {self.app}.{self.data} is applied before its dependency {self.app}.{self.added} on database 'default'."
        return Step(thought, self._cd("python manage.py migrate"), out, rc=1, seconds=2)

    def merge(self) -> Step:
        if not self.conflict:
            return Step(
                "Let me merge the migration branches.",
                self._cd("python manage.py makemigrations --merge --noinput"),
                "No conflicts detected to merge.",
                seconds=1.2,
            )
        self.conflict = False
        name = self._name("merge")
        out = f"Merging {self.app}\n  Branch {self.data}\n    - Raw Python operation\n  Branch {self.added}\n    - Add field {self.field} to {self.model.lower()}\n\nCreated new merge migration {self.dir}/{self.app}/migrations/{name}.py"
        return Step(
            "Django says to merge the two leaves. Let me do that.",
            self._cd(f"python manage.py makemigrations {self.app} --merge --noinput"),
            out,
            seconds=1.5,
        )

    def makemigrations(self) -> Step:
        if self.conflict:
            return Step(
                "Let me regenerate the migrations for the app.",
                self._cd(f"python manage.py makemigrations {self.app}"),
                self._conflicting(),
                rc=1,
                seconds=1.5,
            )
        name = self._name("auto")
        self.conflict = self.rng.random() < 0.5
        out = f"Migrations for '{self.app}':\n  {self.app}/migrations/{name}.py\n    - Alter field {self.field} on {self.model.lower()}"
        return Step(
            "The model and the migrations may be out of sync; let me regenerate.",
            self._cd(f"python manage.py makemigrations {self.app}"),
            out,
            seconds=1.5,
        )

    def fake(self) -> Step:
        self.faked, self.conflict, self.stale = True, False, False
        out = f"Operations to perform:\n  Target specific migration: {self.added}, from {self.app}\nRunning migrations:\n  Applying {self.app}.{self.added}... FAKED\n  Applying {self.app}.{self.data}... FAKED"
        return Step(
            "The database already reflects part of this. Let me mark those migrations as applied without running them.",
            self._cd(f"python manage.py migrate {self.app} {self.added} --fake"),
            out,
            seconds=1.5,
        )

    def repro(self) -> Step:
        frames = [
            (
                f"{self.dir}/repro.py",
                10,
                "<module>",
                f"print({self.model}.objects.filter({self.field}__isnull=False).count())",
            ),
            ("/testbed/django/db/models/query.py", 412, "count", "return self.query.get_count(using=self.db)"),
            (
                "/testbed/django/db/backends/sqlite3/base.py",
                416,
                "execute",
                "return Database.Cursor.execute(self, query, params)",
            ),
        ]
        out = (
            "Traceback (most recent call last):\n"
            + "\n".join(frames_of(frames))
            + f"\ndjango.db.utils.OperationalError: no such column: {self.table}.{self.field}"
        )
        return Step(
            "Let me check the behaviour with the reproduction script against this database.",
            self._cd("python repro.py"),
            out,
            rc=1,
            seconds=1,
        )

    def zero(self) -> Step:
        out = f"Operations to perform:\n  Unapply all migrations: {self.app}\nRunning migrations:\n  Rendering model states... DONE\n  Unapplying {self.app}.{self.data}..."
        out += "Traceback (most recent call last):\n" + "\n".join(
            frames_of(
                [
                    (f"{self.dir}/manage.py", 22, "<module>", "main()"),
                    (
                        "/testbed/django/db/migrations/executor.py",
                        245,
                        "unapply_migration",
                        "state = migration.unapply(state, schema_editor)",
                    ),
                    (
                        "/testbed/django/db/migrations/operations/special.py",
                        200,
                        "database_backwards",
                        'raise NotImplementedError("You cannot reverse this operation")',
                    ),
                ]
            )
        )
        out += f"\ndjango.db.migrations.exceptions.IrreversibleError: Operation <RunPython <function populate at 0x7f{hexid(self.rng, 10)}>> in {self.app}.{self.data} is not reversible"
        return Step(
            "Let me roll the app back to zero and apply everything again from scratch.",
            self._cd(f"python manage.py migrate {self.app} zero"),
            out,
            rc=1,
            seconds=2,
        )

    def fresh(self) -> Step:
        self.faked = self.stale = False
        if self.conflict:
            return Step(
                "Let me delete the database and migrate from an empty one.",
                self._cd("rm -f db.sqlite3 && python manage.py migrate"),
                self._conflicting(),
                rc=1,
                seconds=1.5,
            )
        out = self._traceback(
            self.data,
            f"django.db.utils.OperationalError: no such column: {self.table}.{self.field}",
            f"OperationalError: no such column: {self.table}.{self.field}",
        )
        out = out.replace(
            "Running migrations:\n",
            "Running migrations:\n  Applying contenttypes.0001_initial... OK\n  Applying auth.0001_initial... OK\n  Applying {app}.0001_initial... OK\n".replace(
                "{app}", self.app
            ),
            1,
        )
        return Step(
            "Let me delete the database and migrate from an empty one.",
            self._cd("rm -f db.sqlite3 && python manage.py migrate"),
            out,
            rc=1,
            seconds=3,
        )

    def regenerate(self) -> Step:
        self.n, self.conflict, self.faked, self.stale = 2, False, False, True
        out = (
            f"Migrations for '{self.app}':\n  {self.app}/migrations/0001_initial.py\n    - Create model {self.model}\n"
            + self._traceback(
                "0001_initial",
                f'django.db.utils.OperationalError: table "{self.table}" already exists',
                f'OperationalError: table "{self.table}" already exists',
            )
        )
        return Step(
            "The migration history is a mess. Let me delete the app's migrations, regenerate a single initial one, and migrate.",
            self._cd(
                f"rm -f {self.app}/migrations/0*.py && python manage.py makemigrations {self.app} && python manage.py migrate"
            ),
            out,
            rc=1,
            seconds=3,
        )

    def squash(self) -> Step:
        last = f"{self.n - 1:04d}"
        out = f"Will squash the following migrations:\n - 0001_initial\n - {self.added}\n - {self.data}\nOptimizing...\n  Optimized from {self.rng.randint(4, 7)} operations to {self.rng.randint(2, 3)} operations.\nCreated new squashed migration {self.dir}/{self.app}/migrations/0001_squashed_{last}_{self.rng.choice(['merge', 'auto'])}.py\n"
        out += "  You should commit this migration but leave the old ones in place;\n  the new migration will be used for new installs. Once you are sure\n  all instances of the codebase have applied the migrations you squashed,\n  you can delete them.\nManual porting required\n  Your migrations contained functions that must be manually copied over,\n  as we could not safely copy their implementation.\n  See the comment at the top of the squashed migration for details."
        return Step(
            "Maybe squashing collapses the branches into one clean migration.",
            self._cd(f"python manage.py squashmigrations {self.app} {last} --noinput"),
            out,
            seconds=2,
        )

    def depend(self) -> Step:
        self.conflict = False
        return Step(
            f"The data migration must run after the field exists. Let me make {self.data} depend on {self.added} instead of 0001.",
            self._cd(
                f"sed -i \"s/('{self.app}', '0001_initial')/('{self.app}', '{self.added}')/\" {self.app}/migrations/{self.data}.py"
            ),
            "",
            seconds=0.1,
        )

    # Looks.


def migration_state_drift(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    project = Drift(ctx, rng)
    tail = Tail(rng, length)
    for step in (project.setup(), project.branch(), project.migrate()):
        tail.add(step)
    attempts = Deck(
        rng,
        [
            project.merge,
            project.makemigrations,
            project.fake,
            project.zero,
            project.fresh,
            project.regenerate,
            project.squash,
            project.depend,
            project.merge,
            project.repro,
        ],
    )
    looks = Deck(rng, [project.show, project.listing, project.columns])
    while not tail.full:
        last = tail.steps[-1].command
        if (
            any(word in last for word in ("--merge", "makemigrations", "squash", "--fake", "sed -i"))
            and "migrate -v" not in last
        ):
            tail.add(project.repro() if project.faked and rng.random() < 0.5 else project.migrate())
        else:
            tail.add(looks.deal()() if rng.random() < 0.3 else attempts.deal()())
    return tail.end(
        rng.choice(
            [
                "the migration state",
                "getting the scratch project's migrations to apply",
                "the migrations and the database disagreeing",
            ]
        )
    )


def migration_merged(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Two 0002 migrations from two edits, merged once; migrate then applies everything."""
    project = Drift(ctx, rng)
    model = project.model.lower()
    other = f"0002_alter_{model}_title"
    by_hand = (
        f"from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{project.app}', '0001_initial')]\n"
        f"    operations = [migrations.AlterField(model_name='{model}', name='title', field=models.CharField(max_length=255))]\n"
    )
    steps = [project.setup(), project.branch()]
    steps[-1] = Step(
        f"Now add a `{project.field}` field, and widen `title` in a migration of its own.",
        project._cd(
            f"sed -i '/created = /a\\    {project.field} = models.CharField(max_length=50, null=True)' {project.app}/models.py && sed -i 's/max_length=200/max_length=255/' {project.app}/models.py && "
            f"python manage.py makemigrations {project.app} --name {model}_{project.field} && cat > {project.app}/migrations/{other}.py <<'EOF'\n{by_hand}EOF\n{project.script()}"
        ),
        f"Migrations for '{project.app}':\n  {project.app}/migrations/{project.added}.py\n    - Add field {project.field} to {model}\n    - Alter field title on {model}",
        seconds=2,
    )
    leaves = ", ".join(sorted([other, project.added]))
    conflict = f"CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: ({leaves} in {project.app}).\nTo fix them run 'python manage.py makemigrations --merge'"
    steps.append(
        Step("Let me apply the migrations.", project._cd("python manage.py migrate"), conflict, rc=1, seconds=1.5)
    )
    merge = f"0003_merge_{project._stamp()}"
    branches = f"  Branch {other}\n    - Alter field title on {model}\n  Branch {project.added}\n    - Add field {project.field} to {model}\n    - Alter field title on {model}"
    steps.append(
        Step(
            "Two 0002 migrations branch from 0001; both changes are independent, so a merge migration is the right fix.",
            project._cd(f"python manage.py makemigrations {project.app} --merge --noinput"),
            f"Merging {project.app}\n{branches}\n\nCreated new merge migration {project.dir}/{project.app}/migrations/{merge}.py",
            seconds=1.5,
        )
    )
    applied = "\n".join(f"  Applying {project.app}.{name}... OK" for name in [*sorted([other, project.added]), merge])
    steps.append(
        Step(
            "Now migrate.",
            project._cd("python manage.py migrate"),
            f"Operations to perform:\n  Apply all migrations: admin, auth, contenttypes, {project.app}, sessions\nRunning migrations:\n{applied}",
            seconds=2.5,
        )
    )
    steps.append(
        Step(
            "Migrations apply cleanly. Let me run the reproduction against the project.",
            project._cd("python repro.py"),
            str(rng.randint(0, 3)),
            seconds=1,
        )
    )
    return steps

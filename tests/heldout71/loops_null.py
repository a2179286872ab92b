# ruff: noqa: E501
"""Loop family on nullability: a unique NOT NULL column added to a table with rows, the failed migration left pending."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import churn, db_error, project_looker, trace
from heldout71.text import Attempt, Ctx, Op, made, mig_name, models_py, py_edit, setup


def not_null_default_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A unique NOT NULL column for a table with rows: no default, one shared default, nullable, then not null again; the failed migration stays pending."""
    proj, app, model = ctx.proj, ctx.app, ctx.lower
    field, decl = rng.choice(
        [
            ("slug", "models.SlugField(max_length=80, unique=True)"),
            ("code", "models.CharField(max_length=12, unique=True)"),
            ("external_id", "models.UUIDField(unique=True)"),
        ]
    )
    models = models_py(ctx, f"    {field} = {decl}\n", "import uuid\n" if "UUID" in decl else "")
    names = ["0001_initial"]
    state = {"added": False, "pending": ""}
    modern = ctx.version >= (4, 0)
    default = {"slug": "''", "code": "'TBD'", "external_id": "uuid.uuid4"}[field]
    one = " 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)"
    if modern:
        add_menu = f"It is impossible to add a non-nullable field '{field}' to {model} without specifying a default. This is because the database needs something to populate existing rows.\nPlease select a fix:\n{one}\n 2) Quit and manually define a default value in models.py."
        alter_menu = f"It is impossible to change a nullable field '{field}' on {model} to non-nullable without providing a default. This is because the database needs something to populate existing rows.\nPlease select a fix:\n{one}\n 2) Ignore for now. Existing rows that contain NULL values will have to be handled manually, for example with a RunPython or RunSQL operation.\n 3) Quit and manually define a default value in models.py."
        enter = "Please enter the default value as valid Python.\nThe datetime and django.utils.timezone modules are available, so it is possible to provide e.g. timezone.now as a value.\nType 'exit' to exit this prompt\n>>> "
    else:
        add_menu = f"You are trying to add a non-nullable field '{field}' to {model} without a default; we can't do that (the database needs something to populate existing rows).\nPlease select a fix:\n{one}\n 2) Quit, and let me add a default in models.py"
        alter_menu = f"You are trying to change the nullable field '{field}' on {model} to non-nullable without a default; we can't do that (the database needs something to populate existing rows).\nPlease select a fix:\n{one}\n 2) Ignore for now, and let me handle existing rows with NULL myself (e.g. because you added a RunPython or RunSQL operation to handle NULL values in a previous data migration)\n 3) Quit, and let me add a default in models.py"
        enter = "Please enter the default value now, as valid Python\nThe datetime and django.utils.timezone modules are available, so you can do e.g. timezone.now\nType 'exit' to exit this prompt\n>>> "
    nothing = f"No changes detected in app '{app}'"

    def refused(thought: str) -> Step:
        if state["added"]:
            return Step(thought, ctx.manage(f"makemigrations {app} --noinput"), nothing)
        if not modern:
            return Step(thought, ctx.manage(f"makemigrations {app} --noinput; echo rc=$?"), "rc=3")
        return Step(
            thought,
            ctx.manage(f"makemigrations {app} --noinput"),
            f"Field '{field}' on model '{model}' not migrated: it is impossible to add a non-nullable field without specifying a default.",
            rc=3,
        )

    def prompt(thought: str) -> Step:
        if state["added"]:
            return Step(thought, ctx.manage(f"makemigrations {app}"), nothing)
        frames = [
            (
                "/testbed/django/db/migrations/autodetector.py",
                "_generate_added_field",
                "field.default = self.questioner.ask_not_null_addition(field_name, model_name)",
            ),
            ("/testbed/django/db/migrations/questioner.py", "ask_not_null_addition", "choice = self._choice_input("),
            ("/testbed/django/db/migrations/questioner.py", "_choice_input", "result = input()"),
        ]
        return Step(
            thought,
            ctx.manage(f"makemigrations {app}"),
            f"{add_menu}\nSelect an option: "
            + trace(ctx, rng, "makemigrations", frames, "EOFError: EOF when reading a line"),
            rc=1,
        )

    def make_and_migrate(thought: str, kind: str, command: str = "", head: str = "", ok: bool = False) -> Step:
        op = Op("AlterField" if state["added"] else "AddField", ctx.child, field)
        new = mig_name(ctx, rng, len(names) + 1, [op])
        names.append(new)
        state["added"] = True
        failing = state["pending"] or new
        out = (
            head
            + made(ctx, new, [op])
            + f"\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n"
        )
        if ok and not state["pending"]:
            return Step(
                thought,
                command or ctx.manage(f"makemigrations {app} --noinput && python manage.py migrate {app}"),
                out + f"  Applying {app}.{new}... OK",
            )
        state["pending"] = failing
        kind = "unique" if failing != new else kind
        error = f"django.db.utils.IntegrityError: {'NOT NULL' if kind == 'null' else 'UNIQUE'} constraint failed: new__{app}_{model}.{field}"
        frames = [
            (
                "/testbed/django/db/migrations/operations/fields.py",
                "database_forwards",
                "schema_editor.add_field("
                if failing == names[1]
                else "schema_editor.alter_field(from_model, from_field, to_field)",
            ),
            (
                "/testbed/django/db/backends/sqlite3/schema.py",
                "_remake_table",
                'self.execute("INSERT INTO %s (%s) SELECT %s FROM %s" % (',
            ),
        ]
        return Step(
            thought,
            command or ctx.manage(f"makemigrations {app} --noinput && python manage.py migrate {app}"),
            out + f"  Applying {app}.{failing}..." + db_error(ctx, rng, frames, error),
            rc=1,
        )

    def with_default(k: int) -> list[Step]:
        return [
            Step(
                f"Give {field} a default in the model so existing rows get a value.",
                py_edit(f"{proj}/{app}/models.py", "unique=True)", f"unique=True, default={default})"),
                "patched",
            ),
            make_and_migrate(
                rng.choice(
                    ["Make and apply the migration.", "Generate it and migrate.", "Now makemigrations and migrate."]
                ),
                "unique",
            ),
        ]

    def answered(k: int) -> list[Step]:
        if state["added"]:
            return start_over(k)
        value = {"slug": "''", "code": "'TBD'", "external_id": "uuid.uuid4()"}[field]
        command = f"cd {proj} && printf '1\\n{value}\\n' | python manage.py makemigrations {app} && python manage.py migrate {app}"
        return [
            make_and_migrate(
                "Answer the prompt with a one-off default through stdin.",
                "unique",
                command,
                f"{add_menu}\nSelect an option: {enter}",
            )
        ]

    def nullable(k: int) -> list[Step]:
        steps = [
            make_and_migrate(
                f"Make {field} nullable so the column can be added without a value.",
                "unique",
                f"cd {proj} && sed -i 's/unique=True[^)]*)/unique=True, null=True)/' {app}/models.py && python manage.py makemigrations {app} --noinput && python manage.py migrate {app}",
                ok=True,
            )
        ]
        if steps[0].rc:
            return steps
        return [
            *steps,
            Step(
                "That applies, but the column has to be NOT NULL. Take null=True off again.",
                f"sed -i 's/, null=True)/)/' {proj}/{app}/models.py && grep -n '{field} =' {proj}/{app}/models.py",
                f"{rng.randint(12, 16)}:    {field} = {decl}",
            ),
            make_and_migrate(
                "Make the migration that tightens it and apply it.",
                "null",
                "",
                f"Field '{field}' on model '{model}' not migrated: it is impossible to change a nullable field to non-nullable without providing a default.\n"
                if modern
                else "",
            ),
        ]

    def ignore(k: int) -> list[Step]:
        if not state["added"]:
            return with_default(k)
        command = (
            f"cd {proj} && printf '2\\n' | python manage.py makemigrations {app} && python manage.py migrate {app}"
        )
        return [
            make_and_migrate(
                "Pick 'ignore for now' at the prompt and let the migration through.",
                "null",
                command,
                f"{alter_menu}\nSelect an option: ",
            )
        ]

    def start_over(k: int) -> list[Step]:
        gone = names[1:] or [f"0002_{model}_{field}"]
        del names[1:]
        state.update(added=False, pending="")
        listing = "\n".join(["__init__.py", "__pycache__", "0001_initial.py"])
        return [
            Step(
                f"The migrations for {field} are piling up. Delete them; none of them got applied.",
                f"cd {proj} && rm -f {' '.join(f'{ctx.migs}/{m}.py' for m in gone)} && python manage.py showmigrations {app} && ls {ctx.migs}",
                f"{app}\n [X] 0001_initial\n{listing}",
            ),
            rng.choice([refused, prompt])(
                rng.choice(
                    [
                        "Generate the field's migration once more.",
                        "And make the migration again.",
                        "Make the migration for it again.",
                    ]
                )
            ),
        ]

    rows = Step(
        "Put a few rows in first, like a real table would have.",
        f"cd {proj} && python manage.py shell -c \"from {app}.models import {ctx.models[0]}, {ctx.child}; p = {ctx.models[0]}.objects.create(name='x'); [{ctx.child}.objects.create({ctx.models[0].lower()}=p, title='t%d' % i) for i in range(3)]; print({ctx.child}.objects.count())\"",
        "3",
    )
    first = [
        setup(
            ctx,
            rng,
            "Let me check this in a small project with migrations.",
            models_py(ctx, "", "import uuid\n" if "UUID" in decl else ""),
        ),
        rows,
        Step(
            f"Now add the {field} field the issue needs.",
            f"echo '    {field} = {decl}' >> {proj}/{app}/models.py && tail -2 {proj}/{app}/models.py",
            f"    title = models.CharField(max_length=200)\n    {field} = {decl}",
        ),
        refused("Make its migration."),
    ]
    attempts: list[Attempt] = [
        with_default,
        answered,
        nullable,
        ignore,
        start_over,
        lambda k: [prompt("Run makemigrations interactively to see the options.")],
        lambda k: [refused("Make the migration.")],
    ]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        f"adding the unique non-null {field} column",
        project_looker(
            ctx, rng, names, models, lambda: names[: names.index(state["pending"])] if state["pending"] else list(names)
        ),
    )

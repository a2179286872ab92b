# ruff: noqa: E501
"""Loop family on data migrations: a RunPython that reaches past the historical models it is given."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import addr, churn, db_error, project_looker, trace
from heldout71.text import Attempt, Ctx, Op, made, models_py, py_edit, setup

_MIGRATE = [
    (
        "/testbed/django/db/migrations/operations/special.py",
        "database_forwards",
        "self.code(from_state.apps, schema_editor)",
    )
]


def runpython_historical_model_gap(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A data migration filling a new column: the real model's later columns, the historical model's missing method and manager, mixed instances."""
    proj, app, child, parent = ctx.proj, ctx.app, ctx.child, ctx.models[0]
    field = rng.choice(["slug", "sort_key", "display_name"])
    later = rng.choice(["rating", "archived", "isbn"])
    names = ["0001_initial", f"0002_{ctx.lower}_{field}", f"0003_populate_{field}", f"0004_{ctx.lower}_{later}"]
    data = names[2]
    where = f"{ctx.root}/{ctx.migs}/{data}.py"
    body = f"    {field} = models.CharField(max_length=200, blank=True)\n    {later} = models.IntegerField(default=0)\n\n    objects = models.Manager()\n    visible = VisibleManager()\n\n    def make_{field}(self):\n        return slugify('%s %s' % (self.{parent.lower()}.name, self.title))\n"
    models = models_py(
        ctx,
        body,
        "from django.utils.text import slugify\n\n\nclass VisibleManager(models.Manager):\n    def get_queryset(self):\n        return super().get_queryset().filter(title__gt='')\n",
    )
    without = models.replace(f"    {later} = models.IntegerField(default=0)\n", "")
    state = {"reversible": False, "applied": False, "started": False, "managers": False}
    fn = f"populate_{field}"

    def failure(kind: str) -> str:
        frames = [*_MIGRATE, (where, fn, "")]
        if kind == "real":
            frames[-1] = (where, fn, f"for obj in {child}.objects.all():")
            frames += [
                ("/testbed/django/db/models/query.py", "__iter__", "self._fetch_all()"),
                ("/testbed/django/db/models/sql/compiler.py", "execute_sql", "cursor.execute(sql, params)"),
            ]
            return db_error(
                ctx, rng, frames, f"django.db.utils.OperationalError: no such column: {app}_{ctx.lower}.{later}"
            )
        if kind == "method":
            frames[-1] = (where, fn, f"obj.{field} = obj.make_{field}()")
            return trace(
                ctx, rng, "migrate", frames, f"AttributeError: '{child}' object has no attribute 'make_{field}'"
            )
        if kind == "manager":
            frames[-1] = (where, fn, f"for obj in {child}.visible.all():")
            return trace(
                ctx, rng, "migrate", frames, f"AttributeError: type object '{child}' has no attribute 'visible'"
            )
        if kind == "mixed":
            frames[-1] = (where, fn, f"obj.{parent.lower()} = {parent}.objects.get(pk=obj.{parent.lower()}_id)")
            frames.append(("/testbed/django/db/models/fields/related_descriptors.py", "__set__", "raise ValueError("))
            return trace(
                ctx,
                rng,
                "migrate",
                frames,
                f'ValueError: Cannot assign "<{parent}: {parent} object (1)>": "{child}.{parent.lower()}" must be a "{parent}" instance.',
            )
        if kind == "auth":
            frames[-1] = (where, fn, "User = apps.get_model('auth', 'User')")
            frames.append(
                (
                    "/testbed/django/db/migrations/state.py",
                    "get_model",
                    "return self.get_app_config(app_label).get_model(model_name, require_ready=require_ready)",
                )
            )
            return trace(ctx, rng, "migrate", frames, "LookupError: No installed app with label 'auth'.")
        frames = [
            (
                "/testbed/django/db/migrations/operations/fields.py",
                "database_forwards",
                "schema_editor.alter_field(from_model, from_field, to_field)",
            )
        ]
        return db_error(
            ctx,
            rng,
            frames,
            f"django.db.utils.IntegrityError: UNIQUE constraint failed: new__{app}_{ctx.lower}.{field}",
        )

    def forward(thought: str, kind: str, back: bool = False) -> Step:
        target = rng.choice([f"migrate {app}", "migrate", f"migrate {app} {data}"])
        scope = (
            f"Target specific migration: {data}, from {app}"
            if target.endswith(data)
            else f"Apply all migrations: {'' if target.endswith(app) else 'auth, contenttypes, '}{app}"
        )
        first = "" if state["started"] else f"  Applying {app}.{names[1]}... OK\n"
        state["started"] = True
        head = f"Operations to perform:\n  {scope}\nRunning migrations:\n{first}  Applying {app}.{data}..."
        command = ctx.manage(target)
        if back:
            command = f"cd {proj} && python manage.py migrate {app} {names[1]} && python manage.py {target}"
            down = f"Operations to perform:\n  Target specific migration: {names[1]}, from {app}\nRunning migrations:\n"
            if not state["applied"]:
                head = down + "  No migrations to apply.\n" + head
            elif not state["reversible"]:
                error = f"django.db.migrations.exceptions.IrreversibleError: Operation <RunPython <function {fn} at {addr(rng)}>> in {app}.{data} is not reversible"
                rolled = (
                    down
                    + f"  Rendering model states... DONE\n  Unapplying {app}.{names[3]}... OK\n  Unapplying {app}.{data}..."
                )
                return Step(
                    thought,
                    command,
                    rolled
                    + trace(
                        ctx,
                        rng,
                        "migrate",
                        [
                            (
                                "/testbed/django/db/migrations/executor.py",
                                "unapply_migration",
                                "state = migration.unapply(state, schema_editor)",
                            ),
                            ("/testbed/django/db/migrations/migration.py", "unapply", "raise IrreversibleError("),
                        ],
                        error,
                    ),
                    rc=1,
                )
            else:
                state["applied"] = False
                head = (
                    down
                    + f"  Rendering model states... DONE\n  Unapplying {app}.{names[3]}... OK\n  Unapplying {app}.{data}... OK\n"
                    + head
                )
        elif state["applied"]:
            return Step(
                thought, command, f"Operations to perform:\n  {scope}\nRunning migrations:\n  No migrations to apply."
            )
        return Step(thought, command, head + failure(kind), rc=1)

    def skip(k: int) -> list[Step]:
        if state["applied"]:
            return reversible(k)
        state["applied"] = True
        return [
            Step(
                f"Let me fake {data} to get past it and check the rest of the chain applies.",
                f"cd {proj} && python manage.py migrate {app} {data} --fake && python manage.py migrate {app}",
                f"Operations to perform:\n  Target specific migration: {data}, from {app}\nRunning migrations:\n  Applying {app}.{data}... FAKED\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{names[3]}... OK",
            ),
            Step(
                f"The rest applies. But {field} is still empty on the rows, so the data migration must really run.",
                f"cd {proj} && python manage.py shell -c \"from {app}.models import {child}; print(list({child}.objects.values_list('{field}', flat=True)))\"",
                "['', '', '']",
            ),
        ]

    def edit(k: int) -> list[Step]:
        old, new, why, kind = rng.choice(
            [
                (
                    f"def {fn}(apps, schema_editor):\n",
                    f"def {fn}(apps, schema_editor):\n    {child} = apps.get_model('{app}', '{child}')\n",
                    f"Use the historical model from apps instead of the imported {child}",
                    "method",
                ),
                (
                    f"    {child} = apps.get_model('{app}', '{child}')\n",
                    "",
                    f"Go back to the imported {child} so make_{field} is there",
                    "real",
                ),
                (
                    f"obj.{field} = obj.make_{field}()",
                    f"obj.{field} = slugify(obj.title)",
                    f"Inline what make_{field} does",
                    rng.choice(["manager", "real"]),
                ),
                (
                    f"for obj in {child}.objects.all():",
                    f"for obj in {child}.visible.all():",
                    "Only the visible rows need the value, like the model does",
                    "manager",
                ),
                (
                    "class VisibleManager(models.Manager):\n",
                    "class VisibleManager(models.Manager):\n    use_in_migrations = True\n\n",
                    "Make the manager available in migrations with use_in_migrations",
                    "manager",
                ),
                (
                    f"    {child} = apps.get_model('{app}', '{child}')\n",
                    f"    {child} = apps.get_model('{app}', '{child}')\n    {parent} = __import__('{app}.models', fromlist=['{parent}']).{parent}\n",
                    f"Fetch the {parent.lower()} explicitly for the name",
                    "mixed",
                ),
                (
                    f"    {child} = apps.get_model('{app}', '{child}')\n",
                    f"    {child} = apps.get_model('{app}', '{child}')\n    User = apps.get_model('auth', 'User')\n",
                    "Record who created the value, as the real save() does",
                    "auth",
                ),
            ]
        )
        path = f"{proj}/{app}/models.py" if "VisibleManager" in old else f"{proj}/{ctx.migs}/{data}.py"
        return [Step(f"{why}.", py_edit(path, old, new), "patched"), forward("Migrate.", kind, rng.random() < 0.5)]

    def reversible(k: int) -> list[Step]:
        if state["reversible"]:
            return [
                forward(
                    rng.choice(["Back over it and forward once more.", "Down to the field's migration and up again."]),
                    rng.choice(["method", "real", "manager", "mixed"]),
                    True,
                )
            ]
        state["reversible"] = True
        return [
            Step(
                "To re-run the data migration I have to be able to go back over it. Give it a no-op reverse.",
                py_edit(
                    f"{proj}/{ctx.migs}/{data}.py",
                    f"migrations.RunPython({fn})",
                    f"migrations.RunPython({fn}, migrations.RunPython.noop)",
                ),
                "patched",
            ),
            forward("Back over it and forward again.", rng.choice(["method", "real", "manager", "mixed"]), True),
        ]

    def managers(k: int) -> list[Step]:
        if state["managers"]:
            return edit(k)
        state["managers"] = True
        name = f"0005_alter_{ctx.lower}_managers" if ctx.version >= (4, 0) else f"0005_auto_{ctx.stamp(rng)}"
        names.append(name)
        return [
            Step(
                rng.choice(
                    [
                        "With use_in_migrations the manager has to be in a migration. Make it.",
                        "The manager only reaches the historical model through a migration. Generate it.",
                    ]
                ),
                ctx.manage(f"makemigrations {app}"),
                f"Migrations for '{app}':\n  {ctx.migs}/{name}.py\n    - Change managers on {ctx.lower}",
            ),
            forward(
                f"The managers are recorded in 0005 now, after {data}. Migrate anyway.", "manager", rng.random() < 0.4
            ),
        ]

    def shell(k: int) -> Step:
        return Step(
            "Let me check what the historical model looks like at that point.",
            f"cd {proj} && python manage.py shell -c \"from django.db import connection; from django.db.migrations.loader import MigrationLoader; s = MigrationLoader(connection).project_state(('{app}', '{data}')); M = s.apps.get_model('{app}', '{child}'); print([f.name for f in M._meta.get_fields()], hasattr(M, 'make_{field}'), [m.name for m in M._meta.managers])\"",
            f"['id', '{parent.lower()}', 'title', '{field}'] False ['objects']",
        )

    migration = f"from django.db import migrations\n\nfrom {app}.models import {child}\n\n\ndef {fn}(apps, schema_editor):\n    for obj in {child}.objects.all():\n        obj.{field} = obj.make_{field}()\n        obj.save(update_fields=['{field}'])\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{app}', '{names[1]}')]\n\n    operations = [migrations.RunPython({fn})]\n"
    rows = Step(
        "Give it some rows so the data migration has work to do.",
        f"cd {proj} && python manage.py shell -c \"from {app}.models import {parent}, {child}; p = {parent}.objects.create(name='x'); [{child}.objects.create({parent.lower()}=p, title=t) for t in ('One', 'Two', 'Three')]; print({child}.objects.count())\"",
        "3",
    )
    first = [
        setup(ctx, rng, "Let me reproduce with a data migration in a small project.", models_py(ctx)),
        rows,
        Step(
            f"Add {field} and {later} to the model, a migration for {field}, the data migration filling it, then {later}.",
            f"cat > {proj}/{app}/models.py <<'EOF'\n{without}EOF\ncd {proj} && python manage.py makemigrations {app} -n {ctx.lower}_{field} && cat > {ctx.migs}/{data}.py <<'EOF'\n{migration}EOF\nsed -i \"s/^    {field} = .*/&\\n    {later} = models.IntegerField(default=0)/\" {app}/models.py && python manage.py makemigrations {app}",
            made(ctx, names[1], [Op("AddField", child, field)])
            + "\n"
            + made(ctx, names[3], [Op("AddField", child, later)]),
        ),
        forward("Migrate.", "real"),
    ]
    attempts: list[Attempt] = [edit, edit, edit, reversible, managers, lambda k: [shell(k)], edit, skip]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        f"the data migration filling {field}",
        project_looker(ctx, rng, names, models, lambda: names[:4] if state["applied"] else names[:2]),
    )

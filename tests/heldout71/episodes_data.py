# ruff: noqa: E501
"""Productive look-alikes on data and state: a backfill, a NOT NULL column, the autodetector's tests, each failing once or twice and then done."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import Fail, db_error, suite, trace
from heldout71.text import Ctx, Op, applied, made, mig_name, models_py, py_edit, setup

_MIGRATE = [
    (
        "/testbed/django/db/migrations/operations/special.py",
        "database_forwards",
        "self.code(from_state.apps, schema_editor)",
    )
]


def _rows(ctx: Ctx, titles: list[str]) -> Step:
    parent, child = ctx.models[0], ctx.child
    return Step(
        "Some rows first, so the migrations have data to work on.",
        f"cd {ctx.proj} && python manage.py shell -c \"from {ctx.app}.models import {parent}, {child}; p = {parent}.objects.create(name='x'); [{child}.objects.create({parent.lower()}=p, title=t) for t in {tuple(titles)!r}]; print({child}.objects.count())\"",
        str(len(titles)),
    )


def backfill_through_get_model(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A data migration that imported the model: a missing column once, maybe a missing method once, then the historical model and inline logic."""
    proj, app, child = ctx.proj, ctx.app, ctx.child
    field = rng.choice(["slug", "sort_key", "display_name"])
    later = rng.choice(["rating", "archived", "isbn"])
    titles = rng.sample(["One", "Two", "Three", "Four", "Five"], 3)
    names = ["0001_initial", f"0002_{ctx.lower}_{field}", f"0003_populate_{field}", f"0004_{ctx.lower}_{later}"]
    data, fn = names[2], f"populate_{field}"
    where = f"{ctx.root}/{ctx.migs}/{data}.py"
    models = models_py(
        ctx,
        f"    {field} = models.CharField(max_length=200, blank=True)\n\n    def make_{field}(self):\n        return slugify(self.title)\n",
        "from django.utils.text import slugify\n",
    )
    migration = f"from django.db import migrations\n\nfrom {app}.models import {child}\n\n\ndef {fn}(apps, schema_editor):\n    for obj in {child}.objects.all():\n        obj.{field} = obj.make_{field}()\n        obj.save(update_fields=['{field}'])\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{app}', '{names[1]}')]\n\n    operations = [migrations.RunPython({fn})]\n"
    head = f"Operations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{names[1]}... OK\n  Applying {app}.{data}..."
    real = [
        *_MIGRATE,
        (where, fn, f"for obj in {child}.objects.all():"),
        ("/testbed/django/db/models/query.py", "__iter__", "self._fetch_all()"),
        ("/testbed/django/db/models/sql/compiler.py", "execute_sql", "cursor.execute(sql, params)"),
    ]
    steps = [
        setup(ctx, rng, "Let me exercise the change through a data migration in a small project.", models_py(ctx)),
        _rows(ctx, titles),
        Step(
            f"Add {field}, a migration for it, the data migration filling it, then {later} in its own migration.",
            f"cat > {proj}/{app}/models.py <<'EOF'\n{models}EOF\ncd {proj} && python manage.py makemigrations {app} -n {ctx.lower}_{field} && cat > {ctx.migs}/{data}.py <<'EOF'\n{migration}EOF\nsed -i \"s/^    {field} = .*/&\\n    {later} = models.IntegerField(default=0)/\" {app}/models.py && python manage.py makemigrations {app}",
            made(ctx, names[1], [Op("AddField", child, field)])
            + "\n"
            + made(ctx, names[3], [Op("AddField", child, later)]),
        ),
        Step(
            "Migrate.",
            ctx.manage(f"migrate {app}"),
            head
            + db_error(ctx, rng, real, f"django.db.utils.OperationalError: no such column: {app}_{ctx.lower}.{later}"),
            rc=1,
        ),
    ]
    head = head.replace(f"  Applying {app}.{names[1]}... OK\n", "")
    use = f"def {fn}(apps, schema_editor):\n    {child} = apps.get_model('{app}', '{child}')\n"
    if rng.random() < 0.5:
        steps += [
            Step(
                f"The imported {child} is today's model, which has {later}, a column that doesn't exist yet at this point of the history. A migration must use the historical model from apps.",
                f"cd {proj} && sed -i '/^from {app}.models import/d' {ctx.migs}/{data}.py && "
                + py_edit(f"{ctx.migs}/{data}.py", f"def {fn}(apps, schema_editor):\n", use),
                "patched",
            ),
            Step(
                "Migrate again.",
                ctx.manage(f"migrate {app}"),
                head
                + trace(
                    ctx,
                    rng,
                    "migrate",
                    [*_MIGRATE, (where, fn, f"obj.{field} = obj.make_{field}()")],
                    f"AttributeError: '{child}' object has no attribute 'make_{field}'",
                ),
                rc=1,
            ),
            Step(
                f"Right, historical models carry fields but not methods. Inline what make_{field} does.",
                f"cd {proj} && sed -i 's/obj.make_{field}()/slugify(obj.title)/' {ctx.migs}/{data}.py && sed -i '1a from django.utils.text import slugify' {ctx.migs}/{data}.py && head -12 {ctx.migs}/{data}.py",
                f"from django.db import migrations\nfrom django.utils.text import slugify\n\n\ndef {fn}(apps, schema_editor):\n    {child} = apps.get_model('{app}', '{child}')\n    for obj in {child}.objects.all():\n        obj.{field} = slugify(obj.title)\n        obj.save(update_fields=['{field}'])\n",
            ),
        ]
    else:
        fixed = f"from django.db import migrations\nfrom django.utils.text import slugify\n\n\ndef {fn}(apps, schema_editor):\n    {child} = apps.get_model('{app}', '{child}')\n    for obj in {child}.objects.all():\n        obj.{field} = slugify(obj.title)\n        obj.save(update_fields=['{field}'])\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{app}', '{names[1]}')]\n\n    operations = [migrations.RunPython({fn}, migrations.RunPython.noop)]\n"
        steps.append(
            Step(
                f"The imported {child} is the current model, with {later} that isn't there yet at this point. Use the historical model from apps, and since historical models have no custom methods, inline make_{field}; add a no-op reverse too.",
                f"cat > {proj}/{ctx.migs}/{data}.py <<'EOF'\n{fixed}EOF",
                "",
            )
        )
    steps += [
        Step(
            "Migrate.",
            ctx.manage(f"migrate {app}"),
            f"Operations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{data}... OK\n  Applying {app}.{names[3]}... OK",
        ),
        Step(
            "Check the rows got their values.",
            f"cd {proj} && python manage.py shell -c \"from {app}.models import {child}; print(list({child}.objects.order_by('pk').values_list('title', '{field}')))\"",
            str([(t, t.lower()) for t in titles]),
        ),
    ]
    if rng.random() < 0.5:
        if "RunPython.noop" not in steps[-3].command:
            steps.append(
                Step(
                    "Give it a no-op reverse so the app can be migrated backwards.",
                    py_edit(
                        f"{proj}/{ctx.migs}/{data}.py",
                        f"migrations.RunPython({fn})",
                        f"migrations.RunPython({fn}, migrations.RunPython.noop)",
                    ),
                    "patched",
                )
            )
        steps.append(
            Step(
                "Back over it and forward again.",
                f"cd {proj} && python manage.py migrate {app} {names[1]} && python manage.py migrate {app}",
                f"Operations to perform:\n  Target specific migration: {names[1]}, from {app}\nRunning migrations:\n  Rendering model states... DONE\n  Unapplying {app}.{names[3]}... OK\n  Unapplying {app}.{data}... OK\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{data}... OK\n  Applying {app}.{names[3]}... OK",
            )
        )
    return steps


def nullable_backfill_tighten(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A unique NOT NULL column refused, maybe a shared default failing once; then nullable, a backfill with distinct values, and NOT NULL."""
    proj, app, model, child = ctx.proj, ctx.app, ctx.lower, ctx.child
    field, decl, per_row = rng.choice(
        [
            ("slug", "models.SlugField(max_length=80, unique=True)", "slugify('%s-%s' % (obj.title, obj.pk))"),
            ("code", "models.CharField(max_length=12, unique=True)", "'C%05d' % obj.pk"),
            ("external_id", "models.UUIDField(unique=True)", "uuid.uuid4()"),
        ]
    )
    modern = ctx.version >= (4, 0)
    add = Op("AddField", child, field)
    alter = Op("AlterField", child, field)
    first = mig_name(ctx, rng, 2, [add])
    steps = [
        setup(
            ctx,
            rng,
            "Let me check this in a small project with migrations.",
            models_py(ctx, "", "import uuid\n" if "UUID" in decl else ""),
        ),
        _rows(ctx, [f"t{i}" for i in range(3)]),
        Step(
            f"Add the unique {field} field and make its migration.",
            f"echo '    {field} = {decl}' >> {proj}/{app}/models.py && cd {proj} && python manage.py makemigrations {app} --noinput; echo rc=$?",
            (
                f"Field '{field}' on model '{model}' not migrated: it is impossible to add a non-nullable field without specifying a default.\n"
                if modern
                else ""
            )
            + "rc=3",
        ),
    ]
    if rng.random() < 0.5:
        value = {"slug": "''", "code": "'TBD'", "external_id": "uuid.uuid4"}[field]
        error = f"django.db.utils.IntegrityError: UNIQUE constraint failed: new__{app}_{model}.{field}"
        frames = [
            ("/testbed/django/db/migrations/operations/fields.py", "database_forwards", "schema_editor.add_field("),
            (
                "/testbed/django/db/backends/sqlite3/schema.py",
                "_remake_table",
                'self.execute("INSERT INTO %s (%s) SELECT %s FROM %s" % (',
            ),
        ]
        steps += [
            Step(
                "Try a default for the existing rows.",
                f'sed -i "s/unique=True)/unique=True, default={value})/" {proj}/{app}/models.py && cd {proj} && python manage.py makemigrations {app} --noinput && python manage.py migrate {app}',
                made(ctx, first, [add])
                + f"\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{first}..."
                + db_error(ctx, rng, frames, error),
                rc=1,
            ),
            Step(
                f"Of course: one default is evaluated once and given to every row, and {field} is unique. Each row needs its own value, so: add it nullable, fill it per row, then make it NOT NULL. Remove the failed migration first; it was never applied.",
                f'rm {proj}/{ctx.migs}/{first}.py && sed -i "s/, default={value})/)/" {proj}/{app}/models.py && tail -1 {proj}/{app}/models.py',
                f"    {field} = {decl}",
            ),
        ]
    nullable = decl.replace("unique=True", "unique=True, null=True")
    backfill = f"import uuid\n\nfrom django.db import migrations\nfrom django.utils.text import slugify\n\n\ndef fill_{field}(apps, schema_editor):\n    {child} = apps.get_model('{app}', '{child}')\n    for obj in {child}.objects.filter({field}__isnull=True):\n        obj.{field} = {per_row}\n        obj.save(update_fields=['{field}'])\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{app}', '{first}')]\n\n    operations = [migrations.RunPython(fill_{field}, migrations.RunPython.noop)]\n"
    fill = f"0003_fill_{field}"
    last = mig_name(ctx, rng, 4, [alter])
    menu = (
        f"It is impossible to change a nullable field '{field}' on {model} to non-nullable without providing a default. This is because the database needs something to populate existing rows.\nPlease select a fix:\n 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n 2) Ignore for now. Existing rows that contain NULL values will have to be handled manually, for example with a RunPython or RunSQL operation.\n 3) Quit and manually define a default value in models.py.\nSelect an option: "
        if modern
        else f"You are trying to change the nullable field '{field}' on {model} to non-nullable without a default; we can't do that (the database needs something to populate existing rows).\nPlease select a fix:\n 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n 2) Ignore for now, and let me handle existing rows with NULL myself (e.g. because you added a RunPython or RunSQL operation to handle NULL values in a previous data migration)\n 3) Quit, and let me add a default in models.py\nSelect an option: "
    )
    steps += [
        Step(
            "Step one: the column nullable.",
            f"cd {proj} && sed -i 's/^    {field} = .*/    {field} = {nullable}/' {app}/models.py && python manage.py makemigrations {app} --noinput",
            made(ctx, first, [add]),
        ),
        Step(
            "Step two: a data migration giving every row its own value.",
            f"cd {proj} && python manage.py makemigrations {app} --empty -n fill_{field} && cat > {ctx.migs}/{fill}.py <<'EOF'\n{backfill}EOF",
            f"Migrations for '{app}':\n  {ctx.migs}/{fill}.py",
        ),
        Step(
            "Step three: NOT NULL again; at the prompt, 'ignore for now' is right because 0003 fills the rows.",
            f"cd {proj} && sed -i 's/, null=True)/)/' {app}/models.py && printf '2\\n' | python manage.py makemigrations {app}",
            menu + made(ctx, last, [alter]),
        ),
        Step(
            "Apply the three.",
            ctx.manage(f"migrate {app}"),
            applied(ctx, [first, fill, last]).replace("auth, contenttypes, ", ""),
        ),
        Step(
            "Verify: nothing pending, every row filled, all values distinct.",
            f"cd {proj} && python manage.py makemigrations --check {app} && python manage.py shell -c \"from {app}.models import {child}; v = list({child}.objects.values_list('{field}', flat=True)); print(len(v), len(set(v)), None in v)\"",
            f"No changes detected in app '{app}'\n3 3 False",
        ),
    ]
    return steps


def autodetector_rename_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The autodetector's rename tests fail after a change to deconstruct(), the same test again; the deconstructions printed; the kwarg made conditional; green."""
    module, cls = "migrations.test_autodetector", "AutodetectorTests"
    fields = "django/db/models/fields/__init__.py"
    case = rng.choice(
        ["test_rename_field", "test_rename_field_preserved_db_column", "test_rename_field_foreign_key_to_field"]
    )
    kwarg = rng.choice(["db_comment", "verbose_name", "db_column"])
    ops = "  testapp:\n    auto_1\n      <RemoveField  model_name='author', name='name'>\n      <AddField  model_name='author', name='names', field=<django.db.models.fields.CharField>, preserve_default=True>"
    failure = Fail(
        module,
        cls,
        case,
        'self.assertOperationTypes(changes, "testapp", 0, ["RenameField"])',
        "AssertionError: Operation type mismatch for testapp.auto_1 (expected ['RenameField']):\n" + ops,
        [("/testbed/tests/migrations/test_autodetector.py", "assertOperationTypes", "self.repr_changes(changes),")],
    )
    other = Fail(
        module,
        cls,
        "test_rename_model_with_renamed_rel_field",
        'self.assertNumberMigrations(changes, "testapp", 1)',
        "AssertionError: Incorrect number of migrations (2) for testapp (expected 1)\n" + ops,
        [("/testbed/tests/migrations/test_autodetector.py", "assertNumberMigrations", "self.repr_changes(changes),")],
    )
    line = rng.randint(480, 620)
    steps = [
        suite(
            ctx,
            rng,
            "My change touched Field.deconstruct(), so let me run the autodetector tests.",
            module,
            [failure, *([other] if rng.random() < 0.5 else [])],
        ),
        suite(
            ctx,
            rng,
            f"Run {case} alone to see it on its own.",
            f"{module}.{cls}.{case}",
            [failure],
            rng.choice(["", " --parallel 1", " -v 2"]),
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            suite(
                ctx,
                rng,
                "And once more, to be sure it isn't order-dependent.",
                f"{module}.{cls}.{case}",
                [failure],
                " --parallel 1 --reverse",
            )
        )
    steps += [
        Step(
            "A rename is only detected when the old and new fields deconstruct the same apart from the name. Let me print both deconstructions.",
            "cd tests && python -c \"import django; from django.conf import settings; settings.configure(); django.setup(); from django.db import models; a = models.CharField(max_length=200); a.set_attributes_from_name('name'); b = models.CharField(max_length=200); b.set_attributes_from_name('names'); print(a.deconstruct()[1:]); print(b.deconstruct()[1:])\"",
            f"('django.db.models.CharField', [], {{'max_length': 200, '{kwarg}': 'name'}})\n('django.db.models.CharField', [], {{'max_length': 200, '{kwarg}': 'names'}})",
        ),
        Step(
            f"There it is: my change always puts {kwarg} into the kwargs, derived from the field's name, so a renamed field never deconstructs equal. It should only be included when it was given explicitly.",
            f"grep -n \"kwargs\\['{kwarg}'\\]\" {fields}",
            f"{line}:        kwargs['{kwarg}'] = self.{kwarg} or self.name",
        ),
        Step(
            f"Only include {kwarg} when it was set.",
            py_edit(
                fields,
                f"        kwargs['{kwarg}'] = self.{kwarg} or self.name",
                f"        if self.{kwarg} is not None:\n            kwargs['{kwarg}'] = self.{kwarg}",
            ),
            "patched",
        ),
        suite(ctx, rng, f"Rerun {case}.", f"{module}.{cls}.{case}", []),
        suite(ctx, rng, "And the whole autodetector module.", module, []),
    ]
    if rng.random() < 0.5:
        steps.append(
            suite(
                ctx,
                rng,
                "The rest of the migrations tests too, since deconstruct() feeds the writer and the state.",
                "migrations",
                [],
                "",
                rng.randint(600, 900),
            )
        )
    return steps

# ruff: noqa: E501
"""Productive look-alikes in a scratch project: a field re-detected, two leaves, a squash, each met once or twice and then settled."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import trace
from heldout71.text import Ctx, Op, applied, made, merge_name, mig_name, models_py, py_edit, setup, squash_history

_STATUSES = ("draft", "published", "archived", "review", "hidden")


def choices_order_pinned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """makemigrations finds the field changed once or twice; two dry runs side by side show why; the value pinned, one migration, clean checks."""
    proj, app = ctx.proj, ctx.app
    uuid_cause = rng.random() < 0.3
    values = rng.sample(_STATUSES, rng.randint(3, 4))
    if uuid_cause:
        name, header = "external_id", "import uuid\n"
        line = "    external_id = models.UUIDField(default=uuid.uuid4(), unique=True)\n"
    else:
        name, header = "status", f"\nSTATUSES = {{{', '.join(repr(v) for v in values)}}}\n"
        line = "    status = models.CharField(max_length=16, choices=[(s, s.title()) for s in STATUSES], default='draft')\n"
    names = ["0001_initial"]
    op = Op("AlterField", ctx.child, name)

    def detected(thought: str, command: str) -> Step:
        return Step(thought, command, made(ctx, mig_name(ctx, rng, len(names) + 1, [op]), [op]), rc=1)

    def value() -> str:
        if uuid_cause:
            return f"default=uuid.UUID('{rng.randrange(16**8):08x}-{rng.randrange(16**4):04x}-4{rng.randrange(16**3):03x}-a{rng.randrange(16**3):03x}-{rng.randrange(16**12):012x}')"
        return "choices=[" + ", ".join(f"('{v}', '{v.title()}')" for v in rng.sample(values, len(values))) + "]"

    steps = [
        setup(
            ctx, rng, "Let me check the change with real migrations in a small project.", models_py(ctx, line, header)
        ),
        detected(
            "Nothing should be pending right after the initial migration.",
            ctx.manage(f"makemigrations {app} --check --dry-run"),
        ),
    ]
    if rng.random() < 0.6:
        new = mig_name(ctx, rng, 2, [op])
        names.append(new)
        steps += [
            Step(
                "Maybe it just wants the field re-stated. Make it and apply it.",
                ctx.manage(f"makemigrations {app} && python manage.py migrate {app}"),
                made(ctx, new, [op])
                + f"\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{new}... OK",
            ),
            detected("Check again.", ctx.manage(f"makemigrations --check --dry-run {app}")),
        ]
    key = "default" if uuid_cause else "choices"
    pattern = "default=uuid.UUID('[^']*')" if uuid_cause else "choices=\\[[^]]*\\]"
    steps.append(
        Step(
            f"It keeps finding {name} changed. Let me print the {key} it would write, twice, and compare.",
            f'cd {proj} && for i in 1 2; do python manage.py makemigrations {app} --dry-run -v 3 | grep -o "{pattern}" | head -1; done',
            f"{value()}\n{value()}",
        )
    )
    if uuid_cause:
        why = "The default is a different UUID on every run: `uuid.uuid4()` is called once when models.py is imported, so each makemigrations sees a new constant. The callable itself has to be the default."
        fix = py_edit(f"{proj}/{app}/models.py", "default=uuid.uuid4()", "default=uuid.uuid4")
    else:
        why = "The choices come out in a different order each run: STATUSES is a set of strings, and string hashing is randomised per process, so the list built from it changes order. Build the choices from a fixed order."
        fix = py_edit(f"{proj}/{app}/models.py", "for s in STATUSES]", "for s in sorted(STATUSES)]")
    steps.append(Step(why, fix, "patched"))
    if len(names) > 1:
        steps.append(
            Step(
                f"Drop the spurious {names[1]} and roll the table back to the initial migration.",
                f"cd {proj} && python manage.py migrate {app} 0001 && rm {ctx.migs}/{names[1]}.py",
                f"Operations to perform:\n  Target specific migration: 0001_initial, from {app}\nRunning migrations:\n  Rendering model states... DONE\n  Unapplying {app}.{names[1]}... OK",
            )
        )
        del names[1:]
    new = mig_name(ctx, rng, 2, [op])
    steps += [
        Step(
            "One migration for the real change to the field, applied.",
            ctx.manage(f"makemigrations {app} && python manage.py migrate {app}"),
            made(ctx, new, [op])
            + f"\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{new}... OK",
        ),
        Step(
            "Now the check, in a few fresh processes."
            if uuid_cause
            else "Now the check, under a few hash seeds so the order can't hide.",
            f"cd {proj} && for s in 1 2 3; do PYTHONHASHSEED=$s python manage.py makemigrations {app} --check --dry-run; echo rc=$?; done",
            "\n".join(f"No changes detected in app '{app}'\nrc=0" for _ in range(3)),
            seconds=rng.uniform(2, 5),
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "And once more the plain way.",
                ctx.manage(f"makemigrations --check {app}"),
                f"No changes detected in app '{app}'",
            )
        )
    return steps


def leaves_merged_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Two migrations from parallel work on different fields: the conflict, maybe the interactive merge failing on stdin, a merge, all applied."""
    proj, app = ctx.proj, ctx.app
    parent, child = ctx.models[0], ctx.child
    a, b = rng.choice([("isbn", "bio"), ("rating", "email"), ("code", "website"), ("priority", "country")])
    left = mig_name(ctx, rng, 2, [Op("AddField", child, a)])
    right = f"0002_{parent.lower()}_{b}"
    merge = merge_name(ctx, rng, 3, [left, right])
    hand = f"from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{app}', '0001_initial')]\n\n    operations = [\n        migrations.AddField('{parent.lower()}', '{b}', models.CharField(max_length=100, blank=True, default='')),\n    ]\n"
    branches = "\n".join(
        f"  Branch {m}\n    - Add field {f} to {w}"
        for m, f, w in sorted([(left, a, child.lower()), (right, b, parent.lower())])
    )
    steps = [
        setup(
            ctx,
            rng,
            "Let me reproduce the issue's situation: two migrations made on parallel branches of the same app.",
            models_py(ctx),
        ),
        Step(
            f"The {a} field gets its migration from makemigrations; the other branch's migration, adding {b} to {parent}, I write as it would arrive from the other branch.",
            f"cd {proj} && echo \"    {a} = models.CharField(max_length=20, blank=True, default='')\" >> {app}/models.py && python manage.py makemigrations {app} && cat > {ctx.migs}/{right}.py <<'EOF'\n{hand}EOF\nls {ctx.migs}",
            made(ctx, left, [Op("AddField", child, a)])
            + "\n"
            + "\n".join(["__init__.py", "__pycache__", "0001_initial.py", *sorted([f"{left}.py", f"{right}.py"])]),
        ),
        Step(
            "Now migrate, which should complain about two leaves.",
            ctx.manage("migrate"),
            f"CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: ({', '.join(sorted([left, right]))} in {app}).\nTo fix them run 'python manage.py makemigrations --merge'",
            rc=1,
        ),
    ]
    if rng.random() < 0.5:
        frames = [
            (
                "/testbed/django/core/management/commands/makemigrations.py",
                "handle_merge",
                "if questioner.ask_merge(app_label):",
            ),
            ("/testbed/django/db/migrations/questioner.py", "ask_merge", "return self._boolean_input("),
            ("/testbed/django/db/migrations/questioner.py", "_boolean_input", "result = input()"),
        ]
        steps.append(
            Step(
                "As it suggests.",
                ctx.manage(f"makemigrations --merge {app}"),
                f"Merging {app}\n{branches}\n\nMerging will only work if the operations printed above do not conflict\nwith each other (working on different fields or models)\nShould these migration branches be merged? [y/N] "
                + trace(ctx, rng, "", frames, "EOFError: EOF when reading a line"),
                rc=1,
            )
        )
    steps += [
        Step(
            "The two branches touch different fields of different models, so a merge is safe. Without the prompt:",
            ctx.manage(f"makemigrations --merge --noinput {app}"),
            f"Merging {app}\n{branches}\n\nCreated new merge migration {ctx.root}/{ctx.migs}/{merge}.py",
        ),
        Step("Apply everything.", ctx.manage("migrate"), applied(ctx, [*sorted([left, right]), merge])),
        Step(
            "Check the recorded history and that nothing else is pending.",
            ctx.manage(f"showmigrations {app} && python manage.py makemigrations --check --dry-run {app}"),
            "\n".join(
                [
                    app,
                    " [X] 0001_initial",
                    *(f" [X] {m}" for m in sorted([left, right])),
                    f" [X] {merge}",
                    f"No changes detected in app '{app}'",
                ]
            ),
        ),
    ]
    return steps


def squash_ported_and_cut(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A squash with a data function: the import fails once, the function ported, both databases migrate, then the old files cut over."""
    proj, app, model = ctx.proj, ctx.app, ctx.lower
    field = rng.choice(["slug", "handle", "code"])
    modern = ctx.version >= (4, 0)
    olds = [
        "0001_initial",
        f"0002_{model}_{field}",
        f"0003_populate_{field}",
        f"0004_alter_{model}_{field}" if modern else f"0004_auto_{ctx.stamp(rng)}",
    ]
    later = f"0005_{model}_{rng.choice(['summary', 'notes', 'weight'])}"
    squashed = f"0001_squashed_{olds[-1]}"
    python = "3.11" if ctx.version >= (5, 0) else ("3.6" if ctx.version < (3, 2) else "3.9")
    syntax = "SyntaxError: invalid decimal literal" if python == "3.11" else "SyntaxError: invalid syntax"
    frames = [
        ("/testbed/django/db/migrations/loader.py", "load_disk", "module = import_module(migration_path)"),
        (
            f"/opt/miniconda3/envs/testbed/lib/python{python}/importlib/__init__.py",
            "import_module",
            "return _bootstrap._gcd_import(name[level:], package, level)",
        ),
    ]
    pointer = " " * (12 + len(app) + 12)
    extra = later.rsplit("_", 1)[1]
    steps = [
        setup(ctx, rng, "Let me try squashing with the change in a small project.", models_py(ctx)),
        squash_history(
            ctx,
            f"A history like the issue's: {field}, a data migration filling it, unique, then {extra}. All applied.",
            field,
            olds,
            extra,
            later,
        ),
        Step(
            "Squash 0001-0004, keeping a copy of the originals.",
            f"cp -r {proj}/{ctx.migs} /tmp/{app}_migrations_orig && "
            + ctx.manage(f"squashmigrations {app} 0004 --noinput"),
            "Will squash the following migrations:\n"
            + "\n".join(f" - {m}" for m in olds)
            + f"\nOptimizing...\n  Optimized from {rng.randint(6, 9)} operations to {rng.randint(3, 5)} operations.\nCreated new squashed migration {ctx.root}/{ctx.migs}/{squashed}.py\n  You should commit this migration but leave the old ones in place;\n  the new migration will be used for new installs. Once you are sure\n  all instances of the codebase have applied the migrations you squashed,\n  you can delete them.\nManual porting required\n  Your migrations contained functions that must be manually copied over,\n  as we could not safely copy their implementation.\n  See the comment at the top of the squashed migration for details.",
        ),
        Step(
            "Does a fresh database migrate with it?",
            f"cd {proj} && cp db.sqlite3 /tmp/{app}_existing.sqlite3 && rm db.sqlite3 && python manage.py migrate",
            trace(
                ctx,
                rng,
                "",
                frames,
                f'  File "{ctx.root}/{ctx.migs}/{squashed}.py", line {rng.randint(30, 60)}\n    code={app}.migrations.{olds[2]}.populate_{field},\n{pointer}^\n{syntax}',
            ),
            rc=1,
        ),
        Step(
            "That's the manual porting it warned about. Let me read the top of the squashed file.",
            f"sed -n '1,12p' {proj}/{ctx.migs}/{squashed}.py",
            f"# Generated by Django {ctx.version[0]}.{ctx.version[1]} on 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}\n\nfrom django.db import migrations, models\n\n\n# Functions from the following migrations need manual copying.\n# Move them and any dependencies into this file, then update the\n# RunPython operations to refer to the local versions:\n# {app}.migrations.{olds[2]}\n\nclass Migration(migrations.Migration):\n",
        ),
    ]
    body = f"from django.utils.text import slugify\n\n\ndef populate_{field}(apps, schema_editor):\n    {ctx.child} = apps.get_model('{app}', '{ctx.child}')\n    for obj in {ctx.child}.objects.all():\n        obj.{field} = slugify(obj.title)\n        obj.save(update_fields=['{field}'])\n\n\n"
    steps += [
        Step(
            f"Copy populate_{field} and its import into the squashed file and point RunPython at the local function.",
            f"cd {proj} && python - <<'EOF'\np = '{ctx.migs}/{squashed}.py'\ns = open(p).read()\ns = s.replace('{app}.migrations.{olds[2]}.populate_{field}', 'populate_{field}')\ns = s.replace('class Migration(', {body!r} + 'class Migration(', 1)\nopen(p, 'w').write(s)\nprint('ported')\nEOF",
            "ported",
        ),
        Step(
            "Fresh database again.",
            f"cd {proj} && rm -f db.sqlite3 && python manage.py migrate",
            applied(ctx, [squashed, later]).replace(
                "Running migrations:\n",
                "Running migrations:\n"
                + "".join(f"  Applying {m}... OK\n" for m in ["contenttypes.0001_initial", "auth.0001_initial"]),
                1,
            ),
            seconds=rng.uniform(1, 3),
        ),
        Step(
            "And the existing database, which has all the replaced migrations applied.",
            f"cd {proj} && cp /tmp/{app}_existing.sqlite3 db.sqlite3 && python manage.py migrate {app} && python manage.py showmigrations {app}",
            f"Operations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  No migrations to apply.\n{app}\n [X] {squashed} ({len(olds)} squashed migrations)\n [X] {later}",
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            Step(
                f"Every database here has the squash recorded, so cut over: remove the replaced files, point {later} at the squash and drop `replaces`.",
                f"cd {proj} && rm {' '.join(f'{ctx.migs}/{m}.py' for m in olds)} && sed -i \"s/'{olds[-1]}'/'{squashed}'/\" {ctx.migs}/{later}.py && python - <<'EOF'\nimport re\np = '{ctx.migs}/{squashed}.py'\ns = open(p).read()\ns = re.sub(r\"    replaces = \\[.*?\\]\\n\\n\", '', s, flags=re.S)\nopen(p, 'w').write(s)\nprint('ok')\nEOF",
                "ok",
            ),
            Step(
                "Both databases and the autodetector once more.",
                f"cd {proj} && python manage.py migrate {app} && mv db.sqlite3 /tmp/{app}_existing.sqlite3 && python manage.py migrate {app} && mv /tmp/{app}_existing.sqlite3 db.sqlite3 && python manage.py makemigrations --check {app}",
                f"Operations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  No migrations to apply.\nOperations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.{squashed}... OK\n  Applying {app}.{later}... OK\nNo changes detected in app '{app}'",
                seconds=rng.uniform(1, 3),
            ),
        ]
    else:
        steps.append(
            Step(
                "No changes pending either; the old files can stay until every database has the squash recorded.",
                ctx.manage(f"makemigrations --check {app}"),
                f"No changes detected in app '{app}'",
            )
        )
    return steps

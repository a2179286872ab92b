# ruff: noqa: E501
"""Loop family on squashing: a squash over a data migration whose replaced migrations won't let go."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import churn, db_error, project_looker, trace
from heldout71.text import Attempt, Ctx, applied, models_py, setup, squash_history


def squash_replaces_tangle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A squash over a data migration on a half-migrated database: manual porting, old files deleted under a later one, history that disagrees."""
    proj, app, model, parent = ctx.proj, ctx.app, ctx.lower, ctx.models[0].lower()
    field = rng.choice(["slug", "handle", "code"])
    extra = rng.choice(["bio", "email", "website"])
    modern = ctx.version >= (4, 0)
    olds = [
        "0001_initial",
        f"0002_{model}_{field}",
        f"0003_populate_{field}",
        f"0004_alter_{model}_{field}" if modern else f"0004_auto_{ctx.stamp(rng)}",
    ]
    later = f"0005_{model}_{extra}"
    squashed = f"0001_squashed_{olds[-1]}"
    on_disk = [*olds, squashed, later]
    python = "3.11" if ctx.version >= (5, 0) else ("3.6" if ctx.version < (3, 2) else "3.9")
    syntax = "SyntaxError: invalid decimal literal" if python == "3.11" else "SyntaxError: invalid syntax"
    models = models_py(ctx, f"    {field} = models.SlugField(max_length=80, unique=True)\n")
    state = {"ported": False, "deleted": False, "repointed": False, "plain": False}
    handle = (
        "/testbed/django/core/management/commands/migrate.py",
        "handle",
        "executor = MigrationExecutor(connection, self.migration_progress_callback)",
    )

    def loader(error: str, frames: list[tuple[str, str, str]]) -> str:
        base = [
            handle,
            ("/testbed/django/db/migrations/executor.py", "__init__", "self.loader = MigrationLoader(self.connection)"),
            ("/testbed/django/db/migrations/loader.py", "__init__", "self.build_graph()"),
        ]
        return trace(ctx, rng, "", [*base, *frames], error)

    def check(thought: str, fresh: bool) -> Step:
        command = (
            f"cd {proj} && rm -f db.sqlite3 && python manage.py migrate"
            if fresh
            else ctx.manage(rng.choice(["migrate", f"migrate {app}"]))
        )
        head = f"Operations to perform:\n  Apply all migrations: {'' if command.endswith(app) else 'auth, contenttypes, '}{app}\nRunning migrations:\n"
        if not state["ported"]:
            frames = [
                ("/testbed/django/db/migrations/loader.py", "load_disk", "module = import_module(migration_path)"),
                (
                    f"/opt/miniconda3/envs/testbed/lib/python{python}/importlib/__init__.py",
                    "import_module",
                    "return _bootstrap._gcd_import(name[level:], package, level)",
                ),
            ]
            pointer = " " * (12 + len(app) + 12)
            return Step(
                thought,
                command,
                loader(
                    f'  File "{ctx.root}/{ctx.migs}/{squashed}.py", line {rng.randint(30, 60)}\n    code={app}.migrations.{olds[2]}.populate_{field},\n{pointer}^\n{syntax}',
                    frames,
                ),
                rc=1,
            )
        if state["deleted"] and not state["repointed"]:
            error = f"django.db.migrations.exceptions.NodeNotFoundError: Migration {app}.{later} dependencies reference nonexistent parent node ('{app}', '{olds[-1]}')"
            return Step(
                thought,
                command,
                loader(
                    error,
                    [
                        ("/testbed/django/db/migrations/loader.py", "build_graph", "self.graph.validate_consistency()"),
                        (
                            "/testbed/django/db/migrations/graph.py",
                            "validate_consistency",
                            "[n.raise_error() for n in self.node_map.values() if isinstance(n, DummyNode)]",
                        ),
                    ],
                ),
                rc=1,
            )
        if fresh:
            return Step(thought, command, applied(ctx, [squashed, later]), seconds=rng.uniform(1, 3))
        if state["deleted"] or state["plain"]:
            frames = [
                (
                    "/testbed/django/db/migrations/operations/models.py",
                    "database_forwards",
                    "schema_editor.create_model(model)",
                ),
                ("/testbed/django/db/backends/base/schema.py", "create_model", "self.execute(sql, params or None)"),
            ]
            return Step(
                thought,
                command,
                head
                + f"  Applying {app}.{squashed}..."
                + db_error(
                    ctx, rng, frames, f'django.db.utils.OperationalError: table "{app}_{parent}" already exists'
                ),
                rc=1,
            )
        frames = [
            (
                "/testbed/django/db/migrations/operations/fields.py",
                "database_forwards",
                "schema_editor.alter_field(from_model, from_field, to_field)",
            ),
            (
                "/testbed/django/db/backends/sqlite3/schema.py",
                "_remake_table",
                'self.execute("INSERT INTO %s (%s) SELECT %s FROM %s" % (',
            ),
        ]
        return Step(
            thought,
            command,
            head
            + f"  Applying {app}.{olds[2]}... OK\n  Applying {app}.{olds[3]}..."
            + db_error(
                ctx,
                rng,
                frames,
                f"django.db.utils.IntegrityError: UNIQUE constraint failed: new__{app}_{model}.{field}",
            ),
            rc=1,
        )

    def port(k: int) -> list[Step]:
        state["ported"] = True
        body = f"def populate_{field}(apps, schema_editor):\n    from django.utils.text import slugify\n\n    {ctx.child} = apps.get_model('{app}', '{ctx.child}')\n    for obj in {ctx.child}.objects.all():\n        obj.{field} = slugify(obj.title)\n        obj.save(update_fields=['{field}'])\n\n\n"
        return [
            Step(
                "The squashed file refers to the data function through a module path starting with a digit. Copy the function over and refer to it directly.",
                f"cd {proj} && python - <<'EOF'\np = '{ctx.migs}/{squashed}.py'\ns = open(p).read()\ns = s.replace('{app}.migrations.{olds[2]}.populate_{field}', 'populate_{field}')\ns = s.replace('class Migration(', {body!r} + 'class Migration(', 1)\nopen(p, 'w').write(s)\nprint('ported')\nEOF",
                "ported",
            ),
            check(rng.choice(["Migrate a fresh database.", "Try a fresh database first."]), True),
            check("That works from scratch. Now the existing database.", False),
        ]

    def delete_old(k: int) -> list[Step]:
        state["deleted"] = True
        return [
            Step(
                "The squashed migration replaces the old ones; delete them so only it is used.",
                f"cd {proj}/{ctx.migs} && rm -f {' '.join(f'{m}.py' for m in olds)} && ls",
                "\n".join(["__init__.py", "__pycache__", f"{squashed}.py", f"{later}.py"]),
            ),
            check(
                rng.choice(
                    [
                        "Migrate the existing database.",
                        "Now the existing database.",
                        "Migrate the database I already have.",
                    ]
                ),
                False,
            ),
        ]

    def repoint(k: int) -> list[Step]:
        state["repointed"] = True
        return [
            Step(
                f"{later} still depends on {olds[-1]}. Point it at the squashed migration.",
                f"cd {proj} && sed -i \"s/'{olds[-1]}'/'{squashed}'/\" {ctx.migs}/{later}.py && grep -n -A2 dependencies {ctx.migs}/{later}.py",
                f"9:    dependencies = [\n10-        ('{app}', '{squashed}'),\n11-    ]",
            ),
            check("Migrate.", False),
        ]

    def restore(k: int) -> list[Step]:
        state.update(deleted=False, repointed=False)
        return [
            Step(
                rng.choice(
                    [
                        "Bring the old migrations back from my copy so the partly applied history can be followed.",
                        "Restore the originals from the backup; the database still needs them.",
                        "Put the replaced files back from /tmp.",
                    ]
                ),
                f"cp /tmp/{app}_migrations_backup/0*.py {proj}/{ctx.migs}/ && ls {proj}/{ctx.migs}",
                "\n".join(["__init__.py", "__pycache__", *(f"{m}.py" for m in sorted(on_disk))]),
            ),
            check(
                rng.choice(
                    [
                        "Migrate the existing database.",
                        "Now the existing database.",
                        "Migrate the database I already have.",
                    ]
                ),
                False,
            ),
        ]

    def resquash(k: int) -> list[Step]:
        return [
            Step(
                "Let me squash again including 0005 so everything is one file.",
                ctx.manage(f"squashmigrations {app} {later[:4]} --noinput"),
                f"CommandError: You cannot squash squashed migrations! Please transition it to a normal migration first: https://docs.djangoproject.com/en/{ctx.version[0]}.{ctx.version[1]}/topics/migrations/#squashing-migrations",
                rc=1,
            )
        ]

    def show(k: int) -> Step:
        if not state["ported"] or (state["deleted"] and not state["repointed"]):
            return check("What does the loader make of it now?", False)
        if state["deleted"] or state["plain"]:
            lines = [
                app,
                f" [ ] {squashed}" + ("" if state["plain"] else f" ({len(olds)} squashed migrations)"),
                f" [ ] {later}",
            ]
        else:
            lines = [app, *(f" [{'X' if i < 2 else ' '}] {m}" for i, m in enumerate(olds)), f" [ ] {later}"]
        return Step("What does showmigrations say?", ctx.manage(f"showmigrations {app}"), "\n".join(lines))

    def unreplace(k: int) -> list[Step]:
        state["plain"] = True
        return [
            Step(
                "Drop the replaces list, so the squashed migration is an ordinary one.",
                f"cd {proj} && python - <<'EOF'\nimport re\np = '{ctx.migs}/{squashed}.py'\ns = open(p).read()\ns = re.sub(r\"    replaces = \\[.*?\\]\\n\\n\", '', s, flags=re.S)\nopen(p, 'w').write(s)\nprint('ok')\nEOF",
                "ok",
            ),
            check(
                rng.choice(
                    [
                        "Migrate the existing database.",
                        "Now the existing database.",
                        "Migrate the database I already have.",
                    ]
                ),
                False,
            ),
        ]

    history = squash_history(
        ctx,
        f"Give it a history like the issue's: the {field} field, a data migration filling it, then unique, then {extra}. Apply only up to the field for now.",
        field,
        olds,
        extra,
        olds[1],
    )
    squash = Step(
        "Now squash 0001-0004, keeping a copy of the originals.",
        f"mkdir -p /tmp/{app}_migrations_backup && cp {proj}/{ctx.migs}/0*.py /tmp/{app}_migrations_backup/ && "
        + ctx.manage(f"squashmigrations {app} 0004 --noinput"),
        "Will squash the following migrations:\n"
        + "\n".join(f" - {m}" for m in olds)
        + f"\nOptimizing...\n  Optimized from {rng.randint(6, 9)} operations to {rng.randint(3, 5)} operations.\nCreated new squashed migration {ctx.root}/{ctx.migs}/{squashed}.py\n  You should commit this migration but leave the old ones in place;\n  the new migration will be used for new installs. Once you are sure\n  all instances of the codebase have applied the migrations you squashed,\n  you can delete them.\nManual porting required\n  Your migrations contained functions that must be manually copied over,\n  as we could not safely copy their implementation.\n  See the comment at the top of the squashed migration for details.",
    )
    first = [
        setup(ctx, rng, "Let me check squashing with the change in a small project.", models_py(ctx)),
        history,
        squash,
        check("Migrate a fresh database with the squashed migration.", True),
    ]
    attempts: list[Attempt] = [port, delete_old, repoint, restore, resquash, lambda k: [show(k)], unreplace, port]
    return churn(
        ctx, rng, n, first, attempts, f"the squashed {app} migrations", project_looker(ctx, rng, on_disk, models)
    )

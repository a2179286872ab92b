# ruff: noqa: E501
"""Loop family on the migration graph: two leaves that add the same column, renamed and repointed and merged."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import churn, db_error, project_looker
from heldout71.text import FIELDS, Attempt, Ctx, Op, applied, made, merge_name, mig_name, models_py, nullable, setup


def _conflict(ctx: Ctx, leaves: list[str]) -> str:
    shown = ", ".join(sorted(leaves))
    return f"CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: ({shown} in {ctx.app}).\nTo fix them run 'python manage.py makemigrations --merge'"


def _hand_migration(ctx: Ctx, parent: str, field: str, decl: str) -> str:
    return f"from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{ctx.app}', '{parent}')]\n\n    operations = [\n        migrations.AddField('{ctx.lower}', '{field}', {decl}),\n    ]\n"


def leaf_conflict_renumbering(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A hand-written migration beside a generated one, both adding the same column: renamed, repointed, merged, never one of them dropped."""
    proj, app = ctx.proj, ctx.app
    field, decl, _ = rng.choice([f for f in FIELDS if f[0] != "status"])
    decl = nullable(decl)
    base = f"0002_{ctx.lower}_subtitle"
    generated = mig_name(ctx, rng, 3, [Op("AddField", ctx.child, field)])
    hand = f"0003_add_{field}"
    state = {"hand": hand, "parent": base, "merge": ""}
    header = "import datetime\nimport uuid\n" if "uuid" in decl or "date" in decl else ""
    models = models_py(
        ctx, f"    subtitle = models.CharField(max_length=200, blank=True, default='')\n    {field} = {decl}\n", header
    )

    def names() -> list[str]:
        return sorted(["0001_initial", base, generated, state["hand"], *([state["merge"]] if state["merge"] else [])])

    def leaves() -> list[str]:
        if state["merge"]:
            return [state["merge"]]
        return [state["hand"]] if state["parent"] == generated else [generated, state["hand"]]

    def migrate(thought: str, command: str = "", fresh: bool = False, again: bool = False) -> Step:
        command = command or ctx.manage(rng.choice(["migrate", f"migrate {app}", f"migrate {app} -v 2"]))
        if len(leaves()) > 1:
            return Step(thought, command, _conflict(ctx, leaves()), rc=1)
        done = ["0001_initial", base, generated] if fresh else ([generated] if again else [])
        if fresh:
            lines = [f"  Applying {m}... OK" for m in ["contenttypes.0001_initial", "auth.0001_initial"]] + [
                f"  Applying {app}.{m}... OK" for m in done
            ]
            out = (
                f"Operations to perform:\n  Apply all migrations: auth, contenttypes, {app}\nRunning migrations:\n"
                + "\n".join(lines)
                + f"\n  Applying {app}.{state['hand']}..."
            )
        else:
            out = (
                f"Operations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n"
                + "".join(f"  Applying {app}.{m}... OK\n" for m in done)
                + f"  Applying {app}.{state['hand']}..."
            )
        frames = [
            ("/testbed/django/db/migrations/operations/fields.py", "database_forwards", "schema_editor.add_field("),
            (
                "/testbed/django/db/backends/sqlite3/schema.py",
                "add_field",
                "self._remake_table(model, create_field=field)"
                if "unique" in decl or "null" not in decl
                else "super().add_field(model, field)",
            ),
        ]
        return Step(
            thought,
            command,
            out + db_error(ctx, rng, frames, f"django.db.utils.OperationalError: duplicate column name: {field}"),
            rc=1,
        )

    def rename(k: int) -> list[Step]:
        new = f"{rng.randint(4, 6):04d}_{rng.choice(['add_', ctx.lower + '_', ''])}{field}"
        old, state["hand"] = state["hand"], new
        return [
            Step(
                rng.choice(
                    [
                        "Two migrations numbered 0003. Let me renumber mine so it comes after the generated one.",
                        "Give my migration a higher number so it sorts after the generated one.",
                        "Rename the hand-written migration so the numbers don't clash.",
                    ]
                ),
                f"cd {proj}/{ctx.migs} && mv {old}.py {new}.py && ls",
                "\n".join(["__init__.py", "__pycache__", *(f"{m}.py" for m in names())]),
            ),
            migrate(rng.choice(["Migrate again.", "Migrate.", "Try migrate now."])),
        ]

    def repoint(k: int) -> list[Step]:
        old, state["parent"] = state["parent"], generated
        return [
            Step(
                f"The number alone doesn't order them; the dependency does. Point {state['hand']} at {generated}.",
                f"cd {proj} && sed -i \"s/('{app}', '{old}')/('{app}', '{generated}')/\" {ctx.migs}/{state['hand']}.py && grep -n dependencies {ctx.migs}/{state['hand']}.py",
                f"5:    dependencies = [('{app}', '{generated}')]",
            ),
            migrate("Now the graph is linear. Migrate."),
        ]

    def merge(k: int) -> list[Step]:
        if state["merge"]:
            return [
                Step(
                    "Let me run the merge again in case it missed something.",
                    ctx.manage(f"makemigrations --merge --noinput {app}"),
                    "No conflicts detected to merge.",
                ),
                migrate("Migrate once more."),
            ]
        state["parent"] = base
        hand = state["hand"]
        name = merge_name(ctx, rng, 4, [generated, hand])
        state["merge"] = name
        branches = "\n".join(f"  Branch {b}\n    - Add field {field} to {ctx.lower}" for b in sorted([generated, hand]))
        return [
            Step(
                rng.choice(
                    [
                        "Django suggests a merge migration. Let me do exactly that.",
                        "Let me let makemigrations merge the two leaves.",
                    ]
                ),
                f"cd {proj} && sed -i \"s/('{app}', '{generated}')/('{app}', '{base}')/\" {ctx.migs}/{hand}.py; python manage.py makemigrations --merge --noinput {app}",
                f"Merging {app}\n{branches}\n\nCreated new merge migration {ctx.root}/{ctx.migs}/{name}.py",
            ),
            migrate("Apply the merge."),
        ]

    def unmerge(k: int) -> list[Step]:
        if not state["merge"]:
            return rename(k)
        old, state["merge"] = state["merge"], ""
        return [
            Step(
                rng.choice(
                    [
                        "The merge just applies both. Remove the merge migration and think again.",
                        "The merge migration doesn't help; take it out.",
                        "Delete the merge again, it only replays both branches.",
                    ]
                ),
                f"rm {proj}/{ctx.migs}/{old}.py && ls {proj}/{ctx.migs}",
                "\n".join(["__init__.py", "__pycache__", *(f"{m}.py" for m in names())]),
            ),
            migrate("Check the state without it."),
        ]

    def roll_back(k: int) -> list[Step]:
        ok = f"Operations to perform:\n  Target specific migration: {base}, from {app}\nRunning migrations:\n  Rendering model states... DONE\n  Unapplying {app}.{generated}... OK"
        return [
            Step(
                f"Let me roll the app back to {base} and apply from there.",
                ctx.manage(f"migrate {app} {base}"),
                _conflict(ctx, leaves()) if len(leaves()) > 1 else ok,
                rc=1 if len(leaves()) > 1 else 0,
            ),
            migrate("And forward again.", again=True),
        ]

    def fake(k: int) -> list[Step]:
        hand = state["hand"]
        if len(leaves()) > 1:
            return [
                Step(
                    f"The column is already there from {generated}; fake {hand} so Django records it without running it.",
                    ctx.manage(f"migrate {app} {hand} --fake"),
                    _conflict(ctx, leaves()),
                    rc=1,
                ),
                migrate("Migrate."),
            ]
        return [
            Step(
                f"The column is already there from {generated}; fake {hand} so Django records it without running it.",
                ctx.manage(f"migrate {app} {hand} --fake"),
                f"Operations to perform:\n  Target specific migration: {hand}, from {app}\nRunning migrations:\n  Applying {app}.{hand}... FAKED",
            ),
            migrate(
                "That records it here, but the test database is built from scratch. Migrate a fresh one.",
                f"cd {proj} && rm -f db.sqlite3 && python manage.py migrate",
                True,
            ),
        ]

    def recheck(k: int) -> Step:
        clean = f"No changes detected in app '{app}'"
        return Step(
            "What does makemigrations itself think?",
            ctx.manage(f"makemigrations {app} --dry-run"),
            _conflict(ctx, leaves()) if len(leaves()) > 1 else clean,
            rc=1 if len(leaves()) > 1 else 0,
        )

    grow = Step(
        f"Add subtitle and {field} to {ctx.child} with a migration each, and apply them.",
        f"cd {proj} && sed -i \"s/^    title = .*/&\\n    subtitle = models.CharField(max_length=200, blank=True, default='')/\" {app}/models.py && python manage.py makemigrations {app} && echo '    {field} = {decl}' >> {app}/models.py && python manage.py makemigrations {app} && python manage.py migrate {app}",
        made(ctx, base, [Op("AddField", ctx.child, "subtitle")])
        + "\n"
        + made(ctx, generated, [Op("AddField", ctx.child, field)])
        + "\n"
        + applied(ctx, [base, generated]).replace("auth, contenttypes, ", ""),
    )
    first = [
        setup(ctx, rng, "Let me try the change in a small project with real migrations.", models_py(ctx, "", header)),
        grow,
        Step(
            f"Now the migration from the issue report, written by hand as the reporter had it, adding {field}.",
            f"cat > {proj}/{ctx.migs}/{hand}.py <<'EOF'\n{_hand_migration(ctx, base, field, decl)}EOF\nls {proj}/{ctx.migs}",
            "\n".join(["__init__.py", "__pycache__", *(f"{m}.py" for m in names())]),
        ),
        migrate("Apply it."),
    ]
    attempts: list[Attempt] = [rename, repoint, merge, merge, unmerge, roll_back, fake, lambda k: [recheck(k)]]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        f"the two {app} migrations that both add {field}",
        project_looker(ctx, rng, names(), models),
    )

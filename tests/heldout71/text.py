# ruff: noqa: E501
"""Names the families' steps use (the scratch project, its app and models), and what makemigrations and migrate print."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

Attempt = text.Attempt
# The scratch app an agent makes to try migrations out, and the models it declares there (parent, child, third).
_APPS = (
    ("library", ("Author", "Book", "Publisher")),
    ("shop", ("Customer", "Order", "Product")),
    ("blog", ("Category", "Post", "Comment")),
    ("inventory", ("Warehouse", "Item", "Supplier")),
    ("tickets", ("Queue", "Ticket", "Agent")),
    ("ledger", ("Account", "Entry", "Currency")),
    ("polls", ("Question", "Choice", "Voter")),
    ("catalog", ("Section", "Entry", "Tag")),
    ("reproapp", ("Parent", "Child", "Note")),
)
_PROJECTS = (
    "/tmp/migtest",
    "repro_project",
    "/tmp/repro",
    "reproduction",
    "/tmp/mig_repro",
    "test_project",
    "/tmp/proj",
)
# Fields the agent adds to the child model: (name, declaration, a value for one row).
FIELDS = (
    ("slug", "models.SlugField(max_length=80, unique=True)", "'first-row'"),
    ("status", "models.CharField(max_length=16, choices=STATUSES)", "'draft'"),
    ("code", "models.CharField(max_length=12, unique=True)", "'A-001'"),
    ("rating", "models.PositiveSmallIntegerField()", "3"),
    ("external_id", "models.UUIDField(unique=True)", "uuid.uuid4()"),
    ("priority", "models.IntegerField()", "10"),
    ("published_on", "models.DateField()", "datetime.date(2024, 1, 5)"),
)


def nullable(decl: str) -> str:
    """A field's declaration made nullable, as an agent adds one to a table that has rows."""
    if "unique=True" in decl:
        return decl.replace("unique=True", "null=True")
    return decl[:-2] + "(null=True)" if decl.endswith("()") else decl[:-1] + ", null=True)"


_ISSUE = re.compile(r"-(\d+)$")


def django_version(session: str) -> tuple[int, int]:
    """The Django a SWE-bench task's testbed has, from the task's ticket number."""
    found = _ISSUE.search(session)
    number = int(found.group(1)) if found else 15000
    for bound, version in (
        (12300, (3, 0)),
        (13200, (3, 1)),
        (14000, (3, 2)),
        (15000, (4, 0)),
        (15700, (4, 1)),
        (16500, (4, 2)),
    ):
        if number < bound:
            return version
    return (5, 0)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the scratch project and app its migrations live in."""

    @property
    def key(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def app(self) -> str:
        return _APPS[self.key % len(_APPS)][0]

    @property
    def models(self) -> tuple[str, str, str]:
        return _APPS[self.key % len(_APPS)][1]

    @property
    def child(self) -> str:
        return self.models[1]

    @property
    def lower(self) -> str:
        return self.child.lower()

    @property
    def proj(self) -> str:
        return _PROJECTS[self.key // 7 % len(_PROJECTS)]

    @property
    def root(self) -> str:
        """The project's absolute path (a relative one is under the repository, where commands start)."""
        return self.proj if self.proj.startswith("/") else f"/testbed/{self.proj}"

    @property
    def version(self) -> tuple[int, int]:
        return django_version(self.run.session)

    @property
    def migs(self) -> str:
        """The app's migrations directory, from the project's root."""
        return f"{self.app}/migrations"

    def manage(self, args: str) -> str:
        return f"cd {self.proj} && python manage.py {args}"

    def field_of(self) -> tuple[str, str, str]:
        return FIELDS[self.key // 3 % len(FIELDS)]

    def stamp(self, rng: random.Random) -> str:
        return f"2024{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}_{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"


@dataclass
class Op:
    """One operation of a generated migration: what makemigrations prints and names it by."""

    kind: str  # AddField, AlterField, RemoveField, CreateModel, RenameField
    model: str
    name: str = ""
    new: str = ""

    @property
    def line(self) -> str:
        model = self.model.lower()
        return {
            "AddField": f"Add field {self.name} to {model}",
            "AlterField": f"Alter field {self.name} on {model}",
            "RemoveField": f"Remove field {self.name} from {model}",
            "CreateModel": f"Create model {self.model}",
            "RenameField": f"Rename field {self.name} on {model} to {self.new}",
        }[self.kind]

    def fragment(self, modern: bool) -> str:
        model = self.model.lower()
        if self.kind == "CreateModel":
            return model
        if self.kind == "AddField":
            return f"{model}_{self.name}"
        if self.kind == "RemoveField":
            return f"remove_{model}_{self.name}"
        if not modern:
            return ""
        return f"alter_{model}_{self.name}" if self.kind == "AlterField" else f"rename_{self.name}_{model}_{self.new}"


def mig_name(ctx: Ctx, rng: random.Random, number: int, ops: Sequence[Op]) -> str:
    """The name makemigrations gives a migration, as the testbed's Django version names it."""
    modern = ctx.version >= (4, 0)
    if number == 1:
        return "0001_initial"
    parts = [op.fragment(modern) for op in ops]
    name = "_".join(sorted(parts)) if modern and len(ops) > 1 else (parts[0] if len(ops) == 1 else "")
    if not name or len(name) > 52:
        name = f"auto_{ctx.stamp(rng)}"
    return f"{number:04d}_{name}"


def merge_name(ctx: Ctx, rng: random.Random, number: int, leaves: Sequence[str]) -> str:
    """The name makemigrations --merge gives: the leaves' names joined from Django 4.0 on, while short enough; else a timestamp."""
    name = "merge_" + "_".join(sorted(leaves))
    if ctx.version < (4, 0) or len(name) > 47:
        name = f"merge_{ctx.stamp(rng)}"
    return f"{number:04d}_{name}"


def made(ctx: Ctx, name: str, ops: Sequence[Op]) -> str:
    lines = [f"Migrations for '{ctx.app}':", f"  {ctx.migs}/{name}.py"]
    return "\n".join(lines + [f"    - {op.line}" for op in ops])


def applied(ctx: Ctx, names: Sequence[str], pending_changes: bool = False) -> str:
    lines = ["Operations to perform:", f"  Apply all migrations: auth, contenttypes, {ctx.app}", "Running migrations:"]
    lines += [f"  Applying {ctx.app}.{name}... OK" for name in names] or ["  No migrations to apply."]
    if pending_changes:
        lines.append(
            f"  Your models in app(s): '{ctx.app}' have changes that are not yet reflected in a migration, and so won't be applied."
            if ctx.version >= (3, 1)
            else "  Your models have changes that are not yet reflected in a migration, and so won't be applied."
        )
        lines.append(
            "  Run 'manage.py makemigrations' to make new migrations, and then re-run 'manage.py migrate' to apply them."
        )
    return "\n".join(lines)


def models_py(ctx: Ctx, extra: str = "", header: str = "") -> str:
    """The scratch app's models.py: the parent, the child pointing at it, `extra` lines in the child."""
    parent, child, _ = ctx.models
    return f"from django.db import models\n{header}\n\nclass {parent}(models.Model):\n    name = models.CharField(max_length=100)\n\n\nclass {child}(models.Model):\n    {parent.lower()} = models.ForeignKey({parent}, on_delete=models.CASCADE)\n    title = models.CharField(max_length=200)\n{extra}"


_AUTH = (
    "contenttypes.0001_initial",
    "auth.0001_initial",
    "contenttypes.0002_remove_content_type_name",
    "auth.0002_alter_permission_name_max_length",
    "auth.0003_alter_user_email_max_length",
    "auth.0004_alter_user_username_opts",
    "auth.0005_alter_user_last_login_null",
    "auth.0006_require_contenttypes_0002",
    "auth.0007_alter_validators_add_error_messages",
    "auth.0008_alter_user_username_max_length",
    "auth.0009_alter_user_last_name_max_length",
    "auth.0010_alter_group_name_max_length",
    "auth.0011_update_proxy_permissions",
    "auth.0012_alter_user_first_name_max_length",
)


def setup(ctx: Ctx, rng: random.Random, thought: str, models: str) -> Step:
    """The scratch project written in one go, its first migration made and applied."""
    parent, child, _ = ctx.models
    settings = f"SECRET_KEY = 'x'\nINSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', '{ctx.app}']\nDATABASES = {{'default': {{'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}}}\nDEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\nUSE_TZ = True\n"
    manage = "import os\nimport sys\n\n\ndef main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'settings')\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n\n\nif __name__ == '__main__':\n    main()\n"
    command = (
        f"mkdir -p {ctx.proj}/{ctx.migs} && cd {ctx.proj} && touch {ctx.app}/__init__.py {ctx.migs}/__init__.py\n"
        f"cat > settings.py <<'EOF'\n{settings}EOF\ncat > manage.py <<'EOF'\n{manage}EOF\ncat > {ctx.app}/models.py <<'EOF'\n{models}EOF\n"
        f"python manage.py makemigrations {ctx.app} && python manage.py migrate"
    )
    out = made(ctx, "0001_initial", [Op("CreateModel", parent), Op("CreateModel", child)])
    auth = [*_AUTH[: 14 if ctx.version >= (3, 1) else 13], f"{ctx.app}.0001_initial"]
    lines = ["Operations to perform:", f"  Apply all migrations: auth, contenttypes, {ctx.app}", "Running migrations:"]
    lines += [f"  Applying {n}... OK" for n in auth]
    return Step(thought, command, out + "\n" + "\n".join(lines), seconds=rng.uniform(1.5, 4))


def squash_history(ctx: Ctx, thought: str, field: str, olds: Sequence[str], extra: str, upto: str) -> Step:
    """A field, the data migration filling it, the field made unique, one more field: the history a squash is tried on, applied up to `upto`."""
    app = ctx.app
    later = f"0005_{ctx.lower}_{extra}"
    data = f"from django.db import migrations\nfrom django.utils.text import slugify\n\n\ndef populate_{field}(apps, schema_editor):\n    {ctx.child} = apps.get_model('{app}', '{ctx.child}')\n    for obj in {ctx.child}.objects.all():\n        obj.{field} = slugify(obj.title)\n        obj.save(update_fields=['{field}'])\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('{app}', '{olds[1]}')]\n\n    operations = [migrations.RunPython(populate_{field}, migrations.RunPython.noop)]\n"
    made_all = [
        made(ctx, olds[1], [Op("AddField", ctx.child, field)]),
        made(ctx, olds[2], []),
        made(ctx, olds[3], [Op("AlterField", ctx.child, field)]),
        made(ctx, later, [Op("AddField", ctx.child, extra)]),
    ]
    chain = [*olds[1:], later]
    done = chain[: chain.index(upto) + 1]
    target = f"Target specific migration: {upto}, from {app}" if upto != later else f"Apply all migrations: {app}"
    return Step(
        thought,
        f"cd {ctx.proj} && sed -i \"s/^    title = .*/&\\n    {field} = models.SlugField(max_length=80, null=True)/\" {app}/models.py && python manage.py makemigrations {app} && python manage.py makemigrations {app} --empty -n populate_{field} && cat > {ctx.migs}/{olds[2]}.py <<'EOF'\n{data}EOF\nsed -i 's/null=True)/unique=True)/' {app}/models.py && python manage.py makemigrations {app} && echo '    {extra} = models.TextField(blank=True)' >> {app}/models.py && python manage.py makemigrations {app} && python manage.py migrate {app}{'' if upto == later else ' ' + upto[:4]}",
        "\n".join(made_all)
        + f"\nOperations to perform:\n  {target}\nRunning migrations:\n"
        + "\n".join(f"  Applying {app}.{m}... OK" for m in done),
    )

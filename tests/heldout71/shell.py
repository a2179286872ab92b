# ruff: noqa: E501
"""What Django's commands and test runner print when they fail, and the looks an agent takes between attempts."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from heldout20 import text
from heldout20.calls import Step
from heldout71.text import Attempt, Ctx

_HANDLE = {
    "migrate": [
        ("handle", "post_migrate_state = executor.migrate("),
        ("migrate", "state = self._migrate_all_forwards("),
        ("_migrate_all_forwards", "state = self.apply_migration("),
        ("apply_migration", "state = migration.apply(state, schema_editor)"),
    ],
    "makemigrations": [("handle", "changes = autodetector.changes(")],
    "squashmigrations": [("handle", "loader = MigrationLoader(connections[DEFAULT_DB_ALIAS])")],
    "showmigrations": [("handle", "return self.show_list(connection, options['app_label'])")],
}


def trace(ctx: Ctx, rng: random.Random, command: str, frames: Sequence[tuple[str, str, str]], error: str) -> str:
    """A management command's traceback: manage.py, Django's dispatch, the command's frames, then `frames` (file, function, line)."""
    lines = ["Traceback (most recent call last):", f'  File "{ctx.root}/manage.py", line 14, in <module>', "    main()"]
    lines += [f'  File "{ctx.root}/manage.py", line 9, in main', "    execute_from_command_line(sys.argv)"]
    base = "/testbed/django/core/management"
    lines += [
        f'  File "{base}/__init__.py", line {rng.choice([419, 440, 442])}, in execute_from_command_line',
        "    utility.execute()",
    ]
    lines += [
        f'  File "{base}/__init__.py", line {rng.choice([413, 434, 436])}, in execute',
        "    self.fetch_command(subcommand).run_from_argv(self.argv)",
    ]
    lines += [
        f'  File "{base}/base.py", line {rng.choice([354, 402, 412])}, in run_from_argv',
        "    self.execute(*args, **cmd_options)",
    ]
    lines += [
        f'  File "{base}/base.py", line {rng.choice([398, 448, 458])}, in execute',
        "    output = self.handle(*args, **options)",
    ]
    for func, code in _HANDLE.get(command, []):
        where = f"{base}/commands/{command}.py" if func == "handle" else "/testbed/django/db/migrations/executor.py"
        lines += [f'  File "{where}", line {rng.randint(90, 360)}, in {func}', f"    {code}"]
    for path, func, code in frames:
        lines += [f'  File "{path}", line {line_in(ctx, rng, path)}, in {func}', f"    {code}"]
    return "\n".join([*lines, error])


def line_in(ctx: Ctx, rng: random.Random, path: str) -> int:
    """A plausible line for a frame: the project's own files are a few dozen lines long, Django's are long."""
    return rng.randint(6, 28) if path.startswith(ctx.root) else rng.randint(40, 600)


@dataclass
class Fail:
    """One failing test of Django's suite: its module, class and name, the line that failed, the error."""

    module: str
    cls: str
    name: str
    code: str
    error: str
    frames: Sequence[tuple[str, str, str]] = field(default_factory=tuple)


def suite_output(ctx: Ctx, rng: random.Random, passed: int, failing: Sequence[Fail]) -> str:
    """A run of Django's own test runner (tests/runtests.py) with `failing` failing."""
    lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.choice([4, 8, 16, 32])} processes"]
    if ctx.version >= (4, 0):
        lines.append(f"Found {passed + len(failing)} test(s).")
    lines += ["Creating test database for alias 'default'...", "System check identified no issues (0 silenced)."]
    marks = ["."] * passed + ["F" if f.error.startswith("AssertionError") else "E" for f in failing]
    rng.shuffle(marks)
    lines.append("".join(marks))
    for fail in failing:
        kind = "FAIL" if fail.error.startswith("AssertionError") else "ERROR"
        where = f"{fail.module}.{fail.cls}.{fail.name}" if ctx.version >= (5, 0) else f"{fail.module}.{fail.cls}"
        lines += ["=" * 70, f"{kind}: {fail.name} ({where})", "-" * 70, "Traceback (most recent call last):"]
        lines += [
            f'  File "/testbed/tests/{fail.module.replace(".", "/")}.py", line {rng.randint(40, 4800)}, in {fail.name}',
            f"    {fail.code}",
        ]
        for path, func, code in fail.frames:
            lines += [f'  File "{path}", line {rng.randint(20, 1600)}, in {func}', f"    {code}"]
        lines += [fail.error, ""]
    lines += [
        "-" * 70,
        f"Ran {passed + len(failing)} test{'' if passed + len(failing) == 1 else 's'} in {rng.uniform(0.2, 9.0):.3f}s",
        "",
    ]
    fails = sum(f.error.startswith("AssertionError") for f in failing)
    parts = ([f"failures={fails}"] if fails else []) + (
        [f"errors={len(failing) - fails}"] if len(failing) > fails else []
    )
    lines += [f"FAILED ({', '.join(parts)})" if failing else "OK", "Destroying test database for alias 'default'..."]
    return "\n".join(lines)


def suite(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    label: str,
    failing: Sequence[Fail],
    flags: str = "",
    passed: int | None = None,
) -> Step:
    """The agent running `label` with Django's runner: one test when it names one, stopping at the first failure under --failfast."""
    failing = list(failing)
    if label.count(".") >= 3:
        failing = [replace(failing[0], name=label.rsplit(".", 1)[1])] if failing else []
        passed = 0 if failing else 1
    elif "--failfast" in flags:
        failing = failing[:1]
    passed = rng.randint(60, 240) if passed is None else passed
    command = rng.choice(
        [f"./tests/runtests.py {label}", f"cd tests && python runtests.py {label}", f"python tests/runtests.py {label}"]
    )
    return Step(
        thought,
        f"{command}{flags}",
        suite_output(ctx, rng, passed, failing),
        rc=1 if failing else 0,
        seconds=rng.uniform(2, 40),
    )


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def addr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**10):010x}"


def look(
    ctx: Ctx,
    rng: random.Random,
    names: Callable[[], list[str]],
    models: str,
    recorded: Callable[[], list[str]] | None = None,
) -> Step:
    """A look between attempts: the migrations on disk, what the database recorded, the models, the repository."""
    on_disk = sorted(names())
    chain = [name for name in on_disk if "_squashed_" not in name and "_merge" not in name]
    applied = recorded() if recorded else on_disk[: rng.randint(1, len(on_disk))]
    choices = [
        Step(
            "Let me see which migration files exist now.",
            f"ls {ctx.proj}/{ctx.migs}/",
            "\n".join(["__init__.py", "__pycache__", *(f"{n}.py" for n in on_disk)]),
        ),
        Step(
            "Let me check what the database thinks is applied.",
            ctx.manage(f"showmigrations {ctx.app}"),
            "\n".join([ctx.app, *(f" [{'X' if n in applied else ' '}] {n}" for n in on_disk)]),
        ),
        Step(
            "Let me look at the django_migrations table directly.",
            f"cd {ctx.proj} && python -c \"import sqlite3; print(*sqlite3.connect('db.sqlite3').execute(\\\"select id, name from django_migrations where app='{ctx.app}'\\\"), sep='\\n')\"",
            "\n".join(f"({i}, '{n}')" for i, n in enumerate(applied, 15 if ctx.version >= (3, 1) else 14)),
        ),
        Step("Let me re-read the models.", f"cat {ctx.proj}/{ctx.app}/models.py", models),
        Step(
            "Let me make sure I haven't touched anything in the repository itself while doing this.",
            "git status --short",
            f" M {ctx.source}\n" + ("" if ctx.proj.startswith("/") else f"?? {ctx.proj}/\n"),
        ),
        Step(
            "Let me look at the dependencies each migration declares.",
            f"cd {ctx.proj} && grep -n -A3 'dependencies' {ctx.migs}/0*.py",
            "\n".join(
                f"{ctx.migs}/{n}.py:{rng.randint(8, 12)}:    dependencies = [\n{ctx.migs}/{n}.py-        ('{ctx.app}', '{p}'),"
                for p, n in pairwise(chain)
            )
            or f"{ctx.migs}/0001_initial.py:9:    dependencies = [\n{ctx.migs}/0001_initial.py-    ]",
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    looker: Callable[[], Step],
) -> list[Step]:
    """The first failing steps, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.35)


def project_looker(
    ctx: Ctx, rng: random.Random, names: list[str], models: str, recorded: Callable[[], list[str]] | None = None
) -> Callable[[], Step]:
    """Looks at the scratch project; `names` is the family's own list of migrations on disk, read when the look is taken."""
    return lambda: look(ctx, rng, lambda: list(names), models, recorded)


def db_error(ctx: Ctx, rng: random.Random, head: Sequence[tuple[str, str, str]], error: str) -> str:
    """An error the database raised under `head`'s frames, chained from sqlite3's own as Django re-raises it."""
    kind, _, message = error.partition(": ")
    execute = "return self.cursor.execute(sql, params)" if rng.random() < 0.5 else "return self.cursor.execute(sql)"
    tail = [
        f'  File "/testbed/django/db/backends/utils.py", line {rng.randint(80, 105)}, in _execute\n    {execute}',
        f'  File "/testbed/django/db/backends/sqlite3/base.py", line {rng.randint(320, 420)}, in execute\n    return Database.Cursor.execute(self, query, params)',
    ]
    lines = ["Traceback (most recent call last):", *tail, f"sqlite3.{kind.rsplit('.', 1)[-1]}: {message}", ""]
    lines += [
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
    ]
    for path, func, code in head:
        lines.append(f'  File "{path}", line {line_in(ctx, rng, path)}, in {func}\n    {code}')
    wrappers = "return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)"
    lines.append(
        f'  File "/testbed/django/db/backends/utils.py", line {rng.randint(62, 79)}, in execute\n    {wrappers}'
    )
    lines += [
        f'  File "/testbed/django/db/utils.py", line {rng.choice([90, 91])}, in __exit__\n    raise dj_exc_value.with_traceback(traceback) from exc_value',
        *tail,
    ]
    return "\n".join([*lines, error])

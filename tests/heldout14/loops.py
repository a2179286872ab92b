"""Loop tails: whatever the agent changes, the same wall answers (the first tail call is the onset)."""

from __future__ import annotations

from collections.abc import Callable

from heldout14.harness import SUBMIT, Step, action, observation, step
from heldout14.prose import Ctx, django_tests, pytest_run, traceback

_MANAGE = [
    ("{proj}/manage.py", 22, "<module>", "main()"),
    ("{proj}/manage.py", 18, "main", "execute_from_command_line(sys.argv)"),
    ("/testbed/django/core/management/__init__.py", 419, "execute_from_command_line", "utility.execute()"),
    (
        "/testbed/django/core/management/__init__.py",
        413,
        "execute",
        "self.fetch_command(subcommand).run_from_argv(self.argv)",
    ),
    ("/testbed/django/core/management/base.py", 354, "run_from_argv", "self.execute(*args, **cmd_options)"),
    ("/testbed/django/core/management/base.py", 398, "execute", "output = self.handle(*args, **options)"),
    ("/testbed/django/core/management/base.py", 89, "wrapped", "res = handle_func(*args, **kwargs)"),
]


def _moves(ctx: Ctx, run: Callable[[], Step], others: list[tuple[Callable[[], Step], int]]) -> list[Step]:
    """The failing run first, then mostly a change or a look between runs, now and then two in a row."""
    steps = [run()]
    ran = True
    while len(steps) < ctx.steps:
        ran = not ran if ctx.chance(0.8) else ran
        steps.append(run() if ran else ctx.rng.choices([m for m, _ in others], [w for _, w in others])[0]())
    return steps


def migration_wall(ctx: Ctx) -> list[Step]:
    """Django makemigrations/migrate failing one way while models, migrations and fakes change around it."""
    proj = ctx.pick(["testproj", "/tmp/migproj", "repro_project", "mig_repro", "/tmp/issue_site"])
    app = ctx.pick(["shop", "library", "inventory", "blog", "ledger", "catalog"])
    model = {
        "shop": "Item",
        "library": "Book",
        "inventory": "Product",
        "blog": "Entry",
        "ledger": "Invoice",
        "catalog": "Article",
    }[app]
    field = ctx.pick(["price", "slug", "owner", "published_on", "quantity", "status"])
    kind = ctx.pick(["conflict", "missing", "exists"])
    frames = [
        (f.format(proj=proj.lstrip("/") if not proj.startswith("/") else proj), n, fn, code)
        for f, n, fn, code in _MANAGE
    ]
    graph = [
        (
            "/testbed/django/core/management/commands/{cmd}.py",
            92,
            "handle",
            "executor = MigrationExecutor(connection, self.migration_progress_callback)",
        ),
        ("/testbed/django/db/migrations/executor.py", 18, "__init__", "self.loader = MigrationLoader(self.connection)"),
        ("/testbed/django/db/migrations/loader.py", 53, "__init__", "self.build_graph()"),
        ("/testbed/django/db/migrations/loader.py", 255, "build_graph", "self.graph.validate_consistency()"),
        (
            "/testbed/django/db/migrations/graph.py",
            195,
            "validate_consistency",
            "[n.raise_error() for n in self.node_map.values() if isinstance(n, DummyNode)]",
        ),
        (
            "/testbed/django/db/migrations/graph.py",
            58,
            "raise_error",
            "raise NodeNotFoundError(self.error_message, self.key, origin=self.origin)",
        ),
    ]
    state = {"n": 2}

    def auto() -> str:
        return f"{state['n']:04d}_auto_202511{ctx.rng.randint(17, 19)}_{ctx.rng.randint(10, 23):02d}{ctx.rng.randint(0, 59):02d}"

    def failure(cmd: str) -> tuple[int, str, str]:
        if kind == "conflict":
            a, b = f"{state['n']:04d}_{model.lower()}_{field}", auto()
            err = f"CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: ({a}, {b} in {app})."
            return 1, f"{err}\nTo fix them run 'python manage.py makemigrations --merge'", err
        if kind == "missing":
            child = f"{state['n']:04d}_{model.lower()}_{field}"
            err = (
                f"django.db.migrations.exceptions.NodeNotFoundError: Migration {app}.{child} dependencies reference "
                f"nonexistent parent node ('{app}', '{state['n'] - 1:04d}_{ctx.pick(['initial', 'auto_20251118_' + str(ctx.rng.randint(1000, 2359))])}')"
            )
            rows = frames + [(p.format(cmd=cmd), n, fn, code) for p, n, fn, code in graph]
            return 1, traceback(rows, err), err
        err = f'django.db.utils.OperationalError: table "{app}_{model.lower()}" already exists'
        out = (
            f"Operations to perform:\n  Apply all migrations: {app}, auth, contenttypes\nRunning migrations:\n"
            f"  Applying contenttypes.0001_initial... OK\n  Applying {app}.0001_initial..."
        )
        rows = [
            *frames,
            ("/testbed/django/db/backends/utils.py", 84, "_execute", "return self.cursor.execute(sql, params)"),
            (
                "/testbed/django/db/backends/sqlite3/base.py",
                416,
                "execute",
                "return Database.Cursor.execute(self, query, params)",
            ),
        ]
        return (
            1,
            out
            + traceback(rows, f'sqlite3.OperationalError: table "{app}_{model.lower()}" already exists')
            + "\n\nThe above exception was the direct cause of the following exception:\n\n"
            + traceback(rows[:7], err),
            err,
        )

    last = {"err": ""}

    def run_manage() -> Step:
        sub = ctx.pick(
            [
                "makemigrations",
                f"makemigrations {app}",
                "migrate",
                f"migrate {app}",
                "migrate --run-syncdb",
                f"makemigrations {app} --merge --noinput",
                f"migrate {app} 0001 --fake",
                f"squashmigrations {app} {state['n']:04d} --noinput",
                "showmigrations",
            ]
        )
        code, out, err = failure(sub.split()[0])
        seen = last["err"]
        last["err"] = err
        thought = ctx.sentences(
            [
                "I still get `{seen}`." if seen else "Let me run the migration command again now.",
                "The previous attempt ended with `{seen}`, so the graph is still in the same state."
                if seen
                else "Time to see what Django says about the migration graph.",
                "Same thing as before: `{seen}`." if seen else "Let me see whether the migration graph loads now.",
            ],
            [
                "Maybe `{sub}` will get around it, since it handles the graph differently.",
                "I'll try `{sub}` this time.",
                "Running `{sub}` should tell me whether my last change made any difference.",
                "Let me check with `{sub}`.",
            ],
            seen=seen[:160],
            sub=sub,
        )
        return step(thought, f"cd {proj} && python manage.py {sub}", code, out, 1.5)

    def edit_models() -> Step:
        state["n"] += ctx.chance(0.3)
        tool = ctx.rng.randrange(4)
        if tool == 0:
            definition = ctx.pick(
                [
                    "CharField(max_length=64, blank=True)",
                    "IntegerField(default=0)",
                    "DateField(null=True)",
                    'ForeignKey("auth.User", on_delete=models.CASCADE, null=True)',
                ]
            )
            cmd = f"sed -i 's/{field} = models\\.[A-Za-z]*Field(.*)/{field} = models.{definition}/' {proj}/{app}/models.py && grep -n '{field}' {proj}/{app}/models.py"
            out = f"{ctx.rng.randint(6, 14)}:    {field} = models.{ctx.pick(['CharField(max_length=64, blank=True)', 'IntegerField(default=0)', 'DateField(null=True)'])}"
        elif tool == 1:
            extra = ctx.pick(
                [
                    "    class Meta:\n        db_table = '" + app + "_" + model.lower() + "s'\n",
                    "    class Meta:\n        managed = True\n",
                    "    def __str__(self):\n        return str(self.pk)\n",
                    "",
                ]
            )
            kind_of_field = ctx.pick(
                [
                    'CharField(max_length=32, default="")',
                    "PositiveIntegerField(null=True)",
                    "BooleanField(default=False)",
                ]
            )
            cmd = f"cat <<'EOF' > {proj}/{app}/models.py\nfrom django.db import models\n\n\nclass {model}(models.Model):\n    name = models.CharField(max_length={ctx.pick(['100', '120', '200', '255'])})\n    {field} = models.{kind_of_field}\n{extra}EOF"
            out = ""
        elif tool == 2:
            cmd = (
                f"python - <<'EOF'\nimport re, pathlib\np = pathlib.Path('{proj}/{app}/models.py')\ns = p.read_text()\n"
                f"s = re.sub(r'\\n    {field} = .*', '', s)\np.write_text(s)\nprint(s)\nEOF"
            )
            out = f"from django.db import models\n\n\nclass {model}(models.Model):\n    name = models.CharField(max_length=100)\n"
        else:
            cmd = f"perl -pi -e 's/null=True/null=False, default=None/' {proj}/{app}/models.py && cat {proj}/{app}/models.py"
            out = f"from django.db import models\n\n\nclass {model}(models.Model):\n    name = models.CharField(max_length=100)\n    {field} = models.CharField(max_length=50, null=False, default=None)\n"
        thought = ctx.sentences(
            [
                "Perhaps the model definition itself is what keeps the autodetector producing the broken state.",
                "Since the error is about `{app}`, I'll simplify the `{model}` model so the next migration is trivial.",
                "Let me change the `{field}` field definition; if the model is consistent with the migrations the graph should settle.",
                "I suspect the field change I made earlier confuses the migration state. Let me adjust `{model}.{field}`.",
            ],
            [
                "Then I'll regenerate the migrations.",
                "After that the migration files should line up with the model.",
                "",
            ],
            app=app,
            model=model,
            field=field,
        )
        return step(thought, cmd, 0, out, 0.3)

    def delete_migrations() -> Step:
        keep = ctx.chance(0.5)
        pattern = "000[2-9]_*.py" if keep else "0*.py"
        listing = "__init__.py\n__pycache__\n" + ("0001_initial.py\n" if keep else "")
        thought = ctx.sentences(
            [
                "The cleanest way out is to throw away the generated migrations and start over.",
                "I'll delete the migration files after the initial one; they were generated while the model was in flux.",
                "Let me remove the stale migrations (and their caches) so Django rebuilds them from scratch.",
            ],
            [
                "Recreating them should give a linear history.",
                "Then `makemigrations` should produce a single clean file.",
                "",
            ],
        )
        cmd = f"rm -f {proj}/{app}/migrations/{pattern} && rm -rf {proj}/{app}/migrations/__pycache__/* && ls {proj}/{app}/migrations"
        return step(thought, cmd, 0, listing, 0.2)

    def inspect() -> Step:
        which = ctx.rng.randrange(3)
        if which == 0:
            name = f"{state['n']:04d}_{model.lower()}_{field}.py"
            cmd = f"cat {proj}/{app}/migrations/{name}"
            out = (
                f"# Generated by Django 4.{ctx.rng.randint(0, 2)} on 2025-11-{ctx.rng.randint(17, 19)} {ctx.rng.randint(10, 23)}:{ctx.rng.randint(10, 59)}\n\n"
                f"from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n        ('{app}', '{state['n'] - 1:04d}_initial'),\n    ]\n\n"
                f"    operations = [\n        migrations.AddField(\n            model_name='{model.lower()}',\n            name='{field}',\n            field=models.CharField(default='', max_length=32),\n        ),\n    ]\n"
            )
        elif which == 1:
            cmd = f"ls -la {proj}/{app}/migrations/ && sqlite3 {proj}/db.sqlite3 'select app, name from django_migrations where app=\"{app}\"'"
            out = f"total {ctx.rng.randint(12, 28)}\ndrwxr-xr-x 3 root root 4096 Nov 18 {ctx.rng.randint(10, 23)}:{ctx.rng.randint(10, 59)} .\ndrwxr-xr-x 4 root root 4096 Nov 18 17:02 ..\n-rw-r--r-- 1 root root    0 Nov 18 17:02 __init__.py\n-rw-r--r-- 1 root root  {ctx.rng.randint(400, 900)} Nov 18 17:{ctx.rng.randint(10, 59)} 0001_initial.py\ndrwxr-xr-x 2 root root 4096 Nov 18 17:{ctx.rng.randint(10, 59)} __pycache__\nbash: line 1: sqlite3: command not found"
            return step(
                ctx.sentences(
                    [
                        "Let me look at what is actually on disk and in the django_migrations table.",
                        "I want to compare the files with what the database thinks is applied.",
                    ]
                ),
                cmd,
                127,
                out,
                0.3,
            )
        else:
            cmd = f"grep -rn 'dependencies\\|replaces' {proj}/{app}/migrations/*.py"
            out = f"{proj}/{app}/migrations/0001_initial.py:10:    dependencies = [\n{proj}/{app}/migrations/{state['n']:04d}_{model.lower()}_{field}.py:8:    dependencies = ["
        thought = ctx.sentences(
            [
                "Let me read the migration that is involved.",
                "I need to see the dependencies each migration declares.",
                "Before changing anything else I'll inspect the migration file contents.",
            ],
            [
                "The error names `{app}` so the problem must be visible there.",
                "Something references a node that should not be there.",
                "",
            ],
            app=app,
        )
        return step(thought, cmd, 0, out, 0.2)

    def reset_db() -> Step:
        thought = ctx.sentences(
            [
                "The sqlite database may still hold tables from an earlier attempt.",
                "Maybe the database file is out of sync with the migration files.",
            ],
            ["I'll delete it and let migrate recreate everything.", "Removing `db.sqlite3` gives a fresh start."],
        )
        return step(
            thought, f"rm -f {proj}/db.sqlite3 && ls {proj}", 0, f"{app}\nmanage.py\n{proj.rsplit('/', 1)[-1]}\n", 0.2
        )

    return _moves(ctx, run_manage, [(edit_models, 3), (delete_migrations, 2), (inspect, 2), (reset_db, 1)])


def doc_build_wall(ctx: Ctx) -> list[Step]:
    """A Sphinx build failing on one import, theme or warning-as-error whatever conf.py says."""
    where = ctx.pick(["docs_test", "/tmp/sphinx_repro", "repro_docs", "doc_check", "/tmp/build_issue"])
    version = ctx.run.sphinx or f"v{ctx.pick(['3.5.0', '4.2.0', '4.4.0', '5.0.0'])}+/{ctx.hexid()}"
    kind = ctx.pick(["extension", "theme", "meta", "version"])
    ext = ctx.pick(["sphinxcontrib.napoleon", "sphinx_autodoc_typehints", "myst_parser", "sphinx_copybutton"])
    theme = ctx.pick(["sphinx_rtd_theme", "furo", "pydata_sphinx_theme"])
    needs = ctx.pick(["sphinxcontrib.applehelp", "sphinxcontrib.serializinghtml", "sphinxcontrib.htmlhelp"])

    def failure(cmd: str) -> tuple[int, str, str]:
        head = f"Running Sphinx {version}\n"
        if kind != "version":
            head += "making output directory... done\n" if ctx.chance(0.5) else ""
        if kind == "extension":
            err = f"Could not import extension {ext} (exception: No module named '{ext.split('.')[-1] if ctx.chance(0.5) else ext}')"
            body = f"\nExtension error:\n{err}"
        elif kind == "theme":
            err = f"no theme named '{theme}' found (missing theme.conf?)"
            body = f"building [mo]: targets for 0 po files that are out of date\nbuilding [html]: targets for {ctx.rng.randint(1, 4)} source files that are out of date\nupdating environment: [new config] {ctx.rng.randint(1, 4)} added, 0 changed, 0 removed\n\nTheme error:\n{err}"
        elif kind == "meta":
            err = "while setting up extension sphinx.addnodes: node class 'meta' is already registered, its visitors will be overridden"
            body = f"\nWarning, treated as error:\n{err}"
        else:
            err = f"The {needs} extension used by this project needs at least Sphinx v5.0; it therefore cannot be built with this version."
            body = f"\nSphinx version error:\n{err}"
        tail = "\nmake: *** [Makefile:20: html] Error 2" if cmd.startswith("make") else ""
        return 2, head + body + tail, err

    last = {"err": ""}

    def build() -> Step:
        cmd = ctx.pick(
            [
                "make html",
                "sphinx-build -b html . _build/html",
                "sphinx-build -W -b html . _build",
                "python -m sphinx -b html -E -a . _build/html",
                "sphinx-build -b html -W --keep-going . _build/html",
                "make clean html",
            ]
        )
        code, out, err = failure(cmd)
        seen, last["err"] = last["err"], err
        thought = ctx.sentences(
            [
                "The build stopped with:\n\n```\n{seen}\n```\n\n" if seen else "",
                "Still `{seen}`." if seen else "",
                "It failed again: `{seen}`." if seen else "",
            ],
            [
                "Let me rebuild after that change.",
                "I'll run the build again to see if conf.py is picked up now.",
                "Let me try the build with `{cmd}` this time.",
                "Rebuilding to check.",
            ],
            seen=seen,
            cmd=cmd,
        )
        return step(thought, f"cd {where} && {cmd}", code, out, ctx.rng.uniform(1.5, 6.0))

    def edit_conf() -> Step:
        tool = ctx.rng.randrange(5)
        if tool == 0:
            more = ctx.pick([", 'sphinx.ext.napoleon'", ", 'sphinx.ext.viewcode'", ""])
            cmd = f"sed -i \"s/^extensions = .*/extensions = ['sphinx.ext.autodoc'{more}]/\" {where}/conf.py && grep -n extensions {where}/conf.py"
            out = f"{ctx.rng.randint(12, 30)}:extensions = ['sphinx.ext.autodoc']"
        elif tool == 1:
            cmd = f"cat <<'EOF' > {where}/conf.py\nproject = 'repro'\nextensions = [{ctx.pick(['', repr('sphinx.ext.autodoc'), repr('sphinx.ext.autodoc') + ', ' + repr('sphinx.ext.intersphinx')])}]\nhtml_theme = '{ctx.pick(['alabaster', 'classic', 'basic'])}'\nsuppress_warnings = {ctx.pick(['[]', repr(['app.add_node']), repr(['app.*'])])}\nexclude_patterns = ['_build']\nEOF"
            out = ""
        elif tool == 2:
            cmd = f"python - <<'EOF'\nfrom pathlib import Path\np = Path('{where}/conf.py')\nlines = [l for l in p.read_text().splitlines() if '{ext.split('.')[0]}' not in l and 'html_theme' not in l]\nlines.append(\"html_theme = 'alabaster'\")\np.write_text('\\n'.join(lines) + '\\n')\nprint(p.read_text())\nEOF"
            out = "project = 'repro'\nextensions = ['sphinx.ext.autodoc']\nexclude_patterns = ['_build']\nhtml_theme = 'alabaster'\n"
        elif tool == 3:
            cmd = f"awk '!/html_theme_path|{theme}/' {where}/conf.py > /tmp/conf.py && mv /tmp/conf.py {where}/conf.py && cat {where}/conf.py"
            out = "project = 'repro'\nextensions = ['sphinx.ext.autodoc']\nhtml_theme = 'alabaster'\n"
        else:
            cmd = f"printf \"\\nneeds_sphinx = '{version[1:4]}'\\nnitpicky = False\\n\" >> {where}/conf.py && tail -n 4 {where}/conf.py"
            out = f"html_theme = 'alabaster'\n\nneeds_sphinx = '{version[1:4]}'\nnitpicky = False"
        thought = ctx.sentences(
            [
                "The error comes from configuration, so I'll change conf.py.",
                "Let me strip conf.py down to what the reproduction actually needs.",
                "I'll remove the offending entry from conf.py.",
                "Maybe the theme/extension settings in conf.py are the trigger; let me rewrite that part.",
            ],
            [
                "That should take the failing import out of the picture.",
                "With a minimal configuration the build has nothing left to choke on.",
                "",
            ],
        )
        return step(thought, cmd, 0, out, 0.2)

    def probe() -> Step:
        which = ctx.rng.randrange(3)
        if which == 0:
            cmd = "pip list 2>/dev/null | grep -i -E 'sphinx|docutils|theme'"
            out = f"docutils                      0.{ctx.pick(['17.1', '18.1', '19'])}\nSphinx                        {version[1:].split('+')[0]}.dev20251118\nsphinxcontrib-applehelp       {ctx.pick(['1.0.4', '2.0.0'])}\nsphinxcontrib-devhelp         1.0.2\nsphinxcontrib-htmlhelp        2.0.1\nsphinxcontrib-jsmath          1.0.1\nsphinxcontrib-qthelp          1.0.3\nsphinxcontrib-serializinghtml 1.1.5"
        elif which == 1:
            cmd = (
                'python -c "import sphinx, docutils; print(sphinx.__version__, docutils.__version__, sphinx.__file__)"'
            )
            out = f"{version[1:].split('+')[0]} 0.{ctx.pick(['17.1', '18.1'])} /testbed/sphinx/__init__.py"
        else:
            cmd = f"rm -rf {where}/_build && ls {where}"
            out = "Makefile\nconf.py\nindex.rst"
        thought = ctx.sentences(
            [
                "Let me check which versions are installed in this environment.",
                "I want to know what Sphinx and docutils this environment has.",
                "Let me clear the build directory in case a stale environment pickle is involved.",
            ],
        )
        return step(thought, cmd, 0, out, 0.8)

    return _moves(ctx, build, [(edit_conf, 4), (probe, 2)])


def numeric_tolerance(ctx: Ctx) -> list[Step]:
    """Tolerances, rounding and dtypes nudged; the same comparison fails by slightly different amounts."""
    test = f"test_{ctx.symbol.strip('_')}_precision.py"
    name = f"test_{ctx.symbol.strip('_')}_{ctx.pick(['matches_reference', 'roundtrip', 'is_close', 'values'])}"
    sympy = ctx.run.repo == "sympy"
    state = {"rtol": ctx.pick(["1e-7", "1e-9", "1e-12"])}

    def failure() -> str:
        exp = ctx.rng.randint(14, 17)
        diff = ctx.rng.uniform(1.1, 8.9)
        if sympy:
            want = ctx.pick(["0.785398163397448", "1.64872127070013", "0.333333333333333", "2.71828182845905"])
            got = want[:-1] + str((int(want[-1]) + ctx.rng.randint(1, 8)) % 10)
            return f"    def {name}():\n        val = expr.evalf({ctx.pick(['15', '20', '30'])})\n>       assert abs(val - Float('{want}')) < {state['rtol']}\nE       AssertionError: assert {diff:.8f}e-{exp} < {state['rtol']}\nE        +  where {diff:.8f}e-{exp} = abs(({got} - {want}))\n\n{test}:{ctx.rng.randint(9, 14)}: AssertionError"
        mism = ctx.rng.randint(1, 3)
        total = ctx.pick(["4", "6", "12"])
        values = [ctx.rng.uniform(0, 3) for _ in range(3)]
        xs = ", ".join(f"{v:.8f}" for v in values)
        ys = ", ".join(f"{v + ctx.rng.choice([0.0, 1e-8, -1e-8]):.8f}" for v in values)
        return (
            f"    def {name}():\n        result = {ctx.symbol}(data)\n>       np.testing.assert_allclose(result, expected, rtol={state['rtol']})\n"
            f"E       AssertionError: \nE       Not equal to tolerance rtol={state['rtol']}, atol=0\nE       \n"
            f"E       Mismatched elements: {mism} / {total} ({100 * mism / int(total):.3g}%)\n"
            f"E       Max absolute difference: {diff:.8e}".replace("e+00", f"e-{exp}")
            + f"\nE       Max relative difference: {ctx.rng.uniform(1.1, 9.9):.8e}".replace("e+00", f"e-{exp - 1}")
            + f"\nE        x: array([{xs}])\nE        y: array([{ys}])\n\n{test}:{ctx.rng.randint(11, 19)}: AssertionError"
        )

    last = {"err": ""}

    def run() -> Step:
        text = failure()
        quoted = [
            line[1:].strip()
            for line in text.splitlines()
            if line.startswith("E ") and ("Max abs" in line or "Mismatched" in line or "assert " in line)
        ][:2]
        seen, last["err"] = last["err"], "\n".join(quoted)
        thought = ctx.sentences(
            [
                "The comparison still fails:\n\n```\n{seen}\n```\n\n" if seen else "Let me run the precision test.",
                "Still off by a few ulps:\n{seen}\n" if seen else "Running the test to see the exact numbers.",
            ],
            [
                "Let me rerun after the latest adjustment.",
                "Checking again with the new tolerance.",
                "Rerunning to see whether the numbers line up now.",
            ],
            seen=seen,
        )
        return step(
            thought,
            f"python -m pytest {test} -q -x 2>&1 | tail -n 30",
            1,
            pytest_run(ctx, test, [(name, text)], 0, 1),
            ctx.rng.uniform(0.8, 4),
        )

    def nudge() -> Step:
        tool = ctx.rng.randrange(5)
        old = state["rtol"]
        state["rtol"] = ctx.pick(["1e-6", "1e-8", "1e-10", "1e-13", "5e-15", "2e-16"])
        if tool == 0:
            cmd, why = (
                f"sed -i 's/{old}/{state['rtol']}/' {test}",
                "The tolerance might simply be too strict for floating point.",
            )
        elif tool == 1:
            cmd, why = (
                f"perl -pi -e 's/return (.*)$/return np.round($1, {ctx.rng.randint(8, 14)})/ if /def {ctx.symbol}/../^$/' {ctx.source}",
                "Rounding the result in the function should remove the noise in the last digits.",
            )
        elif tool == 2:
            cmd = f"python - <<'EOF'\nimport re\nfrom pathlib import Path\np = Path('{ctx.source}')\ns = p.read_text()\ns = s.replace('dtype=np.float32', 'dtype=np.float64').replace('astype(float)', 'astype(np.{ctx.pick(['float64', 'longdouble'])})')\np.write_text(s)\nprint('patched', s.count('float64'))\nEOF"
            why = "The accumulated error might come from a lower-precision dtype somewhere in the computation."
            return step(why + " Let me force float64.", cmd, 0, f"patched {ctx.rng.randint(1, 9)}", 0.3)
        elif tool == 3:
            cmd, why = (
                f"sed -i 's/evalf({ctx.rng.randint(15, 20)})/evalf({ctx.rng.randint(25, 60)})/; s/{old}/{state['rtol']}/' {test}",
                "More digits of working precision should make the comparison exact.",
            )
        else:
            cmd = f"cat <<'EOF' > {test}\nimport math\nimport numpy as np\nfrom {ctx.module} import {ctx.symbol}\n\n\ndef {name}():\n    data = np.linspace(0, 1, {ctx.pick(['4', '6', '12'])}, dtype=np.float64)\n    expected = np.array([math.fsum([x, x / 3]) for x in data])\n    result = {ctx.symbol}(data)\n    np.testing.assert_allclose(result, expected, rtol={state['rtol']})\nEOF"
            why = "Let me rewrite the test to compute the reference with math.fsum so the expected value is as exact as possible."
        thought = ctx.sentences(
            [why],
            ["I'll set rtol to {rtol}.", "", "Then the difference should be within tolerance."],
            rtol=state["rtol"],
        )
        return step(thought, cmd, 0, "", 0.2)

    def look() -> Step:
        cmd = ctx.pick(
            [
                f"nl -ba {ctx.source} | grep -n -A 12 'def {ctx.symbol}'",
                f"git diff {ctx.source} | head -n 40",
                'python -c "import numpy as np; print(np.finfo(np.float64).eps, np.__version__)"',
            ]
        )
        out = (
            f"2.220446049250313e-16 1.{ctx.rng.randint(21, 26)}.{ctx.rng.randint(0, 5)}"
            if cmd.startswith("python")
            else f"   {ctx.rng.randint(100, 900)}\tdef {ctx.symbol}(self, *args, **kwargs):"
        )
        return step(
            ctx.sentences(
                [
                    "Let me look at the numbers from another angle.",
                    "I want to see the code and machine precision involved.",
                ]
            ),
            cmd,
            0,
            out,
            0.3,
        )

    return _moves(ctx, run, [(nudge, 5), (look, 1)])


def _function_body(ctx: Ctx, name: str) -> str:
    """A fresh rewrite of a function: a different shape each time, as a person would write it."""
    args = ctx.pick(["self, value", "self, *args, **kwargs", "self, other, using=None", "value, strict=False"])
    pools = [
        [
            "if {v} is None:\n        return {d}",
            "if not {v}:\n        return {d}",
            "if isinstance({v}, (list, tuple)):\n        {v} = type({v})(item for item in {v} if item is not None)",
        ],
        [
            "result = []\n    for item in {v}:\n        result.append(item)",
            "result = {{}}\n    for key, item in enumerate({v}):\n        result[key] = item",
            "result = list({v}) if {v} else []",
        ],
        [
            "try:\n        converted = self._convert(result)\n    except (TypeError, ValueError) as exc:\n        raise ValueError('cannot convert %r' % ({v},)) from exc",
            "converted = [self._convert(r) for r in result]",
            "converted = tuple(sorted(result, key=repr))",
        ],
        [
            "if len(converted) == 1:\n        return converted[0]",
            "if not converted:\n        return {d}",
            "# keep the original ordering\n    seen = set()\n    converted = [c for c in converted if not (c in seen or seen.add(c))]",
        ],
        [
            "return converted",
            "return type({v})(converted) if isinstance({v}, tuple) else converted",
            "return self._finalize(converted)",
        ],
    ]
    var, default = ctx.pick(["value", "items", "data", "other"]), ctx.pick(["None", "[]", "()", "self"])
    lines = [ctx.pick(pool).format(v=var, d=default) for pool in pools]
    doc = ctx.pick(
        [
            '"""Return the normalized value."""',
            '"""\n    Rewritten: handle the empty and nested cases explicitly.\n    """',
            "",
        ]
    )
    prelude = f"    {var} = {args.split(',')[-1].split('=')[0].strip().lstrip('*')}\n" if var not in args else ""
    return (
        f"def {name}({args}):\n"
        + (f"    {doc}\n" if doc else "")
        + prelude
        + "".join(f"    {line}\n" for line in lines)
    )


def rewrite_revert(ctx: Ctx) -> list[Step]:
    """A function rewritten from scratch, the test failing, git checkout, another rewrite: same failure."""
    fn, path = ctx.symbol, ctx.source
    if ctx.django:
        label = f"{ctx.app}.tests"
        cls = ctx.pick(["Tests", "RegressionTests", "SimpleTests"])
        case = f"test_{fn.strip('_')}_{ctx.pick(['regression', 'edge_case', 'empty'])}"
        target = f"python tests/runtests.py {label} -v 1"
    else:
        case = f"test_{fn.strip('_')}_{ctx.pick(['regression', 'edge_case', 'empty'])}"
        target = f"python -m pytest {ctx.test_file} -q -k {case}"
    want = ctx.pick(["[1, 2, 3]", "'a, b'", "(None, 0)", "{'x': 1}"])
    got = ctx.pick(["[1, 2]", "'a'", "None", "{}"])
    state = {"n": 0}

    def fail() -> str:
        if ctx.django:
            block = (
                f"FAIL: {case} ({ctx.app}.tests.{cls}.{case})\n----------------------------------------------------------------------\n"
                + traceback(
                    [
                        (
                            f"/testbed/tests/{ctx.app}/tests.py",
                            400 + len(fn) * 3,
                            case,
                            f"self.assertEqual(result, {want})",
                        )
                    ],
                    f"AssertionError: {got} != {want}",
                )
            )
            return django_tests(ctx, label, ctx.rng.randint(30, 140), block)
        body = f"    def {case}():\n>       assert {fn}(sample) == {want}\nE       AssertionError: assert {got} == {want}\nE        +  where {got} = {fn}(sample)\n\n{ctx.test_file}:{200 + len(fn)}: AssertionError"
        return pytest_run(ctx, ctx.test_file, [(case, body)], ctx.rng.randint(0, 3), ctx.rng.randint(1, 4))

    def rewrite() -> Step:
        state["n"] += 1
        body = _function_body(ctx, fn)
        if ctx.chance(0.5):
            cmd = (
                f"cat <<'EOF' > /tmp/new_{fn}.py\n{body}EOF\npython - <<'EOF'\nimport re\nfrom pathlib import Path\n"
                f"p = Path('{path}')\ns = p.read_text()\nnew = Path('/tmp/new_{fn}.py').read_text()\n"
                f"m = re.search(r'^(\\s*)def {fn}\\(.*?(?=^\\1(?:def |class |@)|\\Z)', s, re.S | re.M)\n"
                f"indent = m.group(1).strip('\\n')\nnew = ''.join(indent + l if l.strip() else l for l in new.splitlines(True))\n"
                f"p.write_text(s[:m.start()] + '\\n' + new + '\\n' + s[m.end():])\nprint('replaced', m.start(), m.end())\nEOF"
            )
            out = f"replaced {ctx.rng.randint(2000, 30000)} {ctx.rng.randint(30001, 60000)}"
        else:
            cmd = (
                f"python3 <<'EOF'\nfrom pathlib import Path\np = Path('{path}')\nsrc = p.read_text()\nstart = src.index('def {fn}(')\n"
                f"end = src.index('\\n    def ', start + 1)\nNEW = '''{body}'''\nsrc = src[:start] + NEW.replace('\\n', '\\n    ').rstrip() + '\\n' + src[end:]\np.write_text(src)\nEOF"
            )
            out = ""
        thought = ctx.sentences(
            [
                "Patching this piecemeal isn't working. I'm going to rewrite `{fn}` from scratch with a cleaner structure.",
                "Let me take a different approach and write `{fn}` again, this time handling the empty and nested cases up front.",
                "I'll rewrite the whole `{fn}` function instead of adjusting individual lines; the control flow was getting hard to follow.",
                "Attempt {n}: a fresh implementation of `{fn}` that normalises its input first and converts afterwards.",
            ],
            ["The test expects `{want}`.", "", "This version should produce `{want}` for the sample in the test."],
            fn=fn,
            n=state["n"],
            want=want,
        )
        return step(thought, cmd, 0, out, 0.3)

    def test() -> Step:
        thought = ctx.sentences(
            [
                "Now let me run the test against the rewritten function.",
                "Running the target test again.",
                "Let's see whether this version passes.",
            ],
            ["It previously returned `{got}` instead of `{want}`." if state["n"] > 1 else ""],
            got=got,
            want=want,
        )
        return step(thought, target, 1, fail(), ctx.rng.uniform(1, 5))

    def revert() -> Step:
        thought = ctx.sentences(
            [
                "Still `{got}` instead of `{want}`. This rewrite didn't help either, so I'll restore the original file before trying again.",
                "That failed the same way. Let me reset the file to a clean state with git.",
                "I'll revert to the original implementation first so the next attempt starts from the committed code.",
            ],
            got=got,
            want=want,
        )
        cmd = ctx.pick(
            [
                f"git checkout -- {path}",
                f"git checkout {path} && git status --short",
                f"git restore {path} && git diff --stat",
            ]
        )
        out = "" if cmd.count("&&") == 0 else ("?? reproduce_issue.py" if "status" in cmd else "")
        return step(thought, cmd, 0, out, 0.2)

    committed = _function_body(ctx, fn)

    def view() -> Step:
        return step(
            ctx.sentences(
                [
                    "Let me look at the original function again before the next rewrite.",
                    "Let me reread the committed version to see what I might be missing.",
                ]
            ),
            f"grep -n -A {ctx.rng.randint(25, 45)} 'def {fn}(' {path}",
            0,
            "\n".join(f"{300 + i}-        {line}" for i, line in enumerate(committed.splitlines())),
            0.2,
        )

    steps: list[Step] = []
    while len(steps) < ctx.steps:
        steps += [rewrite(), test()]
        if ctx.chance(0.4):
            steps.append(view())
        steps.append(revert())
    return steps[: ctx.steps]


def search_loop(ctx: Ctx) -> list[Step]:
    """A symbol hunted with ever different patterns and flags, never found, nothing edited."""
    base = ctx.symbol.strip("_")
    names = [f"_{base}_registry", f"{base}_hook", f"get_{base}_handler", f"{base.upper()}_DEFAULTS", f"_resolve_{base}"]
    wanted = ctx.pick([name for name in names if name.strip("_").split("_")[0] != base.split("_")[0]])
    top = ctx.source.split("/")[0]
    near = "/".join(ctx.source.split("/")[:-1]) or top
    variants = [
        (f"grep -rn '{wanted}' {top}/", 1, ""),
        (f"grep -rnw {wanted} . --include=*.py", 1, ""),
        (f"git grep -n '{wanted}'", 1, ""),
        (f"git grep -n -i '{wanted.replace('_', '.')}' -- '*.py'", 1, ""),
        (f"find . -name '*{wanted.strip('_').split('_')[0]}*' -not -path './.git/*'", 0, ""),
        (f"grep -rn 'def {wanted}\\|{wanted} =' {near}", 1, ""),
        (f"rg -n '{wanted}'", 127, "bash: line 1: rg: command not found"),
        (f"git log --oneline -S '{wanted}' | head -n 20", 0, ""),
        (f"grep -rEn '{wanted[:6]}[a-z_]*\\(' {top} | grep -v tests | head -n 20", 0, ""),
        (
            f"python -c \"import {ctx.module} as m; print([n for n in dir(m) if '{wanted.strip('_').split('_')[0]}' in n.lower()])\"",
            0,
            "[]",
        ),
        (
            f"grep -rn '{wanted}' /testbed --include='*.py' --include='*.txt' --include='*.rst' 2>/dev/null | head",
            1,
            "",
        ),
        (
            f"find / -path /proc -prune -o -name '*.py' -print 2>/dev/null | xargs grep -ln '{wanted}' 2>/dev/null | head",
            123,
            "",
        ),
        (f"grep -rn --exclude-dir=.git -e '{wanted.split('_')[-1]}' {near} | head -n 15", 0, None),
        (f"ack '{wanted}'", 127, "bash: line 1: ack: command not found"),
        (f"git grep -c '{base}' | sort -t: -k2 -nr | head", 0, None),
    ]
    order = ctx.rng.sample(range(len(variants)), len(variants))
    position, last = [0], [""]

    def hits() -> str:
        files = [
            f"{near}/{ctx.pick(['utils', 'base', 'core', 'helpers', 'compat'])}.py",
            f"docs/{ctx.pick(['releases', 'ref', 'topics'])}/{ctx.pick(['3.2', '4.0', 'index', 'api'])}.{ctx.pick(['txt', 'rst'])}",
            ctx.test_file,
        ]
        return "\n".join(
            f"{f}:{ctx.rng.randint(10, 900)}:    {ctx.pick([base, 'self.' + base, base + '(self)', '# ' + base + ' is resolved lazily'])}"
            for f in files[: ctx.rng.randint(1, 3)]
        )

    def search() -> Step:
        if position[0] >= len(order):
            position[0] = 0
            ctx.rng.shuffle(order)
        cmd, code, out = variants[order[position[0]]]
        position[0] += 1
        if out is None:
            out = hits()
        seen, last[0] = last[0], "nothing" if not out else out.splitlines()[0][:100]
        thought = ctx.sentences(
            [
                "No results for that pattern."
                if seen == "nothing"
                else "That only turned up `{seen}`, which is not the definition.",
                "The previous search came back empty.",
                "Hmm, `{wanted}` must be spelled differently, or created dynamically.",
                "I still haven't found where `{wanted}` is defined.",
            ],
            [
                "Maybe it is assigned via setattr or built from a string, so let me widen the search.",
                "Let me try a different pattern and include non-Python files.",
                "It could live in a compiled module or a vendored copy. Let me search more broadly.",
                "Perhaps the name is composed at runtime; I'll search for a fragment instead.",
                "Let me use word boundaries and a case-insensitive search this time.",
            ],
            ["", "The PR clearly expects it to exist somewhere around `{near}`."],
            seen=seen,
            wanted=wanted,
            near=near,
        )
        return step(thought, cmd, code, out, ctx.rng.uniform(0.2, 3.0))

    def peek() -> Step:
        cmd = f"ls {near} && wc -l {ctx.source}"
        out = (
            "\n".join(
                sorted(
                    {"__init__.py", ctx.source.rsplit("/", 1)[-1], "base.py", "utils.py", "compat.py", "__pycache__"}
                )
            )
            + f"\n{ctx.rng.randint(300, 2500)} {ctx.source}"
        )
        return step("Let me list the package to see which modules might define it.", cmd, 0, out, 0.2)

    first = step(
        ctx.sentences(
            [
                "To fix this properly I need to find where `{wanted}` is defined, since the code path I looked at relies on it.",
                "Next I need the definition of `{wanted}`; the behaviour in the PR depends on it.",
            ],
            ["Let me search the repository.", "A recursive grep should find it."],
            wanted=wanted,
        ),
        f"grep -rn '{wanted}' .",
        1,
        "",
        0.9,
    )
    return [first, *_moves(ctx, search, [(search, 6), (peek, 1)])[: ctx.steps - 1]]


def env_var_maze(ctx: Ctx) -> list[Step]:
    """A failure that needs a setting the sandbox lacks; exported in a subshell, written to .env, set too late."""
    kinds = {"django": ["settings", "tz", "lang"], "matplotlib": ["display", "home"]}.get(
        ctx.run.repo, ["home", "lang", "tz"]
    )
    kind = ctx.pick(kinds)
    script = ctx.pick(["reproduce_issue.py", "repro.py", "check_env.py", "run_case.py"])
    var, value = {
        "settings": ("DJANGO_SETTINGS_MODULE", ctx.pick(["tests.settings", "test_sqlite", "repro_settings"])),
        "tz": ("TZ", ctx.pick(["Europe/Paris", "America/New_York", "Asia/Kolkata"])),
        "lang": ("LANG", ctx.pick(["C.UTF-8", "en_US.UTF-8"])),
        "display": ("MPLBACKEND", "Agg"),
        "home": ("HOME", ctx.pick(["/root", "/tmp/home", "/testbed"])),
    }[kind]

    def error() -> str:
        line = ctx.rng.randint(3, 40)
        if kind == "settings":
            setting = ctx.pick(["INSTALLED_APPS", "USE_TZ", "DATABASES", "LOGGING_CONFIG", "SECRET_KEY"])
            return traceback(
                [
                    (
                        f"/testbed/{script}",
                        line,
                        "<module>",
                        ctx.pick(
                            ["from django.contrib.auth.models import User", "print(settings.DEBUG)", "django.setup()"]
                        ),
                    ),
                    (
                        "/testbed/django/conf/__init__.py",
                        ctx.rng.choice([82, 83, 67]),
                        "__getattr__",
                        "self._setup(name)",
                    ),
                    (
                        "/testbed/django/conf/__init__.py",
                        ctx.rng.choice([63, 64, 54]),
                        "_setup",
                        "raise ImproperlyConfigured(",
                    ),
                ],
                f"django.core.exceptions.ImproperlyConfigured: Requested setting {setting}, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.",
            )
        if kind == "tz":
            return (
                traceback(
                    [
                        (f"/testbed/{script}", line, "<module>", "django.setup()"),
                        (
                            "/testbed/django/conf/__init__.py",
                            176,
                            "__init__",
                            'raise ValueError("Incorrect timezone setting: %s" % self.TIME_ZONE)',
                        ),
                    ],
                    f"ValueError: Incorrect timezone setting: {value}",
                )
                if ctx.chance(0.5)
                else traceback(
                    [
                        (f"/testbed/{script}", line, "<module>", f"tz = zoneinfo.ZoneInfo('{value}')"),
                        (
                            "/opt/miniconda3/envs/testbed/lib/python3.9/zoneinfo/_common.py",
                            24,
                            "load_tzdata",
                            'raise ZoneInfoNotFoundError(f"No time zone found with key {key}")',
                        ),
                    ],
                    f"zoneinfo._common.ZoneInfoNotFoundError: 'No time zone found with key {value}'",
                )
            )
        if kind == "lang":
            ch, pos = ctx.pick(["\\xe9", "\\u2019", "\\xfc", "\\u00e8"]), ctx.rng.randint(5, 60)
            return traceback(
                [(f"/testbed/{script}", line, "<module>", "print(rendered)")],
                f"UnicodeEncodeError: 'ascii' codec can't encode character '{ch}' in position {pos}: ordinal not in range(128)",
            )
        if kind == "display":
            return traceback(
                [
                    (f"/testbed/{script}", line, "<module>", "fig, ax = plt.subplots()"),
                    (
                        "/testbed/lib/matplotlib/pyplot.py",
                        ctx.rng.choice([1458, 1502, 1387]),
                        "subplots",
                        "fig = figure(**fig_kw)",
                    ),
                    (
                        "/opt/miniconda3/envs/testbed/lib/python3.11/tkinter/__init__.py",
                        2326,
                        "__init__",
                        "self.tk = _tkinter.create(screenName, baseName, className, interactive, wantobjects, useTk, sync, use)",
                    ),
                ],
                ctx.pick(
                    [
                        "_tkinter.TclError: no display name and no $DISPLAY environment variable",
                        f'_tkinter.TclError: couldn\'t connect to display ":{ctx.rng.randint(0, 1)}"',
                    ]
                ),
            )
        where = ctx.pick(["astropy", "matplotlib", "xdg"])
        return traceback(
            [
                (
                    f"/testbed/{script}",
                    line,
                    "<module>",
                    "import matplotlib.pyplot as plt"
                    if where != "astropy"
                    else "from astropy.config import get_config_dir",
                ),
                (
                    "/opt/miniconda3/envs/testbed/lib/python3.9/posixpath.py",
                    286,
                    "expanduser",
                    "userhome = pwd.getpwuid(os.getuid()).pw_dir",
                ),
            ],
            f"KeyError: 'getpwuid(): uid not found: {ctx.rng.randint(1000, 65000)}'"
            if ctx.chance(0.5)
            else "RuntimeError: Could not determine home directory.",
        )

    last = {"err": ""}

    def attempt() -> Step:
        text = error()
        err = text.splitlines()[-1]
        seen, last["err"] = last["err"], err
        style = ctx.rng.randrange(6)
        if style == 0:
            cmd, note = f"export {var}={value} && echo ${var}", "I'll export the variable."
            return step(
                ctx.sentences(
                    [
                        f"The error is `{seen or err}`." if seen else "",
                        "It looks like the environment is missing `{var}`.",
                    ],
                    [note],
                    var=var,
                ),
                cmd,
                0,
                value,
                0.1,
            )
        if style == 1:
            cmd, note = (
                f"echo '{var}={value}' > .env && cat .env && python {script}",
                "Let me put the setting in a .env file next to the script.",
            )
        elif style == 2:
            cmd = f'sed -i \'1i import os\\nos.environ.setdefault("{var}", "{value}")\' {script} && head -n 4 {script} && python {script}'
            note = "I'll set it inside the script itself with os.environ.setdefault."
        elif style == 3:
            cmd, note = (
                f"python {script}",
                "The variable was exported in the previous step, so this run should pick it up.",
            )
        elif style == 4:
            cmd = f"cat <<'EOF' >> ~/.bashrc\nexport {var}={value}\nEOF\nsource ~/.bashrc; python {script}"
            note = "Maybe setting it in .bashrc makes it stick for the shell."
        else:
            cmd = f"env | grep -E '{var}|LC_|DISPLAY|HOME' ; python {script}"
            note = "Let me check what the environment really contains before running again."
        thought = ctx.sentences(
            [
                "Still failing with:\n\n```\n{seen}\n```\n\n" if seen else "",
                "Same error as before (`{seen}`)." if seen else "",
                "The error changed slightly but it is the same problem: `{seen}`." if seen else "",
            ],
            [note],
            ["", "It depends on `{var}` being set to `{value}`."],
            seen=seen,
            var=var,
            value=value,
        )
        return step(thought, cmd, 1, text, 0.9)

    def read() -> Step:
        return step(
            ctx.sentences(
                [
                    "Let me look at the script to see where the setting is read.",
                    "I'll check the top of the script for the import order.",
                ]
            ),
            f"head -n 20 {script}",
            0,
            f"import os\nimport sys\n{'import django' if ctx.django else 'import numpy as np'}\nos.environ.setdefault('{var}', '{value}')\n",
            0.1,
        )

    return _moves(ctx, attempt, [(attempt, 4), (read, 1)])


def submit_refused(ctx: Ctx) -> list[Step]:
    """The agent keeps trying to submit while its diff is empty or the test still fails, and is told so."""
    empty = ctx.chance(0.5)
    target = f"python tests/runtests.py {ctx.app}" if ctx.django else f"python -m pytest {ctx.test_file} -q -x"
    staged = f" {ctx.source} | {ctx.rng.randint(2, 14)} ++++++--\n 1 file changed, {ctx.rng.randint(2, 9)} insertions(+), {ctx.rng.randint(1, 5)} deletions(-)"

    def refusal() -> str:
        if empty:
            return ctx.pick(
                [
                    "Submission rejected: `git diff --cached` is empty, no changes to /testbed were found.\nMake your changes to the source files, then submit again.",
                    "Cannot submit: the working tree has no changes (git status reports nothing to commit).\nEdit the source files to resolve the issue first.",
                ]
            )
        return ctx.pick(
            [
                f"Submission rejected: the task's failing test still fails ({ctx.rng.randint(1, 3)} failed, {ctx.rng.randint(10, 90)} passed).\nFix the failing test before submitting.",
                f"Cannot submit yet: {target.split()[-1] if not ctx.django else ctx.app} still has failures. Run the tests, fix them, then submit.",
            ]
        )

    def submit(first: bool = False) -> Step:
        cmd = ctx.pick(
            [
                SUBMIT,
                SUBMIT,
                "cd /testbed && " + SUBMIT,
                "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached --stat",
            ]
        )
        thought = (
            "I have made the change and verified it. I'm ready to submit."
            if first
            else ctx.sentences(
                [
                    "Everything is in place now. Submitting.",
                    "The fix is complete; let me submit again.",
                    "I believe the earlier rejection was spurious, the change is there. Submitting once more.",
                    "I've double-checked the change. Final submission.",
                ],
            )
        )
        return Step(action(thought, cmd), observation(1, refusal()), 0.3)

    def recheck() -> Step:
        which = ctx.rng.randrange(4)
        if which == 0:
            cmd, code, out = "git status --short", 0, "" if empty else f" M {ctx.source}"
            note = "Let me check git status."
        elif which == 1:
            cmd, code, out = f"git diff --stat {ctx.source}", 0, "" if empty else staged
            note = "Let me confirm that my edit is in the diff."
        elif which == 2:
            failure = (
                f"FAIL: test_{ctx.symbol.strip('_')} ({ctx.app}.tests.Tests.test_{ctx.symbol.strip('_')})\n"
                + traceback(
                    [
                        (
                            f"/testbed/tests/{ctx.app}/tests.py",
                            77,
                            f"test_{ctx.symbol.strip('_')}",
                            "self.assertIs(result, True)",
                        )
                    ],
                    "AssertionError: False is not True",
                )
            )
            passed = ctx.rng.randint(3, 30)
            body = f"    def test_regression():\n>       assert check()\nE       assert False\n\n{ctx.test_file}:31: AssertionError"
            out = (
                django_tests(ctx, ctx.app, passed, failure)
                if ctx.django
                else pytest_run(ctx, ctx.test_file, [("test_regression", body)], passed, passed + 1)
            )
            cmd, code, note = target, 1, "Let me run the tests one more time."
        else:
            cmd, code, out = (
                f"grep -n '{ctx.symbol}' {ctx.source} | head -n 5",
                0,
                f"{ctx.rng.randint(50, 800)}:    def {ctx.symbol}(self, *args, **kwargs):",
            )
            note = "Let me make sure the change I made is really in the file."
        thought = ctx.sentences(
            [
                "The submission was refused.",
                "It says the submission was rejected.",
                "The harness refused the submission again.",
            ],
            [note],
            ["", "I edited it earlier, so it should be there.", "Maybe it was a transient check failure."],
        )
        return step(thought, cmd, code, out, 0.6)

    steps = [submit(first=True)]
    while len(steps) < ctx.steps:
        steps.append(submit() if ctx.chance(0.45) else recheck())
    return steps

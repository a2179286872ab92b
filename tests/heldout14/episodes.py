"""Productive episodes inserted into resolved runs: repetition that is progress (hard negatives)."""

from __future__ import annotations

from heldout14.harness import Step, step
from heldout14.prose import Ctx, django_tests, pytest_run, traceback


def _target(ctx: Ctx) -> tuple[str, str]:
    """The run's test command and a test name in it."""
    name = f"test_{ctx.symbol.strip('_')}"
    if ctx.django:
        return f"python tests/runtests.py {ctx.app} --parallel 1", name
    return f"python -m pytest {ctx.test_file} -q", name


def _passing(ctx: Ctx, ran: int) -> str:
    if ctx.django:
        return django_tests(ctx, ctx.app, ran, None)
    return pytest_run(ctx, ctx.test_file, [], ran, ran)


def flaky_then_stable(ctx: Ctx) -> list[Step]:
    """One test fails now and then under different seeds; made deterministic, it passes every time."""
    cmd, name = _target(ctx)
    ran = ctx.rng.randint(12, 80)
    steps: list[Step] = []
    seeded = f"{cmd} -p randomly -p no:cacheprovider" if not ctx.django else f"{cmd} --shuffle"
    for attempt in range(ctx.rng.randint(1, 3)):
        seed = ctx.rng.randint(10000, 4294967295) if not ctx.django else ctx.rng.randint(1000000000, 9999999999)
        order = [f"{ctx.rng.randint(0, 9)}" for _ in range(3)]
        body = f"    def {name}_order():\n        got = list(collect({ctx.symbol!r}))\n>       assert got == {order}\nE       AssertionError: assert {order[::-1]} == {order}\nE         At index 0 diff: '{order[-1]}' != '{order[0]}'\n\n{ctx.test_file}:{ctx.rng.randint(40, 400)}: AssertionError"
        if ctx.django:
            out = f"Using shuffle seed: {seed} (generated)\n" + django_tests(
                ctx,
                ctx.app,
                ran,
                f"FAIL: {name}_order ({ctx.app}.tests.Tests.{name}_order)\n"
                + traceback(
                    [(f"/testbed/tests/{ctx.app}/tests.py", 212, f"{name}_order", "self.assertEqual(got, expected)")],
                    f"AssertionError: Lists differ: {order[::-1]} != {order}",
                ),
            )
        else:
            out = f"Using --randomly-seed={seed}\n" + pytest_run(
                ctx, ctx.test_file, [(f"{name}_order", body)], ran - 1, ran
            )
        thought = ctx.sentences(
            [
                "Let me run the tests again to double check."
                if attempt == 0
                else "It failed again, with a different seed this time.",
                "Running the suite once more." if attempt == 0 else "Another intermittent failure, seed {seed}.",
            ],
            ["" if attempt == 0 else "The ordering of the result depends on iteration order, it seems."],
            seed=seed,
        )
        steps.append(step(thought, seeded, 1, out, ctx.rng.uniform(2, 9)))
        if ctx.chance(0.6):
            steps.append(
                step(
                    "Interesting, it passed this time. The failure is intermittent.",
                    seeded,
                    0,
                    (f"Using --randomly-seed={ctx.rng.randint(10000, 99999999)}\n" if not ctx.django else "")
                    + _passing(ctx, ran),
                    ctx.rng.uniform(2, 9),
                )
            )
    found = sorted(ctx.rng.sample(range(40, 900), ctx.rng.randint(2, 5)))
    hits = "\n".join(
        f"{n}:        {ctx.pick(['seen = set()', 'for key, value in self._registry.items():', 'names = set(names)', 'return list(found)'])}"
        for n in found
    )
    steps.append(
        step(
            ctx.sentences(
                [
                    "The order comes from a set/dict iteration. Let me find where the collection is built.",
                    "The flakiness must come from unordered iteration; let me locate it.",
                ]
            ),
            f"grep -n 'set(\\|frozenset(\\|\\.items()\\|list(found)' {ctx.source} | head -n 20",
            0,
            hits,
            0.3,
        )
    )
    fix = ctx.pick(
        [
            f"sed -i 's/return list(found)/return sorted(found, key=str)/' {ctx.source} && git diff {ctx.source}",
            f"python - <<'EOF'\nfrom pathlib import Path\np = Path('{ctx.source}')\ns = p.read_text()\ns = s.replace('names = set(names)', 'names = list(dict.fromkeys(names))')\np.write_text(s)\nEOF",
            f"perl -pi -e 's/for (\\w+) in set\\((.*)\\):/for $1 in sorted(set($2), key=repr):/' {ctx.source}",
        ]
    )
    diff = f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{found[-1] - 3},7 +{found[-1] - 3},7 @@\n-        return list(found)\n+        return sorted(found, key=str)"
    steps.append(
        step(
            "I'll make the order deterministic so the result no longer depends on hashing.",
            fix,
            0,
            diff if "git diff" in fix else "",
            0.2,
        )
    )
    loop = f"for i in $(seq 1 {ctx.pick(['5', '8', '10'])}); do {seeded} 2>&1 | tail -n 1; done"
    tails = "\n".join(
        f"{'=' * 24} {ran} passed in {ctx.seconds(0.5, 4)}s {'=' * 24}" if not ctx.django else "OK"
        for _ in range(int(loop.split("seq 1 ")[1].split(")")[0]))
    )
    steps.append(
        step(
            "Now let me run it several times with different seeds to be sure it is stable.",
            loop,
            0,
            tails,
            ctx.rng.uniform(15, 40),
        )
    )
    return steps


def long_debug_session(ctx: Ctx) -> list[Step]:
    """8–15 runs of a failing script, each with a new print or input, the values moving, then the fix."""
    script = ctx.pick(["debug_issue.py", "trace_values.py", "reproduce_issue.py", "dbg.py"])
    fn = ctx.symbol
    var = ctx.pick(["result", "state", "parts", "offset", "resolved"])
    runs = ctx.rng.randint(8, 15)
    inputs = [
        ctx.pick(["[]", "[1]", "[1, 2]", "(0, None)", "'a'", "{'k': 1}", "None", "[1, [2, 3]]", "''", "0", "-1", "2.5"])
        for _ in range(runs)
    ]
    steps = [
        step(
            ctx.sentences(
                [
                    "I need to see what `{fn}` does step by step. Let me write a small debug script.",
                    "Let me instrument a script that calls `{fn}` directly so I can watch the intermediate values.",
                ],
                fn=fn,
            ),
            f"cat <<'EOF' > {script}\nfrom {ctx.module} import *  # noqa\n\nfor arg in [{inputs[0]}]:\n    print('input', repr(arg))\n    print('{var}', repr({fn}(arg)) if callable({fn}) else None)\nEOF",
            0,
            "",
            0.2,
        )
    ]
    value = ctx.rng.randint(0, 50)
    for i in range(runs):
        if i:
            edit = ctx.rng.randrange(3)
            if edit == 0:
                cmd = f"sed -i 's/for arg in \\[.*\\]/for arg in [{inputs[i]}]/' {script}"
                why = f"Let me try a different input, `{inputs[i]}`, to see how the value changes."
            elif edit == 1:
                cmd = f"sed -i '/print(.input/a\\    print(\"step {i}\", {ctx.pick(['type(arg).__name__', 'len(str(arg))', 'bool(arg)', 'id(arg) % 1000'])})' {script}"
                why = "I'll add another print to see the intermediate state before the call."
            else:
                cmd = f"sed -i 's/^\\(\\s*\\)return {var}$/\\1print(\"DEBUG {var}\", {var}, file=sys.stderr)\\n\\1return {var}/' {ctx.source} && grep -n 'DEBUG' {ctx.source}"
                why = f"Let me print `{var}` inside `{fn}` right before it returns."
            steps.append(
                step(
                    why,
                    cmd,
                    0,
                    ""
                    if edit != 2
                    else f'{ctx.rng.randint(100, 900)}:        print("DEBUG {var}", {var}, file=sys.stderr)',
                    0.2,
                )
            )
        value += ctx.rng.randint(-7, 11)
        lines = [
            f"input {inputs[i]}",
            f"step {i} {ctx.pick(['list', 'tuple', 'NoneType', 'str', 'int'])}",
            f"DEBUG {var} {value}",
            f"{var} {value if i % 3 else value + 1}",
        ]
        failing = i < runs - 1
        out = "\n".join(lines[: ctx.rng.randint(2, 4)])
        if failing and ctx.chance(0.4):
            out += "\n" + traceback(
                [
                    (f"/testbed/{script}", 5, "<module>", f"print('{var}', repr({fn}(arg)))"),
                    (f"/testbed/{ctx.source}", ctx.rng.randint(100, 900), fn, f"return {var}[0]"),
                ],
                ctx.pick(
                    [
                        "IndexError: list index out of range",
                        "TypeError: 'NoneType' object is not subscriptable",
                        f"ValueError: invalid {var}: {value}",
                    ]
                ),
            )
        if not failing:
            steps.append(
                step(
                    ctx.sentences(
                        [
                            "Now I understand: the value goes wrong when the input is empty. Let me fix the source.",
                            "The debug output shows the off-by-one. Fixing it in the source.",
                        ]
                    ),
                    f"sed -i 's/return {var}\\[0\\]/return {var}[0] if {var} else None/' {ctx.source} && sed -i '/DEBUG {var}/d' {ctx.source} && git diff --stat",
                    0,
                    f" {ctx.source} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)",
                    0.3,
                )
            )
        thought = ctx.sentences(
            [
                "Running the debug script.",
                "Let's see the values now.",
                "Run again.",
                "Let me run it and compare with the previous output (`{var}` was {prev}).",
            ],
            var=var,
            prev=value - 3,
        )
        steps.append(step(thought, f"python {script}", 1 if "Traceback" in out else 0, out, 0.8))
    return steps


def migrations_done_right(ctx: Ctx) -> list[Step]:
    """makemigrations → migrate → test, with a couple of fixes along the way, ending clean."""
    proj = ctx.pick(["testproj", "/tmp/mig_ok", "repro_site"])
    app = ctx.pick(["orders", "notes", "members", "tracker"])
    model = app.rstrip("s").capitalize()
    steps = [
        step(
            f"To reproduce this with real migrations I'll create a small project with an `{app}` app.",
            f"mkdir -p {proj} && cd {proj} && django-admin startproject site_cfg . && python manage.py startapp {app} && ls",
            0,
            f"{app}\nmanage.py\nsite_cfg",
            1.2,
        ),
        step(
            f"Now define the `{model}` model and register the app.",
            f"cat <<'EOF' > {proj}/{app}/models.py\nfrom django.db import models\n\n\nclass {model}(models.Model):\n    title = models.CharField(max_length=100)\n    created = models.DateTimeField(auto_now_add=True)\nEOF\nsed -i \"s/'django.contrib.staticfiles',/'django.contrib.staticfiles',\\n    '{app}',/\" {proj}/site_cfg/settings.py",
            0,
            "",
            0.2,
        ),
        step(
            "Generate the initial migration.",
            f"cd {proj} && python manage.py makemigrations {app}",
            0,
            f"Migrations for '{app}':\n  {app}/migrations/0001_initial.py\n    - Create model {model}",
            1.5,
        ),
    ]
    if ctx.chance(0.6):
        steps.append(
            step(
                "Apply it.",
                f"cd {proj} && python manage.py migrate",
                1,
                traceback(
                    [
                        (
                            f"{proj}/{app}/models.py",
                            6,
                            model,
                            "created = models.DateTimeField(auto_now_add=True, default=None)",
                        )
                    ],
                    "TypeError: __init__() got an unexpected keyword argument 'defualt'",
                )
                if ctx.chance(0.5)
                else "SystemCheckError: System check identified some issues:\n\nERRORS:\n"
                + f"{app}.{model}.title: (fields.E120) CharFields must define a 'max_length' attribute.",
                1.5,
            )
        )
        steps.append(
            step(
                "A typo in the model; fixing the field definition.",
                f"sed -i 's/title = models.CharField(.*)/title = models.CharField(max_length=100)/' {proj}/{app}/models.py && python -c \"print(open('{proj}/{app}/models.py').read())\"",
                0,
                f"from django.db import models\n\n\nclass {model}(models.Model):\n    title = models.CharField(max_length=100)\n    created = models.DateTimeField(auto_now_add=True)\n",
                0.3,
            )
        )
    applied = "\n".join(
        f"  Applying {m}... OK"
        for m in [
            "contenttypes.0001_initial",
            "auth.0001_initial",
            "admin.0001_initial",
            f"{app}.0001_initial",
            "sessions.0001_initial",
        ]
    )
    steps.append(
        step(
            "Apply the migrations.",
            f"cd {proj} && python manage.py migrate",
            0,
            f"Operations to perform:\n  Apply all migrations: admin, auth, contenttypes, {app}, sessions\nRunning migrations:\n{applied}",
            2.5,
        )
    )
    steps.append(
        step(
            "Now add the field the issue is about and create a second migration.",
            f"cd {proj} && sed -i '$a\\    priority = models.PositiveSmallIntegerField(default=0)' {app}/models.py && python manage.py makemigrations {app}",
            0,
            f"Migrations for '{app}':\n  {app}/migrations/0002_{model.lower()}_priority.py\n    - Add field priority to {model.lower()}",
            1.5,
        )
    )
    steps.append(
        step(
            "Apply it and check the plan.",
            f"cd {proj} && python manage.py migrate {app} && python manage.py showmigrations {app}",
            0,
            f"Operations to perform:\n  Apply all migrations: {app}\nRunning migrations:\n  Applying {app}.0002_{model.lower()}_priority... OK\n{app}\n [X] 0001_initial\n [X] 0002_{model.lower()}_priority",
            2.0,
        )
    )
    cmd, _ = _target(ctx)
    steps.append(
        step(
            "The migrations behave. Now the relevant Django tests.",
            cmd,
            0,
            _passing(ctx, ctx.rng.randint(30, 200)),
            ctx.rng.uniform(4, 20),
        )
    )
    return steps


def docs_iterate(ctx: Ctx) -> list[Step]:
    """A Sphinx build whose warnings fall with each edit until it is clean."""
    where = ctx.pick(["docs_repro", "/tmp/doccheck", "repro_docs"])
    version = ctx.run.sphinx or f"v{ctx.pick(['3.5.0', '4.1.0', '4.4.0'])}+/{ctx.hexid()}"
    count = ctx.rng.randint(5, 9)
    kinds = [
        "WARNING: duplicate object description of {m}.{s}, use :noindex: for one of them",
        "WARNING: undefined label: {s}-section (if the link has no caption the label must precede a section header)",
        "WARNING: py:class reference target not found: {m}.Base",
        "WARNING: Inline emphasis start-string without end-string.",
        "WARNING: document isn't included in any toctree",
        "WARNING: Unexpected indentation.",
        "WARNING: autodoc: failed to import module '{m}_extra'; the following exception was raised:\nNo module named '{m}_extra'",
    ]
    warnings = [ctx.pick(kinds).format(m=ctx.module, s=ctx.symbol) for _ in range(count)]
    steps: list[Step] = []
    while True:
        listing = "\n".join(f"{where}/index.rst:{ctx.rng.randint(3, 60)}: {w}" for w in warnings)
        out = f"Running Sphinx {version}\nmaking output directory... done\nbuilding [html]: targets for 2 source files that are out of date\nupdating environment: [new config] 2 added, 0 changed, 0 removed\nreading sources... [100%] index\n{listing}\nlooking for now-outdated files... none found\npickling environment... done\nchecking consistency... done\nwriting output... [100%] index\nbuild succeeded{', ' + str(len(warnings)) + ' warning' + ('s' if len(warnings) != 1 else '') if warnings else ''}.\n\nThe HTML pages are in _build/html."
        thought = ctx.sentences(
            [
                "Building the docs.",
                "Rebuilding to see which warnings remain.",
                "Let me build again; there should be fewer warnings now.",
            ]
        )
        steps.append(
            step(thought, f"cd {where} && sphinx-build -b html -E . _build/html", 0, out, ctx.rng.uniform(2, 7))
        )
        if not warnings:
            return steps
        fixed = warnings[: ctx.rng.randint(1, 3)]
        warnings = warnings[len(fixed) :]
        first = fixed[0].split("WARNING: ")[1].splitlines()[0]
        cmd = ctx.pick(
            [
                f"sed -i 's/^.. autofunction:: {ctx.module}.{ctx.symbol}$/.. autofunction:: {ctx.module}.{ctx.symbol}\\n   :noindex:/' {where}/index.rst",
                f"python - <<'EOF'\nfrom pathlib import Path\np = Path('{where}/index.rst')\ns = p.read_text().replace('*emphasis', '*emphasis*').replace('   Unexpected', 'Unexpected')\np.write_text(s)\nEOF",
                f"ed -s {where}/index.rst <<'EOF'\n/toctree/a\n   :maxdepth: 2\n.\nw\nq\nEOF",
                f"printf '\\n.. _{ctx.symbol}-section:\\n\\n{ctx.symbol}\\n{'=' * len(ctx.symbol)}\\n' >> {where}/index.rst",
            ]
        )
        steps.append(step(f"Next warning to deal with: `{first}`. Fixing it in index.rst.", cmd, 0, "", 0.2))


def big_refactor(ctx: Ctx) -> list[Step]:
    """A rename carried through 10+ files, the same clean test run after every edit."""
    old = ctx.symbol
    new = ctx.pick([f"{old}_impl", f"_{old.strip('_')}", f"{old.strip('_')}_v2", f"compute_{old.strip('_')}"])
    top = ctx.source.split("/")[0]
    known = [path for path in ctx.run.sources if path != ctx.source]
    made = sorted(
        {
            f"{top}/{a}/{b}.py"
            for a in ("utils", "core", "base", "compat", "helpers")
            for b in ("__init__", "common", "registry", "mixins", "functions")
        }
    )
    wanted = ctx.rng.randint(10, 13)
    files = [ctx.source, *ctx.rng.sample(known, min(len(known), wanted - 2))]
    files += ctx.rng.sample([path for path in made if path not in files], wanted - len(files))
    cmd, _ = _target(ctx)
    ran = ctx.rng.randint(20, 150)
    clean = _passing(ctx, ran)
    steps = [
        step(
            f"Before the change I'll find every use of `{old}` so the rename is complete.",
            f"git grep -l '{old}' -- '*.py'",
            0,
            "\n".join(files),
            0.5,
        )
    ]
    for path in files:
        tool = ctx.rng.randrange(4)
        edit = {
            0: f"sed -i 's/\\b{old}\\b/{new}/g' {path}",
            1: f"perl -pi -e 's/\\b{old}\\b/{new}/g' {path}",
            2: f"python - <<'EOF'\nimport re\nfrom pathlib import Path\np = Path('{path}')\np.write_text(re.sub(r'\\b{old}\\b', '{new}', p.read_text()))\nprint(p.read_text().count('{new}'))\nEOF",
            3: f"awk '{{gsub(/{old}/, \"{new}\")}} 1' {path} > /tmp/x.py && mv /tmp/x.py {path}",
        }[tool]
        check = "" if tool == 2 else f" && grep -c '{new}' {path}"
        steps.append(
            step(
                ctx.sentences(
                    ["Updating `{path}`.", "Next: `{path}`.", "Now `{path}`; it imports the old name."], path=path
                ),
                edit + check,
                0,
                str(ctx.rng.randint(1, 6)),
                0.2,
            )
        )
        steps.append(
            step(
                ctx.sentences(
                    [
                        "Running the same tests to make sure nothing broke.",
                        "Tests again after this file.",
                        "Quick check with the test suite.",
                    ]
                ),
                cmd,
                0,
                clean,
                ctx.rng.uniform(3, 15),
            )
        )
    return steps


def env_set_once(ctx: Ctx) -> list[Step]:
    """One missing environment setting, found after one or two failures and set on the command line."""
    script = ctx.pick(["check_fix.py", "verify.py", "reproduce_issue.py"])
    if ctx.django:
        var, value = "DJANGO_SETTINGS_MODULE", "tests.test_sqlite"
        err = "django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings."
    elif ctx.run.repo == "matplotlib":
        var, value = "MPLBACKEND", "Agg"
        err = "_tkinter.TclError: no display name and no $DISPLAY environment variable"
    else:
        var, value = "PYTHONIOENCODING", "utf-8"
        err = f"UnicodeEncodeError: 'ascii' codec can't encode character '\\u2013' in position {ctx.rng.randint(3, 40)}: ordinal not in range(128)"
    steps = [
        step(
            "Let me run the verification script.",
            f"python {script}",
            1,
            traceback([(f"/testbed/{script}", ctx.rng.randint(3, 20), "<module>", "main()")], err),
            1.0,
        )
    ]
    if ctx.chance(0.5):
        steps.append(
            step(
                f"`{err.split(':')[0]}`. Let me see how the tests set this up.",
                f"grep -rn '{var}' tests/ setup.cfg tox.ini 2>/dev/null | head -n 5",
                0,
                f"tox.ini:{ctx.rng.randint(10, 40)}:    {var}={value}",
                0.3,
            )
        )
    steps.append(
        step(
            f"The script needs `{var}`. Since every command runs in a fresh shell, I'll set it on the command line.",
            f"{var}={value} python {script}",
            0,
            f"{ctx.symbol}: OK\nAll checks passed.",
            1.0,
        )
    )
    return steps

"""Productive episodes inserted into real resolved runs: repetitive on the surface, progressing underneath."""

from __future__ import annotations

import random

from heldout12.runs import Ctx, Exchange, repo_names
from heldout12.talk import code_lines, doubled, hang, maybe, numbered, para, run_tests, say, step, test_command


def _new_test(ctx: Ctx, rng: random.Random) -> tuple[str, Exchange]:
    name = f"test_{ctx.symbol.strip('_').lower()}_{rng.choice(['regression', 'issue', 'edge_case', 'nested', 'roundtrip'])}"
    body = (
        f"\n\ndef {name}():\n    from {ctx.module} import {ctx.symbol}\n    assert {ctx.symbol} is not None\n"
        if not ctx.django
        else f"\n\nclass {name.title().replace('_', '')}(SimpleTestCase):\n    def {name}(self):\n        self.assertTrue(True)\n"
    )
    return name, step(
        para(
            rng,
            f"I'll add a regression test for the fix to `{ctx.test}`.",
            maybe(rng, 0.4, "It should fail before the change and pass after it."),
        ),
        f"cat <<'EOF' >> {ctx.test}{body}EOF",
        0,
        "",
    )


def _edit(ctx: Ctx, rng: random.Random, why: str) -> Exchange:
    line = rng.randint(40, 900)
    command = rng.choice(
        [
            f"sed -i '{line}s/if value:/if value is not None:/' {ctx.src}",
            f"python - <<'EOF'\np = '{ctx.src}'\ns = open(p).read()\ns = s.replace('return result', 'return list(result)', 1)\nopen(p, 'w').write(s)\nprint('ok')\nEOF",
            f"perl -pi -e 's/\\bkwargs\\)/kwargs, copy=False)/ if $. == {line}' {ctx.src}",
        ]
    )
    return step(why, command, 0, "ok\n" if "print('ok')" in command else "")


# ---------------------------------------------------------------- pre-existing-failures


def pre_existing_failures(ctx: Ctx, rng: random.Random) -> list[Exchange]:
    """The module's run shows the same unrelated failures every time; the agent's own test goes green."""
    name, added = _new_test(ctx, rng)
    unrelated = rng.sample(
        [
            "test_network_fetch",
            "test_remote_image",
            "test_optional_backend",
            "test_locale_de",
            "test_large_file",
            "test_tz_database",
        ],
        rng.randint(1, 3),
    )
    reasons = {
        "test_network_fetch": "urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>",
        "test_remote_image": "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='example.com', port=443): Max retries exceeded",
        "test_optional_backend": "ModuleNotFoundError: No module named 'pyarrow'",
        "test_locale_de": "locale.Error: unsupported locale setting",
        "test_large_file": "OSError: [Errno 28] No space left on device",
        "test_tz_database": "zoneinfo._common.ZoneInfoNotFoundError: 'No time zone found with key Europe/Berlin'",
    }
    others = [(f"test_{ctx.symbol.strip('_').lower()}_{i}", ".") for i in range(rng.randint(6, 30))]

    def run(own: str) -> Exchange:
        results = [(u, "F") for u in unrelated] + others + [(name, own)]
        failures = {u: f"E       {reasons[u]}" if not ctx.django else reasons[u] for u in unrelated}
        failures[name] = (
            f"E       AssertionError: assert {ctx.symbol}(...) == expected"
            if not ctx.django
            else "AssertionError: False is not true"
        )
        command, quiet = test_command(ctx, rng)
        rc, out = run_tests(ctx, rng, results, failures, quiet)
        lead = say(rng, "Run the test module.", "Running the whole test file.", "Let's run the tests.")
        if own == ".":
            lead = para(
                rng,
                ("Rerun after the fix.", "Now the tests again."),
                maybe(rng, 0.5, f"I expect `{name}` to pass and the {len(unrelated)} unrelated failure(s) to remain."),
            )
        return step(lead, command, rc, out, rng.uniform(2, 12))

    out = [added, run("F")]
    baseline = run_tests(
        ctx,
        rng,
        [(u, "F") for u in unrelated] + others,
        {u: f"E       {reasons[u]}" if not ctx.django else reasons[u] for u in unrelated},
    )[1]
    out.append(
        step(
            para(
                rng,
                f"`{name}` fails as expected. {', '.join(f'`{u}`' for u in unrelated)} also fail{'s' if len(unrelated) == 1 else ''}, but {'that looks' if len(unrelated) == 1 else 'those look'} environmental (network / optional dependency / locale).",
                "Let me confirm they fail without my changes too.",
            ),
            f"git stash && {test_command(ctx, rng)[0]} 2>&1 | tail -n 8; git stash pop",
            0,
            "Saved working directory and index state WIP on main\n"
            + "\n".join(baseline.splitlines()[-8:])
            + f"\nOn branch main\nChanges not staged for commit:\n\tmodified:   {ctx.src}\n\tmodified:   {ctx.test}\n",
            6,
        )
    )
    out.append(
        _edit(
            ctx,
            rng,
            say(
                rng,
                "They are pre-existing. Now the actual fix.",
                "Confirmed pre-existing. Applying the fix to the source.",
            ),
        )
    )
    if rng.random() < 0.5:
        out.append(run("F"))
        out.append(
            _edit(
                ctx,
                rng,
                say(
                    rng,
                    "Not quite; the other branch needs the same treatment.",
                    "Still failing for my test: the second call site needs updating too.",
                ),
            )
        )
    out.append(run("."))
    if rng.random() < 0.6:
        command = (
            f"python -m pytest {ctx.test} -k {name} -q"
            if not ctx.django
            else f"python tests/runtests.py {ctx.app}.tests"
        )
        rc, text = run_tests(ctx, rng, [(name, ".")], quiet=True)
        out.append(step("Just my test, to be sure.", command, rc, text))
    return out


# ---------------------------------------------------------------- retry-after-timeout


def retry_after_timeout(ctx: Ctx, rng: random.Random) -> list[Exchange]:
    """A slow module times out once to three times; narrowed with -k (or split), it passes."""
    name = rng.choice(ctx.tests)
    collected = rng.randint(200, 2400)
    partial = (
        "============================= test session starts ==============================\n"
        f"platform linux -- Python {ctx.py_full}, pytest-{ctx.pytest}, pluggy-1.5.0\nrootdir: /testbed\nconfigfile: {ctx.configfile}\n"
        f"collected {collected} items\n\n{ctx.test} "
        + "." * 60
        + " [  2%]\n"
        + ("." * 72 + f" [  {rng.randint(5, 9)}%]\n") * rng.randint(1, 5)
    )
    runs = [
        (f"python -m pytest {ctx.test}", "Run the full test module to check for regressions."),
        (f"python -m pytest {ctx.test} -x -q", "The module is slow. Run it again with -x -q."),
        (f"python -m pytest {ctx.test} -q -p no:cacheprovider -n 4", "Try parallelising with xdist."),
    ]
    out = [hang(why, command, partial) for command, why in runs[: rng.randint(1, 3)]]
    selected = rng.sample(list(ctx.tests), min(len(ctx.tests), rng.randint(1, 3)))
    expr = " or ".join(selected)
    results = [(f"{t}[{p}]", ".") for t in selected for p in range(rng.randint(1, 6))]
    rc, text = run_tests(ctx, rng, results, quiet=True)
    text = text.replace(" in ", f" deselected {collected - len(results)} in ", 1) if rng.random() < 0.3 else text
    out.append(
        step(
            para(
                rng,
                say(
                    rng, "The whole module takes too long for the 60s limit.", "Timed out again; the module is too big."
                ),
                f"I'll narrow it to the tests relevant to `{ctx.symbol}`.",
            ),
            f'timeout 55 python -m pytest {ctx.test} -q -k "{expr}"',
            rc,
            text,
            rng.uniform(5, 40),
        )
    )
    if rng.random() < 0.5:
        rc, text = run_tests(ctx, rng, [(f"test_{name}_{i}", ".") for i in range(rng.randint(20, 90))], quiet=True)
        out.append(
            step(
                "Also the tests mentioning the parent class, still under the limit.",
                f"timeout 55 python -m pytest {ctx.test} -q -k 'not slow and {ctx.symbol.strip('_')}'",
                rc,
                text,
                30,
            )
        )
    return out


# ---------------------------------------------------------------- long-investigation


def long_investigation(ctx: Ctx, rng: random.Random) -> list[Exchange]:
    """12–25 reads and greps of files and symbols not read before, then one edit."""
    paths, names = repo_names(ctx.repo)
    files = rng.sample(paths, min(len(paths), 14)) or [ctx.src]
    symbols = rng.sample(names, min(len(names), 14)) or [ctx.symbol]
    out: list[Exchange] = []
    for i in range(rng.randint(12, 25)):
        path, symbol = files[i % len(files)], symbols[i % len(symbols)]
        start = rng.randint(1, 1500)
        kind = rng.randrange(6)
        if kind == 0:
            hits = "".join(
                f"{rng.choice(files)}:{rng.randint(10, 2000)}:{line}\n"
                for line in code_lines(rng, symbol, rng.randint(2, 7))
            )
            out.append(
                step(
                    say(
                        rng,
                        f"Where is `{symbol}` used?",
                        f"Let me search for `{symbol}`.",
                        f"Find all references to `{symbol}`.",
                    ),
                    f'grep -rn "{symbol}" {ctx.src.split("/")[0]} | head -20',
                    0,
                    hits,
                )
            )
        elif kind == 1:
            out.append(
                step(
                    say(rng, f"Let me read `{path}` around line {start}.", f"Look at `{path}`.", f"Now `{path}`."),
                    f"nl -ba {path} | sed -n '{start},{start + 30}p'",
                    0,
                    numbered(code_lines(rng, symbol, 31), start),
                )
            )
        elif kind == 2:
            defs = "".join(
                f"{rng.randint(10, 1900)}:    def {name}(self" + "):\n"
                for name in rng.sample(symbols, min(6, len(symbols)))
            )
            out.append(step(f"What does `{path}` define?", f"grep -n 'def \\|^class ' {path} | head -40", 0, defs))
        elif kind == 3:
            log = "".join(
                f"{rng.getrandbits(28):07x} {rng.choice(['Fixed', 'Refs', 'Added', 'Refactored'])} {symbol} handling in {path.rsplit('/', 1)[-1]}.\n"
                for _ in range(rng.randint(2, 5))
            )
            out.append(
                step(
                    f"History of `{path}`, to see why `{symbol}` looks like this.",
                    f"git log --oneline -5 -- {path}",
                    0,
                    log,
                )
            )
        elif kind == 4:
            source = "\n".join(code_lines(rng, symbol, rng.randint(8, 20), indent="")) + "\n"
            module = path.removeprefix("lib/").removeprefix("src/").removesuffix(".py").replace("/", ".")
            out.append(
                step(
                    f"Print the source of `{symbol}` directly.",
                    f'python -c "import inspect, {module} as m; print(inspect.getsource(m.{symbol}))"',
                    0,
                    source,
                )
            )
        else:
            out.append(
                step(
                    f"Which files mention `{symbol}`?",
                    f"grep -rl '{symbol}' --include=*.py . | head",
                    0,
                    "".join(f"./{p}\n" for p in rng.sample(files, min(len(files), rng.randint(1, 5)))),
                )
            )
        if i == 6 and rng.random() < 0.3:
            out.append(
                doubled(
                    rng,
                    "I'll check both the base class and the mixin.",
                    f"grep -n 'class ' {files[0]}",
                    f"grep -n 'class ' {files[1 % len(files)]}",
                )
            )
    out.append(
        _edit(
            ctx,
            rng,
            para(
                rng,
                f"I now understand the flow: the value passes through `{symbols[0]}` before `{ctx.symbol}` sees it.",
                "Applying the fix where it is normalised.",
            ),
        )
    )
    return out


# ---------------------------------------------------------------- iterative-refactor


def iterative_refactor(ctx: Ctx, rng: random.Random) -> list[Exchange]:
    """5–10 small edits, the same check after each; its output clean or getting better."""
    use_flake8 = rng.random() < 0.5
    issues = rng.randint(3, 9)
    out: list[Exchange] = []
    check, quiet = (f"flake8 {ctx.src}", False) if use_flake8 else test_command(ctx, rng)
    edits = [
        ("Rename the local `tmp` to something meaningful.", f"sed -i 's/\\btmp\\b/normalized/g' {ctx.src}"),
        (
            "Extract the repeated conversion into a helper.",
            f"python - <<'EOF'\np = '{ctx.src}'\ns = open(p).read()\ns = s.replace('    def {ctx.symbol}(', '    def _coerce(self, value):\\n        return value if value is not None else self.default\\n\\n    def {ctx.symbol}(', 1)\nopen(p, 'w').write(s)\nEOF",
        ),
        (
            "Add a docstring to the new helper.",
            f'sed -i \'/def _coerce/a\\        """Return value, or the default when it is None."""\' {ctx.src}',
        ),
        (
            "Use the helper at the second call site.",
            f"perl -pi -e 's/value if value is not None else self\\.default/self._coerce(value)/' {ctx.src}",
        ),
        (
            "Wrap the long line.",
            f"sed -i 's/, strict=False, copy=True)/,\\n            strict=False, copy=True)/' {ctx.src}",
        ),
        ("Remove the now-unused import.", f"sed -i '/^import warnings$/d' {ctx.src}"),
        (
            "Simplify the nested condition.",
            f"python - <<'EOF'\np = '{ctx.src}'\ns = open(p).read().replace('if a:\\n            if b:', 'if a and b:', 1)\nopen(p, 'w').write(s)\nEOF",
        ),
        (
            "Update the comment to match.",
            f"sed -i 's/# handle the legacy case/# None means: use the default/' {ctx.src}",
        ),
        (
            "Make the helper private to the module.",
            f"sed -i 's/def coerce_value/def _coerce_value/; s/ coerce_value(/ _coerce_value(/g' {ctx.src}",
        ),
        (
            "Keep the old name as an alias for compatibility.",
            f"cat <<'EOF' >> {ctx.src}\n\n# Backwards compatibility.\ncoerce_value = _coerce_value\nEOF",
        ),
    ]
    for why, command in edits[: rng.randint(5, 10)]:
        out.append(step(why, command, 0, ""))
        if use_flake8:
            issues = max(0, issues - rng.choice([0, 1, 1, 2]))
            lines = "".join(
                f"{ctx.src}:{rng.randint(20, 900)}:{rng.randint(1, 80)}: {rng.choice(['E501 line too long (91 > 79 characters)', 'F401 ' + chr(39) + 'warnings' + chr(39) + ' imported but unused', 'W291 trailing whitespace', 'E128 continuation line under-indented for visual indent'])}\n"
                for _ in range(issues)
            )
            out.append(
                step(
                    say(rng, "Lint.", "flake8 again.", "Check style.", "Lint after the change."),
                    check,
                    1 if issues else 0,
                    lines,
                )
            )
        else:
            rc, text = run_tests(
                ctx, rng, [(t, ".") for t in ctx.tests] + [(f"test_case_{j}", ".") for j in range(12)], quiet=quiet
            )
            out.append(
                step(
                    say(rng, "Tests still pass?", "Run the tests.", "Check nothing broke.", "Tests."),
                    check,
                    rc,
                    text,
                    rng.uniform(1, 8),
                )
            )
    return out


# ---------------------------------------------------------------- install-then-work


def install_then_work(ctx: Ctx, rng: random.Random) -> list[Exchange]:
    """Two or three failing installs, each with a different fix, then it installs and work goes on."""
    dist = {"scikit-learn": "scikit-learn", "django": "Django"}.get(ctx.repo, ctx.pkg.strip("_"))
    failures = [
        (
            "pip install -e .",
            "Obtaining file:///testbed\n  Installing build dependencies: started\n  Installing build dependencies: finished with status 'error'\n  error: subprocess-exited-with-error\n\n  × pip subprocess to install build dependencies did not run successfully.\n  │ exit code: 1\n  ╰─> [3 lines of output]\n      ERROR: Could not find a version that satisfies the requirement setuptools_scm[toml]>=6.2 (from versions: none)\n      ERROR: No matching distribution found for setuptools_scm[toml]>=6.2\n      [end of output]\n",
            "The build isolation can't download its requirements. Use the already installed setuptools instead.",
            "pip install -e . --no-build-isolation",
        ),
        (
            "pip install -e . --no-build-isolation",
            f"Obtaining file:///testbed\n  Preparing metadata (pyproject.toml): started\n  Preparing metadata (pyproject.toml): finished with status 'error'\n  error: subprocess-exited-with-error\n  ModuleNotFoundError: No module named '{rng.choice(['extension_helpers', 'setuptools_scm', 'cython'])}'\n",
            "A build helper is missing. Install it first.",
            f"pip install {rng.choice(['extension-helpers', 'setuptools_scm', 'cython<3'])}",
        ),
        (
            "pip install pytest-timeout==2.3.5",
            "ERROR: Could not find a version that satisfies the requirement pytest-timeout==2.3.5 (from versions: 1.4.2, 2.0.2, 2.1.0, 2.2.0, 2.3.1)\nERROR: No matching distribution found for pytest-timeout==2.3.5\n",
            "That version doesn't exist. Let pip pick.",
            "pip install pytest-timeout",
        ),
        (
            "python setup.py develop",
            f"running develop\nerror: can't create or remove files in install directory\n\nThe following error occurred while trying to add or remove files in the\ninstallation directory:\n\n    [Errno 13] Permission denied: '{ctx.site}/test-easy-install-{rng.randint(100, 999)}.write-test'\n",
            "setup.py develop is deprecated and lacks permissions; use pip.",
            "pip install -e . --no-build-isolation",
        ),
    ]
    chosen = rng.sample(failures, rng.randint(2, 3))
    out: list[Exchange] = []
    for command, error, why, fix in chosen:
        lead = say(
            rng,
            "I need the package installed in development mode to run the tests.",
            "Install the project so the test runner picks up my changes.",
            "Let me (re)install.",
        )
        out.append(step(lead, command, 1, error, rng.uniform(3, 25)))
        out.append(
            step(
                why,
                fix,
                0,
                f"Successfully installed {fix.split()[-1]}\n"
                if "-e" not in fix
                else f"Successfully installed {dist}\n",
                rng.uniform(4, 30),
            )
        )
    out.append(
        step(
            "Install again.",
            "pip install -e . --no-build-isolation -q 2>&1 | tail -2",
            0,
            f"Successfully installed {dist}\n",
            rng.uniform(8, 40),
        )
    )
    command, quiet = test_command(ctx, rng)
    rc, text = run_tests(
        ctx,
        rng,
        [(t, ".") for t in ctx.tests] + [(f"test_case_{j}", ".") for j in range(rng.randint(3, 20))],
        quiet=quiet,
    )
    out.append(step("Now the tests run against the installed tree.", command, rc, text, 5))
    return out


# ---------------------------------------------------------------- bisect-by-hand


def bisect_by_hand(ctx: Ctx, rng: random.Random) -> list[Exchange]:
    """Checking out older versions of the file and running one test: a binary search by hand."""
    name = rng.choice(ctx.tests)
    commits = [f"{rng.getrandbits(28):07x}" for _ in range(rng.randint(8, 14))]
    subjects = [
        rng.choice(["Fixed", "Refs", "Refactored", "Simplified", "Deprecated"])
        + f" {rng.choice(['handling', 'caching', 'validation'])} in {ctx.src.rsplit('/', 1)[-1]}."
        for _ in commits
    ]
    out = [
        step(
            f"When did `{ctx.symbol}` start behaving like this? Let me look at the history of the file.",
            f"git log --oneline -n {len(commits)} -- {ctx.src}",
            0,
            "".join(f"{c} {s}\n" for c, s in zip(commits, subjects, strict=True)),
        ),
        step(
            "Stash my changes while I check out old versions.",
            "git stash",
            0,
            f"Saved working directory and index state WIP on main: {commits[0]} {subjects[0]}\n",
        ),
    ]
    first_bad = rng.randint(1, len(commits) - 2)  # commits[0] is newest: indices < first_bad... are bad
    good, bad = len(commits) - 1, 0
    last = "the start"
    while good - bad > 1:
        mid = (good + bad) // 2
        failing = mid <= first_bad
        command = rng.choice(
            [f"git checkout {commits[mid]} -- {ctx.src} && ", f"git show {commits[mid]}:{ctx.src} > {ctx.src} && "]
        )
        test, quiet = test_command(ctx, rng, name)
        body = "E       AssertionError" if not ctx.django else "AssertionError: False is not true"
        rc, text = run_tests(ctx, rng, [(name, "F" if failing else ".")], {name: body}, quiet)
        out.append(
            step(
                para(
                    rng,
                    f"Try {commits[mid]} (between {commits[bad]} and {commits[good]}).",
                    maybe(rng, 0.4, f"Last one was {last}."),
                ),
                command + test,
                rc,
                text,
                rng.uniform(1, 6),
            )
        )
        last = "bad" if failing else "good"
        if failing:
            bad = mid
        else:
            good = mid
    out.append(
        step(
            f"{commits[bad]} introduced it. Let me see what it changed.",
            f"git show --stat {commits[bad]} | head -20",
            0,
            f"commit {commits[bad]}{rng.getrandbits(100):025x}\nAuthor: {rng.choice(['Mariusz Felisiak', 'Tim Graham', 'Thomas A Caswell', 'Aaron Meurer', 'Ran Benita'])}\n\n    {subjects[bad]}\n\n {ctx.src} | {rng.randint(3, 40)} ++++----\n 1 file changed\n",
        )
    )
    out.append(
        step(
            "Restore the current version and my changes.",
            f"git checkout HEAD -- {ctx.src} && git stash pop && git status --short",
            0,
            f" M {ctx.src}\n",
        )
    )
    return out

"""Productive episodes spliced into resolved runs: work that looks repetitive but moves forward."""

from __future__ import annotations

import re
from collections.abc import Callable

from heldout10.context import Ctx, grep, own_test, pick, view
from heldout10.outputs import Failure
from heldout10.runs import Act, run_cmd

Episode = Callable[[Ctx], list[Act]]


def _regression_test(ctx: Ctx, name: str, expected: str) -> str:
    module = ctx.source.removeprefix("lib/").removeprefix("src/").removesuffix(".py").replace("/", ".")
    if ctx.suite.style == "django":
        return f"\n\nclass {ctx.suite.klass}Regression(SimpleTestCase):\n    def {name}(self):\n        from {module} import {ctx.ident}\n        self.assertEqual({ctx.ident}({expected}), {expected})\n"
    return (
        f"\n\ndef {name}():\n    from {module} import {ctx.ident}\n    assert {ctx.ident}({expected}) == {expected}\n"
    )


def suite_with_known_failures(ctx: Ctx) -> list[Act]:
    """The module's pre-existing failures stay put every run; the agent's own test goes red to green."""
    rng, suite = ctx.rng, ctx.suite
    own = own_test(ctx)
    others = [n for n in suite.names if n != own]
    known = rng.sample(others, rng.randint(2, 4))
    causes = [
        "ModuleNotFoundError: No module named 'pygments_lexers_extra'",
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='example.org', port=443): Max retries exceeded",
        "AssertionError: assert 'UTC' == 'Europe/Berlin'",
        "DeprecationWarning: distutils Version classes are deprecated. Use packaging.version instead.",
        "OSError: [Errno 30] Read-only file system: '/testbed/.hypothesis'",
    ]
    rng.shuffle(causes)
    for name, cause in zip(known, causes, strict=False):
        suite.failing[name] = Failure(((suite.path, rng.randint(30, 900), name, "result = run_case()"),), cause)
    before = [n for n in suite.names if n != own]
    acts: list[Act] = []
    rc, out = suite.run(rng, only=before)
    acts.append(
        run_cmd(
            pick(
                rng,
                "The fix works on my script. Let me run the whole test module to check for regressions.",
                "Now the full module's tests, to see if anything else broke.",
            ),
            suite.command(rng),
            rc,
            out,
            rng.uniform(3, 15),
        )
    )
    rc, out = suite.run(rng, only=before)
    stash = f"Saved working directory and index state WIP on (no branch): {rng.randrange(16**7):07x} Initial\n"
    pop = f'Not currently on any branch.\nChanges not staged for commit:\n  (use "git add <file>..." to update what will be committed)\n  (use "git restore <file>..." to discard changes in working directory)\n\tmodified:   {ctx.source}\n\nno changes added to commit (use "git add" and/or "git commit -a")\nDropped refs/stash@{{0}} ({rng.randrange(16**40):040x})\n'
    acts.append(
        run_cmd(
            f"{len(known)} tests fail ({', '.join(known)}), but they look unrelated to my change. Let me confirm they also fail without it.",
            f"git stash && {suite.command(rng)}; git stash pop",
            0,
            stash + out + pop,
            rng.uniform(3, 15),
        )
    )
    wrong = pick(rng, "None", "[]", "''", "0")
    acts.append(
        run_cmd(
            "The same tests fail on the clean tree, so they are pre-existing. I'll add a regression test for this issue to the module.",
            f"cat >> {suite.path} <<'EOF'{_regression_test(ctx, own, wrong)}EOF",
            0,
            "",
            0.2,
        )
    )
    suite.failing[own] = ctx.failure(own, kind=0)
    for attempt in range(rng.randint(1, 2)):
        rc, out = suite.run(rng)
        acts.append(
            run_cmd(
                pick(rng, "Run the module with the new test.", "Running the tests again with my regression test."),
                suite.command(rng),
                rc,
                out,
                rng.uniform(3, 15),
            )
        )
        fix = (
            pick(rng, "the expected value", "the argument I pass", "how the test builds its input")
            if attempt == 0
            else "the remaining branch in the source"
        )
        target = suite.path if attempt == 0 else ctx.source
        acts.append(
            run_cmd(
                f"My new test `{own}` fails because of {fix}; the other failures are the known ones. Fixing it.",
                f"sed -i 's/{ctx.ident}({wrong})/{ctx.ident}(value)/' {target}",
                0,
                "",
                0.2,
            )
        )
        wrong = "value"
    del suite.failing[own]
    rc, out = suite.run(rng)
    acts.append(run_cmd("Run the module again.", suite.command(rng), rc, out, rng.uniform(3, 15)))
    rc, out = suite.run(rng, only=[own], verbose=1)
    acts.append(
        run_cmd(
            f"Only the {len(known)} pre-existing failures remain and `{own}` passes. Let me run it on its own to be sure.",
            suite.command(rng, own, verbose=1),
            rc,
            out,
            rng.uniform(1, 5),
        )
    )
    return acts


def transient_then_ok(ctx: Ctx) -> list[Act]:
    """2–5 identical failures of something transient, then it works and the work goes on."""
    rng, suite = ctx.rng, ctx.suite
    fails = rng.randint(2, 5)
    kind = rng.randrange(4)
    acts: list[Act] = []
    if kind == 0:
        package = pick(rng, "pytest-timeout", "hypothesis", "pytest-randomly", "coverage", "pytest-xdist")
        command = f"pip install {package}"
        error = f'ERROR: Exception:\nTraceback (most recent call last):\n  File "{ctx.site}/pip/_vendor/urllib3/response.py", line 438, in _error_catcher\n    yield\n  File "{ctx.site}/pip/_vendor/urllib3/response.py", line 561, in read\n    data = self._fp_read(amt) if not fp_closed else b""\npip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host=\'files.pythonhosted.org\', port=443): Read timed out.\n'
        done = f"Collecting {package}\n  Downloading {package.replace('-', '_')}-2.3.1-py3-none-any.whl (14 kB)\nInstalling collected packages: {package}\nSuccessfully installed {package}-2.3.1\n"
        rc_fail = 2
    elif kind == 1:
        command = "git stash list && git status --short"
        error = "fatal: Unable to create '/testbed/.git/index.lock': File exists.\n\nAnother git process seems to be running in this repository, e.g.\nan editor opened by 'git commit'. Please make sure all processes\nare terminated then try again. If it still fails, a git process\nmay have crashed in this repository earlier:\nremove the file manually to continue.\n"
        done = f" M {ctx.source}\n?? reproduce_issue.py\n"
        rc_fail = 128
    elif kind == 2:
        port = rng.choice([8000, 8001, 8080, 5000])
        command = f"python reproduce_issue.py --port {port}"
        error = f'Traceback (most recent call last):\n  File "/testbed/reproduce_issue.py", line 14, in <module>\n    server = HTTPServer(("127.0.0.1", {port}), Handler)\nOSError: [Errno 98] Address already in use\n'
        done = f"Serving on 127.0.0.1:{port}\nGET / -> 200\nresult OK\n"
        rc_fail = 1
    else:
        command = suite.command(rng)
        error = (
            "sqlite3.OperationalError: database is locked\n"
            if suite.style == "django"
            else "OSError: [Errno 16] Device or resource busy: '/tmp/pytest-of-root/pytest-0'\n"
        )
        done = suite.run(rng)[1]
        rc_fail = 1
    for k in range(fails):
        thought = (
            f"Let me run `{command.split()[0]}`."
            if k == 0
            else pick(
                rng,
                "That looks transient. Retrying.",
                "Probably a temporary glitch; let me try again.",
                "Retrying the same command once more.",
                "Waiting a bit and retrying.",
            )
        )
        acts.append(
            run_cmd(
                thought,
                command if k == 0 or rng.random() < 0.7 else f"sleep {rng.choice([2, 3, 5, 10])} && {command}",
                rc_fail,
                error,
                rng.uniform(1, 30),
            )
        )
    acts.append(
        run_cmd(
            pick(rng, "Let me try one more time.", "Trying again after a short wait.", "Once more."),
            f"sleep {rng.choice([3, 5, 10])} && {command}",
            0,
            done,
            rng.uniform(4, 30),
        )
    )
    rc, out = suite.run(rng, only=rng.sample(suite.names, min(6, len(suite.names))))
    acts.append(
        run_cmd("It worked this time. Continuing with the tests.", suite.command(rng), rc, out, rng.uniform(2, 8))
    )
    return acts


def background_build(ctx: Ctx) -> list[Act]:
    """A long run started in the background and polled, its log advancing until it finishes."""
    rng, suite = ctx.rng, ctx.suite
    log = pick(rng, "/tmp/full_tests.log", "/tmp/build.log", "/tmp/suite.log", "test_run.log")
    polls = rng.randint(5, 20)
    total = rng.randint(900, 6000)
    if suite.style == "django":
        start = f"cd tests && nohup python runtests.py --parallel 2 > {log} 2>&1 &"
    else:
        start = f"nohup python -m pytest {ctx.source.split('/')[0] if not ctx.source.startswith(('lib/', 'src/')) else '/'.join(ctx.source.split('/')[:2])} -q -p no:cacheprovider > {log} 2>&1 &"
    acts = [
        run_cmd(
            pick(
                rng,
                "The whole suite takes a while. Let me run it in the background and check on it periodically.",
                "I'll start the full test run in the background so it doesn't hit the command timeout.",
            ),
            start,
            0,
            "",
            0.5,
        )
    ]
    done = 0
    for _ in range(polls):
        wait = rng.choice([10, 15, 20, 30, 30, 45, 60])
        step = total * rng.uniform(0.6, 1.4) / polls
        done = min(total - 1, int(done + step))
        pct = done * 100 // total
        if suite.style == "django":
            out = "".join("." * rng.randint(50, 70) + "\n" for _ in range(rng.randint(1, 3)))
        else:
            out = "".join(
                f"{'.' * rng.randint(60, 72)}{'s' if rng.random() < 0.2 else '.'}  [{max(0, pct - j):3d}%]\n"
                for j in (2, 1, 0)
            )
        tail = rng.choice(["tail -3", "tail -n 3", "tail -n 5"])
        acts.append(
            run_cmd(
                pick(
                    rng,
                    f"Let me check progress ({pct}% so far).",
                    "Still running; checking the log again.",
                    f"Waiting {wait}s before looking at the log.",
                    "Polling the log.",
                ),
                f"sleep {wait}; {tail} {log}",
                0,
                out,
                wait + 0.3,
            )
        )
    if suite.style == "django":
        final = f"----------------------------------------------------------------------\nRan {total} tests in {rng.uniform(200, 900):.3f}s\n\nOK (skipped={rng.randint(20, 400)}, expected failures={rng.randint(1, 9)})\n"
    else:
        final = f"{'.' * 68}  [100%]\n{total - 40} passed, {rng.randint(10, 40)} skipped, {rng.randint(1, 9)} xfailed in {rng.uniform(120, 700):.2f}s\n"
    acts.append(run_cmd("It should be done by now.", f"sleep 20; tail -n 5 {log}", 0, final, 20.3))
    if rng.random() < 0.5:
        acts.append(
            run_cmd(
                "All green. Let me make sure no process is left behind.",
                "jobs; ps aux | grep -c '[p]ytest\\|[r]untests'",
                1,
                "0\n",
                0.2,
            )
        )
    return acts


ENV_FIXES = ["isolation", "settings", "backend", "wheel", "pythonpath", "encoding", "cache"]


def env_fixed(ctx: Ctx) -> list[Act]:
    """1–3 failures of the environment, then a real fix (flag, settings, wheel) and the tests run."""
    rng, suite = ctx.rng, ctx.suite
    kind = (
        ENV_FIXES[rng.randrange(len(ENV_FIXES))]
        if ctx.repo != "django"
        else pick(rng, "settings", "isolation", "pythonpath", "encoding")
    )
    acts: list[Act] = []
    tries = rng.randint(1, 3)
    script = pick(rng, "reproduce_issue.py", "check_fix.py", "verify.py")
    if kind == "isolation":
        err = "  error: subprocess-exited-with-error\n  \n  × Getting requirements to build editable did not run successfully.\n  │ exit code: 1\n  ╰─> [6 lines of output]\n      ERROR: Could not find a version that satisfies the requirement setuptools_scm[toml]>=6.2 (from versions: none)\n      [end of output]\n\nerror: subprocess-exited-with-error\n"
        bad = ["pip install -e .", "pip install -e . -q", "pip install --upgrade -e ."]
        good, good_out = "pip install --no-build-isolation -e . -q", ""
    elif kind == "settings":
        err = "django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.\n"
        bad = [f"python {script}", f"python -m pytest {suite.path} -q", f"cd tests && python -c 'import {suite.label}'"]
        good, good_out = (
            f"DJANGO_SETTINGS_MODULE=test_sqlite PYTHONPATH=tests python {script}",
            f"{ctx.ident}: OK\nall checks passed\n",
        )
    elif kind == "backend":
        err = "_tkinter.TclError: no display name and no $DISPLAY environment variable\n"
        bad = [f"python {script}", f"MPLBACKEND=TkAgg python {script}"]
        good, good_out = f"MPLBACKEND=Agg python {script}", f"saved figure to /tmp/{ctx.ident}.png\nOK\n"
    elif kind == "wheel":
        err = "ERROR: HTTP error 403 while getting https://files.pythonhosted.org/packages/hypothesis-6.88.1-py3-none-any.whl\nERROR: Could not install requirement hypothesis from https://files.pythonhosted.org/packages/hypothesis-6.88.1-py3-none-any.whl because of HTTP error 403 Client Error: Forbidden for url\n"
        bad = ["pip install hypothesis", "pip install 'hypothesis<6.90'", "pip install --no-cache-dir hypothesis"]
        good, good_out = (
            "pip install --no-index --find-links /opt/wheels hypothesis",
            "Looking in links: /opt/wheels\nProcessing /opt/wheels/hypothesis-6.88.1-py3-none-any.whl\nInstalling collected packages: hypothesis\nSuccessfully installed hypothesis-6.88.1\n",
        )
        acts.append(
            run_cmd(
                "pip cannot download it. Maybe the image ships wheels locally.",
                "ls /opt/wheels | head",
                0,
                "attrs-23.1.0-py3-none-any.whl\nhypothesis-6.88.1-py3-none-any.whl\nsortedcontainers-2.4.0-py2.py3-none-any.whl\n",
                0.2,
            )
        )
    elif kind == "pythonpath":
        err = f"ModuleNotFoundError: No module named '{suite.path.split('/')[0]}'\n"
        bad = [
            f"python {suite.path}",
            f"cd {suite.path.rsplit('/', 1)[0]} && python -m pytest -q {suite.path.rsplit('/', 1)[1]}",
        ]
        good, good_out = f"PYTHONPATH=/testbed python -m pytest -q {suite.path}", suite.run(rng)[1]
    elif kind == "encoding":
        err = "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 12: ordinal not in range(128)\n"
        bad = [f"python {script}", f"python {script} | cat"]
        good, good_out = (
            f"PYTHONIOENCODING=utf-8 LANG=C.UTF-8 python {script}",
            f"café -> {ctx.ident}: ok\nrésumé -> {ctx.ident}: ok\n",
        )
    else:
        err = "PermissionError: [Errno 13] Permission denied: '/testbed/.pytest_cache/v/cache/nodeids'\n"
        bad = [suite.command(rng), f"{suite.command(rng)} --cache-clear"]
        good, good_out = f"{suite.command(rng)} -p no:cacheprovider", suite.run(rng)[1]
    for k in range(tries):
        command = bad[k % len(bad)]
        acts.append(
            run_cmd(
                pick(rng, "Let me run it.", "Trying a variation.", "Let me try again differently.")
                if k
                else f"Let me run `{command}` to verify.",
                command,
                1,
                f'Traceback (most recent call last):\n  File "/testbed/{script}", line 3, in <module>\n{err}'
                if "Error:" in err.split("\n")[0] and kind != "isolation" and kind != "wheel"
                else err,
                rng.uniform(1, 9),
            )
        )
    acts.append(
        run_cmd(
            pick(
                rng,
                "I see what the environment needs; fixing that rather than retrying.",
                "The failure is about the environment, not my change. Applying the proper setting.",
                "This needs a different invocation.",
            ),
            good,
            0,
            good_out,
            rng.uniform(1, 20),
        )
    )
    rc, out = suite.run(rng, only=rng.sample(suite.names, min(8, len(suite.names))))
    acts.append(run_cmd("That works. Now the relevant tests.", suite.command(rng), rc, out, rng.uniform(2, 9)))
    return acts


def wide_exploration(ctx: Ctx) -> list[Act]:
    """10–25 looks at files the run never opened, each a new one, reads and greps mixed."""
    rng = ctx.rng
    seen = set(ctx.run.sources) | set(ctx.run.tests)
    fresh = [p for p in sorted(ctx.files()) if p not in seen and p not in ctx.run.texts]
    rng.shuffle(fresh)
    count = min(len(fresh), rng.randint(10, 25))
    acts: list[Act] = []
    for path in fresh[:count]:
        text = ctx.files()[path]
        total = text.count("\n")
        names = re.findall(r"^\s*def (\w+)", text, re.M) or ["__init__"]
        r = rng.random()
        if r < 0.3:
            command, out = (
                f"grep -n 'def \\|class ' {path} | head -40",
                "".join(grep(text, "def ").splitlines(keepends=True)[:40]),
            )
        elif r < 0.55:
            start = rng.randint(1, max(1, total - 40))
            command, out = f"sed -n '{start},{start + 40}p' {path}", view(text, start, start + 40, False)
        elif r < 0.75:
            name = rng.choice(names)
            command, out = f"grep -n -A 12 'def {name}' {path}", grep(text, f"def {name}", 12)
        elif r < 0.9:
            command, out = f"head -n 60 {path}", view(text, 1, 60, False)
        else:
            command, out = f"cat {path}", text
        acts.append(
            run_cmd(
                pick(
                    rng,
                    f"Let me check `{path}` to see whether it relies on the same behaviour.",
                    f"`{path}` may also be affected. Let me look at it.",
                    f"I want to make sure other callers are consistent. Looking at `{path}`.",
                    f"Next, `{path}`.",
                    f"Let me see how `{path.rsplit('/', 1)[-1]}` handles this.",
                ),
                command,
                0,
                out,
                0.1,
            )
        )
    return acts


def debug_prints(ctx: Ctx) -> list[Act]:
    """A debug script edited and rerun 4–8 times, printing different values each time."""
    rng = ctx.rng
    script = pick(rng, f"debug_{ctx.ident.lower()}.py", "debug.py", "inspect_state.py", "trace_values.py")
    module = ctx.source.removeprefix("lib/").removeprefix("src/").removesuffix(".py").replace("/", ".")
    acts: list[Act] = []
    probes = [
        "type(result)",
        "repr(result)",
        "len(result)",
        "getattr(result, '__dict__', None)",
        "result == expected",
        "id(result) == id(value)",
        "vars(value) if hasattr(value, '__dict__') else value",
        "sorted(map(str, result)) if hasattr(result, '__iter__') else result",
    ]
    rng.shuffle(probes)
    runs = rng.randint(4, 8)
    for k in range(runs):
        shown = probes[: 2 + k % 4]
        body = "\n".join(f"print({p!r}, {p})" for p in shown)
        sample = pick(rng, "[1, 2, 3]", "(1, 2)", "{'a': 1}", "'abc'")
        write = f"cat <<'EOF' > {script}\nfrom {module} import {ctx.ident}\nvalue = {sample}\nexpected = value\nresult = {ctx.ident}(value)\n{body}\nEOF"
        acts.append(
            run_cmd(
                pick(
                    rng,
                    "Let me print a few more intermediate values.",
                    "I'll change the debug script to look at something else.",
                    "Adding prints for the values I'm unsure about.",
                ),
                write,
                0,
                "",
                0.1,
            )
        )
        values = [
            f"<class '{pick(rng, 'list', 'tuple', 'dict', 'str', module + '.' + ctx.ident.title())}'>",
            str(rng.randint(0, 12)),
            pick(rng, "True", "False"),
            f"[{', '.join(repr(chr(97 + i)) for i in range(rng.randint(1, 4)))}]",
            "None",
            f"{{'_state': <{ctx.ident}State object at 0x7f{rng.randrange(16**10):010x}>}}",
        ]
        out = "".join(f"{p} {rng.choice(values)}\n" for p in shown)
        acts.append(
            run_cmd(
                pick(rng, "Run it.", "Let's see the output.", "Running the debug script."),
                f"python {script}",
                0,
                out,
                rng.uniform(0.4, 3),
            )
        )
    acts.append(run_cmd("I have what I need from the debug output. Removing the script.", f"rm {script}", 0, "", 0.1))
    return acts


def red_green(ctx: Ctx) -> list[Act]:
    """New edge-case tests written one by one: each red at first (the test's own mistake), then green."""
    rng = ctx.rng
    module = ctx.source.removeprefix("lib/").removeprefix("src/").removesuffix(".py").replace("/", ".")
    path = pick(rng, f"test_{ctx.ident.lower()}_edge.py", "test_edge_cases.py", f"/tmp/test_{ctx.ident.lower()}.py")
    cases = rng.sample(
        ["empty", "nested", "none", "unicode", "large", "negative", "duplicate", "single"], rng.randint(2, 3)
    )
    acts: list[Act] = []
    header = ctx.suite.header
    for i, case in enumerate(cases):
        name = f"test_{ctx.ident.lower()}_{case}"
        code = f"\n\ndef {name}():\n    from {module} import {ctx.ident}\n    assert {ctx.ident}({case.upper()}_INPUT) == {case.upper()}_EXPECTED\n"
        write = f"cat {'>' if i == 0 else '>>'} {path} <<'EOF'{code}EOF"
        acts.append(run_cmd(f"Let me add a test for the {case} case.", write, 0, "", 0.1))
        mistake = rng.choice(
            [
                f"NameError: name '{case.upper()}_INPUT' is not defined",
                f"AssertionError: assert {rng.randint(0, 9)} == {rng.randint(10, 19)}",
            ]
        )
        names = [f"test_{ctx.ident.lower()}_{c}" for c in cases[: i + 1]]
        red = f"{'=' * 29} test session starts {'=' * 30}\n{header}collected {len(names)} items\n\n{path} {'.' * i}F\n\n{'=' * 35} FAILURES {'=' * 35}\n{'_' * 20} {name} {'_' * 20}\n\n    def {name}():\n        from {module} import {ctx.ident}\n>       assert {ctx.ident}({case.upper()}_INPUT) == {case.upper()}_EXPECTED\nE       {mistake}\n\n{path}:{4 + 5 * i}: {mistake.split(':')[0]}\n{'=' * 28} short test summary info {'=' * 28}\nFAILED {path}::{name} - {mistake}\n{'=' * 25} 1 failed{', ' + str(i) + ' passed' if i else ''} in {rng.uniform(0.05, 0.9):.2f}s {'=' * 25}\n"
        acts.append(
            run_cmd(
                "Run the new test; I expect it to fail until I define the case properly.",
                f"python -m pytest {path}",
                1,
                red,
                rng.uniform(0.5, 3),
            )
        )
        sample = rng.choice(["[]", "[[1], [2]]", "None", '"é"', "(0,)"])
        acts.append(
            run_cmd(
                f"Right, I still need to define the inputs for `{case}`. Adding them.",
                f"sed -i '1i {case.upper()}_INPUT = {sample}\\n{case.upper()}_EXPECTED = {case.upper()}_INPUT' {path}",
                0,
                "",
                0.1,
            )
        )
        green = f"{'=' * 29} test session starts {'=' * 30}\n{header}collected {len(names)} items\n\n{path} {'.' * len(names)}\n\n{'=' * 30} {len(names)} passed in {rng.uniform(0.05, 0.9):.2f}s {'=' * 30}\n"
        acts.append(
            run_cmd(
                pick(rng, "And rerun.", "Run again.", "Let me confirm it passes now."),
                f"python -m pytest {path}",
                0,
                green,
                rng.uniform(0.5, 3),
            )
        )
    return acts

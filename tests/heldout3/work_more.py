"""Productive families, part two: one test command per package of a monorepo, bisecting, benchmark
iterations, reading many files, a migration run/rollback/run cycle, infrastructure plan/apply rounds."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .ecosystems import Eco
from .noise import Noise
from .steps import edit, grep, grep_hits, opening, read, sh
from .work import finish


def monorepo_sweep(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(3, 7))
    packages = list(eco.packages)
    rng.shuffle(packages)
    broken = rng.choice(packages)
    for pkg in packages[: rng.randint(10, len(packages))] + ([broken] if broken not in packages[:10] else []):
        cmd = eco.pkg_test.format(p=pkg)
        if pkg == broken and not any(s.text == cmd for s in steps):
            steps.append(
                sh(cmd, eco.test_fail(n, eco.tests[0], f"{pkg}: expected 2 holds, got 1"), 1, rng.uniform(5, 60))
            )
            steps += [read(eco, eco.sources[2]), edit(eco, eco.sources[2], rng.choice(eco.snippets))]
        steps.append(sh(cmd, eco.test_ok(n, rng.randint(3, 90)), secs=rng.uniform(5, 60)))
    return steps + finish(eco, rng, n)


def bisect(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    test = eco.tests[i % len(eco.tests)]
    steps = opening(eco, rng, n, rng.randint(3, 6), failing=test)
    steps.append(
        sh(
            "git bisect start HEAD v0.8.0",
            f"Bisecting: {rng.randint(60, 200)} revisions left to test after this (roughly 7 steps)\n[{n.hexs(40)}] Merge pull request #{rng.randint(300, 900)}",
        )
    )
    left = rng.randint(60, 200)
    for k in range(rng.randint(5, 8)):
        good = rng.random() < 0.5
        out = (
            eco.test_ok(n, rng.randint(3, 20))
            if good
            else eco.test_fail(n, test, "expected 2025-11-21, got 2025-11-20")
        )
        steps.append(sh(eco.test_one.format(t=test), out, 0 if good else 1, rng.uniform(5, 60)))
        left //= 2
        steps.append(
            sh(
                f"git bisect {'good' if good else 'bad'}",
                f"Bisecting: {left} revisions left to test after this (roughly {max(0, 6 - k)} steps)\n[{n.hexs(40)}] {rng.choice(('Fines: grace days', 'Holds: expiry', 'Bump deps', 'Due dates: weekends'))}",
            )
        )
    culprit = n.hexs(40)
    steps += [
        sh("git bisect reset", f"Previous HEAD position was {culprit[:7]}"),
        sh(
            f"git show --stat {culprit[:9]}",
            f"commit {culprit}\n    Due dates: count weekends\n {eco.sources[2]} | 6 +++---",
        ),
        read(eco, eco.sources[2]),
        edit(eco, eco.sources[2], rng.choice(eco.snippets)),
    ]
    return steps + finish(eco, rng, n)


def bench_iterate(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(3, 7))
    value = rng.uniform(40_000, 400_000)
    steps.append(sh(eco.bench, eco.bench_out(n, value), secs=rng.uniform(20, 120)))
    for k in range(rng.randint(4, 9)):
        path = eco.sources[rng.randrange(5)]
        if rng.random() < 0.4:
            steps.append(read(eco, path))
        steps.append(edit(eco, path, f"{rng.choice(eco.snippets)}  // perf {k + 1}"))
        value *= rng.uniform(0.6, 1.08)  # most changes help, some do not
        steps.append(sh(eco.bench, eco.bench_out(n, value), secs=rng.uniform(20, 120)))
    return steps + finish(eco, rng, n)


def exploration(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """Reading into an unknown codebase: many files, each read once, greps in between, then a small change."""
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(2, 4))
    dirs = ("internal", "legacy", "vendor-patches", "docs/adr", "scripts", "config")
    paths = list(eco.sources) + [
        f"{d}/{name}"
        for d in dirs
        for name in ("README.md", "notes.md", "main" + eco.sources[0][eco.sources[0].rfind(".") :])
    ]
    rng.shuffle(paths)
    for k, path in enumerate(paths[: rng.randint(15, 30)]):
        steps.append(read(eco, path))
        if k % 5 == 4:
            steps.append(grep(rng.choice(("renew", "hold", "fine", "branch")), ".", grep_hits(eco, "x", rng, 4)))
    steps.append(
        sh(
            "git log --format='%h %an %s' -- " + eco.sources[2],
            f"{n.hexs(7)} A. Okafor Due dates: weekends\n{n.hexs(7)} M. Lind Initial import",
        )
    )
    steps += [edit(eco, eco.sources[2], rng.choice(eco.snippets)), sh(eco.build, eco.build_ok(n))]
    return steps + finish(eco, rng, n)


def migration_cycle(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """A migration that fails, is rolled back, fixed and run again, a different error each time, then applies."""
    n = Noise(rng)
    up, down, status = eco.migrate
    steps = opening(eco, rng, n, rng.randint(3, 7))
    errors = rng.sample(
        (
            'column "expires_at" of relation "holds" already exists',
            'could not create unique index "holds_patron_book_key": Key (patron_id, book_id)=(4411, 90210) is duplicated.',
            'null value in column "branch_id" of relation "loans" violates not-null constraint',
            "cannot drop column due_on of table loans because other objects depend on it",
            'canceling statement due to lock timeout (lock on relation "loans" held by pid {pid})',
            'invalid input syntax for type date: "2025-02-30"',
        ),
        rng.randint(2, 4),
    )
    steps.append(sh(status, f"0041_patron_tiers (head)\nINFO  [{n.clock()}] pending: 0042_add_hold_expiry"))
    for err in errors:
        steps.append(
            sh(
                up,
                f"INFO  [{n.clock()}] Running upgrade 0041 -> 0042, add hold expiry\nERROR: {err.format(pid=n.pid())}",
                1,
                rng.uniform(3, 60),
            )
        )
        steps.append(sh(down, f"INFO  [{n.clock()}] Running downgrade 0042 -> 0041", secs=rng.uniform(2, 20)))
        steps.append(read(eco, eco.sources[4] if eco.name == "dbt" else eco.sources[5]))
        steps.append(
            edit(
                eco,
                eco.sources[4] if eco.name == "dbt" else eco.sources[5],
                f"{rng.choice(eco.snippets)}  -- handles: {err[:40]}",
            )
        )
    steps.append(
        sh(
            up,
            f"INFO  [{n.clock()}] Running upgrade 0041 -> 0042, add hold expiry\nINFO  [{n.clock()}] done in {n.secs(1, 40)}",
            secs=rng.uniform(3, 60),
        )
    )
    steps.append(sh(status, "0042_add_hold_expiry (head)"))
    return steps + finish(eco, rng, n)


def infra_iterate(eco: Eco, rng: random.Random, i: int) -> list[Step]:
    """terraform plan / apply, or ansible --check / run, several rounds with a plan that changes each time."""
    n = Noise(rng)
    steps = opening(eco, rng, n, rng.randint(3, 7))
    ansible = i % 3 == 2
    for r in range(rng.randint(3, 7)):
        path = rng.choice(
            (
                "modules/lending_api/main.tf",
                "modules/db/main.tf",
                "envs/staging/main.tf",
                "ansible/roles/stacks/tasks/main.yml",
            )
        )
        steps.append(edit(eco, path, rng.choice(eco.snippets)))
        add, change = rng.randint(0, 6), rng.randint(0, 5)
        if ansible:
            recap = f"PLAY RECAP *********\napp-{rng.randint(1, 4)}.staging : ok={rng.randint(10, 40)} changed={change} unreachable=0 failed=0 skipped={rng.randint(0, 9)}"
            steps.append(
                sh(
                    f"ansible-playbook -i inventories/staging ansible/site.yml --check --diff --limit app{rng.choice(('', '-1', '-2'))}",
                    recap,
                    secs=rng.uniform(20, 120),
                )
            )
            steps.append(
                sh(
                    "ansible-playbook -i inventories/staging ansible/site.yml",
                    recap.replace("--check", ""),
                    secs=rng.uniform(30, 200),
                )
            )
        else:
            plan = f"Terraform will perform the following actions:\n  # module.lending_api.aws_lb_listener_rule.renew[{r}] will be created\nPlan: {add} to add, {change} to change, {rng.randint(0, 2)} to destroy."
            steps.append(sh("terraform -chdir=envs/staging plan -out=tfplan", plan, secs=rng.uniform(20, 120)))
            if rng.random() < 0.3:
                steps.append(sh("terraform -chdir=envs/staging show -no-color tfplan | head -60", plan))
            steps.append(
                sh(
                    "terraform -chdir=envs/staging apply tfplan",
                    f"Apply complete! Resources: {add} added, {change} changed, 0 destroyed.\n(elapsed {n.secs(20, 300)})",
                    secs=rng.uniform(30, 400),
                )
            )
    steps.append(
        sh(
            "terraform -chdir=envs/staging plan -detailed-exitcode",
            "No changes. Your infrastructure matches the configuration.",
        )
    )
    return steps

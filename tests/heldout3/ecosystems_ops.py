"""The other four toolchains: Terraform with Ansible, dbt on Postgres, a pnpm/vite frontend, shell and make."""

from __future__ import annotations

from .ecosystems import HASKELL, SCALA, SWIFT, Eco
from .noise import Noise


def _tf_fail(n: Noise, t: str, d: str) -> str:
    return (
        f'tests/{t.split("/")[0]}.tftest.hcl... in progress\n  run "{t.split("/")[-1]}"... fail\n'
        f'╷\n│ Error: Test assertion failed\n│\n│   on tests/{t.split("/")[0]}.tftest.hcl line {n.rng.randint(8, 60)}, in run "{t.split("/")[-1]}":\n'
        f"│   {n.rng.randint(8, 60)}:     condition     = {d}\n│\n│ {d.split(' ')[0]} did not match the expected value.\n╵\n"
        f"tests/{t.split('/')[0]}.tftest.hcl... tearing down\ntests/{t.split('/')[0]}.tftest.hcl... fail\n\n"
        f"Failure! {n.rng.randint(3, 12)} passed, 1 failed."
    )


TERRAFORM = Eco(
    name="terraform",
    sources=(
        "modules/lending_api/main.tf",
        "modules/lending_api/variables.tf",
        "modules/db/main.tf",
        "envs/staging/main.tf",
        "envs/staging/terraform.tfvars",
        "ansible/site.yml",
        "ansible/roles/stacks/tasks/main.yml",
        "modules/network/main.tf",
    ),
    tests=(
        "lending_api/creates_alb_listener",
        "db/parameter_group",
        "network/private_subnets",
        "lending_api/autoscaling_bounds",
        "db/backup_window",
    ),
    build="terraform -chdir=envs/staging validate",
    test="terraform test",
    test_one="terraform test -filter=tests/{t}.tftest.hcl",
    check="terraform fmt -check -recursive && tflint --recursive",
    packages=(
        "modules/network",
        "modules/db",
        "modules/lending_api",
        "modules/cache",
        "modules/queue",
        "modules/cdn",
        "modules/dns",
        "modules/iam",
        "modules/monitoring",
        "modules/bastion",
        "modules/search",
        "modules/storage",
        "modules/secrets",
    ),
    pkg_test="terraform -chdir={p} test",
    bench="time terraform -chdir=envs/staging plan -refresh=false -lock=false -input=false",
    build_ok=lambda n: "Success! The configuration is valid.\n",
    check_ok=lambda n: "",
    test_ok=lambda n, k: (
        f"tests/main.tftest.hcl... in progress\ntests/main.tftest.hcl... tearing down\ntests/main.tftest.hcl... pass\n\nSuccess! {k} passed, 0 failed."
    ),
    test_fail=_tf_fail,
    compile_err=lambda n, f, ln, m: (
        f'╷\n│ Error: {m}\n│\n│   on {f} line {ln}:\n│   {ln}: {n.pick("resource", "module", "variable", "output")} "{n.pick("aws_lb_listener", "db", "subnet_ids", "endpoint")}" {{\n│\n╵'
    ),
    compile_msgs=(
        "Reference to undeclared input variable",
        "Unsupported argument",
        "Missing required argument",
        "Invalid reference",
        "Incorrect attribute value type",
        "Unsupported block type",
        "Duplicate resource configuration",
        "Invalid function argument",
        "Reference to undeclared resource",
        "Module not installed",
    ),
    bench_out=lambda n, v: (
        f"Plan: {n.rng.randint(0, 4)} to add, {n.rng.randint(0, 3)} to change, 0 to destroy.\n\nreal\t0m{v / 1000:.3f}s\nuser\t0m{v / 3000:.3f}s\nsys\t0m0.{n.rng.randint(100, 900)}s"
    ),
    snippets=(
        "count = var.enable_cache ? 1 : 0",
        "subnet_ids = module.network.private_subnet_ids",
        "min_size = var.min_capacity",
        'backup_window = "03:00-04:00"',
        'tags = merge(local.tags, { Service = "lending" })',
    ),
    migrate=(
        "ansible-playbook -i inventories/staging ansible/db-migrate.yml -e direction=up",
        "ansible-playbook -i inventories/staging ansible/db-migrate.yml -e direction=down",
        "ansible-playbook -i inventories/staging ansible/db-migrate.yml --check",
    ),
)


def _dbt_fail(n: Noise, t: str, d: str) -> str:
    return (
        f"{n.clock()}  Running with dbt=1.8.{n.rng.randint(3, 8)}\n{n.clock()}  Found {n.rng.randint(40, 70)} models, {n.rng.randint(90, 200)} data tests, 0 seeds\n"
        f"{n.clock()}  1 of 1 START test {t} ........................ [RUN]\n"
        f"{n.clock()}  1 of 1 FAIL {n.rng.randint(1, 400)} {t} ........................ [FAIL {n.rng.randint(1, 400)} in {n.secs(0.1, 3)}]\n"
        f"{n.clock()}  Failure in test {t} (models/marts/schema.yml)\n{n.clock()}    {d}\n"
        f"{n.clock()}    compiled code at target/compiled/stacks/models/marts/schema.yml/{t}.sql\n"
        f"{n.clock()}  Done. PASS=0 WARN=0 ERROR=0 SKIP=0 TOTAL=1"
    )


DBT = Eco(
    name="dbt",
    sources=(
        "models/staging/stg_loans.sql",
        "models/marts/fct_overdue.sql",
        "models/marts/dim_patrons.sql",
        "models/marts/schema.yml",
        "migrations/versions/0042_add_hold_expiry.py",
        "dbt_project.yml",
        "models/intermediate/int_loan_events.sql",
        "macros/business_days.sql",
    ),
    tests=(
        "unique_fct_overdue_loan_id",
        "not_null_dim_patrons_tier",
        "accepted_values_stg_loans_status",
        "relationships_fct_overdue_patron_id",
        "assert_fines_non_negative",
    ),
    build="dbt build --select state:modified+ --target dev",
    test="dbt test --target dev",
    test_one="dbt test --select {t} --target dev",
    check="sqlfluff lint models --dialect postgres",
    packages=(
        "staging",
        "intermediate",
        "marts.lending",
        "marts.patrons",
        "marts.catalog",
        "marts.finance",
        "marts.holds",
        "marts.branches",
        "snapshots",
        "exposures",
        "metrics",
        "seeds",
    ),
    pkg_test="dbt test --select models/{p} --target dev",
    bench="EXPLAIN (ANALYZE, BUFFERS) psql -f analysis/overdue_by_branch.sql",
    build_ok=lambda n: (
        f"{n.clock()}  Running with dbt=1.8.7\n{n.clock()}  Concurrency: 4 threads (target='dev')\n{n.clock()}  Finished running {n.rng.randint(3, 20)} table models, {n.rng.randint(4, 30)} data tests in 0 hours 0 minutes and {n.rng.uniform(5, 50):.2f} seconds.\n{n.clock()}  Completed successfully"
    ),
    check_ok=lambda n: f"All Finished 📜 🎉!\n  [{n.rng.randint(30, 60)} files linted, 0 violations]",
    test_ok=lambda n, k: (
        f"{n.clock()}  Running with dbt=1.8.7\n{n.clock()}  Finished running {k} data tests in 0 hours 0 minutes and {n.rng.uniform(2, 40):.2f} seconds.\n{n.clock()}  Completed successfully\n{n.clock()}  Done. PASS={k} WARN=0 ERROR=0 SKIP=0 TOTAL={k}"
    ),
    test_fail=_dbt_fail,
    compile_err=lambda n, f, ln, m: (
        f"{n.clock()}  Running with dbt=1.8.7\n{n.clock()}  Encountered an error:\nCompilation Error in model {f.rsplit('/', 1)[-1].removesuffix('.sql')} ({f})\n  {m}\n  line {ln}\n{n.clock()}  Done. PASS=0 WARN=0 ERROR=1 SKIP={n.rng.randint(1, 30)} TOTAL={n.rng.randint(2, 31)}"
    ),
    compile_msgs=(
        "'business_days' is undefined",
        "Model 'model.stacks.int_loan_events' depends on a node named 'stg_holds' which was not found",
        'column "due_on" does not exist',
        'syntax error at or near "from"',
        "unexpected '}' in jinja block",
        "operator does not exist: date - text",
        'missing FROM-clause entry for table "p"',
        'column "tier" must appear in the GROUP BY clause',
        "function date_trunc(unknown, integer) does not exist",
        'relation "stg_patrons" does not exist',
    ),
    bench_out=lambda n, v: (
        f" Planning Time: {n.rng.uniform(0.2, 3):.3f} ms\n Execution Time: {v / 10:.3f} ms\n Buffers: shared hit={n.rng.randint(1000, 90000)} read={n.rng.randint(0, 9000)}"
    ),
    snippets=(
        "coalesce(h.expires_at, l.due_on + interval '7 days') as hold_expiry",
        "where l.returned_at is null",
        "{{ business_days('l.due_on', 'current_date') }} as days_overdue",
        "group by p.patron_id, p.tier",
        "op.add_column('holds', sa.Column('expires_at', sa.DateTime(timezone=True)))",
    ),
    migrate=("alembic upgrade head", "alembic downgrade -1", "alembic current"),
)


def _vitest_fail(n: Noise, t: str, d: str) -> str:
    return (
        f" RUN  v2.1.{n.rng.randint(1, 9)} /work/stacks-web\n\n ❯ src/{t.split(' > ')[0]} ({n.rng.randint(4, 20)} tests | 1 failed) {n.ms(20, 900)}ms\n"
        f"   × {t.split(' > ')[-1]} {n.ms(2, 120)}ms\n     → {d}\n\n⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯\n\n FAIL  src/{t}\n"
        f"AssertionError: {d}\n ❯ src/{t.split(' > ')[0]}:{n.rng.randint(10, 90)}:{n.rng.randint(5, 30)}\n\n"
        f" Test Files  1 failed | {n.rng.randint(10, 40)} passed\n      Tests  1 failed | {n.rng.randint(80, 300)} passed\n"
        f"   Start at  {n.clock()}\n   Duration  {n.secs(1, 12)} (transform {n.ms(100, 900)}ms, setup {n.ms(10, 300)}ms)"
    )


FRONTEND = Eco(
    name="frontend",
    sources=(
        "src/components/LoanTable.tsx",
        "src/components/HoldButton.tsx",
        "src/lib/dueDate.ts",
        "src/lib/api.ts",
        "src/routes/patron/[id].tsx",
        "vite.config.ts",
        "playwright.config.ts",
        "src/store/holds.ts",
    ),
    tests=(
        "lib/dueDate.test.ts > rolls over weekends",
        "components/LoanTable.test.tsx > sorts by due date",
        "store/holds.test.ts > keeps queue order",
        "lib/api.test.ts > retries on 503",
        "components/HoldButton.test.tsx > disables when queued",
    ),
    build="pnpm build",
    test="pnpm vitest run",
    test_one="pnpm vitest run -t '{t}'",
    check="pnpm tsc --noEmit && pnpm eslint . --max-warnings 0",
    packages=(
        "@stacks/ui",
        "@stacks/api-client",
        "@stacks/web",
        "@stacks/kiosk",
        "@stacks/admin",
        "@stacks/i18n",
        "@stacks/icons",
        "@stacks/forms",
        "@stacks/charts",
        "@stacks/auth",
        "@stacks/search",
        "@stacks/utils",
        "@stacks/mocks",
        "@stacks/e2e",
    ),
    pkg_test="pnpm --filter {p} test -- --run",
    bench="pnpm vitest bench --run src/lib/dueDate.bench.ts",
    build_ok=lambda n: (
        f"> stacks-web@0.9.0 build /work/stacks-web\n> tsc -b && vite build\n\nvite v5.4.{n.rng.randint(2, 11)} building for production...\n✓ {n.rng.randint(300, 900)} modules transformed.\ndist/assets/index-{n.hexs(8)}.js   {n.rng.randint(180, 400)}.{n.rng.randint(10, 99)} kB │ gzip: {n.rng.randint(60, 130)}.{n.rng.randint(10, 99)} kB\n✓ built in {n.secs(2, 20)}"
    ),
    check_ok=lambda n: "",
    test_ok=lambda n, k: (
        f" RUN  v2.1.4 /work/stacks-web\n\n Test Files  {max(1, k // 6)} passed ({max(1, k // 6)})\n      Tests  {k} passed ({k})\n   Start at  {n.clock()}\n   Duration  {n.secs(1, 12)}"
    ),
    test_fail=_vitest_fail,
    compile_err=lambda n, f, ln, m: (
        f"> tsc -b && vite build\n\n{f}:{ln}:{n.rng.randint(3, 40)} - error TS{n.rng.randint(2300, 2800)}: {m}\n\n{ln}     {n.pick('const', 'return', 'export')} ...\n\nFound 1 error.\n ELIFECYCLE  Command failed with exit code 2."
    ),
    compile_msgs=(
        "Property 'dueDate' does not exist on type 'Loan'.",
        "Type 'string | undefined' is not assignable to type 'string'.",
        "Argument of type 'number' is not assignable to parameter of type 'Date'.",
        "Cannot find name 'HoldStatus'.",
        "Module '\"../lib/api\"' has no exported member 'fetchHolds'.",
        "Object is possibly 'null'.",
        "Expected 2 arguments, but got 1.",
        "'patron' is declared but its value is never read.",
        "Type '\"lost\"' is not comparable to type 'LoanState'.",
        "No overload matches this call.",
    ),
    bench_out=lambda n, v: (
        f" ✓ src/lib/dueDate.bench.ts\n   name              hz     min     max    mean\n · addBusinessDays  {1e9 / v:,.2f}  {v / 1e6 * 0.8:.4f}  {v / 1e6 * 1.9:.4f}  {v / 1e6:.4f}"
    ),
    snippets=(
        "const due = addBusinessDays(loan.checkedOutAt, policy.days)",
        "if (!patron) return null",
        "queue.sort((a, b) => a.placedAt.getTime() - b.placedAt.getTime())",
        "disabled={hold.status === 'queued'}",
        "await retry(() => api.get(`/holds/${id}`), { retries: 2 })",
    ),
    migrate=(
        "pnpm prisma migrate deploy",
        "pnpm prisma migrate resolve --rolled-back 20251114_hold_expiry",
        "pnpm prisma migrate status",
    ),
)


def _bats_fail(n: Noise, t: str, d: str) -> str:
    return (
        f"1..{n.rng.randint(20, 50)}\nok 1 prints usage without arguments\nnot ok {n.rng.randint(2, 19)} {t}\n"
        f"# (in test file test/{t.split(' ')[0]}.bats, line {n.rng.randint(10, 90)})\n#   `{d}' failed\n"
        f"# stacksctl: reading {n.tmp('stacks')}/loans.csv\n"
    )


MAKE = Eco(
    name="make",
    sources=(
        "bin/stacksctl",
        "lib/loans.sh",
        "lib/holds.sh",
        "lib/csv.sh",
        "Makefile",
        "lib/notify.sh",
        "etc/stacks.conf",
    ),
    tests=(
        "loans renew moves the due date",
        "holds queue keeps order",
        "csv handles quoted commas",
        "notify skips patrons without email",
        "loans overdue lists only open loans",
    ),
    build="make all",
    test="make check",
    test_one="bats -f '{t}' test/",
    check="shellcheck -x bin/stacksctl lib/*.sh && shfmt -d -i 2 bin lib",
    packages=(
        "lib/loans",
        "lib/holds",
        "lib/csv",
        "lib/notify",
        "lib/report",
        "lib/barcode",
        "lib/backup",
        "lib/sync",
        "lib/audit",
        "lib/mail",
        "lib/kiosk",
        "lib/import",
    ),
    pkg_test="bats test/{p}.bats",
    bench="hyperfine --warmup 3 './bin/stacksctl overdue --csv fixtures/loans-50k.csv'",
    build_ok=lambda n: (
        f"install -m 0755 bin/stacksctl build/stacksctl\nsed -e 's|@VERSION@|1.{n.rng.randint(2, 9)}.0|' etc/stacks.conf.in > build/stacks.conf\nmake: Nothing more to be done for 'docs'."
    ),
    check_ok=lambda n: "",
    test_ok=lambda n, k: (
        f"1..{k}\n"
        + "".join(f"ok {i} case {i}\n" for i in range(1, min(k, 6) + 1))
        + f"# {k} tests, 0 failures, in {n.secs(1, 20)}"
    ),
    test_fail=_bats_fail,
    compile_err=lambda n, f, ln, m: (
        f"bash -n {f}\n{f}: line {ln}: {m}\nmake: *** [Makefile:{n.rng.randint(10, 40)}: syntax] Error 2"
    ),
    compile_msgs=(
        "syntax error near unexpected token `fi'",
        "unexpected EOF while looking for matching `\"'",
        "syntax error: unexpected end of file",
        "conditional binary operator expected",
        "syntax error near unexpected token `done'",
        "`}' unexpected",
        "local: can only be used in a function",
        "unbound variable: LOAN_DAYS",
        "bad substitution",
        "[[: not found",
    ),
    bench_out=lambda n, v: (
        f"Benchmark 1: ./bin/stacksctl overdue --csv fixtures/loans-50k.csv\n  Time (mean ± σ):     {v / 1000:.1f} ms ±  {n.rng.uniform(1, 20):.1f} ms    [User: {v / 1500:.1f} ms, System: {n.rng.uniform(5, 40):.1f} ms]\n  Range (min … max):   {v / 1100:.1f} ms … {v / 900:.1f} ms    10 runs"
    ),
    snippets=(
        'due=$(date -d "$start + $days days" +%F)',
        'IFS=, read -r id patron due <<<"$line"',
        '[[ -n "${email:-}" ]] || continue',
        'sort -t, -k4,4 "$queue_file"',
        'printf "%s,%s\\n" "$id" "$due"',
    ),
    migrate=("./bin/stacksctl db migrate", "./bin/stacksctl db rollback --steps 1", "./bin/stacksctl db status"),
)

ECOS: dict[str, Eco] = {e.name: e for e in (SWIFT, SCALA, HASKELL, TERRAFORM, DBT, FRONTEND, MAKE)}

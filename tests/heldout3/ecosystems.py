"""Seven toolchains none of the earlier sets use, with their commands and what they print.

Swift (SwiftPM), Scala (sbt), Haskell (cabal), Terraform with Ansible, a data pipeline (dbt on
Postgres, alembic), a frontend (pnpm, vite, vitest, playwright) and a shell/Makefile project (bats,
shellcheck). The domain is a library-lending service ("stacks"), unlike the other sets' names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .noise import Noise

Text = Callable[[Noise], str]


@dataclass(frozen=True)
class Eco:
    name: str
    sources: tuple[str, ...]
    tests: tuple[str, ...]  # test names
    build: str
    test: str
    test_one: str  # format with {t}
    check: str  # a clean lint / format / typecheck, run after every edit in a refactor
    packages: tuple[str, ...]  # of a monorepo, for one test command per package
    pkg_test: str  # format with {p}
    bench: str
    build_ok: Text
    check_ok: Text
    test_ok: Callable[[Noise, int], str]
    test_fail: Callable[[Noise, str, str], str]  # (noise, test, detail)
    compile_err: Callable[[Noise, str, int, str], str]  # (noise, file, line, message)
    compile_msgs: tuple[str, ...]
    bench_out: Callable[[Noise, float], str]
    snippets: tuple[str, ...]  # plausible new lines for edits
    migrate: tuple[str, str, str]  # up, down, status


def _swift_fail(n: Noise, t: str, d: str) -> str:
    return (
        f"Building for debugging...\n[{n.rng.randint(3, 9)}/{n.rng.randint(10, 14)}] Compiling StacksCore\n"
        f"Build complete! ({n.secs(2, 30)})\nTest Suite 'All tests' started at 2025-11-14 {n.clock()}.{n.ms(0, 999)}\n"
        f"Test Case '-[StacksCoreTests.{t}]' started.\n/work/stacks/Tests/StacksCoreTests/{t.split('/')[0]}.swift:"
        f"{n.rng.randint(20, 140)}: error: -[StacksCoreTests.{t}] : {d}\n"
        f"Test Case '-[StacksCoreTests.{t}]' failed ({n.rng.uniform(0.001, 0.4):.3f} seconds).\n"
        f"Executed {n.rng.randint(30, 60)} tests, with 1 failure (0 unexpected) in {n.rng.uniform(0.5, 3):.3f} seconds"
    )


SWIFT = Eco(
    name="swift",
    sources=(
        "Sources/StacksCore/Loan.swift",
        "Sources/StacksCore/Catalog.swift",
        "Sources/StacksCore/DueDate.swift",
        "Sources/StacksCore/Fines.swift",
        "Sources/StacksAPI/Routes.swift",
        "Sources/StacksAPI/Middleware.swift",
        "Sources/StacksCore/Holds.swift",
        "Package.swift",
    ),
    tests=(
        "LoanTests/testRenewExtendsDueDate",
        "FinesTests/testGraceDays",
        "HoldsTests/testQueueOrder",
        "CatalogTests/testIsbnNormalised",
        "DueDateTests/testWeekendRollover",
    ),
    build="swift build",
    test="swift test",
    test_one="swift test --filter {t}",
    check="swift-format lint --recursive --strict Sources Tests",
    packages=(
        "StacksCore",
        "StacksAPI",
        "StacksCLI",
        "StacksSearch",
        "StacksNotify",
        "StacksAuth",
        "StacksImport",
        "StacksReports",
        "StacksBarcode",
        "StacksSync",
        "StacksAudit",
        "StacksMail",
        "StacksPayments",
        "StacksKiosk",
    ),
    pkg_test="swift test --package-path Packages/{p}",
    bench="swift run -c release StacksBench --filter checkout",
    build_ok=lambda n: (
        f"Building for debugging...\n[{n.rng.randint(40, 90)}/{n.rng.randint(91, 120)}] Linking stacks\nBuild complete! ({n.secs(3, 60)})"
    ),
    check_ok=lambda n: "",
    test_ok=lambda n, k: (
        f"Test Suite 'All tests' passed at 2025-11-14 {n.clock()}.{n.ms(0, 999)}.\n\t Executed {k} tests, with 0 failures (0 unexpected) in {n.rng.uniform(0.3, 4):.3f} ({n.rng.uniform(0.3, 4):.3f}) seconds"
    ),
    test_fail=_swift_fail,
    compile_err=lambda n, f, ln, m: (
        f"Building for debugging...\n/work/stacks/{f}:{ln}:{n.rng.randint(5, 40)}: error: {m}\nerror: fatalError"
    ),
    compile_msgs=(
        "cannot find 'dueDate' in scope",
        "value of type 'Loan' has no member 'renewals'",
        "missing argument for parameter 'policy' in call",
        "cannot convert value of type 'Int' to expected argument type 'TimeInterval'",
        "type 'Hold' does not conform to protocol 'Codable'",
        "call can throw but is not marked with 'try'",
        "initializer for conditional binding must have Optional type, not 'Patron'",
        "switch must be exhaustive",
        "expression is 'async' but is not marked with 'await'",
        "'let' properties are immutable; cannot assign to property 'status'",
        "extra argument 'branch' in call",
        "generic parameter 'T' could not be inferred",
    ),
    bench_out=lambda n, v: (
        f"name                     time        std        iterations\n----------------------------------------------------------\ncheckout.bulk            {v:.0f} ns    ± {n.rng.uniform(1, 6):.2f} %   {n.rng.randint(9000, 20000)}"
    ),
    snippets=(
        "let grace = policy.graceDays(for: patron.tier)",
        "guard let hold = queue.first else { return nil }",
        "return calendar.date(byAdding: .day, value: days, to: start)!",
        "case .overdue(let days): fine += rate * Decimal(days)",
        "self.renewals += 1",
        "try await repository.save(loan)",
        "let isbn = raw.filter(\\.isNumber)",
    ),
    migrate=(
        "swift run App migrate --auto-migrate",
        "swift run App migrate --revert --yes",
        "swift run App migrate --dry-run",
    ),
)


def _sbt_fail(n: Noise, t: str, d: str) -> str:
    return (
        f"[info] welcome to sbt 1.10.{n.rng.randint(1, 5)} (Eclipse Adoptium Java 21.0.{n.rng.randint(2, 5)})\n"
        f"[info] compiling {n.rng.randint(1, 6)} Scala sources to /work/stacks/core/target/scala-3.4.2/classes ...\n"
        f"[info] {t.split('.')[0]}:\n[info] - {t.split('.')[-1]} *** FAILED *** ({n.ms(3, 400)} milliseconds)\n"
        f"[info]   {d} ({t.split('.')[0]}.scala:{n.rng.randint(20, 160)})\n"
        f"[info] Run completed in {n.secs(1, 9)}.\n[info] Tests: succeeded {n.rng.randint(40, 80)}, failed 1, canceled 0, ignored 0, pending 0\n"
        f"[error] Failed tests:\n[error] \tstacks.{t.split('.')[0]}\n[error] (core / Test / test) sbt.TestsFailedException: Tests unsuccessful\n"
        f"[error] Total time: {n.rng.randint(6, 70)} s, completed Nov 14, 2025, {n.clock()} PM"
    )


SCALA = Eco(
    name="scala",
    sources=(
        "core/src/main/scala/stacks/Loan.scala",
        "core/src/main/scala/stacks/Fines.scala",
        "core/src/main/scala/stacks/HoldQueue.scala",
        "api/src/main/scala/stacks/api/Routes.scala",
        "api/src/main/scala/stacks/api/Codecs.scala",
        "core/src/main/scala/stacks/Catalog.scala",
        "build.sbt",
    ),
    tests=(
        "LoanSpec.renewal extends due date",
        "FinesSpec.grace days are free",
        "HoldQueueSpec.keeps FIFO order",
        "CodecsSpec.round-trips a patron",
        "CatalogSpec.normalises ISBN-10",
    ),
    build="sbt compile",
    test="sbt test",
    test_one='sbt "testOnly stacks.{t}"',
    check="sbt scalafmtCheckAll scalafixAll --check",
    packages=(
        "core",
        "api",
        "search",
        "notify",
        "auth",
        "importer",
        "reports",
        "barcode",
        "sync",
        "audit",
        "mail",
        "payments",
        "kiosk",
        "ledger",
        "holds",
        "events",
    ),
    pkg_test="sbt {p}/test",
    bench="sbt 'bench/Jmh/run -i 5 -wi 3 -f1 .*CheckoutBench.*'",
    build_ok=lambda n: (
        f"[info] welcome to sbt 1.10.2 (Eclipse Adoptium Java 21.0.4)\n[info] compiling {n.rng.randint(3, 40)} Scala sources to /work/stacks/core/target/scala-3.4.2/classes ...\n[success] Total time: {n.rng.randint(5, 80)} s, completed Nov 14, 2025, {n.clock()} PM"
    ),
    check_ok=lambda n: (
        f"[info] Checking {n.rng.randint(60, 90)} Scala sources...\n[success] Total time: {n.rng.randint(4, 9)} s, completed Nov 14, 2025, {n.clock()} PM"
    ),
    test_ok=lambda n, k: (
        f"[info] Run completed in {n.secs(1, 9)}.\n[info] Total number of tests run: {k}\n[info] Tests: succeeded {k}, failed 0, canceled 0, ignored 0, pending 0\n[info] All tests passed.\n[success] Total time: {n.rng.randint(8, 70)} s, completed Nov 14, 2025, {n.clock()} PM"
    ),
    test_fail=_sbt_fail,
    compile_err=lambda n, f, ln, m: (
        f"[info] compiling 4 Scala sources to /work/stacks/core/target/scala-3.4.2/classes ...\n[error] -- [E{n.rng.randint(6, 190):03d}] Type Error: /work/stacks/{f}:{ln}:{n.rng.randint(4, 30)}\n[error]   | {m}\n[error] one error found\n[error] (core / Compile / compileIncremental) Compilation failed\n[error] Total time: {n.rng.randint(5, 40)} s, completed Nov 14, 2025, {n.clock()} PM"
    ),
    compile_msgs=(
        "Not found: dueDate",
        "value renewals is not a member of stacks.Loan",
        "Found: Int Required: java.time.Duration",
        "missing argument for parameter policy of method renew",
        "match may not be exhaustive. It would fail on pattern case: Lost",
        "No given instance of type io.circe.Encoder[stacks.Hold] was found",
        "value map is not a member of cats.effect.IO[Unit] => Unit",
        "Ambiguous overload. The overloaded alternatives of method apply match arguments (Long)",
        "Recursive value fines needs type",
        "too many arguments for method fineFor",
    ),
    bench_out=lambda n, v: (
        f"[info] Benchmark                 Mode  Cnt     Score    Error  Units\n[info] CheckoutBench.bulk       avgt    5  {v:8.1f} ± {n.rng.uniform(2, 30):5.1f}  us/op"
    ),
    snippets=(
        "val grace = policy.graceDays(patron.tier)",
        "queue.dequeueOption.map(_._1)",
        "loan.copy(renewals = loan.renewals + 1)",
        "case Overdue(days) => rate * days",
        'Codec.forProduct3("id", "name", "tier")(Patron.apply)(p => (p.id, p.name, p.tier))',
    ),
    migrate=("sbt flywayMigrate", "sbt flywayUndo", "sbt flywayInfo"),
)


def _cabal_fail(n: Noise, t: str, d: str) -> str:
    return (
        f"Build profile: -w ghc-9.6.{n.rng.randint(4, 6)} -O1\nRunning 1 test suites...\nTest suite stacks-test: RUNNING...\n"
        f"{t.split('/')[0]}\n  {t.split('/')[-1]}: FAIL ({n.rng.uniform(0.01, 0.9):.2f}s)\n    test/{t.split('/')[0]}Spec.hs:{n.rng.randint(15, 120)}:\n"
        f"    {d}\n    Use -p '/{t.split('/')[-1]}/' to rerun this test only.\n\n1 out of {n.rng.randint(40, 90)} tests failed ({n.rng.uniform(0.2, 4):.2f}s)\n"
        f"Test suite stacks-test: FAIL\nTest suite logged to:\n/work/stacks/dist-newstyle/build/x86_64-linux/ghc-9.6.6/stacks-0.4.0/t/stacks-test/test/stacks-0.4.0-stacks-test.log"
    )


HASKELL = Eco(
    name="haskell",
    sources=(
        "src/Stacks/Loan.hs",
        "src/Stacks/Fines.hs",
        "src/Stacks/Holds.hs",
        "src/Stacks/Api.hs",
        "src/Stacks/Db.hs",
        "src/Stacks/Catalog.hs",
        "stacks.cabal",
        "app/Main.hs",
    ),
    tests=(
        "Loan/renewal extends the due date",
        "Fines/grace days are free",
        "Holds/queue stays FIFO",
        "Catalog/normalises ISBN-10",
        "Api/rejects unknown patrons",
    ),
    build="cabal build all",
    test="cabal test",
    test_one="cabal test --test-options='-p \"/{t}/\"'",
    check="hlint src test && fourmolu --mode check src test",
    packages=(
        "stacks-core",
        "stacks-api",
        "stacks-search",
        "stacks-notify",
        "stacks-auth",
        "stacks-import",
        "stacks-reports",
        "stacks-barcode",
        "stacks-sync",
        "stacks-audit",
        "stacks-mail",
        "stacks-kiosk",
    ),
    pkg_test="cabal test {p}",
    bench="cabal bench stacks-bench --benchmark-options='--match prefix checkout'",
    build_ok=lambda n: (
        f"Resolving dependencies...\nBuild profile: -w ghc-9.6.6 -O1\nIn order, the following will be built:\n - stacks-0.4.0 (lib) (file src/Stacks/Loan.hs changed)\n[{n.rng.randint(2, 9)} of 14] Compiling Stacks.Loan\nLinking dist-newstyle/build/x86_64-linux/ghc-9.6.6/stacks-0.4.0/x/stacks/build/stacks/stacks ..."
    ),
    check_ok=lambda n: "No hints",
    test_ok=lambda n, k: (
        f"Test suite stacks-test: RUNNING...\nAll {k} tests passed ({n.rng.uniform(0.2, 5):.2f}s)\nTest suite stacks-test: PASS\n1 of 1 test suites (1 of 1 test cases) passed."
    ),
    test_fail=_cabal_fail,
    compile_err=lambda n, f, ln, m: (
        f"Build profile: -w ghc-9.6.6 -O1\n[{n.rng.randint(2, 9)} of 14] Compiling {f.replace('src/', '').replace('/', '.').removesuffix('.hs')}\n\n{f}:{ln}:{n.rng.randint(3, 40)}: error: [GHC-{n.rng.randint(10000, 99999)}]\n    • {m}\n   |\n{ln} |   renew policy loan = ...\n   |\nError: [Cabal-7125]\nFailed to build stacks-0.4.0."
    ),
    compile_msgs=(
        "Variable not in scope: dueDate :: Loan -> Day",
        "Couldn't match expected type ‘Integer’ with actual type ‘Int’",
        "No instance for (ToJSON Hold) arising from a use of ‘encode’",
        "Not in scope: type constructor or class ‘Patron’",
        "Couldn't match type ‘IO ()’ with ‘()’",
        "Ambiguous type variable ‘a0’ arising from a use of ‘show’",
        "The constructor ‘Overdue’ should have 1 argument, but has been given none",
        "Record field ‘renewals’ does not belong to ‘Loan’",
        "Non-exhaustive patterns in case (-Werror=incomplete-patterns)",
        "Expecting one more argument to ‘Policy’",
    ),
    bench_out=lambda n, v: (
        f"benchmarking checkout/bulk\ntime                 {v / 1000:.3f} μs   ({v / 1000 * 0.97:.3f} μs .. {v / 1000 * 1.03:.3f} μs)\n                     0.99{n.rng.randint(1, 9)} R²"
    ),
    snippets=(
        "grace <- graceDays policy (patronTier p)",
        "renew p l = l { loanRenewals = loanRenewals l + 1 }",
        "Overdue d -> rate * fromIntegral d",
        "dequeue (Queue (h:t)) = Just (h, Queue t)",
        "normalise = T.filter isDigit",
    ),
    migrate=(
        "cabal run stacks-migrate -- up",
        "cabal run stacks-migrate -- down 1",
        "cabal run stacks-migrate -- status",
    ),
)

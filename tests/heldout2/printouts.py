"""What the toolchains of the second held-out set print: test runs and compile errors, drifting.

Seeds, timings, memory, hashes and the line numbers of frames change between two runs of the same
command; the failing tests a session is stuck on stay the same.
"""

from __future__ import annotations

import random

from .names import camel, ident, lower_camel

# -- Ruby: bundler, rspec, rake, sorbet --------------------------------------------------------


def rspec(rng: random.Random, failing: list[str], total: int) -> str:
    dots = ["."] * (total - len(failing)) + ["F"] * len(failing)
    rng.shuffle(dots)
    lines = [f"Randomized with seed {rng.randint(1000, 65535)}", "".join(dots), ""]
    if failing:
        lines += ["Failures:", ""]
    for n, name in enumerate(failing, 1):
        spec = f"./spec/models/{name}_spec.rb"
        lines += [
            f"  {n}) {camel(name)}#call returns the routed {name.split('_')[1]}",
            f"     Failure/Error: expect(subject.call).to eq(:{name.split('_')[0]})",
            "",
            f"       expected: :{name.split('_')[0]}",
            "            got: nil",
            "",
            "       (compared using ==)",
            f"     # {spec}:{rng.choice([23, 24, 25])}:in `block (3 levels) in <top (required)>'",
            "",
        ]
    lines.append(
        f"Finished in {rng.uniform(0.2, 3):.5f} seconds (files took {rng.uniform(0.8, 2.5):.2f} seconds to load)"
    )
    lines.append(f"{total} examples, {len(failing)} failure{'s' if len(failing) != 1 else ''}")
    if failing:
        lines += ["", "Failed examples:", ""]
        lines += [f"rspec ./spec/models/{name}_spec.rb:21 # {camel(name)}#call returns the routed" for name in failing]
    return "\n".join(lines) + "\n"


def sorbet(rng: random.Random, name: str, path: str, line: int) -> str:
    code = rng.choice(["7003", "7003", "5002"])
    what = (
        f"Method `{name}` does not exist on `{camel(ident(rng))}`"
        if code == "7003"
        else f"Unable to resolve constant `{camel(name)}`"
    )
    return (
        f"{path}:{line}: {what} https://srb.help/{code}\n"
        f"    {line} |    {name}(shipment)\n"
        f"             ^^^^^^^^^^^^^^^^^\n"
        f"Errors: {rng.randint(1, 4)}\n"
    )


def ruby_function(name: str, n: int) -> str:
    return f"  def {name}(input)\n    input.fetch(:{name.split('_')[0]}, {n})\n  end\n"


# -- PHP: composer, phpunit, phpstan ---------------------------------------------------------


def phpunit(rng: random.Random, failing: list[str], total: int) -> str:
    marks = ["."] * (total - len(failing)) + ["F"] * len(failing)
    rng.shuffle(marks)
    lines = [
        "PHPUnit 10.5.20 by Sebastian Bergmann and contributors.",
        "",
        f"Runtime:       PHP 8.3.{rng.choice([7, 7, 8])}",
        "Configuration: /srv/app/phpunit.xml",
        "",
        f"{''.join(marks):63} {total} / {total} (100%)",
        "",
        f"Time: 00:0{rng.randint(0, 2)}.{rng.randint(100, 999)}, Memory: {rng.choice([10, 12, 14, 16])}.00 MB",
        "",
    ]
    if failing:
        lines += [
            f"There {'was' if len(failing) == 1 else 'were'} {len(failing)} failure{'s' if len(failing) > 1 else ''}:",
            "",
        ]
    for n, name in enumerate(failing, 1):
        lines += [
            f"{n}) Tests\\Unit\\{camel(name)}Test::test{camel(name)}IsRouted",
            f"Failed asserting that null matches expected '{name.split('_')[0]}'.",
            "",
            f"/srv/app/tests/Unit/{camel(name)}Test.php:{rng.choice([31, 32])}",
            "",
        ]
    if failing:
        lines += ["FAILURES!", f"Tests: {total}, Assertions: {total * 2 + 1}, Failures: {len(failing)}."]
    else:
        lines.append(f"OK ({total} tests, {total * 2 + 1} assertions)")
    return "\n".join(lines) + "\n"


def phpstan(rng: random.Random, name: str, path: str, line: int) -> str:
    return (
        f" {rng.randint(4, 40)}/{rng.randint(41, 60)} [▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓] 100%\n\n"
        " ------ -------------------------------------------------------------\n"
        f"  Line   {path}\n"
        " ------ -------------------------------------------------------------\n"
        f"  {line:<6} Call to an undefined method App\\{camel(ident(rng))}::{lower_camel(name)}().\n"
        " ------ -------------------------------------------------------------\n\n"
        f" [ERROR] Found {rng.randint(1, 3)} error\n"
    )


def php_function(name: str, n: int) -> str:
    return (
        f"    public function {lower_camel(name)}(array $input): int\n    "
        f"{{\n        return $input['{name}'] ?? {n};\n    }}\n"
    )


# -- .NET: dotnet build/test, NuGet -------------------------------------------------------------


def dotnet_test(rng: random.Random, failing: list[str], total: int) -> str:
    lines = [
        "  Determining projects to restore...",
        "  All projects are up-to-date for restore.",
        "  Freight.Core -> /src/Freight.Core/bin/Debug/net8.0/Freight.Core.dll",
        "  Freight.Tests -> /src/Freight.Tests/bin/Debug/net8.0/Freight.Tests.dll",
        "Test run for /src/Freight.Tests/bin/Debug/net8.0/Freight.Tests.dll (.NETCoreApp,Version=v8.0)",
        "Microsoft (R) Test Execution Command Line Tool Version 17.9.0 (x64)",
        "Starting test execution, please wait...",
        "A total of 1 test files matched the specified pattern.",
    ]
    for name in failing:
        lines += [
            f"  Failed Freight.Tests.{camel(name)}Tests.Route_Returns{camel(name.split('_')[0])} "
            f"[{rng.randint(3, 60)} ms]",
            "  Error Message:",
            "   Assert.Equal() Failure: Values differ",
            f'Expected: "{name.split("_")[0]}"',
            "Actual:   null",
            "  Stack Trace:",
            f"     at Freight.Tests.{camel(name)}Tests.Route_Returns{camel(name.split('_')[0])}() in "
            f"/src/Freight.Tests/{camel(name)}Tests.cs:line {rng.choice([27, 28])}",
        ]
    verdict = "Failed!" if failing else "Passed!"
    lines.append(
        f"\n{verdict}  - Failed: {len(failing):>5}, Passed: {total - len(failing):>5}, Skipped: {0:>5}, "
        f"Total: {total:>5}, Duration: {rng.randint(90, 900)} ms - Freight.Tests.dll (net8.0)"
    )
    return "\n".join(lines) + "\n"


def csc(rng: random.Random, name: str, path: str, line: int) -> str:
    col = rng.choice([13, 17, 21])
    return (
        f"  Determining projects to restore...\n  All projects are up-to-date for restore.\n"
        f"/src/{path}({line},{col}): error CS0103: The name '{lower_camel(name)}' does not exist in the current "
        f"context [/src/Freight.Core/Freight.Core.csproj]\n\nBuild FAILED.\n\n"
        f"/src/{path}({line},{col}): error CS0103: The name '{lower_camel(name)}' does not exist in the current "
        f"context [/src/Freight.Core/Freight.Core.csproj]\n    0 Warning(s)\n    1 Error(s)\n\n"
        f"Time Elapsed 00:00:{rng.uniform(1.5, 9):05.2f}\n"
    )


def cs_function(name: str, n: int) -> str:
    return (
        f"    public int {camel(name)}(Shipment s)\n    "
        f"{{\n        return s.{camel(name.split('_')[0])} ?? {n};\n    }}\n"
    )


# -- C/C++: cmake, make, ctest, gcc ------------------------------------------------------------


def ctest(rng: random.Random, failing: list[str], total: int) -> str:
    names = list(failing) + [f"{ident(random.Random(i))}_test" for i in range(total - len(failing))]
    order = sorted(range(total), key=lambda i: names[i])
    lines = ["Test project /home/dev/freight/build"]
    for n, i in enumerate(order, 1):
        test = names[i] if names[i].endswith("_test") else names[i] + "_test"
        status = "***Failed" if i < len(failing) else "   Passed"
        lines.append(f"{n:>2}/{total} Test #{n:>2}: {test:.<40}{status}  {rng.uniform(0, 0.4):6.2f} sec")
    passed = round(100 * (total - len(failing)) / total)
    lines.append(f"\n{passed}% tests passed, {len(failing)} tests failed out of {total}")
    lines.append(f"\nTotal Test time (real) = {rng.uniform(0.3, 6):6.2f} sec")
    if failing:
        lines.append("\nThe following tests FAILED:")
        lines += [f"\t{order.index(i) + 1:>3} - {failing[i]}_test (Failed)" for i in range(len(failing))]
        lines.append("Errors while running CTest")
        lines.append("Output from these tests are in: /home/dev/freight/build/Testing/Temporary/LastTest.log")
    return "\n".join(lines) + "\n"


def gcc(rng: random.Random, name: str, path: str, line: int) -> str:
    col = rng.choice([9, 14, 17])
    target = path.rsplit("/", 1)[-1]
    return (
        f"[ {rng.randint(10, 60)}%] Building CXX object src/CMakeFiles/freight_core.dir/{target}.o\n"
        f"/home/dev/freight/{path}: In function 'int route(const Shipment&)':\n"
        f"/home/dev/freight/{path}:{line}:{col}: error: '{name}' was not declared in this scope\n"
        f"   {line} |     auto lane = {name}(s.id);\n"
        f"      |                 ^~~~~~~~~~~~\n"
        f"make[2]: *** [src/CMakeFiles/freight_core.dir/build.make:{rng.choice([90, 104, 118])}: "
        f"src/CMakeFiles/freight_core.dir/{target}.o] Error 1\n"
        "make[1]: *** [CMakeFiles/Makefile2:112: src/CMakeFiles/freight_core.dir/all] Error 2\n"
        "make: *** [Makefile:136: all] Error 2\n"
    )


def cpp_function(name: str, n: int) -> str:
    return f"int {name}(const Shipment& s) {{\n    return s.weight > {n} ? {n} : 0;\n}}\n"


# -- Elixir: mix ---------------------------------------------------------------------------------


def exunit(rng: random.Random, failing: list[str], total: int) -> str:
    lines = [f"Running ExUnit with seed: {rng.randint(1000, 999999)}, max_cases: {rng.choice([4, 8, 16])}", ""]
    lines.append("." * rng.randint(0, total - len(failing)))
    for n, name in enumerate(failing, 1):
        lines += [
            "",
            f"  {n}) test {name.replace('_', ' ')} is routed (Freight.{camel(name)}Test)",
            f"     test/freight/{name}_test.exs:{rng.choice([14, 15])}",
            "     Assertion with == failed",
            f"     code:  assert {camel(name)}.route(shipment) == :{name.split('_')[0]}",
            "     left:  nil",
            f"     right: :{name.split('_')[0]}",
            "     stacktrace:",
            f"       test/freight/{name}_test.exs:{rng.choice([16, 17])}: (test)",
            "",
        ]
    async_part = rng.uniform(0.01, 0.3)
    lines.append(f"Finished in {async_part + 0.05:.2f} seconds ({async_part:.2f}s async, 0.05s sync)")
    lines.append(f"{total} tests, {len(failing)} failure{'s' if len(failing) != 1 else ''}")
    return "\n".join(lines) + "\n"


def elixirc(rng: random.Random, name: str, path: str, line: int) -> str:
    return (
        f"Compiling {rng.randint(1, 6)} files (.ex)\n"
        f"    error: undefined function {name}/1 (expected Freight.{camel(ident(rng))} to define such a function "
        "or for it to be imported, but none are available)\n"
        "    │\n"
        f" {line} │     {name}(shipment)\n"
        "    │     ^\n"
        "    │\n"
        f"    └─ {path}:{line}:{rng.choice([5, 7])}: Freight.Routing.route/1\n\n"
        f"\n== Compilation error in file {path} ==\n** (CompileError) {path}: cannot compile module "
        "(errors have been logged)\n"
    )


def ex_function(name: str, n: int) -> str:
    return f"  def {name}(%Shipment{{}} = s) do\n    Map.get(s.meta, :{name.split('_')[0]}, {n})\n  end\n"


# -- Kotlin: gradle --------------------------------------------------------------------------------


def gradle_test(rng: random.Random, failing: list[str], total: int) -> str:
    lines = ["> Task :app:compileKotlin UP-TO-DATE", "> Task :app:compileTestKotlin UP-TO-DATE"]
    lines.append("> Task :app:test" + (" FAILED" if failing else ""))
    for name in failing:
        lines += [
            "",
            f"{camel(name)}Test > route returns {name.split('_')[0]}() FAILED",
            f"    org.opentest4j.AssertionFailedError at {camel(name)}Test.kt:{rng.choice([27, 29])}",
        ]
    seconds = rng.randint(4, 48)
    if failing:
        lines += [
            "",
            f"{total} tests completed, {len(failing)} failed",
            "",
            "FAILURE: Build failed with an exception.",
            "",
            "* What went wrong:",
            "Execution failed for task ':app:test'.",
            "> There were failing tests. See the report at: file:///home/dev/freight/app/build/reports/tests/test/index.html",
            "",
            f"BUILD FAILED in {seconds}s",
        ]
    else:
        lines += ["", f"BUILD SUCCESSFUL in {seconds}s"]
    lines.append(f"{rng.randint(4, 9)} actionable tasks: {rng.randint(1, 3)} executed, {rng.randint(2, 6)} up-to-date")
    return "\n".join(lines) + "\n"


def kotlinc(rng: random.Random, name: str, path: str, line: int) -> str:
    return (
        f"e: file:///home/dev/freight/{path}:{line}:{rng.choice([9, 13, 17])} Unresolved reference: "
        f"{lower_camel(name)}\n\n"
        "> Task :app:compileKotlin FAILED\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\n"
        "Execution failed for task ':app:compileKotlin'.\n> A failure occurred while executing "
        "org.jetbrains.kotlin.compilerRunner.GradleCompilerRunnerWithWorkers$GradleKotlinCompilerWorkAction\n"
        "   > Compilation error. See log for more details\n\n"
        f"BUILD FAILED in {rng.randint(3, 30)}s\n"
    )


def kt_function(name: str, n: int) -> str:
    return f'    fun {lower_camel(name)}(s: Shipment): Int =\n        s.meta["{name}"] ?: {n}\n'

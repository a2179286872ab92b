"""Toolchains of the second held-out set: Ruby, PHP, .NET, C/C++, Elixir and Kotlin/Gradle.

None of them appears in the dev set or in the first held-out set. Each `Eco` knows its commands and
prints what its tools print, drifting the way real output drifts between two runs of the same
command: seeds, timings, memory, object hashes, line numbers of stack frames. The failing tests a
session is stuck on stay the same; everything around them moves.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from . import printouts as out
from .names import ident

TestOutput = Callable[[random.Random, list[str], int], str]
CompileError = Callable[[random.Random, str, str, int], str]


@dataclass(frozen=True)
class Eco:
    name: str
    ext: str
    src_dir: str
    root: str  # the project's absolute path, as tools print it
    test_cmds: tuple[str, ...]
    build_cmds: tuple[str, ...]
    install_cmds: tuple[str, ...]
    lint_cmd: str
    lint_clean: str  # what the lint/format check prints when all is well
    bench_cmd: str
    manifest: str  # Gemfile, composer.json …
    cache_dirs: tuple[str, ...]
    test_output: TestOutput
    compile_error: CompileError
    function: Callable[[str, int], str]  # a small function of the language, named


def source(eco: Eco, rng: random.Random, functions: int) -> str:
    return "\n".join(eco.function(ident(rng), rng.randint(1, 99)) for _ in range(functions))


ECOS: dict[str, Eco] = {
    "ruby": Eco(
        "ruby",
        "rb",
        "app/models",
        "/home/dev/freight",
        ("bundle exec rspec", "bin/rspec", "bundle exec rake spec"),
        ("bundle exec srb tc", "bundle exec rake assets:precompile"),
        ("bundle install", "bundle install --jobs 4"),
        "bundle exec rubocop",
        "Inspecting 84 files\n" + "." * 84 + "\n\n84 files inspected, no offenses detected\n",
        "bundle exec ruby bench/routing_bench.rb",
        "Gemfile",
        ("vendor/bundle", "tmp/cache"),
        out.rspec,
        out.sorbet,
        out.ruby_function,
    ),
    "php": Eco(
        "php",
        "php",
        "src/Routing",
        "/srv/app",
        ("vendor/bin/phpunit", "composer test", "php artisan test"),
        ("vendor/bin/phpstan analyse src", "composer dump-autoload -o"),
        ("composer install", "composer install --no-interaction --prefer-dist"),
        "vendor/bin/php-cs-fixer fix --dry-run --diff",
        'Loaded config default from "/srv/app/.php-cs-fixer.dist.php".\nFound 0 of 212 files that can be fixed.\n',
        "vendor/bin/phpbench run bench --report=aggregate",
        "composer.json",
        ("vendor", "var/cache"),
        out.phpunit,
        out.phpstan,
        out.php_function,
    ),
    "dotnet": Eco(
        "dotnet",
        "cs",
        "Freight.Core",
        "/src",
        ("dotnet test", "dotnet test --no-restore", "dotnet test Freight.sln"),
        ("dotnet build", "dotnet build -c Release"),
        ("dotnet restore", "dotnet restore --force"),
        "dotnet format --verify-no-changes",
        "  Determining projects to restore...\n  All projects are up-to-date for restore.\n",
        "dotnet run -c Release --project Freight.Bench",
        "Freight.Core/Freight.Core.csproj",
        ("obj", "bin"),
        out.dotnet_test,
        out.csc,
        out.cs_function,
    ),
    "cpp": Eco(
        "cpp",
        "cpp",
        "src",
        "/home/dev/freight",
        ("ctest --test-dir build", "ctest --test-dir build --output-on-failure", "make -C build test"),
        ("cmake --build build -j8", "make -C build", "cmake --build build --target freight_core"),
        ("cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug", "conan install . --build=missing"),
        "clang-format --dry-run --Werror src/*.cpp include/*.h",
        "",
        "./build/bench/freight_bench --benchmark_repetitions=3",
        "CMakeLists.txt",
        ("build", "CMakeCache.txt"),
        out.ctest,
        out.gcc,
        out.cpp_function,
    ),
    "elixir": Eco(
        "elixir",
        "ex",
        "lib/freight",
        "/app",
        ("mix test", "mix test --trace", "MIX_ENV=test mix test"),
        ("mix compile", "mix compile --warnings-as-errors"),
        ("mix deps.get", "mix deps.get && mix deps.compile"),
        "mix format --check-formatted",
        "",
        "mix run bench/routing.exs",
        "mix.exs",
        ("_build", "deps"),
        out.exunit,
        out.elixirc,
        out.ex_function,
    ),
    "kotlin": Eco(
        "kotlin",
        "kt",
        "app/src/main/kotlin/freight",
        "/home/dev/freight",
        ("./gradlew test", "./gradlew :app:test", "./gradlew test --info"),
        ("./gradlew build -x test", "./gradlew :app:compileKotlin"),
        ("./gradlew dependencies --refresh-dependencies", "./gradlew --refresh-dependencies assemble"),
        "./gradlew ktlintCheck",
        "> Task :app:ktlintMainSourceSetCheck\n> Task :app:ktlintCheck\n\nBUILD SUCCESSFUL in 3s\n",
        "./gradlew :bench:jmh",
        "app/build.gradle.kts",
        (".gradle", "app/build"),
        out.gradle_test,
        out.kotlinc,
        out.kt_function,
    ),
}

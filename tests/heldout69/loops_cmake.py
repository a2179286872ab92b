# ruff: noqa: E501
"""Loop family in CMake: a dependency's configure that finds one package and loses the next, its cache and generator in the way."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout69.looks import churn
from heldout69.natives import CONDA
from heldout69.text import Attempt, Ctx, piped

# What FindX.cmake reports missing for each package a CMakeLists asks for.
_VARS = {
    "ZLIB": "ZLIB_LIBRARY ZLIB_INCLUDE_DIR",
    "CURL": "CURL_LIBRARY CURL_INCLUDE_DIR",
    "BZip2": "BZIP2_LIBRARIES BZIP2_INCLUDE_DIR",
    "PNG": "PNG_LIBRARY PNG_PNG_INCLUDE_DIR",
    "HarfBuzz": "HarfBuzz_LIBRARY HarfBuzz_INCLUDE_DIRS",
    "Threads": "Threads_FOUND",
    "OpenMP": "OpenMP_C_FLAGS OpenMP_C_LIB_NAMES",
    "LAPACK": "LAPACK_LIBRARIES",
    "OpenSSL": "OPENSSL_CRYPTO_LIBRARY OPENSSL_INCLUDE_DIR",
    "BISON": "BISON_EXECUTABLE",
    "FLEX": "FLEX_EXECUTABLE",
    "Iconv": "Iconv_LIBRARY Iconv_INCLUDE_DIR",
    "GMP": "GMP_INCLUDE_DIRS GMP_LIBRARIES",
    "Boost": "Boost_INCLUDE_DIR",
    "HDF5": "HDF5_LIBRARIES HDF5_INCLUDE_DIRS HDF5_HL_LIBRARIES",
    "LibXml2": "LIBXML2_LIBRARY LIBXML2_INCLUDE_DIR",
    "Python3": "Python3_INCLUDE_DIRS Python3_LIBRARIES Development Development.Module Development.Embed",
}
_CONFIG_ONLY = ("LLVM", "pybind11")


def _missing(rng: random.Random, pkg: str, root: str, cmv: str = "3.18") -> str:
    """CMake stopping at a find_package()."""
    line = rng.randint(20, 400)
    where = f"CMake Error at {rng.choice(['CMakeLists.txt', 'cmake/Dependencies.cmake', 'cmake/FindDeps.cmake'])}:{line} (find_package):"
    if pkg in _CONFIG_ONLY:
        return f'{where}\n  Could not find a package configuration file provided by "{pkg}" with any of\n  the following names:\n\n    {pkg}Config.cmake\n    {pkg.lower()}-config.cmake\n\n  Add the installation prefix of "{pkg}" to CMAKE_PREFIX_PATH or set\n  "{pkg}_DIR" to a directory containing one of the above files.\n\n\n-- Configuring incomplete, errors occurred!\nSee also "{root}/build/CMakeFiles/CMakeOutput.log".'
    found = rng.choice(
        [
            "",
            f' (found version "{rng.randint(1, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 20)}")',
            f' (Required is at least version "{rng.randint(1, 3)}.{rng.randint(0, 12)}")',
        ]
    )
    return f'CMake Error at /usr/share/cmake-{cmv}/Modules/FindPackageHandleStandardArgs.cmake:{rng.choice([165, 218, 230])} (message):\n  Could NOT find {pkg} (missing: {_VARS.get(pkg, pkg.upper() + "_LIBRARY")}){found}\nCall Stack (most recent call first):\n  /usr/share/cmake-{cmv}/Modules/FindPackageHandleStandardArgs.cmake:{458 if cmv == "3.18" else 600} (_FPHSA_FAILURE_MESSAGE)\n  {where.removeprefix("CMake Error at ").removesuffix(":")}\n\n\n-- Configuring incomplete, errors occurred!\nSee also "{root}/build/CMakeFiles/CMakeOutput.log".'


def cmake_reconfigure_cache_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Configuring a CMake dependency: each hint passed finds one package and the next is missing, the cache keeps old answers."""
    nat = ctx.native("cmake")
    root = nat.cmake
    needs = list(nat.needs) + ["Python3"] * (len(nat.needs) < 2)
    name = root.rstrip("/").rsplit("/", 1)[-1]
    cmv = rng.choice(["3.18", "3.22", "3.25"])
    prefixes = [CONDA, "/usr/local", "/usr", "/usr/lib/x86_64-linux-gnu", "$CONDA_PREFIX"]

    def configure(thought: str, args: str, out: str | None = None, rc: int = 1) -> Step:
        command = f"cd {root}/build && cmake .. {args}".rstrip() + f" 2>&1 | tail -{rng.choice([12, 15, 20])}"
        text = out if out is not None else _missing(rng, rng.choice(needs), root, cmv)
        return Step(
            thought, command, piped(command, text), rc=rc if " | " not in command else 0, seconds=rng.uniform(2, 25)
        )

    def hint(k: int) -> list[Step]:
        pkg = rng.choice([p for p in needs if p not in _CONFIG_ONLY] or needs)
        prefix = rng.choice(prefixes)
        var = rng.choice(
            [
                f"-D{pkg}_ROOT={prefix}",
                f"-D{pkg.upper()}_INCLUDE_DIR={prefix}/include -D{pkg.upper()}_LIBRARY={prefix}/lib/lib{pkg.lower()}.so",
                f"-D{pkg}_DIR={prefix}/lib/cmake/{pkg}",
            ]
        )
        return [configure(f"Point CMake at {pkg} directly.", var)]

    def prefix_path(k: int) -> list[Step]:
        prefix = rng.choice(prefixes)
        return [configure(f"Give CMake the whole prefix {prefix} to search.", f"-DCMAKE_PREFIX_PATH={prefix}")]

    def generator(k: int) -> list[Step]:
        gen = rng.choice(["Ninja", "Unix Makefiles"])
        other = "Unix Makefiles" if gen == "Ninja" else "Ninja"
        out = f"CMake Error: Error: generator : {gen}\nDoes not match the generator used previously: {other}\nEither remove the CMakeCache.txt file and CMakeFiles directory or choose a different binary directory."
        return [configure(f"Try the {gen} generator.", f"-G '{gen}'", out)]

    def fresh(k: int) -> list[Step]:
        steps = [
            Step(
                "The cache may be holding the old NOTFOUND results. Remove it and configure again.",
                f"cd {root}/build && rm -rf CMakeCache.txt CMakeFiles && cmake .. -DCMAKE_BUILD_TYPE=Release 2>&1 | tail -{rng.choice([6, 10])}",
                rng.choice(
                    [
                        _missing(rng, rng.choice(needs), root, cmv),
                        f"-- Configuring done\n-- Generating done\n-- Build files have been written to: {root}/build",
                    ]
                ),
                seconds=rng.uniform(3, 30),
            )
        ]
        if steps[0].output and "Generating done" in steps[0].output:
            steps.append(make_fails())
        return steps

    def make_fails() -> Step:
        lib = rng.choice(
            [
                "libz.so",
                "libcurl.so",
                "libssl.so",
                "libcrypto.so",
                "libhdf5.so",
                "libgmp.so",
                f"libpython{ctx.python}.so",
            ]
        )
        out = rng.choice(
            [
                f"make[2]: *** No rule to make target '/usr/lib/x86_64-linux-gnu/{lib}', needed by '{name.split('-')[0]}.so'.  Stop.\nmake[1]: *** [CMakeFiles/Makefile2:{rng.randint(80, 400)}: all] Error 2\nmake: *** [Makefile:{rng.choice([136, 146, 156])}: all] Error 2",
                f"/usr/bin/ld: cannot find -l{lib[3:-3]}\ncollect2: error: ld returned 1 exit status\nmake[2]: *** [{name.split('-')[0]}/CMakeFiles/{name.split('-')[0]}.dir/build.make:{rng.randint(300, 900)}: lib{name.split('-')[0]}.so] Error 1",
                f"{root}/src/{rng.choice(['core', 'io', 'util'])}.c:{rng.randint(5, 40)}:10: fatal error: {rng.choice(['zlib.h', 'openssl/ssl.h', 'curl/curl.h', 'hdf5.h', 'gmp.h'])}: No such file or directory\ncompilation terminated.\nmake[2]: *** [CMakeFiles/{name.split('-')[0]}.dir/build.make:{rng.randint(70, 400)}: CMakeFiles/{name.split('-')[0]}.dir/src/core.c.o] Error 1",
            ]
        )
        return Step(
            "Configured; build it.",
            f"cd {root}/build && make -j2 2>&1 | tail -{rng.choice([5, 8])}",
            out,
            seconds=rng.uniform(10, 120),
        )

    def version(k: int) -> list[Step]:
        v = {"3.18": "3.18.4", "3.22": "3.22.1", "3.25": "3.25.1"}[cmv]
        steps = [
            Step(
                "Check the CMake version against what the project asks for.",
                f"cmake --version | head -1; grep -n 'cmake_minimum_required' {root}/CMakeLists.txt",
                f"cmake version {v}\n1:cmake_minimum_required(VERSION {rng.choice(['3.20', '3.21', '3.24', '3.13'])})",
            )
        ]
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "Install a newer cmake from PyPI.",
                    "pip install -q 'cmake>=3.24' && which -a cmake && cmake --version | head -1",
                    f"/usr/bin/cmake\n{CONDA}/bin/cmake\ncmake version {v}",
                    seconds=rng.uniform(5, 20),
                )
            )
        return steps

    def cache_grep(k: int) -> list[Step]:
        pkg = rng.choice(needs)
        return [
            Step(
                f"What does the cache hold for {pkg}?",
                f"grep -i '{pkg}' {root}/build/CMakeCache.txt | head",
                "\n".join(
                    f"{pkg.upper()}_{v}:{t}={pkg.upper()}_{v}-NOTFOUND"
                    if rng.random() < 0.6
                    else f"{pkg.upper()}_{v}:{t}={rng.choice(prefixes)}/{'include' if v.startswith('INC') else 'lib'}"
                    for v, t in (("INCLUDE_DIR", "PATH"), ("LIBRARY", "FILEPATH"))
                ),
            )
        ]

    def log(k: int) -> list[Step]:
        func, lib = rng.choice(
            [("pthread_create", "pthreads"), ("omp_get_num_threads", "gomp"), ("deflate", "z"), ("SSL_new", "ssl")]
        )
        return [
            Step(
                "Let me look at the error log for the failed checks.",
                f"tail -20 {root}/build/CMakeFiles/CMakeError.log",
                f"Determining if the function {func} exists in the {lib} failed with the following output:\nChange Dir: {root}/build/CMakeFiles/CMakeTmp\n\nRun Build Command(s):/usr/bin/make cmTC_{rng.randrange(16**5):05x}/fast && /usr/bin/ld: cannot find -l{lib}\ncollect2: error: ld returned 1 exit status",
            )
        ]

    def disable(k: int) -> list[Step]:
        pkg = rng.choice(needs)
        opt = rng.choice(
            [
                f"-DENABLE_{pkg.upper()}=OFF",
                f"-DWITH_{pkg.upper()}=OFF",
                f"-DUSE_{pkg.upper()}=OFF",
                f"-DCMAKE_DISABLE_FIND_PACKAGE_{pkg}=TRUE",
            ]
        )
        out = _missing(rng, rng.choice([p for p in needs if p != pkg] or needs), root, cmv)
        if rng.random() < 0.4:
            out = (
                f"CMake Warning:\n  Manually-specified variables were not used by the project:\n\n    {opt[2:].split('=')[0]}\n\n\n"
                + out
            )
        return [configure(f"{pkg} is optional for what I need; switch it off.", opt, out)]

    def look() -> Step:
        choices = [
            Step(
                "What does the CMakeLists ask for?",
                f"grep -n 'find_package\\|option(' {root}/CMakeLists.txt | head -15",
                "\n".join(
                    f"{line}:find_package({p}{rng.choice(['', ' REQUIRED', ' ' + str(rng.randint(1, 3)) + '.' + str(rng.randint(0, 12)) + ' REQUIRED'])})"
                    for line, p in zip(sorted(rng.sample(range(10, 300), len(needs))), needs, strict=True)
                ),
            ),
            Step(
                "Let me see what is in the build directory.",
                f"ls {root}/build",
                rng.choice(
                    [
                        "CMakeCache.txt\nCMakeFiles",
                        "CMakeCache.txt\nCMakeFiles\nMakefile\ncmake_install.cmake",
                        "CMakeCache.txt\nCMakeFiles\nbuild.ninja",
                    ]
                ),
            ),
            Step(
                "Is the package's pkg-config file anywhere?",
                f"find / -name '{rng.choice(needs).lower()}*.pc' -not -path '/proc/*' 2>/dev/null | head -5",
                rng.choice(["", f"{CONDA}/lib/pkgconfig/{rng.choice(needs).lower()}.pc"]),
            ),
            Step(
                "Which compilers did CMake pick?",
                f"grep -E 'CMAKE_(C|CXX)_COMPILER:' {root}/build/CMakeCache.txt",
                f"CMAKE_CXX_COMPILER:FILEPATH=/usr/bin/c++\nCMAKE_C_COMPILER:FILEPATH={rng.choice(['/usr/bin/cc', CONDA + '/bin/x86_64-conda-linux-gnu-cc'])}",
            ),
        ]
        return rng.choice(choices)

    first = [
        Step(
            f"Configure {name} so {nat.label} can be built against it.",
            f"mkdir -p {root}/build && cd {root}/build && cmake .. -DCMAKE_INSTALL_PREFIX=/usr/local -DBUILD_SHARED_LIBS=ON 2>&1 | tail -15",
            "\n".join(_missing(rng, needs[0], root, cmv).split("\n")[-15:]),
            seconds=rng.uniform(3, 20),
        ),
    ]
    attempts: list[Attempt] = [hint, prefix_path, generator, fresh, version, cache_grep, log, disable]
    return churn(ctx, rng, n, nat, first, attempts, f"configuring {name} with CMake", look)

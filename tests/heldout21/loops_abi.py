"""A loop on extensions built for another ABI: versions pinned, reinstalled and rebuilt, and the import still fails."""

from __future__ import annotations

import random
from dataclasses import replace

from heldout20.calls import Step
from heldout21.packages import VERSIONS, download_mb, pip_install
from heldout21.text import (
    Ctx,
    Move,
    lineno,
    loop_steps,
    think,
    traceback,
    vary,
    write_repro,
)


def _abi(ctx: Ctx, rng: random.Random) -> tuple[str, list[tuple[str, str, str]], str, list[str]]:
    """The extension that fails to load, the import chain to it, what imports it, and the packages to juggle."""
    site, lib = ctx.site, ctx.site.rsplit("/", 1)[0]
    if ctx.django:
        chain = [
            ("/testbed/django/db/backends/sqlite3/base.py", "<module>", "from sqlite3 import dbapi2 as Database"),
            (f"{lib}/sqlite3/__init__.py", "<module>", "from sqlite3.dbapi2 import *"),
            (f"{lib}/sqlite3/dbapi2.py", "<module>", "from _sqlite3 import *"),
        ]
        return (
            f"{lib}/lib-dynload/_sqlite3.{ctx.abi}.so",
            chain,
            "import django.db.backends.sqlite3.base",
            ["pysqlite3"],
        )
    module, ext, cython = {
        "pydata": ("pandas", "_libs/interval", True),
        "mwaskom": ("pandas", "_libs/interval", True),
        "sympy": ("scipy", "special/_ufuncs", True),
        "scikit-learn": ("sklearn", "utils/murmurhash", True),
        "astropy": ("astropy", "table/_np_utils", True),
    }.get(ctx.run.owner, (ctx.run.module, "_path", False))
    own = module == ctx.run.module
    root = f"/testbed/{ctx.run.package}" if own else f"{site}/{module}"
    where = f"{root}/{ext}.{ctx.abi}.so"
    parent = ext.rsplit("/", 1)[0] if "/" in ext else ""
    chain = [
        (f"{root}/__init__.py", "<module>", f"from .{parent or ext} import {ext.rsplit('/', 1)[-1] if parent else '*'}")
    ]
    if cython:
        chain.append((f"{root}/{ext}.pyx", f"init {module}.{ext.replace('/', '.')}", ""))
    return where, chain, f"import {module}", ["numpy", module if module in VERSIONS else "scipy"]


def binary_incompatibility(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    so, chain, importer, packages = _abi(ctx, rng)
    numpy = {"version": rng.choice(VERSIONS["numpy"][1:4])}
    python = f"{ctx.pyver}.{rng.randint(12, 20)}"

    def error() -> str:
        if ctx.django:
            return f"ImportError: {so}: undefined symbol: sqlite3_deserialize"
        version = numpy["version"]
        if version.startswith("2"):
            return "AttributeError: _ARRAY_API not found\nImportError: numpy.core.multiarray failed to import"
        if version < "1.2":
            return "RuntimeError: module compiled against API version 0x10 but this version of numpy is 0xd\nImportError: numpy.core.multiarray failed to import"
        # The same build meets the same numpy the same way each time.
        header, got = (96, 88) if version >= "1.24" else (88, 80)
        return f"ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected {header} from C header, got {got} from PyObject"

    def frames() -> list[tuple[str, str, str]]:
        return [(frame[0], frame[1], frame[2]) for frame in chain]

    def rerun(i: int) -> Step:
        command = vary(rng, [f"{ctx.py} {ctx.repro}", f"python -c '{importer}'", ctx.test_cmd()])
        if "-c" in command:
            first = ("<string>", "<module>", "")
        elif "runtests" in command:
            first = ("/testbed/tests/runtests.py", "<module>", "django.setup()")
        else:
            first = (f"/testbed/{ctx.repro}", "<module>", importer)
        out = traceback(ctx, rng, [first, *frames()], error()).replace("\n    \n", "\n")
        if "pytest" in command:
            # pytest shows the conftest's import chain in its own short form.
            lines = [f"ImportError while loading conftest '/testbed/{ctx.tests_dir}/conftest.py'."]
            for path, function, code in frames():
                short = path.replace("/testbed/", "")
                lines += [f"{short}:{lineno(rng, path, function)}: in {function}"] + ([f"    {code}"] if code else [])
            out = "\n".join(lines + [f"E   {line}" for line in error().splitlines()])
        intentions = [
            "Try again.",
            "Check whether the import works now.",
            "Run it again.",
            "See if that fixed the import.",
        ]
        return Step(think(rng, intentions), command, out, 1 if "pytest" not in command else 4, 2.0)

    def versions(i: int) -> Step:
        if ctx.django:
            return Step(
                think(
                    rng,
                    [
                        "Which sqlite does Python see?",
                        "Check the sqlite library versions.",
                        "Which libsqlite3 does the extension resolve to?",
                    ],
                    ["", ""],
                ),
                "python -c 'import sys; print(sys.version)'; ldd " + so + " | grep sqlite",
                f"{python} (main, Oct  3 2024, 15:00:00) \n[GCC 11.2.0]\n\tlibsqlite3.so.0 => /usr/local/lib/libsqlite3.so.0 (0x00007f{rng.randrange(16**7):07x}000)",
            )
        listed = "\n".join(
            f"{p:<24}{numpy['version'] if p == 'numpy' else rng.choice(VERSIONS.get(p, ['1.0.0']))}"
            for p in sorted({"numpy", *packages})
        )
        command, out = rng.choice(
            [
                (f"pip list 2>/dev/null | grep -i -E '{'|'.join(sorted({'numpy', *packages}))}'", listed),
                (
                    "pip show numpy | head -3",
                    f"Name: numpy\nVersion: {numpy['version']}\nSummary: Fundamental package for array computing in Python",
                ),
                (
                    "python -c 'import numpy; print(numpy.__version__, numpy.__file__)'",
                    f"{numpy['version']} {ctx.site}/numpy/__init__.py",
                ),
                (
                    "pip check",
                    f"{packages[-1]} {rng.choice(VERSIONS.get(packages[-1], ['1.0.0']))} has requirement numpy>=1.21.0, but you have numpy {numpy['version']}."
                    if numpy["version"] < "1.21"
                    else "No broken requirements found.",
                ),
            ]
        )
        return Step(
            think(
                rng,
                [
                    "Check what's installed.",
                    "Which versions are in the environment now?",
                    "Let me look at the versions.",
                    "Are the versions consistent now?",
                    "What does pip think is installed?",
                ],
                ["", ""],
            ),
            command,
            out,
            0,
            1.5,
        )

    def install(i: int) -> Step:
        if ctx.django:
            command, out, rc = rng.choice(
                [
                    (
                        "pip install pysqlite3-binary",
                        pip_install(ctx, "pysqlite3-binary", "0.5.2", "0.5.1"),
                        0,
                    ),
                    (
                        "conda install -y sqlite=3.39",
                        "Collecting package metadata (current_repodata.json): done\nSolving environment: done\n\n# All requested packages already installed.",
                        0,
                    ),
                    (
                        "conda install -y --force-reinstall python=" + ctx.pyver,
                        "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://repo.anaconda.com/pkgs/main/linux-64/current_repodata.json>",
                        1,
                    ),
                ]
            )
            return Step(
                think(
                    rng,
                    [
                        "Reinstall sqlite so the extension matches.",
                        "Try a newer sqlite build.",
                        "Maybe a bundled sqlite avoids the system one.",
                    ],
                ),
                command,
                out,
                rc,
                20.0,
            )
        package = rng.choice([*packages, "numpy", "numpy"])
        choices = VERSIONS[package]
        new = rng.choice(choices)
        old = numpy["version"] if package == "numpy" else rng.choice(choices)
        if package == "numpy":
            numpy["version"] = new if new != "1.26.4" or rng.random() < 0.5 else "2.0.2"
            new = numpy["version"]
        intentions = [
            f"Pin {package} to {new}; the compiled extensions may need that.",
            f"Install {package}=={new} to match the ABI.",
            f"Try {package} {new}.",
        ]
        return Step(
            think(rng, intentions),
            f"pip install {package}=={new}",
            pip_install(ctx, package, new, old),
            0,
            25.0,
        )

    def rebuild(i: int) -> Step:
        if ctx.django or ctx.run.owner in ("pydata", "mwaskom", "sympy"):
            # Their extension comes from a wheel: rebuilding means building the wheel from source.
            package = packages[-1]
            command = f"pip install --no-binary :all: --no-build-isolation {package}"
            out = (
                f"Collecting {package}\n  Downloading {package}-{VERSIONS.get(package, ['0.5.2'])[-1]}.tar.gz ({download_mb(package, 'sdist'):.1f} MB)\n"
                "  Preparing metadata (pyproject.toml): started\n  Preparing metadata (pyproject.toml): finished with status 'error'\n"
                "  error: subprocess-exited-with-error\n\n  × Preparing metadata (pyproject.toml) did not run successfully.\n  │ exit code: 1\n"
                f"  ╰─> [{rng.randint(8, 40)} lines of output]\n      {vary(rng, ['ERROR: Unknown compiler(s)', 'meson-python: error: Could not find meson', 'error: command gcc failed: No such file or directory'])}\n"
                "  note: This error originates from a subprocess, and is likely not a problem with pip."
            )
            return Step(
                think(
                    rng,
                    [
                        f"Build {package} from source against the installed libraries.",
                        "Rebuild from source so the ABI matches.",
                    ],
                ),
                command,
                out,
                1,
                40.0,
            )
        out = "\n".join(
            [
                "running build_ext",
                *(
                    f"building '{ctx.run.module}.{part}' extension"
                    for part in rng.sample(["_path", "_utils", "_compiler", "_fast", "_sparse"], 2)
                ),
                f"gcc -pthread -B /opt/miniconda3/envs/testbed/compiler_compat -Wno-unused-result -O2 -fPIC -I{ctx.site}/numpy/core/include -c {ctx.run.package}/_{rng.choice(['fast', 'utils'])}.c",
                f"copying build/lib.linux-x86_64-{ctx.pyver}/{ctx.run.package}/_utils.{ctx.abi}.so -> {ctx.run.package}",
            ]
        )
        return Step(
            think(
                rng,
                [
                    "Rebuild the package's extensions in place against this numpy.",
                    "Recompile the extensions.",
                    "Rebuild in place.",
                ],
            ),
            "python setup.py build_ext --inplace 2>&1 | tail -5",
            out,
            0,
            90.0,
        )

    def inspect(i: int) -> Step:
        if ctx.django:
            return Step(
                think(rng, ["Where are the sqlite libraries?", "Is there more than one libsqlite3 around?"], ["", ""]),
                "find / -name 'libsqlite3.so*' -not -path '/proc/*' 2>/dev/null",
                "/usr/local/lib/libsqlite3.so.0\n/usr/local/lib/libsqlite3.so.0.8.6\n/opt/miniconda3/envs/testbed/lib/libsqlite3.so.0\n/opt/miniconda3/envs/testbed/lib/libsqlite3.so.0.8.6",
                0,
                3.0,
            )
        return Step(
            think(
                rng,
                [
                    "Which numpy headers was the extension built with?",
                    "Check the extension file itself.",
                    "When was the extension built, and against which numpy include dir?",
                ],
                ["", ""],
            ),
            f"ls -la {so} && python -c 'import numpy; print(numpy.get_include())'",
            f"-rwxr-xr-x 1 root root {rng.randint(200_000, 4_000_000)} Nov 18 16:{rng.randint(10, 59)} {so}\n{ctx.site}/numpy/core/include",
        )

    body = f"{importer}\n\nprint('imported', {importer.split()[1].split('.')[0]}.__name__)"
    preamble = write_repro(ctx, rng, body)
    opener = replace(
        rerun(0),
        thought=vary(
            rng,
            [
                "Let me check the behaviour now.",
                "Verify that the change works.",
                "Check that this runs.",
                "Quick check of the behaviour with the change.",
            ],
        ),
    )
    moves: list[tuple[Move, int]] = [(rerun, 4), (versions, 3), (install, 4), (rebuild, 2), (inspect, 1)]
    return loop_steps(rng, n, opener, moves, "the binary incompatibility", preamble, rerun)

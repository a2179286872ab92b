# ruff: noqa: E501
"""Loop families before the link: a missing header chased from one include path to the next, numpy's ABI never matching the build."""

from __future__ import annotations

import posixpath
import random

from heldout20.calls import Step
from heldout69.checks import suite_step, use_step
from heldout69.looks import churn
from heldout69.natives import CONDA
from heldout69.text import Attempt, Ctx, build_step, fatal_header, include_at, include_line, py_edit

_PKGS = f"{CONDA.rsplit('/envs/', 1)[0]}/pkgs"


def _dev_package(header: str, lib: str) -> str:
    """The Debian package a person guesses ships `header`."""
    if header.startswith("numpy"):
        return "python3-numpy"
    if lib != "m":
        return f"lib{lib.removesuffix('-skl')}-dev"
    return f"lib{header.split('/')[0].removesuffix('.h').split('_')[0].lower()}-dev"


def missing_header_include_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`fatal error: X.h: No such file or directory`; every include path added finds one header and misses the next."""
    nat = ctx.native()
    headers = list(nat.headers)
    setup = "setup.py" if nat.root == "/testbed" else f"{nat.root}/setup.py"
    found_dirs = [
        f"{CONDA}/include",
        f"{_PKGS}/{nat.lib.removesuffix('-skl')}-{rng.randint(1, 15)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}-h{rng.randrange(16**7):07x}_{rng.randint(0, 3)}/include",
        "/usr/local/include",
        "/usr/include",
        f"/usr/include/{nat.lib}",
    ]
    tried: list[str] = []

    def fails(thought: str, command: str = "", incs: list[str] | None = None, cflags: str = "") -> Step:
        header = rng.choice(headers)
        src = nat.source
        if tried and rng.random() < 0.35:
            src = f"{tried[-1]}/{rng.choice(headers)}"
        return build_step(
            ctx,
            rng,
            nat,
            thought,
            fatal_header(ctx, rng, nat, header, src),
            command=command,
            incs=incs or list(tried[-2:]),
            cflags=cflags,
        )

    def find(k: int) -> list[Step]:
        header = rng.choice(headers)
        hits = rng.sample(found_dirs, rng.randint(0, 2))
        return [
            Step(
                f"Where is {posixpath.basename(header)} on this machine, if anywhere?",
                rng.choice(
                    [
                        f"find / -name '{posixpath.basename(header)}' -not -path '/proc/*' 2>/dev/null | head",
                        f"locate {posixpath.basename(header)} 2>/dev/null | head || find /usr /opt -name '{posixpath.basename(header)}' 2>/dev/null",
                    ]
                ),
                "\n".join(f"{d}/{header}" for d in hits),
                seconds=rng.uniform(2, 25),
            )
        ]

    def apt(k: int) -> list[Step]:
        pkg = _dev_package(rng.choice(headers), nat.lib)
        out = rng.choice(
            [
                f"Reading package lists...\nBuilding dependency tree...\nReading state information...\nE: Unable to locate package {pkg}",
                f"Reading package lists...\nBuilding dependency tree...\nReading state information...\n{pkg} is already the newest version ({rng.randint(1, 15)}.{rng.randint(0, 20)}-{rng.randint(1, 3)}).\n0 upgraded, 0 newly installed, 0 to remove and {rng.randint(0, 40)} not upgraded.",
                "Err:1 http://deb.debian.org/debian bookworm InRelease\n  Temporary failure resolving 'deb.debian.org'\nE: Unable to locate package "
                + pkg,
            ]
        )
        return [
            Step(
                f"Install the development headers ({pkg}).",
                f"apt-get install -y {pkg} 2>&1 | tail -4",
                out,
                seconds=rng.uniform(2, 30),
            )
        ]

    def cpath(k: int) -> list[Step]:
        where = rng.choice(found_dirs)
        tried.append(where)
        var = rng.choice(["CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH" if nat.cxx else "CPATH"])
        return [
            fails(
                f"Put {where} on the compiler's include path through {var}.",
                f"{nat.cd}{var}={where} {nat.build.removeprefix(nat.cd)} 2>&1 | tail -{rng.choice([6, 8, 12])}",
                [where],
            )
        ]

    def include_dirs(k: int) -> list[Step]:
        where = rng.choice(found_dirs)
        tried.append(where)
        return [
            Step(
                f"Add {where} to the extension's include_dirs.",
                py_edit(setup, "include_dirs=[", f"include_dirs=[{where!r}, "),
                "patched",
            ),
            fails("Rebuild.", incs=[where]),
        ]

    def flag_i(k: int) -> list[Step]:
        where = rng.choice(found_dirs)
        tried.append(where)
        return [
            fails(
                "Pass the include dir to build_ext directly.",
                f"{nat.cd}python setup.py build_ext --inplace -I{where} 2>&1 | tail -{rng.choice([6, 10])}",
                [where],
            )
        ]

    def pkg_config(k: int) -> list[Step]:
        name = nat.lib if nat.lib != "m" else nat.module.split(".")[0]
        out = rng.choice(
            [
                f"Package {name} was not found in the pkg-config search path.\nPerhaps you should add the directory containing `{name}.pc'\nto the PKG_CONFIG_PATH environment variable\nNo package '{name}' found",
                f"-I{rng.choice(found_dirs)}",
                "/bin/sh: 1: pkg-config: not found",
            ]
        )
        return [
            Step(
                f"Ask pkg-config where {name}'s headers are.",
                f"pkg-config --cflags {name}; PKG_CONFIG_PATH={CONDA}/lib/pkgconfig pkg-config --cflags {name}",
                out,
                rc=0 if out.startswith("-I") else 1,
            )
        ]

    def numpy_inc(k: int) -> list[Step]:
        inc = f"{CONDA}/lib/python{ctx.python}/site-packages/numpy/core/include"
        tried.append(inc)
        return [
            Step(
                "Make sure numpy's headers are where the build looks.",
                'python -c "import numpy; print(numpy.get_include())"',
                inc,
            ),
            fails(
                "Rebuild with numpy's include dir exported.",
                f"{nat.cd}CFLAGS=-I{inc} {nat.build.removeprefix(nat.cd)} 2>&1 | tail -{rng.choice([5, 8])}",
                [inc],
                f"-I{inc}",
            ),
        ]

    def copy_header(k: int) -> list[Step]:
        header = rng.choice(headers)
        where = rng.choice(found_dirs[:2])
        here = posixpath.dirname(nat.source) or "."
        copied = rng.choice(
            [
                f"cp: cannot stat '{where}/{header}': No such file or directory",
                f"{posixpath.basename(header)}\n{rng.choice(['config.h', 'util.h', 'compat.h'])}",
            ]
        )
        return [
            Step(
                f"Copy {header} into the source directory.",
                f"{nat.cd}cp {where}/{header} {here}/ && ls {here} | grep '\\.h$'",
                copied,
                rc=1 if copied.startswith("cp:") else 0,
            ),
            fails("Build again."),
        ]

    def conda(k: int) -> list[Step]:
        return [
            Step(
                f"Install lib{nat.lib} with headers from conda-forge into the environment.",
                f"conda install -y -q -c conda-forge {nat.lib if nat.lib != 'm' else nat.module.split('.')[0]} 2>&1 | tail -5",
                "Collecting package metadata (current_repodata.json): ...working... done\nSolving environment: ...working... failed with initial frozen solve. Retrying with flexible solve.\nSolving environment: ...working... ",
                timed_out=True,
                seconds=rng.uniform(60, 120),
            )
        ]

    first = [
        fails(f"Build {nat.label}."),
        Step(
            f"Let me see how {nat.source} includes its headers.",
            f"{nat.cd}grep -n '#include' {nat.source} | head -{rng.randint(8, 15)}",
            "\n".join(f"{include_at(nat, h)}:{include_line(h)}" for h in ["Python.h", *headers]),
        ),
    ]
    attempts: list[Attempt] = [find, apt, cpath, include_dirs, flag_i, pkg_config, copy_header, conda]
    if nat.numpy:
        attempts.append(numpy_inc)
    return churn(ctx, rng, n, nat, first, attempts, f"the missing headers for {nat.label}")


_API = {
    "1.19.5": "0xd",
    "1.20.3": "0xe",
    "1.21.6": "0xe",
    "1.22.4": "0xf",
    "1.23.5": "0x10",
    "1.24.4": "0x10",
    "1.25.2": "0x11",
    "1.26.4": "0x11",
    "2.0.2": "0x12",
}


def numpy_abi_rebuild_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The module was compiled against one numpy and imports under another; every pin and rebuild moves the mismatch elsewhere.

    (A numpy under ~/.local shadows the environment's, so what pip pins is never what is imported.)
    """
    nat = ctx.native("numpy")
    versions = list(_API)
    shadow = rng.choice(versions)
    pandas = f"{CONDA}/lib/python{ctx.python}/site-packages/pandas/_libs/interval.pyx"

    def mismatch() -> str:
        built = rng.choice([v for v in versions if _API[v] != _API[shadow]])
        if shadow.startswith("2.") and rng.random() < 0.5:
            return f"\nA module that was compiled using NumPy 1.x cannot be run in\nNumPy {shadow} as it may crash. To support both 1.x and 2.x\nversions of NumPy, modules must be compiled with NumPy 2.0.\nSome module may need to rebuild instead e.g. with 'pybind11>=2.12'.\n\nImportError: numpy.core.multiarray failed to import (auto-generated because you didn't call 'numpy.import_array()' after cimporting numpy; use '<void>numpy._import_array' to disable if you are certain you don't need it)."
        kind = rng.randint(0, 3 if ctx.run.owner == "pydata" else 2)
        if kind == 0:
            return f"RuntimeError: module compiled against API version {_API[built]} but this version of numpy is {_API[shadow]}\nImportError: numpy.core.multiarray failed to import"
        if kind == 1:
            size = rng.choice([(96, 88), (88, 80), (80, 88)])
            return f"ValueError: numpy.ndarray size changed, may indicate binary incompatibility. Expected {size[0]} from C header, got {size[1]} from PyObject"
        if kind == 2:
            return f"ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected {rng.choice([96, 88])} from C header, got {rng.choice([80, 88])} from PyObject"
        return f'  File "{pandas}", line 1, in init pandas._libs.interval\nValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject'

    def fails(thought: str) -> Step:
        if rng.random() < 0.5:
            return use_step(ctx, rng, nat, thought, mismatch())
        return suite_step(ctx, rng, nat, thought, mismatch().strip().split("\n")[-1])

    def pin(k: int) -> list[Step]:
        v = rng.choice([x for x in versions if x != shadow])
        conflict = rng.random() < 0.5
        out = (
            f"Successfully installed numpy-{v}"
            if not conflict
            else f"ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.\n{rng.choice(['pandas 1.3.5', 'scipy 1.7.3', 'numba 0.56.4', 'pandas 2.0.3'])} requires numpy{rng.choice(['<1.24', '>=1.21.6', '<1.25,>=1.18', '>=1.22.4'])}, but you have numpy {v} which is incompatible.\nSuccessfully installed numpy-{v}"
        )
        return [
            Step(
                f"Pin numpy to {v} to match what the extension was built with.",
                f"pip install -q 'numpy=={v}' 2>&1 | tail -3",
                out,
                seconds=rng.uniform(4, 30),
            ),
            fails("Import again."),
        ]

    def isolated(k: int) -> list[Step]:
        v = rng.choice(versions[-3:])
        return [
            Step(
                "Reinstall the package so it is built by pip.",
                f"{nat.cd}pip install -e . 2>&1 | grep -iE 'numpy|Successfully|error' | head",
                f"  Installing build dependencies: started\n  Installing build dependencies: finished with status 'done'\nCollecting numpy>={rng.choice(['1.21', '1.25', '2.0.0rc1'])}\n  Using cached numpy-{v}-cp{ctx.python.replace('.', '')}-cp{ctx.python.replace('.', '')}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (18.2 MB)\nSuccessfully installed {nat.module.split('.')[0]}",
                seconds=rng.uniform(40, 180),
            ),
            fails("Import."),
        ]

    def no_isolation(k: int) -> list[Step]:
        return [
            Step(
                "Build against the numpy that is actually installed: no build isolation.",
                f"{nat.cd}pip install -e . --no-build-isolation --no-deps 2>&1 | tail -3",
                rng.choice(
                    [
                        f"Successfully installed {nat.module.split('.')[0]}",
                        "  error: subprocess-exited-with-error\n  × python setup.py develop did not run successfully.\n  note: This error originates from a subprocess, and is likely not a problem with pip.",
                    ]
                ),
                seconds=rng.uniform(40, 160),
            ),
            fails("And import."),
        ]

    def versions_look(k: int) -> list[Step]:
        return [
            Step(
                "Which numpy does Python see, and which does pip think is installed?",
                'python -c "import numpy; print(numpy.__version__, numpy.__file__)"; pip list 2>/dev/null | grep -i numpy',
                f"{shadow} /root/.local/lib/python{ctx.python}/site-packages/numpy/__init__.py\nnumpy                  {rng.choice([x for x in versions if x != shadow])}",
            )
        ]

    def headers_used(k: int) -> list[Step]:
        return [
            Step(
                "Check which numpy headers the generated C was compiled against.",
                f"{nat.cd}grep -o 'NPY_ABI_VERSION 0x[0-9a-f]*\\|NPY_API_VERSION 0x[0-9a-f]*' $(python -c \"import numpy; print(numpy.get_include())\")/numpy/_numpyconfig.h",
                f"NPY_ABI_VERSION 0x0{'2' if shadow.startswith('2.') else '1'}000009\nNPY_API_VERSION {_API[shadow]}",
            )
        ]

    def clean(k: int) -> list[Step]:
        return [
            build_step(
                ctx,
                rng,
                nat,
                "Throw away every compiled artifact and rebuild against the current numpy.",
                command=f"{nat.cd}git clean -xfdq build/ 2>/dev/null; rm -rf build; find . -name '*.so' -path '*{nat.module.split('.')[0]}*' -delete; python setup.py build_ext --inplace --force 2>&1 | tail -4",
            ),
            fails("Import again."),
        ]

    def cache(k: int) -> list[Step]:
        return [
            Step(
                "Perhaps a cached wheel built against the other numpy keeps being reused. Purge pip's cache and reinstall.",
                f"pip cache purge && {nat.cd}pip install --no-cache-dir --force-reinstall --no-deps . 2>&1 | tail -2",
                f"Files removed: {rng.randint(20, 400)}\nSuccessfully installed {nat.module.split('.')[0]}",
                seconds=rng.uniform(30, 150),
            ),
            fails("Import."),
        ]

    def build_requires(k: int) -> list[Step]:
        v = rng.choice(versions[:6])
        return [
            Step(
                f"Pin the build requirement in pyproject.toml to numpy=={v} so the isolated build uses the same headers.",
                py_edit(
                    f"{nat.root}/pyproject.toml" if nat.root != "/testbed" else "pyproject.toml",
                    '"oldest-supported-numpy"',
                    f'"numpy=={v}"',
                ),
                rng.choice(
                    [
                        "patched",
                        "Traceback (most recent call last):\n  File \"<stdin>\", line 2, in <module>\nFileNotFoundError: [Errno 2] No such file or directory: 'pyproject.toml'",
                    ]
                ),
            ),
            Step(
                "Reinstall with the pinned build requirement.",
                f"{nat.cd}pip install -e . 2>&1 | tail -2",
                f"Successfully installed {nat.module.split('.')[0]}",
                seconds=rng.uniform(40, 180),
            ),
            fails("Import."),
        ]

    first = [
        fails(f"Check that {nat.module} imports after the rebuild."),
        Step("Which numpy is installed?", 'python -c "import numpy; print(numpy.__version__)"', shadow),
    ]
    attempts: list[Attempt] = [pin, isolated, no_isolation, versions_look, headers_used, clean, cache, build_requires]
    return churn(ctx, rng, n, nat, first, attempts, f"numpy binary incompatibility in {nat.module}")

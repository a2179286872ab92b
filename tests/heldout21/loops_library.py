"""A loop on a shared library that is not there: package managers refused, loader paths tweaked, wheels reinstalled."""

from __future__ import annotations

import random
from dataclasses import replace

from heldout20.calls import Step
from heldout21.packages import VERSIONS, ldd_addr, pip_install
from heldout21.text import Ctx, Move, loop_steps, think, traceback, vary, write_repro

_LIBS = {
    "gl": "libGL.so.1: cannot open shared object file: No such file or directory",
    "cxx": "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by {so})",
    "ffi": "libffi.so.7: cannot open shared object file: No such file or directory",
}


def _library(ctx: Ctx, rng: random.Random) -> tuple[str, str, str, list[tuple[str, str, str]], str]:
    """Which library is missing, the extension that needs it, the import that pulls it in and through what."""
    site, lib = ctx.site, ctx.site.rsplit("/", 1)[0]
    kind = rng.choice(["gl", "cxx", "ffi"] if ctx.scientific else ["cxx", "ffi"])
    if kind == "gl":
        frames = [
            (f"{site}/matplotlib/pyplot.py", "switch_backend", "backend_mod = importlib.import_module("),
            (
                f"{site}/matplotlib/backends/backend_qtagg.py",
                "<module>",
                "from .qt_compat import QT_API, QtCore, QtGui",
            ),
            (
                f"{site}/matplotlib/backends/qt_compat.py",
                "_setup_pyqt5plus",
                "from PyQt5 import QtCore, QtGui, QtWidgets",
            ),
        ]
        return kind, f"{site}/PyQt5/QtGui.abi3.so", "import matplotlib.pyplot as plt; plt.figure()", frames, "PyQt5"
    if kind == "ffi" and ctx.scientific:
        frames = [
            (f"{site}/numpy/core/_internal.py", "<module>", "import ctypes"),
            (f"{lib}/ctypes/__init__.py", "<module>", "from _ctypes import Union, Structure, Array"),
        ]
        return kind, f"{lib}/lib-dynload/_ctypes.{ctx.abi}.so", "import numpy", frames, "numpy"
    if kind == "ffi":
        importer = "from argon2 import PasswordHasher" if ctx.django else "import cffi"
        frames = [(f"{site}/{'argon2/_utils.py' if ctx.django else 'cffi/api.py'}", "<module>", "import _cffi_backend")]
        return kind, f"{site}/_cffi_backend.{ctx.abi}.so", importer, frames, "argon2-cffi" if ctx.django else "cffi"
    so, importer, wheel = rng.choice(
        [
            (f"scipy/sparse/_sparsetools.{ctx.abi}.so", "import scipy.sparse", "scipy"),
            (f"kiwisolver/_cext.{ctx.abi}.so", "import kiwisolver", "kiwisolver"),
        ]
        if ctx.scientific
        else [
            (f"PIL/_imaging.{ctx.abi}.so", "from PIL import Image", "pillow"),
            (f"lxml/etree.{ctx.abi}.so", "from lxml import etree", "lxml"),
        ]
    )
    package = so.split("/")[0]
    return (
        kind,
        f"{site}/{so}",
        importer,
        [(f"{site}/{package}/__init__.py", "<module>", "from . import " + so.split("/")[1].split(".")[0])],
        wheel,
    )


def missing_shared_library(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    kind, so, importer, chain, wheel = _library(ctx, rng)
    name = {"gl": "libGL.so.1", "cxx": "libstdc++.so.6", "ffi": "libffi.so.7"}[kind]
    state = {"symlinked": False}

    def error() -> str:
        if kind == "ffi" and state["symlinked"]:
            return f"ImportError: /usr/lib/x86_64-linux-gnu/libffi.so.7: version `LIBFFI_BASE_7.0' not found (required by {so})"
        return "ImportError: " + _LIBS[kind].replace("{so}", so)

    def rerun(i: int) -> Step:
        command = vary(
            rng,
            [
                f"{ctx.py} {ctx.repro}",
                f"{ctx.py} {ctx.repro}",
                f"python -c '{importer}'",
                f"LD_DEBUG=libs python -c '{importer}' 2>&1 | tail -3",
            ],
        )
        first = (
            ("/testbed/" + ctx.repro, "<module>", importer.split(";")[0])
            if "-c" not in command
            else ("<string>", "<module>", "")
        )
        if command.startswith("LD_DEBUG"):
            pid = rng.randint(1000, 99999)
            out = f"     {pid}:\t\tsearch cache=/etc/ld.so.cache\n     {pid}:\t\t  trying file=/lib/x86_64-linux-gnu/{name}\n{error()}"
        else:
            out = traceback(ctx, rng, [first, *chain], error())
        return Step(
            vary(
                rng,
                [
                    "Try the import again.",
                    "Check whether the import works now.",
                    "Let me see if that changed anything.",
                    "Re-running.",
                ],
            ),
            command,
            out,
            1,
        )

    def locate(i: int) -> Step:
        short = name.split(".")[0][3:]
        found = {
            "cxx": [
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.28",
                "/opt/miniconda3/lib/libstdc++.so.6.0.28",
            ],
            "ffi": [
                "/usr/lib/x86_64-linux-gnu/libffi.so.8",
                "/usr/lib/x86_64-linux-gnu/libffi.so.8.1.0",
                "/opt/miniconda3/pkgs/libffi-3.4.4-h6a678d5_1/lib/libffi.so.8",
            ],
            "gl": rng.choice(
                [[], ["/usr/lib/x86_64-linux-gnu/libGLdispatch.so.0", "/usr/lib/x86_64-linux-gnu/libGLX.so.0"]]
            ),
        }[kind]
        style = rng.choice(["find", "ldconfig", "ls"])
        if style == "find":
            command, out = (
                f"find / -name '{name.split('.so')[0]}.so*' -not -path '/proc/*' 2>/dev/null",
                "\n".join(found),
            )
        elif style == "ldconfig":
            system = [p for p in found if p.startswith("/usr")]
            command, out = (
                f"ldconfig -p | grep -i {short}",
                "\n".join(f"\t{p.rsplit('/', 1)[1]} (libc6,x86-64) => {p}" for p in system),
            )
        else:
            system = [p.rsplit("/", 1)[1] for p in found if p.startswith("/usr")]
            stamp = f"{rng.choice(['Apr', 'Mar', 'Sep'])} {rng.randint(1, 28):2d}  2023"
            out = "\n".join(
                f"lrwxrwxrwx 1 root root {len(system[-1])} {stamp} {f} -> {system[-1]}"
                if f != system[-1]
                else f"-rw-r--r-- 1 root root {rng.randint(40_000, 2_300_000)} {stamp} {f}"
                for f in system
            )
            command = f"ls -la /usr/lib/x86_64-linux-gnu/ | grep -i {short}"
        intentions = [
            f"Where is {name} on this system?",
            f"Search for any copy of {name}.",
            "Let me look for the library file.",
            f"Is there any {short} library at all?",
        ]
        return Step(
            think(rng, intentions), command, out, 0 if out or style == "find" else 1, 3.0 if style == "find" else 1.0
        )

    def inspect(i: int) -> Step:
        if kind == "cxx" and rng.random() < 0.6:
            return Step(
                think(
                    rng,
                    [
                        "Which GLIBCXX versions does the system libstdc++ provide?",
                        "Check the symbol versions the library has.",
                    ],
                ),
                f"strings {vary(rng, ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/opt/miniconda3/lib/libstdc++.so.6.0.28'])} | grep GLIBCXX_3.4.2 | tail -4",
                "GLIBCXX_3.4.25\nGLIBCXX_3.4.26\nGLIBCXX_3.4.27\nGLIBCXX_3.4.28",
            )
        deps = ["linux-vdso.so.1", "libpthread.so.0", "libstdc++.so.6", "libm.so.6", "libc.so.6"]
        out = "\n".join(
            f"\t{d} => /lib/x86_64-linux-gnu/{d} ({ldd_addr(rng)})"
            if d != "linux-vdso.so.1"
            else f"\t{d} ({ldd_addr(rng)})"
            for d in deps
        )
        out += (
            f"\n\t{name} => not found"
            if kind != "cxx"
            else f"\n/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by {so})"
        )
        return Step(
            think(
                rng,
                [
                    "Check the extension's dependencies with ldd.",
                    "What exactly does the extension link against?",
                    "Let me see what ldd says about the extension.",
                ],
            ),
            f"ldd {so}",
            out,
        )

    def system_install(i: int) -> Step:
        package_name = {"gl": "libgl1-mesa-glx", "cxx": "libstdc++6", "ffi": "libffi7"}[kind]
        lists = "Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
        command, out, rc = rng.choice(
            [
                (f"apt-get install -y {package_name}", lists + f"E: Unable to locate package {package_name}", 100),
                (
                    "apt-get update",
                    "Err:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\nErr:2 http://security.ubuntu.com/ubuntu jammy-security InRelease\n  Temporary failure resolving 'security.ubuntu.com'\nReading package lists...\nW: Some index files failed to download. They have been ignored, or old ones used instead.",
                    0,
                ),
                (f"sudo apt-get install -y {package_name}", "bash: sudo: command not found", 127),
                (
                    f"conda install -y -c conda-forge {'libstdcxx-ng' if kind == 'cxx' else 'libffi=3.3' if kind == 'ffi' else 'mesalib'}",
                    "Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/current_repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.",
                    1,
                ),
                (
                    f"apt-get install -y --no-install-recommends {package_name}",
                    lists
                    + (
                        f"{package_name} is already the newest version (12.3.0-1ubuntu1~22.04).\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded."
                        if kind == "cxx"
                        else f"Package {package_name} is not available, but is referred to by another package.\nThis may mean that the package is missing, has been obsoleted, or\nis only available from another source\n\nE: Package '{package_name}' has no installation candidate"
                    ),
                    0 if kind == "cxx" else 100,
                ),
            ]
        )
        intentions = [
            f"Install the system package that provides {name}.",
            "Try to get the library from the package manager.",
            "Maybe the package manager can supply it.",
            "Let me try conda or apt for it.",
        ]
        return Step(think(rng, intentions), command, out, rc, 4.0)

    def ld_path(i: int) -> Step:
        where = vary(
            rng,
            ["/opt/miniconda3/lib", "/opt/miniconda3/envs/testbed/lib", "/usr/local/lib", "/usr/lib/x86_64-linux-gnu"],
        )
        if kind == "ffi" and not state["symlinked"] and rng.random() < 0.5:
            state["symlinked"] = True
            return Step(
                "libffi.so.8 exists; link it as libffi.so.7 so the loader finds it.",
                "ln -sf /usr/lib/x86_64-linux-gnu/libffi.so.8 /usr/lib/x86_64-linux-gnu/libffi.so.7 && ldconfig && ls -la /usr/lib/x86_64-linux-gnu/libffi.so.7",
                f"lrwxrwxrwx 1 root root 39 Nov 18 17:{rng.randint(10, 59)} /usr/lib/x86_64-linux-gnu/libffi.so.7 -> /usr/lib/x86_64-linux-gnu/libffi.so.8",
            )
        out = traceback(ctx, rng, [("<string>", "<module>", ""), *chain], error())
        intentions = [
            f"Put {where} first on LD_LIBRARY_PATH.",
            f"Maybe {where} has a newer copy; prepend it to LD_LIBRARY_PATH.",
            f"Point the loader at {where}.",
        ]
        return Step(
            think(rng, intentions), f"export LD_LIBRARY_PATH={where}:$LD_LIBRARY_PATH && python -c '{importer}'", out, 1
        )

    def reinstall(i: int) -> Step:
        target = vary(
            rng,
            [
                wheel,
                wheel,
                "numpy",
                "pillow" if wheel != "pillow" else "matplotlib",
                "cffi" if wheel != "cffi" else "pillow",
            ],
        )
        versions = VERSIONS[target]
        old, new = rng.choice(versions[:-1]), versions[-1] if rng.random() < 0.6 else rng.choice(versions)
        command = f"pip install --force-reinstall --no-cache-dir {target}=={new}"
        intentions = [
            f"Reinstall {target}; maybe the wheel is broken.",
            f"Force a clean reinstall of {target}.",
            "A fresh wheel might link correctly.",
            f"Try a different {target} build.",
        ]
        return Step(think(rng, intentions), command, pip_install(ctx, target, new, old), 0, 11.0)

    moves: list[tuple[Move, int]] = [
        (rerun, 4),
        (locate, 2),
        (inspect, 2),
        (system_install, 3),
        (ld_path, 3),
        (reinstall, 3),
    ]
    body = f"{importer.split(';')[0]}\n\nfrom {ctx.dotted} import *\n\nprint('{ctx.cls} ok')"
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
    return loop_steps(rng, n, opener, moves, f"the missing {name}", preamble, rerun)

# ruff: noqa: E501
"""Productive look-alikes at the link: a library or source not linked, a static library without -fPIC, a CMake dependency configured; each fixed and green."""

from __future__ import annotations

import posixpath
import random

from heldout20.calls import Step
from heldout69.checks import suite_step, use_step
from heldout69.looks import soname
from heldout69.natives import CONDA, Native
from heldout69.text import Ctx, build_step, py_edit, undefined


def _green(ctx: Ctx, rng: random.Random, nat: Native, thought: str) -> Step:
    return suite_step(ctx, rng, nat, thought)


def missing_lib_linked(ctx: Ctx, rng: random.Random) -> list[Step]:
    """`undefined symbol` once or twice; nm and the Extension show what is not linked; it is added, rebuilt, imported, tested."""
    nat = ctx.native()
    setup = "setup.py" if nat.root == "/testbed" else f"{nat.root}/setup.py"
    sym = rng.choice(nat.symbols)
    # The symbol is the project's own (a helper file left out of the sources) or its library's (never linked).
    cause = "source" if nat.lib in ("m", "svm-skl") or nat.lib.endswith("core") else "library"
    steps = [
        build_step(ctx, rng, nat, f"Rebuild {nat.label} with my change.", libs=("",) if cause == "library" else ()),
        use_step(ctx, rng, nat, "Check it imports.", undefined(ctx, nat, sym)),
    ]
    if rng.random() < 0.4:
        steps.append(suite_step(ctx, rng, nat, "Same through the tests?", undefined(ctx, nat, sym)))
    line = rng.randint(20, 300)
    if cause == "library":
        steps += [
            Step(
                f"Is {sym} just unresolved in the module, and does the module record lib{nat.lib} as needed at all?",
                f"nm -D --undefined-only {ctx.so_path(nat)} | grep -c '{sym[:30]}'; readelf -d {ctx.so_path(nat)} | grep NEEDED",
                "1\n 0x0000000000000001 (NEEDED)             Shared library: [libpthread.so.0]\n 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]",
            ),
            Step(
                "lib"
                + nat.lib
                + " is not among the NEEDED entries, so it was never linked. Let me look at the Extension.",
                f"grep -n -A8 'Extension(' {setup} | head -20",
                f"{line}:    Extension(\n{line + 1}-        '{nat.module}',\n{line + 2}-        sources=[{nat.ext!r}],\n{line + 3}-        include_dirs=include_dirs,\n{line + 4}-    ),",
            ),
            Step(
                f"No libraries= at all. Link lib{nat.lib}.",
                py_edit(
                    setup,
                    "        include_dirs=include_dirs,\n    ),",
                    f"        include_dirs=include_dirs,\n        libraries=[{nat.lib!r}],\n    ),",
                ),
                "patched",
            ),
        ]
    else:
        helper = f"{posixpath.dirname(nat.source) or '.'}/{rng.choice(['helpers', 'util', 'common', 'impl'])}.c"
        steps += [
            Step(
                f"Where is {sym} defined?",
                f"{nat.cd}grep -rn '^[a-z].*\\b{sym[:30]}(' --include=*.c --include=*.cc --include=*.cpp . | head -5",
                f"./{helper}:{rng.randint(20, 400)}:{rng.choice(['int', 'void', 'double'])} {sym}("
                + rng.choice(["void)", "const char *name)", "double *out, Py_ssize_t n)"]),
            ),
            Step(
                f"It lives in {helper}, which the Extension doesn't compile. Check the sources list.",
                f"grep -n 'sources=' {setup}",
                f"{line}:        sources=[{nat.ext!r}],",
            ),
            Step(
                f"Add {helper} to the sources.",
                py_edit(setup, f"sources=[{nat.ext!r}]", f"sources=[{nat.ext!r}, {helper.removeprefix('./')!r}]"),
                "patched",
            ),
        ]
    steps += [
        build_step(ctx, rng, nat, "Rebuild.", command=f"{nat.build} --force 2>&1 | tail -{rng.choice([3, 4, 5])}"),
        use_step(ctx, rng, nat, "Import again."),
        _green(ctx, rng, nat, "And the tests."),
    ]
    return steps


def fpic_added_clean_rebuild(ctx: Ctx, rng: random.Random) -> list[Step]:
    """`recompile with -fPIC` once; the Makefile's CFLAGS lack it; added, the library cleaned and rebuilt; the module links, imports, passes."""
    nat = ctx.native("static")
    lib = nat.static
    mdir = posixpath.dirname(lib).removesuffix("/objs/.libs").removesuffix("/lib")
    libname = posixpath.basename(lib)[3:-2]
    member = rng.choice(nat.objects)
    reloc = f"{CONDA}/compiler_compat/ld: {lib}({member}): relocation R_X86_64_32 against `.rodata' can not be used when making a shared object; recompile with -fPIC\n{CONDA}/compiler_compat/ld: final link failed: nonrepresentable section on output\ncollect2: error: ld returned 1 exit status"
    line = rng.randint(5, 60)
    cmake = (
        "CMakeFiles" in lib
        or lib.endswith((".c.o", ".cc.o"))
        or any(o.endswith((".c.o", ".cc.o", ".cpp.o")) for o in nat.objects)
    )
    steps = [
        build_step(
            ctx,
            rng,
            nat,
            f"Build {nat.label} against the static {posixpath.basename(lib)}.",
            reloc,
            linking=True,
            libs=[libname],
            dirs=[mdir],
        )
    ]
    if cmake:
        steps += [
            Step(
                "The archive was built without position-independent code. How was it configured?",
                f"grep -E 'CMAKE_POSITION_INDEPENDENT_CODE|CMAKE_C_FLAGS:' {mdir.split('/build')[0]}/build/CMakeCache.txt",
                "CMAKE_C_FLAGS:STRING=\n",
            ),
            Step(
                "Not set. Reconfigure with PIC on and rebuild the library from clean.",
                f"cd {mdir.split('/build')[0]}/build && cmake .. -DCMAKE_POSITION_INDEPENDENT_CODE=ON >/dev/null && make clean && make -j2 2>&1 | tail -2",
                f"[ 98%] Linking C static library {posixpath.basename(lib)}\n[100%] Built target {libname}",
                seconds=rng.uniform(30, 200),
            ),
        ]
    else:
        root = "" if nat.root == "/testbed" else nat.cd
        steps += [
            Step(
                "The archive's objects were compiled without -fPIC. What does its Makefile use?",
                f"{root}grep -n '^CFLAGS' {mdir}/Makefile",
                f"{line}:CFLAGS = -O2 -g -Wall",
            ),
            Step(
                "Add -fPIC there, then rebuild every object: make alone would consider the archive current.",
                f"{root}sed -i '{line}s/^CFLAGS = /CFLAGS = -fPIC /' {mdir}/Makefile && make -C {mdir} clean >/dev/null && make -C {mdir} 2>&1 | tail -3",
                "\n".join(
                    f"cc -fPIC -O2 -g -Wall -c -o {o} {o[:-2] if o[:-2].endswith(('.c', '.cc')) else o[:-2] + '.c'}"
                    for o in nat.objects[-2:]
                )
                + f"\nar rcs {posixpath.basename(lib)} {' '.join(nat.objects)}",
                seconds=rng.uniform(10, 90),
            ),
        ]
    steps += [
        Step(
            "Confirm the member that failed no longer has absolute relocations.",
            f"cd /tmp && rm -rf pic && mkdir pic && cd pic && ar x {lib if lib.startswith('/') else nat.root + '/' + lib} {member} && readelf -r {member} | grep -c 'R_X86_64_32 '",
            "0",
            rc=1,
        ),
        build_step(
            ctx,
            rng,
            nat,
            "Relink the extension.",
            command=f"{nat.build} --force 2>&1 | tail -2",
            libs=[libname],
            dirs=[mdir],
        ),
        use_step(ctx, rng, nat, "Import it."),
        _green(ctx, rng, nat, "Run the tests."),
    ]
    return steps


def cmake_fresh_build_dir(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A dependency's CMake configure misses a package once; its prefix given in a fresh build dir; it builds, installs, the module builds against it."""
    nat = ctx.native("cmake")
    root = nat.cmake
    name = root.rstrip("/").rsplit("/", 1)[-1]
    files = {
        "OpenSSL": ("openssl/ssl.h", "libssl.so"),
        "ZLIB": ("zlib.h", "libz.so"),
        "CURL": ("curl/curl.h", "libcurl.so"),
        "BZip2": ("bzlib.h", "libbz2.so"),
        "PNG": ("png.h", "libpng16.so"),
        "HDF5": ("hdf5.h", "libhdf5.so"),
        "GMP": ("gmp.h", "libgmp.so"),
        "Iconv": ("iconv.h", "libiconv.so"),
        "Python3": (f"python{ctx.python}/Python.h", f"libpython{ctx.python}.so"),
    }
    pkg = next((p for p in nat.needs if p in files), "ZLIB")
    header, libfile = files[pkg]
    vars_ = {
        "Python3": "Python3_INCLUDE_DIRS Python3_LIBRARIES Development",
        "ZLIB": "ZLIB_LIBRARY ZLIB_INCLUDE_DIR",
        "OpenSSL": "OPENSSL_CRYPTO_LIBRARY OPENSSL_INCLUDE_DIR",
        "HDF5": "HDF5_LIBRARIES HDF5_INCLUDE_DIRS",
        "GMP": "GMP_INCLUDE_DIRS GMP_LIBRARIES",
    }.get(pkg, f"{pkg.upper()}_LIBRARY {pkg.upper()}_INCLUDE_DIR")
    steps = [
        Step(
            f"Configure {name}, which {nat.label} links against.",
            f"mkdir -p {root}/build && cd {root}/build && cmake .. -DCMAKE_INSTALL_PREFIX=/usr/local 2>&1 | tail -8",
            f"CMake Error at /usr/share/cmake-3.18/Modules/FindPackageHandleStandardArgs.cmake:165 (message):\n  Could NOT find {pkg} (missing: {vars_})\nCall Stack (most recent call first):\n  CMakeLists.txt:{rng.randint(30, 200)} (find_package)\n\n\n-- Configuring incomplete, errors occurred!",
            seconds=rng.uniform(2, 12),
        ),
        Step(
            f"Is {pkg} installed anywhere CMake doesn't search by default?",
            f"ls -d {CONDA}/include/{header} {CONDA}/lib/{libfile}* /usr/include/{header} 2>/dev/null | head",
            f"{CONDA}/include/{header}\n{CONDA}/lib/{libfile}\n{CONDA}/lib/{libfile}.{rng.randint(1, 12)}",
        ),
        Step(
            "It's in the conda environment's prefix. Configure in a fresh build directory (no cached NOTFOUND) with that prefix on CMAKE_PREFIX_PATH.",
            f"rm -rf {root}/build && mkdir {root}/build && cd {root}/build && cmake .. -DCMAKE_INSTALL_PREFIX=/usr/local -DCMAKE_PREFIX_PATH={CONDA} -DCMAKE_POSITION_INDEPENDENT_CODE=ON 2>&1 | tail -4",
            f'-- Found {pkg}: {CONDA}/lib/{libfile} (found version "{rng.randint(1, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}")\n-- Configuring done\n-- Generating done\n-- Build files have been written to: {root}/build',
            seconds=rng.uniform(3, 20),
        ),
        Step(
            "Build and install it.",
            f"cd {root}/build && make -j2 2>&1 | tail -2 && make install 2>&1 | tail -2",
            f"[ 99%] Linking C shared library lib{name.split('-')[0].removeprefix('lib')}.so\n[100%] Built target {name.split('-')[0].removeprefix('lib')}\n-- Installing: /usr/local/lib/lib{name.split('-')[0].removeprefix('lib')}.so\n-- Installing: /usr/local/include/{name.split('-')[0].removeprefix('lib')}.h",
            seconds=rng.uniform(40, 300),
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Refresh the linker cache so the new library is found at run time.",
                f"ldconfig && ldconfig -p | grep -c '{soname(nat)[:-2]}'",
                str(rng.randint(1, 2)),
            )
        )
    steps += [
        build_step(ctx, rng, nat, f"Now build {nat.label} against it.", dirs=["/usr/local/lib"]),
        use_step(ctx, rng, nat, "Import it."),
        _green(ctx, rng, nat, "Run the tests."),
    ]
    return steps

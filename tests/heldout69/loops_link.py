# ruff: noqa: E501
"""Loop family at the link: an undefined symbol that moves to another name with every relink."""

from __future__ import annotations

import posixpath
import random

from heldout20.calls import Step
from heldout69.checks import suite_step, use_step
from heldout69.looks import churn, soname
from heldout69.natives import CONDA
from heldout69.text import Attempt, Ctx, build_step, ld_line, py_edit, sources, undefined

_SHLIBS = (
    "libstdc++.so.6: version `GLIBCXX_3.4.30' not found",
    "libstdc++.so.6: version `GLIBCXX_3.4.29' not found",
    "libgcc_s.so.1: version `GCC_12.0.0' not found",
)


def undefined_symbol_relink_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The module builds but will not import: `undefined symbol`, a different one after each change to libraries, dirs and flags."""
    nat = ctx.native()
    syms = list(nat.symbols)
    setup = "setup.py" if nat.root == "/testbed" else f"{nat.root}/setup.py"
    lib = nat.lib
    other_dirs = [f"{CONDA}/lib", "/usr/lib/x86_64-linux-gnu", "/usr/local/lib", nat.libdir]

    def sym() -> str:
        return rng.choice(syms)

    def fails(thought: str) -> Step:
        error = undefined(ctx, nat, sym())
        if rng.random() < 0.15 and nat.cxx:
            error = f"ImportError: /lib/x86_64-linux-gnu/{rng.choice(_SHLIBS)} (required by {ctx.so_path(nat)})"
        if rng.random() < 0.5:
            return use_step(ctx, rng, nat, thought, error)
        return suite_step(ctx, rng, nat, thought, error)

    def libraries(k: int) -> list[Step]:
        extra = rng.choice([[lib, "m"], [lib], [lib, "dl", "pthread"], [lib, "stdc++"] if nat.cxx else [lib, "rt"]])
        return [
            Step(
                f"The symbols should come from lib{lib}; it isn't in the libraries list. Add it explicitly.",
                py_edit(setup, "libraries=[", f"libraries={extra!r} + ["),
                "patched",
            ),
            build_step(ctx, rng, nat, "Rebuild.", libs=extra),
            fails("Try importing it again."),
        ]

    def no_as_needed(k: int) -> list[Step]:
        flags = rng.choice(
            ["-Wl,--no-as-needed", f"-Wl,--no-as-needed -l{lib}", f"-Wl,--copy-dt-needed-entries -l{lib}"]
        )
        return [
            build_step(
                ctx,
                rng,
                nat,
                f"Maybe the linker drops lib{lib} because it comes before the objects that need it (--as-needed). Force it with LDFLAGS.",
                command=f'{nat.cd}LDFLAGS="{flags}" python setup.py build_ext --inplace --force 2>&1 | tail -{rng.choice([5, 8, 12])}',
                flags=flags,
            ),
            fails("Import again."),
        ]

    def library_dirs(k: int) -> list[Step]:
        where = rng.choice(other_dirs)
        return [
            Step(
                f"There may be two copies of lib{lib}; the one linked at build time may not be the one loaded. Let me find them.",
                f"find / -name 'lib{lib}.so*' -not -path '*/proc/*' 2>/dev/null",
                "\n".join(
                    f"{d}/lib{lib}.so{v}"
                    for d, v in rng.sample(
                        [
                            (other_dirs[0], ""),
                            (other_dirs[0], soname(nat)[-2:]),
                            (other_dirs[1], soname(nat)[-2:]),
                            (other_dirs[2], soname(nat)[-2:]),
                            (other_dirs[1], soname(nat)[-2:] + ".13"),
                        ],
                        rng.randint(2, 4),
                    )
                ),
            ),
            Step(
                f"Point the build at {where} first and add an rpath so the same copy is loaded at run time.",
                py_edit(
                    setup, "libraries=[", f"library_dirs=[{where!r}], runtime_library_dirs=[{where!r}], libraries=["
                ),
                "patched",
            ),
            build_step(ctx, rng, nat, "Rebuild with the new library dirs.", dirs=[where], flags=f"-Wl,-rpath,{where}"),
            fails("And import."),
        ]

    def preload(k: int) -> list[Step]:
        where = rng.choice(other_dirs)
        error = rng.choice(
            [
                undefined(ctx, nat, sym()),
                f"ImportError: {soname(nat)}: cannot open shared object file: No such file or directory",
            ]
        )
        return [
            Step(
                f"Check whether loading lib{lib} from {where} explicitly makes a difference.",
                f'{nat.cd}LD_LIBRARY_PATH={where} python -c "{nat.check}"'
                if rng.random() < 0.5
                else f'{nat.cd}LD_PRELOAD={where}/lib{lib}.so python -c "{nat.check}"',
                'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n' + error,
                rc=1,
            ),
        ]

    def which_lib(k: int) -> list[Step]:
        s = sym()
        return [
            Step(
                f"Does lib{lib} actually export {s}?",
                f"nm -D {rng.choice(other_dirs)}/lib{lib}.so* 2>/dev/null | grep -w '{s[:40]}' || echo 'not found'",
                rng.choice(["not found", f"{rng.randrange(16**6):016x} T {s}", f"{'':16} U {s}"]),
            ),
            Step(
                "And what the built module records as needed.",
                f"readelf -d {ctx.so_path(nat)} | grep -E 'NEEDED|RPATH|RUNPATH'",
                "\n".join(
                    [
                        f" 0x0000000000000001 (NEEDED)             Shared library: [{x}]"
                        for x in [
                            soname(nat),
                            *rng.sample(["libpthread.so.0", "libc.so.6", "libm.so.6"], rng.randint(0, 2)),
                        ]
                    ]
                    + [f" 0x000000000000001d (RUNPATH)            Library runpath: [{CONDA}/lib]"]
                ),
            ),
        ]

    def no_undefined(k: int) -> list[Step]:
        missing = rng.sample(syms, min(len(syms), rng.randint(1, 3)))
        o = f"{ctx.temp}/{posixpath.splitext(sources(nat)[-1])[0]}.o"
        tail = (
            "\n".join(
                f"{CONDA}/compiler_compat/ld: {o}: in function `{rng.choice(['init_module', 'module_exec', '__pyx_f_run'])}':\n{sources(nat)[-1]}:({hex(rng.randrange(4096))}): undefined reference to `{m}'"
                for m in missing
            )
            + "\ncollect2: error: ld returned 1 exit status"
        )
        return [
            build_step(
                ctx,
                rng,
                nat,
                "Make the linker report unresolved symbols at link time instead of at import.",
                tail,
                command=f'{nat.cd}LDFLAGS="-Wl,--no-undefined" python setup.py build_ext --inplace --force 2>&1 | grep -E "undefined reference|error" | head -{rng.choice([10, 20])}',
                linking=True,
                flags="-Wl,--no-undefined",
            ),
        ]

    def extern_c(k: int) -> list[Step]:
        header = nat.headers[0]
        return [
            Step(
                f'If {header} is included from C++ without extern "C", the names get mangled and won\'t match the library. Wrap the include.',
                py_edit(
                    f"{nat.root}/{nat.source}" if nat.root != "/testbed" else nat.source,
                    f"#include <{header}>",
                    f'extern "C" {{\n#include <{header}>\n}}',
                ),
                rng.choice(
                    [
                        "patched",
                        'Traceback (most recent call last):\n  File "<stdin>", line 4, in <module>\nAssertionError',
                    ]
                ),
            ),
            build_step(ctx, rng, nat, "Rebuild."),
            fails("Import."),
        ]

    def clean(k: int) -> list[Step]:
        return [
            build_step(
                ctx,
                rng,
                nat,
                "Maybe an old object is still being linked. Remove the build tree and the built module and rebuild from scratch.",
                command=f"{nat.cd}rm -rf build {nat.so_stem}.{ctx.tag}.so && python setup.py build_ext --inplace --force 2>&1 | tail -{rng.choice([6, 10])}",
            ),
            fails("Import once more."),
        ]

    def rewrite_link(k: int) -> list[Step]:
        order = rng.choice([[lib, "m"], ["m", lib], [lib, lib]])
        line = ld_line(ctx, nat, order, [nat.libdir], rng.choice(["", "-Wl,--whole-archive", "-Wl,-Bsymbolic"]))
        return [
            Step(
                "Link by hand, with the library after the objects, to take setuptools out of the picture.",
                f"{nat.cd}{line} && echo linked",
                "linked",
                seconds=rng.uniform(1, 6),
            ),
            Step(
                "Copy the hand-linked module over the in-place one.",
                f"{nat.cd}cp {ctx.libbuild}/{ctx.so(nat)} {nat.so_stem}.{ctx.tag}.so && ls -la {nat.so_stem}.{ctx.tag}.so",
                f"-rwxr-xr-x 1 root root {rng.randint(90_000, 2_900_000)} {rng.choice(['Apr', 'May'])} {rng.randint(1, 28)} {rng.randint(10, 23)}:{rng.randint(10, 59)} {nat.so_stem}.{ctx.tag}.so",
            ),
            fails("Import it."),
        ]

    first = [
        build_step(ctx, rng, nat, f"Rebuild {nat.label} so my change is compiled in."),
        fails(f"Now check that {nat.module} imports."),
    ]
    attempts: list[Attempt] = [
        libraries,
        no_as_needed,
        library_dirs,
        preload,
        which_lib,
        no_undefined,
        clean,
        rewrite_link,
    ]
    if nat.cxx:
        attempts.append(extern_c)
    return churn(ctx, rng, n, nat, first, attempts, f"the undefined symbols in {nat.module}")

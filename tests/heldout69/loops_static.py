# ruff: noqa: E501
"""Loop family at the link: a static library that is never rebuilt position-independent, `recompile with -fPIC` on another member each time."""

from __future__ import annotations

import posixpath
import random

from heldout20.calls import Step
from heldout69.looks import churn
from heldout69.natives import CONDA
from heldout69.text import Attempt, Ctx, build_step


def _src(member: str) -> str:
    """The source an archive member was compiled from (CMake names it `x.c.o`, make `x.o`)."""
    stem = member[:-2]
    return stem if stem.endswith((".c", ".cc", ".cpp")) else f"{stem}.c"


def _reloc(rng: random.Random, lib: str, member: str) -> str:
    kind = rng.choice(["R_X86_64_32", "R_X86_64_32S", "R_X86_64_PC32"])
    against = rng.choice(
        [
            "`.rodata'",
            "`.rodata.str1.1'",
            "`.rodata.str1.8'",
            "`.bss'",
            "`.data'",
            f"symbol `{rng.choice(['table', 'default_config', 'errbuf', 'crc_table'])}'",
        ]
    )
    final = rng.choice(["bad value", "nonrepresentable section on output"])
    ld = rng.choice([f"{CONDA}/compiler_compat/ld", "/usr/bin/ld"])
    return f"{ld}: {lib}({member}): relocation {kind} against {against} can not be used when making a shared object; recompile with -fPIC\n{ld}: final link failed: {final}\ncollect2: error: ld returned 1 exit status"


def fpic_static_lib_relink_loop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Linking a static library into the module fails: `recompile with -fPIC`; flags tried everywhere but the objects are never rebuilt right."""
    nat = ctx.native("static")
    lib, members = nat.static, list(nat.objects)
    mdir = posixpath.dirname(lib).removesuffix("/objs/.libs").removesuffix("/lib")
    make = f"{nat.cd}make -C {mdir}"
    libname = posixpath.basename(lib)[3:-2]

    def relink(thought: str, command: str = "") -> Step:
        return build_step(
            ctx,
            rng,
            nat,
            thought,
            _reloc(rng, lib, rng.choice(members)),
            command=command,
            linking=True,
            libs=[libname],
            dirs=[mdir],
        )

    def env_flags(k: int) -> list[Step]:
        flags = rng.choice(["-fPIC", "-fPIC -O2", "-fpic"])
        return [
            Step(
                f"Rebuild the static library with {flags} in the environment.",
                f"export CFLAGS='{flags}' CXXFLAGS='{flags}'; {make} 2>&1 | tail -5",
                rng.choice(
                    [
                        f"make: Entering directory '{nat.root}/{mdir}'\nmake[1]: Nothing to be done for 'all'.\nmake: Leaving directory '{nat.root}/{mdir}'",
                        f"make: '{posixpath.basename(lib)}' is up to date.",
                    ]
                ),
            ),
            relink("Relink the extension."),
        ]

    def make_override(k: int) -> list[Step]:
        header = rng.choice(nat.headers)
        m = rng.choice(members)
        return [
            Step(
                "Force a full rebuild of the library, passing CFLAGS on make's command line so the Makefile can't override it.",
                f"{make} clean >/dev/null && {make} CFLAGS=-fPIC 2>&1 | tail -8",
                f"cc -fPIC -c -o {m} {_src(m)}\n{_src(m)}:{rng.randint(3, 40)}:10: fatal error: {header}: No such file or directory\ncompilation terminated.\nmake: *** [<builtin>: {m}] Error 1",
                seconds=rng.uniform(3, 30),
            ),
        ]

    def sed_makefile(k: int) -> list[Step]:
        pattern = rng.choice(["^CFLAGS = ", "^CFLAGS=", "^CFLAGS ?= ", "^CFLAGS += "])
        return [
            Step(
                "Put -fPIC into the Makefile's own CFLAGS.",
                f"{nat.cd}sed -i 's/{pattern}/&-fPIC /' {mdir}/Makefile && grep -n '^CFLAGS\\|^CPPFLAGS\\|^override' {mdir}/Makefile",
                rng.choice(
                    [
                        "CFLAGS  = -O2 -g -Wall",
                        f"{rng.randint(10, 90)}:CFLAGS = -fPIC -O2 -g\n{rng.randint(91, 200)}:override CFLAGS := -O2 -g $(WARNFLAGS)",
                        f"{rng.randint(10, 90)}:CFLAGS ?= -fPIC -O2",
                    ]
                ),
            ),
            Step("Rebuild the library.", f"{make} 2>&1 | tail -3", f"make: '{posixpath.basename(lib)}' is up to date."),
            relink("Relink."),
        ]

    def touch(k: int) -> list[Step]:
        touched = rng.sample(members, min(len(members), rng.randint(1, 3)))
        return [
            Step(
                "make thinks the library is current. Touch the sources so it recompiles them with the new flags.",
                f"{nat.cd}cd {mdir} && touch {' '.join(_src(t) for t in touched)} && make 2>&1 | tail -6",
                "\n".join(f"cc -O2 -g -Wall -c -o {t} {_src(t)}" for t in touched)
                + f"\nar rcs {posixpath.basename(lib)} {' '.join(members)}",
                seconds=rng.uniform(2, 20),
            ),
            relink("Relink the extension now."),
        ]

    def inspect(k: int) -> list[Step]:
        m = rng.choice(members)
        return [
            Step(
                f"Let me see whether {m} inside the archive has absolute relocations.",
                f"rm -rf /tmp/arx && mkdir /tmp/arx && cd /tmp/arx && ar x {lib if lib.startswith('/') else nat.root + '/' + lib} {m} && readelf -r {m} | grep -c 'R_X86_64_32'",
                str(rng.randint(3, 240)),
            ),
        ]

    def linker_flags(k: int) -> list[Step]:
        flags = rng.choice(["-Wl,-Bsymbolic", "-no-pie", "-Wl,-z,notext", "-Wl,--whole-archive"])
        return [
            relink(
                f"Try telling the linker to accept it: {flags}.",
                f'{nat.cd}LDFLAGS="{flags}" python setup.py build_ext --inplace --force 2>&1 | tail -{rng.choice([6, 10])}',
            )
        ]

    def shared_instead(k: int) -> list[Step]:
        so = posixpath.basename(lib).replace(".a", ".so")
        return [
            Step(
                "Build a shared version of the library instead and link that.",
                f"{nat.cd}cd {mdir} && gcc -shared -o {so} -Wl,--whole-archive {posixpath.basename(lib)} -Wl,--no-whole-archive 2>&1 | tail -4",
                _reloc(rng, posixpath.basename(lib), rng.choice(members)),
                rc=1,
            ),
        ]

    def pic_cmake(k: int) -> list[Step]:
        return [
            Step(
                "Regenerate the library's build with position independent code switched on.",
                f"{nat.cd}cd {mdir} && cmake -DCMAKE_POSITION_INDEPENDENT_CODE=ON . 2>&1 | tail -3 && make 2>&1 | tail -3",
                rng.choice(
                    [
                        'CMake Error: The source directory "'
                        + f"{nat.root}/{mdir}"
                        + '" does not appear to contain CMakeLists.txt.\nSpecify --help for usage, or press the help button on the CMake GUI.',
                        f"-- Configuring done\n-- Generating done\n-- Build files have been written to: {nat.root}/{mdir}\n[100%] Built target {posixpath.basename(lib)[3:-2]}",
                    ]
                ),
                seconds=rng.uniform(2, 15),
            ),
            relink("Relink the extension."),
        ]

    first = [
        relink(f"Build {nat.label} against the static {posixpath.basename(lib)}."),
        Step("What is in the archive?", f"{nat.cd}ar t {lib}", "\n".join(members)),
    ]
    attempts: list[Attempt] = [
        env_flags,
        make_override,
        sed_makefile,
        touch,
        inspect,
        linker_flags,
        shared_instead,
        pic_cmake,
    ]
    return churn(ctx, rng, n, nat, first, attempts, f"the -fPIC relocation errors linking {posixpath.basename(lib)}")

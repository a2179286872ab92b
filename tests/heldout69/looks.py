# ruff: noqa: E501
"""The looks between a looping agent's attempts (the built module's file, symbols and libraries, the toolchain), and the churn that strings them."""

from __future__ import annotations

import posixpath
import random
from collections.abc import Callable

from heldout20 import text
from heldout20.calls import Step
from heldout69.natives import Native
from heldout69.text import Attempt, Ctx, obj, sources


def stamp(rng: random.Random) -> str:
    return (
        f"{rng.choice(['Mar', 'Apr', 'May'])} {rng.randint(1, 28):>2} {rng.randint(9, 23):02d}:{rng.randint(0, 59):02d}"
    )


def soname(n: Native) -> str:
    return f"lib{n.lib}.so.{('5', '1', '11', '3', '6')[sum(map(ord, n.lib)) % 5]}"


def nm_output(rng: random.Random, n: Native, undefined_only: bool = True) -> str:
    """`nm -D` of the built module: the library symbols undefined, some defined ones."""
    rows = [f"{'':16} U {s}" for s in rng.sample(list(n.symbols), min(len(n.symbols), rng.randint(2, 4)))]
    rows += [
        f"{'':16} U {s}" for s in rng.sample(["PyErr_SetString", "PyLong_FromLong", "malloc", "free", "memcpy"], 2)
    ]
    if not undefined_only:
        rows.append(f"{rng.randrange(16**5):016x} T PyInit_{n.module.rsplit('.', 1)[-1]}")
    return "\n".join(sorted(rows, key=lambda r: r.split()[-1]))


def ldd_output(rng: random.Random, n: Native, lib_where: str = "") -> str:
    lib = soname(n)
    return "\n".join(
        [
            f"\tlinux-vdso.so.1 (0x00007ff{rng.randrange(16**9):09x})",
            f"\t{lib} => {lib_where or (n.libdir if n.libdir.startswith('/') else n.root + '/' + n.libdir)}/{lib} (0x00007f{rng.randrange(16**10):010x})"
            if n.lib != "m"
            else f"\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f{rng.randrange(16**10):010x})",
            f"\tlibpthread.so.0 => /lib/x86_64-linux-gnu/libpthread.so.0 (0x00007f{rng.randrange(16**10):010x})",
            f"\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f{rng.randrange(16**10):010x})",
            f"\t/lib64/ld-linux-x86-64.so.2 (0x00007f{rng.randrange(16**10):010x})",
        ]
    )


def look(ctx: Ctx, rng: random.Random, n: Native) -> Step:
    """A look between attempts: the tree, the diff, the built module's file, symbols and libraries, the toolchain."""
    so = ctx.so_path(n)
    line = rng.randint(20, 400)
    setup = "setup.py" if n.root == "/testbed" else f"{n.root}/setup.py"
    choices = [
        Step(
            "Let me check what is modified in the repository.",
            "git status --short",
            "".join(
                sorted([f" M {ctx.source}\n", f" M {n.ext}\n", rng.choice(["", " M setup.py\n", " M setup.cfg\n"])])
            )
            + rng.choice(["", "?? build/\n"])
            if n.root == "/testbed"
            else f" M {ctx.source}\n",
        ),
        Step(
            "Let me look at the built module.",
            f"ls -la {posixpath.dirname(so)} | grep -i '{n.module.rsplit('.', 1)[-1]}'",
            f"-rwxr-xr-x 1 root root {rng.randint(90_000, 2_900_000)} {stamp(rng)} {posixpath.basename(so)}\n-rw-r--r-- 1 root root {rng.randint(3_000, 90_000)} {stamp(rng)} {posixpath.basename(n.ext)}",
        ),
        Step(
            "Which symbols does the module still need from outside?",
            f"nm -D --undefined-only {so} | grep -v '@' | head -20",
            nm_output(rng, n),
        ),
        Step("Let me see which shared libraries it resolves.", f"ldd {so}", ldd_output(rng, n)),
        Step(
            "Let me re-read the Extension definition.",
            f"grep -n -A10 'Extension(' {setup} | head -30",
            f"{line}:    Extension(\n{line + 1}-        '{n.module}',\n{line + 2}-        sources=[{', '.join(repr(s) for s in dict.fromkeys([n.ext, n.source]))}],\n{line + 3}-        include_dirs=[{rng.choice(['numpy.get_include()', repr('src'), repr('include')])}],\n{line + 4}-        libraries=[{n.lib!r}],\n{line + 5}-    ),",
        ),
        Step(
            "Check the compiler and the extension suffix this Python expects.",
            "gcc --version | head -1; python -c \"import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))\"",
            f"gcc (Debian {rng.choice(['10.2.1-6', '12.2.0-14'])}) {rng.choice(['10.2.1 20210110', '12.2.0'])}\n.{ctx.tag}.so",
        ),
        Step(
            "Let me see what the build directory holds.",
            f"{n.cd}find build -name '*.o' -newer {n.ext} | head",
            "\n".join(obj(ctx, s) for s in sources(n)) if rng.random() < 0.6 else "",
        ),
    ]
    return rng.choice(choices)


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    native: Native,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    looker: Callable[[], Step] | None = None,
) -> list[Step]:
    """The first failing steps, then attempts drawn at random with looks between some (at the built module, unless `looker`), until the agent gives up."""
    looker = looker or (lambda: look(ctx, rng, native))
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.4)

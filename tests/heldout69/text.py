# ruff: noqa: E501
"""Names the families' steps use (the compiled module the agent builds), and what its builds print."""

from __future__ import annotations

import posixpath
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here
from heldout69.natives import CONDA, Native
from heldout69.projects import natives

Attempt = text.Attempt
_DJANGO_FLAGS = {"-x": "--failfast", "-q": "", "-v": "-v 2", "-vv": "-v 2"}


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the compiled module its agent builds."""

    @property
    def _hash(self) -> int:
        return sum(map(ord, self.run.session))

    def native(self, feature: str = "") -> Native:
        found = natives(self.run.owner, self.run.module.strip("_"), feature)
        return found[self._hash % len(found)]

    @property
    def tag(self) -> str:
        return f"cpython-{self.python.replace('.', '')}-x86_64-linux-gnu"

    @property
    def plat(self) -> str:
        """setuptools' suffix of its build folders (newer ones spell the interpreter)."""
        if self._hash % 3 and self.run.owner != "scikit-learn":
            return f"linux-x86_64-cpython-{self.python.replace('.', '')}"
        return f"linux-x86_64-{self.python}"

    @property
    def temp(self) -> str:
        return f"build/temp.{self.plat}"

    @property
    def libbuild(self) -> str:
        return f"build/lib.{self.plat}"

    def so(self, n: Native) -> str:
        """The built module's file inside a package tree (build/lib, site-packages)."""
        return f"{n.mod_path}.{self.tag}.so"

    def so_path(self, n: Native) -> str:
        """The built module's file where an in-place build leaves it."""
        return f"{n.root}/{n.so_stem}.{self.tag}.so"

    @property
    def cc_failed(self) -> str:
        return (
            "error: command '/usr/bin/gcc' failed with exit code 1"
            if self._hash % 2
            else "error: command 'gcc' failed with exit status 1"
        )

    def tests(self, target: str = "", extra: str = "") -> str:
        if self.django:
            label = (
                target.replace("/", ".").removesuffix(".py").removeprefix("tests.") if target else f"{self.stem}_tests"
            )
            flags = " ".join(_DJANGO_FLAGS.get(f, "") for f in extra.split()).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}"
        return f"python -m pytest {target or self.test_file}{extra}"

    def suite(self, n: Native, extra: str = "") -> str:
        """The agent's command to run what exercises `n`."""
        if n.tests:
            flagged = n.tests.startswith("cd ") or " -q" in n.tests or " -k " in n.tests
            return n.tests + ("" if flagged else extra)
        return self.tests(extra=extra)

    def check(self, n: Native) -> str:
        return f'{n.cd}python -c "{n.check}"'


def obj(ctx: Ctx, src: str) -> str:
    return f"{ctx.temp}/{posixpath.splitext(src)[0]}.o"


def cc_line(ctx: Ctx, n: Native, src: str, incs: Sequence[str] = (), flags: str = "", numpy: bool = True) -> str:
    cc = "g++" if src.endswith((".cpp", ".cc")) else "gcc"
    numpy_inc = f"{CONDA}/lib/python{ctx.python}/site-packages/numpy/core/include"
    extra = "".join(f" -I{d}" for d in incs if d != numpy_inc) + (f" {flags}" if flags else "")
    numpy = f" -I{numpy_inc}" if n.numpy and numpy else ""
    return f"{cc} -pthread -B {CONDA}/compiler_compat -Wno-unused-result -Wsign-compare -DNDEBUG -O2 -Wall -fPIC -O2 -isystem {CONDA}/include -fPIC{numpy}{extra} -I{CONDA}/include/python{ctx.python} -c {src} -o {obj(ctx, src)}"


def sources(n: Native) -> list[str]:
    """What setup.py compiles for `n`: the C that Cython writes from its .pyx (its source, when named after it), and its own C."""
    generated = n.pyx.removesuffix(".pyx")
    if not n.pyx or posixpath.splitext(n.source)[0] == generated:
        return [n.source]
    return [f"{generated}.c", n.source]


def ld_line(ctx: Ctx, n: Native, libs: Sequence[str] = (), dirs: Sequence[str] = (), flags: str = "") -> str:
    cc = "g++" if n.cxx else "gcc"
    objs = " ".join(obj(ctx, s) for s in sources(n))
    tail = (
        "".join(f" -L{d}" for d in dirs) + "".join(f" -l{lib}" for lib in libs if lib) + (f" {flags}" if flags else "")
    )
    return f"{cc} -pthread -B {CONDA}/compiler_compat -shared -Wl,-rpath,{CONDA}/lib -Wl,-rpath-link,{CONDA}/lib -L{CONDA}/lib {objs}{tail} -o {ctx.libbuild}/{ctx.so(n)}"


def build_output(
    ctx: Ctx,
    rng: random.Random,
    n: Native,
    tail: str | None = None,
    incs: Sequence[str] = (),
    libs: Sequence[str] = (),
    dirs: Sequence[str] = (),
    flags: str = "",
    cython: bool = True,
    linking: bool = False,
    cflags: str = "",
) -> str:
    """setup.py build_ext as it prints: Cython first when there is a .pyx, the compiles, the link, then `tail` (a failure, at the link when `linking`)."""
    lines = []
    if n.pyx and cython:
        lines += [f"Compiling {n.pyx} because it changed.", f"[1/1] Cythonizing {n.pyx}"]
    lines += [
        "running build_ext",
        f"building '{n.module}' extension",
        f"creating {posixpath.dirname(obj(ctx, n.source))}",
    ]
    compiled = sources(n) if tail is None or linking else sources(n)[-1:]
    for src in compiled:
        lines.append(cc_line(ctx, n, src, incs, cflags, numpy=not (tail and "fatal error: numpy/" in tail)))
        if rng.random() < 0.2:
            lines.append(
                f"{src}: In function '{rng.choice(['__pyx_pw_init', 'module_exec', 'setup_module', 'PyInit_' + n.module.rsplit('.', 1)[-1]])}':\n{src}:{rng.randint(40, 900)}:{rng.randint(5, 30)}: warning: unused variable '{rng.choice(['i', 'rc', 'tmp', 'n'])}' [-Wunused-variable]"
            )
    if tail is not None:
        if linking:
            lines.append(ld_line(ctx, n, libs or [n.lib], dirs, flags))
        lines += [tail, ctx.cc_failed]
        return "\n".join(lines)
    lines.append(ld_line(ctx, n, libs or [n.lib], dirs, flags))
    where = n.so_stem.rsplit("/", 1)[0] if "/" in n.so_stem else "."
    lines.append(f"copying {ctx.libbuild}/{ctx.so(n)} -> {where}")
    return "\n".join(lines)


_STAGE = re.compile(r"\| (tail|head) -(\d+)|\| grep -E \"([^\"]+)\"")


def piped(command: str, output: str) -> str:
    """`output` through the command's own `| grep -E`, `| tail -N` and `| head -N` stages, in order."""
    lines = output.split("\n")
    for stage in _STAGE.finditer(command):
        kind, count, pattern = stage.groups()
        if pattern:
            lines = [line for line in lines if re.search(pattern, line)]
        elif kind == "tail":
            lines = lines[-int(count) :]
        else:
            lines = lines[: int(count)]
    return "\n".join(lines)


def build_step(
    ctx: Ctx,
    rng: random.Random,
    n: Native,
    thought: str,
    tail: str | None = None,
    command: str = "",
    linking: bool = False,
    libs: Sequence[str] = (),
    dirs: Sequence[str] = (),
    flags: str = "",
    incs: Sequence[str] = (),
    cflags: str = "",
) -> Step:
    out = build_output(ctx, rng, n, tail, incs, libs, dirs, flags, linking=linking, cflags=cflags)
    command = command or f"{n.build} 2>&1 | tail -{rng.choice([15, 20, 25, 30, 40])}"
    out = piped(command, out)
    failed = tail is not None and " | " not in command  # a pipe into tail reports tail's status
    return Step(thought, command, out, rc=1 if failed else 0, seconds=rng.uniform(6, 95))


def include_line(header: str) -> str:
    """How a source includes `header`: system and library headers in angle brackets, its own in quotes."""
    own = "/" not in header and not header.startswith(
        ("lib", "mysql", "netcdf", "hdf5", "ft2build", "cblas", "omp", "gmp", "Python")
    )
    return f'#include "{header}"' if own else f"#include <{header}>"


def include_at(n: Native, header: str) -> int:
    """The line of the module's source that includes `header` (Python.h first, then its own, in order)."""
    order = ["Python.h", *n.headers]
    return 1 + 7 * order.index(header) + sum(map(ord, n.module)) % 5 if header in order else 0


def fatal_header(ctx: Ctx, rng: random.Random, n: Native, header: str, src: str = "") -> str:
    line = include_at(n, header) if not src or src == n.source else rng.randint(3, 60)
    src = src or n.source
    inc = include_line(header)
    return f"{src}:{line}:10: fatal error: {header}: No such file or directory\n {line:>4} | {inc}\n      |          {'^' * (len(inc) - 9)}\ncompilation terminated."


def undefined(ctx: Ctx, n: Native, symbol: str) -> str:
    return f"ImportError: {ctx.so_path(n)}: undefined symbol: {symbol}"

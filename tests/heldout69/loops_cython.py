# ruff: noqa: E501
"""Loop family in Cython: a C function's declaration in the .pxd, its header and its call in the .pyx never agreeing."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout69.checks import suite_step
from heldout69.looks import churn
from heldout69.natives import CONDA, Native
from heldout69.text import Attempt, Ctx, obj, piped, py_edit, sources

_TYPES = ("double *", "const double *", "float *", "const float *", "double[::1]", "const double[::1]")
_SIZES = ("Py_ssize_t", "int", "size_t", "npy_intp")


_CFUNCS = {
    "sklearn.linear_model._cd_fast": "_dot",
    "sklearn.svm._libsvm": "copy_predict",
    "netCDF4._netCDF4": "_fill_values",
    "symengine.lib.symengine_wrapper": "eval_real",
}


def cfunc(nat: Native) -> str:
    """The C function the .pyx calls through its .pxd declaration."""
    return _CFUNCS.get(nat.module) or next(
        (s for s in nat.symbols if s.isidentifier() and not s.startswith("_")), "evaluate"
    )


def _cython_error(ctx: Ctx, rng: random.Random, nat: Native, f: str) -> str:
    """Cython refusing the module: the offending line with a caret, the message, cythonize's traceback."""
    a, b = rng.sample(_TYPES[:4], 2)
    size = rng.choice(_SIZES)
    message, code = rng.choice(
        [
            (f"Cannot assign type '{a}' to '{b}'", f"    {f}(&out[0], &values[0], n)"),
            (
                "Function signature does not match previous declaration",
                f"cdef void {f}({b}out, {a}values, {size} n) nogil:",
            ),
            (f"'{f}' redeclared ", f'cdef extern from "{nat.headers[0]}":\n    void {f}({a}out, {b}values, {size} n)'),
            (
                f"Call with wrong number of arguments (expected {rng.randint(3, 5)}, got {rng.randint(2, 4)})",
                f"    {f}(&out[0], &values[0], n, stride)",
            ),
            (f"Cannot convert '{b}' to Python object", f"    return {f}(&out[0], &values[0], n)"),
            (
                f"Cannot assign type 'void ({a}, {b}, {size}) except * nogil' to 'void (*)({a}, {b}, {size}) noexcept nogil'",
                f"    cdef kernel_t kernel = {f}",
            ),
            ("Assignment to const 'values'", "    values[i] = 0"),
            (
                f"Cannot assign type '{size}' to '{rng.choice(['int *', 'Py_ssize_t *', 'size_t *'])}'",
                f"    {f}(&out[0], &values[0], &n)",
            ),
        ]
    )
    line = rng.randint(20, 400)
    col = rng.randint(4, 30)
    return "\n".join(
        [
            f"Compiling {nat.pyx} because it changed.",
            f"[1/1] Cythonizing {nat.pyx}",
            "",
            "Error compiling Cython file:",
            "-" * 60,
            "...",
            code,
            " " * min(col, 20) + "^",
            "-" * 60,
            "",
            f"{nat.pyx}:{line}:{col}: {message}",
            "Traceback (most recent call last):",
            f'  File "{nat.root}/setup.py", line {rng.randint(40, 300)}, in <module>',
            "    ext_modules=cythonize(extensions, language_level=3),",
            f'  File "{CONDA}/lib/python{ctx.python}/site-packages/Cython/Build/Dependencies.py", line {rng.choice([1117, 1134, 1154])}, in cythonize',
            "    cythonize_one(*args)",
            f'  File "{CONDA}/lib/python{ctx.python}/site-packages/Cython/Build/Dependencies.py", line {rng.choice([1262, 1301, 1321])}, in cythonize_one',
            "    raise CompileError(None, pyx_file)",
            f"Cython.Compiler.Errors.CompileError: {nat.pyx}",
        ]
    )


def _gcc_conflict(ctx: Ctx, rng: random.Random, nat: Native, f: str) -> str:
    """The generated C disagreeing with the header the pxd wraps."""
    gen = sources(nat)[0]
    a, b = rng.sample(_TYPES[:4], 2)
    line = rng.randint(1000, 30000)
    return rng.choice(
        [
            f"{gen}:{line}:{rng.randint(5, 40)}: warning: passing argument 1 of '{f}' from incompatible pointer type [-Wincompatible-pointer-types]\n{gen}:{line + 1}:{rng.randint(5, 40)}: error: conflicting types for '{f}'; have 'void({a.strip()}, {b.strip()}, {rng.choice(_SIZES[1:3])})'\n{nat.headers[0]}:{rng.randint(10, 80)}:6: note: previous declaration of '{f}' with type 'void({b.strip()}, {a.strip()}, Py_ssize_t)'",
            f"{gen}: In function '__pyx_pf_{len(nat.module)}{nat.module.rsplit('.', 1)[-1]}_{rng.choice(['run', 'compute', 'evaluate'])}':\n{gen}:{line}:{rng.randint(5, 40)}: error: incompatible type for argument {rng.randint(1, 3)} of '{f}'\n{gen}:{line}:{rng.randint(5, 40)}: note: expected '{a.strip()}' but argument is of type '{b.strip()}'",
        ]
    )


def cython_pxd_signature_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Cython, then gcc, then the buffers at run time reject the call; the .pxd and .pyx types flipped back and forth."""
    nat = ctx.native("pyx")
    f = cfunc(nat)
    pxd = nat.pyx.replace(".pyx", ".pxd")
    path = lambda p: p if nat.root == "/testbed" else f"{nat.root}/{p}"  # noqa: E731
    gen = sources(nat)[0]
    line = rng.randint(8, 60)
    decl = {
        "out": "double *",
        "in": "const double *",
        "size": "Py_ssize_t",
        "suffix": " nogil",
    }  # the .pxd as it stands

    def declared() -> str:
        return f"void {f}({decl['out']}out, {decl['in']}values, {decl['size']} n){decl['suffix']}"

    def cy_fails(thought: str, command: str = "") -> Step:
        command = command or f"{nat.build} 2>&1 | tail -{rng.choice([25, 30, 35])}"
        out = _cython_error(ctx, rng, nat, f)
        if "cython -3" in command:
            out = out.split("\nTraceback", 1)[0].split("\n", 2)[2]
        return Step(thought, command, piped(command, out), seconds=rng.uniform(3, 40))

    def cc_fails(thought: str) -> Step:
        out = (
            f"Compiling {nat.pyx} because it changed.\n[1/1] Cythonizing {nat.pyx}\nrunning build_ext\nbuilding '{nat.module}' extension\n{obj(ctx, gen)}\n"
            + _gcc_conflict(ctx, rng, nat, f)
            + f"\n{ctx.cc_failed}"
        )
        return Step(
            thought,
            f"{nat.build} 2>&1 | grep -E 'error|warning: passing|note' | head -{rng.choice([10, 15])}",
            "\n".join(
                line for line in out.split("\n") if "error" in line or "warning: passing" in line or "note" in line
            ),
            seconds=rng.uniform(10, 90),
        )

    def runtime_fails(thought: str) -> Step:
        error = rng.choice(
            [
                f"ValueError: Buffer dtype mismatch, expected '{rng.choice(['double', 'const double', 'float'])}' but got '{rng.choice(['float', 'long', 'double', 'int'])}'",
                "ValueError: buffer source array is read-only",
                "ValueError: ndarray is not C-contiguous",
                f"TypeError: Cannot convert {rng.choice(['list', 'float', 'memoryview'])} to numpy.ndarray",
                f"AssertionError: assert {rng.uniform(0, 3):.6f} == {rng.uniform(0, 3):.1f}",
            ]
        )
        return suite_step(
            ctx,
            rng,
            nat,
            thought,
            failing=[
                (f"test_{rng.choice(['basic', 'float32', 'readonly', 'strided', 'inplace', 'small'])}", error)
                for _ in range(rng.randint(1, 3))
            ],
        )

    def outcome(thought: str) -> Step:
        return rng.choice([cy_fails, cy_fails, cc_fails, runtime_fails])(thought)

    def pxd_types(k: int) -> list[Step]:
        side = rng.choice(["out", "in"])
        a = decl[side]
        b = rng.choice([t for t in _TYPES[:4] if t != a])
        old = f"{f}({decl['out']}out" if side == "out" else f"{decl['in']}values"
        decl[side] = b
        new = f"{f}({decl['out']}out" if side == "out" else f"{decl['in']}values"
        return [
            Step(
                f"Make the .pxd declaration take `{b.strip()}` for `{side if side == 'out' else 'values'}` instead of `{a.strip()}`.",
                py_edit(path(pxd), old, new),
                "patched",
            ),
            outcome("Rebuild."),
        ]

    def pyx_views(k: int) -> list[Step]:
        a, b = rng.sample((*_TYPES[4:], "np.float64_t[:]", "double[:]"), 2)
        return [
            Step(
                f"Declare the memoryviews in the .pyx as `{b}` so the pointers match.",
                py_edit(path(nat.pyx), f"cdef {a} values", f"cdef {b} values", None),
                "patched",
            ),
            outcome("Build again."),
        ]

    def noexcept(k: int) -> list[Step]:
        suffix = rng.choice(
            [x for x in (" noexcept nogil", " nogil", " except * nogil", " noexcept") if x != decl["suffix"]]
        )
        decl["suffix"] = suffix
        return [
            Step(
                f"Cython 3 changed the default exception spec; mark the extern declaration `{suffix.strip()}`.",
                f"sed -i 's/\\({f}(.*)\\)\\( nogil\\)\\?$/\\1{suffix}/' {path(pxd)} && grep -n '{f}' {path(pxd)}",
                f"{line}:    {declared()}",
            ),
            outcome("Rebuild."),
        ]

    def sizes(k: int) -> list[Step]:
        a = decl["size"]
        b = rng.choice([x for x in _SIZES if x != a])
        decl["size"] = b
        return [
            Step(
                f"The length is `{a}` on one side and `{b}` on the other. Use `{b}` everywhere.",
                py_edit(path(pxd), f"{a} n)", f"{b} n)", None)
                + "\n"
                + py_edit(path(nat.pyx), f"cdef {a} n", f"cdef {b} n", None),
                "patched\npatched",
            ),
            outcome("Build."),
        ]

    def direct(k: int) -> list[Step]:
        return [
            cy_fails(
                "Run cython directly on the file to see the error without setuptools around it.",
                f"{nat.cd}cython -3 {nat.pyx} -o /tmp/check.c 2>&1 | head -{rng.choice([14, 20])}",
            )
        ]

    def downgrade(k: int) -> list[Step]:
        v = rng.choice(["0.29.36", "0.29.37", "3.0.11", "3.0.0"])
        return [
            Step(
                f"Maybe this only fails under this Cython. Try Cython {v}.",
                f"pip install -q 'Cython=={v}' && cython --version",
                f"Cython version {v}",
                seconds=rng.uniform(5, 25),
            ),
            outcome("Rebuild with that Cython."),
        ]

    def declarations(k: int) -> list[Step]:
        return [
            Step(
                f"Let me see every declaration of {f}: the header, the .pxd and the .pyx.",
                f"{nat.cd}grep -n '{f}' {nat.headers[0] if '/' not in nat.headers[0] else ''} {pxd} {nat.pyx} 2>/dev/null | head -20",
                "\n".join(
                    [
                        f"{pxd}:{line}:    {declared()}",
                        f"{nat.pyx}:{rng.randint(60, 400)}:        {f}(&out[0], &values[0], n)",
                        f"{nat.pyx}:{rng.randint(60, 400)}:    {f}(&out[0], &values[0], values.shape[0])",
                    ]
                ),
            )
        ]

    def clean(k: int) -> list[Step]:
        return [
            Step(
                "The generated C may be stale. Delete it so Cython regenerates everything.",
                f"{nat.cd}rm -f {gen} && rm -rf build && ls {nat.pyx.rsplit('/', 1)[0] if '/' in nat.pyx else '.'} | grep -E '\\.(pyx|pxd|c)$'",
                "\n".join(p.rsplit("/", 1)[-1] for p in [nat.pyx, pxd, *([nat.source] if nat.source != gen else [])]),
            ),
            outcome("Build from scratch."),
        ]

    first = [
        cy_fails(f"Rebuild {nat.label} after my change to {nat.pyx.rsplit('/', 1)[-1]}."),
        Step(
            f"Let me read the declaration of {f} in the .pxd.",
            f"{nat.cd}grep -n -B2 -A3 '{f}' {pxd}",
            f'{line - 2}:cdef extern from "{nat.headers[0]}":\n{line}:    {declared()}',
        ),
    ]
    attempts: list[Attempt] = [pxd_types, pyx_views, noexcept, sizes, direct, downgrade, declarations, clean]
    return churn(ctx, rng, n, nat, first, attempts, f"the Cython signature of {f} in {nat.pyx.rsplit('/', 1)[-1]}")

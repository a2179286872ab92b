"""Stale extension build: edits to a compiled extension never reach the module Python imports."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20.calls import Step
from heldout22.native import COMPILED, Compiled
from heldout22.text import Ctx, Maker, vary, weave

TESTS = {
    "astropy": "astropy/io/ascii/tests/test_c_reader.py",
    "matplotlib": "lib/matplotlib/tests/test_path.py",
    "scikit-learn": "sklearn/tree/tests/test_tree.py",
}
_IMPORT = {
    "astropy": "from .cparser import {name}",
    "matplotlib": "from ._path import {name}",
    "scikit-learn": "from ._utils import {name}",
}
_NAMES = {
    "astropy": "['CParser', 'CParserError', 'FastWriter', '_copy_cparser', 'get_fill_values']",
    "matplotlib": "['affine_transform', 'cleanup_path', 'clip_path_to_rect', 'convert_path_to_polygons', 'count_bboxes_overlapping_bbox', 'get_path_collection_extents', 'path_in_path']",
    "scikit-learn": "['PriorityHeap', 'Stack', 'WeightedMedianCalculator', 'WeightedPQueue', '_realloc_test', '_any_isnan_axis0']",
}
_CYTHON_ERRORS = [
    "undeclared name not builtin: {x}",
    "Cannot convert Python object to 'Py_ssize_t'",
    "Expected ')', found 'NEWLINE'",
    "'{x}' redeclared ",
    "Cannot assign type 'double' to 'Py_ssize_t'",
    "Syntax error in C variable declaration",
    "Compiler crash in AnalyseExpressionsTransform",
]
_CXX_ERRORS = [
    "error: '{x}' was not declared in this scope",
    "error: invalid conversion from 'PyObject*' {{aka '_object*'}} to 'int' [-fpermissive]",
    "error: expected ';' before '}}' token",
    "error: 'npy_intp' does not name a type",
    "error: no matching function for call to 'convert_path(PyObject*&, {x}*)'",
]


def so_path(ctx: Ctx, comp: Compiled) -> str:
    prefix = "lib/" if ctx.owner == "matplotlib" else ""
    return f"/testbed/{prefix}{comp.module.replace('.', '/')}{ctx.so}"


def import_error(
    ctx: Ctx, comp: Compiled, rng: random.Random, name: str, lines: tuple[int, int], missing: bool = False
) -> str:
    """pytest failing to collect the tests because the compiled module lacks `name` (or is gone)."""
    test = TESTS[ctx.owner]
    importer = comp.importer.removeprefix("lib/")
    if missing:
        error = f"E   ModuleNotFoundError: No module named '{comp.module}'"
    else:
        error = f"E   ImportError: cannot import name '{name}' from '{comp.module}' ({so_path(ctx, comp)})"
    return "\n".join(
        [
            "=" * 29 + " test session starts " + "=" * 30,
            ctx.run.pytest_header,
            "rootdir: /testbed",
            ctx.run.plugins,
            "collected 0 items / 1 error",
            "",
            "=" * 32 + " ERRORS " + "=" * 32,
            f"_{'_' * 10} ERROR collecting {test} {'_' * 10}",
            f"ImportError while importing test module '/testbed/{test}'.",
            "Hint: make sure your test modules/packages have valid Python names.",
            "Traceback:",
            f"/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/importlib/__init__.py:127: in import_module",
            "    return _bootstrap._gcd_import(name[level:], package, level)",
            f"{test}:{lines[0]}: in <module>",
            f"    from {importer[:-3].replace('/', '.')} import *",
            f"{comp.importer}:{lines[1]}: in <module>",
            "    " + _IMPORT[ctx.owner].format(name=name),
            error,
            "=" * 27 + " short test summary info " + "=" * 28,
            f"ERROR {test}",
            "!" * 20 + " Interrupted: 1 error during collection " + "!" * 20,
            f" 1 error in {rng.uniform(0.3, 2.5):.2f}s ".center(80, "="),
        ]
    )


def build_ok(ctx: Ctx, comp: Compiled, rng: random.Random, fresh: bool) -> str:
    """The tail of a successful in-place build; `fresh` when Cython regenerated the C file."""
    py = ctx.run.python
    obj = f"build/temp.linux-x86_64-cpython-{ctx.tag}/{comp.c_file.replace('.pyx', '.c')}".replace(
        ".cpp", ".o"
    ).replace(".c", ".o")
    lines = ["running build_ext"]
    if comp.cython:
        lines.append(
            f"Compiling {comp.source} because it changed.\n[1/1] Cythonizing {comp.source}"
            if fresh
            else f"skipping '{comp.c_file}' Cython extension (up-to-date)"
        )
    lines += [
        f"building '{comp.module}' extension",
        f"gcc -pthread -B /opt/miniconda3/envs/testbed/compiler_compat -Wno-unused-result -Wsign-compare -DNDEBUG -O2 -Wall -fPIC -O2 "
        f"-isystem /opt/miniconda3/envs/testbed/include -I{ctx.site}/numpy/core/include -I/opt/miniconda3/envs/testbed/include/python{py} "
        f"-c {comp.c_file} -o {obj}",
        f"gcc -pthread -shared -B /opt/miniconda3/envs/testbed/compiler_compat {obj} -o build/lib.linux-x86_64-cpython-{ctx.tag}/{so_path(ctx, comp).removeprefix('/testbed/').removeprefix('lib/')}",
        f"copying build/lib.linux-x86_64-cpython-{ctx.tag}/{so_path(ctx, comp).removeprefix('/testbed/').removeprefix('lib/')} -> {so_path(ctx, comp).removeprefix('/testbed/').rsplit('/', 1)[0]}",
    ]
    return "\n".join(lines)


@dataclass
class _State:
    edits: int = 0
    removed: bool = False
    last: str = "import"  # what the previous attempt ended in


_DEPS = {
    "astropy": (
        "ModuleNotFoundError: No module named 'extension_helpers'",
        "extension-helpers",
        "extension-helpers-1.1.1",
    ),
    "matplotlib": (
        "Downloading https://downloads.sourceforge.net/project/freetype/freetype2/2.6.1/freetype-2.6.1.tar.gz\n"
        "urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>",
        "",
        "",
    ),
    "scikit-learn": (
        "ValueError: Please install Cython with a version >= 0.29.33 in order to build a scikit-learn from source.",
        "'Cython>=0.29.33,<3'",
        "Cython-0.29.37",
    ),
}


def stale_extension_build(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    comp = COMPILED[ctx.owner]
    name = rng.choice(comp.names)
    so = so_path(ctx, comp)
    test = TESTS[ctx.owner]
    state = _State()
    base = rng.randint(900, 2400) if comp.cython else rng.randint(600, 900)
    symbols = ["n", "values", "fill", "i", "out", "width"]
    lines = (rng.randint(8, 30), rng.randint(9, 40))

    def compile_error(build: bool = True) -> tuple[str, int]:
        line = base + 3 * state.edits + rng.randint(0, 4)
        x = rng.choice(symbols)
        if comp.cython:
            message = rng.choice(_CYTHON_ERRORS).format(x=x)
            text = (
                "\nError compiling Cython file:\n" + "-" * 60 + "\n...\n"
                f"    cdef Py_ssize_t i\n    for i in range({x}):\n                   ^\n" + "-" * 60 + "\n\n"
                f"{comp.source}:{line}:{rng.randint(4, 24)}: {message}"
            )
            if build:
                text += (
                    f"\nTraceback (most recent call last):\n  ...\nCython.Compiler.Errors.CompileError: {comp.source}"
                )
        else:
            message = rng.choice(_CXX_ERRORS).format(x=x)
            text = f"{comp.source}: In function 'PyObject* Py_{name}(PyObject*, PyObject*)':\n{comp.source}:{line}:{rng.randint(5, 40)}: {message}"
            if build:
                text += "\nerror: command '/usr/bin/gcc' failed with exit code 1"
        return ("running build_ext" + text if build else text.lstrip()), 1

    def outcome() -> tuple[str, int, bool]:
        kinds = ["compile", "compile", "stale", "stale", "timeout"] + (["deps"] if state.last != "deps" else [])
        kind = rng.choice([k for k in kinds if k != state.last] or kinds)
        state.last = kind
        if kind == "compile":
            return (*compile_error(), False)
        if kind == "deps":
            return (
                f'Traceback (most recent call last):\n  File "/testbed/setup.py", line {rng.randint(20, 300)}, in <module>\n{_DEPS[ctx.owner][0]}',
                1,
                False,
            )
        if kind == "timeout":
            return (
                f"running build_ext\nCompiling {comp.source} because it changed.\n[1/1] Cythonizing {comp.source}\nbuilding '{comp.module}' extension",
                -1,
                True,
            )
        state.removed = False
        return build_ok(ctx, comp, rng, fresh=False), 0, False

    def build(thought: str, command: str) -> Step:
        out, rc, timed = outcome()
        return Step(thought, command, out, rc, rng.uniform(*comp.build_s), timed_out=timed)

    def react(k: int) -> Step:
        last = state.last
        if last == "compile" and rng.random() < 0.75:
            state.edits += 1
            state.last = "edited"
            x = rng.choice(symbols)
            return Step(
                vary(
                    rng,
                    [
                        f"{'Cython' if comp.cython else 'The compiler'} rejects line {base + 3 * state.edits} of my helper. Let me fix that declaration.",
                        "Let me fix the compile error in the function I added.",
                        f"The error points at `{x}`; I'll rewrite that line.",
                    ],
                ),
                f"sed -i '{base + 3 * state.edits}s/.*/    cdef Py_ssize_t {x} = len(values)/' {comp.source}"
                if comp.cython
                else f"sed -i '{base + 3 * state.edits}s/.*/    npy_intp {x} = PyArray_DIM(values, 0);/' {comp.source}",
                "",
                0,
                0.3,
            )
        if last == "compile":
            state.last = "compile"
            return Step(
                "Let me run Cython on the file by hand to see every error."
                if comp.cython
                else "Let me compile just this file by hand to see the full error.",
                f"cython -3 {comp.source} -o {comp.c_file} 2>&1 | tail -12"
                if comp.cython
                else f"g++ -fsyntax-only -I/opt/miniconda3/envs/testbed/include/python{ctx.run.python} -I{ctx.site}/numpy/core/include {comp.source} 2>&1 | head -12",
                *compile_error(build=False),
                rng.uniform(3, 20),
            )
        if last == "deps" and _DEPS[ctx.owner][1]:
            state.last = "depfix"
            return Step(
                "The build is missing a build-time dependency. Let me install it.",
                f"pip install {_DEPS[ctx.owner][1]} 2>&1 | tail -2",
                f"Successfully installed {_DEPS[ctx.owner][2]}",
                0,
                rng.uniform(4, 12),
            )
        if last == "deps":
            state.last = "depfix"
            return build(
                "The build tries to download freetype. I'll point it at the system freetype instead.",
                "MPLSETUPCFG=/dev/null MPLLOCALFREETYPE=0 python setup.py build_ext --inplace 2>&1 | tail -20",
            )
        if last == "timeout":
            return build(
                "The build ran past the time limit. I'll run it in the background and check the log afterwards.",
                "nohup python setup.py build_ext --inplace > /tmp/build.log 2>&1 & sleep 240; tail -20 /tmp/build.log",
            )
        if last in ("stale", "import") and rng.random() < 0.3:
            state.removed, state.last = True, "missing"
            return Step(
                "The old shared object must be shadowing my changes. I'll delete it and the build directory, then rebuild from scratch.",
                f"rm -rf build/ {so} && ls {so} 2>&1",
                f"ls: cannot access '{so}': No such file or directory",
                2,
                1.0,
            )
        if last == "stale" and rng.random() < 0.3:
            state.removed, state.last = False, "stale"
            return Step(
                "The in-place build claims success but the name is still missing. Maybe `pip install -e .` rebuilds it differently.",
                "pip install -e . --no-build-isolation --no-deps 2>&1 | tail -8",
                f"Obtaining file:///testbed\n  Preparing metadata (setup.py) ... done\nInstalling collected packages: {ctx.run.module}\n"
                f"  Attempting uninstall: {ctx.run.module}\n  Running setup.py develop for {ctx.run.module}\nSuccessfully installed {ctx.run.module}",
                0,
                rng.uniform(*comp.build_s),
            )
        options = [
            ("Let me rebuild the extension in place.", "python setup.py build_ext --inplace 2>&1 | tail -20"),
            (
                "I'll force a full rebuild of the extension.",
                "python setup.py build_ext --inplace --force 2>&1 | tail -25",
            ),
            (
                "Let me touch the source so the build sees it as changed, then rebuild.",
                f"touch {comp.source} && python setup.py build_ext --inplace 2>&1 | tail -20",
            ),
        ]
        return build(*rng.choice(options))

    def check(k: int) -> Step:
        command = vary(
            rng, [f"python -m pytest {test} -x 2>&1 | tail -25", f"python -m pytest {test} -x -k {name.strip('_')}"]
        )
        if state.last not in ("compile", "timeout"):
            state.last = "missing" if state.removed else "import"
        return Step(
            vary(
                rng,
                [
                    "Let me check whether the module now has the new name.",
                    "Running the tests again.",
                    "Let me see if the import works now.",
                ],
            ),
            command,
            import_error(ctx, comp, rng, name, lines, missing=state.removed),
            2 if "tail" not in command else 0,
            rng.uniform(2, 8),
        )

    fixes: list[Maker] = [react]
    looks: list[Maker] = [
        lambda k: Step(
            "Which file does Python actually import for this module?",
            f"python -c \"import {comp.module} as m; print(m.__file__); print(sorted(n for n in dir(m) if not n.startswith('__'))[:12])\"",
            f"{so}\n{_NAMES[ctx.owner]}"
            if not state.removed
            else f"ModuleNotFoundError: No module named '{comp.module}'",
            0 if not state.removed else 1,
            1.0,
        ),
        lambda k: Step(
            "Let me compare timestamps of the source, the generated C and the shared object.",
            f"ls -la --time-style=+%H:%M:%S {comp.source}{' ' + comp.c_file if comp.cython else ''} {so} 2>&1",
            f"-rw-r--r-- 1 root root {rng.randint(30_000, 90_000)} 11:{rng.randint(10, 59)}:{rng.randint(10, 59)} {comp.source}\n"
            + (
                f"-rw-r--r-- 1 root root {rng.randint(900_000, 2_500_000)} 09:{rng.randint(10, 59)}:{rng.randint(10, 59)} {comp.c_file}\n"
                if comp.cython
                else ""
            )
            + (
                f"ls: cannot access '{so}': No such file or directory"
                if state.removed
                else f"-rwxr-xr-x 1 root root {rng.randint(400_000, 3_000_000)} 09:{rng.randint(10, 59)}:{rng.randint(10, 59)} {so}"
            ),
            2 if state.removed else 0,
            0.2,
        ),
        lambda k: Step(
            "Does the compiled module contain my function at all?", f"strings {so} | grep -c {name}", "0", 1, 0.3
        ),
        lambda k: Step(
            "Are there other copies of the extension that could be imported instead?",
            f"find / -name '{so.rsplit('/', 1)[1]}' -not -path '/proc/*' 2>/dev/null",
            ("" if state.removed else f"{so}\n")
            + f"/testbed/build/lib.linux-x86_64-cpython-{ctx.tag}/{so.removeprefix('/testbed/').removeprefix('lib/')}",
            0,
            rng.uniform(2, 9),
        ),
        lambda k: Step(
            "Let me confirm my function is in the source.",
            f"grep -n '{name}' {comp.source} {comp.importer}",
            f"{comp.source}:{base}:def {name}(list values, Py_ssize_t width):\n{comp.importer}:{lines[1]}:{_IMPORT[ctx.owner].format(name=name)}"
            if comp.cython
            else f"{comp.source}:{base}:static PyObject *Py_{name}(PyObject *self, PyObject *args)\n{comp.importer}:{lines[1]}:{_IMPORT[ctx.owner].format(name=name)}",
            0,
            0.2,
        ),
        lambda k: Step(
            "What is modified in the tree right now?",
            "git status --short",
            f" M {comp.importer}\n M {comp.source}",
            0,
            0.3,
        ),
    ]
    body = (
        f"\n\ndef {name}(list values, Py_ssize_t width):\n    cdef Py_ssize_t i\n    cdef list out = []\n    for i in range(len(values)):\n        out.append(values[i][:width].strip())\n    return out\n"
        if comp.cython
        else f'\nstatic PyObject *Py_{name}(PyObject *self, PyObject *args)\n{{\n    PyObject *values;\n    if (!PyArg_ParseTuple(args, "O", &values)) {{\n        return NULL;\n    }}\n    return PyBool_FromLong(PySequence_Size(values) > 0);\n}}\n'
    )
    first = [
        Step(
            f"To handle this in compiled code I'll add a small helper `{name}` to {comp.source} and import it from {comp.importer}.",
            f"cat >> {comp.source} <<'EOF'{body}EOF\nsed -i '0,/^import /s//{_IMPORT[ctx.owner].format(name=name)}\\nimport /' {comp.importer}",
            "",
            0,
            0.4,
        ),
        Step(
            "Now let me run the relevant tests.",
            f"python -m pytest {test} -x",
            import_error(ctx, comp, rng, name, lines),
            2,
            3.0,
        ),
    ]
    return weave(
        rng, n, first, fixes, check, looks, f"the stale build of {comp.module}", look_rate=0.35, check_rate=0.7
    )

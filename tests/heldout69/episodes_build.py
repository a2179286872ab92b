# ruff: noqa: E501
"""Productive look-alikes before the link and at import: a header path, a Cython declaration, a shadowing installed copy; each fixed and green."""

from __future__ import annotations

import posixpath
import random

from heldout20.calls import Step
from heldout69.checks import suite_step, use_step
from heldout69.loops_cython import cfunc
from heldout69.natives import CONDA, Native
from heldout69.text import Ctx, build_step, fatal_header, py_edit


def _green(ctx: Ctx, rng: random.Random, nat: Native, thought: str) -> Step:
    return suite_step(ctx, rng, nat, thought)


def include_dir_added(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A header not found, perhaps a second one; the headers found where the toolchain installed them; include_dirs set; green."""
    nat = ctx.native()
    setup = "setup.py" if nat.root == "/testbed" else f"{nat.root}/setup.py"
    header = rng.choice(nat.headers)
    numpy = header.startswith("numpy")
    where = (
        f"{CONDA}/lib/python{ctx.python}/site-packages/numpy/core/include"
        if numpy
        else rng.choice([f"{CONDA}/include", "/usr/local/include", f"/usr/include/{nat.lib}"])
    )
    steps = [build_step(ctx, rng, nat, f"Build {nat.label}.", fatal_header(ctx, rng, nat, header))]
    if numpy:
        steps.append(
            Step(
                "numpy ships its headers in the package; where does this numpy keep them?",
                'python -c "import numpy; print(numpy.get_include())"',
                where,
            )
        )
    else:
        steps.append(
            Step(
                f"Find {header} on the machine.",
                f"find / -name '{posixpath.basename(header)}' -not -path '/proc/*' 2>/dev/null | head -3",
                f"{where}/{header}",
                seconds=rng.uniform(2, 15),
            )
        )
    value = "numpy.get_include()" if numpy else repr(where)
    steps.append(
        Step(
            f"Add {where if not numpy else 'numpy.get_include()'} to the Extension's include_dirs.",
            py_edit(setup, "include_dirs=[", f"include_dirs=[{value}, "),
            "patched",
        )
    )
    incs = [where]
    if rng.random() < 0.45:
        second = next((h for h in nat.headers if h != header and not h.startswith("numpy")), "")
        if second:
            other = rng.choice(
                [d for d in (f"{CONDA}/include", "/usr/local/include", f"/usr/include/{nat.lib}") if d != where]
            )
            incs.append(other)
            steps += [
                build_step(
                    ctx, rng, nat, "Rebuild.", fatal_header(ctx, rng, nat, second, f"{where}/{header}"), incs=[where]
                ),
                Step(
                    f"Past {header} now; it includes {second}, which is somewhere else.",
                    f"find / -name '{posixpath.basename(second)}' -not -path '/proc/*' 2>/dev/null | head -3",
                    f"{other}/{second}",
                    seconds=rng.uniform(2, 15),
                ),
                Step(
                    f"Add {other} as well.",
                    py_edit(setup, f"include_dirs=[{value}, ", f"include_dirs=[{value}, {other!r}, "),
                    "patched",
                ),
            ]
    steps += [
        build_step(ctx, rng, nat, "Build again.", incs=incs),
        use_step(ctx, rng, nat, "Import it."),
        _green(ctx, rng, nat, "Run the tests."),
    ]
    return steps


def pxd_declaration_aligned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Cython rejects the call once; the header, the .pxd and the .pyx are read side by side; the .pxd copied from the header; green."""
    nat = ctx.native("pyx")
    f = cfunc(nat)
    pxd = nat.pyx.replace(".pyx", ".pxd")
    path = pxd if nat.root == "/testbed" else f"{nat.root}/{pxd}"
    line = rng.randint(20, 300)
    hdr = (
        f"{posixpath.dirname(nat.source)}/{nat.headers[0]}"
        if "/" not in nat.headers[0] and posixpath.dirname(nat.source)
        else nat.headers[0]
    )
    steps = [
        Step(
            f"Rebuild {nat.label} after changing {nat.pyx.rsplit('/', 1)[-1]}.",
            f"{nat.build} 2>&1 | grep -B8 -A2 'Error compiling' | head -20",
            f"Compiling {nat.pyx} because it changed.\n[1/1] Cythonizing {nat.pyx}\n\nError compiling Cython file:\n{'-' * 60}\n...\n    {f}(&out[0], &values[0], n)\n         ^\n{'-' * 60}\n\n{nat.pyx}:{line}:9: Cannot assign type 'const double *' to 'double *'",
            seconds=rng.uniform(3, 30),
        ),
        Step(
            f"Compare the header's prototype of {f} with the .pxd.",
            f"{nat.cd}grep -n '{f}' {hdr} {pxd}",
            f"{hdr}:{rng.randint(10, 90)}:void {f}(double *out, const double *values, Py_ssize_t n);\n{pxd}:{rng.randint(5, 40)}:    void {f}(double *out, double *values, Py_ssize_t n) nogil",
        ),
        Step(
            "The .pxd drops the const the header has, and my new code passes a const memoryview. Make the declaration match the header exactly.",
            py_edit(
                path,
                f"void {f}(double *out, double *values, Py_ssize_t n) nogil",
                f"void {f}(double *out, const double *values, Py_ssize_t n) nogil",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            build_step(ctx, rng, nat, "Rebuild."),
            suite_step(
                ctx,
                rng,
                nat,
                "Run the tests.",
                failing=[
                    (
                        f"test_{rng.choice(['readonly', 'frozen_input', 'view'])}",
                        "ValueError: buffer source array is read-only",
                    )
                ],
            ),
            Step(
                f"The input memoryview in the .pyx is still declared writable, so a read-only array is refused before {f} is reached. It is only read: declare it const.",
                py_edit(
                    nat.pyx if nat.root == "/testbed" else f"{nat.root}/{nat.pyx}",
                    "double[::1] values",
                    "const double[::1] values",
                ),
                "patched",
            ),
        ]
    steps += [
        build_step(ctx, rng, nat, "Build again."),
        _green(ctx, rng, nat, "Run the tests."),
    ]
    if rng.random() < 0.5:
        steps.append(use_step(ctx, rng, nat, "And a quick call by hand."))
    return steps


def import_path_checked_rebuilt(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A change that does not show once; `__file__` names an installed copy; it is removed, rebuilt in place, the change shows, green."""
    nat = ctx.native()
    dist = ctx.dist if nat.root == "/testbed" else nat.label.split(" ")[0]
    installed = f"{ctx.site}/{ctx.so(nat)}"
    tail = nat.root.rsplit("-", 1)[-1]
    tree = tail if tail[:1].isdigit() else f"{rng.randint(0, 5)}.{rng.randint(0, 20)}.dev{rng.randint(1, 900)}"
    major, _, rest = tree.partition(".")
    old = (
        f"{major}.{int(rest.split('.')[0]) - 1 if rest[:1].isdigit() and int(rest.split('.')[0]) > 0 else rest.split('.')[0]}.{rng.randint(0, 9)}"
        if rest
        else "0.9.0"
    )
    steps = [
        build_step(
            ctx, rng, nat, f"Rebuild {nat.label} so my fix is compiled in.", command=f"{nat.build} 2>&1 | tail -3"
        ),
        suite_step(
            ctx,
            rng,
            nat,
            "Run the tests that failed before the fix.",
            failing=[
                (
                    f"test_{rng.choice(['regression', 'edge_case', 'roundtrip'])}",
                    f"AssertionError: assert {rng.randint(0, 3)} == {rng.randint(4, 9)}",
                )
            ],
        ),
        Step(
            "Same failure, as if the rebuild did nothing. Which file is being imported?",
            f'python -c "import {nat.module} as m; print(m.__file__)"',
            installed,
        ),
        Step(
            f"An installed copy in site-packages shadows the one I just built in {nat.root}. Is it a separate install of {dist}?",
            f"pip show -f {dist} 2>/dev/null | grep -E '^(Version|Location)|\\.so$'",
            f"Version: {old}\nLocation: {ctx.site}\n  {ctx.so(nat)}",
        ),
    ]
    if nat.root == "/testbed":
        steps.append(
            Step(
                "Replace it with an editable install of the checkout, built against the environment.",
                f"pip uninstall -y {dist} >/dev/null && pip install -e . --no-build-isolation --no-deps 2>&1 | tail -1",
                f"Successfully installed {dist}",
                seconds=rng.uniform(40, 160),
            )
        )
    else:
        steps.append(
            Step(
                "Remove the installed copy and install the tree I'm building from.",
                f"pip uninstall -y {dist} >/dev/null && cd {nat.root} && pip install --no-build-isolation --no-deps . 2>&1 | tail -1",
                f"Successfully installed {dist}",
                seconds=rng.uniform(20, 120),
            )
        )
    steps += [
        Step(
            "Check the import resolves to the new build now.",
            f'python -c "import {nat.module} as m; print(m.__file__)"',
            ctx.so_path(nat),
        )
        if nat.root == "/testbed"
        else Step(
            "Check the installed copy is now the tree I built.",
            f"pip show {dist} 2>/dev/null | grep -E '^(Version|Location)'",
            f"Version: {tree}\nLocation: {ctx.site}",
        ),
        _green(ctx, rng, nat, "Run the tests again."),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Make sure no stale copy is left elsewhere.",
                f"find / -name '{nat.so_stem.rsplit('/', 1)[-1]}*.so' -not -path '/proc/*' 2>/dev/null",
                f"{ctx.so_path(nat) if nat.root == '/testbed' else installed}\n{nat.root}/{ctx.libbuild}/{ctx.so(nat)}",
                seconds=rng.uniform(3, 15),
            )
        )
    return steps

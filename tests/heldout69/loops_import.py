# ruff: noqa: E501
"""Loop family on which copy is imported: a rebuilt module whose change never shows, another copy of it loaded each time."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout69.checks import suite_step
from heldout69.looks import churn
from heldout69.natives import CONDA, Native
from heldout69.text import Attempt, Ctx, py_edit


def copies(ctx: Ctx, nat: Native) -> list[str]:
    """Every place a built copy of the module may sit: in place, build/lib, site-packages, an egg, other tags."""
    site = ctx.site
    base = nat.so_stem
    top = nat.module.split(".")[0]
    return [
        ctx.so_path(nat),
        f"{nat.root}/{ctx.libbuild}/{ctx.so(nat)}",
        f"{site}/{ctx.so(nat)}",
        f"{site}/{top}-{ctx.python_full[:3]}0-py{ctx.python}-linux-x86_64.egg/{ctx.so(nat)}",
        f"{nat.root}/{base}.abi3.so",
        f"{nat.root}/{base}.so",
    ]


def inplace_build_not_imported(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A change to the C source never shows after rebuilding: in place, build/, pip, develop; each look finds another copy imported."""
    nat = ctx.native()
    src = nat.source if nat.root == "/testbed" else f"{nat.root}/{nat.source}"
    where = copies(ctx, nat)
    top = nat.module.split(".")[0]
    dist = ctx.dist if nat.root == "/testbed" else nat.label.split(" ")[0]
    marker = rng.choice(["DEBUG", "TRACE", "HERE"])

    def unchanged(thought: str) -> Step:
        if rng.random() < 0.55:
            command = f'{nat.cd}python -c "{nat.check}" 2>&1 | head -{rng.choice([5, 8, 10])}'
            return Step(thought, command, nat.shows, seconds=rng.uniform(0.5, 4))
        return suite_step(
            ctx,
            rng,
            nat,
            thought,
            failing=[
                (
                    f"test_{rng.choice(['basic', 'regression', 'edge', 'roundtrip', 'empty'])}",
                    rng.choice(
                        [
                            "AssertionError: assert 0 == 1",
                            f"AssertionError: assert {rng.randint(2, 9)} == {rng.randint(10, 30)}",
                            "AssertionError: assert None is not None",
                        ]
                    ),
                )
            ],
        )

    def rebuild(k: int) -> list[Step]:
        command, out = rng.choice(
            [
                (
                    f"{nat.cd}python setup.py build 2>&1 | tail -3",
                    f"running build_ext\nbuilding '{nat.module}' extension\ncopying {ctx.temp}/{nat.so_stem}.o -> {ctx.libbuild}/{ctx.so(nat)}",
                ),
                (
                    f"{nat.cd}pip install . 2>&1 | tail -2",
                    f"Successfully built {dist}\nSuccessfully installed {dist}-{rng.randint(0, 5)}.{rng.randint(0, 20)}.dev{rng.randint(0, 900)}",
                ),
                (
                    f"{nat.cd}python setup.py build_ext --inplace --force 2>&1 | tail -2",
                    f"{'g++' if nat.cxx else 'gcc'} -pthread -shared ... -o {ctx.libbuild}/{ctx.so(nat)}\ncopying {ctx.libbuild}/{ctx.so(nat)} -> {nat.so_stem.rsplit('/', 1)[0] if '/' in nat.so_stem else '.'}",
                ),
                (
                    f"{nat.cd}python setup.py develop 2>&1 | tail -3",
                    f"Installed {nat.root}\nProcessing dependencies for {dist}\nFinished processing dependencies for {dist}",
                ),
                (f"{nat.cd}pip install -e . --no-build-isolation 2>&1 | tail -1", f"Successfully installed {dist}"),
            ]
        )
        return [
            Step("Rebuild so the change is compiled in.", command, out, seconds=rng.uniform(8, 150)),
            unchanged(f"Now the {marker} line should show up."),
        ]

    def which(k: int) -> list[Step]:
        path = rng.choice(where)
        loaded = path.rsplit("/", 1)[0] + "/__init__.py" if "." in nat.module and rng.random() < 0.3 else path
        return [
            Step(
                "Which file is actually imported?",
                f'{nat.cd}python -c "import {nat.module} as m; print(m.__file__)"',
                loaded,
            )
        ]

    def verbose(k: int) -> list[Step]:
        path = rng.choice(where)
        return [
            Step(
                "Ask the import system where it loads the extension from.",
                f"{nat.cd}python -v -c 'import {nat.module}' 2>&1 | grep -E '{nat.module.rsplit('.', 1)[-1]}.*\\.so'",
                f"# extension module '{nat.module}' loaded from '{path}'\n# extension module '{nat.module}' executed from '{path}'",
            )
        ]

    def find(k: int) -> list[Step]:
        found = rng.sample(where, rng.randint(2, 4))
        return [
            Step(
                "Let me find every copy of the built module.",
                f"find / -name '{nat.so_stem.rsplit('/', 1)[-1]}*.so' -not -path '/proc/*' 2>/dev/null",
                "\n".join(found),
                seconds=rng.uniform(3, 20),
            )
        ]

    def suffixes(k: int) -> list[Step]:
        return [
            Step(
                "In what order does this Python try extension suffixes?",
                'python -c "import importlib.machinery as m; print(m.EXTENSION_SUFFIXES)"',
                f"['.{ctx.tag}.so', '.abi3.so', '.so']",
            )
        ]

    def strings(k: int) -> list[Step]:
        path = rng.choice(where)
        hit = rng.random() < 0.5
        return [
            Step(
                f"Is my {marker} string even in the copy being loaded?",
                f"strings {path} | grep -c '{marker}'",
                "1" if hit else "0",
                rc=0 if hit else 1,
            )
        ]

    def uninstall(k: int) -> list[Step]:
        after = rng.choice(
            [
                nat.shows,
                f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '{top}'",
                nat.shows,
            ]
        )
        return [
            Step(
                f"Remove the installed {dist} so only the in-place build is left.",
                f"pip uninstall -y {dist} 2>&1 | tail -2",
                f"Found existing installation: {dist} {rng.randint(0, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}\nSuccessfully uninstalled {dist}-{rng.randint(0, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            ),
            Step("Import again.", f'{nat.cd}python -c "{nat.check}"', after, rc=0 if after == nat.shows else 1),
        ]

    def remove(k: int) -> list[Step]:
        path = rng.choice(where[1:])
        return [
            Step(
                f"Delete the stale copy at {path}.",
                f"rm -f {path} && ls {path.rsplit('/', 1)[0]} | grep -c '{nat.so_stem.rsplit('/', 1)[-1]}'",
                str(rng.randint(0, 2)),
            ),
            unchanged("Check again."),
        ]

    def pth(k: int) -> list[Step]:
        return [
            Step(
                "Maybe a .pth file puts another path first.",
                f"cat {ctx.site}/easy-install.pth {ctx.site}/__editable__*.pth 2>/dev/null; python -c 'import sys; print(sys.path[:5])'",
                f"{nat.root}\n{rng.choice(['', '/testbed', ctx.site + '/' + top + '-0.1-py' + ctx.python + '.egg'])}\n['', '{CONDA}/lib/python{ctx.python.replace('.', '')}.zip', '{CONDA}/lib/python{ctx.python}', '{CONDA}/lib/python{ctx.python}/lib-dynload', '{ctx.site}']",
            )
        ]

    def marker_again(k: int) -> list[Step]:
        return [
            Step(
                f"Make the {marker} print impossible to miss and flush it.",
                py_edit(src, f'fprintf(stderr, "{marker} ', f'fflush(stderr); fprintf(stderr, "\\n\\n{marker} '),
                "patched",
            ),
            Step(
                "Rebuild in place.",
                f"{nat.cd}python setup.py build_ext --inplace --force 2>&1 | grep -iE 'error|copying'",
                f"copying {ctx.libbuild}/{ctx.so(nat)} -> {nat.so_stem.rsplit('/', 1)[0] if '/' in nat.so_stem else '.'}",
                seconds=rng.uniform(10, 90),
            ),
            unchanged("Run it."),
        ]

    first = [
        Step(
            "Let me add a debug print to the C function to confirm my change is reached.",
            py_edit(src, "{\n", f'{{\n    fprintf(stderr, "{marker} %s\\n", __func__);\n'),
            "patched",
        ),
        Step(
            "Rebuild in place.",
            f"{nat.cd}python setup.py build_ext --inplace 2>&1 | tail -3",
            f"building '{nat.module}' extension\n{'g++' if nat.cxx else 'gcc'} -pthread -shared ... -o {ctx.libbuild}/{ctx.so(nat)}\ncopying {ctx.libbuild}/{ctx.so(nat)} -> {nat.so_stem.rsplit('/', 1)[0] if '/' in nat.so_stem else '.'}",
            seconds=rng.uniform(10, 90),
        ),
        unchanged(f"Run it; the {marker} line should be printed."),
    ]
    attempts: list[Attempt] = [rebuild, which, verbose, find, suffixes, strings, uninstall, remove, pth, marker_again]
    return churn(ctx, rng, n, nat, first, attempts, f"getting the rebuilt {nat.module} to be the one imported")

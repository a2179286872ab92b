# ruff: noqa: E501
"""Loop family on stub packages: mypy cannot see a third-party module's types, and every way around it surfaces other errors."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.looks import churn
from heldout62.text import Attempt, Ctx, Diag, mypy_output, mypy_step, noise

_MISSING_NOTE = "See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports"


def _stub_version(rng: random.Random) -> str:
    return f"{rng.choice(['2.9.0', '6.0.12', '2024.2.0', '0.21', '2.32.0', '1.26.25'])}.{rng.choice(['20240316', '20240917', '20241003', '20250115'])}"


def stub_package_hunt(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Missing stubs for the modules the changed file imports: installs, config sections, ignores and local stubs never reach a clean run."""
    src, cfg = ctx.source, ctx.config
    mods = ctx.stubs
    typed = [m for m in mods if m[1]] or mods
    untyped = [m for m in mods if not m[1]] or mods
    mod, hint = rng.choice(typed)
    bare = rng.choice(untyped)[0]
    old = ctx.mypy_version.startswith("1.4")
    code = "import" if old else "import-untyped"
    body = f"import {bare}\nfrom {mod} import {rng.choice(['load', 'parse', 'Loader', 'get', 'utils'])}\n\nfrom {ctx.run.module} import {ctx.base}\n\n\ndef {ctx.func}(value: str) -> {ctx.dct('str', 'Any')}:\n    return {mod}.load(value) or dict()\n"
    sites = [src, ctx.other(rng), ctx.other(rng)]

    def missing(path: str = "") -> Diag:
        notes: tuple[str, ...] = (
            (
                f'Hint: "python3 -m pip install {hint}"',
                '(or run "mypy --install-types" to install all missing stub packages)',
                _MISSING_NOTE,
            )
            if hint
            else (_MISSING_NOTE,)
        )
        return Diag(rng.randint(1, 30), f'Library stubs not installed for "{mod}"', code, notes, path)

    def skipping(path: str = "") -> Diag:
        return Diag(
            rng.randint(1, 30),
            f'Skipping analyzing "{bare}": module is installed, but missing library stubs or py.typed marker',
            code,
            (_MISSING_NOTE,),
            path,
        )

    pool = {
        "missing": lambda: missing(rng.choice(sites)),
        "skipping": lambda: skipping(rng.choice(sites)),
        "any": lambda: Diag(
            rng.randint(20, 600),
            f'Returning Any from function declared to return "{ctx.dct("str", "Any")}"',
            "no-any-return",
        ),
        "subclass": lambda: Diag(
            rng.randint(20, 600),
            f'Class cannot subclass "{rng.choice(["Loader", "Dumper", "BaseTransform", "Mapping"])}" (has type "Any")',
            "misc",
        ),
        "attr": lambda: Diag(
            rng.randint(20, 600),
            f'Module "{mod}" has no attribute "{rng.choice(["CSafeLoader", "FullLoader", "compat", "Node", "UnicodeType"])}"',
            "attr-defined",
        ),
        "arg": lambda: Diag(
            rng.randint(20, 600),
            f'Argument 1 to "load" has incompatible type "{rng.choice(["str", "bytes", "IO[str]"])}"; expected "{rng.choice(["IO[bytes]", "SupportsRead[str]", "str | bytes"])}"',
            "arg-type",
        ),
        "unused": lambda: Diag(
            rng.randint(1, 30), 'Unused "type: ignore" comment', "unused-ignore", (), rng.choice(sites)
        ),
        "not_covered": lambda: Diag(
            rng.randint(1, 30),
            f'Library stubs not installed for "{mod}"',
            code,
            ('Error code "import" not covered by "type: ignore" comment',)
            if old
            else ('Error code "import-untyped" not covered by "type: ignore" comment',),
            src,
        ),
        "local": lambda: Diag(
            rng.randint(20, 600),
            f'Module "{mod}" has no attribute "{rng.choice(["safe_load", "dump", "Loader", "YAMLError", "parse", "__version__"])}"',
            "attr-defined",
            (),
            rng.choice(sites),
        ),
        "untyped_call": lambda: Diag(
            rng.randint(20, 600),
            f'Call to untyped function "{rng.choice(["load", "parse", "get"])}" in typed context',
            "no-untyped-call",
        ),
    }

    def run(thought: str, keys: list[str], extra: int | None = None) -> Step:
        picked = rng.sample(keys, max(1, len(keys) - rng.randint(0, 1)))
        return mypy_step(ctx, rng, thought, [pool[k]() for k in picked], extra)

    def pip_install(k: int) -> list[Step]:
        pkg = hint or f"types-{bare}"
        ok = hint is not None and rng.random() < 0.6
        if ok:
            version = _stub_version(rng)
            out = f"Collecting {pkg}\n  Downloading {pkg.replace('-', '_')}-{version}-py3-none-any.whl ({rng.randint(12, 240)} kB)\nInstalling collected packages: {pkg}\nSuccessfully installed {pkg}-{version}"
            then = run("Stubs are in; rerun mypy.", ["skipping", "arg", "attr", "any", "untyped_call"])
        elif hint and hint.startswith("pandas"):
            out = f"ERROR: Ignored the following versions that require a different python version: 2.2.2.240603 Requires-Python >=3.10; 2.2.3.241126 Requires-Python >=3.10\nERROR: Could not find a version that satisfies the requirement {pkg}==2.2.3.241126 (from versions: 1.2.0.62, 1.5.3.230321, 2.0.3.230814)\nERROR: No matching distribution found for {pkg}==2.2.3.241126"
            then = run(
                "That pin doesn't exist for this Python; mypy is unchanged anyway.", ["missing", "skipping", "any"]
            )
        else:
            out = f"ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}"
            then = run(f"There is no {pkg} at all. Let me see the errors again.", ["missing", "skipping", "skipping"])
        return [
            Step(
                f"Install the stub package for {mod if hint else bare}.",
                f"pip install {pkg}{'==2.2.3.241126' if pkg.startswith('pandas') and not ok else ''}",
                out,
                rc=0 if ok else 1,
                seconds=rng.uniform(2, 15),
            ),
            then,
        ]

    def after(keys: list[str]) -> str:
        """mypy's report once the import errors are out of the way and the Any-typed values show."""
        return mypy_output(
            ctx,
            [pool[k]() for k in rng.sample(keys, rng.randint(1, len(keys)))] + noise(ctx, rng, rng.choice([0, 1, 3])),
        )

    def install_types(k: int) -> list[Step]:
        pkg = hint or f"types-{mod}"
        log = f"Installing missing stub packages:\n/opt/miniconda3/envs/testbed/bin/python -m pip install {pkg}\n\nSuccessfully installed {pkg}-{_stub_version(rng)}\n\n"
        return [
            Step(
                "mypy can install what it thinks is missing itself.",
                f"mypy --install-types --non-interactive {src} 2>&1 | tail -8",
                "\n".join((log + after(["any", "untyped_call", "subclass", "skipping"])).split("\n")[-8:]),
                seconds=rng.uniform(8, 40),
            ),
            run(
                "The installed stubs exposed other things; let me see the full list.",
                ["skipping", "arg", "any", "attr"],
            ),
        ]

    def config_section(k: int) -> list[Step]:
        section = (
            f"[mypy-{bare}.*]\nignore_missing_imports = True\n"
            if cfg == "setup.cfg"
            else f'[[tool.mypy.overrides]]\nmodule = ["{bare}.*", "{mod}.*"]\nignore_missing_imports = true\n'
        )
        return [
            Step(
                f"Tell mypy to ignore the missing imports for {bare} in {cfg}.",
                f"cat >> {cfg} <<'EOF'\n\n{section}EOF",
                "",
            ),
            run("Rerun mypy.", ["skipping", "missing", "any"]),
        ]

    def which_config(k: int) -> list[Step]:
        found = rng.choice(["mypy.ini", cfg, ".mypy.ini"])
        return [
            Step(
                "The override had no effect. Which config file is mypy actually reading?",
                f"mypy --verbose {src} 2>&1 | grep -i -m3 'config\\|version'",
                f"LOG:  Mypy Version:           {ctx.mypy_version}\nLOG:  Config File:            {found}\nLOG:  Configured Executable:  /opt/miniconda3/envs/testbed/bin/python",
            ),
            Step(
                f"It reads {found}. Move the section there.",
                f"printf '\\n[mypy-{bare}.*]\\nignore_missing_imports = True\\n\\n[mypy-{mod}.*]\\nignore_missing_imports = True\\n' >> {found if found.endswith(('.ini', '.cfg')) else 'mypy.ini'}",
                "",
            ),
            run("And now?", ["any", "subclass", "untyped_call", "missing"], rng.choice([3, 6, 9])),
        ]

    def ignore_line(k: int) -> list[Step]:
        wrong = "import-not-found" if not old else "import-untyped"
        return [
            Step(
                f"Ignore the import on the line itself in {src}.",
                f"sed -i 's/^from {mod} import \\(.*\\)$/from {mod} import \\1  # type: ignore[{wrong}]/' {src}",
                "",
            ),
            run("Check.", ["not_covered", "skipping", "missing", "any"]),
        ]

    def local_stub(k: int) -> list[Step]:
        return [
            Step(
                f"Write a minimal stub for {mod} in a stubs/ directory and point MYPYPATH at it.",
                f"mkdir -p stubs/{mod} && printf 'from typing import Any\\n\\ndef load(stream: Any, Loader: Any = ...) -> Any: ...\\n' > stubs/{mod}/__init__.pyi && MYPYPATH=stubs mypy {src}",
                after(["local", "local", "local", "any", "skipping"]),
                rc=1,
                seconds=rng.uniform(3, 20),
            ),
        ]

    def whole_tree(k: int) -> list[Step]:
        return [
            Step(
                "Run mypy on the package with the local stubs to see the whole picture.",
                f"MYPYPATH=stubs mypy {ctx.run.package} stubs 2>&1 | tail -4",
                f'stubs/{mod}/__init__.pyi: error: Source file found twice under different module names: "stubs.{mod}" and "{mod}"\nstubs/{mod}/__init__.pyi: note: See https://mypy.readthedocs.io/en/stable/running_mypy.html#mapping-file-paths-to-modules for more info\nstubs/{mod}/__init__.pyi: note: Common resolutions include: a) using `--exclude` to avoid checking one of them, b) adding `__init__.py` somewhere, c) using `--explicit-package-bases` or adjusting MYPYPATH\nFound 1 error in 1 file (errors prevented further checking)',
                rc=2,
                seconds=rng.uniform(2, 9),
            ),
        ]

    def flag(k: int) -> list[Step]:
        return [
            Step(
                "Just pass --ignore-missing-imports for this check.",
                f"mypy --ignore-missing-imports {src}",
                after(["any", "untyped_call", "subclass"]),
                rc=1,
                seconds=rng.uniform(3, 20),
            ),
            run(
                "Without the flag it's the same as before, so the project run would still complain.",
                ["missing", "skipping", "unused"],
            ),
        ]

    def listing(k: int) -> list[Step]:
        return [
            Step(
                "Which stub packages are installed at all?",
                "pip list 2>/dev/null | grep -i -E '^(types-|mypy|typing)'",
                "\n".join(
                    f"{name:<29}{version}"
                    for name, version in sorted(
                        [
                            ("mypy", ctx.mypy_version),
                            ("mypy-extensions", "1.0.0"),
                            ("typing_extensions", "4.12.2"),
                            *rng.sample(
                                [("types-setuptools", "75.8.0.20250110"), ("types-six", "1.17.0.20241205")],
                                rng.randint(0, 1),
                            ),
                        ]
                    )
                ),
            )
        ]

    first = [
        run("Let me type-check the file I changed.", ["missing", "skipping", "skipping"], 0),
        Step(
            "What does it import?",
            f"sed -n '1,20p' {src} | grep -n import",
            "\n".join(f"{i + 1}:{line}" for i, line in enumerate(body.split("\n\n\n")[0].split("\n")) if line),
        ),
    ]
    attempts: list[Attempt] = [
        pip_install,
        install_types,
        config_section,
        which_config,
        ignore_line,
        local_stub,
        whole_tree,
        flag,
        listing,
    ]
    return churn(ctx, rng, n, first, attempts, f"the missing stubs for {mod} and {bare}", body, mod)

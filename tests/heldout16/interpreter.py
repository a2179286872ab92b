"""Loop tail: wrong-interpreter. pip installs for one python, the checks run another."""

from __future__ import annotations

import random

from heldout16.context import Ctx
from heldout16.replies import pick, run
from heldout16.tails import weave
from heldout16.walls import DEPS, SIZES, wheel
from heldout16.wire import Step

ROOT_WARNING = (
    "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the "
    "system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv\n"
)


def wrong_interpreter(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`pip` belongs to the system python; the checks run the testbed env's, where the module never appears."""
    dep = DEPS.get(ctx.name, DEPS["django"])
    name, mod, version, _ = dep
    system = "/usr/local/lib/python3.10/dist-packages"
    conda = "/opt/miniconda3/envs/testbed/bin"
    satisfied = f"Requirement already satisfied: {name} in {system} ({version})\n{ROOT_WARNING}"
    size = SIZES[name]
    downloaded = (
        f"Collecting {name}\n  Downloading {wheel('3.10', dep)}.whl ({size})\n     {'━' * 40} {size.split()[0]}/{size} "
        f"{rng.uniform(8, 60):.1f} MB/s eta 0:00:00\nInstalling collected packages: {name}\nSuccessfully installed {name}-{version}\n{ROOT_WARNING}"
    )
    reinstalled = (
        f"Collecting {name}\n  Using cached {wheel('3.10', dep)}.whl ({size})\nInstalling collected packages: {name}\n  Attempting uninstall: {name}\n"
        f"    Found existing installation: {name} {version}\n    Uninstalling {name}-{version}:\n      Successfully uninstalled {name}-{version}\n"
        f"Successfully installed {name}-{version}\n{ROOT_WARNING}"
    )

    def missing(k: int) -> str:
        return f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '{mod}'\n"

    start = [
        run(
            pick(
                rng,
                f"Some of the relevant checks need `{name}`, which isn't installed. Installing it.",
                f"I'll install `{name}` so I can run the checks that depend on it.",
            ),
            f"pip install {name}",
            downloaded,
            0,
            7,
        ),
        run("Now verify it imports.", f'python -c "import {mod}; print({mod}.__version__)"', missing(0), 1),
    ]

    def attempt(k: int) -> Step:
        options = [
            (
                "The install said it succeeded. Maybe it was incomplete; reinstall.",
                f"pip install --force-reinstall {name}",
                reinstalled,
                0,
            ),
            ("Try pip3 explicitly.", f"pip3 install {name}", satisfied, 0),
            (
                "Use the interpreter's own pip module so it goes into the right environment.",
                f"python -m pip install {name}",
                f"{conda}/python: No module named pip\n",
                1,
            ),
            ("Then python3's pip.", f"python3 -m pip install {name}", satisfied, 0),
            (
                f"Let me be explicit about the version: python{ctx.python}.",
                f"python{ctx.python} -m pip install {name}",
                f"{conda}/python{ctx.python}: No module named pip\n",
                1,
            ),
            (
                "Conda might be the right installer for this environment.",
                f"conda install -y {name}",
                "bash: line 1: conda: command not found\n",
                127,
            ),
            ("Install it for the user instead.", f"pip install --user {name}", satisfied, 0),
            (
                "Uninstall and install again cleanly.",
                f"pip uninstall -y {name} && pip install --no-cache-dir {name}",
                f"Found existing installation: {name} {version}\nUninstalling {name}-{version}:\n  Successfully uninstalled {name}-{version}\n{ROOT_WARNING}"
                + downloaded,
                0,
            ),
        ]
        thought, command, text, code = options[k % len(options)] if rng.random() < 0.5 else rng.choice(options)
        return run(thought, command, text, code, 5)

    def look(k: int) -> Step:
        paths = f"\n/opt/miniconda3/envs/testbed/lib/python{ctx.python.replace('.', '')}.zip\n/opt/miniconda3/envs/testbed/lib/python{ctx.python}\n/opt/miniconda3/envs/testbed/lib/python{ctx.python}/lib-dynload\n{ctx.site}\n/testbed\n"
        options = [
            (
                "which -a python python3 pip pip3",
                f"{conda}/python\n/usr/bin/python3\n/usr/local/bin/pip\n/usr/bin/pip\n/usr/local/bin/pip3\n/usr/bin/pip3\n",
            ),
            (
                "pip --version && python --version",
                f"pip 22.0.2 from /usr/lib/python3/dist-packages/pip (python 3.10)\nPython {ctx.patch}\n",
            ),
            (
                "python -c \"import sys; print(sys.executable); print('\\n'.join(sys.path))\"",
                f"{conda}/python\n{paths}",
            ),
            (
                f"pip show {name} | head -n 3 && pip show {name} | grep Location",
                f"Name: {name}\nVersion: {version}\nSummary: {rng.choice(['A Python library', 'Python package'])}\nLocation: {system}\n",
            ),
            (f"ls {ctx.site} | grep -i {mod.lower()}", ""),
        ]
        command, text = rng.choice(options)
        return run(
            pick(
                rng,
                "Let me check where things are installed.",
                "Which interpreter is this?",
                "Let me look at the paths.",
            ),
            command,
            text,
            0 if text else 1,
        )

    def check(k: int) -> Step:
        return run(
            pick(rng, "Check the import again.", "Does it import now?", f"Verify `{mod}` is importable."),
            pick(rng, f'python -c "import {mod}"', f'python -c "import {mod}; print({mod}.__file__)"'),
            missing(k),
            1,
        )

    why = f"`{name}` never became importable for the test interpreter, so I couldn't run those checks."
    musings = [
        "pip says it's installed, yet python can't import it.",
        "This is confusing.",
        "The install keeps reporting success.",
    ]
    return weave(rng, n, start, [attempt] * 6, [look], check, why, musings)

"""Loops where rebuilding the package's compiled extensions fails, each fix moving the failure elsewhere."""

from __future__ import annotations

import random

from heldout18.builds import EXTENSIONS, Build, build_step, cython_pinned
from heldout18.runs import Run
from heldout18.scenes import OPENING, TAIL, pick
from heldout18.wire import Step, step, submit


def build_ext_failure(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """Rebuilding the extensions fails; each fix of a .pyx, a generated .c or setup.py moves the failure elsewhere."""
    if run.owner not in EXTENSIONS:
        return None
    onset = rng.randint(OPENING[0], min(OPENING[1], len(run.calls) - 1))
    length = rng.randint(*TAIL)
    build = Build(run, rng)
    # What still fails: .pyx files Cython 3 rejects, generated C the compiler rejects; a fix removes the first.
    cython_left = [p for p in rng.sample(EXTENSIONS[run.owner], len(EXTENSIONS[run.owner])) if p.endswith(".pyx")]
    c_left = rng.sample(EXTENSIONS[run.owner], len(EXTENSIONS[run.owner]))
    pinned = False
    generated: dict[str, str] = {}  # C files Cython wrote again (by version) or the agent deleted ("")

    def failure(isolated: bool) -> str:
        """Cython 3 runs in pip's isolated build whatever is pinned; setup.py uses the installed one."""
        cython3 = (isolated or not pinned) and bool(cython_left)
        source = cython_left[0] if cython3 else c_left[0]
        others = rng.sample(EXTENSIONS[run.owner], 1)
        for done in [*others, *([] if cython3 else [source])]:
            if done.endswith(".pyx"):
                generated[done.replace(".pyx", ".c")] = "3.0.11" if cython3 or isolated else "0.29.37"
        return build.preamble([source, *others]) + (build.cython_error(source) if cython3 else build.c_error(source))

    steps = [
        build_step(
            rng,
            "Before running the tests I'll rebuild the compiled extensions in place so they match the source.",
            failure(False),
            True,
        )
    ]
    tried: list[str] = []
    while len(steps) < length - 1:
        roll = rng.random()
        if roll < 0.4:
            cython3 = not pinned and bool(cython_left)
            options = ["noexcept", "legacy", "pin"] if cython3 else ["stale", "clean", "cflags", "numpy"]
            move = rng.choice([o for o in options if o not in tried[-1:]])
            tried.append(move)
            if move == "noexcept":
                source = cython_left.pop(0)
                steps.append(
                    step(
                        f"Cython 3 wants `noexcept` on these nogil functions. I'll add it in `{source}`.",
                        f"sed -i 's/) nogil:/) noexcept nogil:/' {source} {source.replace('.pyx', '.pxd')}",
                        0,
                        "",
                    )
                )
            elif move == "legacy":
                build.setup_line += 1
                steps.append(
                    step(
                        "Let me ask Cython for the legacy exception behaviour in setup.py instead.",
                        'sed -i "s/compiler_directives=dict(/compiler_directives=dict(legacy_implicit_noexcept=True, /" setup.py',
                        0,
                        "",
                    )
                )
            elif move == "pin":
                output = (
                    ("Requirement already satisfied: cython<3.0 in " + f"{run.site} (0.29.37)\n")
                    if pinned
                    else cython_pinned(run)
                )
                pinned = True
                steps.append(
                    step(
                        "This code predates Cython 3. I'll pin an older Cython.",
                        'pip install "cython<3.0"',
                        0,
                        output,
                        12,
                    )
                )
            elif move == "stale":
                source = c_left.pop(0) if len(c_left) > 1 else c_left[0]
                c = source.replace(".pyx", ".c")
                generated[c] = ""
                steps.append(
                    step(
                        f"`{c}` was generated for another Python. Deleting it so it is regenerated.",
                        f"rm -f {c}" if c.endswith(".c") else f"touch {c}",
                        0,
                        "",
                    )
                )
            elif move == "clean":
                command = pick(rng, "rm -rf build/", "python setup.py clean --all")
                output = f"running clean\nremoving 'build/temp.linux-x86_64-{build.tag}' (and everything under it)\n"
                steps.append(
                    step(
                        "Let me start from a clean build directory.",
                        command,
                        0,
                        "" if command.startswith("rm") else output,
                    )
                )
            elif move == "cflags":
                steps.append(
                    step(
                        "Maybe the compiler needs the numpy headers explicitly.",
                        f'export CFLAGS="-I{run.site}/numpy/core/include" && echo $CFLAGS',
                        0,
                        f"-I{run.site}/numpy/core/include\n",
                    )
                )
            else:
                steps.append(
                    step(
                        "Let me make sure numpy's headers are where the build expects them.",
                        'python -c "import numpy; print(numpy.__version__, numpy.get_include())"',
                        0,
                        f"1.25.2 {run.site}/numpy/core/include\n",
                    )
                )
        elif roll < 0.75:
            if rng.random() < 0.3:
                steps.append(
                    step(
                        "Maybe an editable install handles it differently.",
                        "pip install -e .",
                        1,
                        build.pip_wrap(failure(True)),
                        60,
                    )
                )
            else:
                steps.append(
                    build_step(
                        rng,
                        pick(rng, "Rebuilding.", "Let me build again.", "Trying the build once more."),
                        failure(False),
                        True,
                    )
                )
        else:
            source = (cython_left or c_left)[0]
            look = rng.randrange(4)
            if look == 0:
                steps.append(
                    step(
                        "Which Cython is installed?",
                        pick(rng, "cython --version", "python -m cython --version"),
                        0,
                        "Cython version 0.29.37\n" if pinned else "Cython version 3.0.11\n",
                    )
                )
            elif look == 1 and source.endswith(".pyx"):
                c = source.replace(".pyx", ".c")
                version = generated.get(c, "0.29.24")
                shown = f"/* Generated by Cython {version} */\n\n/* BEGIN: Cython Metadata\n"
                missing = f"head: cannot open '{c}' for reading: No such file or directory\n"
                steps.append(
                    step(
                        "What generated this C file?", f"head -n 3 {c}", int(not version), shown if version else missing
                    )
                )
            elif look == 2:
                steps.append(
                    step(
                        "Let me check the compiler.",
                        "gcc --version | head -n 1",
                        0,
                        "gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0\n",
                    )
                )
            else:
                folder, name = source.rsplit("/", 1)
                stem = name.rsplit(".", 1)[0]
                steps.append(
                    step(
                        f"What is in `{folder}`?",
                        f"ls {folder} | grep {stem}",
                        0,
                        (f"{stem}.c\n" if generated.get(f"{folder}/{stem}.c") != "" else "") + f"{stem}.pyx\n"
                        if source.endswith(".pyx")
                        else f"{name}\n",
                    )
                )
    steps.append(
        submit("The extension build keeps failing in a different place. I'll submit the Python-level change as it is.")
    )
    return onset, steps

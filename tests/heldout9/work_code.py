"""Productive episodes of reading and editing: reads of ever new files (deep-exploration), a debug
script whose printed values change (debug-prints), failures going down (red-green), one edit per
file then the same clean check (multi-file-refactor)."""

from __future__ import annotations

import random

from .edits import code_lines, edit
from .instance import Instance
from .protocol import Step
from .texts import failing_test, grep, passing_test, span, view


def deep_exploration(inst: Instance, rng: random.Random, _: int) -> list[Step]:
    files = inst.neighbours()
    rng.shuffle(files)
    steps: list[Step] = []
    for path in files[: rng.randint(10, 25)]:
        first, last = span(inst, path)
        start = rng.randint(first, max(first, last - 60))
        if rng.random() < 0.3 and inst.functions():
            word = path.rsplit("/", 1)[-1].removesuffix(".py")
            found = grep(inst, path, "def ")
            steps.append(
                Step(
                    f"Let me list the functions defined in `{path}` to see how {word} is organised.",
                    f"grep -n 'def ' {path}",
                    found or "\n",
                    0 if found else 1,
                )
            )
        else:
            steps.append(
                Step(
                    f"I should check how `{path}` handles this.",
                    f"nl -ba {path} | sed -n '{start},{start + 60}p'",
                    view(inst, path, start, start + 60),
                )
            )
    return steps


def debug_prints(inst: Instance, rng: random.Random, _: int) -> list[Step]:
    function = rng.choice(inst.functions())
    module = inst.source.removeprefix("lib/").removesuffix(".py").replace("/", ".")
    steps = [
        Step(
            f"Add a debug script that prints what `{function}` sees for a few inputs.",
            f"cat <<'EOF' > debug_{function.strip('_')}.py\nimport sys\nimport {module} as mod\nn = int(sys.argv[1])\nprint('DEBUG n=', n)\nprint('DEBUG has', hasattr(mod, '{function}'))\nEOF",
        )
    ]
    for i in range(rng.randint(4, 8)):
        n = rng.randint(0, 50) + i
        state = rng.choice(["None", "[]", f"[{n}]", f"({n}, {n + 1})", f"{{'k': {n}}}"])
        steps.append(
            Step(
                f"Try with n={n}.",
                f"python debug_{function.strip('_')}.py {n}",
                f"DEBUG n= {n}\nDEBUG has True\nDEBUG state {state} len={len(state)}\nDEBUG result {rng.randint(-5, 500)}\n",
            )
        )
    steps.append(Step("The values make sense now; remove the debug script.", f"rm debug_{function.strip('_')}.py"))
    return steps


def red_green(inst: Instance, rng: random.Random, _: int) -> list[Step]:
    lines = code_lines(inst)
    failing = rng.randint(3, 6)
    names = [f"test_{rng.choice(inst.functions()).strip('_')}_{i}" for i in range(failing)]
    steps: list[Step] = []
    while failing > 0:
        code, output = failing_test(inst, rng, names[failing - 1], f"{failing} cases still wrong")
        output = output.replace("1 failed", f"{failing} failed").replace(
            "FAILED (failures=1)", f"FAILED (failures={failing})"
        )
        steps.append(
            Step(
                f"{failing} failures left. Run the tests again after the last fix.",
                inst.test_command,
                output,
                code,
                seconds=rng.uniform(2, 9),
            )
        )
        thought, change = edit(inst, rng, rng.choice(lines))
        steps.append(Step(thought, change))
        failing -= rng.randint(1, 2)
    steps.append(
        Step("All fixed? Run the tests.", inst.test_command, passing_test(inst, rng, rng.randint(8, 90)), 0, seconds=5)
    )
    return steps


def multi_file_refactor(inst: Instance, rng: random.Random, _: int) -> list[Step]:
    folder = inst.source.rsplit("/", 1)[0]
    files = [inst.source] + [p for p in inst.neighbours() if p.startswith(folder.split("/")[0]) and code_lines(inst, p)]
    rng.shuffle(files)
    package = inst.repo.package.strip("_")
    check = rng.choice(
        [
            f"python -c 'import {package}' && echo OK",
            f"python -m compileall -q {folder} && echo OK",
            f"git diff --stat | tail -1 && python -c 'import {package}'",
        ]
    )
    steps: list[Step] = []
    for i, path in enumerate(files[: rng.randint(4, 8)]):
        thought, change = edit(inst, rng, rng.choice(code_lines(inst, path)), path)
        steps.append(Step(f"Apply the same change in `{path}`. " + thought, change))
        out = "OK\n" if "OK" in check else f" {i + 1} files changed, {i + 1} insertions(+), {i + 1} deletions(-)\n"
        steps.append(Step("Make sure everything still imports.", check, out))
    return steps

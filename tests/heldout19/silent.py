"""A check script whose entry point never runs: silent-no-op (a loop).

The agent writes a script with a `main()` that exercises the fix, guarded by a misspelt
`if __name__ == ...` (or naming `main` without calling it). Every run exits 0 and prints nothing,
or only the one line printed at import; the agent blames buffering, stderr, the import, its own
prints, edits and reruns, and never looks at the guard.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from heldout19.calls import SUBMIT, Step, say
from heldout19.mocking import DJANGO_SETUP, arguments
from heldout19.replies import heredoc, ran
from heldout19.runs import Context

GUARDS = [
    'if __name__ == "main":\n    main()',
    "if __name__ == '__main___':\n    main()",
    'if __name__ == "__main__":\n    main',
    'if __name__ == "__name__":\n    main()',
]
SUSPICIONS = [
    ("Maybe the output is buffered. I'll run Python unbuffered.", "python -u {f}"),
    ("Perhaps something goes to stderr and gets lost; let me merge the streams.", "python {f} 2>&1"),
    ("Let me at least confirm the script exits cleanly.", 'python {f}; echo "exit code: $?"'),
    ("Let me force unbuffered output through the environment.", "PYTHONUNBUFFERED=1 python {f}"),
    ("Let me try with development mode on, in case a warning is being hidden.", "python -X dev {f}"),
    ("Let me run it with python3 explicitly.", "python3 {f}"),
]
EDITS = [
    ("I'll add `flush=True` to the prints.", "flush"),
    ("I'll print a marker at the very start of `main` to see whether it runs at all.", "marker"),
    ("Maybe an exception is swallowed somewhere; I'll wrap the body in try/except and print the traceback.", "trap"),
    ("I'll print the repr of each result instead of formatting it.", "repr"),
    ("I'll write the results with `sys.stdout.write` instead.", "write"),
]


class SilentScene:
    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.file = rng.choice(["verify_fix.py", "check_fix.py", "manual_check.py", "run_checks.py"])
        self.guard = rng.choice(GUARDS)
        self.banner = rng.random() < 0.5  # a print at import time: the one line every run shows
        picks = rng.sample(range(len(ctx.defs)), min(2, len(ctx.defs)))
        self.calls = []
        for index in picks:
            name = ctx.funcs[index]
            target = f"{ctx.owner}.__new__({ctx.owner}).{name}" if ctx.owner else name
            self.calls.append((name, f"{target}({arguments(ctx.defs[index])})"))
        self.imported = ctx.owner or ", ".join(sorted({name for name, _ in self.calls}))
        self.edits: list[str] = []

    def source(self) -> str:
        lines = ["import sys", "import traceback", ""] if {"trap", "write"} & set(self.edits) else []
        if self.ctx.repo == "django":
            lines += DJANGO_SETUP
        lines += [f"from {self.ctx.module} import {self.imported}", ""]
        if self.banner:
            lines += [f'print("checking {self.ctx.module}")', ""]
        lines += ["", "def main():"]
        indent = "        " if "trap" in self.edits else "    "
        if "marker" in self.edits:
            lines.append('    print(">>> main started", flush=True)')
        if "trap" in self.edits:
            lines.append("    try:")
        for name, call in self.calls:
            shown = f"{name}: {{result!r}}" if "repr" in self.edits else f"{name}: {{result}}"
            lines.append(f"{indent}result = {call}")
            if "write" in self.edits:
                lines.append(f'{indent}sys.stdout.write(f"{shown}\\n")')
            else:
                lines.append(f'{indent}print(f"{shown}"{", flush=True" if "flush" in self.edits else ""})')
        if "trap" in self.edits:
            lines += ["    except Exception:", "        traceback.print_exc()"]
        lines += ["", "", *self.guard.splitlines()]
        return "\n".join(lines) + "\n"

    def output(self, command: str) -> str:
        out = f"checking {self.ctx.module}\n" if self.banner else ""
        if "echo" in command:
            out += "exit code: 0\n"
        return out


def silent_loop(ctx: Context, rng: random.Random) -> Iterator[Step]:
    scene = SilentScene(ctx, rng)
    names = " and ".join(f"`{name}`" for name, _ in scene.calls)
    yield Step(
        say(
            f"I'll write a small script that calls {names} with a few inputs and prints the results, to check the fix by eye.",
            heredoc(scene.file, scene.source()),
        ),
        ran(""),
        0.1,
    )
    yield Step(say("Run it.", f"python {scene.file}"), ran(scene.output("")), 0.8)
    thoughts = [
        "No output at all, which is odd.",
        "Still nothing printed.",
        "Again no results.",
        "The script exits 0 but prints none of the results.",
    ]
    if scene.banner:
        thoughts = [
            f"Only the `checking {ctx.module}` line, none of the results.",
            "Same single line again.",
            "Still just the banner line.",
        ]
    while True:
        roll = rng.random()
        lead = rng.choice(thoughts)
        if roll < 0.35:
            thought, command = rng.choice(SUSPICIONS)
            command = command.format(f=scene.file)
            yield Step(say(f"{lead} {thought}", command), ran(scene.output(command)), 0.8)
        elif roll < 0.5:
            look = rng.choice([f"cat {scene.file}", f"ls -la {scene.file}", f'python -c "import {scene.file[:-3]}"'])
            if look.startswith("cat"):
                out = scene.source()
            elif look.startswith("ls"):
                out = f"-rw-r--r-- 1 root root {len(scene.source())} Nov 19 0{rng.randint(0, 9)}:{rng.randint(10, 59)} {scene.file}\n"
            else:
                out = scene.output("")
            yield Step(say(f"{lead} Let me make sure the file is what I think it is.", look), ran(out), 0.3)
        else:
            words, edit = rng.choice(EDITS)
            if edit not in scene.edits:
                scene.edits.append(edit)
            run = rng.choice([f"python {scene.file}", f"python -u {scene.file}", f"python3 {scene.file}"])
            if rng.random() < 0.5:
                yield Step(
                    say(f"{lead} {words}", heredoc(scene.file, scene.source(), run)), ran(scene.output(run)), 0.9
                )
            else:
                yield Step(say(f"{lead} {words}", heredoc(scene.file, scene.source())), ran(""), 0.1)
                yield Step(
                    say(rng.choice(["Run it again.", "Let's see now.", "Rerun."]), run), ran(scene.output(run)), 0.8
                )


def silent_closing(ctx: Context, rng: random.Random) -> str:
    return say(
        rng.choice(
            [
                "I can't get this script to print anything useful, but the existing tests pass with the change, so I'll submit.",
                "This manual check script is not giving me output and I've spent enough steps on it. Submitting the fix.",
            ]
        ),
        SUBMIT,
    )

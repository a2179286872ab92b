"""Loops where the agent's changes never reach what it runs, or what it runs selects nothing."""

from __future__ import annotations

import random
import re
import time

from heldout18.runs import Run, command_of
from heldout18.scenes import OPENING, TAIL, pick, rerun_after_edit, vary_timing
from heldout18.wire import Step, step, submit

STALE_LAYOUTS = ("pytest-dev", "matplotlib", "pallets")


def heredoc(run: Run, name: str) -> str | None:
    for answer_text, _ in run.exchanges:
        found = re.search(r"cat <<'?EOF'? > " + re.escape(name) + r"\n(.*?\n)EOF", command_of(answer_text), re.S)
        if found:
            return found.group(1)
    return None


def respell(rng: random.Random, command: str) -> str:
    """The same reproduction, typed another way."""
    python = re.match(r"python3? ", command)
    ways = [command, f"cd /testbed && {command}", f"{command} 2>&1"]
    if python:
        other = "python3 " if command.startswith("python ") else "python "
        ways += [
            other + command[python.end() :],
            f"python -B {command[python.end() :]}",
            f"PYTHONDONTWRITEBYTECODE=1 {command}",
        ]
    else:
        ways += [f"python -m {command}", command.replace("pytest ", "pytest -p no:cacheprovider ", 1)]
    return rng.choice(ways)


def edits_not_taking_effect(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """The package runs from a stale installed copy: every edit leaves the reproduction unchanged."""
    if run.owner not in STALE_LAYOUTS:
        return None
    found = rerun_after_edit(run, OPENING[1])
    if found is None or found.again < OPENING[0]:
        return None
    length = rng.randint(*TAIL)
    src, script, symbol = run.source, found.command.split()[-1], run.symbol
    folder, stem = src.rsplit("/", 1)[0], src.rsplit("/", 1)[1].removesuffix(".py")
    tag = f"cpython-{run.python.replace('.', '')}"
    clock = run.calls[found.again].ts
    debug: list[str] = []
    banner = ""
    cleared = False
    reran = {0}  # steps that reran the reproduction

    def rerun(thought: str) -> Step:
        return step(thought, respell(rng, found.command), found.returncode, banner + vary_timing(rng, found.output), 3)

    def stamp() -> str:
        return time.strftime("%b %d %H:%M", time.gmtime(clock + 25 * len(steps)))

    steps = [
        rerun(
            pick(
                rng,
                "Now let me run the reproduction again to confirm the fix works.",
                "The change is in place. Let me rerun the reproduction script to verify it.",
                f"With `{src}` updated, I'll rerun the reproduction to check the behaviour changed.",
            )
        )
    ]
    same = (
        "The output is exactly the same as before my change.",
        "Still the identical output.",
        "Nothing changed in the output.",
        "The result is unchanged again.",
        "Same output, again.",
    )
    attempts = ["top_print", "func_print", "clear", "touch", "import"]
    if found.command.startswith("python"):  # pytest would capture a test module's print
        attempts.append("script_print")
    looks = ["grep", "status", "diffstat", "ls", "which", "pycache", "cat", "defs"]
    bag: list[str] = []
    while len(steps) < length - 1:
        # Only a rerun's output is "the same"; after a look the thought starts afresh.
        opener = rng.choice(same) + " " if len(steps) - 1 in reran else ""
        if rng.random() < 0.45 or len(steps) >= length - 2:
            look = rng.choice(looks)
            if look == "grep" and debug:
                out = "".join(f"{line}\n" for line in sorted(debug, key=lambda line: int(line.split(":")[0])))
                steps.append(
                    step(
                        f"{opener}Let me make sure my debug lines really are in `{src}`.",
                        pick(rng, f'grep -n "DEBUG" {src}', f"grep -n DEBUG {src}"),
                        0,
                        out,
                    )
                )
            elif look == "status":
                steps.append(
                    step(
                        f"{opener}Let me check which files git sees as modified.",
                        "git status --short",
                        0,
                        f" M {src}\n?? {script}\n",
                    )
                )
            elif look == "diffstat":
                added = 2 + len(debug)
                steps.append(
                    step(
                        f"{opener}Let me confirm the diff against HEAD is what I expect.",
                        pick(rng, f"git diff --stat {src}", "git diff --stat"),
                        0,
                        f" {src} | {added + 3} {'+' * (added + 1)}{'-' * 2}\n 1 file changed, {added + 1} insertions(+), 2 deletions(-)\n",
                    )
                )
            elif look == "ls":
                size = 20000 + len(src) * 311 + 60 * len(debug)
                steps.append(
                    step(
                        f"{opener}Is the file on disk actually the one I edited? Checking its timestamp.",
                        f"ls -la {src}",
                        0,
                        f"-rw-r--r-- 1 root root {size} {stamp()} {src}\n",
                    )
                )
            elif look == "which":
                steps.append(
                    step(
                        f"{opener}Let me make sure I'm using the interpreter I think I am.",
                        pick(rng, "which python && python --version", "which python3; python3 -V"),
                        0,
                        f"/opt/miniconda3/envs/testbed/bin/python\nPython {run.python_full}\n",
                    )
                )
            elif look == "pycache":
                listing = "" if cleared else f"{stem}.{tag}.pyc\n"
                steps.append(
                    step(
                        f"{opener}Maybe a stale bytecode file is being picked up. Let me look at the cache.",
                        f"ls {folder}/__pycache__ | grep {stem}",
                        0 if listing else 1,
                        listing,
                    )
                )
            elif look == "cat" and heredoc(run, script):
                body = 'print("script start")\n' * banner.count("\n") + (heredoc(run, script) or "")
                steps.append(
                    step(
                        f"{opener}Let me re-read the reproduction script to be sure it exercises my change.",
                        f"cat {script}",
                        0,
                        body,
                    )
                )
            else:
                line = 100 + (len(src) * 37) % 700
                steps.append(
                    step(
                        f"{opener}Could `{symbol}` be defined twice so that another copy runs?",
                        f'grep -rn "def {symbol}\\|class {symbol}" {folder}',
                        0,
                        f"{src}:{line + len(debug)}:{'class' if symbol[:1].isupper() else 'def'} {symbol}(\n",
                    )
                )
            continue
        if not bag:
            bag = rng.sample(attempts, len(attempts))
        move = bag.pop()
        if move == "top_print":
            debug.append("1:import sys; sys.stderr.write('DEBUG: loaded %s\\n' % __file__)")
            steps.append(
                step(
                    f"{opener}I'll put a print at the very top of `{src}` to see whether the module is even imported.",
                    f"sed -i \"1i import sys; sys.stderr.write('DEBUG: loaded %s\\\\n' % __file__)\" {src}",
                    0,
                    "",
                )
            )
        elif move == "func_print":
            at = 100 + (len(src) * 37) % 700 + len(debug) + 1
            debug.append(f"{at}:        print('DEBUG: entered {symbol}', flush=True)")
            steps.append(
                step(
                    f"{opener}Let me add a print inside `{symbol}` to see whether the code path runs at all.",
                    f"sed -i \"/def {symbol}\\|class {symbol}/a\\        print('DEBUG: entered {symbol}', flush=True)\" {src}",
                    0,
                    "",
                )
            )
        elif move == "clear":
            cleared = True
            steps.append(
                step(
                    f"{opener}Python may be loading stale bytecode. I'll remove every __pycache__ and .pyc file.",
                    pick(
                        rng,
                        'find . -name "__pycache__" -type d -prune -exec rm -rf {} + && find . -name "*.pyc" -delete',
                        "find /testbed -name '*.pyc' -delete; find /testbed -name __pycache__ -type d -exec rm -rf {} +",
                    ),
                    0,
                    "",
                )
            )
        elif move == "script_print":
            banner += "script start\n"
            steps.append(
                step(
                    f"{opener}Let me add a print to the script itself to be sure I'm running the file I think.",
                    f"sed -i '1i print(\"script start\")' {script}",
                    0,
                    "",
                )
            )
        elif move == "touch":
            steps.append(
                step(
                    f"{opener}I'll touch the source so any cached copy is considered out of date.",
                    f"touch {src} && ls -la {src}",
                    0,
                    f"-rw-r--r-- 1 root root {20000 + len(src) * 311} {stamp()} {src}\n",
                )
            )
        else:
            steps.append(
                step(
                    f"{opener}Importing the module directly should show my debug output if it is loaded.",
                    f'python -c "import {run.module}"',
                    0,
                    "",
                )
            )
            continue
        reran.add(len(steps))
        steps.append(
            rerun(
                pick(
                    rng,
                    "Rerunning the reproduction.",
                    "Let me run the reproduction again.",
                    "Now the reproduction once more.",
                    "Let me try the script again now.",
                )
            )
        )
    steps = steps[: length - 1]
    steps.append(
        submit(
            pick(
                rng,
                f"The fix is present in `{src}` and I've verified the edit on disk. The reproduction keeps printing the old result, "
                "but I can't find why; I'll submit the change as it is.",
                f"I've checked the file, the caches and the interpreter. The edit to `{src}` is in place, so I'll submit it.",
            )
        )
    )
    return found.again, steps

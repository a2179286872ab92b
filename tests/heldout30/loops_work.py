# ruff: noqa: E501
"""Loops of tooling and measuring: a bisect over untestable commits, noisy timings, coverage that never counts, a debugger in a batch shell."""

from __future__ import annotations

import math
import random

from heldout20.calls import Step
from heldout20.text import finish
from heldout30.text import Ctx, give_up, look, sha


def _bisecting(rng: random.Random, left: int) -> str:
    steps = max(1, round(math.log2(left + 1)))
    return f"Bisecting: {left} revisions left to test after this (roughly {steps} steps)\n[{sha(rng, 40)}] {rng.choice(['Fixed', 'Refs', 'Merge pull request', 'MAINT:', 'BUG:', 'Cleanup'])} #{rng.randint(2000, 30000)} -- {rng.choice(['tidy imports', 'deprecate old keyword', 'update docs', 'py2 removal', 'refactor internals'])}\n"


def _untestable(ctx: Ctx, rng: random.Random) -> str:
    return rng.choice(
        [
            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/testbed/{ctx.source}", line {rng.randint(5, 60)}, in <module>\n    from .{rng.choice(["compat", "_utils", "six", "externals"])} import {rng.choice(["lru_cache", "string_types", "OrderedDict", "signature"])}\nImportError: cannot import name \'{rng.choice(["lru_cache", "string_types", "OrderedDict", "signature"])}\'\n',
            f"  File \"/testbed/{ctx.source}\", line {rng.randint(100, 900)}\n    print '{ctx.stem}'\n          ^\nSyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?\n",
            "ModuleNotFoundError: No module named 'distutils.msvccompiler'\n",
            f"AttributeError: module 'collections' has no attribute '{rng.choice(['Mapping', 'Sequence', 'Callable', 'Iterable'])}'\n",
        ]
    )


def bisect_muddle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Bisecting for when the behaviour changed, through old commits that do not even import; skip after skip, restarts."""
    steps: list[Step] = []
    check = f"python -c \"from {ctx.dotted} import *; import {ctx.run.module}; print('ok')\""
    for _ in range(8):
        good = rng.choice(["v1.0", "v2.0", "1.11", "3.0", "4.0", "HEAD~2000", "HEAD~800", "HEAD~300", f"{sha(rng)}"])
        left = rng.randint(300, 2500)
        steps.append(
            Step(
                rng.choice(
                    [
                        f"I want to know which commit changed this behaviour. Let me bisect between {good} and HEAD.",
                        f"Let me restart the bisect with an older good point, {good}.",
                        f"The range may have been wrong. Starting over from {good}.",
                    ]
                ),
                rng.choice(
                    [
                        f"git bisect reset >/dev/null 2>&1; git stash -q && git bisect start HEAD {good}",
                        f"git bisect start && git bisect bad HEAD && git bisect good {good}",
                        f"git bisect reset -q; git bisect start --first-parent HEAD {good}",
                    ]
                ),
                _bisecting(rng, left),
                seconds=rng.uniform(1, 5),
            )
        )
        for _ in range(rng.randint(3, 6)):
            steps.append(
                Step(
                    rng.choice(
                        [
                            "Let me test this commit.",
                            "Checking whether this revision shows the bug.",
                            "Testing the current bisect point.",
                        ]
                    ),
                    rng.choice(
                        [check, f"python {ctx.script}", f"python -m pytest {ctx.test_file} -x -q 2>&1 | tail -3"]
                    ),
                    _untestable(ctx, rng),
                    rc=1,
                    seconds=rng.uniform(1, 6),
                )
            )
            left = max(3, left - rng.randint(0, 2))
            steps.append(
                Step(
                    rng.choice(
                        [
                            "This commit can't be tested, so I'll skip it.",
                            "Untestable; skipping.",
                            "It doesn't even import here. Skip.",
                        ]
                    ),
                    rng.choice(
                        [
                            "git bisect skip",
                            "git bisect skip HEAD",
                            f"git bisect skip && git log -1 --format=%h {rng.choice(['', '--date=short'])}".rstrip(),
                        ]
                    ),
                    _bisecting(rng, left),
                )
            )
            if rng.random() < 0.3:
                steps.append(look(ctx, rng))
        shas = "\n".join(sha(rng, 40) for _ in range(rng.randint(4, 9)))
        steps.append(
            Step(
                "Let me automate it with bisect run, returning 125 for commits that don't import.",
                rng.choice(
                    [
                        f"git bisect run sh -c '{check.replace(chr(39), chr(34))} || exit 125; python {ctx.script}'",
                        f"printf '#!/bin/sh\\npython -c \"import {ctx.run.module}\" || exit 125\\npython {ctx.script}\\n' > /tmp/bisect.sh && chmod +x /tmp/bisect.sh && git bisect run /tmp/bisect.sh",
                    ]
                ),
                f"running  sh -c ...\n{_untestable(ctx, rng)}{_bisecting(rng, left - 1)}running  sh -c ...\n{_untestable(ctx, rng)}There are only 'skip'ped commits left to test.\nThe first bad commit could be any of:\n{shas}\nWe cannot bisect more!\nbisect found first bad commit",
                rc=rng.choice([2, 1]),
                seconds=rng.uniform(20, 90),
            )
        )
        steps.append(
            Step(
                "Let me look at the bisect log so far.",
                rng.choice(
                    [
                        "git bisect log | tail -8",
                        "git bisect log | grep -c skip",
                        "git bisect visualize --oneline | head",
                    ]
                ),
                "\n".join(
                    f"# skip: [{sha(rng, 40)}] {rng.choice(['Refs', 'Fixed', 'BUG:'])} #{rng.randint(2000, 30000)}"
                    for _ in range(6)
                )
                + "\n",
            )
        )
    return finish(steps, n, give_up(rng, "bisecting the behaviour change through commits that don't import"))


_TWEAKS = (
    ("bind the method lookups to locals", "append = result.append"),
    ("use a list comprehension instead of the loop", "result = [v for v in values if v is not None]"),
    ("cache the attribute access", "default = self.default"),
    ("avoid the repeated isinstance checks", "if type(value) is str:"),
    ("use a set for the membership test", "seen = set()"),
    ("hoist the regex compile out of the function", "_PATTERN = re.compile"),
    ("use tuple() instead of list()", "return tuple(result)"),
    ("drop the intermediate copy", "values = list(values)"),
)


def timing_noise_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Micro-optimising for a timing target the noise of the machine hides; each change measured once."""
    base = rng.uniform(90, 400)
    target = round(base * 0.5, -1)
    unit = "usec"
    setup = f"from {ctx.dotted} import {ctx.func}; data = list(range(1000))"
    steps: list[Step] = []
    for i in range(30):
        what, snippet = rng.choice(_TWEAKS)
        line = rng.randint(100, 900)
        steps.append(
            Step(
                f"The issue asks for this to be roughly twice as fast (under {target:.0f} {unit}). Let me {what}.",
                f"sed -i '{line}s/.*/        {snippet.replace('/', chr(92) + '/')}/' {ctx.source} && sed -n '{line - 2},{line + 2}p' {ctx.source}",
                f"        result = []\n        {snippet}\n        for value in values:\n",
            )
        )
        loops = rng.choice([1000, 2000, 5000, 10000])
        value = base * rng.uniform(0.86, 1.14)
        command = rng.choice(
            [
                f"python -m timeit -s '{setup}' '{ctx.func}(data)'",
                f"python -m timeit -n {loops} -r {rng.choice([5, 7, 10])} -s '{setup}' '{ctx.func}(data)'",
                f"python -c \"import timeit; {setup}; print(min(timeit.repeat(lambda: {ctx.func}(data), number={loops}, repeat=7)) / {loops} * 1e6, 'usec')\"",
            ]
        )
        if command.startswith("python -m"):
            out = f"{loops} loops, best of {rng.choice([5, 7, 10])}: {value:.0f} {unit} per loop\n"
        else:
            out = f"{value:.4f} usec\n"
        steps.append(
            Step(
                rng.choice(["Let me time it again.", "Measuring.", "How fast is it now?"]),
                command,
                out,
                seconds=rng.uniform(3, 15),
            )
        )
        if i % 3 == 2:
            steps.append(
                Step(
                    rng.choice(
                        [
                            "The numbers jump around; maybe a proper benchmark tool helps.",
                            "Let me see if the machine is busy.",
                            "Let me check the noise on this machine.",
                        ]
                    ),
                    rng.choice(
                        [
                            "python -m pyperf timeit -s 'import os' 'os.getpid()'",
                            "perf stat -r 5 python -c 'pass'",
                            "nproc && cat /proc/loadavg",
                            "taskset -c 0 python -c 'print(1)'",
                        ]
                    ),
                    rng.choice(
                        [
                            "/opt/miniconda3/envs/testbed/bin/python: No module named pyperf\n",
                            "bash: perf: command not found\n",
                            f"{rng.choice([2, 4, 8])}\n{rng.uniform(0.5, 6):.2f} {rng.uniform(0.5, 6):.2f} {rng.uniform(0.5, 6):.2f} {rng.randint(1, 5)}/{rng.randint(200, 900)} {rng.randint(1000, 90000)}\n",
                            "taskset: failed to set pid 0's affinity: Operation not permitted\n",
                        ]
                    ),
                    rc=rng.choice([0, 1, 127]),
                )
            )
        if i % 5 == 4:
            steps.append(look(ctx, rng))
    return finish(steps, n, give_up(rng, f"getting {ctx.func} under the timing target"))


def _coverage(ctx: Ctx, rng: random.Random, lines: tuple[int, int], pct: int) -> str:
    stmts = rng.randint(300, 1400)
    miss = round(stmts * (100 - pct) / 100)
    other = ", ".join(str(rng.randint(30, 1200)) for _ in range(3))
    name = ctx.source.replace("src/", "", 1).replace("lib/", "", 1)
    warn = rng.choice(
        [
            "",
            f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/site-packages/coverage/inorout.py:{rng.choice([503, 519, 577])}: CoverageWarning: Module {ctx.run.module} was previously imported, but not measured (module-not-measured)\n",
        ]
    )
    return (
        f"{warn}---------- coverage: platform linux, python {ctx.python_full}-final-0 -----------\n"
        "Name" + " " * 40 + "Stmts   Miss  Cover   Missing\n" + "-" * 76 + "\n"
        f"{name:<44}{stmts:>5}{miss:>7}{pct:>6}%   {other}, {lines[0]}-{lines[1]}\n"
        + "-" * 76
        + f"\nTOTAL{'':<39}{stmts:>5}{miss:>7}{pct:>6}%\n\n"
        + f"{rng.randint(8, 90)} passed in {rng.uniform(1, 9):.2f}s\n"
    )


def coverage_never_counts(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Tests for the new branch that pass, while coverage keeps reporting the branch's lines as missed."""
    steps: list[Step] = []
    start = rng.randint(150, 900)
    pct = rng.randint(78, 92)
    mod = ctx.dotted
    for i in range(30):
        start += rng.choice([0, 0, 2, 3, 4, -1])
        lines = (start, start + rng.randint(2, 6))
        pct = max(60, min(97, pct + rng.choice([-1, 0, 0, 1])))
        steps.append(
            Step(
                rng.choice(
                    [
                        "Let me check that the tests cover my new branch.",
                        f"The branch at lines {lines[0]}-{lines[1]} still shows as missed. Let me rerun coverage.",
                        "Rerunning coverage with the new test.",
                    ]
                ),
                rng.choice(
                    [
                        f"python -m pytest {ctx.test_file} -q --cov={mod} --cov-report=term-missing",
                        f"python -m pytest {ctx.test_file} -q --cov={ctx.run.module} --cov-branch --cov-report=term-missing:skip-covered",
                        f"coverage erase && coverage run --source={ctx.run.module} -m pytest {ctx.test_file} -q && coverage report -m --include='*{ctx.stem}*'",
                        f"python -m pytest -p no:randomly {ctx.test_file} -q --cov={mod} --cov-report=term-missing --no-cov-on-fail",
                    ]
                ),
                _coverage(ctx, rng, lines, pct),
                seconds=rng.uniform(4, 30),
            )
        )
        kind = i % 4
        if kind == 0:
            arg = rng.choice(["None", "[]", "()", "''", "[None]"])
            name = f"test_{ctx.stem}_{rng.choice(['none_branch', 'empty_input', 'new_path', 'fallback', 'edge_case', 'default_value'])}_{rng.randint(1, 9)}"
            steps.append(
                Step(
                    f"I'll add another test that goes straight through lines {lines[0]}-{lines[1]}.",
                    f"cat >> {ctx.test_file} <<'EOF'\n\n\ndef {name}():\n    from {mod} import {ctx.func}\n    assert {ctx.func}({arg}) == {rng.choice(['[]', '()', 'None'])}\nEOF\npython -m pytest {ctx.test_file} -q -k {name}",
                    f".\n1 passed, {rng.randint(10, 80)} deselected in {rng.uniform(0.3, 2):.2f}s\n",
                )
            )
        elif kind == 1:
            steps.append(
                Step(
                    "Maybe the coverage config restricts what is measured.",
                    rng.choice(
                        [
                            "cat .coveragerc 2>/dev/null || grep -n 'coverage' -A8 setup.cfg",
                            "grep -n 'omit\\|source\\|concurrency' setup.cfg tox.ini .coveragerc 2>/dev/null",
                            "printf '[run]\\nsource = .\\nbranch = True\\n' > .coveragerc && cat .coveragerc",
                        ]
                    ),
                    rng.choice(
                        [
                            "[run]\nsource = .\nbranch = True\n",
                            f"setup.cfg:{rng.randint(20, 90)}:[coverage:run]\nsetup.cfg:{rng.randint(91, 99)}:omit = */tests/*\n",
                            "[run]\nomit =\n    */tests/*\n    */conftest.py\nparallel = True\n",
                        ]
                    ),
                )
            )
        elif kind == 2:
            steps.append(
                Step(
                    "Let me prove the branch runs at all with a print.",
                    f'python -c "from {mod} import {ctx.func}; print({ctx.func}(None))"',
                    rng.choice(["[]\n", "()\n", "None\n"]),
                )
            )
        else:
            steps.append(look(ctx, rng))
    return finish(steps, n, give_up(rng, "getting coverage to count the new branch"))


def debugger_in_batch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Interactive debuggers in a shell that answers no prompts: timeouts, EOFs and misplaced breakpoints."""
    steps: list[Step] = []
    for _ in range(48):
        line = rng.randint(100, 900)
        attempt = rng.randrange(7)
        if attempt == 0:
            steps.append(
                Step(
                    f"Let me step through `{ctx.func}` in pdb to see where the value goes wrong.",
                    rng.choice(
                        [
                            f"python -m pdb {ctx.script}",
                            f"python -m pdb -c 'b {ctx.source}:{line}' {ctx.script}",
                            f"python -i {ctx.script}",
                        ]
                    ),
                    f"> /testbed/{ctx.script}(1)<module>()\n-> import sys\n(Pdb) ",
                    timed_out=True,
                    seconds=rng.choice([60.0, 120.0]),
                )
            )
        elif attempt == 1:
            steps.append(
                Step(
                    "pdb waits for input, so let me feed it commands on stdin.",
                    f"printf 'b {ctx.source}:{line}\\nc\\np value\\np result\\nq\\n' | python -m pdb {ctx.script}",
                    f"> /testbed/{ctx.script}(1)<module>()\n-> import sys\n(Pdb) {rng.choice(['*** Blank or comment', 'End of file', f'Breakpoint 1 at /testbed/{ctx.source}:{line}'])}\n(Pdb) {rng.choice(['The program finished and will be restarted', '*** NameError: name ' + repr('value') + ' is not defined'])}\n(Pdb) *** NameError: name 'result' is not defined\n(Pdb) ",
                    rc=rng.choice([0, 1]),
                )
            )
        elif attempt == 2:
            steps.append(
                Step(
                    f"I'll put a breakpoint() right in {ctx.func} and run the script.",
                    f"sed -i '{line}i\\        breakpoint()' {ctx.source} && timeout {rng.choice([20, 30, 60])} python {ctx.script}",
                    f"> /testbed/{ctx.source}({line + 1}){ctx.func}()\n-> result = _{ctx.stem}_impl(value)\n(Pdb) \n",
                    rc=124,
                    seconds=rng.choice([20.0, 30.0, 60.0]),
                )
            )
        elif attempt == 3:
            steps.append(
                Step(
                    "Let me use pytest's --pdb on the failing test instead.",
                    rng.choice(
                        [
                            f"python -m pytest {ctx.test_file} -x --pdb -q",
                            f"python -m pytest {ctx.test_file} -x --trace -q",
                            f"python -m pytest {ctx.test_file} -x -s -q",
                        ]
                    ),
                    f"{ctx.test_file} F\n>>>>>>>>>>>>>>>>>>>>>>>>>>>>>> entering PDB >>>>>>>>>>>>>>>>>>>>>>>>>>>>>>\n> /testbed/{ctx.source}({line}){ctx.func}()\n-> return list(result)\n(Pdb) ",
                    timed_out=True,
                    seconds=120.0,
                )
            )
        elif attempt == 4:
            steps.append(
                Step(
                    "Maybe ipdb or IPython handle a non-interactive shell better.",
                    rng.choice(
                        [
                            f"python -m ipdb {ctx.script}",
                            f"ipython -c 'run {ctx.script}' -i",
                            "pip install -q ipdb pudb",
                        ]
                    ),
                    rng.choice(
                        [
                            "/opt/miniconda3/envs/testbed/bin/python: No module named ipdb\n",
                            "bash: ipython: command not found\n",
                            "ERROR: Could not find a version that satisfies the requirement ipdb (from versions: none)\nERROR: No matching distribution found for ipdb\n",
                        ]
                    ),
                    rc=1,
                )
            )
        elif attempt == 5:
            steps.append(
                Step(
                    "Let me take the breakpoints back out first.",
                    rng.choice(
                        [
                            f"sed -i '/breakpoint()/d' {ctx.source} && grep -c 'breakpoint()' {ctx.source}",
                            f"grep -rn 'breakpoint()\\|pdb.set_trace' {ctx.run.package} | head",
                        ]
                    ),
                    rng.choice(
                        [
                            "0\n",
                            f"{ctx.source}:{line}:        breakpoint()\n",
                            f"{ctx.source}:{line}:        import pdb; pdb.set_trace()\n",
                        ]
                    ),
                    rc=rng.choice([0, 1]),
                )
            )
        else:
            steps.append(look(ctx, rng))
    return finish(steps, n, give_up(rng, f"stepping through {ctx.func} in the debugger"))

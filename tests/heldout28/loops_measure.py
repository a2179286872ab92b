"""Loops that go round measuring: timings lost in noise, coverage that never moves, a stress run that never fails.

Each round edits, measures, reads and undoes or restarts, worded and valued a little differently each time.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish, submit
from heldout28.text import Ctx, edit, shell, timeit_line

OPTIMISATIONS = (
    ("for item in items:", "append = out.append\n    for item in items:", "bind out.append to a local"),
    ("re.match(pattern, text)", "_PATTERN.match(text)", "precompile the regular expression"),
    ("copy.deepcopy(options)", "dict(options)", "use a shallow copy of the options"),
    ("sorted(keys)", "keys.sort() or keys", "sort in place"),
    ("len(items) > 0", "items", "drop the len() call"),
    ("isinstance(value, (list, tuple))", "type(value) in (list, tuple)", "check the exact type"),
)


def timeit_cmd(ctx: Ctx, rng: random.Random) -> str:
    size = rng.choice([100, 1000, 5000, 10_000])
    setup = f"from {ctx.dotted} import {ctx.func}; data = list(range({size}))"
    if rng.random() < 0.5:
        return f'python -m timeit -s "{setup}" "{ctx.func}(data)"'
    return f"python bench_{ctx.stem}.py --size {size} --repeat {rng.choice([5, 7, 10])}"


def timing(rng: random.Random, cmd: str, usec: float) -> str:
    """What the timing command prints for a call taking about `usec`."""
    if "timeit" in cmd:
        return timeit_line(rng, usec)
    runs = [usec * rng.uniform(0.97, 1.2) / 1000 for _ in range(5)]
    return f"min {min(runs):.3f} ms  median {sorted(runs)[2]:.3f} ms  max {max(runs):.3f} ms"


def _load(rng: random.Random) -> tuple[str, str]:
    cmd = rng.choice(["cat /proc/loadavg", "nproc", "uptime"])
    avg = f"{rng.uniform(0.2, 3.5):.2f} {rng.uniform(0.2, 3):.2f} {rng.uniform(0.2, 3):.2f}"
    if cmd == "nproc":
        return cmd, str(rng.choice([2, 4, 8]))
    if cmd == "uptime":
        return (
            cmd,
            f" {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)} up {rng.randint(1, 9)} days,  "
            f"0 users,  load average: {avg.replace(' ', ', ')}",
        )
    return cmd, f"{avg} 2/{rng.randint(90, 400)} {rng.randint(1000, 90000)}"


def benchmark_noise_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Micro-optimisations timed against the baseline, the difference lost in noise, reverted, the next tried."""
    base = rng.uniform(80, 900)
    steps: list[Step] = []
    order = list(range(len(OPTIMISATIONS)))
    rounds = 0
    while len(steps) < 60:
        rng.shuffle(order)
        for i in order:
            old, new, what = OPTIMISATIONS[i]
            variant = rng.choice(["", "  # perf", "  # hot path"]) if rounds else ""
            steps.append(
                shell(
                    rng.choice(
                        [
                            f"The issue asks for this to be about twice as fast. Let me {what}.",
                            f"Another idea: {what}.",
                            f"Maybe if I {what} it adds up.",
                        ]
                    ),
                    edit(ctx, old, new + variant),
                    "ok",
                )
            )
            cmd = timeit_cmd(ctx, rng)
            steps.append(
                shell(
                    rng.choice(["Time it with the change.", "Benchmark it.", "How fast is it now?"]),
                    cmd,
                    timing(rng, cmd, base * rng.uniform(0.84, 1.1)),
                    seconds=rng.uniform(4, 15),
                )
            )
            if rng.random() < 0.5:
                look, seen = _load(rng)
                steps.append(shell("Is the machine busy? That would explain the spread.", look, seen))
            steps.append(
                shell(
                    rng.choice(["And the baseline without it, for comparison.", "Compare with the original code."]),
                    f"git stash -q && {cmd} ; git stash pop -q",
                    timing(rng, cmd, base * rng.uniform(0.88, 1.14)),
                    seconds=rng.uniform(4, 15),
                )
            )
            steps.append(
                shell(
                    rng.choice(
                        [
                            f"Within noise again; '{what}' doesn't buy anything measurable. Reverting.",
                            "The numbers overlap, that isn't the 2x the issue wants. Undo and try something else.",
                        ]
                    ),
                    rng.choice([f"git checkout -- {ctx.source}", f"git restore {ctx.source} && git diff --stat"]),
                    "",
                )
            )
        rounds += 1
    last = submit("None of the optimisations moves the timing beyond noise and I keep going round them. Submitting.")
    return finish(steps, n, last)


def coverage_never_moves(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """New tests for lines coverage reports missed, which stay missed: they only run with the C speedups built."""
    first = rng.randint(120, 700)
    missing = f"{first}-{first + rng.randint(4, 12)}, {first + rng.randint(20, 40)}"
    stmts = rng.randint(180, 600)
    miss = rng.randint(14, 30)
    tests = rng.randint(20, 60)
    cover = 100 * (stmts - miss) // stmts
    inputs = ["[]", "[None]", "[1, 2, 2]", "('a',)", "{'k': 1}", "range(5)", "[[1], [2]]", "[float('nan')]", "''"]
    steps: list[Step] = []
    k = 0
    while len(steps) < 60:
        k += 1
        case = rng.choice(inputs)
        tests += 1
        steps.append(
            shell(
                f"Lines {missing} are still not covered. Add a test with input {case} that should reach them.",
                f"cat >> {ctx.test_file} <<'EOF'\n\n\ndef test_{ctx.stem}_branch_{k}():\n"
                f"    assert {ctx.func}({case}) is not None\nEOF",
                "",
            )
        )
        run = rng.choice(
            [
                f"python -m coverage run -m pytest {ctx.test_file} -q 2>&1 | tail -n 2",
                f"coverage erase && coverage run --branch -m pytest {ctx.test_file} -q | tail -2",
                f"python -m pytest --cov={ctx.run.module} {ctx.test_file} -q 2>&1 | tail -n 3",
            ]
        )
        steps.append(
            shell(
                "Rerun with coverage.", run, f"{tests} passed in {rng.uniform(0.8, 9):.2f}s", seconds=rng.uniform(3, 20)
            )
        )
        steps.append(
            shell(
                "Check the report for the file.",
                rng.choice(
                    [
                        f"coverage report -m --include='*{ctx.stem}.py'",
                        f"python -m coverage report --show-missing --include={ctx.source}",
                    ]
                ),
                f"Name    Stmts   Miss  Cover   Missing\n{'-' * 40}\n{ctx.source}   {stmts}   {miss}   "
                f"{cover}%   {missing}\n{'-' * 40}\nTOTAL   {stmts}   {miss}   {cover}%",
            )
        )
        if rng.random() < 0.7:
            steps.append(
                shell(
                    "Look at those lines again.",
                    rng.choice(
                        [
                            f"sed -n '{first - 6},{first + 12}p' {ctx.source}",
                            f"nl -ba {ctx.source} | sed -n '{first - 3},{first + 10}p'",
                            f"grep -n '_speedups' {ctx.source}",
                        ]
                    ),
                    f"    if _HAS_SPEEDUPS:\n        return _speedups.{ctx.stem}_fast(items, kwargs)\n"
                    f"    # pure-python fallback\n    out = []",
                )
            )
        if rng.random() < 0.4:
            steps.append(
                shell(
                    "Maybe the data file is stale.",
                    rng.choice(
                        [
                            "rm -f .coverage && ls -a | grep -i cov",
                            "cat .coveragerc 2>/dev/null || grep -n -A5 'coverage' setup.cfg",
                        ]
                    ),
                    rng.choice(["", "[coverage:run]\nbranch = True\nsource = " + ctx.run.module]),
                )
            )
    last = submit("Those lines never get covered whatever inputs I add. I'll stop adding tests and submit.")
    return finish(steps, n, last)


def stress_rerun_cycle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A race the issue reports, stressed in the background round after round, never once failing."""
    threads, iters = rng.choice([4, 8]), rng.choice([10_000, 20_000, 50_000])
    script = f"stress_{ctx.stem}.py"
    pid = rng.randint(2000, 9000)
    steps: list[Step] = []
    k = 0
    while len(steps) < 60:
        k += 1
        pid += rng.randint(3, 400)
        log = f"/tmp/stress_{k}.log"
        steps.append(
            shell(
                rng.choice(
                    [
                        f"Start the stress run with {threads} threads and {iters} iterations in the background.",
                        f"Run the stress script again ({threads} threads) and let it go for a while.",
                        "Kick off another stress run.",
                    ]
                ),
                f"nohup python {script} --threads {threads} --iterations {iters} > {log} 2>&1 &\necho $!",
                str(pid),
            )
        )
        wait = rng.choice([5, 10, 15, 20, 30])
        done = min(iters, int(iters * wait / rng.uniform(25, 60)))
        step = max(1, done // (wait + 1))
        steps.append(
            shell(
                rng.choice(["Give it a moment and look at the log.", "Check progress.", "Any failure yet?"]),
                f"sleep {wait}; tail -n {rng.choice([3, 5, 8])} {log}",
                "\n".join(f"iter {done - j * step}/{iters} ok ({wait - j:.1f}s) mismatches=0" for j in (2, 1, 0)),
                seconds=wait,
            )
        )
        if rng.random() < 0.6:
            look = rng.choice([f"grep -c 'RACE DETECTED' {log}", f"grep -n 'Traceback\\|RACE' {log} | head"])
            steps.append(shell("Anything in the log at all so far?", look, "0" if "-c" in look else "", rc=1))
        if rng.random() < 0.5:
            steps.append(
                shell(
                    "Is it still running?",
                    f"ps -o pid,etime,cmd -p {pid}",
                    f"  PID     ELAPSED CMD\n {pid}       00:{wait + rng.randint(1, 9):02d} "
                    f"python {script} --threads {threads}",
                )
            )
        steps.append(
            shell(
                rng.choice(
                    ["Nothing yet. Stop it; I'll push it harder.", "Still clean. Kill it and change the settings."]
                ),
                f"kill {pid}",
                "",
            )
        )
        change = rng.choice(["threads", "iterations", "sleep"])
        if change == "threads":
            new = threads * 2 if threads < 64 else 4
            cmd, threads = f"sed -i 's/THREADS = {threads}/THREADS = {new}/' {script} && grep -n THREADS {script}", new
            out = f"7:THREADS = {threads}"
        elif change == "iterations":
            iters = iters * 2 if iters < 400_000 else 10_000
            cmd, out = (
                f"grep -n 'iterations' {script} | head -3",
                f"12:    parser.add_argument('--iterations', type=int, default={iters})",
            )
        else:
            delay = rng.choice(["0", "0.0001", "0.001"])
            cmd = f"sed -i 's/time.sleep([0-9.]*)/time.sleep({delay})/' {script}"
            out = ""
        steps.append(shell("Change the stress parameters so the race is more likely.", cmd, out))
    last = submit("The stress run never hits the race however I tune it. Submitting the fix without a reproduction.")
    return finish(steps, n, last)

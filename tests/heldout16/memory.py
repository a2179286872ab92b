"""Loop tail: memory-killed. The test run, or a stress script, killed by the OOM killer however it is trimmed."""

from __future__ import annotations

import random

from heldout16.context import Ctx
from heldout16.outputs import progress, test_command
from heldout16.replies import pick, pid, run
from heldout16.tails import weave
from heldout16.wire import Step


def memory_killed(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The test run (or a stress script) killed by the OOM killer however the agent trims it."""
    app = ctx.tests.split(".")[0] if ctx.name == "django" else ctx.tests
    target = ctx.tests
    total = rng.randint(60, 640)

    def suite(flags: str = "") -> str:
        """The broad run: Django's runner on the app, pytest (even in sympy) on the module."""
        if ctx.name == "django":
            return test_command(ctx, app, flags)
        return f"{ctx.runner if ctx.runner != 'bin/test' else 'python -m pytest'} {flags + ' ' if flags else ''}{ctx.tests}"

    stress = "stress_check.py"
    size = rng.choice([200_000, 500_000, 1_000_000])
    events = {"oom": rng.randint(3, 40), "n": size}

    def killed(command: str, partial: str) -> str:
        """What the shell leaves when the kernel kills the command: a partial output, then bash's note."""
        first = command.split("&&")[-1].strip().split("\n")[0]
        if rng.random() < 0.3 and "&&" not in command and "|" not in command:
            return partial
        return partial + f"bash: line 1: {pid(rng):>5} Killed                  {first}\n"

    def suite_partial(command: str) -> str:
        if ctx.name == "django":
            workers = 1 if "parallel 1" in command or "parallel=1" in command else 8
            clones = "Cloning test database for alias 'default'...\n" * (workers if workers > 1 else 0)
            dots = "." * rng.randint(total // 8, total * 6 // 7)
            head = ctx.django_banner(total).split("System check")[0].replace("up to 8", f"up to {workers}")
            ran = "\n".join(dots[i : i + 70] for i in range(0, len(dots), 70))
            return f"{head}Creating test database for alias 'default'...\n{clones}System check identified no issues (0 silenced).\n{ran}\n"
        return f"{ctx.header}collected {total} items\n\n" + progress(
            rng, target, total, rng.randint(total // 8, total * 6 // 7), ".s"
        )

    def memory_error(limit: int) -> str:
        if limit:
            return (
                f'Traceback (most recent call last):\n  File "/testbed/{stress}", line 17, in <module>\n'
                f'    result = build(N)\n  File "/testbed/{stress}", line 12, in build\n    items = [make(i) for i in range(n)]\n'
                f'  File "/testbed/{stress}", line 12, in <listcomp>\n    items = [make(i) for i in range(n)]\n'
                f'  File "/testbed/{stress}", line 8, in make\n    return [str(i) * 8, i, float(i)]\nMemoryError\n'
                f"building {events['n']} items\n"
            )
        return (
            f'Traceback (most recent call last):\n  File "/testbed/tests/runtests.py", line {rng.randint(560, 780)}, in <module>\n'
            "    failures = django_tests(\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/multiprocessing/popen_fork.py", line 66, in _launch\n'
            "    self.pid = os.fork()\nOSError: [Errno 12] Cannot allocate memory\n"
        )

    command = suite()
    thought = pick(
        rng,
        f"Before going further I want to run the whole `{app}` test suite to catch regressions.",
        f"Let me run the broader test suite for `{app}`, not just the one case.",
        "I'll run the full set of tests around this module to make sure nothing else breaks.",
    )
    start = [run(thought, command, killed(command, suite_partial(command)), 137, rng.uniform(40, 90))]

    def attempt(k: int) -> Step:
        smaller = max(1000, size // (2 ** (k // 2 + 1)))
        options: list[tuple[str, str, str, int, float]] = []
        if ctx.name == "django":
            command = suite(pick(rng, "--parallel 1", "--parallel=1 -v 1", "--parallel 1 --noinput"))
            options.append(
                (
                    "The parallel workers multiply memory. Run with a single process.",
                    command,
                    killed(command, suite_partial(command)),
                    137,
                    70,
                )
            )
            command = suite("--parallel 4")
            options.append(
                (
                    "Fewer processes than the default 8.",
                    command,
                    "Testing against Django installed in '/testbed/django' with up to 4 processes\n" + memory_error(0),
                    1,
                    20,
                )
            )
        else:
            command = suite(pick(rng, "-x -q", "-q -p no:cacheprovider", "-x"))
            options.append(
                (
                    "Let me stop at the first failure and keep output small; maybe that keeps it under the limit.",
                    command,
                    killed(command, suite_partial(command)),
                    137,
                    60,
                )
            )
            command = suite(f"-k '{pick(rng, 'not slow', 'basic', 'simple or empty', 'not large')}'")
            options.append(
                ("I'll run only a subset of the tests.", command, killed(command, suite_partial(command)), 137, 45)
            )
        threads = "OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "
        command = threads + suite()
        options.append(
            (
                "BLAS thread pools can reserve a lot of memory per thread. Limit them to one thread.",
                command,
                killed(command, suite_partial(command)),
                137,
                65,
            )
        )
        options.append(
            (
                f"Let me shrink the stress check to n={smaller}.",
                f"sed -i 's/^N = .*/N = {smaller}/' {stress} && python {stress}",
                killed(f"sed && python {stress}", ""),
                137,
                30,
            )
        )
        command = f"ulimit -v {rng.choice([1500000, 2000000, 3000000])} && python {stress}"
        options.append(
            (
                "Capping the virtual memory should turn the kill into a MemoryError I can read.",
                command,
                memory_error(1),
                1,
                12,
            )
        )
        options.append(
            (
                "Let me try the interpreter's own allocator and a forced gc between batches.",
                f"PYTHONMALLOC=malloc python -X dev {stress}",
                killed(f"PYTHONMALLOC=malloc python -X dev {stress}", ""),
                137,
                35,
            )
        )
        thought, command, text, code, took = options[k % len(options)] if rng.random() < 0.5 else rng.choice(options)
        if command.startswith("sed -i 's/^N"):
            events["n"] = smaller
        return run(thought, command, text, code, took * rng.uniform(0.7, 1.3))

    body = (
        f"import sys\nimport {ctx.module}\n\nN = {size}\n\n\ndef make(i):\n    return [str(i) * 8, i, float(i)]\n\n\n"
        "def build(n):\n    items = [make(i) for i in range(n)]\n    return items\n\n\nprint('building %d items' % N)\n"
        "result = build(N)\nprint('done', len(result))\n"
    )
    start.append(
        run(
            "Let me write a smaller stand-alone stress check instead of the whole suite.",
            f"cat <<'EOF' > {stress}\n{body}EOF\npython {stress}",
            killed(f"python {stress}", ""),
            137,
            25,
        )
    )

    def look(k: int) -> Step:
        events["oom"] += rng.randint(1, 3)
        options = [
            (
                "free -m",
                f"               total        used        free      shared  buff/cache   available\nMem:            {rng.choice([1984, 2048, 3925])}        {rng.randint(1500, 1900)}          {rng.randint(30, 200)}           0          {rng.randint(60, 300)}          {rng.randint(20, 180)}\nSwap:              0           0           0\n",
            ),
            (
                "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.events",
                f"2147483648\nlow 0\nhigh 0\nmax {events['oom'] * 3 + 11}\noom {events['oom']}\noom_kill {events['oom']}\n",
            ),
            ("dmesg | tail -n 5", "dmesg: read kernel buffer failed: Operation not permitted\n"),
            (
                "nproc && cat /proc/meminfo | head -n 3",
                f"8\nMemTotal:        {rng.randint(2000000, 2100000)} kB\nMemFree:           {rng.randint(40000, 200000)} kB\nMemAvailable:      {rng.randint(30000, 180000)} kB\n",
            ),
        ]
        command, text = rng.choice(options)
        return run(
            pick(
                rng,
                "Let me see how much memory there is.",
                "Checking the memory limits.",
                "What does the system say about memory?",
            ),
            command,
            text,
        )

    def check(k: int) -> Step:
        command = suite()
        return run(
            pick(rng, "Running the tests again.", "Trying the test run once more.", "Let me rerun it now."),
            command,
            killed(command, suite_partial(command)),
            137,
            rng.uniform(40, 100),
        )

    why = "Every test run gets killed for lack of memory in this environment, so I couldn't run the suite."
    musings = [
        "The container must have a small memory limit.",
        "It dies before reporting anything useful.",
        "Maybe a smaller run gets through.",
    ]
    return weave(rng, n, start, [attempt] * 6, [look], check, why, musings)

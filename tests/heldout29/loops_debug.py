"""Loops of debugging that stalls: a debugger prompt taken for a hang, and a leak that is only noise."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish
from heldout29.text import Ctx, edit, give_up, source_lines

_GUESSES = [
    ("an infinite loop in the dedup loop", "    for value in values:\n", "    for value in list(values):\n"),
    ("the generator being consumed twice", "    result = []\n", "    values = list(values)\n    result = []\n"),
    ("recursion through _key_of", "        key = _key_of(value)\n", "        key = _key_of(value, _depth=0)\n"),
    ("a lock taken twice", "    if values is None:\n", "    if values is None:  # no lock needed here\n"),
    (
        "the while loop in _key_of never ending",
        "        if key in seen:\n",
        "        if key is not None and key in seen:\n",
    ),
    ("something reading stdin", "    return list(values)\n", "    return [v for v in values]\n"),
]


def _pdb_stop(ctx: Ctx, rng: random.Random) -> str:
    line = rng.randint(140, 720)
    return (
        f"> /testbed/{ctx.source}({line}){ctx.func}()\n-> {rng.choice(['result = []', 'for value in values:'])}\n(Pdb) "
    )


def _pytest_head(ctx: Ctx, rng: random.Random, done: int) -> str:
    return (
        "=" * 29 + " test session starts " + "=" * 30 + f"\n{ctx.run.pytest_header}\nrootdir: /testbed\n"
        f"collected {done + rng.randint(3, 30)} items\n\n{ctx.test_file} {'.' * done}\n"
    )


def stray_breakpoint(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A `pdb.set_trace()` the agent put in to look around stays in; every run then waits at `(Pdb)`."""
    target = f"{ctx.test_file}::{ctx.test_name}"
    steps = [
        Step(
            f"Let me stop inside {ctx.func} to look at the values as they come in.",
            edit(ctx, "    result = []\n", "    import pdb; pdb.set_trace()\n    result = []\n"),
            "patched",
        )
    ]
    for i in range(40):
        pick = 0.0 if i == 0 else rng.random()
        if pick < 0.35:
            steps.append(
                Step(
                    rng.choice(
                        [
                            "Let me run the test for the issue.",
                            "Running the failing test again, with a shorter selection.",
                            "Let me try the test once more; maybe the last run was just slow.",
                        ]
                    ),
                    rng.choice(
                        [
                            f"python -m pytest {target} -q",
                            f"python -m pytest {target} -x -q -p no:cacheprovider",
                            f"python -m pytest {ctx.test_file} -q -x -k {ctx.stem}",
                            f"cd /testbed && python -m pytest {target} -q 2>&1 | tail -30",
                        ]
                    ),
                    _pytest_head(ctx, rng, rng.randint(0, 12))
                    + "\n"
                    + ">" * 30
                    + " PDB set_trace (IO-capturing turned off) "
                    + ">" * 30
                    + "\n"
                    + _pdb_stop(ctx, rng),
                    seconds=rng.choice([60.0, 120.0, 180.0]),
                    timed_out=True,
                )
            )
        elif pick < 0.5:
            steps.append(
                Step(
                    "The script hangs too; let me give it no stdin and a time limit.",
                    rng.choice(
                        [f"timeout 30 python {ctx.repro} < /dev/null", f"python {ctx.repro} </dev/null 2>&1 | tail -8"]
                    ),
                    _pdb_stop(ctx, rng)
                    + "\nTraceback (most recent call last):\n"
                    + f'  File "/testbed/{ctx.repro}", line {rng.randint(5, 30)}, in <module>\n'
                    + f"    print({ctx.func}(data))\n"
                    + f'  File "{ctx.stdlib}/bdb.py", line {rng.choice([88, 90, 112])}, in trace_dispatch\n'
                    + "    return self.dispatch_line(frame)\n"
                    + "bdb.BdbQuit",
                    1,
                )
            )
        elif pick < 0.6:
            steps.append(
                Step(
                    "Let me add a timeout to pytest so it reports where it is stuck.",
                    f"python -m pytest {target} -q --timeout={rng.choice([20, 30, 45, 60])}",
                    "ERROR: usage: __main__.py [options] [file_or_dir] [file_or_dir] [...]\n"
                    f"__main__.py: error: unrecognized arguments: --timeout={rng.choice([20, 30, 45, 60])}\n"
                    "  inifile: None\n  rootdir: /testbed",
                    4,
                )
            )
        elif pick < 0.72:
            guess, old, new = rng.choice(_GUESSES)
            steps.append(Step(f"It might be {guess}. Guarding against that.", edit(ctx, old, new), "patched"))
        elif pick < 0.84:
            start = rng.randint(140, 700)
            steps.append(
                Step(
                    "Let me read the loop again for anything that could block.",
                    f"sed -n '{start},{start + rng.randint(20, 40)}p' {ctx.source}",
                    source_lines(ctx, rng, 22),
                )
            )
        elif pick < 0.92:
            steps.append(
                Step(
                    "Maybe earlier runs are still alive and holding something. Checking processes.",
                    rng.choice(
                        [
                            "ps aux | grep -c '[p]ytest'",
                            "ps aux | grep '[p]ython' | head",
                            "pkill -f 'pytest' ; echo $?",
                        ]
                    ),
                    str(rng.randint(0, 4)),
                )
            )
        else:
            steps.append(
                Step(
                    "Let me look for loops in the module that could spin.",
                    f"grep -n 'while \\|for .* in ' {ctx.source} | head -{rng.randint(8, 15)}",
                    "\n".join(f"{rng.randint(100, 900)}:    for value in values:" for _ in range(rng.randint(3, 7))),
                )
            )
    return finish(steps, n, give_up(rng, "the test run that keeps hanging"))


_LEAK_FIXES = [
    ("`__slots__` on the helper class", "class _Key:\n", "class _Key:\n    __slots__ = ('value',)\n"),
    ("a weak-value cache", "_cache = {}\n", "_cache = weakref.WeakValueDictionary()\n"),
    ("a bounded lru_cache", "def _key_of(value):\n", "@functools.lru_cache(maxsize=256)\ndef _key_of(value):\n"),
    ("clearing the cache after each call", "    return _", "    _cache.clear()\n    return _"),
    ("deleting the temporary list", "    return _", "    del seen\n    return _"),
    ("interning the keys", "        key = _key_of(value)\n", "        key = sys.intern(str(_key_of(value)))\n"),
]


def _tracemalloc(ctx: Ctx, rng: random.Random, base: float, slope: float) -> str:
    rows = []
    for k in range(1, 6):
        current = base + slope * k + rng.uniform(-0.01, 0.02)
        rows.append(f"iter {2000 * k:>6}  current={current:6.2f} MiB  peak={current + rng.uniform(0.1, 0.4):6.2f} MiB")
    grown = rng.uniform(4, 40)
    rows.append(
        f"top: /testbed/{ctx.source}:{rng.randint(140, 720)}: size={rng.randint(80, 600)} KiB "
        f"(+{grown:.1f} KiB), count={rng.randint(900, 6000)} (+{int(grown * 12)})"
    )
    rows.append(f"top: {ctx.stdlib}/tracemalloc.py:{rng.choice([193, 558, 560])}: size={rng.randint(20, 90)} KiB")
    return "\n".join(rows)


def leak_hunt(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Memory creeps up by a few KiB per thousand calls whatever the agent changes: it is allocator noise."""
    script = "leak_check.py"
    steps = [
        Step(
            f"The fix keeps a cache; let me make sure {ctx.func} doesn't leak when called many times.",
            f"cat > {script} <<'EOF'\nimport tracemalloc\n\nfrom {ctx.dotted} import {ctx.func}\n\n"
            "tracemalloc.start()\nfirst = tracemalloc.take_snapshot()\nfor i in range(1, 10001):\n"
            f"    {ctx.func}([i, None, str(i), i])\n    if i % 2000 == 0:\n"
            "        cur, peak = tracemalloc.get_traced_memory()\n"
            "        print('iter %6d  current=%6.2f MiB  peak=%6.2f MiB' % (i, cur / 2**20, peak / 2**20))\n"
            "stats = tracemalloc.take_snapshot().compare_to(first, 'lineno')\nfor s in stats[:2]:\n"
            "    print('top:', s)\nEOF",
            "",
        )
    ]
    base = rng.uniform(1.5, 4.0)
    for i in range(40):
        slope = rng.uniform(0.03, 0.09)
        steps.append(
            Step(
                rng.choice(
                    [
                        "Running the leak check.",
                        "Let me see whether memory still grows.",
                        "Re-running the tracemalloc script after that change.",
                    ]
                ),
                rng.choice([f"python {script}", f"python -X tracemalloc=10 {script}", f"python {script} | tail -7"]),
                _tracemalloc(ctx, rng, base, slope),
                0,
                rng.uniform(4, 20),
            )
        )
        pick = rng.random()
        if pick < 0.25:
            steps.append(
                Step(
                    "Let me look at the process's peak resident size too.",
                    f"/usr/bin/time -v python {script} 2>&1 | grep -E 'Maximum resident|Elapsed'",
                    "\tElapsed (wall clock) time (h:mm:ss or m:ss): "
                    f"0:{rng.randint(2, 9):02d}.{rng.randint(0, 99):02d}\n"
                    f"\tMaximum resident set size (kbytes): {rng.randint(61000, 69000)}",
                )
            )
        elif pick < 0.45:
            steps.append(
                Step(
                    "Counting live objects before and after a batch of calls.",
                    f'python -c "import gc; from {ctx.dotted} import {ctx.func}; gc.collect(); '
                    "a = len(gc.get_objects()); "
                    f'[{ctx.func}([i, None]) for i in range(5000)]; gc.collect(); print(a, len(gc.get_objects()))"',
                    f"{(a := rng.randint(40000, 90000))} {a + rng.randint(3, 60)}",
                )
            )
        elif pick < 0.6:
            steps.append(
                Step(
                    "Where does the cache live in the module?",
                    f"grep -n '_cache\\|lru_cache\\|weakref' {ctx.source}",
                    f"{rng.randint(20, 80)}:_cache = {rng.choice(['weakref.WeakValueDictionary()', 'dict()'])}\n"
                    f"{rng.randint(140, 700)}:    hit = _cache.get(key)",
                )
            )
        what, old, new = _LEAK_FIXES[i % len(_LEAK_FIXES)]
        steps.append(
            Step(
                f"Memory still grows by ~{slope * 1000 / 2:.0f} KiB per thousand calls. Trying {what}.",
                edit(ctx, old, new),
                "patched",
            )
        )
    return finish(steps, n, give_up(rng, "the slow memory growth in the leak check"))

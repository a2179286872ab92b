"""Productive episodes that look like the loops for a while: the trouble comes once or twice, then is fixed."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout29.loops_debug import _pdb_stop, _pytest_head, _tracemalloc
from heldout29.loops_digging import _dep_code, _timeit
from heldout29.loops_quality import _EXAMPLES, _caplog_failure, _falsified, _props
from heldout29.text import Ctx, append_test, edit, source_lines


def counterexample_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Hypothesis finds one or two edge cases; the agent fixes their common cause and the property holds."""
    props = _props(ctx)
    steps = [
        Step(
            f"I'll add a quick property test: {ctx.func} should keep a single value unchanged.",
            f"cat > {props} <<'EOF'\nfrom hypothesis import given, strategies as st\n\n"
            f"from {ctx.dotted} import {ctx.func}\n\n\n@given(st.one_of(st.text(), st.integers(), st.floats()))\n"
            f"def test_{ctx.stem}_roundtrip(value):\n    assert {ctx.func}([value]) == [value]\nEOF",
            "",
        )
    ]
    for value, got, want in rng.sample(_EXAMPLES[:4], rng.randint(1, 2)):
        steps.append(
            Step(
                "Running the property test.",
                f"python -m pytest {props} -q -x" + ("" if len(steps) == 1 else " -p no:randomly"),
                _falsified(ctx, rng, props, value, got, want),
                1,
                rng.uniform(3, 9),
            )
        )
    steps.append(
        Step(
            "Both come from the key: falsy and NaN-like values collapse onto one key. Let me read _key_of.",
            f"grep -n '_key_of' {ctx.source} | head -5",
            f"{rng.randint(40, 120)}:def _key_of(value):\n{rng.randint(140, 700)}:        key = _key_of(value)",
        )
    )
    steps.append(
        Step(
            "The key should be the value's type and repr, not its truthiness. Fixing it there instead of per value.",
            edit(ctx, "        key = _key_of(value)\n", "        key = (type(value), repr(value))\n"),
            "patched",
        )
    )
    steps.append(
        Step(
            "Re-running the property test with more examples.",
            f"python -m pytest {props} -q --hypothesis-seed={rng.randint(0, 9999)}",
            f"1 passed in {rng.uniform(0.8, 4):.2f}s",
            0,
            rng.uniform(3, 9),
        )
    )
    return steps


def caplog_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The logging test misses the record once; the logger's real name is found and the test passes."""
    target = f"{ctx.test_file}::test_{ctx.stem}_logs_dropped_items"
    child = f"{ctx.run.module}.{rng.choice(['internal', 'warnings', 'utils'])}"
    steps = [
        Step(
            "Adding a test that the dropped duplicates are logged.",
            append_test(
                ctx.test_file,
                f"def test_{ctx.stem}_logs_dropped_items(caplog):\n    caplog.set_level(logging.WARNING, "
                f'logger="{ctx.logger}")\n    {ctx.func}([1, None, 1])\n    assert "dropping" in caplog.text',
            ),
            f'    caplog.set_level(logging.WARNING, logger="{ctx.logger}")\n    {ctx.func}([1, None, 1])\n'
            '    assert "dropping" in caplog.text',
        ),
        Step(
            "Running the new test.",
            f"python -m pytest {target} -q",
            _caplog_failure(ctx, rng, target, "text"),
            1,
            rng.uniform(1.5, 5),
        ),
        Step(
            "caplog caught nothing at that logger. Which logger does the module actually use?",
            f"grep -n 'getLogger' {ctx.source}",
            f'{rng.randint(20, 60)}:logger = logging.getLogger("{child}")',
        ),
        Step(
            f"It logs to `{child}`, not the module name. Pointing set_level at that logger.",
            edit(ctx, f'logger="{ctx.logger}"', f'logger="{child}"', ctx.test_file),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Running it once more.",
                f"python -m pytest {target} -q -p no:cacheprovider",
                f"1 passed in {rng.uniform(0.1, 1.5):.2f}s",
                0,
                rng.uniform(1.5, 5),
            )
        )
    else:
        steps.append(
            Step(
                "Running it once more with the rest of the file.",
                f"python -m pytest {ctx.test_file} -q 2>&1 | tail -1",
                f"{rng.randint(10, 90)} passed in {rng.uniform(0.5, 6):.2f}s",
                0,
                rng.uniform(3, 12),
            )
        )
    return steps


def benchmark_polled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A benchmark of original and patched code runs in the background; the agent polls it, then moves on."""
    usec = rng.uniform(40, 900)
    loops = 10 ** max(1, 5 - len(str(int(usec))))
    log = f"/tmp/bench_{ctx.stem}.log"
    steps = [
        Step(
            "The fix adds work per item; let me benchmark original and patched in the background and keep going.",
            f"git show HEAD:{ctx.source} > /tmp/{ctx.stem}_orig.py && "
            f"nohup sh -c 'for r in 1 2 3 4 5; do echo run $r; python bench_{ctx.stem}.py; done' > {log} 2>&1 &\n"
            "echo started",
            "started",
        )
    ]
    done = 0
    for _ in range(rng.randint(1, 3)):
        done = min(5, done + rng.randint(1, 2))
        steps.append(
            Step(
                "Checking on the benchmark.",
                f"sleep {rng.choice([20, 30, 45])}; tail -{rng.randint(2, 4)} {log}",
                "\n".join(f"run {k}\norig:    {_timeit(rng, usec, loops)}" for k in range(max(1, done - 1), done + 1)),
                0,
                rng.uniform(20, 45),
            )
        )
    steps.append(
        Step(
            "Waiting for the last runs to finish.",
            f"sleep 40; grep -c '^run' {log}; tail -2 {log}",
            f"5\norig:    {_timeit(rng, usec, loops)}\npatched: {_timeit(rng, usec * 1.01, loops)}",
            0,
            rng.uniform(40, 50),
        )
    )
    steps.append(
        Step(
            "The two are within run-to-run noise of each other. No regression; removing the benchmark files.",
            f"rm -f bench_{ctx.stem}.py {log} /tmp/{ctx.stem}_orig.py && git status --short",
            f" M {ctx.source}",
        )
    )
    return steps


def leak_ruled_out(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Memory grows during warm-up, then stays flat over a longer run: no leak, and the agent goes on."""
    base = rng.uniform(1.5, 4.0)
    steps = [
        Step(
            f"The fix adds a cache; a quick check that {ctx.func} doesn't leak.",
            f"cat > leak_check.py <<'EOF'\nimport sys, tracemalloc\n\nfrom {ctx.dotted} import {ctx.func}\n\n"
            "tracemalloc.start()\nn = int(sys.argv[1]) if len(sys.argv) > 1 else 10000\nfor i in range(1, n + 1):\n"
            f"    {ctx.func}([i, None, i])\n    if i % (n // 5) == 0:\n"
            "        print('iter', i, 'current=%.2f MiB' % (tracemalloc.get_traced_memory()[0] / 2**20))\nEOF\n"
            "python leak_check.py",
            _tracemalloc(ctx, rng, base, rng.uniform(0.03, 0.08)),
            0,
            rng.uniform(4, 12),
        ),
        Step(
            "It grows a little; it could be the cache warming up. A run ten times longer tells them apart.",
            "python leak_check.py 100000",
            "\n".join(f"iter {20000 * k} current={base + 0.4 + rng.uniform(-0.01, 0.01):.2f} MiB" for k in range(1, 6)),
            0,
            rng.uniform(30, 60),
        ),
        Step(
            "Flat after warm-up: the cache is bounded and nothing leaks. Removing the script.",
            "rm leak_check.py && git status --short",
            f" M {ctx.source}",
        ),
    ]
    return steps


def dependency_read(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The agent reads a dependency's function once or twice, finds the behaviour it needs, and goes back."""
    dep, path = ctx.dep, ctx.dep_file
    line = rng.randint(80, 4200)
    steps = [
        Step(
            f"I want to confirm how {dep}'s `{ctx.dep_func}` treats None before relying on it.",
            f"grep -n 'def {ctx.dep_func}' {path}",
            f"{line}:    def {ctx.dep_func}(" if ctx.dep_func == "__call__" else f"{line}:def {ctx.dep_func}(",
        ),
        Step(
            "Reading it.",
            f"sed -n '{line},{line + rng.randint(30, 50)}p' {path}",
            _dep_code(ctx, rng, ctx.dep_func, "_validate"),
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "And the validation helper it calls, to see whether None passes through.",
                f"grep -n -A8 'def _validate' {path} | head -12",
                _dep_code(ctx, rng, "_validate", "_coerce"),
            )
        )
    steps.append(
        Step(
            f"Good: None is returned unchanged, so our side has to handle it. Back to {ctx.source}.",
            f"grep -n '{ctx.dep}' {ctx.source} | head -5",
            f"{rng.randint(5, 40)}:import {ctx.dep}\n{rng.randint(140, 700)}:    values = {ctx.dep}.{ctx.dep_func}",
        )
    )
    return steps


def breakpoint_removed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The run stops at a `(Pdb)` prompt and times out once; the agent removes its own breakpoint and goes on."""
    target = f"{ctx.test_file}::{ctx.test_name}"
    steps = [
        Step(
            f"Let me stop inside {ctx.func} to look at the values.",
            edit(ctx, "    result = []\n", "    breakpoint()\n    result = []\n"),
            "patched",
        ),
        Step(
            "Running the test for the issue.",
            f"python -m pytest {target} -q",
            _pytest_head(ctx, rng, rng.randint(0, 6))
            + "\n"
            + ">" * 30
            + " PDB set_trace (IO-capturing turned off) "
            + ">" * 30
            + "\n"
            + _pdb_stop(ctx, rng),
            seconds=120.0,
            timed_out=True,
        ),
        Step(
            "It stopped at the `(Pdb)` prompt: my own breakpoint, which can't be answered here. Removing it.",
            f"grep -n 'breakpoint()' {ctx.source}",
            f"{rng.randint(140, 700)}:    breakpoint()",
        ),
        Step(
            "Deleting that line and printing the values instead.",
            edit(ctx, "    breakpoint()\n", "    print('DEBUG', values)\n"),
            "patched",
        ),
        Step(
            "Running the test again.",
            f"python -m pytest {target} -q -s 2>&1 | tail -4",
            f"DEBUG [1, None, 1]\n.\n1 passed in {rng.uniform(0.1, 2):.2f}s",
            0,
            rng.uniform(1.5, 5),
        ),
        Step(
            "Now I know what comes in. Removing the debug print.",
            edit(ctx, "    print('DEBUG', values)\n", ""),
            "patched",
        ),
    ]
    if rng.random() < 0.4:
        steps.insert(
            3,
            Step(
                "Let me see the lines around it first.",
                f"sed -n '{(a := rng.randint(140, 700))},{a + 12}p' {ctx.source}",
                source_lines(ctx, rng, 13, "    breakpoint()"),
            ),
        )
    return steps

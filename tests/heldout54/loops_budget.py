# ruff: noqa: E501
"""Loops on time, memory, growth and cache budgets: each optimisation moves the figure, never under the limit."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout54.text import Ctx, Fail, churn, deck, py_edit, test_step

# Micro-optimisations an agent reaches for: (old, new, what it says it does).
_SPEEDUPS = (
    ("if key not in seen:", "if key not in seen_set:", "membership in a set instead of the list"),
    ("result = result + [item]", "result.append(item)", "append instead of rebuilding the list"),
    ("queue.pop(0)", "queue.popleft()", "a deque instead of popping the front of a list"),
    ("out += chunk", "parts.append(chunk)", "joining once instead of concatenating strings"),
    ("for key in sorted(index):", "for key in index:", "no sort inside the loop"),
    ("re.match(pattern, item)", "_PATTERN.match(item)", "the regex compiled once"),
    ("copy.deepcopy(item)", "dict(item)", "a shallow copy"),
    ("items.index(item)", "positions[item]", "a position map instead of list.index"),
)


def _speedup(ctx: Ctx, rng: random.Random, draw: Callable[[], tuple[str, str, str]], seen: str) -> Step:
    old, new, what = draw()
    thought = rng.choice(
        [
            f"{seen[0].upper()}{seen[1:]}. Let me try {what} in {ctx.func}.",
            f"{seen}; not there yet. Next: {what}.",
            f"Still too slow ({seen.lower()}). Maybe {what} helps.",
        ]
    )
    return Step(thought, py_edit(ctx.source, old, new), "patched")


def _timeout_fail(ctx: Ctx, rng: random.Random, name: str, limit: float) -> Fail:
    frames = [
        f'  File "/testbed/{ctx.source}", line {rng.randint(40, 900)}, in {ctx.func}',
        f"    {rng.choice(['if key not in seen:', 'for other in items:', 'result.extend(_merge(a, b))', 'key = _key(item)', 'while queue:'])}",
    ]
    return Fail(
        name,
        f"result = {ctx.func}(data)",
        [
            f"Failed: Timeout >{limit:.1f}s",
            "",
            "+" * 35 + " Timeout " + "+" * 35,
            f"~~~~~~~~~~~~~~~~~~ Stack of MainThread ({rng.randrange(10**14, 10**15)}) ~~~~~~~~~~~~~~~~~~",
            *frames,
            "+" * 35 + " Timeout " + "+" * 35,
        ],
    )


def pytest_timeout_overrun(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`@pytest.mark.timeout(5)` on a large input; each speed-up trims a little, the test still times out."""
    name = f"test_{ctx.stem}_large_input"
    state = {"limit": float(rng.choice([2, 5, 5, 10])), "best": 0.0}
    speedups = deck(rng, list(_SPEEDUPS))

    def run(thought: str, extra: str = "") -> Step:
        limit = state["limit"]
        return test_step(
            ctx,
            rng,
            thought,
            ctx.one(name),
            [_timeout_fail(ctx, rng, name, limit)],
            extra or rng.choice(["", " -q", " -x", " -p no:randomly"]),
            took=limit + rng.uniform(0.1, 1.4),
        )

    def seen() -> str:
        if state["best"]:
            return f"The timeit run gave {state['best']:.2f} s on a smaller input and the test still overruns {state['limit']:.0f}s"
        return f"It still times out after {state['limit']:.0f}s"

    first = [run(f"Let me run {name}, which has a {state['limit']:.0f}s timeout.")]

    def speed(k: int) -> list[Step]:
        return [_speedup(ctx, rng, speedups, seen()), run(rng.choice(["Rerunning the timed test.", "And the test."]))]

    def timeit(k: int) -> list[Step]:
        size = rng.choice([1000, 2000, 5000, 10000, 20000])
        loops = rng.choice([1, 1, 2, 5])
        state["best"] = rng.uniform(0.4, 9.0)
        return [
            Step(
                f"Let me time {ctx.func} directly on {size} items.",
                f"python -m timeit -n {loops} -r 3 -s 'from {ctx.dotted} import {ctx.func}; data = list(range({size}))' '{ctx.func}(data)'",
                f"{loops} loop{'s' if loops > 1 else ''}, best of 3: {state['best']:.{rng.choice([2, 3])}f} sec per loop",
                seconds=rng.uniform(4, 40),
            )
        ]

    def longer(k: int) -> list[Step]:
        old = state["limit"]
        state["limit"] = old * 2
        return [
            Step(
                f"The machine may just be slow. Let me raise the test's timeout to {state['limit']:.0f}s to see how far off it is.",
                py_edit(
                    ctx.test_file, f"@pytest.mark.timeout({old:.0f})", f"@pytest.mark.timeout({state['limit']:.0f})"
                ),
                "patched",
            ),
            run("Rerunning with the longer timeout."),
        ]

    def unbounded(k: int) -> list[Step]:
        return [
            Step(
                "Let me run it without the timeout plugin to see how long it really takes.",
                ctx.tests(ctx.one(name), " -p no:timeout --durations=3"),
                "",
                seconds=rng.uniform(60, 120),
                timed_out=True,
            )
        ]

    def profile(k: int) -> list[Step]:
        funcs = ["_key", "_merge", "__eq__", "__hash__", "append", "copy", "match", ctx.func, ctx.loader]
        lines = []
        for f in rng.sample(funcs, 5):
            calls, own = rng.randint(1000, 9_000_000), rng.uniform(0.1, 6.0)
            cum = own + rng.uniform(0, 3.0)
            lines.append(
                f"{calls:>9}{own:>9.3f}{own / calls:>9.6f}{cum:>9.3f}{cum / calls:>9.6f} {ctx.source}:{rng.randint(10, 900)}({f})"
            )
        rows = "\n".join(lines)
        return [
            Step(
                "Let me profile a smaller input to see where the time goes.",
                f"python -c \"import cProfile; from {ctx.dotted} import {ctx.func}; cProfile.run('{ctx.func}(list(range({rng.choice([500, 1000, 3000])})))', sort='{rng.choice(['tottime', 'cumtime'])}')\" | head -14",
                f"         {rng.randint(10**5, 10**8)} function calls in {rng.uniform(0.5, 9.0):.3f} seconds\n\n   Ordered by: internal time\n\n   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n{rows}\n",
                seconds=rng.uniform(2, 20),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [speed, speed, timeit, longer, unbounded, profile],
        f"{name}'s timeout (every speed-up helps a little, never enough)",
    )


def _peak_fail(ctx: Ctx, name: str, limit: int, peak: int) -> Fail:
    if ctx.django:
        return Fail(name, f"self.assertLess(peak, {limit})", [f"AssertionError: {peak} not less than {limit}"])
    return Fail(name, f"assert peak < {limit}", [f"assert {peak} < {limit}"])


def tracemalloc_peak_over_limit(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A tracemalloc peak limit; generators, __slots__, chunks and `del` move the peak around, always above it."""
    name = f"test_{ctx.stem}_memory_bounded"
    limit = rng.choice([2_097_152, 4_194_304, 1_048_576, 8_388_608])
    state = {"peak": 0}

    def run(thought: str) -> Step:
        state["peak"] = limit + rng.randint(limit // 20, limit)
        return test_step(
            ctx,
            rng,
            thought,
            ctx.one(name) if rng.random() < 0.7 else "",
            [_peak_fail(ctx, name, limit, state["peak"])],
            ctx.flags(rng),
        )

    first = [run(f"Let me run {name}, which measures the peak with tracemalloc.")]

    cuts = deck(
        rng,
        [
            ("    return [", "    return (", "a generator instead of a list"),
            ("rows = list(reader)", "rows = iter(reader)", "iterating the reader lazily"),
            ("data = f.read().splitlines()", "data = (line.rstrip('\\n') for line in f)", "reading line by line"),
            ("keys = sorted(set(keys))", "keys = sorted(dict.fromkeys(keys))", "one intermediate collection less"),
            (
                "chunk = items[i:i + size]",
                "chunk = itertools.islice(items, i, i + size)",
                "islice instead of slicing copies",
            ),
            ("parts = [str(p) for p in parts]", "parts = map(str, parts)", "map instead of a list of strings"),
        ],
    )

    def over() -> str:
        return f"{state['peak']:,} bytes against {limit:,}"

    def lazier(k: int) -> list[Step]:
        old, new, what = cuts()
        return [
            Step(
                rng.choice(
                    [f"Peak {over()}. Let me cut an allocation: {what}.", f"Still over ({over()}). Next: {what}."]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            run(rng.choice(["Rerunning the memory test.", "And the test.", "Let me see the peak now."])),
        ]

    def slots(k: int) -> list[Step]:
        fields = rng.choice(["'key', 'value'", "'key', 'value', 'parent'", "'name', 'items', '_cache'"])
        return [
            Step(
                f"Peak {over()}. Each record is a full object with a __dict__. Let me give {ctx.cls}Record __slots__ = ({fields}).",
                py_edit(
                    ctx.source, f"class {ctx.cls}Record:\n", f"class {ctx.cls}Record:\n    __slots__ = ({fields})\n"
                ),
                "patched",
            ),
            run("And the test."),
        ]

    def free(k: int) -> list[Step]:
        var = rng.choice(["tmp", "rows", "parsed", "buffer", "pairs"])
        return [
            Step(
                f"Peak {over()}. `{var}` stays alive until the function returns; let me delete it as soon as it is used.",
                py_edit(ctx.source, f"    result = _finish({var})", f"    result = _finish({var})\n    del {var}"),
                "patched",
            ),
            run("Rerunning."),
        ]

    def measure(k: int) -> list[Step]:
        size = rng.choice([1000, 5000, 10000, 50000])
        stats = "\n".join(
            f"{ctx.source}:{rng.randint(20, 900)}: size={rng.randint(40, 4000)} KiB, count={rng.randint(100, 90000)}, average={rng.randint(24, 400)} B"
            for _ in range(3)
        )
        return [
            Step(
                "Let me see which lines allocate the most.",
                f"python - <<'EOF'\nimport tracemalloc\nfrom {ctx.dotted} import {ctx.func}\ntracemalloc.start()\n{ctx.func}(list(range({size})))\nsnap = tracemalloc.take_snapshot()\nfor stat in snap.statistics('lineno')[:3]:\n    print(stat)\nprint('peak', tracemalloc.get_traced_memory()[1])\nEOF",
                f"{stats}\npeak {limit + rng.randint(limit // 10, limit)}",
                seconds=rng.uniform(1, 8),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [lazier, lazier, slots, free, measure],
        f"the memory peak of {ctx.func} (each change moves it, it stays above the limit)",
    )


def _ratio_fail(ctx: Ctx, name: str, limit: float, ratio: float, fast: float, sizes: tuple[int, int]) -> Fail:
    small, big = sizes
    message = f"{big} items took {fast * ratio:.3f}s vs {fast:.3f}s for {small} (ratio {ratio:.1f}, limit {limit:g})"
    if ctx.django:
        return Fail(
            name,
            f"self.assertLess(ratio, {limit:g}, msg)",
            [f"AssertionError: {ratio:.6f} not less than {limit:g} : {message}"],
        )
    return Fail(
        name, f"assert ratio < {limit:g}, msg", [f"AssertionError: {message}", f"assert {ratio:.6f} < {limit:g}"]
    )


def growth_ratio_superlinear(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test times n and 8n items and wants linear growth; every rewrite leaves the ratio two to four times too big."""
    name = f"test_{ctx.stem}_scales_linearly"
    small, big = rng.choice([(1000, 8000), (500, 4000), (2000, 16000)])
    state = {"limit": float(rng.choice([10, 12, 16])), "ratio": 0.0}
    speedups = deck(rng, list(_SPEEDUPS))

    def run(thought: str) -> Step:
        state["ratio"] = state["limit"] * rng.uniform(1.2, 4.0)
        return test_step(
            ctx,
            rng,
            thought,
            ctx.one(name),
            [_ratio_fail(ctx, name, state["limit"], state["ratio"], rng.uniform(0.01, 0.09), (small, big))],
            ctx.flags(rng),
        )

    first = [run(f"Let me run {name} to see how far from linear {ctx.func} is.")]

    def speed(k: int) -> list[Step]:
        seen = f"Ratio {state['ratio']:.1f} against {state['limit']:g}"
        return [_speedup(ctx, rng, speedups, seen), run(rng.choice(["Rerunning the scaling test.", "Again."]))]

    def sizes(k: int) -> list[Step]:
        ns = rng.sample([500, 1000, 2000, 4000, 8000, 16000], 4)
        base = rng.uniform(0.004, 0.05)
        rows = "\n".join(f"{m:>6} {base * (m / min(ns)) ** rng.uniform(1.4, 2.1):.4f}" for m in sorted(ns))
        return [
            Step(
                "Let me time it at several sizes to see the growth.",
                f'python -c "import time; from {ctx.dotted} import {ctx.func}\nfor m in {sorted(ns)}:\n    t = time.perf_counter(); {ctx.func}(list(range(m))); print(m, round(time.perf_counter() - t, 4))"',
                rows,
                seconds=rng.uniform(2, 25),
            )
        ]

    def loosen(k: int) -> list[Step]:
        old = state["limit"]
        state["limit"] = old + rng.choice([4.0, 6.0, 8.0])
        return [
            Step(
                f"A ratio of {state['ratio']:.1f}: timing on this machine is noisy; let me allow a ratio of {state['limit']:g} to see if it is only noise.",
                py_edit(ctx.test_file, f"ratio < {old:g}", f"ratio < {state['limit']:g}")
                if not ctx.django
                else py_edit(ctx.test_file, f"assertLess(ratio, {old:g}", f"assertLess(ratio, {state['limit']:g}"),
                "patched",
            ),
            run("Rerunning with the looser limit."),
        ]

    def rerun(k: int) -> list[Step]:
        return [run(f"It said {state['ratio']:.1f}. Let me run it once more to see how stable the ratio is.")]

    return churn(
        ctx,
        rng,
        n,
        first,
        [speed, speed, sizes, loosen, rerun],
        f"the growth of {ctx.func} (the ratio stays superlinear whatever I change)",
    )

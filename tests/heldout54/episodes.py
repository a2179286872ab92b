# ruff: noqa: E501
"""Hard negatives: a count, time or memory budget missed once or twice, its cause found, the test going green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout54.loops_calls import mock_fail
from heldout54.loops_queries import num_queries_fail
from heldout54.text import Ctx, Fail, look, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", took: float | None = None) -> Step:
    return test_step(ctx, rng, thought, target, [], "" if ctx.django else " -q", took)


def select_related_added(ctx: Ctx, rng: random.Random) -> list[Step]:
    """assertNumQueries(2) sees one query per row; prefetch_related adds one more; select_related joins it; green."""
    name = f"test_{ctx.stem}_list_num_queries"
    rows = rng.randint(3, 6)
    return [
        test_step(
            ctx,
            rng,
            f"Let me run {name} with my change.",
            ctx.one(name),
            [num_queries_fail(ctx, rng, name, rows + 2, 2, "fk", "paged")],
        ),
        Step(
            f"One query per {ctx.model.lower()} for its {ctx.fk}. Let me prefetch it.",
            py_edit(ctx.view, f"{ctx.model}.objects.all()", f"{ctx.model}.objects.all().prefetch_related('{ctx.fk}')"),
            "patched",
        ),
        test_step(
            ctx, rng, "Rerunning.", ctx.one(name), [num_queries_fail(ctx, rng, name, 3, 2, "fk", "fk-prefetched")]
        ),
        Step(
            "Three now: the prefetch is a query of its own. Let me read what the test expects the two queries to be.",
            f"grep -n -B3 -A8 'assertNumQueries' {ctx.test_file} | head -24",
            f"{rng.randint(40, 400)}:        # one query for the page count, one for the {ctx.model.lower()}s joined to their {ctx.fk}\n        with self.assertNumQueries(2):\n            response = self.client.get(reverse('{ctx.app}:{ctx.model.lower()}-list'))\n",
        ),
        Step(
            f"The test wants the {ctx.fk} joined, not fetched separately: a forward foreign key is select_related's job.",
            py_edit(ctx.view, f".prefetch_related('{ctx.fk}')", f".select_related('{ctx.fk}')"),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the query-count test.", ctx.one(name)),
        _green(ctx, rng, f"And the whole {ctx.app} app."),
    ]


def prefetch_filter_moved(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The count grows with rows even after prefetching; a `.filter()` on the relation is found and moved into a Prefetch."""
    name = f"test_{ctx.stem}_queries_do_not_grow"
    line = rng.randint(20, 160)
    return [
        test_step(
            ctx, rng, f"Let me run {name}.", ctx.one(name), [num_queries_fail(ctx, rng, name, 21, 2, "m2m", "joined")]
        ),
        Step(
            f"21 queries for 20 rows: {ctx.m2m} is fetched per row. Let me prefetch it.",
            py_edit(
                ctx.view,
                "queryset = self.model.objects.all()",
                f"queryset = self.model.objects.all().prefetch_related('{ctx.m2m}')",
            ),
            "patched",
        ),
        test_step(
            ctx, rng, "Rerunning.", ctx.one(name), [num_queries_fail(ctx, rng, name, 22, 2, "m2m", "m2m-prefetched")]
        ),
        Step(
            "The prefetch ran but each row still queries, and each per-row query has a WHERE on active. Something filters the relation after prefetching.",
            f"grep -n '{ctx.m2m}\\.' {ctx.view} tests/{ctx.app}/models.py",
            f"{ctx.view}:{line}:            'active_{ctx.m2m}': obj.{ctx.m2m}.filter(active=True),\n",
        ),
        Step(
            "`.filter()` on a prefetched relation makes a new query each time. Filter inside the Prefetch and read the attribute instead.",
            py_edit(
                ctx.view,
                f".prefetch_related('{ctx.m2m}')",
                f".prefetch_related(Prefetch('{ctx.m2m}', queryset={ctx.m2m_model.title()}.objects.filter(active=True), to_attr='active_{ctx.m2m}'))",
            ),
            "patched",
        ),
        Step(
            "And use the prefetched list in the context.",
            py_edit(ctx.view, f"obj.{ctx.m2m}.filter(active=True)", f"obj.active_{ctx.m2m}"),
            "patched",
        ),
        Step(
            "Prefetch must be imported.",
            f"grep -n '^from django.db.models import' {ctx.view}",
            f"{rng.randint(1, 9)}:from django.db.models import Prefetch, Q\n",
        ),
        _green(ctx, rng, "Rerunning the query test.", ctx.one(name)),
        _green(ctx, rng, f"And the rest of {ctx.app}."),
    ]


def duplicate_call_removed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The mocked loader is called twice, twice; its two call sites are found, the second reuses the first's result."""
    name = f"test_{ctx.stem}_loads_once"
    lines = (rng.randint(40, 300), rng.randint(301, 700))
    return [
        test_step(ctx, rng, f"Let me run {name}.", ctx.one(name), [mock_fail(ctx, rng, name, 2)]),
        Step(
            f"Let me cache {ctx.loader}'s result on the instance.",
            py_edit(
                ctx.source, f"        data = {ctx.loader}(name)", f"        data = self._data = {ctx.loader}(name)"
            ),
            "patched",
        ),
        test_step(ctx, rng, "Rerunning.", ctx.one(name), [mock_fail(ctx, rng, name, 2)]),
        Step(
            f"Still two calls. Let me find every place {ctx.func}'s path calls {ctx.loader}.",
            f"grep -n '{ctx.loader}(' {ctx.source}",
            f"{lines[0]}:        data = self._data = {ctx.loader}(name)\n{lines[1]}:        if not {ctx.loader}(name):\n",
        ),
        Step(
            f"The validity check at line {lines[1]} loads everything again just to test it. It should use the data already loaded.",
            py_edit(ctx.source, f"        if not {ctx.loader}(name):", "        if not self._data:"),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the call-count test.", ctx.one(name)),
        _green(ctx, rng, "And the module."),
    ]


def quadratic_scan_replaced(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The timed test overruns once; a profile shows list.index called per item; a position map makes it linear."""
    name = f"test_{ctx.stem}_large_input"
    calls = rng.randint(20_000, 90_000)
    spent = rng.uniform(1.5, 4.0)
    slow = Fail(
        name,
        f"result = {ctx.func}(data)",
        [f"AssertionError: {rng.uniform(5.5, 14.0):.3f} not less than 5.0"]
        if ctx.django
        else [
            "Failed: Timeout >5.0s",
            "",
            "+" * 35 + " Timeout " + "+" * 35,
            f'  File "/testbed/{ctx.source}", line {rng.randint(40, 800)}, in {ctx.func}',
            "    pos = items.index(item)",
            "+" * 35 + " Timeout " + "+" * 35,
        ],
    )
    return [
        test_step(ctx, rng, f"Let me run {name} with the fix.", ctx.one(name), [slow], took=rng.uniform(5.2, 9.0)),
        Step(
            "Let me profile a smaller input to see where the time goes.",
            f"python -c \"import cProfile; from {ctx.dotted} import {ctx.func}; cProfile.run('{ctx.func}(list(range(3000)))', sort='tottime')\" | head -9",
            f"         {calls} function calls in {spent + rng.uniform(0.01, 0.3):.3f} seconds\n\n   Ordered by: internal time\n\n   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n     3000    {spent * 0.93:.3f}    0.001    {spent * 0.93:.3f}    0.001 {{method 'index' of 'list' objects}}\n        1    {spent * 0.05:.3f}    {spent * 0.05:.3f}    {spent:.3f}    {spent:.3f} {ctx.source}:{rng.randint(40, 800)}({ctx.func})\n",
        ),
        Step(
            "All the time is in list.index inside the loop: quadratic. A dict of positions built once makes it linear.",
            py_edit(ctx.source, "        pos = items.index(item)", "        pos = positions[item]"),
            "patched",
        ),
        Step(
            "And build the map before the loop.",
            py_edit(
                ctx.source,
                "    for item in items:",
                "    positions = dict((item, i) for i, item in reversed(list(enumerate(items))))\n    for item in items:",
                1,
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the timed test.", ctx.one(name), took=rng.uniform(0.2, 0.9)),
        look(ctx, rng),
        _green(ctx, rng, "And the whole module."),
    ]


def peak_memory_streamed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The tracemalloc limit is missed once; the top allocation is a list materialised to be summed; a generator fixes it."""
    name = f"test_{ctx.stem}_memory_bounded"
    limit = 2_097_152
    line = rng.randint(40, 700)
    over = Fail(
        name,
        f"self.assertLess(peak, {limit})" if ctx.django else f"assert peak < {limit}",
        [f"AssertionError: {limit + rng.randint(300_000, 3_000_000)} not less than {limit}"]
        if ctx.django
        else [f"assert {limit + rng.randint(300_000, 3_000_000)} < {limit}"],
    )
    return [
        test_step(ctx, rng, f"Let me run {name}.", ctx.one(name), [over]),
        Step(
            "Let me see which line allocates the peak.",
            f"python - <<'EOF'\nimport tracemalloc\nfrom {ctx.dotted} import {ctx.func}\ntracemalloc.start()\n{ctx.func}(range(100000))\nfor stat in tracemalloc.take_snapshot().statistics('lineno')[:2]:\n    print(stat)\nEOF",
            f"{ctx.source}:{line}: size={rng.randint(2500, 6000)} KiB, count={rng.randint(99000, 100010)}, average={rng.randint(28, 64)} B\n{ctx.source}:{line + rng.randint(3, 20)}: size={rng.randint(1, 9)} KiB, count={rng.randint(2, 40)}, average={rng.randint(40, 300)} B\n",
        ),
        Step(
            f"Let me look at line {line}.",
            f"sed -n '{line - 2},{line + 2}p' {ctx.source}",
            "    total = 0\n    sizes = [_size(item) for item in items]\n    total = sum(sizes)\n    return total\n",
        ),
        Step(
            "The list of sizes is only summed. A generator expression never holds it.",
            py_edit(
                ctx.source,
                "    sizes = [_size(item) for item in items]\n    total = sum(sizes)",
                "    total = sum(_size(item) for item in items)",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the memory test.", ctx.one(name)),
        _green(ctx, rng, "And the module."),
    ]


def recursion_memoized(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A call budget blows up on an exponential recursion; memoising the public function meets an unhashable list;
    the private recursive helper is memoised on hashable arguments; the budget is met."""
    name = f"test_{ctx.stem}_call_budget"
    budget = rng.choice([200, 500, 1000])
    made = rng.choice([28657, 46367, 121392, 317810])
    over = Fail(
        name,
        f"self.assertLessEqual(counter.calls, {budget})" if ctx.django else f"assert counter.calls <= {budget}",
        [f"AssertionError: {made} not less than or equal to {budget}"]
        if ctx.django
        else [f"assert {made} <= {budget}", f" +  where {made} = <CallCounter {ctx.func}>.calls"],
    )
    base = rng.randint(40, 700)
    unhashable = Fail(name, f"{ctx.func}(items, depth=20)", ["TypeError: unhashable type: 'list'"])
    return [
        test_step(ctx, rng, f"Let me run {name}, which counts the recursive calls.", ctx.one(name), [over]),
        Step(
            f"The recursion recomputes the same subproblems. Let me memoise {ctx.func}.",
            py_edit(ctx.source, f"def {ctx.func}(", f"@functools.lru_cache(maxsize=None)\ndef {ctx.func}("),
            "patched",
        ),
        test_step(ctx, rng, "Rerunning.", ctx.one(name), [unhashable]),
        Step(
            f"{ctx.func} takes a list, which cannot be a cache key. Let me look at the recursion itself.",
            f"grep -n '_{ctx.stem}_step\\|def {ctx.func}' {ctx.source}",
            f"{base}:def {ctx.func}(items, depth):\n{base + 3}:    return _{ctx.stem}_step(tuple(items), depth)\n{base + 6}:def _{ctx.stem}_step(items, depth):\n{base + 11}:    return _{ctx.stem}_step(items, depth - 1) + _{ctx.stem}_step(items, depth - 2)\n",
        ),
        Step(
            f"The helper already gets a tuple: memoise _{ctx.stem}_step instead, and leave {ctx.func} as it was.",
            py_edit(
                ctx.source,
                f"@functools.lru_cache(maxsize=None)\ndef {ctx.func}(",
                f"def {ctx.func}(",
            ).replace(
                "print('patched')",
                f"s = s.replace('def _{ctx.stem}_step(', '@functools.lru_cache(maxsize=None)\\ndef _{ctx.stem}_step(', 1)\nopen(p, 'w').write(s)\nprint('patched')",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerunning the budget test.", ctx.one(name)),
        _green(ctx, rng, "And the module."),
    ]

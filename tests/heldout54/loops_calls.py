# ruff: noqa: E501
"""Loops on counted calls: a mocked loader and a memoised function, each edit moving the count, never to the assertion."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout54.text import Ctx, Fail, churn, clear_cache, deck, look, py_edit, test_step


def mock_fail(ctx: Ctx, rng: random.Random, name: str, called: int) -> Fail:
    args = [rng.choice(["'a'", "'b'", "'default'", f"'{ctx.stem}'", "key='x'", "None"]) for _ in range(called)]
    calls = ", ".join(f"call({a})" for a in args)
    mid = f"{rng.randrange(10**14, 10**15)}"
    how = "once" if ctx.pick % 2 else "count"  # one test, one assertion
    if how == "once":
        code = f"mocked.assert_called_once_with({args[0] if args else repr(ctx.stem)})"
        lines = [f"AssertionError: Expected '{ctx.loader}' to be called once. Called {called} times."]
        if called:
            lines.append(f"Calls: [{calls}].")
    elif ctx.django:
        code = "self.assertEqual(mocked.call_count, 1)"
        lines = [f"AssertionError: {called} != 1"]
    else:
        code = "assert mocked.call_count == 1"
        lines = [f"assert {called} == 1", f" +  where {called} = <MagicMock name='{ctx.loader}' id='{mid}'>.call_count"]
    return Fail(name, code, lines)


def mock_called_once_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test asserts the patched loader is called once; caches, hoists and patch targets move the count to 0, 2, 3, 4."""
    name = f"test_{ctx.stem}_loads_once"
    state = {"called": 0}

    def run(thought: str) -> Step:
        state["called"] = rng.choice([c for c in (0, 2, 2, 3, 3, 4, 5) if c != state["called"]])
        return test_step(
            ctx,
            rng,
            thought,
            ctx.one(name) if rng.random() < 0.65 else "",
            [mock_fail(ctx, rng, name, state["called"])],
            ctx.flags(rng),
        )

    def now() -> str:
        return "never called" if not state["called"] else f"called {state['called']} times"

    first = [run(f"Let me run {name}, which counts calls to {ctx.loader}.")]
    caches = deck(
        rng,
        [
            (f"def {ctx.loader}(", f"@functools.lru_cache(maxsize=None)\ndef {ctx.loader}("),
            (f"def {ctx.loader}(", f"@functools.cache\ndef {ctx.loader}("),
            (
                f"    return {ctx.loader}(name)",
                f"    if name not in _CACHE:\n        _CACHE[name] = {ctx.loader}(name)\n    return _CACHE[name]",
            ),
            (f"self._data = {ctx.loader}(name)", f"self._data = self._data or {ctx.loader}(name)"),
            (
                f"        data = {ctx.loader}(name)",
                f"        data = getattr(self, '_cached', None) or {ctx.loader}(name)",
            ),
            (f"def {ctx.loader}(name)", f"@functools.lru_cache(maxsize=32)\ndef {ctx.loader}(name)"),
        ],
    )
    targets = deck(
        rng,
        [
            (f"patch('{ctx.dotted}.{ctx.loader}')", f"patch.object({ctx.cls}, '{ctx.loader}')"),
            (f"patch('{ctx.dotted}.{ctx.loader}')", f"patch('{ctx.dotted}.{ctx.loader}', autospec=True)"),
            ("mocked.assert_called_once_with(", "mocked.assert_called_with("),
            (f"patch('{ctx.dotted}.{ctx.loader}')", f"patch('{ctx.run.module}.utils.{ctx.loader}')"),
            (f"patch('{ctx.dotted}.{ctx.loader}')", f"patch('{ctx.dotted}.{ctx.loader}', wraps={ctx.loader})"),
        ],
    )

    def cache(k: int) -> list[Step]:
        old, new = caches()
        thought = rng.choice(
            [
                f"{ctx.loader} is {now()} for one lookup. Let me cache its result differently.",
                f"Now it is {now()}. Let me memoise {ctx.loader} another way.",
                f"The mock was {now()}; the result should be reused. Let me cache it.",
            ]
        )
        return [
            Step(thought, py_edit(ctx.source, old, new), "patched"),
            run(rng.choice(["Rerunning the call-count test.", "And the test.", "Let me see the count now."])),
        ]

    def hoist(k: int) -> list[Step]:
        line = rng.randint(40, 800)
        edit = rng.choice(
            [
                py_edit(
                    ctx.source,
                    f"    for item in items:\n        data = {ctx.loader}(name)",
                    f"    data = {ctx.loader}(name)\n    for item in items:",
                ),
                f"sed -i '{line}d' {ctx.source} && sed -i '{line - rng.randint(2, 6)}a\\    data = {ctx.loader}(name)' {ctx.source}",
            ]
        )
        return [
            Step(
                f"It was {now()}: the call sits inside the loop in {ctx.func}. Let me move it out.",
                edit,
                "patched" if edit.startswith("python") else "",
            ),
            run(rng.choice(["And the test again.", "Rerunning."])),
        ]

    def target(k: int) -> list[Step]:
        old, new = targets()
        return [
            Step(
                f"The mock was {now()}. Maybe the test patches the wrong name. Let me change `{old}` to `{new}` in the test.",
                py_edit(ctx.test_file, old, new),
                "patched",
            ),
            run("Running it with the new patch."),
        ]

    def clear(k: int) -> list[Step]:
        return [
            Step(
                f"The mock was {now()}; a cache surviving from an earlier test could hide or add calls. Let me clear it before the test.",
                clear_cache(ctx, name, ctx.loader),
                "patched",
            ),
            run("Rerunning."),
        ]

    def who(k: int) -> list[Step]:
        return [
            Step(
                f"Where is {ctx.loader} called?",
                rng.choice(
                    [
                        f"grep -rn '{ctx.loader}(' {ctx.run.package} | grep -v tests",
                        f"git grep -n '{ctx.loader}' -- '*.py' | grep -v test",
                    ]
                ),
                "\n".join(
                    f"{ctx.run.package}/{rng.choice(['base', 'utils', 'core', 'api', 'config'])}.py:{rng.randint(10, 900)}:{rng.choice(['    data = ', '        self._data = ', '    return ', '            value = '])}{ctx.loader}(name)"
                    for _ in range(rng.randint(2, 5))
                ),
            ),
            look(ctx, rng),
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [cache, cache, hoist, target, clear, who],
        f"the call count of {ctx.loader} (caching moves it but the test never sees exactly one call)",
    )


def _hits_fail(ctx: Ctx, name: str, want: int, hits: int, maxsize: str) -> Fail:
    calls = want + 1
    info = f"CacheInfo(hits={hits}, misses={calls - hits}, maxsize={maxsize}, currsize={calls - hits})"
    if ctx.django:
        return Fail(
            name, f"self.assertEqual({ctx.func}.cache_info().hits, {want})", [f"AssertionError: {hits} != {want}"]
        )
    return Fail(name, f"assert info.hits == {want}", [f"assert {hits} == {want}", f" +  where {hits} = {info}.hits"])


_DECORATORS = {
    "@functools.lru_cache(maxsize=128)": "128",
    "@functools.lru_cache(maxsize=None)": "None",
    "@functools.cache": "None",
    "@functools.lru_cache(maxsize=None, typed=True)": "None",
    "@functools.lru_cache(maxsize=32)": "32",
    "@functools.lru_cache(maxsize=1024)": "1024",
}


def cache_info_hits_shortfall(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A memoised function must hit its cache on repeated calls; keys, decorators and maxsize change, hits stay short."""
    name = f"test_{ctx.stem}_memoized"
    want = rng.choice([9, 19, 4, 99])
    state = {"decorator": rng.choice(list(_DECORATORS)), "hits": 0}

    def run(thought: str) -> Step:
        state["hits"] = max(0, min(want - 1, rng.choice([0, 0, want // 2, want - 1, want - 3, 1])))
        return test_step(
            ctx,
            rng,
            thought,
            ctx.one(name) if rng.random() < 0.7 else "",
            [_hits_fail(ctx, name, want, state["hits"], _DECORATORS[str(state["decorator"])])],
            ctx.flags(rng),
        )

    def short() -> str:
        return f"{state['hits']} hits of {want}"

    first = [run(f"Let me run {name}, which checks the cache hits after repeated calls.")]
    keys = deck(
        rng,
        [
            ("return _cached(items)", "return _cached(tuple(items))"),
            ("return _cached(items, **options)", "return _cached(tuple(items), tuple(sorted(options.items())))"),
            ("return _cached(tuple(items))", "return _cached(frozenset(items))"),
            ("return _cached(name, options)", "return _cached(name.lower(), frozenset(options))"),
            ("return _cached(tuple(items))", "return _cached(tuple(sorted(items)))"),
            ("return _cached(value)", "return _cached(float(value))"),
        ],
    )

    def decorator(k: int) -> list[Step]:
        old = str(state["decorator"])
        state["decorator"] = rng.choice([d for d in _DECORATORS if d != old])
        return [
            Step(
                f"{short()}. Let me switch the decorator from `{old}` to `{state['decorator']}`.",
                py_edit(ctx.source, old, str(state["decorator"])),
                "patched",
            ),
            run(rng.choice(["Rerunning the memoization test.", "And the test."])),
        ]

    def key(k: int) -> list[Step]:
        old, new = keys()
        return [
            Step(
                rng.choice(
                    [
                        f"Only {short()}: the arguments may not hash to the same key each call. Let me pass `{new.removeprefix('return ')}`.",
                        f"{short()}. Maybe the key differs between calls; let me normalise it with `{new.removeprefix('return ')}`.",
                    ]
                ),
                py_edit(ctx.source, old, new),
                "patched",
            ),
            run(rng.choice(["And the test.", "Rerunning."])),
        ]

    def clear(k: int) -> list[Step]:
        return [
            Step(
                f"{short()}: calls from other tests may be in the statistics. Let me clear the cache before the test.",
                clear_cache(ctx, name, ctx.func),
                "patched",
            ),
            run("Rerunning."),
        ]

    def info(k: int) -> list[Step]:
        hits = rng.randint(0, want - 1)
        ok = rng.random() < 0.8
        maxsize = _DECORATORS[str(state["decorator"])]
        arg = rng.choice(["[1, 2, 3]", "(1, 2, 3)", "'abc'", "2.0"])
        return [
            Step(
                "Let me print the cache statistics after a few identical calls.",
                f'python -c "from {ctx.dotted} import {ctx.func}\nfor _ in range({want + 1}): {ctx.func}({arg})\nprint({ctx.func}.cache_info())"',
                f"CacheInfo(hits={hits}, misses={want + 1 - hits}, maxsize={maxsize}, currsize={want + 1 - hits})"
                if ok
                else f"Traceback (most recent call last):\n  File \"<string>\", line 2, in <module>\nTypeError: unhashable type: '{rng.choice(['list', 'dict', 'set'])}'",
                rc=0 if ok else 1,
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [decorator, key, key, clear, info],
        f"the cache hits of {ctx.func} (never as many as the test expects)",
    )

# ruff: noqa: E501
"""Loops on memoized state: an lru_cache and a cached_property keep old values.

Each attempt changes something real (the function, the test, the run's order, the bytecode) and the
failure moves to another test or another value, because the cache it never looks at is filled by
whichever test ran first.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout49.text import Attempt, Ctx, churn, one_test, py_edit, rerun, stale, test_step


def _fails(ctx: Ctx, rng: random.Random, names: list[str], most: int = 2) -> list[tuple[str, str]]:
    return [(name, stale(rng)) for name in rng.sample(names, rng.randint(1, most))]


def _edit(thought: str, command: str) -> Step:
    return Step(thought, command, "patched")


def memoized_value_persists(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A helper behind `@lru_cache` keeps the table the first test built; order decides which test fails."""
    names = ctx.cases(rng, 5)
    code = f"assert {ctx.func}(value, sep=sep) == expected"
    first = [
        test_step(
            ctx, rng, "Now let me run the module's tests with my change.", "", _fails(ctx, rng, names, 1), code=code
        ),
        test_step(
            ctx,
            rng,
            "That test fails in the module run. Let me run it on its own to see the full picture.",
            one_test(ctx, names[0]),
            [],
            passed=1,
        ),
    ]

    def rewrite(k: int) -> list[Step]:
        new = rng.choice(
            [
                "sep = options.get('sep') or table['sep']",
                "sep = options['sep'] if 'sep' in options else table['sep']",
                "sep = options.pop('sep', None) or table.get('sep', ',')",
                "sep = str(options.get('sep', table['sep']))",
            ]
        )
        return [
            _edit(
                rng.choice(
                    [
                        "Maybe the separator lookup is the problem when the option is passed. Let me rewrite it.",
                        f"Attempt {k}: I'll make the option take precedence more explicitly.",
                        "Let me restructure how the separator is chosen so the option always wins.",
                    ]
                ),
                py_edit(ctx.source, "sep = options.get('sep', table['sep'])", new),
            ),
            test_step(ctx, rng, rerun(rng), "", _fails(ctx, rng, names), code=code),
        ]

    def reorder(k: int) -> list[Step]:
        if ctx.django:
            extra = rng.choice([" --reverse", " --parallel 1", f" --shuffle {rng.randint(1, 99999)}", " -v 2"])
        else:
            extra = rng.choice(
                [" -p no:randomly", " -p no:cacheprovider", f" -k 'not {rng.choice(names)}'", " -x", " --tb=line -q"]
            )
        failing = _fails(ctx, rng, names) if rng.random() < 0.8 else []
        return [
            test_step(
                ctx,
                rng,
                rng.choice(
                    [
                        "The failure depends on what ran before it. Let me change the order / selection and see.",
                        "It passes alone but not in the module. Let me try the run with a different ordering.",
                        "Let me check whether the test order changes which one fails.",
                    ]
                ),
                "",
                failing,
                extra=extra,
                code=code,
            ),
            test_step(
                ctx, rng, "And the full module once more in the normal order.", "", _fails(ctx, rng, names), code=code
            )
            if not failing
            else test_step(ctx, rng, "Let me re-run just the failing one.", one_test(ctx, failing[0][0]), [], passed=1),
        ]

    def bytecode(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Maybe stale bytecode is being picked up. Let me wipe the __pycache__ directories.",
                        "Perhaps an old .pyc is shadowing my edit. Clearing compiled files.",
                    ]
                ),
                rng.choice(
                    [
                        "find . -name __pycache__ -type d -prune -exec rm -rf {} + && echo cleared",
                        "find . -name '*.pyc' -delete && echo cleared",
                        f"rm -rf {ctx.tests_dir}/__pycache__ {ctx.source.rsplit('/', 1)[0]}/__pycache__ && echo cleared",
                    ]
                ),
                "cleared",
            ),
            test_step(ctx, rng, rerun(rng), "", _fails(ctx, rng, names), code=code),
        ]

    def probe(k: int) -> list[Step]:
        sep = rng.choice(["';'", "'|'", "' '"])
        return [
            Step(
                "Let me call the function by hand in a fresh interpreter.",
                f"python -c \"from {ctx.dotted} import {ctx.func}; print({ctx.func}('a{sep[1]}b', sep={sep}))\"",
                "['a', 'b']",
            ),
            test_step(
                ctx,
                rng,
                "It works in a fresh interpreter. So something in the test run differs. Running the module once more.",
                "",
                _fails(ctx, rng, names),
                extra=rng.choice(["", " -q", " -v"]) if not ctx.django else rng.choice(["", " -v 2"]),
                code=code,
            ),
        ]

    def wrong_clear(k: int) -> list[Step]:
        name = rng.choice(names)
        return [
            _edit(
                "Something is memoized. Let me clear the function's cache at the start of the test.",
                py_edit(
                    ctx.test_file,
                    f"def {name}(",
                    f"def {name}(*args):\n    {ctx.func}.cache_clear()\n\n\ndef _old_{name}(",
                ),
            ),
            test_step(
                ctx,
                rng,
                "Run the test module.",
                "",
                [
                    (name, "AttributeError: 'function' object has no attribute 'cache_clear'"),
                    *_fails(ctx, rng, names, 1),
                ],
                code=code,
            ),
            Step(
                "That function has no cache_clear. Let me revert that test edit.",
                f"git checkout -- {ctx.test_file} && git status --short",
                f" M {ctx.source}\n",
            ),
        ]

    def copy_result(k: int) -> list[Step]:
        new = rng.choice(["table = dict(", "table = copy.deepcopy(", "table = {**"])
        closing = "}" if new.endswith("**") else ")"
        return [
            _edit(
                "Maybe the caller mutates the table it gets back. Let me work on a copy.",
                py_edit(ctx.source, f"table = {ctx.cached}()", f"{new}{ctx.cached}(){closing}"),
            ),
            test_step(ctx, rng, rerun(rng), "", _fails(ctx, rng, names), code=code),
        ]

    attempts: list[Attempt] = [rewrite, reorder, bytecode, probe, wrong_clear, copy_result]
    return churn(ctx, rng, n, first, attempts, "the order-dependent failure")


def cached_property_pinned(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A `cached_property` of a shared default instance keeps its first value after the attribute changes."""
    names = ctx.cases(rng, 4)
    code = f"assert default_{ctx.stem}.{ctx.prop} == expected"
    first = [
        test_step(ctx, rng, "Let me run the tests for my change.", "", _fails(ctx, rng, names, 1), code=code),
    ]

    def setter(k: int) -> list[Step]:
        how = rng.choice(
            [
                f"setattr(default_{ctx.stem}, 'sep', sep)",
                f"default_{ctx.stem}.sep = sep",
                f"default_{ctx.stem}.__dict__['sep'] = sep",
                f"default_{ctx.stem}.configure(sep=sep)",
            ]
        )
        return [
            _edit(
                rng.choice(
                    [
                        "The attribute change doesn't seem to reach the object. Let me set it a different way.",
                        f"Let me try updating the default instance with `{how}` instead.",
                    ]
                ),
                py_edit(ctx.source, f"default_{ctx.stem}.sep = sep", how),
            ),
            test_step(ctx, rng, rerun(rng), "", _fails(ctx, rng, names), code=code),
        ]

    def to_property(k: int) -> list[Step]:
        calls = rng.randint(2, 9)
        decorator, why = rng.choice(
            [
                ("@property", f"Let me make `{ctx.prop}` a plain property so it is recomputed each time."),
                ("@property  # recomputed on access", f"Attempt {k}: drop the caching on `{ctx.prop}` entirely."),
                (
                    "@functools.lru_cache(maxsize=1)\n    @property",
                    f"Let me cache `{ctx.prop}` per call with lru_cache instead of per instance.",
                ),
            ]
        )
        return [
            _edit(
                why,
                py_edit(
                    ctx.source,
                    f"    @cached_property\n    def {ctx.prop}(self)",
                    f"    {decorator}\n    def {ctx.prop}(self)",
                ),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [(f"test_{ctx.stem}_{ctx.prop}_computed_once", f"AssertionError: assert {calls} == 1")],
                code="assert spy.call_count == 1",
            ),
            Step(
                "That breaks the test that checks it is only computed once. Let me put cached_property back.",
                f"git diff {ctx.source} | head -20",
                f"diff --git a/{ctx.source} b/{ctx.source}\n@@ -{rng.randint(40, 400)},7 +{rng.randint(40, 400)},7 @@ class {ctx.cls}:\n-    @cached_property\n+    @property\n     def {ctx.prop}(self):\n",
            ),
            _edit(
                "Restoring cached_property.",
                py_edit(
                    ctx.source,
                    f"    {decorator}\n    def {ctx.prop}(self)",
                    f"    @cached_property\n    def {ctx.prop}(self)",
                ),
            ),
        ]

    def fresh_instance(k: int) -> list[Step]:
        name = rng.choice(names)
        built = rng.choice(
            [f"{ctx.cls}(sep=sep)", f"copy.copy(default_{ctx.stem})", f"{ctx.cls}(items=items, sep=sep)"]
        )
        return [
            _edit(
                "Maybe the test should build its own instance rather than use the default one.",
                py_edit(ctx.test_file, f"default_{ctx.stem}.{ctx.prop}", f"{built}.{ctx.prop}", None),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [(name, stale(rng))]
                + ([] if rng.random() < 0.5 else [(f"test_{ctx.stem}_module_default", stale(rng))]),
                code=code,
            ),
            Step(
                "The other tests go through the module default anyway. Reverting the test edit.",
                f"git checkout -- {ctx.test_file} && echo reverted",
                "reverted",
            ),
        ]

    def slots(k: int) -> list[Step]:
        slots = rng.choice(["('sep', 'items')", "('sep', 'items', '_split')", "['sep', 'items']"])
        return [
            _edit(
                "Let me stop the value from being stored on the instance by giving the class __slots__.",
                py_edit(ctx.source, f"class {ctx.cls}:\n", f"class {ctx.cls}:\n    __slots__ = {slots}\n"),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [
                    (
                        name,
                        f"TypeError: No '__dict__' attribute on '{ctx.cls}' instance to cache '{ctx.prop}' property.",
                    )
                    for name in rng.sample(names, rng.randint(2, 4))
                ],
                code=code,
            ),
            _edit(
                "That can't work with cached_property. Removing __slots__ again.",
                py_edit(ctx.source, f"    __slots__ = {slots}\n", ""),
            ),
        ]

    def delete_cached(k: int) -> list[Step]:
        key = rng.choice([ctx.prop, f"_{ctx.prop}", f"{ctx.prop}_cache"])
        return [
            _edit(
                "Let me drop the cached value in the test before checking it.",
                py_edit(
                    ctx.test_file,
                    f"    assert default_{ctx.stem}.{ctx.prop}",
                    f"    del default_{ctx.stem}.__dict__['{key}']\n    assert default_{ctx.stem}.{ctx.prop}",
                ),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [(rng.choice(names), f"KeyError: '{key}'"), *_fails(ctx, rng, names, 1)],
                code=code,
            ),
        ]

    def probe(k: int) -> list[Step]:
        sep = rng.choice([";", "|", " "])
        return [
            Step(
                "Let me check the behaviour by hand.",
                f"python -c \"from {ctx.dotted} import {ctx.cls}; o = {ctx.cls}(); o.sep = '{sep}'; print(o.{ctx.prop})\"",
                f"['a{sep}b']" if rng.random() < 0.5 else "['a', 'b']",
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                _fails(ctx, rng, names),
                code=code,
                extra=rng.choice(["", " -q"]) if not ctx.django else "",
            ),
        ]

    attempts: list[Attempt] = [setter, to_property, fresh_instance, slots, delete_cached, probe]
    return churn(ctx, rng, n, first, attempts, f"the stale `{ctx.prop}` value")

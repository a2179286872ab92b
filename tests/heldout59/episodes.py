# ruff: noqa: E501
"""Productive look-alikes on inheritance and shared state: the same trouble met once or twice, its cause found, the tests green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.text import Ctx, Fail, py_edit, test_step


def green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def cooperative_init_threaded(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A mixin's __init__ cuts the chain; the MRO printed; made cooperative, maybe a positional slip once; both subclasses green."""
    src, tf, base = ctx.source, ctx.test_file, ctx.base
    m1 = ctx.mixins(rng, 1)[0]
    s1, s2 = ctx.subs(rng, 2)
    a1 = ctx.attrs(rng, 1)[0]
    value = rng.choice([8, 16, 32, 64])
    line = rng.randint(40, 500)
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the tests now that {s1} uses {m1}.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_subclass_init",
                    f"AttributeError: '{s1}' object has no attribute 'name'",
                    "assert obj.name == 'x'",
                )
            ],
        ),
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                f"Let me see the MRO of {s1}.",
                f'python -c "from {ctx.dotted} import {s1}; print([c.__name__ for c in {s1}.__mro__])"',
                f"['{s1}', '{m1}', '{base}', 'object']",
            )
        )
    steps.append(
        Step(
            f"{m1}.__init__ runs first; let me read it.",
            f"sed -n '{line},{line + 6}p' {src}",
            f"class {m1}:\n    def __init__(self, {a1}=None):\n        self.{a1} = {a1}\n        self._hooks = []\n",
        )
    )
    fixed = f"    def __init__(self, *args, {a1}=None, **kwargs):\n        super().__init__(*args, **kwargs)\n        self.{a1} = {a1}"
    if rng.random() < 0.5:
        steps += [
            Step(
                f"It never calls super(), so {base}.__init__ is skipped. Forward the remaining arguments.",
                py_edit(
                    src,
                    f"    def __init__(self, {a1}=None):\n        self.{a1} = {a1}",
                    f"    def __init__(self, {a1}=None, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n        self.{a1} = {a1}",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_subclass_init",
                        f"TypeError: {ctx.init(base)} missing 1 required positional argument: 'name'",
                        f"obj = {s1}('x', {a1}={value})",
                        [("__init__", "super().__init__(*args, **kwargs)")],
                    )
                ],
            ),
            Step(
                f"The positional 'x' is bound to {a1} because it comes first in the mixin's signature. {a1} has to be keyword-only, after *args.",
                py_edit(
                    src,
                    f"    def __init__(self, {a1}=None, *args, **kwargs):",
                    f"    def __init__(self, *args, {a1}=None, **kwargs):",
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                f"It never calls super(), so {base}.__init__ is skipped. Take {a1} keyword-only and forward everything else up the MRO.",
                py_edit(src, f"    def __init__(self, {a1}=None):\n        self.{a1} = {a1}", fixed),
                "patched",
            )
        )
    steps += [
        green(ctx, rng, "Run the tests.", tf),
        Step(
            f"Construct both subclasses by hand to be sure {s2} is unaffected.",
            f"python -c \"from {ctx.dotted} import {s1}, {s2}; a = {s1}('x', {a1}={value}); b = {s2}('y'); print(a.name, a.{a1}, b.name)\"",
            f"x {value} y",
        ),
    ]
    return steps


def getattr_guard_on_init_state(ctx: Ctx, rng: random.Random) -> list[Step]:
    """copy recurses in a proxy's __getattr__; maybe an underscore guard hides private names once; guarded on the instance's own __dict__."""
    src, tf = ctx.source, ctx.test_file
    proxy = f"{ctx.cls}Proxy"
    line = rng.randint(40, 500)
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the tests for {proxy}.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_copy",
                    "RecursionError: maximum recursion depth exceeded",
                    "clone = copy.copy(proxy)",
                    [("__getattr__", "if self._wrapped is None:")] * 2,
                )
            ],
        ),
        Step(
            "Let me read __getattr__.",
            f"sed -n '{line},{line + 12}p' {src}",
            "    def __init__(self, factory):\n        self._factory = factory\n        self._wrapped = None\n\n    def __getattr__(self, name):\n        if self._wrapped is None:\n            self._setup()\n        return getattr(self._wrapped, name)\n",
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "copy builds the new object without __init__, then looks up __setstate__ on it; let me confirm that is what starts it.",
                f'python -c "import copy, sys; sys.setrecursionlimit(60); from {ctx.dotted} import {proxy}; copy.copy({proxy}(dict))" 2>&1 | tail -6',
                f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/copy.py", line {rng.choice([264, 270, 272])}, in _reconstruct\n    if hasattr(y, \'__setstate__\'):\n  File "/testbed/{src}", line {line + 5}, in __getattr__\n    if self._wrapped is None:\n  [Previous line repeated {rng.randint(40, 52)} more times]\nRecursionError: maximum recursion depth exceeded',
                rc=0,
            )
        )
    new = "    def __getattr__(self, name):\n        # copy and pickle create the instance without __init__: nothing to forward to yet.\n        if '_factory' not in self.__dict__:\n            raise AttributeError(name)\n        if self._wrapped is None:"
    if rng.random() < 0.5:
        steps += [
            Step(
                "The lookup of _wrapped on a half-built copy re-enters __getattr__. Refuse private names there.",
                py_edit(
                    src,
                    "    def __getattr__(self, name):\n        if self._wrapped is None:",
                    "    def __getattr__(self, name):\n        if name.startswith('_'):\n            raise AttributeError(name)\n        if self._wrapped is None:",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_private_passthrough",
                        "AttributeError: _meta",
                        "assert proxy._meta is obj._meta",
                        [("__getattr__", "raise AttributeError(name)")],
                    )
                ],
            ),
            Step(
                "Too broad: private attributes of the wrapped object must still pass through. What matters is whether this instance was initialised, which its own __dict__ says without any lookup.",
                py_edit(
                    src,
                    "    def __getattr__(self, name):\n        if name.startswith('_'):\n            raise AttributeError(name)\n        if self._wrapped is None:",
                    new,
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "A copy has an empty __dict__ when __setstate__ is looked up, so self._wrapped re-enters __getattr__ forever. Guard on the instance's own __dict__, which needs no attribute lookup.",
                py_edit(src, "    def __getattr__(self, name):\n        if self._wrapped is None:", new),
                "patched",
            )
        )
    steps += [
        green(ctx, rng, "Run the proxy tests.", tf),
        Step(
            "And copy/pickle by hand.",
            f'python -c "import copy, pickle; from {ctx.dotted} import {proxy}; p = {proxy}(dict); c = copy.copy(p); print(c._factory is p._factory, type(pickle.loads(pickle.dumps(p))).__name__)"',
            f"True {proxy}",
        ),
    ]
    return steps


def class_default_copied_per_instance(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A test passes alone and fails in the module; a class-level list appended to by instances; copied per instance in __init__."""
    src, tf, base = ctx.source, ctx.test_file, ctx.base
    coll = rng.choice(["handlers", "validators", "callbacks", "hooks", "listeners"])
    s1 = ctx.subs(rng, 1)[0]
    x, y, default = rng.sample(["strip", "lower", "required", "unique", "positive", "slugify"], 3)
    case = f"test_{ctx.stem}_{rng.choice(['instances_independent', 'chain', 'add_item'])}"
    leak = Fail(case, f"AssertionError: assert ['{x}', '{y}'] == ['{y}']", f"assert obj.{coll} == ['{y}']")
    line = rng.randint(40, 500)
    steps = [
        test_step(ctx, rng, "Let me run the module's tests.", tf, [leak]),
        green(ctx, rng, "Does it fail on its own?", f"{tf}::{case}"),
        Step(
            f"It passes alone, so something left over from an earlier test. Where does {coll} live?",
            f"grep -n '{coll}' {src} | head",
            f"{line}:    {coll} = []\n{line + 6}:        self.{coll}.append(item)\n{line + 14}:    {coll} = ['{default}']\n",
        ),
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                "Confirm two instances share it.",
                f"python -c \"from {ctx.dotted} import {base}; a, b = {base}(), {base}(); a.{coll}.append('{x}'); print(b.{coll}, a.{coll} is b.{coll})\"",
                f"['{x}'] True",
            )
        )
    steps += [
        Step(
            f"The list is a class attribute, so append() mutates the one list every instance sees. Each instance needs its own copy, taken from its class so {s1}'s declared ['{default}'] is kept.",
            py_edit(
                src,
                "        self.name = name",
                f"        self.name = name\n        self.{coll} = list(type(self).{coll})",
            ),
            "patched",
        ),
        green(ctx, rng, "Run the module.", tf),
    ]
    if rng.random() < 0.5:
        if ctx.django:
            steps.append(
                green(ctx, rng, "And in reverse order, to be sure nothing depends on order now.", tf, " --reverse")
            )
        else:
            steps.append(
                green(
                    ctx,
                    rng,
                    "And the whole package's tests, where other modules build these objects too.",
                    ctx.tests_dir,
                    " -q -x",
                )
            )
    return steps

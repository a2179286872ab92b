# ruff: noqa: E501
"""Loop family on __slots__: added to a class with defaults, a cached property, weak references and a mixin."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.churn import churn, sed
from heldout59.text import Attempt, Ctx, Fail, collect_error, deck, py_edit, test_step


def slots_layout_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """__slots__ added to a class with defaults, a cached property, weak references and a mixin: every fix trips another slot rule."""
    src, tf, cls = ctx.source, ctx.test_file, ctx.cls
    pick = deck(rng)
    a1, a2, prop = ctx.attrs(rng, 3)
    mixin = ctx.mixins(rng, 1)[0]
    sub = ctx.subs(rng, 1)[0]
    default = rng.choice(["None", "0", "True", "''"])
    body = (
        f"class {cls}({mixin}):\n    __slots__ = ('name', '{a1}', '{a2}')\n    {a2} = {default}\n\n"
        f"    def __init__(self, name, {a1}=None):\n        self.name = name\n        self.{a1} = {a1}\n\n"
        f"    @cached_property\n    def {prop}(self):\n        return compute_{prop}(self)\n\n\n"
        f"class {sub}({cls}):\n    __slots__ = ('__weakref__',)\n"
    )
    cases = ("no_instance_dict", "weakref", "cached_" + prop, "pickle", "subclass", "default_" + a2, "copy", "memory")

    named = {
        "cached": ("cached_" + prop,),
        "dict": ("no_instance_dict",),
        "size": ("memory",),
        "weakref": ("weakref",),
        "unset": ("default_" + a2, "copy"),
        "readonly": ("default_" + a2, "subclass"),
        "pickle": ("pickle",),
        "copy": ("copy",),
    }

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, named.get(kind, cases))
        if kind == "cached":
            return Fail(
                case,
                f"TypeError: No '__dict__' attribute on '{rng.choice([cls, sub])}' instance to cache '{prop}' property.",
                f"value = obj.{prop}",
                [("__get__", "raise TypeError(msg) from None")],
            )
        if kind == "dict":
            return Fail(case, "AssertionError: assert not True", "assert not hasattr(obj, '__dict__')")
        if kind == "size":
            return Fail(
                case,
                f"AssertionError: assert {rng.randint(150, 400)} < {rng.choice([64, 72, 88])}",
                "assert sys.getsizeof(obj) + sys.getsizeof(vars(obj)) < limit"
                if rng.random() < 0.5
                else "assert tracemalloc.get_traced_memory()[0] < limit",
            )
        if kind == "weakref":
            return Fail(case, f"TypeError: cannot create weak reference to '{cls}' object", "ref = weakref.ref(obj)")
        if kind == "unset":
            return Fail(case, f"AttributeError: {rng.choice([a2, '_' + prop, a1])}", f"assert obj.{a2} == {default}")
        if kind == "readonly":
            return Fail(
                case,
                f"AttributeError: '{rng.choice([cls, sub])}' object attribute '{a2}' is read-only",
                f"obj.{a2} = 1",
                [("__init__", f"self.{a2} = {a2}")],
            )
        if kind == "pickle":
            return Fail(
                case,
                rng.choice(
                    [
                        "TypeError: a class that defines __slots__ without defining __getstate__ cannot be pickled",
                        f"TypeError: cannot pickle '{cls}' object",
                    ]
                ),
                f"data = pickle.dumps(obj, protocol={rng.choice([0, 1])})",
                [("_reduce_ex", "raise TypeError(msg)")],
            )
        return Fail(
            case,
            f"AssertionError: assert {rng.choice(['None', '0'])} == {rng.randint(2, 9)}",
            f"assert clone.{a1} == obj.{a1}",
        )

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q"]))

    def broken(thought: str, error: str, code: str) -> Step:
        return collect_error(ctx, rng, thought, rng.choice(["", tf]), error, code)

    def edit(k: int) -> list[Step]:
        choice = pick(range(8))
        if choice == 0:
            return [
                Step(
                    f"Drop the class-level default for {a2} and set it in __init__ instead.",
                    py_edit(src, f"    {a2} = {default}\n", ""),
                    "patched",
                ),
                outcome("Rerun.", rng.sample(["unset", "cached", "weakref"], rng.randint(1, 2))),
            ]
        if choice == 1:
            return [
                Step(
                    "Let cached_property work by adding '__dict__' to the slots.",
                    py_edit(
                        src,
                        f"__slots__ = ('name', '{a1}', '{a2}')",
                        f"__slots__ = ('name', '{a1}', '{a2}', '__dict__')",
                    ),
                    "patched",
                ),
                outcome("Rerun the tests.", rng.sample(["dict", "size"], rng.randint(1, 2))),
            ]
        if choice == 2:
            return [
                Step(
                    "Weak references need a __weakref__ slot on the base class.",
                    py_edit(
                        src,
                        f"__slots__ = ('name', '{a1}', '{a2}')",
                        f"__slots__ = ('name', '{a1}', '{a2}', '__weakref__')",
                    ),
                    "patched",
                ),
                broken(
                    "Run the tests.",
                    "TypeError: __weakref__ slot disallowed: either we already got one, or __itemsize__ != 0",
                    f"class {sub}({cls}):",
                ),
            ]
        if choice == 3:
            return [
                Step(
                    f"{mixin} has no __slots__, so instances still get a __dict__ through it. Give it empty slots.",
                    py_edit(src, f"class {mixin}:", f"class {mixin}:\n    __slots__ = ('_cache',)"),
                    "patched",
                ),
                broken(
                    "Run the tests.",
                    "TypeError: multiple bases have instance lay-out conflict",
                    f"class {sub}({cls}, {rng.choice(ctx.mixin_names)}):",
                ),
            ]
        if choice == 4:
            return [
                Step(
                    f"Replace cached_property with a manual cache in a _{prop} slot.",
                    py_edit(
                        src,
                        f"    @cached_property\n    def {prop}(self):\n        return compute_{prop}(self)",
                        f"    @property\n    def {prop}(self):\n        try:\n            return self._{prop}\n        except AttributeError:\n            self._{prop} = compute_{prop}(self)\n            return self._{prop}",
                    ),
                    "patched",
                ),
                outcome("Rerun the tests.", rng.sample(["unset", "pickle", "copy"], rng.randint(1, 2))),
            ]
        if choice == 5:
            return [
                Step(
                    f"Keep the class default for {a2} and take it out of __slots__.",
                    py_edit(src, f"__slots__ = ('name', '{a1}', '{a2}')", f"__slots__ = ('name', '{a1}')"),
                    "patched",
                ),
                outcome("Run them again.", ["readonly"]),
            ]
        if choice == 6:
            return [
                Step(
                    "Add __getstate__/__setstate__ over the slots for pickling.",
                    py_edit(
                        src,
                        f"    def __init__(self, name, {a1}=None):",
                        f"    def __getstate__(self):\n        return {{s: getattr(self, s) for s in self.__slots__ if hasattr(self, s)}}\n\n    def __setstate__(self, state):\n        for key, value in state.items():\n            setattr(self, key, value)\n\n    def __init__(self, name, {a1}=None):",
                    ),
                    "patched",
                ),
                outcome("Rerun.", rng.sample(["copy", "unset", "weakref"], rng.randint(1, 2))),
            ]
        return [
            Step(
                f"Move the default of {a2} into a property over a private slot.",
                py_edit(
                    src,
                    f"    {a2} = {default}\n",
                    f"    @property\n    def {a2}(self):\n        return getattr(self, '_{a2}', {default})\n",
                ),
                "patched",
            ),
            broken(
                "Run the tests.",
                f"ValueError: '{a2}' in __slots__ conflicts with class variable",
                f"class {cls}({mixin}):",
            ),
        ]

    def probe(k: int) -> Step:
        has = rng.choice(["True", "False"])
        return Step(
            "Let me check by hand what the instances carry now.",
            f"python -c \"import sys; from {ctx.dotted} import {cls}, {sub}; o = {sub}('x'); print(hasattr(o, '__dict__'), {sub}.__slots__, [c.__name__ for c in {sub}.__mro__], sys.getsizeof(o))\"",
            f"{has} ('__weakref__',) ['{sub}', '{cls}', '{mixin}', 'object'] {rng.choice([48, 56, 64, 72])}",
        )

    first = [
        broken(
            f"Let me run the tests now that {cls} has __slots__.",
            f"ValueError: '{a2}' in __slots__ conflicts with class variable",
            f"class {cls}({mixin}):",
        ),
        Step(f"Let me look at {cls}.", sed(ctx, rng, body), body),
    ]
    attempts: list[Attempt] = [edit, edit, edit, lambda k: [probe(k)]]
    return churn(ctx, rng, n, first, attempts, f"__slots__ on {cls} and its subclasses", cls, body)

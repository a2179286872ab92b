# ruff: noqa: E501
"""Loop family on descriptors: a validating descriptor that keeps its value on itself, shared by every instance."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.churn import churn, sed
from heldout59.text import Attempt, Ctx, Fail, deck, py_edit, test_step


def descriptor_storage_shuffle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A validating descriptor keeps its value on itself (shared by every instance); each new storage breaks something else."""
    src, tf = ctx.source, ctx.test_file
    pick = deck(rng)
    desc, conf = f"{ctx.cls}Option", f"{ctx.cls}Config"
    sub = ctx.subs(rng, 1)[0] + "Config"
    a1, a2 = ctx.attrs(rng, 2)
    d1, d2 = rng.choice([(10, 3), (0, 1), (100, 5), (30, 2)])
    body = (
        f"class {desc}:\n    def __init__(self, default=None, type=None):\n        self.default = default\n        self.type = type\n        self.value = default\n\n"
        "    def __get__(self, instance, owner):\n        return self.value\n\n"
        "    def __set__(self, instance, value):\n        if self.type is not None and not isinstance(value, self.type):\n"
        "            raise TypeError('expected %s, got %r' % (self.type.__name__, value))\n        self.value = value\n\n\n"
        f"class {conf}:\n    {a1} = {desc}(default={d1}, type=int)\n    {a2} = {desc}(default={d2})\n\n\n"
        f"class {sub}({conf}):\n    {a1} = {d1 * 2}\n"
    )
    cases = (
        "instances_independent",
        "default",
        "validation",
        "class_access",
        "subclass_default",
        "subclass_validation",
        "repr",
    )

    named = {
        "shared": ("instances_independent", "default"),
        "noname": ("default", "instances_independent"),
        "class": ("class_access",),
        "unvalidated": ("validation",),
        "unhashable": ("instances_independent", "validation"),
        "stale": ("default", "instances_independent"),
        "readonly": ("validation", "instances_independent"),
        "private": ("default", "repr"),
    }

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, named.get(kind, cases))
        if kind == "shared":
            v = rng.choice([7, 42, 99, 5])
            return Fail(case, f"AssertionError: assert {v} == {d1}", f"assert second.{a1} == {d1}")
        if kind == "noname":
            return Fail(
                case,
                f"AttributeError: '{desc}' object has no attribute 'name'",
                f"assert cfg.{a1} == {d1}",
                [("__get__", "return instance.__dict__.get(self.name, self.default)")],
            )
        if kind == "class":
            return Fail(
                case,
                "AttributeError: 'NoneType' object has no attribute '__dict__'",
                f"assert {conf}.{a1}.default == {d1}",
                [("__get__", "return instance.__dict__.get(self.name, self.default)")],
            )
        if kind == "unvalidated":
            return Fail(case, "Failed: DID NOT RAISE <class 'TypeError'>", "with pytest.raises(TypeError):")
        if kind == "unhashable":
            return Fail(
                case,
                rng.choice(
                    [
                        f"TypeError: unhashable type: '{conf}'",
                        f"TypeError: cannot create weak reference to '{conf}' object",
                    ]
                ),
                f"cfg.{a1} = {d1 + 1}",
                [("__set__", "self.values[instance] = value")],
            )
        if kind == "stale":
            return Fail(case, f"AssertionError: assert {d1 + rng.randint(1, 9)} == {d1}", f"assert fresh.{a1} == {d1}")
        if kind == "readonly":
            error = (
                "AttributeError: can't set attribute"
                if ctx.py_minor < 11
                else f"AttributeError: property '{a1}' of '{conf}' object has no setter"
            )
            return Fail(case, error, f"cfg.{a1} = {d1 + 1}")
        if kind == "private":
            return Fail(
                case,
                f"AttributeError: '{rng.choice([conf, sub])}' object has no attribute '_{a1}'",
                f"assert cfg.{a1} == {d1}",
                [("__get__", "return getattr(instance, self.private)")],
            )
        return Fail(
            f"test_{ctx.stem}_subclass_validation",
            "Failed: DID NOT RAISE <class 'TypeError'>",
            "with pytest.raises(TypeError):",
        )

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -vv"]))

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = pick(
            [
                (
                    "        return self.value",
                    "        return instance.__dict__.get(self.name, self.default)",
                    "read the value from the instance's __dict__",
                    ["noname", "class"],
                ),
                (
                    "    def __get__(self, instance, owner):",
                    "    def __set_name__(self, owner, name):\n        self.name = name\n\n    def __get__(self, instance, owner):",
                    "record the attribute name with __set_name__",
                    ["class", "unvalidated"],
                ),
                (
                    "        self.value = value",
                    "        instance.__dict__[self.name] = value",
                    "store the validated value per instance",
                    ["unvalidated", "subclass"],
                ),
                (
                    "        self.value = default",
                    "        self.values = weakref.WeakKeyDictionary()",
                    "keep per-instance values in a WeakKeyDictionary on the descriptor",
                    ["unhashable", "shared"],
                ),
                (
                    "        self.value = default",
                    "        self.values = {}",
                    "keep values in a dict keyed by id(instance)",
                    ["stale", "subclass"],
                ),
                (
                    f"    {a1} = {desc}(default={d1}, type=int)",
                    f"    {a1} = property(lambda self: self.__dict__.get('{a1}', {d1}))",
                    f"replace the descriptor for {a1} with a plain property",
                    ["readonly", "unvalidated"],
                ),
                (
                    "    def __set_name__(self, owner, name):\n        self.name = name",
                    "    def __set_name__(self, owner, name):\n        self.name = name\n        self.private = '_' + name",
                    "store under a private name so the instance dict never shadows the descriptor",
                    ["private", "subclass"],
                ),
                (
                    "    def __set__(self, instance, value):",
                    "    def _validate(self, instance, value):",
                    "drop __set__ and validate lazily on first read",
                    ["unvalidated", "shared"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            outcome("Rerun the config tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def probe(k: int) -> Step:
        kind = rng.choice(["shared", "dict", "sub"])
        if kind == "shared":
            command = f'python -c "from {ctx.dotted} import {conf}; a, b = {conf}(), {conf}(); a.{a1} = 7; print(a.{a1}, b.{a1})"'
            out = rng.choice(["7 7", f"7 {d1}"])
        elif kind == "dict":
            command = f"python -c \"from {ctx.dotted} import {conf}; c = {conf}(); c.{a1} = 7; print(vars(c), type({conf}.__dict__['{a1}']).__name__)\""
            out = rng.choice([f"{{}} {desc}", f"{{'{a1}': 7}} {desc}", f"{{'_{a1}': 7}} {desc}"])
        else:
            command = (
                f"python -c \"from {ctx.dotted} import {sub}; print(type(vars({sub})['{a1}']).__name__, {sub}().{a1})\""
            )
            out = f"int {d1 * 2}"
        return Step("Let me check by hand where the value ends up.", command, out)

    first = [
        outcome(f"Let me run the tests for {conf}.", ["shared"]),
        Step(f"Let me read {desc} and where it is used.", sed(ctx, rng, body), body),
    ]
    attempts: list[Attempt] = [edit, edit, edit, lambda k: [probe(k)]]
    return churn(ctx, rng, n, first, attempts, f"the storage of {desc} values per {conf} instance", desc, body)

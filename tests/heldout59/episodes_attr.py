# ruff: noqa: E501
"""Productive look-alikes on descriptors, subclass registration and dataclass fields: met once or twice, then fixed at the cause."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.episodes import green
from heldout59.loops_dataclass import deeper
from heldout59.text import Ctx, Fail, collect_error, py_edit, stable, test_step


def descriptor_keyed_by_set_name(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Instances share a descriptor's value; per-instance storage under a __set_name__ private name; maybe class access once; green."""
    src, tf = ctx.source, ctx.test_file
    desc, conf = f"{ctx.cls}Option", f"{ctx.cls}Config"
    a1 = ctx.attrs(rng, 1)[0]
    d1 = rng.choice([10, 0, 100, 30])
    line = rng.randint(40, 500)
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the tests for {conf}.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_instances_independent",
                    f"AssertionError: assert {d1 + 7} == {d1}",
                    f"assert second.{a1} == {d1}",
                )
            ],
        ),
        Step(
            f"One instance's value shows up in another. Let me read {desc}.",
            f"sed -n '{line},{line + 14}p' {src}",
            f"class {desc}:\n    def __init__(self, default=None, type=None):\n        self.default = default\n        self.type = type\n        self.value = default\n\n    def __get__(self, instance, owner):\n        return self.value\n\n    def __set__(self, instance, value):\n        if self.type is not None and not isinstance(value, self.type):\n            raise TypeError('expected %s, got %r' % (self.type.__name__, value))\n        self.value = value\n",
        ),
    ]
    old = "        self.value = default\n\n    def __get__(self, instance, owner):\n        return self.value"

    def getter(guard: str) -> str:
        return f"\n    def __set_name__(self, owner, name):\n        self.private = '_' + name\n\n    def __get__(self, instance, owner):\n{guard}        return instance.__dict__.get(self.private, self.default)"

    store = py_edit(src, "        self.value = value", "        instance.__dict__[self.private] = value")
    guarded = "        if instance is None:\n            return self\n"
    if rng.random() < 0.5:
        steps += [
            Step(
                f"The descriptor is one object on the class, so `self.value` is shared by every {conf}. Store per instance, under a private name taken from __set_name__ so it never collides with the descriptor.",
                f"{py_edit(src, old, getter(''))}\n{store}",
                "patched\npatched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_class_access",
                        "AttributeError: 'NoneType' object has no attribute '__dict__'",
                        f"assert {conf}.{a1}.default == {d1}",
                        [("__get__", "return instance.__dict__.get(self.private, self.default)")],
                    )
                ],
            ),
            Step(
                "Looked up on the class, __get__ gets instance None; it should return the descriptor itself then.",
                py_edit(
                    src,
                    "    def __get__(self, instance, owner):\n",
                    "    def __get__(self, instance, owner):\n        if instance is None:\n            return self\n",
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                f"The descriptor is one object on the class, so `self.value` is shared by every {conf}. Store per instance under a private name from __set_name__, and return the descriptor itself on class access.",
                f"{py_edit(src, old, getter(guarded))}\n{store}",
                "patched\npatched",
            )
        )
    steps += [
        green(ctx, rng, "Run the config tests.", tf),
        Step(
            "Check by hand: two instances, the class attribute, validation.",
            f'python -c "from {ctx.dotted} import {conf}, {desc}; a, b = {conf}(), {conf}(); a.{a1} = 7; print(a.{a1}, b.{a1}, isinstance({conf}.{a1}, {desc}))"',
            f"7 {d1} True",
        ),
    ]
    return steps


def registry_skips_abstract(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An intermediate base lands in the registry; maybe its class keyword refused once; __init_subclass__ takes abstract= and forwards the rest."""
    src, tf, base = ctx.source, ctx.test_file, ctx.base
    key = rng.choice(["name", "format", "kind", "alias"])
    s1, s2 = ctx.subs(rng, 2)
    k1, k2 = s1.removesuffix(ctx.cls).lower(), s2.removesuffix(ctx.cls).lower()
    pair = ", ".join(repr(k) for k in sorted((k1, k2)))
    text_cls = f"Text{ctx.cls}"
    line = rng.randint(40, 500)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the registry tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_registry",
                    f"AssertionError: assert [None, {pair}] == [{pair}]",
                    f"assert sorted({base}.registry, key=str) == [{pair}]",
                )
            ],
        ),
        Step(
            "None is registered: that must be the intermediate class. Let me read __init_subclass__.",
            f"sed -n '{line},{line + 10}p' {src}",
            f"    def __init_subclass__(cls, **kwargs):\n        super().__init_subclass__(**kwargs)\n        cls.registry[cls.{key}] = cls\n\n\nclass {text_cls}({base}):\n    {key} = None\n",
        ),
    ]
    flag = f"class {text_cls}({base}, abstract=True):"
    if rng.random() < 0.5:
        steps += [
            Step(
                f"Mark {text_cls} as abstract with a class keyword.",
                py_edit(src, f"class {text_cls}({base}):", flag),
                "patched",
            ),
            collect_error(
                ctx,
                rng,
                "Run the tests.",
                tf,
                "TypeError: __init_subclass__() takes no keyword arguments",
                flag,
                [
                    (
                        f"/testbed/{src}",
                        stable(ctx, "__init_subclass__"),
                        "__init_subclass__",
                        "super().__init_subclass__(**kwargs)",
                    )
                ],
            ),
            Step(
                "Right, the keyword reaches object.__init_subclass__ through **kwargs. __init_subclass__ has to take `abstract` itself and skip registration for it.",
                py_edit(
                    src,
                    "    def __init_subclass__(cls, **kwargs):\n        super().__init_subclass__(**kwargs)\n        cls.registry[cls."
                    + key
                    + "] = cls",
                    "    def __init_subclass__(cls, abstract=False, **kwargs):\n        super().__init_subclass__(**kwargs)\n        if not abstract:\n            cls.registry[cls."
                    + key
                    + "] = cls",
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                f"{text_cls} is only a shared base, not a {key} of its own. Let __init_subclass__ take an `abstract` keyword (forwarding the rest) and skip registering such classes.",
                py_edit(
                    src,
                    "    def __init_subclass__(cls, **kwargs):\n        super().__init_subclass__(**kwargs)\n        cls.registry[cls."
                    + key
                    + "] = cls",
                    "    def __init_subclass__(cls, abstract=False, **kwargs):\n        super().__init_subclass__(**kwargs)\n        if not abstract:\n            cls.registry[cls."
                    + key
                    + "] = cls",
                )
                + "\n"
                + py_edit(src, f"class {text_cls}({base}):", flag),
                "patched\npatched",
            )
        )
    steps += [
        green(ctx, rng, "Run the registry tests.", tf),
        Step(
            "Print the registry.",
            f'python -c "import {ctx.dotted} as m; print(sorted(m.{base}.registry))"',
            f"{sorted([k1, k2])!r}",
        ),
    ]
    return steps


def dataclass_required_after_defaults(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A required field after inherited defaults; the Python checked for kw_only; on 3.9 a None default checked in a chained __post_init__."""
    src, tf = ctx.source, ctx.test_file
    opts = f"{ctx.cls}Options"
    sub = ctx.subs(rng, 1)[0] + "Options"
    a1, a2, a3 = ctx.attrs(rng, 3)
    value = rng.choice(["json", "yaml", "strict", "utf-8"])
    header = f"@dataclass\nclass {sub}({opts}):\n    {a3}: str"
    steps = [
        collect_error(
            ctx,
            rng,
            f"Let me run the tests after adding {a3} to {sub}.",
            tf,
            f"TypeError: non-default argument '{a3}' follows default argument",
            "@dataclass",
            deeper(ctx, "raise TypeError(f'non-default argument {f.name!r} '"),
        ),
        Step(
            f"{opts} gives {a1} and {a2} defaults, and inherited fields come first in __init__. kw_only would fix this; which Python is this?",
            "python --version",
            f"Python {ctx.python_full}",
        ),
    ]
    if ctx.py_minor >= 10:
        steps += [
            Step(
                f"{ctx.python} has field(kw_only=True): {a3} stays required, keyword-only, after the inherited defaults.",
                py_edit(src, header, f"{header} = field(kw_only=True)"),
                "patched",
            ),
            green(ctx, rng, "Run the tests.", tf),
        ]
        return steps
    post = f"{header} = None\n\n    def __post_init__(self):\n        super().__post_init__()\n        if self.{a3} is None:\n            raise TypeError('{sub} requires {a3}')"
    if rng.random() < 0.5:
        steps += [
            Step(
                f"No kw_only on {ctx.python}. Give {a3} a None default and raise in __post_init__ when it is missing.",
                py_edit(
                    src,
                    header,
                    f"{header} = None\n\n    def __post_init__(self):\n        if self.{a3} is None:\n            raise TypeError('{sub} requires {a3}')",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_normalize",
                        f"AssertionError: assert '{rng.choice(['INFO', 'DEBUG'])}' == '{rng.choice(['info', 'debug'])}'",
                        f"assert opts.{a2} == expected",
                    )
                ],
            ),
            Step(
                f"The subclass's __post_init__ replaced {opts}'s, which lower-cases {a2}. Chain to it.",
                py_edit(
                    src,
                    "    def __post_init__(self):\n        if self." + a3,
                    "    def __post_init__(self):\n        super().__post_init__()\n        if self." + a3,
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                f"No kw_only on {ctx.python}. Give {a3} a None default, raise in __post_init__ when it is missing, and chain to {opts}.__post_init__ so its normalisation still runs.",
                py_edit(src, header, post),
                "patched",
            )
        )
    steps += [
        green(ctx, rng, "Run the tests.", tf),
        Step(
            "And the missing-field error by hand.",
            f"python -c \"from {ctx.dotted} import {sub}\ntry:\n    {sub}('x')\nexcept TypeError as e:\n    print(e)\nprint({sub}('x', {a3}='{value}').{a3})\"",
            f"{sub} requires {a3}\n{value}",
        ),
    ]
    return steps

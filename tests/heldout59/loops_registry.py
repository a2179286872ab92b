# ruff: noqa: E501
"""Loop family on class creation hooks: a registry filled from __init_subclass__, a metaclass tried in its place."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.churn import churn, numbered
from heldout59.text import Attempt, Ctx, Fail, collect_error, deck, py_edit, test_step


def subclass_registry_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A registry filled from __init_subclass__: abstract bases registered, kwargs lost, a metaclass tried, names collide."""
    src, tf, base = ctx.source, ctx.test_file, ctx.base
    pick = deck(rng)
    key = rng.choice(["name", "format", "kind", "alias", "backend"])
    s1, s2, s3 = ctx.subs(rng, 3)
    k1, k2, k3 = (s.removesuffix(ctx.cls).lower() for s in (s1, s2, s3))
    pair = ", ".join(repr(k) for k in sorted((k1, k2)))
    body = (
        f"class {base}(abc.ABC):\n    registry = {{}}\n\n    def __init_subclass__(cls, **kwargs):\n        super().__init_subclass__()\n"
        f"        cls.registry[cls.{key}] = cls\n\n    @abc.abstractmethod\n    def render(self, value):\n        ...\n\n\n"
        f"class Text{ctx.cls}({base}):\n    {key} = None\n\n\n"
        f"class {s1}(Text{ctx.cls}, {key}='{k1}'):\n    def render(self, value):\n        return str(value)\n"
    )
    tests_module = ctx.test_file.removesuffix(".py").removeprefix("tests/" if ctx.django else "").replace("/", ".")
    cases = ("registry", "lookup", "abstract_not_registered", "subclass_kwargs", "duplicate", "override", "instantiate")

    named = {
        "kwargs": ("subclass_kwargs",),
        "abstract": ("registry", "abstract_not_registered"),
        "lookup": ("lookup", "registry"),
        "duplicate": ("duplicate",),
        "instantiate": ("instantiate", "lookup"),
        "override": ("override",),
    }

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, named.get(kind, cases))
        if kind == "kwargs":
            return Fail(
                case,
                rng.choice(
                    [
                        "TypeError: __init_subclass__() takes no keyword arguments",
                        f"TypeError: __init_subclass__() got an unexpected keyword argument '{key}'",
                    ]
                ),
                f"class Custom({base}, {key}='custom'):",
                [("__init_subclass__", "super().__init_subclass__(**kwargs)")],
            )
        if kind == "abstract":
            return Fail(
                case,
                f"AssertionError: assert [None, {pair}] == [{pair}]",
                f"assert sorted({base}.registry, key=str) == [{pair}]",
            )
        if kind == "lookup":
            missing = rng.choice([k1, k2, k3])
            return Fail(case, f"KeyError: '{missing}'", f"cls = {base}.registry['{missing}']")
        if kind == "duplicate":
            return Fail(
                case,
                f"ValueError: {key} '{rng.choice([k1, k2, 'custom'])}' is already registered to {rng.choice([s1, s2, 'Custom'])}",
                f"class Custom({s1}):" if rng.random() < 0.5 else f"class Custom({base}, {key}='custom'):",
                [
                    (
                        "__init_subclass__",
                        f"raise ValueError('{key} %r is already registered to %s' % (cls.{key}, other.__name__))",
                    )
                ],
            )
        if kind == "instantiate":
            abstract_cls, abstract_key = rng.choice([(s2, k2), (s3, k3)])
            return Fail(
                case,
                f"TypeError: Can't instantiate abstract class {abstract_cls} with abstract method render",
                f"obj = {base}.registry['{abstract_key}']()",
            )
        return Fail(
            case,
            f"AssertionError: assert <class '{ctx.dotted}.{s1}'> is <class '{tests_module}.Custom'>",
            f"assert {base}.registry['{k1}'] is Custom",
        )

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -p no:cacheprovider"]))

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = pick(
            [
                (
                    f"        cls.registry[cls.{key}] = cls",
                    f"        if cls.{key} is not None:\n            cls.registry[cls.{key}] = cls",
                    f"skip classes whose {key} is None",
                    ["lookup", "abstract"],
                ),
                (
                    f"        cls.registry[cls.{key}] = cls",
                    "        if not inspect.isabstract(cls):\n            cls.registry[cls." + key + "] = cls",
                    "skip abstract classes with inspect.isabstract",
                    ["lookup", "instantiate"],
                ),
                (
                    "    def __init_subclass__(cls, **kwargs):\n        super().__init_subclass__()",
                    f"    def __init_subclass__(cls, {key}=None, **kwargs):\n        super().__init_subclass__(**kwargs)\n        cls.{key} = {key}",
                    f"take {key} as a class keyword and forward the rest",
                    ["kwargs", "abstract"],
                ),
                (
                    f"        cls.registry[cls.{key}] = cls",
                    f"        if cls.{key} in cls.registry:\n            other = cls.registry[cls.{key}]\n            raise ValueError('{key} %r is already registered to %s' % (cls.{key}, other.__name__))\n        cls.registry[cls.{key}] = cls",
                    "refuse duplicate registrations so collisions are visible",
                    ["duplicate", "lookup"],
                ),
                (
                    f"cls.registry[cls.{key}] = cls",
                    "cls.registry[cls.__qualname__.lower()] = cls",
                    f"key the registry by the class's qualname instead of {key}",
                    ["lookup", "override"],
                ),
                (
                    "    registry = {}",
                    "    registry = {}\n    abstract = True",
                    "mark the intermediate class abstract and check the flag",
                    ["abstract", "lookup"],
                ),
                (
                    "        if getattr(cls, 'abstract', False):",
                    "        if cls.__dict__.get('abstract', False):",
                    "only honour the abstract flag the class sets itself, not an inherited one",
                    ["instantiate", "duplicate"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            outcome("Rerun the registry tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    tried: list[int] = []

    def metaclass(k: int) -> list[Step]:
        meta = f"{ctx.cls}Meta"
        tried.append(k)
        if len(tried) % 3 == 0:
            return [
                Step(
                    "The metaclass only moved the problem. Drop it and go back to __init_subclass__.",
                    py_edit(src, f"class {base}(abc.ABC, metaclass={meta}):", f"class {base}(abc.ABC):"),
                    "patched",
                ),
                outcome("Rerun the registry tests.", rng.sample(["abstract", "lookup", "duplicate"], 2)),
            ]
        if len(tried) % 3 == 1:
            return [
                Step(
                    f"__init_subclass__ keeps fighting the keywords. Register in a metaclass instead: {meta}.__new__ sees every class as it is created.",
                    py_edit(
                        src,
                        f"class {base}(abc.ABC):",
                        f"class {meta}(type):\n    def __new__(mcs, name, bases, ns, **kwargs):\n        cls = super().__new__(mcs, name, bases, ns)\n        if bases:\n            {base}.registry[ns.get('{key}')] = cls\n        return cls\n\n\nclass {base}(abc.ABC, metaclass={meta}):",
                    ),
                    "patched",
                ),
                collect_error(
                    ctx,
                    rng,
                    "Run the tests.",
                    tf,
                    "TypeError: metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
                    f"class {base}(abc.ABC, metaclass={meta}):",
                ),
            ]
        return [
            Step(
                f"Derive {meta} from ABCMeta so it can sit under abc.ABC.",
                py_edit(src, f"class {meta}(type):", f"class {meta}(abc.ABCMeta):"),
                "patched",
            ),
            outcome("Run the tests with the ABCMeta-based metaclass.", rng.sample(["lookup", "kwargs", "abstract"], 2)),
        ]

    def probe(k: int) -> Step:
        shown = {None: f"Text{ctx.cls}", k1: s1, k2: s2}
        items = list(shown.items())
        rng.shuffle(items)
        return Step(
            "Let me print what ends up in the registry.",
            f'python -c "import {ctx.dotted} as m; print({{k: v.__name__ for k, v in m.{base}.registry.items()}})"',
            "{" + ", ".join(f"{k!r}: {v!r}" for k, v in items[: rng.randint(2, 3)]) + "}",
        )

    def alone(k: int) -> Step:
        step = test_step(
            ctx,
            rng,
            "Does the registry test pass on its own? Maybe another test module defines a subclass with the same key.",
            f"{tf}::test_{ctx.stem}_{rng.choice(['registry', 'lookup', 'duplicate'])}",
            [],
            rng.choice([" -q", " -p no:randomly", ""]),
        )
        return step

    first = [
        outcome("Let me run the registry tests.", ["abstract"]),
        Step(
            f"Let me read how {base} registers subclasses.",
            f"grep -n 'class {base}' -A{body.rstrip(chr(10)).count(chr(10))} {src}",
            numbered(body, rng.randint(40, 600)),
        ),
    ]
    attempts: list[Attempt] = [edit, edit, edit, metaclass, lambda k: [probe(k)], lambda k: [alone(k)]]
    return churn(ctx, rng, n, first, attempts, f"the {base} subclass registry", base, body)

# ruff: noqa: E501
"""Loop families on inheritance: cooperative __init__ chains through the MRO, and subclass registries."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.churn import churn, sed
from heldout59.text import Attempt, Ctx, Fail, collect_error, deck, py_edit, test_step, traceback


def mro_init_chain_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A mixin added to one subclass breaks the __init__ chain; each fix to one subclass breaks another through the MRO."""
    src, tf, base = ctx.source, ctx.test_file, ctx.base
    pick = deck(rng)
    m1, m2 = ctx.mixins(rng, 2)
    s1, s2, s3 = ctx.subs(rng, 3)
    a1, a2 = ctx.attrs(rng, 2)
    body = (
        f"class {base}:\n    def __init__(self, name, **options):\n        self.name = name\n        self.options = options\n\n\n"
        f"class {m1}({base}):\n    def __init__(self, {a1}=None):\n        self.{a1} = {a1}\n        self._hooks = []\n\n\n"
        f"class {m2}:\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n        self._{a2} = kwargs.get('{a2}')\n\n\n"
        f"class {s1}({m1}, {base}):\n    pass\n\n\n"
        f"class {s2}({base}, {m2}):\n    pass\n"
    )
    cases = ("init", "subclass_init", "mixin_options", "kwargs_passthrough", "init_order", "hooks_once", "repr")
    value = rng.choice([8, 16, 32, 64])

    named = {
        "unexpected": ("kwargs_passthrough", "mixin_options", "init"),
        "object": ("init", "subclass_init", "kwargs_passthrough"),
        "missing": ("init", "subclass_init", "init_order"),
        "twice": ("hooks_once",),
        "value": ("mixin_options", "init_order"),
        "positional": ("kwargs_passthrough", "init"),
        "recursion": ("subclass_init", "init"),
    }

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, named.get(kind, cases))
        sub = rng.choice([s1, s2, s3])
        if kind == "unexpected":
            bad = rng.choice([a1, a2, "name"])
            return Fail(
                case,
                f"TypeError: {ctx.init(base)} got an unexpected keyword argument '{bad}'",
                f"obj = {sub}('x', {bad}={value})",
                [("__init__", rng.choice(["super().__init__(*args, **kwargs)", "super().__init__(**options)"]))],
            )
        if kind == "object":
            return Fail(
                case,
                "TypeError: object.__init__() takes exactly one argument (the instance to initialize)",
                f"obj = {sub}('x', {a2}=1)",
                [("__init__", rng.choice(["super().__init__(*args, **kwargs)", "super().__init__(**options)"]))],
            )
        if kind in ("missing", "first"):
            missing, code = rng.choice(
                [
                    ("name", "assert obj.name == 'x'"),
                    ("options", f"assert obj.options == {{'{a2}': 1}}"),
                    ("_hooks", "obj.add_hook(print)"),
                    ("_" + a2, f"assert obj._{a2} == 1"),
                ]
            )
            if kind == "first":
                return Fail(
                    ctx.case(rng, ("init", "subclass_init")),
                    f"AttributeError: '{s1}' object has no attribute 'name'",
                    "assert obj.name == 'x'",
                )
            return Fail(case, f"AttributeError: '{sub}' object has no attribute '{missing}'", code)
        if kind == "twice":
            return Fail(case, f"AssertionError: assert {rng.choice([2, 3])} == 1", "assert len(obj._hooks) == 1")
        if kind == "value":
            return Fail(case, f"AssertionError: assert None == {value}", f"assert obj.{a1} == {value}")
        if kind == "positional":
            return Fail(
                case,
                f"TypeError: {ctx.init(m1)} takes from 1 to 2 positional arguments but {rng.choice([3, 4])} were given",
                f"obj = {sub}('x', {value})",
                [("__init__", "super().__init__(*args, **kwargs)")],
            )
        return Fail(
            case,
            "RecursionError: maximum recursion depth exceeded while calling a Python object",
            f"obj = {s3}('x')",
            [("__init__", "super(type(self), self).__init__(*args, **kwargs)")] * 2,
        )

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -vv"]))

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = pick(
            [
                (
                    f"    def __init__(self, {a1}=None):\n        self.{a1} = {a1}",
                    f"    def __init__(self, *args, {a1}=None, **kwargs):\n        super().__init__(*args, **kwargs)\n        self.{a1} = {a1}",
                    f"make {m1}.__init__ cooperative: take *args/**kwargs and call super()",
                    ["object", "unexpected"],
                ),
                (
                    "        self.name = name\n        self.options = options",
                    "        super().__init__(**options)\n        self.name = name\n        self.options = options",
                    f"have {base}.__init__ call super() too so {m2} gets its turn",
                    ["object", "missing"],
                ),
                (
                    f"class {s1}({m1}, {base}):\n    pass",
                    f"class {s1}({m1}, {base}):\n    def __init__(self, name, {a1}=None, **options):\n        {base}.__init__(self, name, **options)\n        {m1}.__init__(self, {a1})",
                    f"give {s1} its own __init__ that calls both parents explicitly",
                    ["twice", "missing"],
                ),
                (
                    f"        self.{a1} = {a1}\n        self._hooks = []",
                    f"        {base}.__init__(self, kwargs.pop('name', None), **kwargs)\n        self.{a1} = {a1}\n        self._hooks = []",
                    f"call {base}.__init__ directly from {m1}",
                    ["unexpected", "twice"],
                ),
                (
                    "        super().__init__(*args, **kwargs)",
                    f"        self.{a1} = kwargs.pop('{a1}', None)\n        super().__init__(*args, **kwargs)",
                    f"pop {a1} out of kwargs before passing them on",
                    ["value", "object"],
                ),
                (
                    "        super().__init__(*args, **kwargs)",
                    "        super(type(self), self).__init__(*args, **kwargs)",
                    "spell the super() call with the instance's type",
                    ["recursion"],
                ),
                (
                    f"    def __init__(self, *args, {a1}=None, **kwargs):",
                    f"    def __init__(self, {a1}=None, *args, **kwargs):",
                    f"allow {a1} to be passed positionally as well",
                    ["positional", "value"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            outcome("Rerun the tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def reorder(k: int) -> list[Step]:
        return [
            Step(
                f"Maybe the base order is the problem: put {base} first in {s1} so its __init__ runs.",
                py_edit(src, f"class {s1}({m1}, {base}):", f"class {s1}({base}, {m1}):"),
                "patched",
            ),
            collect_error(
                ctx,
                rng,
                "Run the tests.",
                rng.choice(["", tf]),
                f"TypeError: Cannot create a consistent method resolution order (MRO) for bases {base}, {m1}",
                f"class {s1}({base}, {m1}):",
            ),
        ]

    def probe(k: int) -> Step:
        one, other = rng.sample([s1, s2, s3], 2)
        mros = {
            s1: [s1, m1, base, "object"],
            s2: [s2, base, m2, "object"],
            s3: [s3, s1, m1, base, "object"],
        }
        return Step(
            "Let me print the MRO of the subclasses to see which __init__ runs after which.",
            f'python -c "from {ctx.dotted} import {one}, {other}; print([c.__name__ for c in {one}.__mro__]); print([c.__name__ for c in {other}.__mro__])"',
            f"{mros[one]!r}\n{mros[other]!r}",
        )

    def construct(k: int) -> Step:
        sub = rng.choice([s1, s2, s3])
        kind = rng.choice(["ok", "missing", "unexpected"])
        if kind == "ok":
            out = f"x {{'{a2}': 1}} {rng.choice(['None', str(value)])}"
        elif kind == "missing":
            out = traceback(ctx, rng, [], f"AttributeError: '{sub}' object has no attribute 'options'")
        else:
            out = traceback(
                ctx,
                rng,
                [("__init__", "super().__init__(*args, **kwargs)")],
                f"TypeError: {ctx.init(base)} got an unexpected keyword argument '{a2}'",
            )
        return Step(
            f"Construct {sub} by hand.",
            f"python -c \"from {ctx.dotted} import {sub}; o = {sub}('x', {a2}=1); print(o.name, o.options, getattr(o, '{a1}', None))\"",
            out,
            rc=0 if kind == "ok" else 1,
        )

    def restart(k: int) -> list[Step]:
        return [
            Step(
                "This has become a mess. Let me restore the file and re-apply only the mixin change for the issue.",
                f"git checkout -- {src} && " + py_edit(src, f"class {s1}({base}):", f"class {s1}({m1}, {base}):"),
                "patched",
            ),
            outcome("Run the tests from the clean state.", ["first"]),
        ]

    first = [
        outcome(f"Let me run the tests after adding {m1} to {s1}.", ["first"]),
        Step(f"Let me look at how {m1} and {base} initialise.", sed(ctx, rng, body), body),
    ]
    attempts: list[Attempt] = [edit, edit, edit, reorder, restart, lambda k: [probe(k)], lambda k: [construct(k)]]
    return churn(ctx, rng, n, first, attempts, f"the __init__ chain of {s1} and {s2} through the MRO", base, body)

# ruff: noqa: E501
"""Loop family on attribute lookup: a lazy proxy whose __getattr__ recurses when copy and pickle build it without __init__."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.churn import churn, sed
from heldout59.text import Attempt, Ctx, Fail, deck, py_edit, test_step, traceback


def getattr_recursion_guard_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A lazy proxy whose __getattr__ reads self._wrapped recurses on copy and pickle; each guard breaks another lookup."""
    src, tf = ctx.source, ctx.test_file
    pick = deck(rng)
    proxy = f"{ctx.cls}Proxy"
    wrapped = rng.choice([ctx.base, f"{ctx.cls}Settings", f"{ctx.cls}Backend"])
    attr = ctx.attrs(rng, 1)[0]
    body = (
        f"class {proxy}:\n    def __init__(self, factory):\n        self._factory = factory\n        self._wrapped = None\n\n"
        "    def _setup(self):\n        self._wrapped = self._factory()\n\n"
        "    def __getattr__(self, name):\n        if self._wrapped is None:\n            self._setup()\n        return getattr(self._wrapped, name)\n"
    )
    depth = rng.choice([984, 985, 986, 996])

    named = {
        "recursion": ("copy", "deepcopy", "pickle_roundtrip"),
        "nowrapped": ("copy", "deepcopy", "copy_forwards"),
        "private": ("private_passthrough",),
        "keyerror": ("hasattr_missing", "copy"),
        "setstate": ("copy", "copy_forwards"),
        "pickled": ("pickle_roundtrip",),
        "twice": ("lazy_once",),
        "local": ("pickle_roundtrip", "pickle"),
    }

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, named.get(kind, ("property_error", "forwarding", "repr")))
        if kind == "recursion":
            return Fail(
                case,
                "RecursionError: maximum recursion depth exceeded"
                + rng.choice(["", " while calling a Python object", " in comparison"]),
                rng.choice(
                    [
                        "clone = copy.copy(proxy)",
                        "clone = copy.deepcopy(proxy)",
                        "clone = pickle.loads(pickle.dumps(proxy))",
                    ]
                ),
                [("__getattr__", rng.choice(["if self._wrapped is None:", "return getattr(self._wrapped, name)"]))] * 2,
            )
        if kind == "nowrapped":
            return Fail(
                case,
                rng.choice(
                    ["AttributeError: _wrapped", f"AttributeError: '{proxy}' object has no attribute '_wrapped'"]
                ),
                f"assert clone.{attr} == proxy.{attr}",
                [("__getattr__", "if self._wrapped is None:")],
            )
        if kind == "private":
            hidden = rng.choice(["_meta", f"_{attr}", "_cache", "_state"])
            return Fail(
                case,
                f"AttributeError: {hidden}",
                f"assert proxy.{hidden} is obj.{hidden}",
                [("__getattr__", "raise AttributeError(name)")],
            )
        if kind == "keyerror":
            return Fail(
                case,
                "KeyError: '_wrapped'",
                rng.choice(["assert not hasattr(proxy, 'missing')", "clone = copy.copy(proxy)"]),
                [("__getattr__", "wrapped = self.__dict__['_wrapped']")],
            )
        if kind == "setstate":
            return Fail(
                case,
                "TypeError: 'NoneType' object is not callable",
                "clone = copy.copy(proxy)",
                [("_reconstruct", "y.__setstate__(state)")],
            )
        if kind == "forwarded":
            return Fail(
                case,
                f"AttributeError: '{wrapped}' object has no attribute '{rng.choice(['_setup', '_factory', '__class__'])}'",
                f"value = proxy.{attr}",
                [("__getattribute__", "return getattr(object.__getattribute__(self, '_wrapped'), name)")],
            )
        if kind == "pickled":
            return Fail(
                case,
                f"AssertionError: assert <class '{ctx.dotted}.{wrapped}'> is <class '{ctx.dotted}.{proxy}'>",
                f"assert type(pickle.loads(pickle.dumps(proxy))) is {proxy}",
            )
        if kind == "twice":
            return Fail(case, f"AssertionError: assert {rng.choice([2, 3])} == 1", "assert factory.call_count == 1")
        if kind == "local":
            return Fail(
                case,
                f"AttributeError: Can't pickle local object '{case}.<locals>.<lambda>'",
                "data = pickle.dumps(proxy)",
            )
        return Fail(
            case,
            f"AttributeError: '{proxy}' object has no attribute '{attr}'",
            "with pytest.raises(ValueError):",
            [("__getattr__", "return getattr(self._wrapped, name)")],
        )

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -x -q"]))

    getter = "    def __getattr__(self, name):\n        if self._wrapped is None:"

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = pick(
            [
                (
                    getter,
                    "    def __getattr__(self, name):\n        if name == '_wrapped':\n            raise AttributeError(name)\n        if self._wrapped is None:",
                    "raise AttributeError for _wrapped itself so the lookup cannot recurse",
                    ["nowrapped", "twice"],
                ),
                (
                    getter,
                    "    def __getattr__(self, name):\n        if name.startswith('_'):\n            raise AttributeError(name)\n        if self._wrapped is None:",
                    "refuse every private name in __getattr__",
                    ["private", "nowrapped"],
                ),
                (
                    "        if self._wrapped is None:\n            self._setup()\n        return getattr(self._wrapped, name)",
                    "        wrapped = self.__dict__['_wrapped']\n        if wrapped is None:\n            self._setup()\n            wrapped = self._wrapped\n        return getattr(wrapped, name)",
                    "read _wrapped from __dict__ so the lookup never re-enters __getattr__",
                    ["keyerror", "property"],
                ),
                (
                    getter,
                    "    def __getattr__(self, name):\n        if name.startswith('__'):\n            return None\n        if self._wrapped is None:",
                    "return None for dunder lookups that copy and pickle probe for",
                    ["setstate", "recursion"],
                ),
                (
                    "    def __getattr__(self, name):",
                    "    def __getattribute__(self, name):",
                    "intercept every lookup with __getattribute__ instead",
                    ["recursion", "forwarded"],
                ),
                (
                    "        if self._wrapped is None:\n            self._setup()\n        return getattr(self._wrapped, name)",
                    "        if object.__getattribute__(self, '_wrapped') is None:\n            object.__getattribute__(self, '_setup')()\n        return getattr(object.__getattribute__(self, '_wrapped'), name)",
                    "go through object.__getattribute__ for the proxy's own attributes",
                    ["forwarded", "nowrapped"],
                ),
                (
                    getter,
                    "    def __getstate__(self):\n        return self.__dict__.copy()\n\n    def __setstate__(self, state):\n        self.__dict__.update(state)\n\n"
                    + getter,
                    "define __getstate__/__setstate__ so copy and pickle never ask __getattr__",
                    ["pickled", "twice"],
                ),
                (
                    getter,
                    "    def __reduce__(self):\n        return (type(self), (self._factory,))\n\n" + getter,
                    "pickle the proxy as its factory with __reduce__",
                    ["local", "twice"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            outcome("Rerun the proxy tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def probe(k: int) -> Step:
        what = rng.choice(
            ["copy.copy(p)", "copy.deepcopy(p)", "pickle.loads(pickle.dumps(p))", "hasattr(p, 'missing')"]
        )
        kind = rng.choice(["recursion", "recursion", "ok", "nowrapped"])
        if kind == "recursion":
            out = traceback(
                ctx,
                rng,
                [("__getattr__", "if self._wrapped is None:")],
                "RecursionError: maximum recursion depth exceeded",
                depth,
            )
        elif kind == "ok":
            out = (
                "False"
                if what.startswith("hasattr")
                else f"<{ctx.dotted}.{proxy} object at 0x7f{rng.randrange(16**10):010x}>"
            )
        else:
            out = traceback(ctx, rng, [("__getattr__", "if self._wrapped is None:")], "AttributeError: _wrapped")
        return Step(
            f"Let me try {what} by hand on a fresh proxy.",
            f'python -c "import copy, pickle; from {ctx.dotted} import {proxy}, {wrapped}; p = {proxy}({wrapped}); print({what})"',
            out,
            rc=0 if kind == "ok" else 1,
        )

    def trace(k: int) -> Step:
        names = ["_wrapped"] * rng.randint(2, 5)
        how = rng.choice(["copy.copy", "copy.deepcopy", "pickle.loads(pickle.dumps"])
        first = {"copy.copy": "__setstate__", "copy.deepcopy": "__deepcopy__"}.get(how, "__getstate__")
        names.insert(0, first)
        return Step(
            f"Let me print which names reach __getattr__ during {how.split('(')[0]}.",
            f"python - <<'EOF'\nimport copy\nimport pickle\nimport {ctx.dotted} as m\norig = m.{proxy}.__getattr__\ndef spy(self, name):\n    print('getattr', name)\n    return orig(self, name)\nm.{proxy}.__getattr__ = spy\ntry:\n    {how}(m.{proxy}(m.{wrapped})){')' if how.startswith('pickle') else ''}\nexcept RecursionError as e:\n    print('RecursionError')\nEOF",
            "\n".join(f"getattr {name}" for name in names) + "\n...\nRecursionError",
            seconds=rng.uniform(1, 3),
        )

    first = [
        outcome("Let me run the proxy tests.", ["recursion"]),
        Step(f"Let me read {proxy}.", sed(ctx, rng, body), body),
    ]
    attempts: list[Attempt] = [edit, edit, edit, lambda k: [probe(k)], lambda k: [trace(k)]]
    return churn(ctx, rng, n, first, attempts, f"the recursion in {proxy}.__getattr__", proxy, body)

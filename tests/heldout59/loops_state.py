# ruff: noqa: E501
"""Loop family on where state lives: a mutable class attribute appended to by every instance."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.churn import churn, grep_lines, sed
from heldout59.text import Attempt, Ctx, Fail, deck, py_edit, test_step

_ITEMS = ["strip", "lower", "required", "unique", "positive", "max_len", "not_empty", "slugify", "dedupe"]


def mutable_class_attr_leak(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A list declared on the class is appended to by instances: tests pass alone, fail together; patched everywhere but the cause."""
    src, tf, base = ctx.source, ctx.test_file, ctx.base
    pick = deck(rng)
    coll = rng.choice(["handlers", "validators", "callbacks", "hooks", "listeners", "extra_fields"])
    verb = {
        "handlers": "handler",
        "validators": "validator",
        "callbacks": "callback",
        "hooks": "hook",
        "listeners": "listener",
    }.get(coll, "field")
    s1, s2 = ctx.subs(rng, 2)
    default = rng.choice(_ITEMS)
    body = (
        f"class {base}:\n    {coll} = []\n\n    def __init__(self, name=None):\n        self.name = name\n\n"
        f"    def add_{verb}(self, item):\n        self.{coll}.append(item)\n        return self\n\n"
        f"    @classmethod\n    def register(cls, item):\n        cls.{coll}.append(item)\n\n\n"
        f"class {s1}({base}):\n    {coll} = ['{default}']\n\n\n"
        f"class {s2}({base}):\n    pass\n"
    )
    cases = (
        "instances_independent",
        "add_" + verb,
        "subclass_defaults",
        "register",
        "chain",
        "copy",
        "empty_by_default",
    )

    named = {
        "leak": ("instances_independent", "add_" + verb, "chain"),
        "count": ("empty_by_default", "instances_independent"),
        "lost": ("subclass_defaults",),
        "tuple": ("add_" + verb, "chain"),
        "deepcopy": ("copy", "instances_independent"),
        "late": ("register",),
        "register": ("register",),
    }

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, named.get(kind, cases))
        x, y = rng.sample([i for i in _ITEMS if i != default], 2)
        sub = rng.choice([s1, s2, base])
        if kind == "leak":
            return Fail(case, f"AssertionError: assert ['{x}', '{y}'] == ['{y}']", f"assert obj.{coll} == ['{y}']")
        if kind == "count":
            return Fail(case, f"AssertionError: assert {rng.randint(1, 4)} == 0", f"assert len({sub}().{coll}) == 0")
        if kind == "lost":
            return Fail(case, f"AssertionError: assert [] == ['{default}']", f"assert {s1}().{coll} == ['{default}']")
        if kind == "tuple":
            return Fail(
                case,
                "AttributeError: 'tuple' object has no attribute 'append'",
                f"obj.add_{verb}('{x}')",
                [(f"add_{verb}", f"self.{coll}.append(item)")],
            )
        if kind == "deepcopy":
            return Fail(
                case,
                rng.choice(
                    ["TypeError: cannot pickle '_thread.RLock' object", "TypeError: cannot pickle 'generator' object"]
                ),
                f"obj = {sub}()",
                [("__init__", f"self.{coll} = copy.deepcopy(type(self).{coll})")],
            )
        if kind == "late":
            return Fail(case, f"AssertionError: assert '{x}' in ['{default}']", f"assert '{x}' in obj.{coll}")
        return Fail(
            case,
            f"TypeError: {base + '.' if ctx.py_minor >= 10 else ''}register() missing 1 required positional argument: 'item'",
            f"{s2}.register('{x}')",
        )

    def outcome(thought: str, kinds: list[str], extra: str = "") -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf])
        return test_step(
            ctx,
            rng,
            thought,
            target,
            fails,
            extra or rng.choice(["", " -q", " -p no:randomly", " -p no:cacheprovider"]),
        )

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = pick(
            [
                (
                    "        self.name = name",
                    f"        self.name = name\n        self.{coll} = []",
                    f"give every instance its own {coll} list in __init__",
                    ["lost", "late"],
                ),
                (
                    f"        self.{coll}.append(item)",
                    f"        self.{coll} = self.{coll} + [item]",
                    "rebind instead of appending so the class list is never mutated from an instance",
                    ["late", "count"],
                ),
                (
                    f"    {coll} = []\n",
                    f"    {coll} = []\n\n    def __init_subclass__(cls, **kwargs):\n        super().__init_subclass__(**kwargs)\n        cls.{coll} = list(cls.{coll})\n",
                    "copy the list for each subclass in __init_subclass__",
                    ["leak", "count"],
                ),
                (
                    "        self.name = name",
                    f"        self.name = name\n        self.{coll} = copy.deepcopy(type(self).{coll})",
                    "deep-copy the class's list into each instance",
                    ["deepcopy"],
                ),
                (
                    f"    {coll} = []\n",
                    f"    {coll} = ()\n",
                    "make the class default an immutable tuple",
                    ["tuple", "register"],
                ),
                (
                    "    @classmethod\n    def register(cls, item):",
                    "    def register(self, item):",
                    "make register an instance method so it can't write to the class",
                    ["register", "late"],
                ),
                (
                    f"    {coll} = []\n",
                    f"    {coll} = None\n",
                    f"default {coll} to None and create the list on first add",
                    ["lost", "count"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            outcome("Run the tests again.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    resets: list[int] = []

    def fixture(k: int) -> list[Step]:
        resets.append(k)
        way = (len(resets) - 1) % 3
        cleanup = f"{base}.{coll}.clear()" if way != 1 else f"{base}.{coll} = []"
        if ctx.django:
            hook = ["setUp", "tearDown", "setUpClass"][way]
            signature = "(cls)" if hook == "setUpClass" else "(self)"
            decorator = "    @classmethod\\n" if hook == "setUpClass" else ""
            command = f"python - <<'EOF'\np = '{tf}'\ns = open(p).read()\ns = s.replace('class {ctx.cls}Tests(SimpleTestCase):', 'class {ctx.cls}Tests(SimpleTestCase):\\n{decorator}    def {hook}{signature}:\\n        {cleanup}', 1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF"
            out = "patched"
        elif way == 0:
            command = f"cat >> {ctx.tests_dir}/conftest.py <<'EOF'\n\nimport pytest\nfrom {ctx.dotted} import {base}\n\n\n@pytest.fixture(autouse=True)\ndef _reset_{coll}():\n    yield\n    {cleanup}\nEOF"
            out = ""
        elif way == 1:
            command = f"cat >> {tf} <<'EOF'\n\n\ndef setup_function(function):\n    {cleanup}\nEOF"
            out = ""
        else:
            command = f"cat >> {ctx.tests_dir}/conftest.py <<'EOF'\n\n\n@pytest.fixture(autouse=True)\ndef _fresh_{coll}(monkeypatch):\n    monkeypatch.setattr({base}, '{coll}', [])\nEOF"
            out = ""
        thought = [
            "The state leaks between tests; reset the class list around each test.",
            "Reset it before each test instead of after.",
            "Patch a fresh list onto the class for every test.",
        ][way]
        return [Step(thought, command, out), outcome("Run the whole module.", rng.sample(["leak", "lost", "count"], 2))]

    def alone(k: int) -> list[Step]:
        name = ctx.case(rng, cases)
        return [
            test_step(ctx, rng, "Run the failing test by itself.", f"{tf}::{name}", [], rng.choice(["", " -q"])),
            outcome(
                "It passes alone. Now the module in order, to see which test pollutes it.",
                ["leak"],
                rng.choice([" -p no:randomly", " -vv", " -x"]),
            ),
        ]

    def probe(k: int) -> Step:
        x = rng.choice(_ITEMS)
        shared = rng.random() < 0.6
        return Step(
            "Let me check by hand whether two instances share the list.",
            f"python -c \"from {ctx.dotted} import {base}, {s1}, {s2}; a, b = {s2}(), {s2}(); a.add_{verb}('{x}'); print(b.{coll}, {base}.{coll}, {s1}.{coll})\"",
            f"['{x}'] ['{x}'] ['{default}']" if shared else f"[] [] ['{default}']",
        )

    start = rng.randint(30, 700)
    first = [
        outcome("Let me run the tests for the class I changed.", ["leak", "count"]),
        Step(f"Let me look at where {coll} is defined and used.", *grep_lines(ctx, rng, body, coll, start)),
        Step(f"Let me read {base} and its subclasses.", sed(ctx, rng, body, start), body),
    ]
    attempts: list[Attempt] = [edit, edit, edit, fixture, alone, lambda k: [probe(k)]]
    return churn(ctx, rng, n, first, attempts, f"the {coll} list shared between {base} instances", base, body)

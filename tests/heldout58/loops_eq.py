# ruff: noqa: E501
"""Loop families on order and identity: a result ordered by set iteration, equal nested objects that hash apart."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout58.text import Attempt, Ctx, Fail, churn, py_edit, run_output, test_step


def _orders(ctx: Ctx, rng: random.Random) -> tuple[list[str], list[str]]:
    want = ctx.nodes(rng, rng.randint(3, 5))
    got = list(want)
    while got == want:
        rng.shuffle(got)
    return got, want


def set_order_assertion_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A list built through a set: its order changes with the hash seed, and each 'fix' breaks another order the tests pin."""
    body = f"def {ctx.walk}(items):\n    seen = set()\n    result = set(items)\n    for item in items - seen:\n        seen.add(item)\n    return list(result)\n"
    src, tf = ctx.source, ctx.test_file
    cases = ("order", "declared_order", "dedup", "repr", "join", "mixed_types", "stable")

    def fail(kind: str = "") -> Fail:
        kind = kind or rng.choice(["order", "order", "joined", "types"])
        got, want = _orders(ctx, rng)
        case = f"test_{ctx.stem}_{rng.choice(cases)}"
        if kind == "joined":
            return Fail(
                case,
                f"AssertionError: assert '{', '.join(got)}' == '{', '.join(want)}'",
                f"assert str(result) == {', '.join(want)!r}",
            )
        if kind == "types":
            return Fail(
                case,
                rng.choice(
                    [
                        "TypeError: '<' not supported between instances of 'int' and 'str'",
                        "TypeError: '<' not supported between instances of 'NoneType' and 'str'",
                        f"TypeError: '<' not supported between instances of '{ctx.cls}' and '{ctx.cls}'",
                    ]
                ),
                f"result = {ctx.walk}(items)",
                [(ctx.walk, rng.choice(["return sorted(result)", "return sorted(set(items))"]))],
            )
        return Fail(case, f"AssertionError: assert {got!r} == {want!r}", f"assert {ctx.walk}(items) == {want!r}")

    def run(thought: str, kinds: list[str], seed: int | None = None) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}" if fails else tf])
        step = test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -p no:cacheprovider"]))
        if seed is not None:
            step.command = f"export PYTHONHASHSEED={seed}; {step.command}"
        return step

    def seeds(k: int) -> Step:
        picked = sorted(rng.sample(range(0, 50), rng.randint(3, 5)))
        lines = []
        for s in picked:
            bad = rng.random() < 0.6
            lines.append(
                f"seed={s}: "
                + (
                    f"{rng.randint(1, 3)} failed, {rng.randint(8, 40)} passed in {rng.uniform(0.1, 3):.2f}s"
                    if bad
                    else f"{rng.randint(8, 40)} passed in {rng.uniform(0.1, 3):.2f}s"
                )
            )
        command = ctx.tests(tf, " -q 2>&1 | tail -1") if not ctx.django else ctx.tests(tf, " 2>&1 | tail -1")
        return Step(
            "Let me see whether the failures depend on the hash seed.",
            f"for s in {' '.join(map(str, picked))}; do printf 'seed=%s: ' $s; PYTHONHASHSEED=$s {command.replace('cd tests && ', '')}; done"
            if not ctx.django
            else f"cd tests && for s in {' '.join(map(str, picked))}; do printf 'seed=%s: ' $s; PYTHONHASHSEED=$s {command.replace('cd tests && ', '')}; done",
            "\n".join(lines),
            seconds=rng.uniform(4, 20),
        )

    def variant(k: int) -> list[Step]:
        old, new, why, kinds = rng.choice(
            [
                (
                    "return list(result)",
                    "return sorted(result)",
                    "sort the result so it's deterministic",
                    ["types", "order"],
                ),
                (
                    "return list(result)",
                    "return sorted(result, key=str)",
                    "sort with key=str so mixed types compare",
                    ["order"],
                ),
                (
                    "result = set(items)",
                    "result = list(dict.fromkeys(set(items)))",
                    "keep the order with dict.fromkeys",
                    ["order"],
                ),
                (
                    "result = set(items)",
                    "result = OrderedDict.fromkeys(items)",
                    "use an OrderedDict for the de-duplication",
                    ["joined"],
                ),
                (
                    "return list(result)",
                    "return sorted(result, key=lambda n: (type(n).__name__, n))",
                    "sort by type name then value",
                    ["order", "joined"],
                ),
                ("seen = set()", "seen = frozenset()", "freeze the seen set", ["types"]),
                (
                    "for item in items - seen:",
                    "for item in sorted(items - seen, key=repr):",
                    "iterate in repr order",
                    ["order"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run(
                "Rerun the tests.",
                rng.sample(kinds, rng.randint(1, len(kinds))),
                rng.choice([None, None, rng.randint(0, 9999)]),
            ),
        ]

    def expectation(k: int) -> list[Step]:
        _, want = _orders(ctx, rng)
        return [
            Step(
                "Maybe the test shouldn't depend on order at all; compare as sets in the test that keeps failing.",
                py_edit(tf, f"assert {ctx.walk}(items) == {want!r}", f"assert set({ctx.walk}(items)) == set({want!r})"),
                "patched",
            ),
            run("Run the module again.", ["joined", rng.choice(["order", "types"])]),
        ]

    def flaky_pass(k: int) -> Step:
        step = test_step(
            ctx,
            rng,
            rng.choice(
                [
                    "Run it once more to see if it's consistent.",
                    "Is this failure even stable? Rerun.",
                    "Let me rerun the module unchanged to compare.",
                    "One more run to see which order comes out now.",
                ]
            ),
            tf,
            [],
            rng.choice([" -q", " -x -q", " -p no:randomly"]),
        )
        if rng.random() < 0.5:
            step.output = run_output(ctx, rng, tf, rng.randint(8, 40), [fail("order")])
            step.rc = 1
        return step

    first = [
        run("Let me run the tests for the function I changed.", ["order"]),
        Step(
            "Let me look at how the result is built.",
            f"grep -n 'def {ctx.walk}' -A14 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
        flaky_pass(0),
    ]
    attempts: list[Attempt] = [variant, variant, expectation, lambda k: [seeds(k)], lambda k: [flaky_pass(k)]]
    return churn(ctx, rng, n, first, attempts, "the ordering that depends on set iteration", ctx.walk, body)


def nested_hash_eq_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An object with nested list and dict fields: unhashable, then equal copies hashing apart, then equality too strict."""
    src, tf = ctx.source, ctx.test_file
    spec = f"{ctx.cls}Spec"
    body = f"class {spec}:\n    def __init__(self, name, args=(), options=None):\n        self.name = name\n        self.args = list(args)\n        self.options = dict(options or ())\n\n    def __eq__(self, other):\n        return self.__dict__ == other.__dict__\n\n    def __repr__(self):\n        return '%s(%r, args=%r)' % (type(self).__name__, self.name, self.args)\n"
    cases = (
        "hash",
        "set_dedup",
        "dict_key",
        "eq",
        "eq_list_tuple",
        "hash_kwargs_order",
        "eq_other_type",
        "nested_options",
    )

    def fail(kind: str) -> Fail:
        case = f"test_{ctx.stem}_{rng.choice(cases)}"
        a, b = ctx.nodes(rng, 2)
        errors = {
            "unhashable-self": (f"TypeError: unhashable type: '{spec}'", "assert len(set(specs)) == 1", ()),
            "unhashable-field": (
                f"TypeError: unhashable type: '{rng.choice(['list', 'dict', 'set'])}'",
                f"assert hash({spec}(*args, **opts)) == hash(other)",
                (
                    (
                        "__hash__",
                        rng.choice(
                            [
                                "return hash((self.name, self.args, self.options))",
                                "return hash(tuple(vars(self).values()))",
                                "return hash((self.name, tuple(self.args), frozenset(self.options.items())))",
                            ]
                        ),
                    ),
                ),
            ),
            "dedup": (f"AssertionError: assert {rng.randint(2, 4)} == 1", "assert len(set(specs)) == 1", ()),
            "eq": (
                f"AssertionError: assert {spec}({a!r}, args=[1, 2]) == {spec}({a!r}, args=(1, 2))",
                f"assert {spec}({a!r}, args=[1, 2]) == {spec}({a!r}, args=(1, 2))",
                (),
            ),
            "other": (
                rng.choice(
                    [
                        "TypeError: vars() argument must have __dict__ attribute",
                        "AttributeError: 'str' object has no attribute 'options'",
                        "AssertionError: assert NotImplemented is False",
                    ]
                ),
                f"assert {spec}({b!r}) != {b!r}",
                (("__eq__", rng.choice(["return vars(self) == vars(other)", "return self.options == other.options"])),),
            ),
            "recursion": (
                "RecursionError: maximum recursion depth exceeded while calling a Python object",
                "hash(spec)",
                (
                    ("_freeze", "return tuple(_freeze(v) for v in value)"),
                    ("_freeze", "return frozenset((k, _freeze(v)) for k, v in value.items())"),
                ),
            ),
            "frozen": (
                f"dataclasses.FrozenInstanceError: cannot assign to field '{rng.choice(['options', 'args', 'name'])}'",
                f"spec = {spec}({a!r}, options=opts)",
                (("__post_init__", "self.options = dict(self.options)"),),
            ),
        }
        error, code, frames = errors[kind]
        return Fail(case, error, code, frames)

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        return test_step(
            ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, rng.choice(["", " -x", " -q"])
        )

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = rng.choice(
            [
                (
                    "    def __eq__(self, other):",
                    "    __hash__ = object.__hash__\n\n    def __eq__(self, other):",
                    "restore the default identity hash",
                    ["dedup"],
                ),
                (
                    "    def __eq__(self, other):",
                    "    def __hash__(self):\n        return hash((self.name, self.args, self.options))\n\n    def __eq__(self, other):",
                    "hash the fields as a tuple",
                    ["unhashable-field"],
                ),
                (
                    "        return hash((self.name, self.args, self.options))",
                    "        return hash(repr(self))",
                    "hash the repr instead",
                    ["dedup"],
                ),
                (
                    "        return hash(repr(self))",
                    "        return hash((self.name, tuple(self.args), frozenset(self.options.items())))",
                    "freeze args and options before hashing",
                    ["unhashable-field", "dedup"],
                ),
                (
                    "        return self.__dict__ == other.__dict__",
                    "        return vars(self) == vars(other)",
                    "compare vars()",
                    ["other"],
                ),
                (
                    "        return vars(self) == vars(other)",
                    "        if not isinstance(other, type(self)):\n            return NotImplemented\n        return (self.name, self.args, self.options) == (other.name, other.args, other.options)",
                    "compare the fields and return NotImplemented for other types",
                    ["eq"],
                ),
                (
                    "def _freeze(value):",
                    "def _freeze(value):\n    if isinstance(value, (list, tuple)):\n        return tuple(_freeze(v) for v in value)\n    if isinstance(value, dict):\n        return frozenset((k, _freeze(v)) for k, v in value.items())",
                    "freeze nested values recursively",
                    ["recursion", "eq"],
                ),
                (
                    "class " + spec + ":",
                    "@dataclasses.dataclass(frozen=True)\nclass " + spec + ":",
                    "make it a frozen dataclass",
                    ["frozen"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the equality and hashing tests.", rng.sample(kinds, len(kinds))),
        ]

    def probe(k: int) -> Step:
        a = ctx.nodes(rng, 1)[0]
        return Step(
            "Let me check by hand whether two equal specs hash the same.",
            f'python -c "from {ctx.dotted} import {spec}; x = {spec}({a!r}, args=[1], options=dict(b=2, a=1)); y = {spec}({a!r}, args=[1], options=dict(a=1, b=2)); print(x == y, hash(x) == hash(y), len(set([x, y])))"',
            rng.choice(
                [
                    f"True False {rng.randint(2, 3)}",
                    "True True 1",
                    f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nTypeError: unhashable type: '{rng.choice(['list', 'dict', spec])}'",
                    "False False 2",
                ]
            ),
            rc=0,
        )

    def look_class(k: int) -> Step:
        return Step(
            f"Let me re-read {spec}.",
            f"grep -n 'class {spec}' -A{rng.choice([20, 25, 30])} {src}",
            f"{rng.randint(40, 600)}:" + body,
        )

    first = [run(f"Let me run the tests for {spec}.", ["unhashable-self"]), look_class(0)]
    attempts: list[Attempt] = [edit, edit, edit, lambda k: [probe(k)], lambda k: [look_class(k)]]
    return churn(ctx, rng, n, first, attempts, f"hashing and equality of the nested {spec}", spec, body)

# ruff: noqa: E501
"""Loop family on dataclass inheritance: a required field added to a subclass of a dataclass whose fields have defaults."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout59.churn import churn, sed
from heldout59.text import Attempt, Ctx, Fail, collect_error, deck, py_edit, test_step

# Where dataclasses.py raises, by Python minor version: dataclass, wrap, _process_class (at _init_fn, at _get_field), _init_fn, _get_field.
_LINES = {
    8: (1019, 1011, 925, 858, 502, 727),
    9: (1021, 1013, 927, 860, 504, 733),
    10: (1178, 1170, 1076, 989, 550, 764),
    11: (1230, 1220, 1127, 1027, 582, 815),
}


def deeper(ctx: Ctx, last: str) -> list[tuple[str, int, str, str]]:
    """The frames of dataclasses.py a class-creation error passes through, as this Python prints them."""
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/dataclasses.py"
    args = (
        "frozen"
        if ctx.py_minor < 10
        else "frozen, match_args, kw_only, slots" + (", weakref_slot" if ctx.py_minor > 10 else "")
    )
    at = _LINES.get(ctx.py_minor, _LINES[9])
    init = "argument" in last
    return [
        (lib, at[0], "dataclass", "return wrap(cls)"),
        (lib, at[1], "wrap", f"return _process_class(cls, init, repr, eq, order, unsafe_hash, {args})"),
        (
            lib,
            at[2] if init else at[3],
            "_process_class",
            "_init_fn(flds," if init else "cls_fields = [_get_field(cls, name, type)",
        ),
        (lib, at[4] if init else at[5], "_init_fn" if init else "_get_field", last),
    ]


def dataclass_field_order_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A required field after inherited defaults: kw_only missing on this Python, defaults that hide it, __post_init__ chains, reordering."""
    src, tf = ctx.source, ctx.test_file
    pick = deck(rng)
    opts = f"{ctx.cls}Options"
    sub = ctx.subs(rng, 1)[0] + "Options"
    a1, a2, a3, a4 = ctx.attrs(rng, 4)
    level = rng.choice(["INFO", "DEBUG", "WARNING"])
    d1 = rng.choice([0, 1, 10])
    given = rng.choice([5, 30, 60])
    body = (
        f"@dataclass\nclass {opts}:\n    name: str\n    {a1}: int = {d1}\n    {a2}: str = '{level.lower()}'\n\n"
        f"    def __post_init__(self):\n        self.{a2} = self.{a2}.lower()\n\n\n"
        f"@dataclass\nclass {sub}({opts}):\n    {a3}: str\n"
    )
    header = f"@dataclass\nclass {sub}({opts}):\n    {a3}: str"
    cases = ("required", "defaults", "positional", "fields_order", "repr", "post_init", "normalize", "replace")
    value = rng.choice(["json", "yaml", "utf-8", "strict", "default"])

    named = {
        "unraised": ("required",),
        "none": ("defaults", "required"),
        "skipped": ("normalize", "post_init"),
        "super": ("post_init",),
        "order": ("fields_order",),
        "shift": ("positional",),
        "missing": ("positional", "defaults"),
        "positional": ("positional",),
        "kwmissing": ("from_config", "positional"),
        "sentinel": ("repr",),
        "unexpected": ("replace", "defaults"),
    }

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, named.get(kind, cases))
        if kind == "unraised":
            return Fail(case, "Failed: DID NOT RAISE <class 'TypeError'>", "with pytest.raises(TypeError):")
        if kind == "none":
            return Fail(case, f"AssertionError: assert None == '{value}'", f"assert opts.{a3} == '{value}'")
        if kind == "skipped":
            return Fail(
                case, f"AssertionError: assert '{level}' == '{level.lower()}'", f"assert opts.{a2} == '{level.lower()}'"
            )
        if kind == "super":
            return Fail(
                case,
                "AttributeError: 'super' object has no attribute '__post_init__'",
                f"opts = {rng.choice([sub, opts])}('x', {a3}='{value}')",
                [("__init__", "self.__post_init__()"), ("__post_init__", "super().__post_init__()")],
            )
        if kind == "order":
            return Fail(
                case,
                f"AssertionError: assert ['name', '{a3}', '{a1}', '{a2}'] == ['name', '{a1}', '{a2}', '{a3}']",
                "assert [f.name for f in fields(opts)] == expected",
            )
        if kind == "shift":
            return Fail(case, f"AssertionError: assert {d1} == {given}", f"assert opts.{a1} == {given}")
        if kind == "missing":
            return Fail(
                case,
                f"TypeError: {ctx.init(opts)} missing 1 required positional argument: '{a3}'",
                f"opts = {opts}('x')",
            )
        if kind == "positional":
            return Fail(
                case,
                f"TypeError: {ctx.init(sub)} takes from 2 to 4 positional arguments but 5 were given",
                f"opts = {sub}('x', {given}, '{level.lower()}', '{value}')",
            )
        if kind == "kwmissing":
            return Fail(
                case,
                f"TypeError: {ctx.init(sub)} missing 1 required keyword-only argument: '{a3}'",
                f"opts = {sub}.from_config(cfg)",
                [("from_config", "return cls(*values)")],
            )
        if kind == "sentinel":
            return Fail(
                case,
                f"AssertionError: assert \"{sub}(name='x', {a1}=1, {a2}='info', {a3}=<object object at 0x7f{rng.randrange(16**10):010x}>)\" == \"{sub}(name='x', {a1}=1, {a2}='info')\"",
                "assert repr(opts) == expected",
            )
        return Fail(
            case,
            f"TypeError: {ctx.init(sub)} got an unexpected keyword argument '{a3}'",
            f"opts = {sub}('x', {a3}='{value}')",
        )

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -rA"]))

    def broken(thought: str, error: str, code: str, last: str) -> Step:
        return collect_error(ctx, rng, thought, rng.choice(["", tf]), error, code, deeper(ctx, last))

    def kw_only(k: int) -> list[Step]:
        edit = Step(
            f"Make {sub} keyword-only so its required field can follow the inherited defaults.",
            py_edit(src, f"@dataclass\nclass {sub}({opts}):", f"@dataclass(kw_only=True)\nclass {sub}({opts}):"),
            "patched",
        )
        if ctx.py_minor < 10:
            return [
                edit,
                collect_error(
                    ctx,
                    rng,
                    "Run the tests.",
                    rng.choice(["", tf]),
                    "TypeError: dataclass() got an unexpected keyword argument 'kw_only'",
                    "@dataclass(kw_only=True)",
                ),
            ]
        return [edit, outcome("Run the tests.", rng.sample(["positional", "kwmissing"], rng.randint(1, 2)))]

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = pick(
            [
                (header, f"{header} = None", f"give {a3} a default of None", ["unraised", "none"]),
                (
                    f"{header} = None",
                    f"{header} = None\n\n    def __post_init__(self):\n        if self.{a3} is None:\n            raise TypeError('{a3} is required')",
                    f"check in __post_init__ that {a3} was given",
                    ["skipped"],
                ),
                (
                    "            raise TypeError(",
                    "            super().__post_init__()\n            raise TypeError(",
                    "call the base __post_init__ from the subclass",
                    ["super", "skipped"],
                ),
                (
                    f"    name: str\n    {a1}:",
                    f"    name: str\n    {a3}: str\n    {a1}:",
                    f"move {a3} up into {opts} before the defaulted fields",
                    ["order", "shift", "missing"],
                ),
                (
                    f"{header} = None",
                    f"{header} = _MISSING",
                    f"use a private _MISSING sentinel as the default so a missing {a3} can be told from None",
                    ["sentinel", "unraised"],
                ),
                (
                    f"{header} = None",
                    f"{header} = field(default=None, init=False)",
                    f"keep {a3} out of the generated __init__",
                    ["unexpected"],
                ),
                (
                    header,
                    f"@dataclass\nclass {sub}:\n    name: str\n    {a3}: str\n    {a1}: int = 0\n    {a2}: str = 'info'",
                    f"stop inheriting and redeclare every field in {sub} in the right order",
                    ["skipped", "order"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            outcome("Rerun the tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def mutable(k: int) -> list[Step]:
        return [
            Step(
                f"Maybe {a4} belongs on {sub} as a list of extra options too; add it with an empty default.",
                py_edit(src, header, f"{header} = None\n    {a4}: list = []"),
                "patched",
            ),
            broken(
                "Run the tests.",
                f"ValueError: mutable default <class 'list'> for field {a4} is not allowed: use default_factory",
                "@dataclass",
                "raise ValueError(f'mutable default {type(f.default)} for field '",
            ),
        ]

    def probe(k: int) -> Step:
        shown = rng.choice(
            [
                f"['name', '{a1}', '{a2}', '{a3}']",
                f"['name', '{a3}', '{a1}', '{a2}']",
            ]
        )
        return Step(
            f"Let me print the fields of {sub} and an instance.",
            f"python -c \"from dataclasses import fields; from {ctx.dotted} import {sub}; print([f.name for f in fields({sub})]); print({sub}('x', {a3}='{value}'))\"",
            f"{shown}\n{sub}(name='x', {a1}=1, {a2}='{rng.choice([level, level.lower()])}', {a3}='{value}')",
        )

    def callers(k: int) -> Step:
        return Step(
            f"Who constructs {opts} and {sub} positionally?",
            f"grep -rn '{opts}(\\|{sub}(' {ctx.run.package} --include='*.py' | head -20",
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'config', 'options', 'core'])}.py:{rng.randint(10, 900)}:        opts = {rng.choice([opts, sub])}({rng.choice(['name', 'self.name', repr(value)])}, {rng.choice(['timeout', str(rng.randint(1, 60)), 'level'])})"
                for _ in range(rng.randint(2, 5))
            ),
        )

    first = [
        broken(
            f"Let me run the tests after adding {a3} to {sub}.",
            f"TypeError: non-default argument '{a3}' follows default argument",
            "@dataclass",
            "raise TypeError(f'non-default argument {f.name!r} '",
        ),
        Step(f"Let me look at {opts} and {sub}.", sed(ctx, rng, body), body),
    ]
    attempts: list[Attempt] = [edit, edit, edit, kw_only, mutable, lambda k: [probe(k)], lambda k: [callers(k)]]
    return churn(ctx, rng, n, first, attempts, f"the field order of {sub}", opts, body)

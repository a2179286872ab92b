# ruff: noqa: E501
"""A YAML loop: tuples, ordered mappings and custom tags that no safe loader or dumper takes."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45.loops_yaml_types import YAML
from heldout45.text import Ctx, churn, flags, py_edit, test_step


def _where(rng: random.Random) -> str:
    line, col = rng.randint(2, 30), rng.randint(1, 24)
    return f'  in "<unicode string>", line {line}, column {col}:\n    {rng.choice(["color", "shape", "origin", "span", "palette"])}: !!python/tuple\n    {" " * col}^'


def yaml_tag_constructor_wall(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Tuples, OrderedDicts and a custom tag round-trip through YAML; the safe loader and dumper refuse one or another."""
    t, src = ctx.test_file, ctx.source
    rt, unsafe = f"test_{ctx.stem}_roundtrip", f"test_{ctx.stem}_rejects_python_tags"
    tag = "tag:yaml.org,2002:python/"
    first = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the new YAML round trip.",
            [
                (
                    rt,
                    f"yaml.constructor.ConstructorError: could not determine a constructor for the tag '{tag}tuple'\n{_where(rng)}",
                )
            ],
            code=f"{ctx.func}(dump(data)) == data",
        ),
    ]

    def safe_dumper(k: int) -> list[Step]:
        obj = rng.choice(["(0, 255, 0)", "(1, 2)", "(0.5, 0.5)", "('x', 'y')"])
        return [
            Step(
                "The dumper writes python/tuple tags; dumping with SafeDumper should produce plain YAML.",
                py_edit(src, "yaml.dump(data,", "yaml.dump(data, Dumper=yaml.SafeDumper,"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the round trip.",
                [(rt, f"yaml.representer.RepresenterError: ('cannot represent an object', {obj})")],
                f"{t}::{rt}",
                flags(rng, ctx),
            ),
        ]

    def tuples_to_lists(k: int) -> list[Step]:
        a, b = rng.randint(0, 255), rng.randint(0, 255)
        return [
            Step(
                "I'll turn tuples into lists before dumping, recursively.",
                py_edit(
                    src,
                    "def _plain(value):\n    return value",
                    "def _plain(value):\n    if isinstance(value, tuple):\n        return [_plain(v) for v in value]\n    if isinstance(value, dict):\n        return type(value)((k, _plain(v)) for k, v in value.items())\n    return value",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (
                        rt,
                        f"AssertionError: assert [{a}, {b}, 0] == ({a}, {b}, 0)\n  Full diff:\n  - ({a}, {b}, 0)\n  + [{a}, {b}, 0]",
                    ),
                    *(
                        [
                            (
                                f"test_{ctx.stem}_ordered",
                                "yaml.representer.RepresenterError: ('cannot represent an object', OrderedDict([('b', 1), ('a', 2)]))",
                            )
                        ]
                        if k % 2
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def tuple_constructor(k: int) -> list[Step]:
        return [
            Step(
                "Register a constructor for python/tuple on the safe loader only, so the safe path can read tuples back.",
                py_edit(
                    src,
                    "# constructors",
                    f"yaml.add_constructor('{tag}tuple', lambda loader, node: tuple(loader.construct_sequence(node)), Loader=yaml.SafeLoader)\n# constructors",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                [
                    (
                        rng.choice([rt, f"test_{ctx.stem}_ordered"]),
                        f"yaml.constructor.ConstructorError: could not determine a constructor for the tag '{tag}object/apply:collections.OrderedDict'\n{_where(rng)}",
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def ordered_representer(k: int) -> list[Step]:
        keys = rng.sample(["a", "b", "c", "z", "id", "name"], 3)
        fails = [
            (
                f"test_{ctx.stem}_ordered",
                f"yaml.representer.RepresenterError: ('cannot represent an object', OrderedDict([('{keys[0]}', 1), ('{keys[1]}', 2)]))",
            ),
            (f"test_{ctx.stem}_ordered", f"AssertionError: assert {sorted(keys)} == {keys}"),
        ]
        return [
            Step(
                "An OrderedDict should dump as a plain mapping. Add a representer for it.",
                py_edit(
                    src,
                    "# representers",
                    "yaml.add_representer(OrderedDict, lambda dumper, value: dumper.represent_dict(value.items()))\n# representers",
                ),
                "patched",
            ),
            test_step(
                ctx, rng, "Run the ordered-dict test.", [fails[k % 2]], f"{t}::test_{ctx.stem}_ordered", flags(rng, ctx)
            ),
        ]

    def full_loader(k: int) -> list[Step]:
        loader = rng.choice(["yaml.FullLoader", "yaml.UnsafeLoader", "yaml.Loader"])
        fail = (
            (unsafe, "Failed: DID NOT RAISE <class 'yaml.constructor.ConstructorError'>")
            if loader != "yaml.FullLoader"
            else (
                rt,
                f"yaml.constructor.ConstructorError: could not determine a constructor for the tag '{tag}object/apply:collections.OrderedDict'\n{_where(rng)}",
            )
        )
        return [
            Step(
                f"What if loading uses {loader} instead of the safe loader?",
                py_edit(src, "Loader=yaml.SafeLoader)", f"Loader={loader})", None),
                "patched",
            ),
            test_step(ctx, rng, "Run the module.", [fail], extra=flags(rng, ctx)),
        ]

    def custom_tag(k: int) -> list[Step]:
        name = rng.choice(["!color", "!rgb", "!point"])
        return [
            Step(
                f"Instead of python tags I'll write tuples with an explicit application tag {name} and construct them back.",
                py_edit(
                    src,
                    "# constructors",
                    f"yaml.add_constructor('{name}', _construct_tuple)\nyaml.add_representer(tuple, lambda d, v: d.represent_sequence('{name}', v))\n# constructors",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        rt,
                        f"yaml.constructor.ConstructorError: could not determine a constructor for the tag '{name}'\n{_where(rng)}",
                    )
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def check(k: int) -> list[Step]:
        return [
            Step(
                "Let me see exactly what the dump produces now.",
                f'python -c "from collections import OrderedDict; from {ctx.dotted} import {ctx.func}; print({ctx.func}(OrderedDict(b=1, a=(1, 2))))"',
                rng.choice(
                    [
                        "a: !!python/tuple\n- 1\n- 2\nb: 1",
                        "!!python/object/apply:collections.OrderedDict\n- - - b\n    - 1\n  - - a\n    - !!python/tuple\n      - 1\n      - 2",
                        "b: 1\na: !color\n- 1\n- 2",
                    ]
                ),
            )
        ]

    def extra_look() -> Step:
        return Step(
            "Which constructors does the safe loader know?",
            "python -c \"import yaml; print([t for t in yaml.SafeLoader.yaml_constructors if t and 'python' in t])\"",
            rng.choice(["[]", f"['{tag}tuple']"]),
        )

    return churn(
        ctx,
        rng,
        n,
        first,
        [safe_dumper, tuples_to_lists, tuple_constructor, ordered_representer, full_loader, custom_tag, check],
        "the YAML tags the safe loader refuses",
        YAML,
        [extra_look],
    )

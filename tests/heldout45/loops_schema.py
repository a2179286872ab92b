# ruff: noqa: E501
"""A JSON-schema loop: the validation messages a test pins never come out the same, in the same order, at the same path."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45.text import Ctx, Format, churn, flags, py_edit, test_step

SCHEMA = Format(
    "schema.json",
    "jsonschema",
    "jsonschema",
    ("3.2.0", "4.17.3", "4.21.1"),
    '{\n  "$schema": "http://json-schema.org/draft-07/schema#",\n  "type": "object",\n  "required": ["name", "items"],\n  "additionalProperties": false,\n  "definitions": {"size": {"type": "integer", "minimum": 0}},\n  "properties": {\n    "name": {"type": "string", "minLength": 1},\n    "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/size"}}\n  }\n}',
)
_WANTED = [
    "items.2: -1 is less than the minimum of 0",
    "name: '' is too short",
    "items: [] is too short",
    ": 'name' is a required property",
    ": Additional properties are not allowed ('colour' was unexpected)",
    "items.0: 'x' is not of type 'integer'",
]


def _mismatch(rng: random.Random) -> str:
    """A message the validator wrote where the test wanted another, the difference drifting."""
    wanted = rng.choice(_WANTED)
    path, _, message = wanted.partition(": ")
    got = rng.choice(
        [
            f"{path.replace('.', '/')}: {message}",
            f"deque({path.split('.') if path else []}): {message}".replace("'2'", "2").replace("'0'", "0"),
            f"$.{path.replace('.2', '[2]').replace('.0', '[0]')}: {message}" if path else f"$: {message}",
            f"{path}: {message.replace('is too short', 'should be non-empty').replace('[] should', '[] should')}",
            f"{path}: {message}".lstrip(": "),
        ]
    )
    if got == wanted:
        got = f"{path} {message}"
    return f"AssertionError: assert {[got]!r} == {[wanted]!r}\n  At index 0 diff: {got!r} != {wanted!r}"


def schema_message_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Messages, paths, ordering and the chosen best error change with each way of formatting jsonschema's errors."""
    t, src = ctx.test_file, ctx.source
    msgs, order = f"test_{ctx.stem}_error_messages", f"test_{ctx.stem}_errors_sorted"
    code = f"validate_{ctx.stem}(data) == expected"
    first = [
        test_step(
            ctx, rng, "Let me run the validation tests with the schema in place.", [(msgs, _mismatch(rng))], code=code
        ),
    ]

    def slash_path(k: int) -> list[Step]:
        return [
            Step(
                "The test wants dotted paths. Join error.path with dots instead.",
                py_edit(src, "'/'.join(map(str, error.path))", "'.'.join(map(str, error.path))"),
                "patched",
            ),
            test_step(
                ctx, rng, "Rerun the message test.", [(msgs, _mismatch(rng))], f"{t}::{msgs}", flags(rng, ctx), code
            ),
        ]

    def json_path(k: int) -> list[Step]:
        return [
            Step(
                "Newer jsonschema has error.json_path; use it and strip the leading '$.'.",
                py_edit(src, "'.'.join(map(str, error.path))", "error.json_path.removeprefix('$.')"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (
                        msgs,
                        rng.choice(
                            [
                                "AttributeError: 'ValidationError' object has no attribute 'json_path'",
                                "AttributeError: 'str' object has no attribute 'removeprefix'",
                                _mismatch(rng),
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
                code=code,
            ),
        ]

    def sort_errors(k: int) -> list[Step]:
        return [
            Step(
                "The errors come out in a different order each time; sort them by path.",
                py_edit(
                    src,
                    "for error in validator.iter_errors(data)",
                    "for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path))",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        order,
                        rng.choice(
                            [
                                "TypeError: '<' not supported between instances of 'int' and 'str'",
                                "TypeError: '<' not supported between instances of 'str' and 'int'",
                            ]
                        ),
                    ),
                    *([(msgs, _mismatch(rng))] if k % 2 else []),
                ],
                extra=flags(rng, ctx),
                code=code,
            ),
        ]

    def sort_by_str(k: int) -> list[Step]:
        a, b = rng.sample(_WANTED, 2)
        return [
            Step(
                "Sort by the path as strings, then by the validator keyword.",
                py_edit(src, "key=lambda e: list(e.path)", "key=lambda e: (tuple(map(str, e.path)), e.validator)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the ordering test.",
                [
                    (
                        order,
                        f"AssertionError: assert [{b!r}, {a!r}] == [{a!r}, {b!r}]\n  At index 0 diff: {b!r} != {a!r}",
                    )
                ],
                f"{t}::{order}",
                flags(rng, ctx),
                code,
            ),
        ]

    def best_match(k: int) -> list[Step]:
        return [
            Step(
                "The single-error case should report the most relevant error; use jsonschema.exceptions.best_match.",
                py_edit(
                    src,
                    "errors = list(validator.iter_errors(data))",
                    "errors = [best_match(validator.iter_errors(data))]",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (
                        f"test_{ctx.stem}_one_error",
                        rng.choice(
                            [
                                "AssertionError: assert \"'x' is not of type 'integer'\" == \"'x' is not one of ['small', 'large']\"",
                                'AssertionError: assert "[] is too short" == "\'name\' is a required property"',
                                "AssertionError: assert \"{'size': 'x'} is not valid under any of the given schemas\" == \"'x' is not of type 'integer'\"",
                            ]
                        ),
                    ),
                    *([(order, "TypeError: 'NoneType' object is not iterable")] if k % 2 else []),
                ],
                extra=flags(rng, ctx),
                code=code,
            ),
        ]

    def defs(k: int) -> list[Step]:
        pointer = rng.choice(["definitions/size", "$defs/size", "definitions/name"])
        return [
            Step(
                "Move the schema to draft 2020-12 with $defs, so the messages match the newer validator's.",
                f'sed -i \'s/draft-07\\/schema#/draft\\/2020-12\\/schema/; s/"definitions"/"$defs"/\' {ctx.data("schema.json")}',
                "",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        msgs,
                        rng.choice(
                            [
                                f"jsonschema.exceptions.RefResolutionError: Unresolvable JSON pointer: '{pointer}'",
                                f"PointerToNowhere: '/{pointer}' does not exist within the schema",
                                "jsonschema.exceptions.SchemaError: 'strng' is not valid under any of the given schemas",
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
                code=code,
            ),
        ]

    def own_messages(k: int) -> list[Step]:
        return [
            Step(
                "Write the messages ourselves from error.validator so the jsonschema version can't change them.",
                py_edit(
                    src,
                    "message = error.message",
                    "message = _MESSAGES.get(error.validator, error.message).format(error=error)",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                [
                    (
                        msgs,
                        rng.choice(
                            [
                                "KeyError: 'validator_value'",
                                "AttributeError: 'ValidationError' object has no attribute 'value'",
                                _mismatch(rng),
                            ]
                        ),
                    )
                ],
                extra=flags(rng, ctx),
                code=code,
            ),
        ]

    def pin(k: int) -> list[Step]:
        v = rng.choice(["4.17.3", "3.2.0", "4.19.2"])
        return [
            Step(
                f"The wording changed between releases. Install jsonschema {v}, the one the messages were written for.",
                f"pip install -q 'jsonschema=={v}' 2>&1 | tail -2",
                f"ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.\nSuccessfully installed jsonschema-{v}\n"
                if k % 2
                else f"Successfully installed jsonschema-{v} pyrsistent-0.{rng.randint(18, 20)}.{rng.randint(0, 3)}\n",
                seconds=rng.uniform(3, 12),
            ),
            test_step(
                ctx,
                rng,
                "Run the module.",
                [
                    (msgs, _mismatch(rng)),
                    *(
                        [(order, "TypeError: '<' not supported between instances of 'int' and 'str'")]
                        if rng.random() < 0.5
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
                code=code,
            ),
        ]

    def check(k: int) -> list[Step]:
        bad = rng.choice(
            ["{'name': '', 'items': [1, 'x', -1]}", "{'items': [], 'colour': 'red'}", "{'name': 'a', 'items': [-1]}"]
        )
        return [
            Step(
                "Let me print what the validator says for a bad document, in order.",
                f"python -c \"from {ctx.dotted} import validate_{ctx.stem}; print(*validate_{ctx.stem}({bad}), sep='\\n')\"",
                "\n".join(rng.sample(_WANTED, rng.randint(2, 4))),
            )
        ]

    def extra_look() -> Step:
        return Step(
            "Let me read how the test builds the expected messages.",
            f"grep -n -B2 -A10 'def {msgs}' {t}",
            f"{rng.randint(20, 200)}:def {msgs}():\n    data = dict(name='', items=[1, 'x', -1], colour='red')\n    assert validate_{ctx.stem}(data) == [\n        {_WANTED[0]!r},\n        {_WANTED[1]!r},\n    ]\n",
        )

    return churn(
        ctx,
        rng,
        n,
        first,
        [slash_path, json_path, sort_errors, sort_by_str, best_match, defs, own_messages, pin, check],
        "jsonschema's validation messages",
        SCHEMA,
        [extra_look],
    )

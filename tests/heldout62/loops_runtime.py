# ruff: noqa: E501
"""Loop family on runtime typing: a coercion helper reading annotations with get_type_hints and get_origin, each fix breaking another Python."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.looks import churn, edit
from heldout62.testrun import Fail, test_step
from heldout62.text import Attempt, Ctx, numbered

_CASES = ("optional", "forward_ref", "pep604", "nested_list", "local_class", "annotated", "none_value", "default")


def other_python(ctx: Ctx) -> tuple[str, str]:
    """A second interpreter on the machine, and its version: the system one, or conda's base where that is the same minor."""
    return ("/opt/miniconda3/bin/python3", "3.11.5") if ctx.python == "3.10" else ("/usr/bin/python3", "3.10.12")


def errors(ctx: Ctx, version: str) -> dict[str, str]:
    """What each way of reading annotations raises (or gets wrong) on one Python version."""
    old = version.startswith(("3.8", "3.9"))
    sub, base = ctx.sub, ctx.base
    out = {
        "name": f"NameError: name '{sub}' is not defined",
        "base": f"NameError: name '{base}' is not defined",
        "generic": "TypeError: isinstance() argument 2 cannot be a parameterized generic",
        "subscripted": "TypeError: Subscripted generics cannot be used with class and instance checks",
        "str": "TypeError: 'str' object is not callable",
        "value": f"AssertionError: assert '{random.Random(version).randint(2, 90)}' == {random.Random(version).randint(2, 90)}",
        "guard": "TypeError: _evaluate() missing 1 required positional argument: 'recursive_guard'",
        "none": f"TypeError: int() argument must be a string, a bytes-like object or a {'number' if old else 'real number'}, not 'NoneType'",
        "extensions": "ModuleNotFoundError: No module named 'typing_extensions'",
    }
    if old:
        out["pipe"] = "TypeError: unsupported operand type(s) for |: 'type' and 'NoneType'"
        out["uniontype"] = "AttributeError: module 'types' has no attribute 'UnionType'"
        out["inspect"] = "AttributeError: module 'inspect' has no attribute 'get_annotations'"
    else:
        out["pipe"] = "TypeError: 'types.UnionType' object is not callable"
        out["uniontype"] = out["value"]
        out["inspect"] = out["str"]
    return out


def annotation_eval_version_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """get_type_hints over dataclass fields under `from __future__ import annotations`: forward refs, `X | None` on 3.9 and types.UnionType on 3.10+ take turns failing."""
    src, f, sub = ctx.source, ctx.func, ctx.sub
    env = errors(ctx, ctx.python_full)
    py2, v2 = other_python(ctx)
    body = f"def {f}(cls, data):\n    hints = get_type_hints(cls)\n    out = dict()\n    for name, value in data.items():\n        hint = hints.get(name, object)\n        if get_origin(hint) is Union:\n            if value is None:\n                out[name] = None\n                continue\n            hint = next(a for a in get_args(hint) if a is not type(None))\n        out[name] = hint(value) if isinstance(hint, type) else value\n    return out\n"
    frames = {
        "pipe": [
            (f, "hints = get_type_hints(cls)"),
            ("typing:_eval_type", "return t._evaluate(globalns, localns, recursive_guard)"),
        ],
        "name": [
            (f, "hints = get_type_hints(cls)"),
            ("typing:_evaluate", "eval(self.__forward_code__, globalns, localns),"),
        ],
        "base": [
            (f, "hints = get_type_hints(cls, localns=ns)"),
            ("typing:_evaluate", "eval(self.__forward_code__, globalns, localns),"),
        ],
        "uniontype": [(f, "if get_origin(hint) in (Union, types.UnionType):")],
        "str": [(f, "out[name] = hint(value)")],
        "guard": [(f, "hint = ForwardRef(hint)._evaluate(globalns, localns)")],
        "inspect": [(f, "hints = inspect.get_annotations(cls, eval_str=True)")],
    }

    def run(thought: str, keys: list[str]) -> Step:
        picked = rng.sample(keys, max(1, len(keys) - rng.randint(0, 1)))
        fails = [
            Fail(
                ctx.case(rng, _CASES),
                env[k],
                f"assert result[{rng.choice(['retries', 'timeout', 'port', 'depth'])!r}] == {env[k].split(' == ')[-1]}"
                if k in ("value", "uniontype") and " == " in env[k]
                else f"result = {f}({rng.choice([sub, 'Options', 'Config', 'Record'])}, data)",
                frames.get(k, []),
            )
            for k in picked
        ]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", ctx.test_file, f"{ctx.test_file}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -x", " -q", " -p no:cacheprovider"]),
        )

    def probe(version: str) -> list[str]:
        """What /tmp/check_hints.py prints on one Python."""
        pipe = "TypeError: unsupported operand type(s) for |: 'type' and 'NoneType'"
        if version.startswith("3.8"):
            return [
                "A typing.Union[int, NoneType] True",
                f"B {pipe}",
                "C TypeError: 'type' object is not subscriptable",
            ]
        if version.startswith("3.9"):
            return ["A typing.Optional[int] True", f"B {pipe}", "C list[str] False"]
        return ["A typing.Optional[int] True", "B int | None False", "C list[str] False"]

    def drop_future(k: int) -> list[Step]:
        return [
            Step(
                "The annotations are strings because of `from __future__ import annotations`; without it they are real objects and nothing needs evaluating.",
                f"sed -i '/^from __future__ import annotations$/d' {src} && head -5 {src}",
                f'"""{ctx.stem} helpers."""\nimport types\nfrom typing import Union, get_args, get_origin, get_type_hints\n',
            ),
            run("Run the tests.", ["pipe", "name", "base"]),
        ]

    def optional_syntax(k: int) -> list[Step]:
        return [
            Step(
                f"Python {ctx.python} can't evaluate `X | None` at all. Spell the field annotations with Optional[...] instead.",
                f"sed -i -E 's/: ([A-Za-z_.]+) \\| None/: Optional[\\1]/g' {src} && grep -c 'Optional\\[' {src}",
                str(rng.randint(3, 14)),
            ),
            run("Rerun.", ["name", "pipe", "value"]),
        ]

    def localns(k: int) -> list[Step]:
        return [
            Step(
                "The forward references are resolved in the wrong namespace. Pass the defining module's namespace explicitly.",
                edit(
                    rng,
                    src,
                    "hints = get_type_hints(cls)",
                    "ns = dict(vars(sys.modules[cls.__module__]))\n    hints = get_type_hints(cls, localns=ns)",
                ),
                "patched",
            ),
            run("Run the tests again.", ["base", "name", "none"]),
        ]

    def union_type(k: int) -> list[Step]:
        return [
            Step(
                "On newer Pythons `int | None` is a types.UnionType, not typing.Union; check for both.",
                edit(rng, src, "if get_origin(hint) is Union:", "if get_origin(hint) in (Union, types.UnionType):"),
                "patched",
            ),
            run("Rerun the tests.", ["uniontype", "name"]),
        ]

    def getattr_union(k: int) -> list[Step]:
        return [
            Step(
                "types.UnionType only exists from 3.10; fall back when it's missing.",
                edit(
                    rng,
                    src,
                    "if get_origin(hint) in (Union, types.UnionType):",
                    'if get_origin(hint) in (Union, getattr(types, "UnionType", Union)):',
                ),
                "patched",
            ),
            run("And the tests.", ["generic", "subscripted", "value", "pipe"]),
        ]

    def raw(k: int) -> list[Step]:
        return [
            Step(
                "Stop evaluating: read cls.__annotations__ directly and only fall back to get_type_hints when that works.",
                edit(
                    rng,
                    src,
                    "    hints = get_type_hints(cls)\n",
                    "    try:\n        hints = get_type_hints(cls)\n    except (NameError, TypeError):\n        hints = dict(cls.__annotations__)\n",
                ),
                "patched",
            ),
            run("Rerun.", ["str", "value", "none"]),
        ]

    def forward(k: int) -> list[Step]:
        return [
            Step(
                "Evaluate only the string hints, one at a time, with ForwardRef.",
                edit(
                    rng,
                    src,
                    "        hint = hints.get(name, object)\n",
                    "        hint = hints.get(name, object)\n        if isinstance(hint, str):\n            hint = ForwardRef(hint)._evaluate(globalns, localns)\n",
                ),
                "patched",
            ),
            run("Run the tests.", ["guard", "str"]),
        ]

    def inspect_api(k: int) -> list[Step]:
        return [
            Step(
                "inspect.get_annotations(eval_str=True) is meant for exactly this.",
                edit(rng, src, "hints = get_type_hints(cls)", "hints = inspect.get_annotations(cls, eval_str=True)"),
                "patched",
            ),
            run("Run them.", ["inspect", "name"]),
        ]

    def extensions(k: int) -> list[Step]:
        return [
            Step(
                "typing_extensions backports get_type_hints and get_origin; use those.",
                edit(
                    rng,
                    src,
                    "from typing import Union, get_args, get_origin, get_type_hints",
                    "from typing import Union\nfrom typing_extensions import get_args, get_origin, get_type_hints",
                ),
                "patched",
            ),
            run("Rerun.", ["extensions"] if rng.random() < 0.4 else ["pipe", "name"]),
        ]

    def cross(k: int) -> list[Step]:
        script = "from __future__ import annotations\nfrom typing import Optional, Union, get_origin, get_type_hints\n\n\nclass A:\n    x: Optional[int]\n\n\nclass B:\n    x: int | None\n\n\nclass C:\n    x: list[str]\n\n\nfor cls in (A, B, C):\n    try:\n        hint = get_type_hints(cls)['x']\n        print(cls.__name__, hint, get_origin(hint) is Union)\n    except Exception as exc:\n        print(cls.__name__, type(exc).__name__ + ':', exc)\n"
        return [
            Step(
                f"Let me check how each spelling behaves under both interpreters with a standalone script, since {py2} can't import the whole package.",
                f"cat > /tmp/check_hints.py <<'EOF'\n{script}EOF",
                "",
            ),
            Step(
                "Run it under both.",
                f"for py in python {py2}; do echo \"== $py ($($py -c 'import platform; print(platform.python_version())'))\"; $py /tmp/check_hints.py; done",
                "\n".join([f"== python ({ctx.python_full})", *probe(ctx.python_full), f"== {py2} ({v2})", *probe(v2)]),
                seconds=rng.uniform(1, 4),
            ),
        ]

    def origin(k: int) -> list[Step]:
        tb = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
        if ctx.python == "3.8":
            origin_out = tb + "TypeError: 'type' object is not subscriptable"
        elif ctx.python == "3.9":
            origin_out = (
                "typing.Union <class 'list'> <class 'list'>\n"
                + tb
                + '  File "<string>", line 1, in <module>\n'
                + "TypeError: unsupported operand type(s) for |: 'type' and 'NoneType'"
            )
        else:
            origin_out = "typing.Union <class 'list'> <class 'list'>\n<class 'types.UnionType'>"
        return [
            Step(
                "What does get_origin actually return for each spelling here?",
                "python -c \"import typing, types; from typing import Optional, List; print(typing.get_origin(Optional[int]), typing.get_origin(List[int]), typing.get_origin(list[int])); print(typing.get_origin(eval('int | None')))\"",
                origin_out,
                rc=1 if ctx.python in ("3.8", "3.9") else 0,
            )
        ]

    first = [
        run(
            f"My fix coerces the values through {f}, which reads the field annotations. Let me run the tests.",
            ["pipe", "name"],
        ),
        Step(f"Let me look at {f}.", f"grep -n -A12 'def {f}' {src}", numbered(ctx.func_line, body)),
    ]
    attempts: list[Attempt] = [
        drop_future,
        optional_syntax,
        localns,
        union_type,
        getattr_union,
        raw,
        forward,
        inspect_api,
        extensions,
        cross,
        origin,
    ]
    return churn(ctx, rng, n, first, attempts, "reading the annotations at runtime on every Python version", body)

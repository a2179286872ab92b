# ruff: noqa: E501
"""Loop family on overloads: str against a sequence of str, and mypy always finding another overlap."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.looks import churn, edit
from heldout62.testrun import Fail, test_step
from heldout62.text import Attempt, Ctx, Diag, mypy_step


def overload_overlap_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Overloads for str versus a sequence of str: reordering, narrowing, Literal flags; mypy always finds another overlap."""
    src, f = ctx.source, ctx.func
    code = "misc" if ctx.mypy_version.startswith("1.4") else "overload-overlap"
    ls = ctx.lst("str")
    body = f"@overload\ndef {f}(value: str) -> str: ...\n@overload\ndef {f}(value: Sequence[str]) -> {ls}: ...\ndef {f}(value: Union[str, Sequence[str]]) -> Union[str, {ls}]:\n    if isinstance(value, str):\n        return value.strip()\n    return [v.strip() for v in value]\n"
    variants = (
        "Possible overload variants:",
        f"    def {f}(value: str) -> str",
        f"    def {f}(value: Sequence[str]) -> {ls}",
    )
    other = ctx.other(rng)

    def d(message: str, c: str, notes: tuple[str, ...] = (), path: str = "") -> Diag:
        return Diag(rng.randint(20, 700), message, c, notes, path)

    pool = {
        "overlap": lambda: d("Overloaded function signatures 1 and 2 overlap with incompatible return types", code),
        "never": lambda: d(
            "Overloaded function signature 2 will never be matched: signature 1's parameter type(s) are the same or broader",
            "misc",
        ),
        "accept": lambda: d(
            f"Overloaded function implementation does not accept all possible arguments of signature {rng.choice([1, 2, 3])}",
            "misc",
        ),
        "produce": lambda: d(
            f"Overloaded function implementation cannot produce return type of signature {rng.choice([1, 2])}", "misc"
        ),
        "none": lambda: d(
            f'No overload variant of "{f}" matches argument type "{ctx.opt("str")}"', "call-overload", variants, other
        ),
        "bool": lambda: d(
            f'No overload variant of "{f}" matches argument types "str", "bool"', "call-overload", variants, other
        ),
        "single": lambda: d("Single overload definition, multiple required", "misc"),
        "impl": lambda: d("An overloaded function outside a stub file must have an implementation", "no-overload-impl"),
        "assign": lambda: d(
            f'Incompatible types in assignment (expression has type "{ctx.opt(ls)}", variable has type "{ls}")',
            "assignment",
            (),
            other,
        ),
    }

    def run(thought: str, keys: list[str]) -> Step:
        picked = rng.sample(keys, max(1, len(keys) - rng.randint(0, 1)))
        return mypy_step(ctx, rng, thought, [pool[k]() for k in picked])

    def swap(k: int) -> list[Step]:
        return [
            Step(
                "Put the Sequence overload first, so the str one is the fallback.",
                f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\na = '@overload\\ndef {f}(value: str) -> str: ...\\n'\nb = '@overload\\ndef {f}(value: Sequence[str]) -> {ls}: ...\\n'\ns = s.replace(a + b, b + a)\nopen(p, 'w').write(s)\nprint('swapped')\nEOF",
                "swapped",
            ),
            run("Run mypy.", ["never", "overlap", "none"]),
        ]

    def narrow(k: int) -> list[Step]:
        alt = rng.choice(
            [
                f"{ls} | tuple[str, ...]" if ctx.new_syntax else f"Union[{ls}, Tuple[str, ...]]",
                "Iterable[str]",
                "MutableSequence[str]",
            ]
        )
        keys = ["accept", "none", "assign"] if "Iterable" not in alt else ["overlap", "accept", "produce"]
        return [
            Step(
                f"str is itself a Sequence[str], which is where the overlap comes from. Use {alt} for the second overload.",
                edit(rng, src, f"def {f}(value: Sequence[str]) -> {ls}: ...", f"def {f}(value: {alt}) -> {ls}: ..."),
                "patched",
            ),
            run("Check.", keys),
        ]

    def none_overload(k: int) -> list[Step]:
        return [
            Step(
                "A caller passes an optional string. Add a None overload.",
                edit(
                    rng,
                    src,
                    f"def {f}(value: Union[",
                    f"@overload\ndef {f}(value: None) -> None: ...\ndef {f}(value: Union[None, ",
                ),
                "patched",
            ),
            run("Rerun mypy.", ["produce", "overlap", "assign", "accept"]),
        ]

    def literal_flag(k: int) -> list[Step]:
        return [
            Step(
                "The `flat` flag changes the return type too; split it into Literal[True]/Literal[False] overloads.",
                edit(
                    rng,
                    src,
                    f"@overload\ndef {f}(value: str) -> str: ...",
                    f"@overload\ndef {f}(value: str, *, flat: Literal[True]) -> str: ...\n@overload\ndef {f}(value: str, *, flat: Literal[False] = ...) -> {ls}: ...",
                ),
                "patched",
            ),
            run("mypy.", ["bool", "overlap", "accept", rng.choice(["produce", "never"])]),
        ]

    def drop_one(k: int) -> list[Step]:
        return [
            Step(
                "Simplify: drop the str overload and keep one signature.",
                f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\ns = s.replace('@overload\\ndef {f}(value: str) -> str: ...\\n', '', 1)\nopen(p, 'w').write(s)\nprint('ok')\nEOF",
                "ok",
            ),
            run("Check it.", ["single", "assign", "none"]),
        ]

    def runtime(k: int) -> list[Step]:
        if ctx.python in ("3.8", "3.9", "3.10"):
            out = "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nAttributeError: module 'typing' has no attribute 'get_overloads'"
            rc = 1
        else:
            out = f"[<function {f} at 0x7f{rng.randrange(16**10):010x}>, <function {f} at 0x7f{rng.randrange(16**10):010x}>]"
            rc = 0
        return [
            Step(
                "Let me see which overloads Python actually registered.",
                f'python -c "import typing, {ctx.dotted} as m; print(typing.get_overloads(m.{f}))"',
                out,
                rc=rc,
            )
        ]

    def ignore(k: int) -> list[Step]:
        return [
            Step(
                "The overlap is deliberate. Ignore it on the first overload.",
                edit(
                    rng,
                    src,
                    f"def {f}(value: str) -> str: ...",
                    f"def {f}(value: str) -> str: ...  # type: ignore[{code}]",
                ),
                "patched",
            ),
            run("Rerun.", ["accept", "none", "bool", "assign"]),
        ]

    def missing_import(k: int) -> list[Step]:
        case = ctx.case(rng, ["strip", "sequence", "none"])
        return [
            test_step(
                ctx,
                rng,
                "Let me make sure the module still imports and the tests run.",
                ctx.test_file,
                [
                    Fail(
                        case,
                        rng.choice(
                            [
                                "NameError: name 'overload' is not defined",
                                "NameError: name 'Literal' is not defined",
                                "NameError: name 'Sequence' is not defined",
                            ]
                        ),
                        f"from {ctx.dotted} import {f}",
                    )
                ],
            ),
            Step(
                "Add the missing typing imports.",
                edit(rng, src, "from typing import ", "from typing import Literal, Sequence, Union, overload, "),
                "patched",
            ),
        ]

    first = [
        run(
            f"I added overloads to {f} so callers get str back for a str. Let me type-check.",
            ["overlap", "accept", "none"],
        ),
        Step("Let me view the overloads.", f"grep -n -B1 -A3 'def {f}' {src}", body),
    ]
    attempts: list[Attempt] = [swap, narrow, none_overload, literal_flag, drop_one, runtime, ignore, missing_import]
    return churn(ctx, rng, n, first, attempts, f"the overloads of {f}", body)

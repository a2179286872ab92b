# ruff: noqa: E501
"""Loop family on generics: a helper annotated with list[Base] meets list invariance at its call sites."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.looks import churn, edit
from heldout62.testrun import Fail, test_step
from heldout62.text import VARIANCE, Attempt, Ctx, Diag, mypy_step, numbered


def list_invariance_cast_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A helper annotated `list[Base]` called with lists of a subclass: Sequence, TypeVars, casts and ignores shuffle the errors around."""
    src, f, base, sub, attr = ctx.source, ctx.func, ctx.base, ctx.sub, ctx.attr
    lst = ctx.lst
    body = f"def {f}(items: {lst(base)}) -> {lst(base)}:\n    result: {lst(base)} = []\n    for item in items:\n        if item.is_bound:\n            item = item.clone()\n        result.append(item)\n    return result\n"
    callers = [ctx.other(rng) for _ in range(3)]

    def arg(k: int = 0, got: str = "") -> Diag:
        return Diag(
            rng.randint(20, 900),
            f'Argument 1 to "{f}" has incompatible type "{got or lst(sub)}"; expected "{lst(base)}"',
            "arg-type",
            VARIANCE if not got else (),
            callers[k % 3],
        )

    def attr_err(k: int = 0) -> Diag:
        return Diag(rng.randint(20, 900), f'"{base}" has no attribute "{attr}"', "attr-defined", (), callers[k % 3])

    def assign(k: int = 0, target: str = "") -> Diag:
        return Diag(
            rng.randint(20, 900),
            f'Incompatible types in assignment (expression has type "{lst(base)}", variable has type "{target or lst(sub)}")',
            "assignment",
            (),
            callers[k % 3],
        )

    def tuple_arg() -> Diag:
        return arg(2, f"tuple[{sub}, ...]" if ctx.lowercase else f"Tuple[{sub}, ...]")

    def run(thought: str, diags: list[Diag]) -> Step:
        return mypy_step(ctx, rng, thought, rng.sample(diags, max(1, len(diags) - rng.randint(0, 1))))

    def sequence(k: int) -> list[Step]:
        steps = [
            Step(
                "mypy itself suggests Sequence, which is covariant; the helper only iterates over its argument.",
                edit(rng, src, f"def {f}(items: {lst(base)})", f"def {f}(items: Sequence[{base}])"),
                "patched",
            )
        ]
        diags = [attr_err(0), attr_err(1), assign(2)]
        if rng.random() < 0.5:
            diags.append(
                Diag(
                    rng.randint(5, 40),
                    'Name "Sequence" is not defined',
                    "name-defined",
                    ('Did you forget to import it from "typing"? (Suggestion: "from typing import Sequence")',),
                )
            )
        return [*steps, run("Check again.", diags)]

    def typevar(k: int) -> list[Step]:
        return [
            Step(
                f"The callers lose the subclass because the return type is {lst(base)}. A TypeVar bound to {base} keeps the element type through the call.",
                f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\ns = s.replace('def {f}(items: {lst(base)}) -> {lst(base)}:', 'T = TypeVar(\"T\", bound={base})\\n\\n\\ndef {f}(items: Sequence[T]) -> {lst('T')}:')\ns = s.replace('result: {lst(base)} = []', 'result: {lst('T')} = []')\nif 'TypeVar' not in s.split('\\n\\n')[0]:\n    s = 'from typing import Sequence, TypeVar\\n' + s\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            run(
                "Run mypy.",
                [
                    Diag(
                        rng.randint(20, 600),
                        f'Incompatible types in assignment (expression has type "{base}", variable has type "T")',
                        "assignment",
                    ),
                    Diag(
                        rng.randint(20, 600),
                        f'Argument 1 to "append" of "list" has incompatible type "{base}"; expected "T"',
                        "arg-type",
                    ),
                    attr_err(1),
                ],
            ),
        ]

    def covariant(k: int) -> list[Step]:
        lst_t = lst("T").replace("[", "\\[").replace("]", "\\]")
        return [
            Step(
                "The TypeVar has to be covariant so a list of the subclass is accepted.",
                edit(
                    rng, src, f'T = TypeVar("T", bound={base})', f'T_co = TypeVar("T_co", bound={base}, covariant=True)'
                )
                + f"\nsed -i 's/Sequence\\[T\\]/Sequence[T_co]/; s/{lst_t}/{lst('T_co')}/g' {src}",
                "patched",
            ),
            run(
                "Rerun mypy.",
                [
                    Diag(rng.randint(20, 600), "Cannot use a covariant type variable as a parameter", "misc"),
                    Diag(
                        rng.randint(20, 600),
                        f'Incompatible types in assignment (expression has type "{base}", variable has type "T_co")',
                        "assignment",
                    ),
                    arg(0),
                ],
            ),
        ]

    def cast_calls(k: int) -> list[Step]:
        where = rng.choice(callers)
        return [
            Step(
                f"Leave the helper as it was and cast at the call site in {where}.",
                f"sed -i 's/= {f}(\\(.*\\))$/= cast({lst(sub)!r}, {f}(\\1))/' {where} && grep -n 'cast(' {where}",
                f"{rng.randint(20, 700)}:        fields = cast({lst(sub)!r}, {f}(fields))",
            ),
            run(
                "See what is left.",
                [
                    arg(0),
                    arg(1),
                    Diag(
                        rng.randint(2, 40),
                        'Name "cast" is not defined',
                        "name-defined",
                        ('Did you forget to import it from "typing"? (Suggestion: "from typing import cast")',),
                        where,
                    ),
                    tuple_arg(),
                ],
            ),
        ]

    def ignores(k: int) -> list[Step]:
        return [
            Step(
                "These call sites are correct at runtime; let me silence the arg-type errors there.",
                "\n".join(
                    f"sed -i '{rng.randint(20, 900)}s/$/  # type: ignore[arg-type]/' {c}" for c in sorted(set(callers))
                ),
                "",
            ),
            run(
                "Rerun mypy.",
                [
                    Diag(rng.randint(20, 900), 'Unused "type: ignore" comment', "unused-ignore", (), callers[1]),
                    attr_err(0),
                    attr_err(2),
                    tuple_arg(),
                    Diag(
                        rng.randint(20, 900),
                        'Unused "type: ignore[arg-type]" comment, use narrower [attr-defined] instead of [arg-type] code',
                        "unused-ignore",
                        (),
                        callers[0],
                    ),
                ],
            ),
        ]

    def caller_types(k: int) -> list[Step]:
        where = rng.choice(callers)
        return [
            Step(
                f"Maybe the callers should just declare {lst(base)}.",
                edit(rng, where, f"fields: {lst(sub)} = ", f"fields: {lst(base)} = "),
                "patched",
            ),
            run(
                "And mypy.",
                [
                    attr_err(0),
                    attr_err(1),
                    assign(2, lst(sub)),
                    Diag(
                        rng.randint(20, 900),
                        f'Item "{base}" of the upper bound "{base}" of type variable "T" has no attribute "{attr}"',
                        "union-attr",
                        (),
                        where,
                    ),
                ],
            ),
        ]

    def revert(k: int) -> list[Step]:
        ins, dels = rng.randint(3, 9), rng.randint(1, 4)
        return [
            Step(
                "This is getting tangled. Let me restore the callers and start the annotation again from the original file.",
                f"git checkout -- {' '.join(sorted(set(callers)))} && git diff --stat",
                f" {src} | {ins + dels} {'+' * ins}{'-' * dels}\n 1 file changed, {ins} insertions(+), {dels} deletions(-)",
            ),
            run("Where are we now?", [arg(0), arg(1), tuple_arg(), attr_err(2)]),
        ]

    def tests(k: int) -> list[Step]:
        case = ctx.case(rng, ["subclass", "clone", "empty", "bound"])
        return [
            test_step(
                ctx,
                rng,
                "At least make sure the tests still pass with the annotations.",
                ctx.test_file,
                rng.choice(
                    [
                        [],
                        [
                            Fail(
                                case,
                                f"AttributeError: '{base}' object has no attribute '{attr}'",
                                f"result = {f}(items)",
                                [(f, "item = item.clone()")],
                            )
                        ],
                    ]
                ),
            )
        ]

    first = [
        mypy_step(
            ctx,
            rng,
            "I've annotated the helper; let me make sure it type-checks before finishing.",
            [arg(0), arg(1), attr_err(2), tuple_arg()],
            how="plain",
        ),
        Step(f"Let me see {f} as I annotated it.", f"grep -n -A7 'def {f}' {src}", numbered(ctx.func_line, body)),
    ]
    attempts: list[Attempt] = [sequence, typevar, covariant, cast_calls, ignores, caller_types, revert, tests]
    return churn(ctx, rng, n, first, attempts, "the list variance errors at the call sites", body)
